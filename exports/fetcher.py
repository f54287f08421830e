"""WeasyPrint URL fetcher that serves packaged assets only and refuses everything else."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

SCHEME = "profiler-asset:"
STATIC_DIR = (Path(__file__).resolve().parent / "static").resolve()
MIME_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}


class FetchRefused(ValueError):
    """A document asked for something that is not a packaged asset."""


def asset_url(name: str) -> str:
    """The URL templates use for a packaged asset, e.g. asset_url("css/cv.css")."""
    return f"{SCHEME}/{name}"


def _packaged() -> frozenset[str]:
    """Exact allow-list: the asset files shipped in exports/static/."""
    return frozenset(
        path.relative_to(STATIC_DIR).as_posix()
        for path in STATIC_DIR.rglob("*")
        if path.is_file() and path.suffix in MIME_TYPES
    )


ALLOWED = _packaged()


def asset_name(url: str) -> str:
    """The asset name in a profiler-asset URL; raise FetchRefused for anything else."""
    if not url.startswith(SCHEME + "/"):
        raise FetchRefused(f"refused non-asset URL: {url[:80]!r}")
    name = url[len(SCHEME) + 1 :]
    segments = name.split("/")
    if any(ch in name for ch in "?#%\\:") or any(s in ("", ".", "..") for s in segments):
        raise FetchRefused(f"refused malformed asset URL: {url[:80]!r}")
    return name


class AssetFetcher:
    """Serves exports/static/ files on the allow-list plus named in-memory files (the photo)."""

    def __init__(self, memory: Mapping[str, bytes] | None = None) -> None:
        self.memory = dict(memory or {})

    def __call__(self, url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Fetch one asset in WeasyPrint's url_fetcher format."""
        name = asset_name(url)
        mime = MIME_TYPES.get(Path(name).suffix)
        if name in self.memory and mime:
            return {"string": self.memory[name], "mime_type": mime, "redirected_url": url}
        if name not in ALLOWED:
            raise FetchRefused(f"refused unknown asset: {name[:80]!r}")
        path = (STATIC_DIR / name).resolve()
        if not path.is_relative_to(STATIC_DIR):  # a symlink pointing out of the folder
            raise FetchRefused(f"refused asset outside the static folder: {name[:80]!r}")
        return {"string": path.read_bytes(), "mime_type": mime, "redirected_url": url}
