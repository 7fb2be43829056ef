"""The first cell of every lesson: ``l2lessons.setup(lang=...)`` (plumbing).

It seeds the random number generators, sets one plot style and chooses the
language of figure labels. Chinese labels need a font with Chinese glyphs;
without one, labels fall back to English with one warning that says how to
install a font.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import random
import re
import sys
import warnings
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np

from .fonts import find_cjk_font

__all__ = [
    "LANGS",
    "environment_report",
    "label_language",
    "language",
    "seed_everything",
    "setup",
    "tr",
]

LANGS = ("en", "zh")

#: The colour cycle: Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2002) in
#: the hue order of matplotlib's default (blue, orange, green, red, purple), so ``"C3"`` stays
#: the reddish highlight. Its black is left out (the lessons draw reference curves in black) and
#: so is its yellow (1.3:1 against white). tests/test_plot_style.py checks that the first five,
#: the most one figure tells apart, stay distinct under simulated deuteranopia, protanopia and
#: tritanopia, and that matplotlib's default cycle does not.
COLOR_CYCLE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
)

STYLE = {
    "figure.figsize": (7.0, 3.6),  # fits a 1280x720 slide with room for a title
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "image.cmap": "viridis",
    "axes.prop_cycle": mpl.cycler(color=COLOR_CYCLE),
}

NO_FONT_WARNING = (
    "No font with Chinese glyphs was found, so figure labels are shown in English. "
    "Install one (`pip install noto-cjk-sans-otc`, a dependency of the course; or Debian/Ubuntu: "
    "`sudo apt install fonts-noto-cjk`; macOS and Windows include one) and restart the kernel. / "
    "未找到可显示中文的字体，图中标签暂用英文；请安装中文字体（`pip install noto-cjk-sans-otc`，"
    "或 Debian/Ubuntu：`sudo apt install fonts-noto-cjk`；macOS 和 Windows 自带中文字体）"
    "后重启内核。"
)

_state = {"lang": "en", "labels": "en", "font": None, "seed": None}
_warned = False


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy's global generator and, if imported, PyTorch."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}.")
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - seeds the legacy global generator on purpose
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.manual_seed(seed)


def setup(lang: str = "en", seed: int = 0) -> None:
    """Prepare a lesson notebook: seeds, plot style, label language and fonts.

    Parameters
    ----------
    lang : {"en", "zh"}
        Language of the notebook; figure labels made with :func:`tr` follow it.
    seed : int, default 0
        Seed for ``random``, NumPy and PyTorch (import torch before calling
        ``setup`` to have it seeded).

    Notes
    -----
    Sets ``KERAS_BACKEND=torch`` unless Keras is already imported: the course runs Keras 3
    on PyTorch, also where the environment says otherwise (Colab's default is TensorFlow).

    Warns
    -----
    UserWarning
        Once per session, when ``lang="zh"`` and no font can draw Chinese; labels
        then fall back to English.
    """
    global _warned
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}.")
    if "keras" not in sys.modules:  # Keras 3 reads its backend once, when first imported
        os.environ["KERAS_BACKEND"] = "torch"  # the course's (Colab's default is tensorflow)
    seed_everything(seed)
    mpl.rcParams.update(STYLE)
    font = find_cjk_font()
    families = ["DejaVu Sans"] + ([font] if font else [])
    mpl.rcParams["font.family"] = families
    mpl.rcParams["axes.unicode_minus"] = True  # DejaVu Sans has the real minus sign
    labels = lang
    if lang == "zh" and font is None:
        labels = "en"
        if not _warned:
            warnings.warn(NO_FONT_WARNING, UserWarning, stacklevel=2)
            _warned = True
    _state.update(lang=lang, labels=labels, font=font, seed=seed)


def language() -> str:
    """The notebook language given to :func:`setup` ("en" until it is called)."""
    return _state["lang"]


def label_language() -> str:
    """The language figure labels are drawn in (English when no Chinese font exists)."""
    return _state["labels"]


def tr(en: str, zh: str) -> str:
    """Pick a figure label: ``zh`` in a Chinese notebook with a Chinese font, else ``en``."""
    return zh if _state["labels"] == "zh" else en


@dataclass(frozen=True)
class EnvironmentReport:
    """What :func:`environment_report` found; ``ok`` is False if something is missing."""

    python: str
    packages: dict
    missing: tuple
    cjk_font: str | None

    @property
    def ok(self) -> bool:
        return not self.missing


#: Packages the lessons need, with the oldest version allowed (pyproject.toml's lower bounds,
#: tests/test_packaging.py checks). JupyterLab is not among them: Colab runs the lessons without.
REQUIRED = {
    "numpy": "1.24",
    "matplotlib": "3.7",
    "ipywidgets": "7.6",
    "scikit-learn": "1.3",
    "torch": "2.1",
    "keras": "3.0",
}


def _version_tuple(v: str) -> tuple:
    parts = []
    for p in v.split("+")[0].split("."):
        digits = re.match(r"\d*", p).group()  # leading digits: "0rc1" -> "0", not "01"
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def environment_report() -> EnvironmentReport:
    """Versions of the course's packages and the Chinese font, without importing them."""
    packages, missing = {}, []
    for name, minimum in REQUIRED.items():
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = None
        packages[name] = version
        if version is None or _version_tuple(version) < _version_tuple(minimum):
            missing.append(f"{name}>={minimum}")
    return EnvironmentReport(
        python=platform.python_version(),
        packages=packages,
        missing=tuple(missing),
        cjk_font=find_cjk_font(),
    )
