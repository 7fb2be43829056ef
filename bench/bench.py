"""What the course costs a student, measured: the benchmark suite behind `make bench`.

Measures, in one run:

* every notebook (both languages) executed once in a fresh kernel, as a student's Run All:
  kernel start-up, wall time of the cells, and the kernel's peak memory (``VmHWM``);
* every slider: the kernel-side update time of each step of a λ sweep driven from the kernel
  (``l2lessons.widgets.sweep_sliders()``, called in the kernel after the Run All: set the
  widget's synced position and send it; the browser holds every frame and swaps the picture
  itself, which the browser suite times, key press to painted picture);
* the NumPy MLP training step of lesson 05 against the same model's PyTorch step;
* the ridge path for 200 λ from one SVD against 200 separate fits (lesson 03's data).

It prints a table with PASS/MISS per target and writes the same figures to
``build/bench.json``. Notebooks are read, never written back.

Usage: python bench/bench.py [--setup] [--only TEXT ...] [--json PATH] | --show PATH
(``make bench`` runs it on one BLAS thread, like ``make notebooks``; ``make bench SETUP=1``
adds the first-time setup: a fresh clone of HEAD, ``make .venv/.installed``, ``du .venv``.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_JSON = ROOT / "build" / "bench.json"
MARKER = "__L2LESSONS_BENCH__"  # prefix of the JSON line an injected cell prints

# name: (comparison, limit, unit, what it applies to)
TARGETS = {
    "notebook_seconds": ("<=", 30.0, "s", "Run All of each notebook, fresh kernel"),
    "course_seconds": (
        "<=",
        300.0,
        "s",
        "all notebooks, both languages, kernel start-ups included",
    ),
    "notebook_peak_mib": ("<=", 1024.0, "MiB", "peak memory of each notebook's kernel"),
    "slider_median_ms": ("<=", 10.0, "ms", "median kernel-side update of each slider"),
    "numpy_vs_torch_step_ratio": ("<=", 1.5, "x", "NumPy MLP step time / PyTorch step time"),
    "ridge_path_speedup": (">=", 10.0, "x", "200 ridge_fit calls / one ridge_path call"),
}


# --- pure helpers (unit-tested) ----------------------------------------------------------------


def summarize(samples) -> dict:
    """``n``, ``median``, ``p95``, ``min`` and ``max`` of a list of numbers.

    The 95th percentile is NumPy's default (linear interpolation between order statistics).
    An empty list gives ``n = 0`` and ``None`` for the rest.
    """
    values = np.asarray(list(samples), dtype=float)
    if values.size == 0:
        return {"n": 0, "median": None, "p95": None, "min": None, "max": None}
    return {
        "n": int(values.size),
        "median": float(np.median(values)),
        "p95": float(np.percentile(values, 95)),
        "min": float(values.min()),
        "max": float(values.max()),
    }


def verdict(value, name: str) -> str:
    """``"PASS"`` or ``"MISS"`` for ``value`` against target ``name``; ``"N/A"`` if None/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "N/A"
    op, limit, _, _ = TARGETS[name]
    ok = value <= limit if op == "<=" else value >= limit
    return "PASS" if ok else "MISS"


def _worst(items, name: str):
    """The (where, value) of ``items`` farthest on the wrong side of target ``name``."""
    items = [(k, v) for k, v in items if v is not None]
    if not items:
        return None, None
    pick = min if TARGETS[name][0] == ">=" else max
    return pick(items, key=lambda kv: kv[1])


