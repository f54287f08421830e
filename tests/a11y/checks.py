"""Browser-side checks shared by the accessibility tests: axe-core, page problems, layout, focus."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
DOWNLOADS = (".pdf", ".docx", ".json", ".csv", ".eml", ".zip")


def axe_source() -> str:
    """axe-core's browser bundle, added to every page with add_init_script (CSP allows it)."""
    return AXE.read_text(encoding="utf-8")


@dataclass
class Violation:
    """One axe rule broken on one page."""

    url: str
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:3]) + (" ..." if len(self.targets) > 3 else "")
        return f"{self.url}: [{self.impact}] {self.rule} — {self.help} ({shown})"


def run_axe(page, rules: list[str] | None = None) -> list[Violation]:
    """Run axe-core on the current page for WCAG 2.0/2.1/2.2 A and AA (or only `rules`)."""
    options: dict = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    else:
        options["runOnly"] = {"type": "tag", "values": WCAG_TAGS}
    result = page.evaluate("options => window.axe.run(document, options)", options)
    url = urlsplit(page.url)
    where = url.path + (f"?{url.query}" if url.query else "")
    return [
        Violation(
            where,
            v["id"],
            v.get("impact") or "minor",
            v["help"],
            [" ".join(map(str, n["target"])) for n in v["nodes"]],
        )
        for v in result["violations"]
    ]


@dataclass
class PageProblems:
    """Console errors, script errors and failed subresource requests seen on a page."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def clear(self) -> None:
        """Start afresh for the next page."""
        self.console.clear()
        self.failed.clear()

    def __bool__(self) -> bool:
        return bool(self.console or self.failed)


def watch(page) -> PageProblems:
    """Record console errors, uncaught exceptions and 4xx/5xx or failed subresources of `page`."""
    seen = PageProblems()
    page.on(
        "console",
        lambda msg: seen.console.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: seen.console.append(f"uncaught: {exc}"))

    def on_response(response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            seen.failed.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    page.on(
        "requestfailed",
        lambda request: (
            None
            if request.failure == "net::ERR_ABORTED"  # the crawler moved on to the next page
            else seen.failed.append(f"failed {request.url}: {request.failure}")
        ),
    )
    return seen


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no horizontal scrolling)."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def wide_elements(page) -> list[str]:
    """The elements sticking out past the right edge (to explain an overflow)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth, out = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > width + 1 && r.width > 0) {
              out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                (el.className && typeof el.className === 'string' ? '.' +
                 el.className.trim().split(/\\s+/).join('.') : '') + ' ' + Math.round(r.right));
            }
          }
          return out.slice(0, 8);
        }"""
    )


FOCUS_STYLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || '')
          .trim().slice(0, 40), outline, shadow, visible: outline || shadow};
}"""


def focused(page) -> dict | None:
    """The focused element and whether its focus indicator shows (outline or box-shadow).

    Chromium moves the focus between the parts of a date field a moment after the key press,
    so an invisible result is looked at again before it counts.
    """
    now = page.evaluate(FOCUS_STYLE)
    for _ in range(5):
        if now is None or now["visible"]:
            break
        page.wait_for_timeout(50)
        now = page.evaluate(FOCUS_STYLE)
    return now


def path_of(url: str) -> str:
    """Path and query of a URL."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_download(path: str) -> bool:
    """A link to a file download rather than a page."""
    return urlsplit(path).path.lower().endswith(DOWNLOADS)


def write_html(folder: Path, name: str, html: str) -> Path:
    """Keep a page's HTML for the Nu Html Checker."""
    path = folder / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    return path
