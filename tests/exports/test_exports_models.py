"""Models, wording and glyph filtering: the small pure pieces."""

from __future__ import annotations

from exports.glyphs import printable
from exports.models import CV_SECTIONS
from exports.wording import format_month, format_period, speaking_seconds, speaking_time
from tests.exports import export_samples as samples


def test_fingerprint_is_stable_and_sensitive_to_content_and_layout():
    assert samples.cv().fingerprint() == samples.cv().fingerprint()
    assert samples.cv().fingerprint() != samples.cv(layout="modern").fingerprint()
    assert samples.cv().fingerprint() != samples.cv(photo=False).fingerprint()
    assert samples.cv().fingerprint() != samples.cv(hidden={"courses"}).fingerprint()
    assert samples.pitch("nl").fingerprint() != samples.pitch("en").fingerprint()


def test_sections_keep_client_order_ignore_unknown_and_append_missing():
    cv = samples.cv(section_order=("skills", "bogus", "skills", "profile"), hidden={"courses"})
    sections = cv.sections()
    assert sections[:2] == ["skills", "profile"]
    assert "bogus" not in sections and "courses" not in sections
    assert set(sections) == set(CV_SECTIONS) - {"courses"}


def test_months_and_periods_in_both_languages():
    assert format_month("2019-03", "nl") == "maart 2019"
    assert format_month("2019-03", "en") == "March 2019"
    assert format_period("2019-03", "current", "nl") == "maart 2019 – heden"
    # "tot nu" ticked next to a typed month, not settled yet: the box counts, no raw code
    assert format_period("2019-03", "current 2024-05", "nl") == "maart 2019 – heden"
    assert format_period("2019-03", "", "en") == "March 2019"
    assert format_month("2019-13", "nl") == "2019-13"  # shown as typed, never an error


def test_speaking_time_at_about_130_words_per_minute():
    assert speaking_seconds("woord " * 98) == 45
    assert speaking_time("woord " * 98, "nl") == "Spreektijd: ongeveer 45 seconden"
    assert speaking_time("word " * 152, "en") == "Speaking time: about 1 minute and 10 seconds"
    assert speaking_time("woord " * 260, "nl") == "Spreektijd: ongeveer 2 minuten"


def test_printable_keeps_dutch_text_and_drops_what_the_font_lacks():
    assert printable("Één café, ’s avonds € 5 😊\u200d") == "Één café, ’s avonds € 5 "
    assert printable("e\u0301") == "é"  # combining accent composed, not dropped
