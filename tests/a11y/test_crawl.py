"""Every page, as every role, in real Chromium: axe-core, Nu Html Checker, console, requests."""

from __future__ import annotations

import pytest

from .conftest import role_page
from .crawl import crawl, start_urls
from .validation import validate_html

pytestmark = pytest.mark.browser

ROLES = ("anonymous", "client", "coach", "admin")


def test_every_page_as_every_role(browser, site, axe_script, tmp_path):
    results = []
    for role in ROLES:
        start = start_urls(site.app, site.world, role)
        if role == "coach":
            start += site.world.coach_extras  # confirmation pages no link leads to
        with role_page(browser, site, role, axe=axe_script) as page:
            results.append(crawl(page, site.app, role, start, tmp_path, site.url))
    files = {p.html_file: f"{p.role} {p.path}" for r in results for p in r.pages}
    html_errors = validate_html(files)

    print("\nAccessibility crawl (axe-core WCAG 2.2 A/AA, Nu Html Checker)")
    for r in results:
        endpoints = len({p.endpoint for p in r.pages})
        print(
            f"  {r.role:<9} {len(r.pages):>3} pages ({endpoints} page types) in {r.seconds:4.1f}s: "
            f"{len(r.blocking)} serious/critical, {len(r.minor)} moderate/minor, "
            f"{len(r.problems)} console/request problems"
        )
        for v in r.minor:
            print(f"    note: {v}")
        for problem in r.problems:
            print(f"    problem: {problem}")
    print(f"  HTML: {len(files)} pages validated, {len(html_errors)} errors")

    blocking = [str(v) for r in results for v in r.blocking]
    problems = [f"{r.role} {m}" for r in results for m in r.problems]
    assert not blocking, "axe violations:\n" + "\n".join(blocking)
    assert not html_errors, "HTML errors:\n" + "\n".join(html_errors)
    assert not problems, "console or request problems:\n" + "\n".join(problems)
    for r in results:
        assert r.pages, f"{r.role} saw no pages"
        bad_lang = [p.path for p in r.pages if p.lang != "nl"]
        assert not bad_lang, f"{r.role}: pages without lang=nl: {bad_lang}"
