"""Caching: a repeated render of the same document costs no WeasyPrint call."""

from __future__ import annotations

import stat
from dataclasses import replace

import pytest

import exports.pdf
from exports import render_pdf_cached
from exports.cache import MEMORY, PdfCache, forget_owner, remove_unowned
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


def test_forget_drops_only_the_entries_with_the_prefix():
    cache = PdfCache(max_items=10, max_bytes=12)
    cache.put("1/pitch-a", b"1111")
    cache.put("12/pitch-b", b"2222")
    cache.put("1/cv.modern-c", b"3333")
    cache.forget("1/")
    assert len(cache) == 1 and cache.get("12/pitch-b") == b"2222"
    assert cache.get("1/pitch-a") is None and cache.get("1/cv.modern-c") is None
    cache.put("d", b"44444444")  # the forgotten bytes no longer count against the bound
    assert cache.get("12/pitch-b") == b"2222" and cache.get("d") == b"44444444"


# ------------------------------------------------------------------ per owner


def test_an_owner_has_a_private_folder_that_survives_a_restart(render_calls, tmp_path):
    root = tmp_path / "pdf-cache"
    first = render_pdf_cached(samples.pitch(), cache_dir=root, owner="7")
    (stored,) = (root / "7").glob("*.pdf")
    assert stored.read_bytes() == first
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE((root / "7").stat().st_mode) == 0o700
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert not [path for path in root.iterdir() if path.is_file()]  # nothing in the root
    MEMORY.clear()  # as after a restart of the web process
    assert render_pdf_cached(samples.pitch(), cache_dir=root, owner="7") == first
    assert render_calls == ["pitch"]


def test_the_same_document_of_two_owners_is_kept_apart(render_calls, tmp_path):
    render_pdf_cached(samples.pitch(), cache_dir=tmp_path, owner="7")
    render_pdf_cached(samples.pitch(), cache_dir=tmp_path, owner="8")
    assert render_calls == ["pitch", "pitch"]
    assert len(list((tmp_path / "7").glob("pitch-*.pdf"))) == 1
    assert len(list((tmp_path / "8").glob("pitch-*.pdf"))) == 1


def test_a_new_version_replaces_the_older_file_of_that_kind_and_layout(render_calls, tmp_path):
    old = samples.pitch()
    new = replace(old, text="Een nieuwe pitch, zonder de oude zin.")
    render_pdf_cached(old, cache_dir=tmp_path, owner="7")
    render_pdf_cached(old, cache_dir=tmp_path, owner="8")
    render_pdf_cached(samples.cv(layout="classic", photo=False), cache_dir=tmp_path, owner="7")
    render_pdf_cached(samples.cv(layout="modern", photo=False), cache_dir=tmp_path, owner="7")
    newest = render_pdf_cached(new, cache_dir=tmp_path, owner="7")
    (pitch_file,) = (tmp_path / "7").glob("pitch-*.pdf")
    assert pitch_file.read_bytes() == newest
    assert len(list((tmp_path / "7").glob("cv*.pdf"))) == 2  # one per layout
    assert len(list((tmp_path / "8").glob("pitch-*.pdf"))) == 1  # another owner's stays
    assert render_calls == ["pitch", "pitch", "cv", "cv", "pitch"]
    render_pdf_cached(old, cache_dir=tmp_path, owner="8")  # still cached for owner 8
    render_pdf_cached(samples.cv(layout="classic", photo=False), cache_dir=tmp_path, owner="7")
    assert len(render_calls) == 5
    render_pdf_cached(old, cache_dir=tmp_path, owner="7")  # dropped from memory too
    assert render_calls[5:] == ["pitch"]
    (pitch_file,) = (tmp_path / "7").glob("pitch-*.pdf")
    assert pitch_file.read_bytes() != newest


def test_a_new_cv_in_one_layout_replaces_only_that_layout(render_calls, tmp_path):
    classic = samples.cv(layout="classic", photo=False)
    render_pdf_cached(classic, cache_dir=tmp_path, owner="7")
    render_pdf_cached(samples.cv(layout="modern", photo=False), cache_dir=tmp_path, owner="7")
    changed = samples.cv(layout="modern", photo=False, profile="Anders.")
    render_pdf_cached(changed, cache_dir=tmp_path, owner="7")
    names = sorted(path.name.split("-")[0] for path in (tmp_path / "7").glob("*.pdf"))
    assert names == ["cv.classic", "cv.modern"]
    render_pdf_cached(classic, cache_dir=tmp_path, owner="7")
    assert render_calls == ["cv", "cv", "cv"]


@pytest.mark.parametrize("owner", ["../x", "", "..", ".", "a/b", "7/../8", "-rf", "7\\x", "x" * 65])
def test_an_unsafe_owner_is_refused(render_calls, tmp_path, owner):
    with pytest.raises(ValueError):
        render_pdf_cached(samples.pitch(), cache_dir=tmp_path, owner=owner)
    with pytest.raises(ValueError):
        forget_owner(owner, tmp_path)
    assert render_calls == [] and not list(tmp_path.rglob("*")) and len(MEMORY) == 0


def test_forgetting_an_owner_leaves_the_others(render_calls, tmp_path):
    render_pdf_cached(samples.pitch(), cache_dir=tmp_path, owner="7")
    render_pdf_cached(samples.pitch(), cache_dir=tmp_path, owner="17")
    render_pdf_cached(samples.pitch(), cache_dir=tmp_path, owner="71")
    forget_owner("7", tmp_path)
    assert not (tmp_path / "7").exists()
    assert (tmp_path / "17").is_dir() and (tmp_path / "71").is_dir()
    assert len(MEMORY) == 2
    render_pdf_cached(samples.pitch(), cache_dir=tmp_path, owner="17")
    render_pdf_cached(samples.pitch(), cache_dir=tmp_path, owner="71")
    assert len(render_calls) == 3
    forget_owner("7", tmp_path)  # again: nothing left to do, no error


def test_remove_unowned_deletes_only_files_directly_in_the_root(tmp_path):
    render_pdf_cached(samples.pitch(), cache_dir=tmp_path, owner="7")
    legacy = render_pdf_cached(samples.pitch(), cache_dir=tmp_path)  # no owner: the old layout
    assert legacy.startswith(b"%PDF")
    (tmp_path / "pitch-abc.part").write_bytes(b"half")
    remove_unowned(tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["7"]
    assert len(list((tmp_path / "7").glob("*.pdf"))) == 1
    remove_unowned(tmp_path / "missing")  # a cache that was never made: no error
