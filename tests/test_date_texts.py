"""Times of day on pages and in save messages: the user's time zone, as Babel writes them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from babel.dates import format_time

from profiler import i18n


@pytest.mark.parametrize(
    ("moment", "tz", "expected"),
    [
        (datetime(2026, 1, 15, 7, 5, tzinfo=UTC), "Europe/Amsterdam", "08:05"),  # winter +1
        (datetime(2026, 7, 15, 7, 5, tzinfo=UTC), "Europe/Amsterdam", "09:05"),  # summer +2
        (datetime(2026, 7, 15, 23, 59, tzinfo=UTC), "UTC", "23:59"),
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Europe/Amsterdam", "01:30"),  # before DST
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Europe/Amsterdam", "03:30"),  # after DST
    ],
)
def test_clock_time_is_babels_hh_mm_in_the_users_zone(app, moment, tz, expected):
    with app.test_request_context():
        assert i18n.clock_time(moment, tz) == expected
        local = moment.astimezone(i18n.ZoneInfo(tz))
        for locale in ("nl", "en"):
            assert format_time(local, "HH:mm", locale=locale) == expected


def test_date_time_ends_with_the_clock_time_of_the_given_zone(app):
    with app.test_request_context():
        text = i18n.date_time(datetime(2026, 7, 15, 7, 5, tzinfo=UTC), "Europe/Amsterdam")
    assert text.endswith(" 09:05") and "juli" in text
