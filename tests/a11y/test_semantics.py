"""Forms, language, charts, dark mode and reduced motion on every page type of every role."""

from __future__ import annotations

import pytest

from .checks import BLOCKING, run_axe
from .conftest import role_page
from .pages import page_types

pytestmark = pytest.mark.browser

ROLES = ("anonymous", "client", "coach", "admin")

FORM_PROBLEMS = """() => {
  const out = [];
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const skip = ["hidden", "submit", "button", "reset", "image"];
    if (skip.includes(el.type) || !visible(el)) continue;
    const name = el.id || el.name;
    const labelled = el.labels.length || el.getAttribute('aria-label') ||
      el.getAttribute('aria-labelledby') || el.title;
    if (!labelled) out.push(`${name}: no label`);
    const required = el.required || el.getAttribute('aria-required') === 'true';
    if (required) {
      const box = el.closest('.field, fieldset, .filter-form, form');
      const text = (box ? box.innerText : '').toLowerCase();
      if (!/verplicht|required/.test(text)) out.push(`${name}: required, but not said in text`);
    }
  }
  return out;
}"""

CHART_PROBLEMS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('main svg')) {
    if (svg.closest('[aria-hidden="true"]')) continue;
    const host = svg.parentElement && svg.parentElement.closest('[role="img"]');
    if (host && host.getAttribute('aria-label')) continue;  // e.g. the QR code: named image
    const name = svg.getAttribute('aria-label') || svg.getAttribute('aria-labelledby') ||
      (svg.querySelector('title') || {}).textContent;
    const where = svg.id || svg.getAttribute('class') || 'svg';
    if (svg.getAttribute('role') !== 'img') out.push(`${where}: chart without role="img"`);
    if (!name) out.push(`${where}: chart without a name`);
    const box = svg.closest('section, figure, .score-block, .panel, .field') || svg.parentElement;
    const table = box.querySelector('table') ||
      (box.nextElementSibling && box.nextElementSibling.querySelector('table')) ||
      (box.nextElementSibling && box.nextElementSibling.matches('table, .table-wrap'));
    const desc = (svg.querySelector('desc') || {}).textContent;
    if (!table && !desc) out.push(`${where}: chart without a table or description`);
  }
  return out;
}"""

MOTION = """() => {
  const moving = [];
  for (const el of document.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    const t = s.transitionDuration.split(',').some(d => parseFloat(d) > 0);
    const a = s.animationName !== 'none' && parseFloat(s.animationDuration) > 0;
    if (t || a) moving.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
  }
  if (getComputedStyle(document.documentElement).scrollBehavior === 'smooth') moving.push('html');
  return moving.slice(0, 5);
}"""


@pytest.mark.parametrize("role", ROLES)
def test_forms_charts_dark_mode_and_reduced_motion(browser, site, axe_script, role):
    """Dark colour scheme with reduced motion: contrast, labels, required in text, charts."""
    problems = []
    charts = 0
    with role_page(
        browser, site, role, axe=axe_script, color_scheme="dark", reduced_motion="reduce"
    ) as page:
        for path in page_types(site, role):
            page.goto(path)
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            if background in ("rgb(255, 255, 255)", "rgb(247, 245, 241)"):
                problems.append(f"{path}: light background in dark mode ({background})")
            problems += [
                f"{path} (dark): {v}"
                for v in run_axe(page, rules=["color-contrast", "link-in-text-block"])
                if v.impact in BLOCKING
            ]
            problems += [f"{path}: {p}" for p in page.evaluate(FORM_PROBLEMS)]
            problems += [f"{path}: {p}" for p in page.evaluate(CHART_PROBLEMS)]
            charts += page.locator("main svg").count()
            problems += [f"{path}: moves with reduced motion: {m}" for m in page.evaluate(MOTION)]
    print(f"\n{role}: dark mode, forms, charts ({charts}) and motion checked")
    assert not problems, "\n".join(problems)


def test_charts_exist_where_expected_and_have_a_table(browser, site):
    """The check-in trend, questionnaire and score charts each come with their numbers."""
    client_id = site.world.client.id
    with role_page(browser, site, "coach") as page:
        page.goto(f"/coach/clients/{client_id}/prepare")
        assert page.locator("main svg[role=img]").count() >= 2
        assert page.locator("main table").count() >= 2
    with role_page(browser, site, "client") as page:
        for path in ("/me/checkin", "/me/exercises/q_start"):
            page.goto(path)
            assert page.locator("main svg[role=img]").count() >= 1, path
            assert page.locator("main table").count() >= 1, path


def assert_error_tied_to_field(page, field_id: str) -> None:
    """The field says it is invalid and points at its visible error text."""
    field = page.locator(f"#{field_id}")
    assert field.get_attribute("aria-invalid") == "true", field_id
    described = (field.get_attribute("aria-describedby") or "").split()
    assert f"{field_id}-error" in described, (field_id, described)
    assert page.locator(f"#{field_id}-error").inner_text().strip(), field_id


def test_errors_are_announced_and_tied_to_their_fields(browser, site):
    with role_page(browser, site, "anonymous") as page:
        page.goto("/login")
        page.locator("#email").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")  # an empty form
        for field_id in ("email", "password"):
            assert_error_tied_to_field(page, field_id)
        assert page.locator("#email").get_attribute("type") == "email"
        assert page.locator("#password").get_attribute("type") == "password"
    with role_page(browser, site, "coach") as page:
        page.goto("/coach/clients/new")
        page.locator("#name").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        summary = page.locator(".error-summary")
        assert summary.get_attribute("role") == "alert"
        assert summary.locator("a[href='#name']").count() == 1
        for field_id in ("name", "email"):
            assert_error_tied_to_field(page, field_id)


@pytest.mark.parametrize("role", ["anonymous", "client"])
def test_language_switch_sets_lang_on_every_page(browser, site, role):
    with role_page(browser, site, role) as page:
        start = "/login" if role == "anonymous" else "/me"
        page.goto(start)
        assert page.evaluate("document.documentElement.lang") == "nl"
        assert page.locator(".lang-switch button[lang=en]").count() == 1
        with page.expect_navigation():
            page.click(".lang-switch button[name=lang]")
        try:
            wrong = []
            for path in page_types(site, role):
                page.goto(path)
                lang = page.evaluate("document.documentElement.lang")
                if lang != "en":
                    wrong.append(f"{path}: lang={lang}")
                if page.locator(".lang-switch button[lang=nl]").count() != 1:
                    wrong.append(f"{path}: no switch back to Nederlands marked lang=nl")
            assert not wrong, "\n".join(wrong)
        finally:
            page.goto(start)
            with page.expect_navigation():
                page.click(".lang-switch button[name=lang]")
            assert page.evaluate("document.documentElement.lang") == "nl"


def test_english_pages_show_english_interface_text(browser, site):
    with role_page(browser, site, "anonymous", locale="nl-NL") as page:
        page.goto("/login")
        with page.expect_navigation():
            page.click(".lang-switch button[value=en]")
        assert page.evaluate("document.documentElement.lang") == "en"
        assert "Log in" in page.inner_text("main")
        assert "Inloggen" not in page.inner_text("main")
