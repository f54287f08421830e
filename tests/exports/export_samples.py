"""Realistic sample documents shared by the export tests, the benchmark and the screenshots."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from exports.models import (
    Chart,
    Competence,
    Course,
    CvDocument,
    Diploma,
    Job,
    Language,
    Person,
    PitchDocument,
    ResumeDocument,
    Series,
    WorkbookDocument,
    WorkbookExercise,
    WorkbookPart,
)


def portrait() -> bytes:
    """A small generated PNG portrait (no real person)."""
    image = Image.new("RGB", (480, 600), (196, 214, 222))
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 110, 330, 310), fill=(233, 196, 170))
    draw.ellipse((80, 330, 400, 760), fill=(31, 95, 115))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


PERSON = Person(
    name="Anouk van den Berg-Çelik",
    headline="Coördinator klantenservice",
    city="Utrecht",
    phone="06 12 34 56 78",
    email="anouk.vandenberg@example.nl",
    birth_year="1978",
)

PITCH_TEXT = (
    "Ik ben Anouk, een rustige en betrouwbare coördinator met twaalf jaar ervaring in "
    "klantenservice. Ik zorg dat klanten zich gehoord voelen en dat collega’s weten waar ze "
    "aan toe zijn. Mijn kracht is overzicht houden als het druk wordt: ik maak een planning, "
    "verdeel het werk eerlijk en los problemen op voordat ze groot worden. Ik zoek een "
    "team in de zorg of bij een gemeente waar ik mensen kan helpen met een financiële vraag. "
    "Zullen we eens een kop koffie drinken? Dan vertel ik je graag meer over wat ik voor "
    "jullie kan betekenen."
)


def pitch(lang: str = "nl") -> PitchDocument:
    """The elevator pitch."""
    return PitchDocument(lang=lang, person=PERSON, text=PITCH_TEXT)


def resume(lang: str = "nl", photo: bool = True) -> ResumeDocument:
    """The one-page personal profile."""
    return ResumeDocument(
        lang=lang,
        person=Person(**{**PERSON.__dict__, "photo": portrait() if photo else None}),
        profile=(
            "Ik ben een betrokken en nauwkeurige coördinator die energie krijgt van mensen "
            "helpen. Collega’s kennen me als iemand die rust brengt, goed luistert en "
            "afspraken nakomt. Na een periode van herstel weet ik beter wat bij me past: "
            "een overzichtelijke werkplek, een vast team en werk waarin ik écht iets "
            "beteken voor anderen."
        ),
        values=("Eerlijkheid", "Samenwerking", "Rust en overzicht", "Zorg voor anderen"),
        strengths=("Plannen", "Luisteren", "Problemen oplossen", "Klantgericht werken"),
        interests=("Sociaal", "Organiserend"),
        goal="Klantadviseur bij een gemeente of zorgverzekeraar",
        workplace=(
            "Een team van vijf tot tien collega’s, vaste werktijden, een eigen plek en een "
            "leidinggevende die duidelijk is. Graag maximaal een half uur reizen."
        ),
    )


JOBS = (
    Job(
        employer="Zorgverzekeraar Midden",
        role="Coördinator klantenservice",
        place="Utrecht",
        start="2015-09",
        end="current",
        tasks=(
            "Dagelijkse planning van een team van twaalf medewerkers.\n"
            "Afhandelen van klachten en escalaties; gemiddeld 40 per week.\n"
            "Nieuwe collega’s inwerken en coachen."
        ),
    ),
    Job(
        employer="Gemeente Zeist",
        role="Medewerker Publiekszaken",
        place="Zeist",
        start="2010-03",
        end="2015-08",
        tasks="Baliewerk en telefonische vragen over paspoorten, rijbewijzen en verhuizingen.",
    ),
    Job(
        employer="Café De Geünieerde",
        role="Bedrijfsleider",
        place="Amersfoort",
        start="2006-01",
        end="2010-02",
        tasks="Inkoop, personeelsplanning en kassabeheer. Omzet gestegen met 15 procent.",
    ),
)


def cv(lang: str = "nl", layout: str = "classic", photo: bool = True, **changes) -> CvDocument:
    """A complete CV in the given layout."""
    fields = dict(
        lang=lang,
        layout=layout,
        person=Person(**{**PERSON.__dict__, "photo": portrait() if photo else None}),
        profile=(
            "Betrouwbare en klantgerichte coördinator met ruim vijftien jaar ervaring in "
            "dienstverlening. Ik houd overzicht als het druk is, breng rust in een team en "
            "zoek naar oplossingen die werken voor klant én organisatie."
        ),
        jobs=JOBS,
        diplomas=(
            Diploma(
                school="Hogeschool Utrecht",
                programme="HBO Bedrijfskunde (propedeuse)",
                start="2004-09",
                end="2005-07",
                completed=False,
            ),
            Diploma(
                school="ROC Midden Nederland",
                programme="MBO Commercieel medewerker, niveau 4",
                start="2000-09",
                end="2004-06",
            ),
        ),
        courses=(
            Course(name="Omgaan met agressie aan de telefoon", provider="NCOI", year="2019"),
            Course(name="Excel voor gevorderden", provider="LOI", year="2017"),
        ),
        skills=("Plannen en organiseren", "Klantcontact", "Excel", "AFAS", "Coachen"),
        competences=(
            Competence(
                name="Klantgerichtheid",
                evidence="Klanttevredenheid van mijn team steeg van 7,1 naar 8,0 in twee jaar.",
            ),
            Competence(
                name="Samenwerken",
                evidence="Ik zette een maandelijks overleg op tussen klantenservice en "
                "declaraties.",
            ),
        ),
        languages=(
            Language(language="Nederlands", level="native"),
            Language(language="Engels", level="b2"),
            Language(language="Turks", level="b1"),
        ),
        interests="Wandelen in de Utrechtse Heuvelrug, koken voor vrienden en vrijwilligerswerk "
        "bij de voedselbank.",
    )
    fields.update(changes)
    return CvDocument(**fields)


def long_cv(layout: str = "classic") -> CvDocument:
    """Fifteen jobs with long task texts: must flow over several pages."""
    jobs = tuple(
        Job(
            employer=f"Werkgever {n:02d}",
            role=f"Functie nummer {n:02d}",
            place="Rotterdam",
            start=f"{2024 - 2 * n}-01",
            end=f"{2025 - 2 * n}-12",
            tasks=" ".join(
                f"Taak {n:02d}.{k}: verantwoordelijk voor de planning, de kwaliteit en het "
                f"contact met klanten en leveranciers in een druk team."
                for k in range(1, 5)
            )
            + f" Einde taken {n:02d}.",
        )
        for n in range(1, 16)
    )
    return cv(layout=layout, jobs=jobs, photo=False)


def workbook(lang: str = "nl") -> WorkbookDocument:
    """A working document with three parts and a questionnaire chart."""
    return WorkbookDocument(
        lang=lang,
        person_name=PERSON.name,
        parts=(
            WorkbookPart(
                title="Persoonlijkheid",
                exercises=(
                    WorkbookExercise(
                        number="1",
                        title="Wie ben ik?",
                        answers=(
                            ("Drie woorden die bij je passen", "Rustig, betrouwbaar, creatief"),
                            (
                                "Wat zeggen anderen over je?",
                                "Dat ik goed kan luisteren.\nDat ik soms te veel hooi op "
                                "mijn vork neem.",
                            ),
                        ),
                    ),
                    WorkbookExercise(
                        number="2",
                        title="Mijn successen",
                        answers=(
                            ("Situatie", "Een nieuw klantsysteem moest binnen een maand live."),
                            ("Resultaat", ""),
                        ),
                    ),
                ),
            ),
            WorkbookPart(
                title="Werkplezier",
                exercises=(
                    WorkbookExercise(
                        number="5",
                        title="Waarden",
                        answers=(("Mijn belangrijkste waarden", "Eerlijkheid, samenwerking"),),
                    ),
                ),
            ),
        ),
        charts=(
            Chart(
                title="Eigen regie",
                labels=("Autonomie", "Competentie", "Verbondenheid", "Eigen regie"),
                series=(
                    Series(name="Start", values=(4, 5, 6, 3)),
                    Series(name="Halverwege", values=(5.5, 6, 6, 5)),
                    Series(name="Eind", values=(7, 7.5, 8, 7)),
                ),
                minimum=1,
                maximum=10,
            ),
        ),
    )


SAMPLES = {
    "pitch": pitch,
    "resume": resume,
    "cv-classic": lambda: cv(layout="classic"),
    "cv-modern": lambda: cv(layout="modern"),
    "workbook": workbook,
}