def evaluate_targets(results: dict) -> list[dict]:
    """One row per target: the worst measured value, where it was measured, and the verdict.

    A target with no measurement is ``"N/A"``, and so is the course total when only some
    notebooks ran (``course_seconds["complete"]`` false) and the slider target when some
    notebook's sliders could not be measured (unless another slider already misses).
    """
    per_nb = [
        (f"{lang}/{name}", seconds)
        for lang, nbs in results.get("notebook_seconds", {}).items()
        for name, seconds in nbs.items()
    ]
    peaks = [
        (f"{lang}/{name}", mib)
        for lang, nbs in results.get("notebook_peak_mib", {}).items()
        for name, mib in nbs.items()
    ]
    sliders, slider_gaps = [], []
    for lang, nbs in results.get("slider_ms", {}).items():
        for name, entry in nbs.items():
            if entry.get("error"):
                slider_gaps.append(f"{lang}/{name}")
            for s in entry.get("sliders", []):
                sliders.append((f"{lang}/{name}: {s['name']}", s["median"]))
    course = results.get("course_seconds") or {}
    rows = []
    for name, (where, value) in {
        "notebook_seconds": _worst(per_nb, "notebook_seconds"),
        "course_seconds": (course.get("where"), course.get("total")),
        "notebook_peak_mib": _worst(peaks, "notebook_peak_mib"),
        "slider_median_ms": _worst(sliders, "slider_median_ms"),
        "numpy_vs_torch_step_ratio": (None, results.get("numpy_vs_torch_step_ratio")),
        "ridge_path_speedup": (None, results.get("ridge_path_speedup")),
    }.items():
        op, limit, unit, about = TARGETS[name]
        result = verdict(value, name)
        # some kernel's peak could not be read (not Linux): not a pass
        if name == "notebook_peak_mib" and any(v is None for _, v in peaks) and result == "PASS":
            result = "N/A"
        if name == "course_seconds" and not course.get("complete", True):
            result = "N/A"  # only some notebooks were run (--only)
        if name == "slider_median_ms" and slider_gaps and result != "MISS":
            result = "N/A"
        rows.append(
            {
                "target": name,
                "rule": f"{op} {limit:g} {unit}",
                "about": about,
                "worst": value,
                "where": where,
                "result": result,
                **({"unmeasured": slider_gaps} if name == "slider_median_ms" else {}),
            }
        )
    return rows


def slider_stats(report) -> dict:
    """``{"sliders": [...], "error": ...}`` from what the injected slider cell printed.

    ``report`` is ``{"sliders": [{"name": str, "ms": [float, ...]}, ...]}`` or
    ``{"error": str}``; each slider becomes its name plus :func:`summarize` of its times.
    """
    if report is None:
        return {"sliders": [], "error": "the slider cell printed no report"}
    if report.get("error"):
        return {"sliders": [], "error": report["error"]}
    rows = [{"name": str(s["name"]), **summarize(s["ms"])} for s in report.get("sliders", [])]
    return {"sliders": rows, "error": None}


# --- the machine -------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1)
    except (ValueError, OSError, AttributeError):
        return None


def _version(dist: str):
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git_head():
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _load_average():
    """The 1-minute load average (None where the OS has none)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (OSError, AttributeError):
        return None


def machine_info() -> dict:
    """CPU model, cores, RAM, OS and the versions that matter, for the report."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "cores": cores,
        "ram_gib": _ram_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": _version("torch"),
        "ipykernel": _version("ipykernel"),
        "nbclient": _version("nbclient"),
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS"),
        "git_head": _git_head(),
        "load_average_start": _load_average(),  # other work on the machine skews the timings
    }


# --- notebooks ---------------------------------------------------------------------------------


