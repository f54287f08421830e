"""PDF cache keyed by document fingerprint: a bounded in-memory LRU and an optional folder.

With an owner (a client's id) the files go in a folder of that owner and only the newest
PDF per kind and layout is kept there, so one client's PDFs can be found and deleted, and
an older version of a document (with text the client has since removed) does not stay.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

import weasyprint

from exports import pdf

PACKAGE_DIR = Path(__file__).resolve().parent
# A folder name that can never leave the cache folder: no dots, slashes or leading dash.
OWNER_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@cache
def code_version() -> str:
    """Hash of templates, assets and the WeasyPrint version: changing any of them re-renders."""
    digest = hashlib.sha256(weasyprint.__version__.encode())
    for folder in ("templates", "static"):
        for path in sorted((PACKAGE_DIR / folder).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
                digest.update(path.read_bytes())
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class PdfCache:
    """Least-recently-used PDFs, bounded by count and total bytes; safe across threads."""

    def __init__(self, max_items: int = 64, max_bytes: int = 64_000_000) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        """The cached PDF, marked as recently used, or None."""
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        """Store a PDF, dropping the least recently used ones past the bounds."""
        if len(data) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._size -= len(old) if old else 0
            self._items[key] = data
            self._size += len(data)
            while len(self._items) > self.max_items or self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)

    def forget(self, prefix: str, keep: str | None = None) -> None:
        """Drop the entries whose key starts with `prefix` (one owner's), except `keep`."""
        with self._lock:
            for key in [k for k in self._items if k.startswith(prefix) and k != keep]:
                self._size -= len(self._items.pop(key))

    def owners(self) -> set[str]:
        """The owners with at least one PDF in memory."""
        with self._lock:
            return {key.split("/", 1)[0] for key in self._items if "/" in key}

    def clear(self) -> None:
        """Forget everything (tests; a deleted client's PDFs go with forget)."""
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)


MEMORY = PdfCache()


def check_owner(owner: str) -> str:
    """`owner` if it is a safe folder name (digits or a slug), else ValueError."""
    if not isinstance(owner, str) or not OWNER_RE.fullmatch(owner):
        raise ValueError(f"unsafe cache owner: {owner!r}")
    return owner


def cache_slot(document: pdf.Document) -> str:
    """What a newer PDF replaces: the kind, plus the layout for a CV ("cv.modern")."""
    layout = getattr(document, "layout", None)
    return f"{document.kind}.{layout}" if layout else document.kind


def cache_key(document: pdf.Document) -> str:
    """Slot and fingerprint of the content, plus the code that renders it."""
    return f"{cache_slot(document)}-{document.fingerprint()}-{code_version()}"


def _read(folder: Path, key: str) -> bytes | None:
    """A PDF from the folder cache, or None."""
    try:
        return (folder / f"{key}.pdf").read_bytes()
    except FileNotFoundError:
        return None


def _write(folder: Path, key: str, data: bytes) -> None:
    """Store atomically and readable by the owner only: the PDFs hold personal data."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, folder / f"{key}.pdf")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _prune(folder: Path, slot: str, keep: str) -> None:
    """Delete the older PDFs of `slot` in an owner's folder: only `keep` stays."""
    for path in folder.glob("*.pdf"):
        # Names are <slot>-<fingerprint>-<code version>; the two hashes hold no dash.
        if path.stem != keep and path.stem.rsplit("-", 2)[0] == slot:
            path.unlink(missing_ok=True)


def render_pdf_cached(
    document: pdf.Document,
    cache_dir: str | os.PathLike[str] | None = None,
    owner: str | None = None,
) -> bytes:
    """render_pdf, but a document seen before (same fingerprint) costs no WeasyPrint call.

    With `owner`, files go in `cache_dir/<owner>/`, memory keys start with `<owner>/`, and
    a new PDF replaces that owner's older ones of the same kind and layout.
    """
    key = cache_key(document)
    folder = Path(cache_dir) if cache_dir is not None else None
    prefix = ""
    if owner is not None:
        prefix = f"{check_owner(owner)}/"
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            folder = folder / owner
    memory_key = prefix + key
    data = MEMORY.get(memory_key)
    if data is None and folder is not None:
        data = _read(folder, key)
    if data is None:
        data = pdf.render_pdf(document)
        if folder is not None:
            _write(folder, key, data)
        if owner is not None:
            slot = cache_slot(document)
            if folder is not None:
                _prune(folder, slot, keep=key)
            MEMORY.forget(f"{prefix}{slot}-", keep=memory_key)
    MEMORY.put(memory_key, data)
    return data


def forget_owner(owner: str, cache_dir: str | os.PathLike[str] | None = None) -> None:
    """Drop one owner's PDFs: the memory entries, and their folder in `cache_dir`."""
    prefix = f"{check_owner(owner)}/"
    MEMORY.forget(prefix)
    if cache_dir is not None:
        shutil.rmtree(Path(cache_dir) / owner, ignore_errors=True)


def _entries(cache_dir: str | os.PathLike[str]) -> list[Path]:
    """What is directly in `cache_dir` (nothing when it does not exist yet)."""
    try:
        return list(Path(cache_dir).iterdir())
    except FileNotFoundError:
        return []


def owner_folders(cache_dir: str | os.PathLike[str]) -> list[str]:
    """The owners that have a folder in `cache_dir`."""
    return sorted(p.name for p in _entries(cache_dir) if p.is_dir() and not p.is_symlink())


def remove_unowned(cache_dir: str | os.PathLike[str]) -> None:
    """Delete the files directly in `cache_dir`: named by content only, they have no owner."""
    for path in _entries(cache_dir):
        if path.is_file() or path.is_symlink():
            path.unlink(missing_ok=True)
