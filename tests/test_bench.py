"""Tests of bench/bench.py's pure parts: statistics, targets, the report, small timings.

No notebook is executed here and nothing asserts a speed; `make bench` does the measuring.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import math
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

import bench

BENCH_PATH = Path(__file__).resolve().parents[1] / "bench" / "bench.py"


TARGET_NAMES = {
    "notebook_seconds",
    "course_seconds",
    "notebook_peak_mib",
    "slider_median_ms",
    "numpy_vs_torch_step_ratio",
    "ridge_path_speedup",
}


def fake_notebooks(seconds_07=12.0, peak_03=400.0, slider_ms=(0.2, 0.3, 0.25, 4.0)):
    """What bench_notebooks returns, for two notebooks in two languages."""
    sliders = {"sliders": [{"name": "λ", **bench.summarize(slider_ms)}], "error": None}
    return {
        "notebook_seconds": {
            "en": {"03_ridge": 5.0, "07_real": seconds_07},
            "zh": {"03_ridge": 5.5, "07_real": 11.0},
        },
        "notebook_kernel_start_seconds": {
            "en": {"03_ridge": 0.5, "07_real": 0.5},
            "zh": {"03_ridge": 0.5, "07_real": 0.5},
        },
        "notebook_peak_mib": {
            "en": {"03_ridge": peak_03, "07_real": 300.0},
            "zh": {"03_ridge": 390.0, "07_real": 310.0},
        },
        "slider_ms": {
            "en": {"03_ridge": sliders, "07_real": {"sliders": [], "error": None}},
            "zh": {"03_ridge": sliders, "07_real": {"sliders": [], "error": None}},
        },
        "course_seconds": {
            "notebooks": 4,
            "run_all": 5.0 + seconds_07 + 16.5,
            "kernel_start": 2.0,
            "total": 5.0 + seconds_07 + 18.5,
            "where": "4 notebooks",
            "complete": True,
        },
    }


def by_target(rows):
    return {row["target"]: row for row in rows}


# --- statistics -------------------------------------------------------------------------------


def test_summarize_median_and_p95():
    s = bench.summarize(range(1, 101))  # 1..100
    assert s["n"] == 100
    assert s["median"] == pytest.approx(50.5)
    assert s["p95"] == pytest.approx(1 + 0.95 * 99)  # linear interpolation: 95.05
    assert (s["min"], s["max"]) == (1.0, 100.0)
    odd = bench.summarize([9.0, 1.0, 5.0])
    assert odd["median"] == 5.0 and odd["p95"] == pytest.approx(5.0 + 0.9 * 4.0)


def test_summarize_of_nothing_is_empty_not_zero():
    assert bench.summarize([]) == {"n": 0, "median": None, "p95": None, "min": None, "max": None}


def test_slider_stats_from_the_kernel_report():
    report = {"sliders": [{"name": "λ", "ms": [3.0, 1.0, 2.0]}, {"name": "lr", "ms": [20.0]}]}
    stats = bench.slider_stats(report)
    assert stats["error"] is None
    assert [(s["name"], s["n"], s["median"]) for s in stats["sliders"]] == [
        ("λ", 3, 2.0),
        ("lr", 1, 20.0),
    ]
    missing = bench.slider_stats({"error": "l2lessons.widgets.sweep_sliders is missing"})
    assert missing == {"sliders": [], "error": "l2lessons.widgets.sweep_sliders is missing"}
    assert bench.slider_stats(None)["error"]


# --- targets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("notebook_seconds", 30.0, "PASS"),  # limits are inclusive
        ("notebook_seconds", 30.01, "MISS"),
        ("course_seconds", 299.0, "PASS"),
        ("course_seconds", 301.0, "MISS"),
        ("notebook_peak_mib", 1024.0, "PASS"),
        ("notebook_peak_mib", 1100.0, "MISS"),
        ("slider_median_ms", 9.9, "PASS"),
        ("slider_median_ms", 10.5, "MISS"),
        ("numpy_vs_torch_step_ratio", 1.5, "PASS"),
        ("numpy_vs_torch_step_ratio", 1.6, "MISS"),
        ("ridge_path_speedup", 10.0, "PASS"),  # a lower bound
        ("ridge_path_speedup", 9.9, "MISS"),
        ("ridge_path_speedup", None, "N/A"),
        ("notebook_peak_mib", float("nan"), "N/A"),
    ],
)
def test_verdict(name, value, expected):
    assert bench.verdict(value, name) == expected


def test_evaluate_targets_all_pass_and_names_the_worst_case():
    results = {**fake_notebooks(), "numpy_vs_torch_step_ratio": 0.6, "ridge_path_speedup": 120.0}
    rows = by_target(bench.evaluate_targets(results))
    assert set(rows) == TARGET_NAMES
    assert {r["result"] for r in rows.values()} == {"PASS"}
    assert (rows["notebook_seconds"]["where"], rows["notebook_seconds"]["worst"]) == (
        "en/07_real",
        12.0,
    )
    assert rows["notebook_peak_mib"]["where"] == "en/03_ridge"
    assert rows["slider_median_ms"]["worst"] == pytest.approx(0.275)
    assert rows["course_seconds"]["worst"] == pytest.approx(35.5)
    assert rows["ridge_path_speedup"]["rule"] == ">= 10 x"


def test_evaluate_targets_reports_each_miss():
    results = {
        **fake_notebooks(seconds_07=31.0, peak_03=1500.0, slider_ms=[12.0, 15.0, 11.0]),
        "numpy_vs_torch_step_ratio": 2.0,
        "ridge_path_speedup": 3.0,
    }
    rows = by_target(bench.evaluate_targets(results))
    assert rows["course_seconds"]["result"] == "PASS"  # 54.5 s in all
    for name in TARGET_NAMES - {"course_seconds"}:
        assert rows[name]["result"] == "MISS", name
    assert rows["notebook_seconds"]["where"] == "en/07_real"
    assert rows["notebook_peak_mib"]["worst"] == 1500.0


def test_unmeasured_parts_are_not_a_pass():
    results = fake_notebooks()
    results["slider_ms"]["zh"]["07_real"] = {"sliders": [], "error": "sweep_sliders is missing"}
    results["notebook_peak_mib"]["zh"]["07_real"] = None  # e.g. not Linux
    results["course_seconds"]["complete"] = False  # `--only`: part of the course
    rows = by_target(bench.evaluate_targets(results))  # no MLP, no ridge figures either
    assert rows["slider_median_ms"]["result"] == "N/A"
    assert rows["slider_median_ms"]["unmeasured"] == ["zh/07_real"]
    assert rows["notebook_peak_mib"]["result"] == "N/A"
    assert rows["course_seconds"]["result"] == "N/A"
    assert rows["numpy_vs_torch_step_ratio"]["result"] == "N/A"
    assert rows["ridge_path_speedup"]["result"] == "N/A"
    assert rows["notebook_seconds"]["result"] == "PASS"
    # a slider that misses still shows as a miss when another notebook was not measured
    results["slider_ms"]["en"]["03_ridge"]["sliders"][0]["median"] = 50.0
    assert by_target(bench.evaluate_targets(results))["slider_median_ms"]["result"] == "MISS"


# --- the cells injected into each notebook's kernel ------------------------------------------


def test_injected_cells_run_and_print_a_report():
    out = io.StringIO()
    namespace = {}
    with contextlib.redirect_stdout(out):
        exec(compile(bench.PEAK_CELL, "<peak cell>", "exec"), namespace)
        exec(compile(bench.SLIDER_CELL, "<slider cell>", "exec"), namespace)
    lines = [line for line in out.getvalue().splitlines() if line.startswith(bench.MARKER)]
    assert len(lines) == 2
    memory, sliders = (json.loads(line[len(bench.MARKER) :]) for line in lines)
    if Path("/proc/self/status").exists():
        assert 10 < memory["peak_mib"] < 100_000
    assert memory["executable"] == sys.executable
    assert "sliders" in sliders or "sweep_sliders" in sliders["error"]


def test_cell_report_reads_the_marked_line_of_stdout():
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text=bench.MARKER + '{"peak_mib": 1}\n'),
        nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", name="stdout", text="hello\n" + bench.MARKER + '{"a": 2}'),
    ]
    assert bench._cell_report(cell) == {"a": 2}
    assert bench._cell_report(nbformat.v4.new_code_cell("")) is None


# --- the two in-process measurements, on small sizes -------------------------------------------


def test_ridge_path_speedup_on_a_small_problem():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(15, 4)), rng.normal(size=15)
    r = bench.ridge_path_speedup(X, y, np.logspace(-6, 1, 20), rounds=2)
    for key in ("ridge_path_speedup", "path_ms", "separate_ms"):
        assert math.isfinite(r[key]) and r[key] > 0, key
    assert r["max_abs_diff"] < 1e-12
    assert (r["lams"], r["X_shape"]) == (20, [15, 4])


def test_mlp_step_ratio_on_a_small_problem():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 5)), rng.integers(0, 3, size=12)
    y[:3] = [0, 1, 2]
    r = bench.mlp_step_ratio(X, y, n_hidden=8, rounds=2, per_round=2)
    for key in ("numpy_vs_torch_step_ratio", "numpy_ms", "torch_ms"):
        assert math.isfinite(r[key]) and r[key] > 0, key
    assert r["max_abs_diff"] < 1e-12  # the two sides train the same network
    assert r["dtype"] == "float64"
    assert (r["batch"], r["n_hidden"], r["n_out"]) == ([12, 5], 8, 3)


# --- the whole report, with the notebooks faked ------------------------------------------------


def test_json_and_table_have_every_figure(monkeypatch, tmp_path, capsys):
    rng = np.random.default_rng(1)
    small_ridge = (rng.normal(size=(10, 3)), rng.normal(size=10), np.logspace(-4, 1, 8))
    small_batch = (rng.normal(size=(10, 4)), np.arange(10) % 3)
    quick_mlp = functools.partial(bench.mlp_step_ratio, n_hidden=6, rounds=2, per_round=2)
    quick_ridge = functools.partial(bench.ridge_path_speedup, rounds=2)
    monkeypatch.setattr(bench, "lesson03_problem", lambda: small_ridge)
    monkeypatch.setattr(bench, "lesson05_batch", lambda: small_batch)
    monkeypatch.setattr(bench, "mlp_step_ratio", quick_mlp)
    monkeypatch.setattr(bench, "ridge_path_speedup", quick_ridge)
    monkeypatch.setattr(bench, "notebook_paths", lambda only=(): ["four"])
    monkeypatch.setattr(bench, "bench_notebooks", lambda paths, log: fake_notebooks())
    out = tmp_path / "bench.json"
    assert bench.main(["--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    for key in (
        "machine",
        "notebook_seconds",
        "notebook_kernel_start_seconds",
        "notebook_peak_mib",
        "course_seconds",
        "slider_ms",
        "numpy_vs_torch_step_ratio",
        "mlp_step",
        "ridge_path_speedup",
        "ridge_path_max_abs_diff",
        "ridge_path",
        "setup",
        "targets",
    ):
        assert key in data, key
    for key in ("cpu", "cores", "ram_gib", "python", "numpy", "torch", "blas_threads"):
        assert key in data["machine"], key
    assert data["machine"]["cores"] >= 1 and data["machine"]["python"].count(".") == 2
    assert data["setup"] is None  # only with --setup
    assert data["mlp_step"]["dtype"] == "float64"
    assert {t["target"] for t in data["targets"]} == TARGET_NAMES
    assert all(t["result"] in {"PASS", "MISS", "N/A"} for t in data["targets"])
    printed = capsys.readouterr().out
    for text in ("07_real", "λ", "MLP training step", "ridge path", "PASS", "slider_median_ms"):
        assert text in printed, text


def test_baseline_ratio_interleaves_and_uses_the_median(monkeypatch, tmp_path):
    """--baseline REF: each notebook against its version at REF, alternately, median of rounds."""
    checkout = tmp_path / "old"
    (checkout / "notebooks" / "en").mkdir(parents=True)
    (checkout / "notebooks" / "en" / "04_x.ipynb").write_text("{}")
    order = []
    old_seconds, new_seconds = iter([30.0, 20.0, 28.0]), iter([10.0, 11.0, 30.0])

    def fake_baseline(where, rel):
        order.append("old")
        assert where == checkout and rel.as_posix() == "en/04_x.ipynb"
        return {"seconds": next(old_seconds)}

    def fake_current(path):
        order.append("new")
        return {"seconds": next(new_seconds)}

    monkeypatch.setattr(bench, "baseline_checkout", lambda ref: checkout)
    monkeypatch.setattr(bench, "run_baseline_notebook", fake_baseline)
    monkeypatch.setattr(bench, "run_notebook", fake_current)
    paths = [bench.NOTEBOOKS / "en" / "04_x.ipynb", bench.NOTEBOOKS / "en" / "99_new.ipynb"]
    out = bench.bench_against_baseline(paths, "abc123", rounds=3, log=lambda s: None)
    assert order == ["old", "new"] * 3  # interleaved; the lesson new since REF is skipped
    entry = out["notebooks"]["en/04_x.ipynb"]
    assert (entry["baseline_seconds"], entry["seconds"]) == (28.0, 11.0)  # medians
    assert entry["ratio"] == round(11.0 / 28.0, 3)
