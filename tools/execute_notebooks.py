"""Re-execute notebooks in place, top to bottom in a fresh kernel, storing their outputs.

Usage: python tools/execute_notebooks.py [PATH ...]   (folders or .ipynb files;
default: the repository's notebooks/ folder). Used by `make notebooks`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from l2lessons.widgets import drop_stored_frames

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def notebooks_under(paths) -> list[Path]:
    """Every .ipynb file named or inside the given folders, sorted (checkpoints skipped)."""
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            found += [q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts]
        elif p.suffix == ".ipynb":
            found.append(p)
        else:
            raise SystemExit(f"{p} is neither a folder nor a notebook.")
    return sorted(found)


def notebook_client(path: Path, timeout: int = 600):
    """Read a notebook and make the client that runs it: the course kernel, in its folder."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata.pop("jupytext", None)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=True,
    )
    return nb, client


def strip_solutions(nb) -> None:
    """Drop the stored outputs of reference-solution cells (tag ``solution``): they ran, but
    nothing on the page shows an answer before the student asks for it."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
            cell.outputs = []


def execute(path: Path, timeout: int = 600) -> float:
    """Run one notebook in place; return the seconds it took."""
    nb, client = notebook_client(path, timeout)
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    strip_solutions(nb)
    drop_stored_frames(nb)  # a frame slider's frames are in its output's scrubber already
    nbformat.write(nb, path)
    return seconds


def main(argv=None) -> int:
    os.environ.setdefault("PYTHONHASHSEED", "0")
    args = sys.argv[1:] if argv is None else argv
    paths = notebooks_under(args or [ROOT / "notebooks"])
    if not paths:
        print("no notebooks found")
        return 1
    for path in paths:
        seconds = execute(path)
        print(f"{seconds:6.1f} s  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
