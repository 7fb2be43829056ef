"""Find a font that can draw Chinese in matplotlib figures (plumbing).

A system font wins when there is one. matplotlib keeps a font cache in the user's home
folder that can predate a font installed later; so besides the fonts matplotlib already
knows, this module looks in the usual system font folders and registers what it finds.
Without any system CJK font (a bare Linux, Colab), it registers the Noto Sans CJK
collection that the PyPI package ``noto-cjk-sans-otc`` (a dependency of the course,
OFL-1.1) installs, so Chinese labels need nothing but pip.
"""

from __future__ import annotations

import os
import sys
from functools import cache, lru_cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

__all__ = ["PYPI_FAMILY", "SAMPLE", "find_cjk_font", "font_covers", "pypi_font_path"]

#: The family of the PyPI font's collection drawn for Simplified Chinese (its first face is HK).
PYPI_FAMILY = "Noto Sans CJK SC"

#: Characters a usable font must draw (common words of the course).
SAMPLE = "正则化权重衰减范数过拟合梯度下降岭回归损失函数"

#: Families tried first, best first. Any other family with the glyphs is accepted after these.
PREFERRED = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
)

_NAME_HINTS = (
    "cjk",
    "wqy",
    "wenquanyi",
    "sourcehan",
    "han sans",
    "pingfang",
    "hiragino",
    "msyh",
    "yahei",
    "heiti",
    "simsun",
    "notosanssc",
    "notoserifsc",
    "droidsansfallback",
)


def _font_dirs() -> list[Path]:
    home = Path.home()
    dirs = [home / ".local/share/fonts", home / ".fonts"]
    if sys.platform == "darwin":
        dirs += [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library/Fonts"]
    elif sys.platform.startswith("win"):
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs += [
            Path(windir) / "Fonts",
            Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft/Windows/Fonts",
        ]
    else:
        dirs += [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
    conda = os.environ.get("CONDA_PREFIX")
    if conda:
        dirs.append(Path(conda) / "fonts")
    return [d for d in dirs if d.is_dir()]


@cache
def font_covers(path: str, text: str = SAMPLE) -> bool:
    """True if the font file at ``path`` has a glyph for every character of ``text``."""
    try:
        charmap = FT2Font(path).get_charmap()
    except Exception:  # unreadable or unsupported file
        return False
    return all(ord(ch) in charmap for ch in text)


def _usable(entry) -> bool:
    return "lastresort" not in Path(entry.fname).name.lower() and font_covers(entry.fname)


def _pick(entries):
    usable = [e for e in entries if _usable(e)]
    for family in PREFERRED:
        for e in usable:
            if e.name == family:
                return e.name
    return usable[0].name if usable else None


def _register_system_fonts() -> None:
    """Add CJK-looking font files that matplotlib's (possibly stale) cache does not list."""
    known = {e.fname for e in font_manager.fontManager.ttflist}
    for folder in _font_dirs():
        for path in folder.rglob("*"):
            if path.suffix.lower() not in {".ttf", ".otf", ".ttc"}:
                continue
            if str(path) in known or not any(h in path.name.lower() for h in _NAME_HINTS):
                continue
            if font_covers(str(path)):
                try:
                    font_manager.fontManager.addfont(str(path))
                except Exception:  # pragma: no cover - a broken file is simply skipped
                    continue


def pypi_font_path() -> str | None:
    """Path of the Noto Sans CJK collection of the ``noto-cjk-sans-otc`` package, if installed."""
    try:
        from noto_cjk_sans_otc import FONT_PATH
    except ImportError:
        return None
    path = str(FONT_PATH)
    return path if Path(path).is_file() else None


def _register_pypi_font() -> str | None:
    path = pypi_font_path()
    if path is None or not font_covers(path):
        return None
    if path not in {e.fname for e in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)  # every face of the collection
    names = {e.name for e in font_manager.fontManager.ttflist if e.fname == path}
    return PYPI_FAMILY if PYPI_FAMILY in names else None


def _system_font() -> str | None:
    ttflist = [e for e in font_manager.fontManager.ttflist if e.fname != pypi_font_path()]
    found = _pick([e for e in ttflist if e.name in PREFERRED])
    if found:
        return found
    _register_system_fonts()
    return _pick([e for e in font_manager.fontManager.ttflist if e.fname != pypi_font_path()])


@lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """Name of a font family that draws Chinese, or None when there is none.

    A system font first: checks real glyph coverage (not font names), skips matplotlib's
    bundled "Last Resort" font, and registers fonts from the system folders that
    matplotlib's cache missed. Else the font of the ``noto-cjk-sans-otc`` package
    (registered with matplotlib, family :data:`PYPI_FAMILY`).
    """
    return _system_font() or _register_pypi_font()
