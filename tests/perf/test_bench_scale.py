"""The scale benchmark still runs: every page answers at two small sizes and gets a figure."""

from __future__ import annotations

import re
import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import bench_scale  # noqa: E402


def test_the_scale_bench_prints_a_row_per_page(capsys):
    assert bench_scale.main(["--db", "sqlite", "--sizes", "4,8", "-n", "1"]) == 0
    out = capsys.readouterr().out
    assert "| page | 4 clients: ms (× healthz) | 8 clients: ms (× healthz) | growth 4 → 8 |" in out
    figure = r"([\d.]+) \(([\d.]+)×\)"
    for label, _, _ in bench_scale.PAGES:
        pattern = rf"^\| {re.escape(label)} \| {figure} \| {figure} \| ([\d.]+) \|$"
        row = re.search(pattern, out, re.MULTILINE)
        assert row, f"no figures for {label}:\n{out}"
        assert all(float(value) > 0 for value in row.groups())
    baseline = re.search(r"^\| /healthz \(baseline\) \| [\d.]+ \(1\.0×\)", out, re.MULTILINE)
    assert baseline, out