def _runner():
    """tools/execute_notebooks.py, imported by path: the same kernel and file search."""
    path = ROOT / "tools" / "execute_notebooks.py"
    spec = importlib.util.spec_from_file_location("execute_notebooks", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PEAK_CELL = f"""\
import json as _bench_json, sys as _bench_sys
_bench_peak = None
try:
    with open("/proc/self/status") as _bench_f:
        for _bench_line in _bench_f:
            if _bench_line.startswith("VmHWM:"):
                _bench_peak = int(_bench_line.split()[1]) / 1024  # kB -> MiB
except OSError:
    pass  # not Linux: no VmHWM
print("{MARKER}" + _bench_json.dumps(
    {{"peak_mib": _bench_peak, "executable": _bench_sys.executable}}))
"""

SLIDER_CELL = f"""\
try:
    from l2lessons.widgets import sweep_sliders as _bench_sweep
except ImportError as _bench_exc:
    _bench_report = {{"error": f"l2lessons.widgets.sweep_sliders is missing ({{_bench_exc}})"}}
else:
    try:
        _bench_report = {{"sliders": _bench_sweep()}}
    except Exception as _bench_exc:
        _bench_report = {{"error": f"sweep_sliders() raised {{_bench_exc!r}}"}}
print("{MARKER}" + _bench_json.dumps(_bench_report))
"""


def _cell_report(cell):
    """The JSON object an injected cell printed after :data:`MARKER`, or None."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            for line in out.get("text", "").splitlines():
                if line.startswith(MARKER):
                    return json.loads(line[len(MARKER) :])
    return None


def run_notebook(path: Path, timeout: int = 600) -> dict:
    """Execute one notebook in a fresh kernel (not saved) and measure it.

    Returns ``kernel_start_seconds`` (kernel start and first reply), ``seconds`` (all the
    notebook's cells, as Run All), ``peak_mib`` (the kernel's ``VmHWM`` after them; None off
    Linux) and ``sliders`` (see :func:`slider_stats`; the sweep runs after the peak is read).
    """
    from nbformat.v4 import new_code_cell

    nb, client = _runner().notebook_client(path, timeout)
    start = time.perf_counter()
    with client.setup_kernel():
        client.wait_for_reply(client.kc.kernel_info())
        ready = time.perf_counter()
        for index, cell in enumerate(list(nb.cells)):
            client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
        done = time.perf_counter()
        extra = [new_code_cell(PEAK_CELL), new_code_cell(SLIDER_CELL)]
        nb.cells.extend(extra)  # this copy only: the notebook file is never written
        for cell in extra:
            client.execute_cell(cell, nb.cells.index(cell))
    memory = _cell_report(extra[0]) or {}
    return {
        "kernel_start_seconds": ready - start,
        "seconds": done - ready,
        "peak_mib": memory.get("peak_mib"),
        "kernel_python": memory.get("executable"),
        "sliders": slider_stats(_cell_report(extra[1])),
    }


def baseline_checkout(ref: str) -> Path:
    """A detached git worktree of ``ref`` under build/bench-baseline/ (made once, then reused)."""
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    where = ROOT / "build" / "bench-baseline" / sha[:12]
    if not (where / "l2lessons").is_dir():
        where.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=True)
        subprocess.run(
            ["git", "worktree", "add", "--detach", "--force", str(where), sha],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return where


def run_baseline_notebook(checkout: Path, rel: Path) -> dict:
    """:func:`run_notebook` on the baseline's copy of a notebook, importing its own package."""
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(checkout) + (os.pathsep + saved if saved else "")
    try:  # the kernel inherits PYTHONPATH: the baseline's l2lessons comes first on sys.path
        return run_notebook(checkout / "notebooks" / rel)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved


def bench_against_baseline(paths, ref: str, rounds: int = 2, log=print) -> dict:
    """Run All seconds of each notebook and of the baseline's version of it, interleaved.

    Both run in this environment, on the same machine, alternately (baseline, current,
    baseline, current ...), so a load that comes and goes weighs on both; each side's
    median over ``rounds`` is kept, and ``ratio`` is current / baseline.
    """
    checkout = baseline_checkout(ref)
    out = {"ref": ref, "rounds": rounds, "notebooks": {}}
    for path in paths:
        rel = path.relative_to(NOTEBOOKS)
        if not (checkout / "notebooks" / rel).is_file():
            continue
        base, now = [], []
        for _ in range(rounds):
            base.append(run_baseline_notebook(checkout, rel)["seconds"])
            now.append(run_notebook(path)["seconds"])
        b, c = statistics.median(base), statistics.median(now)
        out["notebooks"][rel.as_posix()] = {
            "baseline_seconds": round(b, 2),
            "seconds": round(c, 2),
            "ratio": round(c / b, 3),
        }
        log(f"  {rel}: baseline {ref} {b:.1f} s, now {c:.1f} s, ratio {c / b:.2f}")
    return out


def notebook_paths(only=()) -> list[Path]:
    """Every lesson notebook (en and zh), optionally only those whose path contains a text."""
    paths = _runner().notebooks_under([NOTEBOOKS])
    if only:
        paths = [p for p in paths if any(text in str(p.relative_to(NOTEBOOKS)) for text in only)]
    return paths


def bench_notebooks(paths, log=print) -> dict:
    """Run :func:`run_notebook` on each path; the per-notebook and course-total figures."""
    seconds, starts, peaks, sliders = {}, {}, {}, {}
    for path in paths:
        lang, name = path.parent.name, path.stem
        r = run_notebook(path)
        seconds.setdefault(lang, {})[name] = round(r["seconds"], 3)
        starts.setdefault(lang, {})[name] = round(r["kernel_start_seconds"], 3)
        peaks.setdefault(lang, {})[name] = (
            None if r["peak_mib"] is None else round(r["peak_mib"], 1)
        )
        sliders.setdefault(lang, {})[name] = r["sliders"]
        log(
            f"  {lang}/{name}: start {r['kernel_start_seconds']:.1f} s, run {r['seconds']:.1f} s, "
            f"peak {r['peak_mib'] or float('nan'):.0f} MiB  [{r['kernel_python']}]"
        )
    run_all = sum(v for nbs in seconds.values() for v in nbs.values())
    start_all = sum(v for nbs in starts.values() for v in nbs.values())
    return {
        "notebook_seconds": seconds,
        "notebook_kernel_start_seconds": starts,
        "notebook_peak_mib": peaks,
        "slider_ms": sliders,
        "course_seconds": {
            "notebooks": len(paths),
            "run_all": round(run_all, 2),
            "kernel_start": round(start_all, 2),
            "total": round(run_all + start_all, 2),
            "where": f"{len(paths)} notebooks",
        },
    }


# --- the NumPy MLP against PyTorch -------------------------------------------------------------


def lesson05_batch():
    """Lesson 05's training batch: 100 digits (stratified, ``random_state=0``), pixels / 16."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, _, y_train, _ = train_test_split(
        X / 16.0, y, train_size=100, stratify=y, random_state=0
    )
    return X_train, y_train


def _interleaved_ms(funcs, rounds: int, per_round: int) -> list[float]:
    """Median milliseconds per call of each function, timed in alternating blocks.

    Alternating the blocks spreads any slow-down of the machine evenly over the functions.
    """
    times = [[] for _ in funcs]
    for _ in range(rounds):
        for f, bucket in zip(funcs, times, strict=True):
            start = time.perf_counter()
            for _ in range(per_round):
                f()
            bucket.append((time.perf_counter() - start) / per_round * 1e3)
    return [float(np.median(bucket)) for bucket in times]


def mlp_step_ratio(X, y, n_hidden=64, lam=0.01, lr=0.3, rounds=30, per_round=50) -> dict:
    """Time one training step of ``l2lessons.mlp.MLP`` and of the same network in PyTorch.

    Same batch, same initial weights, float64 on both sides (as lesson 05 compares them);
    PyTorch side: autograd on ``relu(X W1 + b1) W2 + b2``, ``F.cross_entropy`` plus
    ``lam (||W1||^2 + ||W2||^2)``, then ``p -= lr * p.grad`` under ``torch.no_grad()``, the
    same update as NumPy's (and faster here than ``torch.optim.SGD``, so the comparison
    does not flatter NumPy). Both return the loss as a Python float. Before timing, both
    take 5 steps and their weights are compared (``max_abs_diff``).
    """
    import torch
    import torch.nn.functional as F

    from l2lessons.mlp import MLP

    n_out = int(np.max(y)) + 1
    net = MLP(X.shape[1], n_hidden, n_out, seed=0)
    params = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in net.params.items()}
    X_t, y_t = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float64)), torch.from_numpy(y)

    def numpy_step():
        return net.step(X, y, lam, lr)

    def torch_step():
        p = params
        logits = torch.relu(X_t @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
        loss = F.cross_entropy(logits, y_t) + lam * ((p["W1"] ** 2).sum() + (p["W2"] ** 2).sum())
        loss.backward()
        with torch.no_grad():
            for q in p.values():
                q -= lr * q.grad
                q.grad = None
        return loss.item()

    for _ in range(5):
        numpy_step(), torch_step()
    diff = max(float(np.max(np.abs(net.params[k] - params[k].detach().numpy()))) for k in params)
    numpy_ms, torch_ms = _interleaved_ms([numpy_step, torch_step], rounds, per_round)
    return {
        "numpy_vs_torch_step_ratio": numpy_ms / torch_ms,
        "numpy_ms": numpy_ms,
        "torch_ms": torch_ms,
        "max_abs_diff": diff,
        "dtype": "float64",
        "batch": list(X.shape),
        "n_hidden": n_hidden,
        "n_out": n_out,
        "torch_threads": torch.get_num_threads(),
        "steps_timed": 2 * rounds * per_round,
    }


# --- the ridge path ----------------------------------------------------------------------------


def lesson03_problem(n_lams=200):
    """Lesson 03's centred design (30 noisy-sine points, degree 12) and ``n_lams`` λ values."""
    from l2lessons.data import noisy_sine, polynomial_features

    x, y = noisy_sine(30, noise=0.25, seed=0)
    X = polynomial_features(x, 12)
    return X - X.mean(axis=0), y - y.mean(), np.logspace(-8, 2, n_lams)


