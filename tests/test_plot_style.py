"""The course's colours stay apart for readers with a colour-vision deficiency.

Each deficiency is simulated with colorspacious (Machado et al. 2009, severity 100, i.e.
deuteranopia, protanopia and tritanopia); distances are ΔE in CAM02-UCS, where about 1 is a
just-noticeable difference between two large patches. Lines and markers are thin, so a pair
counts as distinct at ΔE ≥ 10.

The lessons tell apart at most five cycle colours in one figure (lesson 9 draws five runs,
C0 to C4, in one legend); figures with a dozen lines (the ridge paths) do not ask the reader
to tell the lines apart. Every explicit colour in the lessons' code is either a cycle colour
``C<k>`` with k < 5, black or one of the greys below, or the viridis colour map, and each of
those is checked here too.
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.style
import nbformat
import numpy as np
import pytest
from colorspacious import cspace_convert

from l2lessons import notebook

ROOT = Path(__file__).resolve().parents[1]
N_COLOURS = 5  # the most cycle colours one figure tells apart (lesson 9, five runs)
MIN_DELTA_E = 10.0
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: -anopia
VISIONS = (None, *DEFICIENCIES)  # None: normal colour vision
NEUTRALS = ("k", "0.4", "0.5", "0.6", "0.75")  # black and the greys the lessons draw with
BESIDE_GREYS = ("C0", "C1", "C3")  # the cycle colours drawn in one axes with grey marks
COLORMAPS = ("viridis",)
PLOT_CALLS = {"plot", "semilogx", "semilogy", "loglog"}
COLOUR_KEYWORDS = {"color", "colors", "c", "facecolor", "edgecolor", "mfc", "mec"}


def simulate(colours, deficiency):
    """sRGB colours (n, 3) as a reader with ``deficiency`` sees them (None: unchanged)."""
    rgb = np.array([mpl.colors.to_rgb(c) for c in colours])
    if deficiency is None:
        return rgb
    cvd = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(cspace_convert(rgb, cvd, "sRGB1"), 0, 1)


def ucs(colours, deficiency):
    return cspace_convert(simulate(colours, deficiency), "sRGB1", "CAM02-UCS")


def closest_pair(colours, deficiency):
    """(ΔE, a, b): the two colours of ``colours`` that look most alike."""
    J = ucs(colours, deficiency)
    return min(
        (float(np.linalg.norm(J[i] - J[j])), colours[i], colours[j])
        for i, j in itertools.combinations(range(len(colours)), 2)
    )


def closest_across(colours, others, deficiency):
    """(ΔE, a, b) with a from ``colours`` and b from ``others``: the most alike such pair."""
    A, B = ucs(colours, deficiency), ucs(others, deficiency)
    d = np.linalg.norm(A[:, None] - B[None], axis=-1)
    i, j = np.unravel_index(np.argmin(d), d.shape)
    return float(d[i, j]), colours[i], others[j]


def course_cycle():
    return list(notebook.STYLE["axes.prop_cycle"].by_key()["color"])


def default_cycle():
    return list(mpl.rcParamsDefault["axes.prop_cycle"].by_key()["color"])


def cycle_colour(name, cycle):
    return cycle[int(name[1:])] if re.fullmatch(r"C\d", name) else name


# ---------------------------------------------------------------- the cycle


def test_the_style_sets_a_cycle_with_enough_colours():
    cycle = course_cycle()
    assert len(cycle) >= N_COLOURS
    assert len(set(map(str.lower, cycle))) == len(cycle), "a colour appears twice"
    assert cycle != default_cycle()


@pytest.mark.parametrize("deficiency", VISIONS, ids=lambda d: d or "normal")
def test_first_colours_of_the_cycle_stay_apart(deficiency):
    delta, a, b = closest_pair(course_cycle()[:N_COLOURS], deficiency)
    assert delta >= MIN_DELTA_E, f"{a} and {b}: ΔE {delta:.1f} < {MIN_DELTA_E}"


def test_the_check_rejects_matplotlibs_default_cycle():
    """The test above can fail: tab10's green and orange (or red) merge under protanopia."""
    worst = {d: closest_pair(default_cycle()[:N_COLOURS], d) for d in DEFICIENCIES}
    assert min(delta for delta, _, _ in worst.values()) < MIN_DELTA_E / 2, worst
    assert closest_pair(default_cycle()[:N_COLOURS], None)[0] >= MIN_DELTA_E  # fine for most


