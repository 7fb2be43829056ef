"""The lessons run as they are where a student opens them with nothing installed (Colab).

A fresh virtual environment holds only what Colab has preinstalled for these lessons (numpy,
torch, matplotlib, scikit-learn, ipywidgets 7, keras, tqdm and the kernel), not ``l2lessons``
and not JupyterLab. Each lesson runs top to bottom through nbclient in it, with
``L2LESSONS_PIP_SPEC`` pointing at this checkout: the first lesson's install cell installs the
course package (non-editable, with its few missing dependencies), and nothing Colab already has
may be reinstalled (pip would force a runtime restart there).

``make test`` runs two lessons this way (the start page, and lesson 6 in Chinese, which also
runs Keras); ``make test-colab`` (``pytest -m colab``) runs every lesson in both languages.
The environment is kept in build/colab-venv between runs; the course package is removed from it
before each run, so the install is always tested.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "build" / "colab-venv"
KERNEL = "l2lessons-colab-like"
#: What Colab has preinstalled that these lessons use (torch: the CPU build pinned here).
COLAB = [
    "torch==2.13.0",
    "numpy",
    "matplotlib",
    "scikit-learn",
    "ipywidgets==7.7.1",
    "notebook==6.5.7",  # Colab's classic notebook (notebook 7 would pull in JupyterLab)
    "keras",
    "tqdm",
    "ipykernel",
]
SMOKE = ["notebooks/en/00_start_here.ipynb", "notebooks/zh/06_pytorch_weight_decay.ipynb"]
ALL = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "notebooks").glob("*/*.ipynb"))
INSTALL_SECONDS: list[float] = []


def _python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _pip(*args, **kw):
    return subprocess.run(
        [str(_python()), "-m", "pip", "--disable-pip-version-check", *args],
        check=True,
        capture_output=True,
        text=True,
        **kw,
    )


def _versions() -> dict[str, str]:
    out = _pip("list", "--format=freeze").stdout
    return dict(line.split("==", 1) for line in out.splitlines() if "==" in line)


@pytest.fixture(scope="module")
def colab_like():
    """The environment, without l2lessons; yields (env for the kernel, versions before)."""
    stamp = VENV / ".colab-like"
    if stamp.exists() and stamp.read_text() != "\n".join(COLAB):
        stamp.unlink()
    if not stamp.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        _pip("install", "--quiet", *COLAB)
        subprocess.run(
            [str(_python()), "-m", "ipykernel", "install", "--prefix", str(VENV), "--name", KERNEL],
            check=True,
            capture_output=True,
        )
        stamp.write_text("\n".join(COLAB))
    _pip("uninstall", "--yes", "l2lessons")  # a fresh runtime: the course is not there
    before = _versions()
    assert "l2lessons" not in before and "jupyterlab" not in before
    env = {
        "JUPYTER_PATH": str(VENV / "share" / "jupyter"),
        "L2LESSONS_PIP_SPEC": str(ROOT),  # the checkout, installed as pip would from git
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "KERAS_BACKEND": "tensorflow",  # Colab's default; the lessons must switch it themselves
    }
    yield env, before
    after = _versions()
    changed = {k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v}
    assert not changed, f"the install reinstalled what Colab already has: {changed}"
    assert "jupyterlab" not in after, "JupyterLab is the [lab] extra, not a dependency"
    if INSTALL_SECONDS:
        print(f"\nColab-like first-cell install: {INSTALL_SECONDS[0]:.1f} s")


def run_like_colab(rel: str, env: dict) -> None:
    path = ROOT / rel
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(path.parent)}},
    )
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits them, as Colab's would
    try:
        with client.setup_kernel():
            install = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
            first_run = not INSTALL_SECONDS
            for index, cell in enumerate(nb.cells):
                start = time.perf_counter()
                client.execute_cell(cell, index)
                if index == install and first_run:  # the install (later lessons find it there)
                    INSTALL_SECONDS.append(time.perf_counter() - start)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, errors


@pytest.mark.slow
@pytest.mark.parametrize("rel", SMOKE)
def test_lesson_runs_like_on_colab(colab_like, rel):
    run_like_colab(rel, colab_like[0])


@pytest.mark.colab
@pytest.mark.parametrize("rel", ALL)
def test_every_lesson_runs_like_on_colab(colab_like, rel):
    run_like_colab(rel, colab_like[0])
