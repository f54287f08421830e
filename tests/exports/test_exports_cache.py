"""Caching: a repeated render of the same document costs no WeasyPrint call."""

from __future__ import annotations

import stat

import pytest

import exports.pdf
from exports import render_pdf_cached
from exports.cache import MEMORY, PdfCache
from tests.exports import export_samples as samples


@pytest.fixture(autouse=True)
def empty_memory_cache():
    """Each test starts without cached PDFs."""
    MEMORY.clear()
    yield
    MEMORY.clear()


@pytest.fixture
def render_calls(monkeypatch) -> list[str]:
    """Counts real renders behind the cache."""
    calls: list[str] = []
    real = exports.pdf.render_pdf

    def counting(document):
        calls.append(document.kind)
        return real(document)

    monkeypatch.setattr(exports.pdf, "render_pdf", counting)
    return calls


def test_memory_cache_returns_identical_bytes_without_rendering(render_calls):
    first = render_pdf_cached(samples.pitch())
    second = render_pdf_cached(samples.pitch())
    assert first == second and first.startswith(b"%PDF")
    assert render_calls == ["pitch"]


def test_changed_content_or_layout_renders_again(render_calls):
    render_pdf_cached(samples.cv(layout="classic", photo=False))
    render_pdf_cached(samples.cv(layout="modern", photo=False))
    render_pdf_cached(samples.cv(layout="modern", photo=False, profile="Anders."))
    assert render_calls == ["cv", "cv", "cv"]


def test_directory_cache_survives_a_restart(render_calls, tmp_path):
    first = render_pdf_cached(samples.pitch(), cache_dir=tmp_path)
    MEMORY.clear()  # as after a restart of the web process
    second = render_pdf_cached(samples.pitch(), cache_dir=tmp_path)
    assert first == second and render_calls == ["pitch"]
    (stored,) = tmp_path.glob("*.pdf")
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600  # personal data: owner only
    assert not list(tmp_path.glob("*.part"))


def test_lru_is_bounded_by_count_and_bytes():
    cache = PdfCache(max_items=2, max_bytes=10)
    cache.put("a", b"1111")
    cache.put("b", b"2222")
    cache.get("a")  # a is now the most recently used
    cache.put("c", b"3333")
    assert cache.get("b") is None and cache.get("a") == b"1111" and len(cache) == 2
    cache.put("d", b"44444444")
    assert len(cache) == 1 and cache.get("d") == b"44444444"
    cache.put("huge", b"x" * 11)
    assert cache.get("huge") is None
