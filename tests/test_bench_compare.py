"""bench/compare.py's pure part: the figures, the verdicts and the table (no benchmark runs here)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parent.parent / "bench"


@pytest.fixture(scope="module")
def compare():
    spec = importlib.util.spec_from_file_location("bench_compare", BENCH / "compare.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def timed(compare, seconds: float, cpu: float):
    return compare.Timed(seconds, 20_000, cpu)


@pytest.mark.parametrize(
    ("ratios", "expected"),
    [
        ([0.50, 0.52, 0.48, 0.51, 0.49], "faster"),
        ([1.50, 1.45, 1.55, 1.52, 1.48], "slower"),
        ([1.00, 1.02, 0.98, 1.01, 0.99], "same within noise"),
        ([1.04, 1.04, 1.04, 1.04, 1.04], "same within noise"),  # under the 5 % floor, however steady
        ([0.94, 0.94, 0.94, 0.94, 0.94], "faster"),  # steady and over the floor
        ([0.60, 1.40, 0.70, 1.30, 0.80], "same within noise"),  # median 0.8, but the rounds scatter more
    ],
)
def test_verdict(compare, ratios, expected):
    assert compare.verdict(ratios) == expected


def test_noise_is_half_the_interquartile_range_with_a_floor(compare):
    assert compare.noise([1.0, 1.0, 1.0, 1.0]) == compare.MIN_MARGIN
    assert compare.noise([1.0]) == compare.MIN_MARGIN
    assert compare.noise([0.6, 0.8, 1.0, 1.2, 1.4]) == pytest.approx((1.3 - 0.7) / 2)


def test_figures_are_medians_of_per_round_ratios(compare):
    runs = [timed(compare, s, c) for s, c in [(0.2, 0.1), (0.3, 0.3), (0.9, 0.2)]]
    bases = [timed(compare, s, c) for s, c in [(0.02, 0.01), (0.03, 0.02), (0.03, 0.02)]]
    figures = compare.figures(runs, bases)
    assert figures.seconds == 0.3
    assert figures.ratio == pytest.approx(10.0)  # 10, 10, 30: each run against its own round's start
    assert figures.cpu_ratio == pytest.approx(10.0)  # 10, 15, 10


def test_paired_ratios_are_taken_round_by_round(compare):
    before = [timed(compare, 0.2, 0.1), timed(compare, 0.4, 0.2)]
    after = [timed(compare, 0.1, 0.1), timed(compare, 0.6, 0.1)]
    assert compare.paired(after, before) == pytest.approx([0.5, 1.5])
    assert compare.paired(after, before, cpu=True) == pytest.approx([1.0, 0.5])


def test_table_and_verdicts(compare):
    figures = compare.Figures
    rows = [
        compare.Row("due", figures(0.2, 10.0, 9.0), figures(0.1, 5.0, 4.5), [0.5] * 5, [0.5] * 5),
        compare.Row("list", figures(0.2, 10.0, 9.0), figures(0.2, 10.0, 9.0), [0.7, 1.0, 1.3], [1.5] * 3),
        compare.Row("due --count, real clock", None, figures(0.05, 2.0, 2.0), note="no prompt cache before"),
    ]
    lines = compare.table(rows)
    assert lines[2] == "| `due` | 0.200 | 10.0 | 9.0 | 0.100 | 5.0 | 4.5 | 0.50 | 0.50 |"
    assert lines[4] == "| `due --count, real clock` | — | — | — | 0.050 | 2.0 | 2.0 | — | — |"
    assert {line.count("|") for line in lines} == {10}  # every row has the header's columns
    said = [compare.verdict_line(row) for row in rows]
    assert said[0].startswith("due: faster (after/before 0.50")
    assert said[1].startswith("list: same within noise in wall time, slower in CPU time")
    assert said[2] == "due --count, real clock: not compared (no prompt cache before)"


def test_the_instruction_count_is_read_from_callgrinds_summary(compare):
    report = "==12== Callgrind, a call-graph generating cache profiler\n==12==\n==12== Events    : Ir\n==12== Collected : 164073412\n==12==\n==12== I   refs:      164,073,412\n"
    assert compare.instructions_of(report) == 164_073_412
    assert compare.instructions_of("valgrind: command not found\n") is None


def test_the_instruction_table_gives_ratios_to_the_bare_start_and_after_over_before(compare):
    lines = compare.instruction_table(
        [("due", 150_000_000, 120_000_000, 40_000_000), ("new", None, 80_000_000, 40_000_000)]
    )
    assert lines[2] == "| `due` | 150 | 3.8 | 120 | 3.0 | 0.80 |"
    assert lines[3] == "| `new` | — | — | 80 | 2.0 | — |"