def ridge_path_speedup(X, y, lams, rounds=15) -> dict:
    """Time ``ridge_path(X, y, lams)`` (one SVD) against ``ridge_fit`` once per λ.

    Returns the speed-up (separate / path) and the largest absolute difference between the
    two sets of weights.
    """
    from l2lessons.ridge import ridge_fit, ridge_path

    def path():
        return ridge_path(X, y, lams)

    def separate():
        return np.array([ridge_fit(X, y, lam) for lam in lams])

    diff = float(np.max(np.abs(path() - separate())))
    path_ms, separate_ms = _interleaved_ms([path, separate], rounds, per_round=3)
    return {
        "ridge_path_speedup": separate_ms / path_ms,
        "path_ms": path_ms,
        "separate_ms": separate_ms,
        "max_abs_diff": diff,
        "lams": len(lams),
        "X_shape": list(X.shape),
    }


# --- first-time setup --------------------------------------------------------------------------


def _du_mib(path: Path) -> float:
    """Disk usage of a folder in MiB (``du -sk``; a walk over the files where du is missing)."""
    try:
        out = subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True, check=True)
        return int(out.stdout.split()[0]) / 1024
    except (OSError, subprocess.CalledProcessError, ValueError):
        files = (p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
        return sum(p.stat().st_size for p in files) / 1024**2


def _pip_sources() -> list[str]:
    """Which pip settings choose where packages come from (names only, never the values)."""
    try:
        out = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True
        ).stdout
    except OSError:
        out = ""
    keys = [line.split("=", 1)[0] for line in out.splitlines() if "=" in line]
    keys += [
        k for k in os.environ if k in {"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"}
    ]
    return sorted({k for k in keys if any(w in k for w in ("index-url", "find-links", "PIP_"))})


