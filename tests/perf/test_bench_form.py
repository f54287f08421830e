"""The bench posts what the browser posts: bench_web.FormFields reads an exercise page's
autosave form as Chromium's FormData does (text, lists, choices with "Anders", rankings
with their number selects, groups, the flag)."""

from __future__ import annotations

import sys

import pytest

from profiler import answers
from profiler.extensions import db as _db
from tests.client.conftest import NOW, enroll
from tests.conftest import ROOT, browser_login, make_user

sys.path.insert(0, str(ROOT / "bench"))
from bench_web import FormFields  # noqa: E402

pytestmark = pytest.mark.browser

CHOSEN = ["autonomy", "learning", "calm", "honesty", "balance", "variety"]


@pytest.mark.parametrize("exercise", ["self_image", "values", "work_history"])
def test_the_bench_reads_the_form_as_the_browser_sends_it(page, app, exercise):
    from profiler.models import Role

    user = make_user(Role.CLIENT, "sanne@example.nl", "Sanne")
    enrollment = enroll(user, opened=2)
    for item in enrollment.items:
        item.unlocked_at = NOW
    answers.save_answers(
        _db.session, user, "values", {"chosen": {"selected": CHOSEN, "other": "Humor"}}, now=NOW
    )
    answers.save_answers(_db.session, user, "values", {"ranked": CHOSEN[:5]}, now=NOW)
    _db.session.commit()
    browser_login(page, "sanne@example.nl")
    page.goto(f"/me/exercises/{exercise}")
    sent = page.evaluate(
        "() => Array.from(new FormData(document.querySelector('form[data-autosave]')))"
        ".map(([k, v]) => [k, String(v)])"
    )
    parser = FormFields()
    parser.feed(page.content())
    assert [tuple(pair) for pair in sent] == parser.pairs
    assert any(name.startswith("f.") for name, _ in parser.pairs)
