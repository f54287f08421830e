"""Realistic answers of a client who finished the training (demo data and tests).

Reusable by any test that needs a client who finished the training:

    from profiler.demo_answers import save_sample_answers
    save_sample_answers(db.session, client, now=T0)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from profiler.library import current_library
from profiler.models import Answer, User

NAME = "Sanne de Vries"
PITCH_TEXT = (
    "Hallo, ik ben Sanne. Ik heb twaalf jaar ervaring in klantcontact en planning, het "
    "laatst bij de gemeente. Collega’s kennen me als iemand die rust brengt als het druk "
    "is. Ik maak een goede planning, ik luister écht naar mensen en ik los problemen op "
    "voordat ze groot worden. Als coördinator hield ik het overzicht voor een team van "
    "twintig mensen. Nu zoek ik werk als planner in de zorg, in een klein team met "
    "duidelijke afspraken. Kent u iemand die in de zorg werkt?"
)
PROFILE_TEXT = (
    "Ik ben een rustige en nauwkeurige planner met ervaring in klantcontact en coördinatie. "
    "Collega’s waarderen dat ik overzicht houd en afspraken nakom. Ik zoek een baan als "
    "planner in de zorg, waar ik mensen kan helpen met een goed georganiseerde dag."
)
JOBS = [
    {
        "employer": "Gemeente Utrecht",
        "role": "Medewerker klantcontact",
        "place": "Utrecht",
        "start": "2017-04",
        "end": "current",
        "tasks": "Inwoners te woord staan over vergunningen\nAfspraken plannen voor de balie\n"
        "Nieuwe collega’s inwerken",
    },
    {
        "employer": "Zorggroep Eemland",
        "role": "Coördinator planning",
        "place": "Amersfoort",
        "start": "2012-09",
        "end": "2017-03",
        "tasks": "Roosters maken voor twintig medewerkers\nZieke collega’s vervangen",
    },
    {
        "employer": "Café De Zwaan",
        "role": "Bedieningsmedewerker",
        "place": "Amersfoort",
        "start": "2008-06",
        "end": "2012-08",
        "tasks": "Gasten ontvangen en bedienen\nDe kassa opmaken",
    },
]
COURSE = "Bedrijfshulpverlening (BHV)"
HOBBIES = "Wandelen met de hond, koken voor vrienden en vrijwilliger bij de voedselbank."
# Phrases only the private exercise `conditions` holds: they must never reach a document.
PRIVATE_MARKERS = (
    "Paniekaanvallen in drukke ruimtes",
    "Geen nachtdiensten vanwege mijn medicatie",
    "Mijn rugklachten na de operatie",
)


def scale(exercise_id: str, field_id: str, by_dimension: dict[str, int]) -> dict[str, int]:
    """Item answers that give each dimension exactly the wanted score (reverse items too)."""
    exercise = current_library().get(exercise_id, "nl")
    item = exercise.field(field_id)
    values = {}
    for statement in item.items:
        wanted = by_dimension[statement.dimension]
        values[statement.id] = item.min + item.max - wanted if statement.reverse else wanted
    return values


def sample_answers() -> dict[str, dict[str, Any]]:
    """Exercise id -> field id -> value, as the engine stores them."""
    return {
        "q_start": {
            "sdt": scale(
                "q_start",
                "sdt",
                {"autonomy": 2, "competence": 2, "relatedness": 3, "own_direction": 2},
            )
        },
        "self_image": {
            "own_words": ["rustig", "betrouwbaar", "nauwkeurig", "behulpzaam", "bescheiden"],
            "then_now": "Vroeger was ik altijd druk. Nu merk ik dat ik meer rust nodig heb.",
            "others_say": ["zorgzaam", "georganiseerd", "eerlijk"],
            "asked_for_help": "Ik vroeg mijn zus en een oud-collega.",
            "person": "Mijn zus Eline",
            "person_answer": "Zij zegt dat ik altijd overzicht houd.",
            "match": "Het klopt grotendeels.",
            "surprise": "Dat anderen me zo rustig vinden.",
            "takeaway": "Ik ben sterker dan ik dacht.",
        },
        "personality": {
            "traits": scale(
                "personality",
                "traits",
                {
                    "openness": 3,
                    "conscientiousness": 5,
                    "extraversion": 2,
                    "agreeableness": 4,
                    "stability": 3,
                },
            ),
            "recognise": "Ik herken vooral dat ik zorgvuldig werk.",
            "takeaway": "Zorgvuldigheid is mijn kracht.",
        },
        "qualities": {
            "quality_list": ["zorgvuldig", "behulpzaam", "rustig"],
            "quadrants": [
                {
                    "quality": "zorgvuldig",
                    "pitfall": "perfectionistisch",
                    "challenge": "loslaten",
                    "allergy": "slordigheid",
                    "example": "Ik controleerde elk rooster drie keer.",
                }
            ],
            "takeaway": "Ik mag soms iets loslaten.",
        },
        "interests": {
            "areas": scale(
                "interests",
                "areas",
                {
                    "practical": 2,
                    "investigative": 3,
                    "creative": 2,
                    "social": 5,
                    "enterprising": 1,
                    "organising": 4,
                },
            ),
            "energizers": ["een planning maken", "iemand helpen", "koken", "wandelen"],
            "top_areas": "Mensen helpen en organiseren passen het best.",
        },
        "values": {
            "chosen": {
                "selected": ["clarity", "helping", "teamwork", "calm", "honesty", "other"],
                "other": "Humor op de werkvloer",
            },
            "ranked": ["helping", "clarity", "calm", "Humor op de werkvloer", "teamwork"],
            "meanings": [{"value": "Anderen helpen", "meaning": "Ik wil iets betekenen."}],
            "missing": "Rust kwam te weinig aan bod.",
        },
        "drives": {
            "moments": [{"when": "2015", "what": "Een nieuw rooster ingevoerd", "energy": "Veel"}],
            "drivers": {"selected": ["help", "order"], "other": ""},
            "main_drives": ["anderen helpen", "orde scheppen"],
            "drive_sentence": "Ik wil dat mensen weten waar ze aan toe zijn.",
        },
        "work_environment": {
            "team_size": "small_team",
            "pace": "steady",
            "places": {"selected": ["office", "care"], "other": ""},
            "ideal_workplace": "Een rustig kantoor bij een zorginstelling.",
        },
        "work_history": {
            "jobs": JOBS,
            "liked_most": "Het contact met collega’s.",
            "liked_least": "De drukte aan de balie.",
        },
        "successes": {
            "ideas": ["nieuw rooster", "klacht opgelost"],
            "stories": [
                {
                    "situation": "Het rooster liep vast door ziekte.",
                    "task": "Ik moest binnen een dag een oplossing vinden.",
                    "action": "Ik belde iedereen en maakte een nieuw plan.",
                    "result": "Alle diensten waren gevuld",
                }
            ],
            "qualities": {"selected": ["planning", "calm"], "other": ""},
        },
        "skills": {
            "skills": [
                "Roosters en planningen maken",
                "Klanten te woord staan",
                "Werken met Excel",
                "Nieuwe collega’s inwerken",
                "Klachten afhandelen",
            ],
            "favourite": ["Roosters en planningen maken", "Klanten te woord staan"],
        },
        "competences": {
            "common": {"selected": ["accuracy", "planning", "customer_focus"], "other": ""},
            "competences": [
                {
                    "competence": "Nauwkeurig",
                    "evidence": "Ik controleerde elke week de roosters op fouten.",
                },
                {
                    "competence": "Plannen en organiseren",
                    "evidence": "Ik maakte de planning voor twintig collega’s.",
                },
            ],
        },
        "education": {
            "diplomas": [
                {
                    "school": "ROC Midden Nederland",
                    "programme": "mbo Secretarieel niveau 4",
                    "start": "2004-09",
                    "end": "2008-06",
                    "completed": "yes",
                },
                {
                    "school": "Hogeschool Utrecht",
                    "programme": "hbo Bedrijfskunde",
                    "start": "2010-09",
                    "end": "2011-06",
                    "completed": "no",
                },
            ],
            "courses": [{"name": COURSE, "provider": "Het Oranje Kruis", "year": "2019"}],
            "languages": [
                {"language": "Nederlands", "level": "native"},
                {"language": "Engels", "level": "b2"},
                {"language": "Duits", "level": "a2"},
            ],
        },
        "conditions": {
            "hours": "h16_24",
            "mental": PRIVATE_MARKERS[0],
            "physical": PRIVATE_MARKERS[2],
            "limits": [PRIVATE_MARKERS[1]],
            "share": "Misschien de opbouw in uren.",
        },
        "q_midway": {
            "sdt": scale(
                "q_midway",
                "sdt",
                {"autonomy": 3, "competence": 3, "relatedness": 4, "own_direction": 3},
            )
        },
        "professions": {
            "candidates": ["planner", "doktersassistent", "medewerker klantenservice"],
            "leaning": "Planner in de zorg trekt me het meest.",
        },
        "favourite_job": {
            "profession": "Planner in de zorg",
            "workplace": "Een klein team met vaste werktijden en een eigen plek.",
            "why": "Ik kan plannen én mensen helpen.",
        },
        "pitch": {"text": PITCH_TEXT, "question": "Kent u iemand die in de zorg werkt?"},
        "cv": {
            "city": "Amersfoort",
            "phone": "06 12 34 56 78",
            "email": "sanne.devries@example.nl",
            "birth_year": "1981",
            "headline": "Planner in de zorg",
            "profile": PROFILE_TEXT,
            "hobbies": HOBBIES,
        },
        "q_end": {
            "sdt": scale(
                "q_end",
                "sdt",
                {"autonomy": 4, "competence": 4, "relatedness": 4, "own_direction": 5},
            )
        },
    }


def save_sample_answers(
    session: Session,
    client: User,
    *,
    now: datetime,
    answers: dict[str, dict[str, Any]] | None = None,
    leave_out: tuple[tuple[str, str], ...] = (),
) -> None:
    """Store the answers as current Answer rows (no revisions needed for documents); commits."""
    for exercise_id, fields in (answers or sample_answers()).items():
        for field_id, value in fields.items():
            if (exercise_id, field_id) in leave_out:
                continue
            session.add(
                Answer(
                    client_id=client.id,
                    exercise_id=exercise_id,
                    field_id=field_id,
                    value=value,
                    revision=1,
                    created_at=now,
                    updated_at=now,
                )
            )
    session.commit()
