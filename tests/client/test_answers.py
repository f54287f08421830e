"""The answer service: revisions, idempotent saves, two tabs, answers to removed fields.

Every test runs on SQLite and on PostgreSQL: a change is written differently on each (on
PostgreSQL the answer and its revision in one statement).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from profiler import answers
from profiler.models import Answer, AnswerRevision
from tests.client.conftest import NOW

EX = "self_image"


@pytest.fixture
def app(app_both):
    """The app on SQLite, then on a fresh PostgreSQL database."""
    return app_both


def revision_count(db) -> int:
    return db.scalar(select(func.count(AnswerRevision.id)))


def test_first_save_creates_revision_one(db, sanne):
    result = answers.save_answers(db, sanne, EX, {"then_now": "Rustiger dan vroeger."}, now=NOW)
    assert result.changed == ["then_now"]
    assert result.revisions["then_now"] == 1
    stored = answers.answers_for(db, sanne, EX)["then_now"]
    assert stored.value == "Rustiger dan vroeger."
    assert [r.revision for r in stored.revisions] == [1]


def test_saving_the_same_values_again_writes_nothing(db, sanne):
    values = {"then_now": "Rustiger.", "own_words": ["rustig", "precies"]}
    answers.save_answers(db, sanne, EX, values, now=NOW)
    before = revision_count(db)
    result = answers.save_answers(db, sanne, EX, dict(values), now=NOW + timedelta(minutes=1))
    assert result.changed == []
    assert revision_count(db) == before == 2


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Rustig.", "Rustig.", True),
        ("Rustig.", "Rustig", False),
        ("", "  \n", True),  # empty equals empty
        (None, "", True),
        (["rustig", "precies"], ("rustig", "precies"), True),  # a tuple is stored as a list
        (["rustig", "precies"], ["precies", "rustig"], False),  # the order is the answer
        ({"a": 3}, {"a": 3}, True),
        ({"a": 3}, {"a": 3.0}, False),  # stored differently: saved again
        ([1], [True], False),
        ({"a": 3}, {"a": 4}, False),
        ("3", 3, False),
    ],
)
def test_a_value_is_the_same_when_it_would_be_stored_the_same(a, b, same):
    assert answers._same(a, b) is same
    assert answers._same(b, a) is same


def test_empty_value_for_a_new_field_stores_no_row(db, sanne):
    answers.save_answers(db, sanne, EX, {"then_now": "", "own_words": ["", ""]}, now=NOW)
    assert db.scalar(select(func.count(Answer.id))) == 0


def test_every_change_keeps_the_earlier_revisions(db, sanne):
    for n, text in enumerate(["een", "twee", "drie"]):
        moment = NOW + timedelta(minutes=n)
        result = answers.save_answers(
            db, sanne, EX, {"then_now": text, "own_words": [text, "rustig"]}, now=moment
        )
        assert result.changed == ["then_now", "own_words"]
        assert result.revisions == {"then_now": n + 1, "own_words": n + 1}
    db.commit()
    stored = answers.answers_for(db, sanne, EX)
    assert stored["then_now"].revision == 3
    assert stored["then_now"].updated_at.replace(tzinfo=None) == (
        NOW + timedelta(minutes=2)
    ).replace(tzinfo=None)
    assert [r.value for r in stored["then_now"].revisions] == ["een", "twee", "drie"]
    assert [r.revision for r in stored["then_now"].revisions] == [1, 2, 3]
    assert [r.value for r in stored["own_words"].revisions][-1] == ["drie", "rustig"]
    assert stored["own_words"].value == ["drie", "rustig"]
    assert not any(r.conflict for r in stored["then_now"].revisions)


def test_a_second_save_of_the_same_new_revision_is_refused_whole(db, sanne):
    """Two requests that both write revision 2 at the same moment: the second one fails on
    the unique revision number (the caller reads again and retries), and leaves the answer
    as the first one wrote it, value and revision."""
    answers.save_answers(db, sanne, EX, {"then_now": "een"}, now=NOW)
    answers.save_answers(db, sanne, EX, {"then_now": "twee"}, now=NOW)
    db.commit()
    answer_id = db.scalar(select(Answer.id).where(Answer.field_id == "then_now"))
    also_two = answers._Stored(answer_id, "ook twee", 2)  # noqa: SLF001 (read before "twee")
    with pytest.raises(IntegrityError):
        answers._write_change(db.connection(), also_two, NOW)  # noqa: SLF001
    db.rollback()
    stored = answers.answers_for(db, sanne, EX)["then_now"]
    assert (stored.value, stored.revision) == ("twee", 2)
    assert [r.value for r in stored.revisions] == ["een", "twee"]


def test_a_change_to_an_answer_deleted_meanwhile_is_refused(db, sanne):
    """The answer went (its client was being deleted) between the read and the write: both
    databases refuse the write with an IntegrityError, which the caller retries once."""
    answers.save_answers(db, sanne, EX, {"then_now": "een"}, now=NOW)
    db.commit()
    answer_id = db.scalar(select(Answer.id).where(Answer.field_id == "then_now"))
    db.execute(delete(AnswerRevision).where(AnswerRevision.answer_id == answer_id))
    db.execute(delete(Answer).where(Answer.id == answer_id))
    db.commit()
    gone = answers._Stored(answer_id, "twee", 2)  # noqa: SLF001 (read before the delete)
    with pytest.raises(IntegrityError):
        answers._write_change(db.connection(), gone, NOW)  # noqa: SLF001
    db.rollback()
    assert db.scalar(select(func.count(AnswerRevision.id))) == 0


def test_two_tabs_changing_the_same_field_keep_both_texts(db, sanne):
    answers.save_answers(db, sanne, EX, {"then_now": "begin"}, now=NOW)
    # Both tabs loaded revision 1. Tab B saves first.
    answers.save_answers(
        db, sanne, EX, {"then_now": "tekst uit tab B"}, now=NOW, expected={"then_now": 1}
    )
    # Tab A saves later, still expecting revision 1.
    result = answers.save_answers(
        db, sanne, EX, {"then_now": "tekst uit tab A"}, now=NOW, expected={"then_now": 1}
    )
    assert [c.field_id for c in result.conflicts] == ["then_now"]
    assert result.conflicts[0].theirs == "tekst uit tab B"
    stored = answers.answers_for(db, sanne, EX)
    assert stored["then_now"].value == "tekst uit tab A"
    kept = answers.for_exercise_page(db, sanne.id, EX).conflicts
    assert [r.value for r in kept["then_now"]] == ["tekst uit tab B"]
    assert {r.value for r in stored["then_now"].revisions} >= {"tekst uit tab A", "tekst uit tab B"}
    # Closing the notice keeps the revisions themselves.
    answers.close_conflicts(db, stored.values())
    assert answers.for_exercise_page(db, sanne.id, EX).conflicts == {}
    assert len(stored["then_now"].revisions) == 3


def test_a_field_the_stale_tab_did_not_touch_keeps_the_newer_text(db, sanne):
    answers.save_answers(db, sanne, EX, {"then_now": "oud", "takeaway": "x"}, now=NOW)
    answers.save_answers(
        db, sanne, EX, {"then_now": "nieuw uit tab B"}, now=NOW, expected={"then_now": 1}
    )
    # Tab A still shows "oud" for then_now and only changed takeaway.
    result = answers.save_answers(
        db,
        sanne,
        EX,
        {"then_now": "oud", "takeaway": "y"},
        now=NOW,
        expected={"then_now": 1, "takeaway": 1},
    )
    assert result.stale == ["then_now"]
    assert result.conflicts == []
    assert result.revisions["then_now"] == 1  # the tab keeps its base: later saves stay safe
    stored = answers.answers_for(db, sanne, EX)
    assert stored["then_now"].value == "nieuw uit tab B"
    assert stored["takeaway"].value == "y"


def test_a_revision_marker_for_an_answer_that_does_not_exist_saves_the_text(db, sanne):
    """A marker above 0 with no stored answer (made up, or from before a deletion): there is
    no other text to keep, so the typed one is saved as the first revision."""
    result = answers.save_answers(
        db, sanne, EX, {"then_now": "mijn tekst"}, now=NOW, expected={"then_now": 764}
    )
    assert result.changed == ["then_now"] and result.conflicts == []
    assert result.revisions["then_now"] == 1
    assert answers.answers_for(db, sanne, EX)["then_now"].value == "mijn tekst"


def test_answers_to_removed_fields_are_kept_as_earlier_answers(db, sanne):
    answers.save_answers(db, sanne, EX, {"old_question": "Mijn oude antwoord"}, now=NOW)
    stored = answers.answers_for(db, sanne, EX)
    earlier = answers.earlier_answers(stored, ["own_words", "then_now"])
    assert list(earlier) == ["old_question"]
    assert answers.plain_text(earlier["old_question"].value) == "Mijn oude antwoord"


def test_answers_of_one_client_never_mix_with_another(db, sanne, users):
    answers.save_answers(db, sanne, EX, {"then_now": "van Sanne"}, now=NOW)
    answers.save_answers(db, users["client_a"], EX, {"then_now": "van Anna"}, now=NOW)
    assert answers.answers_for(db, sanne, EX)["then_now"].value == "van Sanne"
    assert answers.all_answers(db, users["client_a"]) == {EX: {"then_now": "van Anna"}}


def test_the_plan_is_finished_when_every_item_is_done_and_reopened_when_one_is_not(app, db):
    from datetime import UTC, date, datetime

    from profiler.client import progress
    from profiler.enrollments import enroll
    from profiler.models import Role
    from tests.conftest import make_user

    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    client = make_user(Role.CLIENT, "fin@example.nl", "Fin")
    enrollment = enroll(
        db, client, program_id="p", steps=["a", "b", "c"], start_date=date(2026, 3, 2), now=now
    )
    a, b, c = enrollment.items
    c.skipped = True
    for item in (a, b):
        item.unlocked_at = now
    progress.mark_done(db, client, a, now=now, kind="exercise")
    assert enrollment.finished_at is None
    progress.mark_done(db, client, b, now=now, kind="exercise")
    assert enrollment.finished_at == now
    progress.reopen(b)
    assert enrollment.finished_at is None
