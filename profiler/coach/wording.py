"""Plain-language explanations of plan changes, with the client's name ("Vanaf morgen ...")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import date_time, long_date
from ..models import Enrollment
from ..plans import local_day

WEEKDAY_NAMES = (
    _l("maandag"),
    _l("dinsdag"),
    _l("woensdag"),
    _l("donderdag"),
    _l("vrijdag"),
    _l("zaterdag"),
    _l("zondag"),
)


def weekdays_text(days: frozenset[int] | set[int]) -> str:
    """ "maandag, woensdag en vrijdag"."""
    names = [str(WEEKDAY_NAMES[d]) for d in sorted(days) if 0 <= d < 7]
    if len(names) == 7:
        return _("elke dag")
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s en %(last)s", first=", ".join(names[:-1]), last=names[-1])


def _next(plan: Any) -> str:
    moment = getattr(plan, "next_delivery", None)
    if moment is None:
        return ""
    return " " + _(
        "De volgende oefening komt %(moment)s.", moment=date_time(moment, plan.enrollment.timezone)
    )


def _from_when(enrollment: Enrollment, now: datetime) -> str:
    """ "Vanaf morgen" when today's exercise already came, else "Vanaf nu"."""
    if enrollment.last_unlock_on == local_day(now, enrollment.timezone):
        return _("Vanaf morgen")
    return _("Vanaf nu")


def change_message(
    kind: str,
    enrollment: Enrollment,
    plan: Any,
    now: datetime,
    *,
    result: Any = None,
    **wording: Any,
) -> str:
    """What the change means for the client, in plain words."""
    name = enrollment.client.name
    title = wording.get("title", "")
    if kind == "paused":
        if enrollment.pause_until:
            return _(
                "%(when)s ontvangt %(name)s geen nieuwe oefeningen en geen mails meer. "
                "Op %(day)s gaat het vanzelf verder.",
                when=_from_when(enrollment, now),
                name=name,
                day=long_date(enrollment.pause_until),
            )
        return _(
            "%(when)s ontvangt %(name)s geen nieuwe oefeningen en geen mails meer tot je hervat.",
            when=_from_when(enrollment, now),
            name=name,
        )
    if kind == "resumed":
        return _("%(name)s gaat weer verder waar het plan stond.", name=name) + _next(plan)
    if kind == "unlocked_all":
        return _(
            "Alle oefeningen staan nu open voor %(name)s. %(name)s krijgt geen mail meer "
            "over een nieuwe oefening; herinneringen gaan zoals %(name)s koos.",
            name=name,
        )
    if kind == "unlocked":
        return _("%(title)s staat nu open voor %(name)s.", title=title, name=name)
    if kind in ("moved_up", "moved_down"):
        if result is False:
            return _("%(title)s staat al op de eerste of laatste plek.", title=title)
        if kind == "moved_up":
            return _("%(title)s komt nu een plek eerder voor %(name)s.", title=title, name=name)
        return _("%(title)s komt nu een plek later voor %(name)s.", title=title, name=name)
    if kind == "reordered":
        upcoming = getattr(plan, "next_locked", None)
        text = _("De volgorde van de oefeningen van %(name)s is aangepast.", name=name)
        if upcoming is not None:
            text += " " + _("De volgende oefening is nu %(title)s.", title=upcoming.title)
        return text
    if kind == "skipped":
        return _(
            "%(name)s slaat %(title)s over. Antwoorden die er al waren blijven bewaard.",
            name=name,
            title=title,
        )
    if kind == "restored":
        return _("%(title)s staat weer in het plan van %(name)s.", title=title, name=name)
    if kind == "added":
        return _("%(title)s staat nu in het plan van %(name)s.", title=title, name=name) + _next(
            plan
        )
    if kind == "cadence":
        return _(
            "%(name)s krijgt vanaf nu mail op %(days)s om %(time)s.",
            name=name,
            days=weekdays_text(enrollment.weekday_set),
            time=enrollment.send_time.strftime("%H:%M"),
        ) + _next(plan)
    if kind == "work_ahead_on":
        return _("%(name)s mag nu zelf de volgende oefening openen.", name=name)
    if kind == "work_ahead_off":
        return _("%(name)s wacht weer op de mail voor de volgende oefening.", name=name)
    if kind == "next_session":
        if enrollment.next_session_on:
            return _(
                "Het volgende gesprek met %(name)s is op %(day)s. %(name)s ziet die datum ook.",
                name=name,
                day=long_date(enrollment.next_session_on),
            )
        return _("Er staat geen gesprek met %(name)s gepland.", name=name)
    return _("De wijziging is bewaard.")
