"""Render time per document kind: WeasyPrint cold and cached, next to headless Chromium.

Usage: python bench/bench_pdf.py [-n RUNS]. Chromium prints the same HTML, with the
profiler-asset: URLs rewritten to file paths, in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "exports")]

import export_samples  # noqa: E402

from exports import render_html, render_pdf, render_pdf_cached  # noqa: E402
from exports.cache import MEMORY  # noqa: E402
from exports.fetcher import SCHEME, STATIC_DIR  # noqa: E402
from exports.html import PHOTO_NAME, shows_photo  # noqa: E402
from exports.photo import clean_photo  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """Median wall time of runs calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def chromium_action(document, folder: Path) -> Callable[[], object]:
    """A Chromium --print-to-pdf run of the document's HTML with assets as file paths."""
    html = render_html(document).replace(f"{SCHEME}/", STATIC_DIR.as_uri() + "/")
    if shows_photo(document):
        (folder / PHOTO_NAME).write_bytes(clean_photo(document.person.photo))
        html = html.replace(STATIC_DIR.as_uri() + "/" + PHOTO_NAME, PHOTO_NAME)
    page = folder / "document.html"
    page.write_text(html, encoding="utf-8")
    command = [
        CHROMIUM or "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        f"--print-to-pdf={folder / 'chromium.pdf'}",
        page.as_uri(),
    ]
    return lambda: subprocess.run(command, check=True, capture_output=True, timeout=120)


def measure(document, runs: int) -> list[float]:
    """Seconds for: first render, cold render, memory hit, disk hit, Chromium print."""
    with tempfile.TemporaryDirectory() as folder:
        first = median_seconds(lambda: render_pdf(document), 1)
        cold = median_seconds(lambda: render_pdf(document), runs)
        MEMORY.clear()
        render_pdf_cached(document, cache_dir=folder)
        cached = median_seconds(lambda: render_pdf_cached(document), runs)

        def from_disk() -> None:
            MEMORY.clear()
            render_pdf_cached(document, cache_dir=folder)

        disk = median_seconds(from_disk, runs)
        chromium = median_seconds(chromium_action(document, Path(folder)), runs) if CHROMIUM else 0
    return [first, cold, cached, disk, chromium]


def main() -> None:
    """Print one line per kind with medians in milliseconds and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=5)
    runs = parser.parse_args().runs
    documents = dict(export_samples.SAMPLES, **{"cv-long": export_samples.long_cv})
    print(f"median of {runs} runs, milliseconds; ratio = chromium / weasyprint cold")
    print(
        f"{'kind':<11}{'first':>9}{'cold':>9}{'cached':>9}{'disk':>9}{'chromium':>10}"
        f"{'ratio':>8}{'cold/cached':>14}"
    )
    for kind, make in documents.items():
        first, cold, cached, disk, chromium = measure(make(), runs)
        ratio = f"{chromium / cold:8.2f}" if CHROMIUM else "     n/a"
        print(
            f"{kind:<11}{first * 1e3:9.1f}{cold * 1e3:9.1f}{cached * 1e3:9.3f}{disk * 1e3:9.2f}"
            f"{chromium * 1e3:10.1f}{ratio}{cold / cached:14.0f}"
        )


if __name__ == "__main__":
    main()