def measure_setup(log=print) -> dict:
    """Clone HEAD into a temporary folder, time ``make .venv/.installed`` there, ``du`` the venv.

    pip's cache is switched off (``PIP_NO_CACHE_DIR=1``), as on a student's first install;
    packages come from wherever pip is configured to take them (``pip_sources`` lists the
    settings that choose this, without their values). The folder is removed afterwards;
    make's output is shown only if it fails.
    """
    tmp = Path(tempfile.mkdtemp(prefix="l2lessons-setup-"))
    try:
        clone = tmp / "l2lessons"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "VIRTUAL_ENV"}
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env["PIP_NO_CACHE_DIR"] = "1"
        log("  make .venv/.installed in a fresh clone (pip cache off) ...")
        start = time.perf_counter()
        done = subprocess.run(
            ["make", "--no-print-directory", ".venv/.installed"],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
        if done.returncode:
            log((done.stdout + done.stderr)[-4000:])
            raise RuntimeError(f"make .venv/.installed failed (exit {done.returncode}).")
        return {
            "seconds": round(seconds, 1),
            "venv_mib": round(_du_mib(clone / ".venv"), 1),
            "pip_cache": False,
            "commit": _git_head(),
            "pip_sources": _pip_sources(),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- report ------------------------------------------------------------------------------------


def _fmt(value, spec=".1f", none="—"):
    return none if value is None else format(value, spec)


def table(results: dict) -> str:
    """The human-readable report of :func:`run` results."""
    m = results["machine"]
    lines = [
        f"l2lessons benchmarks, {results['created']} (commit {m['git_head']})",
        f"{m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM; Python {m['python']}, "
        f"NumPy {m['numpy']}, torch {m['torch']}; BLAS threads {m['blas_threads']}; "
        f"load average {m.get('load_average_start')} at start, {m.get('load_average_end')} at end",
        "",
    ]
    secs = results.get("notebook_seconds", {})
    if secs:
        lines.append(
            f"{'notebook':30} {'lang':4} {'start s':>7} {'run s':>6} {'≤30 s':>5} "
            f"{'peak MiB':>8} {'≤1 GiB':>6}"
        )
        for lang in sorted(secs):
            for name, seconds in secs[lang].items():
                start = results["notebook_kernel_start_seconds"][lang][name]
                peak = results["notebook_peak_mib"][lang][name]
                lines.append(
                    f"{name:30} {lang:4} {start:7.1f} {seconds:6.1f} "
                    f"{verdict(seconds, 'notebook_seconds'):>5} {_fmt(peak, '.0f'):>8} "
                    f"{verdict(peak, 'notebook_peak_mib'):>6}"
                )
        c = results["course_seconds"]
        lines.append(
            f"course, {c['notebooks']} notebooks: {c['run_all']:.1f} s Run All + "
            f"{c['kernel_start']:.1f} s kernel start-up = {c['total']:.1f} s "
            f"(≤ 300 s: {verdict(c['total'], 'course_seconds')})"
        )
        lines += [
            "",
            f"{'slider (kernel-side update, ms)':52} {'n':>4} {'median':>7} {'p95':>7} "
            f"{'≤10 ms':>6}",
        ]
        for lang in sorted(results["slider_ms"]):
            for name, entry in results["slider_ms"][lang].items():
                if entry["error"]:
                    lines.append(f"{lang}/{name}: not measured: {entry['error']}")
                for s in entry["sliders"]:
                    lines.append(
                        f"{lang + '/' + name + ': ' + s['name']:52} {s['n']:4d} "
                        f"{_fmt(s['median'], '7.2f')} {_fmt(s['p95'], '7.2f')} "
                        f"{verdict(s['median'], 'slider_median_ms'):>6}"
                    )
        lines.append("")
    mlp = results.get("mlp_step")
    if mlp:
        lines.append(
            f"MLP training step, {mlp['dtype']}, batch {mlp['batch'][0]}×{mlp['batch'][1]}, "
            f"{mlp['n_hidden']} hidden, {mlp['n_out']} classes: NumPy {mlp['numpy_ms']:.3f} ms, "
            f"PyTorch {mlp['torch_ms']:.3f} ms, ratio {mlp['numpy_vs_torch_step_ratio']:.2f} "
            f"(≤ 1.5: {verdict(mlp['numpy_vs_torch_step_ratio'], 'numpy_vs_torch_step_ratio')}); "
            f"max |Δw| {mlp['max_abs_diff']:.1e}"
        )
    ridge = results.get("ridge_path")
    if ridge:
        lines.append(
            f"ridge path, {ridge['lams']} λ, X {ridge['X_shape'][0]}×{ridge['X_shape'][1]}: "
            f"one SVD {ridge['path_ms']:.3f} ms, "
            f"{ridge['lams']} fits {ridge['separate_ms']:.2f} ms, "
            f"speed-up {ridge['ridge_path_speedup']:.0f}× "
            f"(≥ 10×: {verdict(ridge['ridge_path_speedup'], 'ridge_path_speedup')}); "
            f"max |Δw| {ridge['max_abs_diff']:.1e}"
        )
    baseline = results.get("baseline")
    if baseline:
        lines += [
            "",
            f"Run All against {baseline['ref']} (median of {baseline['rounds']}, interleaved):",
        ]
        for rel, b in baseline["notebooks"].items():
            lines.append(
                f"  {rel:40} {b['baseline_seconds']:6.1f} s -> {b['seconds']:6.1f} s  "
                f"ratio {b['ratio']:.2f}"
            )
    setup = results.get("setup")
    if setup:
        lines.append(
            f"first setup (fresh clone, pip cache off): {setup['seconds']:.0f} s, "
            f".venv {setup['venv_mib'] / 1024:.2f} GiB"
        )
    lines += ["", f"{'target':28} {'rule':12} {'worst':>9}  {'result':6} where"]
    for t in results["targets"]:
        lines.append(
            f"{t['target']:28} {t['rule']:12} {_fmt(t['worst'], '9.2f'):>9}  "
            f"{t['result']:6} {t['where'] or ''}"
        )
    return "\n".join(lines)


def run(setup=False, only=(), baseline=None, log=print) -> dict:
    """Every measurement, as one JSON-ready dict (see the module docstring)."""
    results = {
        "schema": 1,
        "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_info(),
    }
    log("ridge path ...")
    ridge = ridge_path_speedup(*lesson03_problem())
    results["ridge_path"] = ridge
    results["ridge_path_speedup"] = ridge["ridge_path_speedup"]
    results["ridge_path_max_abs_diff"] = ridge["max_abs_diff"]
    log("MLP step ...")
    mlp = mlp_step_ratio(*lesson05_batch())
    results["mlp_step"] = mlp
    results["numpy_vs_torch_step_ratio"] = mlp["numpy_vs_torch_step_ratio"]
    paths = notebook_paths(only)
    log(f"{len(paths)} notebooks, each in a fresh kernel ...")
    results.update(bench_notebooks(paths, log=log))
    results["course_seconds"]["complete"] = not only
    if baseline:
        log(f"against {baseline} ...")
        results["baseline"] = bench_against_baseline(paths, baseline, log=log)
    results["setup"] = measure_setup(log=log) if setup else None
    results["targets"] = evaluate_targets(results)
    results["machine"]["load_average_end"] = _load_average()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="also time a first-time setup")
    parser.add_argument("--only", nargs="*", default=(), help="notebooks whose path has TEXT")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument("--show", type=Path, help="only print the table of a saved JSON file")
    parser.add_argument(
        "--baseline", metavar="REF", help="also time each notebook's version at git REF (ratio)"
    )
    args = parser.parse_args(argv)
    if args.show:
        print(table(json.loads(args.show.read_text(encoding="utf-8"))))
        return 0
    os.environ.setdefault("PYTHONHASHSEED", "0")
    results = run(
        setup=args.setup,
        only=args.only,
        baseline=args.baseline,
        log=lambda s: print(s, file=sys.stderr),
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nJSON: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