@pytest.mark.parametrize("deficiency", VISIONS, ids=lambda d: d or "normal")
def test_cycle_colours_stand_out_from_black_and_the_greys(deficiency):
    cycle = course_cycle()
    delta, a, b = closest_across(cycle[:N_COLOURS], ["k"], deficiency)
    assert delta >= MIN_DELTA_E, f"{a} and black: ΔE {delta:.1f}"
    beside = [cycle_colour(c, cycle) for c in BESIDE_GREYS]
    delta, a, b = closest_across(beside, list(NEUTRALS[1:]), deficiency)
    assert delta >= MIN_DELTA_E, f"{a} and grey {b}: ΔE {delta:.1f}"


def test_the_grey_check_rejects_tableau_colorblind10():
    """Why not matplotlib's colour-blind style: its C2 and C3 are greys, like the lessons'."""
    tcb = matplotlib.style.library["tableau-colorblind10"]["axes.prop_cycle"]
    cycle = tcb.by_key()["color"]
    beside = [cycle_colour(c, cycle) for c in BESIDE_GREYS]
    assert closest_across(beside, list(NEUTRALS[1:]), None)[0] < MIN_DELTA_E


@pytest.mark.parametrize("name", COLORMAPS)
@pytest.mark.parametrize("deficiency", VISIONS, ids=lambda d: d or "normal")
def test_colormaps_keep_their_order_under_every_deficiency(name, deficiency):
    """A sequential map reads by lightness: J' must rise along it for every reader."""
    colours = mpl.colormaps[name](np.linspace(0, 1, 64))[:, :3]
    lightness = ucs(colours, deficiency)[:, 0]
    assert np.all(np.diff(lightness) > 0), f"{name}: lightness not increasing"
    assert lightness[-1] - lightness[0] > 50


def test_the_colormap_check_can_fail():
    colours = mpl.colormaps["jet"](np.linspace(0, 1, 64))[:, :3]
    assert not np.all(np.diff(ucs(colours, "deuteranomaly")[:, 0]) > 0)


# --------------------------------------------------- colours in the lessons' code


def lesson_sources():
    """(where, Python source) for the package's modules and every notebook code cell."""
    for path in sorted((ROOT / "l2lessons").glob("*.py")):
        yield path.name, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                magic = ("%", "!")  # IPython lines, not Python
                lines = [ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(magic)]
                yield f"{path.parent.name}/{path.name} cell {i}", "\n".join(lines)


def colour_choices(source):
    """Every literal colour, fmt colour letter and colour map named in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in PLOT_CALLS:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found += [f"fmt:{m}" for m in re.findall(r"C\d|[bgrcmykw]", arg.value)]
            for kw in node.keywords:
                value = kw.value
                if kw.arg in COLOUR_KEYWORDS and isinstance(value, ast.Constant):
                    found.append(str(value.value))
                elif kw.arg in COLOUR_KEYWORDS and isinstance(value, ast.JoinedStr):
                    found.append(ast.unparse(value))  # f"C{k}"
                elif kw.arg == "cmap" and isinstance(value, ast.Constant):
                    found.append(f"cmap:{value.value}")
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            if node.value.attr == "cm" and node.attr[:1].islower():
                found.append(f"cmap:{node.attr}")
    return found


def allowed(choice):
    if choice.startswith("cmap:"):
        return choice[5:] in COLORMAPS
    colour = choice.removeprefix("fmt:")
    if colour in NEUTRALS:
        return True
    if re.fullmatch(r"C\d", colour):
        return int(colour[1:]) < N_COLOURS
    # f"C{k}": k counts lines of one figure; the figures that use it draw at most N_COLOURS
    return colour == "f'C{k}'"


def test_every_colour_the_lessons_name_is_checked_here():
    sources = list(lesson_sources())
    assert len(sources) > 200, "the lessons' code was not found"
    unchecked, seen = [], set()
    for where, source in sources:
        for choice in colour_choices(source):
            seen.add(choice)
            if not allowed(choice):
                unchecked.append(f"{where}: {choice}")
    assert not unchecked, (
        "colours not from the checked set (use a cycle colour C0–C4, black or a grey listed "
        "in this test, or viridis; or add the colour to the checks): " + "; ".join(unchecked)
    )
    assert {"C3", "0.75", "cmap:viridis", "fmt:k"} <= seen, "the scan finds nothing: broken"


def test_the_colour_scan_flags_a_colour_outside_the_set():
    source = 'ax.plot(x, y, "r--")\nax.plot(x, y, color="tab:orange")\nc = plt.cm.jet(0.5)'
    choices = colour_choices(source)
    assert choices and not any(map(allowed, choices)), choices
    assert not allowed("C7")
