"""Dates, periods and the pitch's speaking time as words in the document's language."""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date

from exports.labels import label

WORDS_PER_MINUTE = 130
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def format_month(value: str, lang: str) -> str:
    """ "2019-03" as "maart 2019"; "current" as "heden" (also "current 2024-05", ticked next
    to a typed month and not settled yet); anything else as given."""
    value = value.strip()
    if value == "current" or value.startswith("current "):
        return label(lang, "present")
    match = _MONTH.match(value)
    if not match or not 1 <= int(match[2]) <= 12:
        return value
    return format_date(date(int(match[1]), int(match[2]), 1), "MMMM y", locale=lang)


def format_period(start: str, end: str, lang: str) -> str:
    """ "maart 2019 – heden"; one side alone when the other is empty."""
    parts = [format_month(start, lang), format_month(end, lang)]
    return " – ".join(p for p in parts if p)


def word_count(text: str) -> int:
    """Number of words a speaker would say."""
    return len(re.findall(r"\w+(?:[’'-]\w+)*", text))


def speaking_seconds(text: str) -> int:
    """Estimated speaking time at about 130 words per minute, rounded to 5 seconds."""
    seconds = word_count(text) * 60 / WORDS_PER_MINUTE
    return max(5, int(5 * round(seconds / 5))) if seconds else 0


def speaking_time(text: str, lang: str) -> str:
    """ "Spreektijd: ongeveer 45 seconden" / "Speaking time: about 1 minute and 10 seconds"."""
    seconds = speaking_seconds(text)
    minutes, rest = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(label(lang, "minute") if minutes == 1 else label(lang, "minutes", n=minutes))
    if rest or not minutes:
        parts.append(label(lang, "seconds", n=rest))
    return label(lang, "speaking_time", time=f" {label(lang, 'and')} ".join(parts))
