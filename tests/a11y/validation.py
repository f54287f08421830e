"""The Nu Html Checker (vnu-jar from npm) run once over many saved pages."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .checks import VNU


def validate_html(files: dict[Path, str]) -> list[str]:
    """Errors (not warnings) the Nu Html Checker finds in `files` (file -> what page it is)."""
    if not files:
        return []
    if not VNU.exists() or shutil.which("java") is None:
        pytest.fail("vnu-jar or Java missing: run scripts/node-deps.sh and install Java 17")
    names = {path.name: page for path, page in files.items()}
    done = subprocess.run(
        [
            "java",
            "-Xss4m",
            "-jar",
            str(VNU),
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    errors = []
    for message in report.get("messages", []):
        if message.get("type") == "error" or message.get("subType") == "fatal":
            page = names.get(Path(message.get("url", "")).name, message.get("url"))
            extract = " ".join((message.get("extract") or "").split())[:100]
            errors.append(
                f"{page} line {message.get('lastLine', '?')}: {message.get('message')} [{extract}]"
            )
    return errors
