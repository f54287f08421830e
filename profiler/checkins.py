"""The 1-10 check-in: store a moment, know when one is due, show the results over time."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_date
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from .models import CheckIn, User

CHECKIN = "checkin"
DUE_AFTER = timedelta(days=7)


def record(
    session: Session,
    client: User,
    values: Mapping[str, float],
    *,
    now: datetime,
    note: str | None = None,
    kind: str = CHECKIN,
) -> CheckIn:
    """Store one check-in (or a questionnaire's scores when `kind` is its exercise id)."""
    checkin = CheckIn(
        client_id=client.id,
        kind=kind,
        values=dict(values),
        note=(note or "").strip() or None,
        created_at=now,
    )
    session.add(checkin)
    session.flush()
    return checkin


def history(session: Session, client: User, kind: str = CHECKIN) -> list[CheckIn]:
    """The client's check-ins of one kind, oldest first."""
    return list(
        session.scalars(
            select(CheckIn)
            .where(CheckIn.client_id == client.id, CheckIn.kind == kind)
            .order_by(CheckIn.created_at, CheckIn.id)
        )
    )


_LAST = (
    select(CheckIn)
    .where(CheckIn.client_id == bindparam("client_id"), CheckIn.kind == CHECKIN)
    .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
    .limit(1)
)


def last(session: Session, client: User) -> CheckIn | None:
    """The client's most recent check-in."""
    return session.scalars(_LAST, {"client_id": client.id}).first()


def is_due(latest: CheckIn | None, now: datetime) -> bool:
    """Offer the check-in when a week passed since the last one; the first one right away."""
    if latest is None:
        return True
    return now - latest.created_at >= DUE_AFTER


@dataclass
class Series:
    """One line of the chart: a dimension with its label and values over time."""

    id: str
    label: str
    values: list[float | None]


def _thinned(rank: int, last: int) -> bool:
    """Whether label `rank` of 0..`last` is left out on a phone ("minor"), where the labels
    are larger: every other one, always keeping the first and the last, never two in a row
    shown side by side (so with an even count the one before the last goes)."""
    if rank in (0, last):
        return False
    return rank % 2 == 1 or (last % 2 == 1 and rank == last - 1)


def trend_svg(
    moments: list[datetime],
    series: list[Series],
    *,
    low: float,
    high: float,
    title: str,
    date_label,
) -> Markup:
    """A small line chart (server-side SVG, no script, no inline style) of scores over time.

    `date_label` turns a moment into the text shown under the chart. The chart has a title
    and description for screen readers; the page shows the same numbers as a table.
    """
    width, height = 640, 260
    left, right, top, bottom = 56, 16, 24, 48  # room for the larger phone labels (client.css)
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(moments)

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    # An id of its own per chart, so two charts on one page never share a title id.
    title_id = "trend-" + hashlib.sha1(f"{title}{moments}".encode()).hexdigest()[:8]
    parts = [
        f'<svg class="trend-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]
    values = range(int(low), int(high) + 1)
    for rank, v in enumerate(values):
        minor = " minor" if _thinned(rank, len(values) - 1) else ""
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
            f'<text class="axis{minor}" x="{left - 8}" y="{y(v) + 4:.1f}" '
            f'text-anchor="end">{v}</text>'
        )
    # About six dates, evenly: the last one instead of the one just before it (a date is
    # wider than the room between two neighbours).
    step = max(1, n // 6)
    shown = list(range(0, n, step))
    shown[-1] = n - 1
    for rank, i in enumerate(shown):
        # The outer dates stay inside the chart.
        anchor = "middle" if n == 1 or 0 < i < n - 1 else ("start" if i == 0 else "end")
        minor = " minor" if _thinned(rank, len(shown) - 1) else ""
        parts.append(
            f'<text class="axis date{minor}" x="{x(i):.1f}" y="{height - 14}" '
            f'text-anchor="{anchor}">{escape(date_label(moments[i]))}</text>'
        )
    for index, line in enumerate(series):
        points = [(x(i), y(v)) for i, v in enumerate(line.values) if v is not None]
        css = f"series series-{index + 1}"
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline class="{css}" points="{path}"/>')
        for px, py in points:
            parts.append(f'<circle class="{css}" cx="{px:.1f}" cy="{py:.1f}" r="5"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def checkin_chart(
    moments: Sequence[tuple[datetime, Mapping[str, float]]],
    dimensions: Sequence[tuple[str, str]],
    *,
    low: float,
    high: float,
    title: str,
) -> Markup:
    """The line chart of check-ins over time, as the client and the coach see it: one line
    per (id, label) dimension, dates as "3 mrt" in the viewer's language and time zone."""
    return trend_svg(
        [moment for moment, _ in moments],
        [
            Series(key, label, [values.get(key) for _, values in moments])
            for key, label in dimensions
        ],
        low=low,
        high=high,
        title=title,
        date_label=lambda moment: format_date(moment, "d MMM"),
    )
