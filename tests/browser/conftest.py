"""Fixtures of the real-browser suite (``pytest -m browser``): one JupyterLab, one Chromium.

Every test here is marked ``browser``. Without Chromium or Playwright the tests skip
and say why; CI installs Debian's ``chromium`` so they always run there.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import urllib.request
from pathlib import Path

import pytest

from .lab import CHROMIUM, CHROMIUM_ARGS, ROOT, LabServer

#: Screenshots and the latency table go here (git-ignored).
SHOTS = ROOT / "build" / "browser"
#: One row per slider control moved: notebook, lang, slider, ms (per move), phase (idle/busy).
LATENCIES: list[dict] = []
#: One row per slider widget: its first render (view created -> first picture decoded), ms.
RENDERS: list[dict] = []


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def need_chromium():
    """Skip, saying why, where Chromium or Playwright is missing."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(
            f"browser tests need Chromium at {CHROMIUM} (Debian: apt-get install chromium); "
            "every other test runs without it"
        )
    pytest.importorskip("playwright", reason="browser tests need the playwright package")


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    need_chromium()
    with LabServer(tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (the decks need no JupyterLab)."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def fresh_page(browser, lab, width: int, height: int):
    """A page in a fresh browser context (no restored tabs) of the given viewport; afterwards
    the context is closed and every kernel it started is shut down."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    try:
        yield context.new_page()
    finally:
        context.close()
        for session in _api(lab, "sessions"):
            _api(lab, f"sessions/{session['id']}", method="DELETE")


@pytest.fixture
def page(browser, lab):
    """A fresh 1400×900 page; its kernels are shut down afterwards."""
    with fresh_page(browser, lab, 1400, 900) as page:
        yield page


def _api(lab, path, method="GET"):
    req = urllib.request.Request(f"{lab.url}/api/{path}?token={lab.token}", method=method)
    with urllib.request.urlopen(req, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


@pytest.fixture(scope="session")
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def pytest_terminal_summary(terminalreporter):
    if not LATENCIES:
        return
    write = terminalreporter.write_line
    terminalreporter.section(
        "slider latency in Chromium (key press -> new picture decoded -> two animation frames)"
    )
    write(f"{'notebook (kernel)':<44}{'slider':<22}{'moves':>6}{'median ms':>11}{'p95 ms':>9}")
    for row in LATENCIES:
        ms = row["ms"]
        name = f"{row['lang']}/{row['notebook']} ({row.get('phase', 'idle')})"
        write(
            f"{name:<44}{row['slider']:<22}{len(ms):>6}"
            f"{statistics.median(ms):>11.1f}{p95(ms):>9.1f}"
        )
    for phase in ("idle", "busy"):
        every = [t for row in LATENCIES if row.get("phase", "idle") == phase for t in row["ms"]]
        if every:
            name = f"all sliders, kernel {phase}"
            write(f"{name:<66}{len(every):>6}{statistics.median(every):>11.1f}{p95(every):>9.1f}")
    if RENDERS:
        ms = [row["ms"] for row in RENDERS]
        write(
            f"first render of a slider widget (view -> first picture decoded), {len(ms)} widgets: "
            f"median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms "
            f"({max(RENDERS, key=lambda r: r['ms'])['frames']} frames in the slowest)"
        )
    (SHOTS / "latency.json").write_text(
        json.dumps({"moves": LATENCIES, "renders": RENDERS}, indent=1)
    )
