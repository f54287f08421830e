"""PDF cache keyed by document fingerprint: a bounded in-memory LRU and an optional folder."""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

import weasyprint

from exports import pdf

PACKAGE_DIR = Path(__file__).resolve().parent


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

    def clear(self) -> None:
        """Forget everything (tests, or after a client asked for deletion)."""
        with self._lock:
            self._items.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._items)


MEMORY = PdfCache()


def cache_key(document: pdf.Document) -> str:
    """Fingerprint of the content plus the code that renders it."""
    return f"{document.kind}-{document.fingerprint()}-{code_version()}"


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


def render_pdf_cached(
    document: pdf.Document, cache_dir: str | os.PathLike[str] | None = None
) -> bytes:
    """render_pdf, but a document seen before (same fingerprint) costs no WeasyPrint call."""
    key = cache_key(document)
    data = MEMORY.get(key)
    if data is None and cache_dir is not None:
        data = _read(Path(cache_dir), key)
    if data is None:
        data = pdf.render_pdf(document)
        if cache_dir is not None:
            _write(Path(cache_dir), key, data)
    MEMORY.put(key, data)
    return data
