"""Tests of the first cell of every lesson, ``setup``, and of the Chinese font lookup."""

from __future__ import annotations

import random
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.ft2font import FT2Font  # noqa: E402

from l2lessons import fonts, notebook  # noqa: E402
from l2lessons.notebook import environment_report, setup, tr  # noqa: E402

TITLE = "L2 正则化：权重衰减与过拟合"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _restore_state():
    """Each test starts from, and leaves behind, the same rcParams and notebook state."""
    saved_state = dict(notebook._state)
    saved_warned = notebook._warned
    with matplotlib.rc_context():
        yield
    plt.close("all")
    notebook._state.clear()
    notebook._state.update(saved_state)
    notebook._warned = saved_warned


def charmap_of(path: str) -> dict:
    return FT2Font(path).get_charmap()


def file_draws(path: str, text: str) -> bool:
    """Independent glyph check: every non-space character of ``text`` is in the font's charmap."""
    cmap = charmap_of(path)
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


def render(title: str, xlabel: str = "λ") -> list[str]:
    """Draw a figure with Agg and return the messages of all warnings raised while drawing."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0], label="训练集")
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.legend()
        fig.canvas.draw()
        plt.close(fig)
    return [str(w.message) for w in caught]


# --- Chinese figures ------------------------------------------------------------------------


def test_setup_zh_picks_a_font_with_chinese_glyphs():
    setup(lang="zh")
    font = notebook._state["font"]
    assert font is not None
    assert notebook.label_language() == "zh"
    assert font in matplotlib.rcParams["font.family"]
    path = font_manager.findfont(
        font_manager.FontProperties(family=font), fallback_to_default=False
    )
    assert file_draws(path, TITLE + fonts.SAMPLE)


def test_chinese_title_renders_without_missing_glyph_warnings():
    setup(lang="zh")
    messages = render(TITLE, xlabel=tr("penalty strength λ", "正则化强度 λ"))
    assert not [m for m in messages if "missing" in m.lower()], messages


def test_without_setup_the_same_figure_does_warn_about_missing_glyphs():
    """Control for the test above: the warning capture really sees missing glyphs."""
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    messages = render(TITLE)
    assert any("missing" in m.lower() for m in messages), messages


def test_minus_sign_and_greek_render_cleanly():
    setup(lang="zh")
    messages = render("−0.5 ≤ w ≤ 0.5, λ‖W‖²", xlabel="权重 w")
    assert not [m for m in messages if "missing" in m.lower()], messages


def test_setup_applies_the_plot_style():
    setup(lang="en")
    for key, value in notebook.STYLE.items():
        got = matplotlib.rcParams[key]
        if isinstance(value, tuple):
            assert tuple(got) == pytest.approx(value), key
        else:
            assert got == value, key
    assert matplotlib.rcParams["font.family"][0] == "DejaVu Sans"


def test_rcparams_are_restored_between_tests():
    # the autouse fixture must undo what setup() does; the default figsize is not the course's
    assert tuple(matplotlib.rcParams["figure.figsize"]) == tuple(
        matplotlib.rcParamsDefault["figure.figsize"]
    )


# --- language -------------------------------------------------------------------------------


def test_tr_follows_language():
    setup(lang="zh")
    assert notebook.language() == "zh"
    assert tr("weight", "权重") == "权重"
    setup(lang="en")
    assert notebook.language() == "en"
    assert notebook.label_language() == "en"
    assert tr("weight", "权重") == "weight"


@pytest.mark.parametrize("lang", ["fr", "ZH", "", None, "zh-CN"])
def test_invalid_lang_raises(lang):
    with pytest.raises(ValueError, match=r"^lang must be one of \('en', 'zh'\), got "):
        setup(lang=lang)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "3", None])
def test_invalid_seed_raises(seed):
    with pytest.raises(ValueError, match=r"^seed must be a non-negative integer, got "):
        setup(seed=seed)


# --- seeds ----------------------------------------------------------------------------------


def draw_all():
    return (
        np.random.rand(4).tolist(),  # noqa: NPY002 - the legacy global generator is what is seeded
        [random.random() for _ in range(4)],
        torch.rand(4).tolist(),
    )


def test_setup_seeds_numpy_random_and_torch():
    setup(seed=3)
    first = draw_all()
    setup(seed=3)
    second = draw_all()
    assert first == second
    setup(seed=4)
    third = draw_all()
    for a, b in zip(first, third, strict=True):
        assert a != b  # a different seed gives different numbers in every generator
    assert notebook._state["seed"] == 4


def test_seed_matches_the_libraries_own_seeding():
    setup(seed=3)
    got = draw_all()
    np.random.seed(3)  # noqa: NPY002
    random.seed(3)
    torch.manual_seed(3)
    assert got == draw_all()


# --- no Chinese font -----------------------------------------------------------------------


def test_no_font_falls_back_to_english_with_one_warning(monkeypatch):
    monkeypatch.setattr(notebook, "find_cjk_font", lambda: None)
    monkeypatch.setattr(notebook, "_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        setup(lang="zh")
        setup(lang="zh")
    user = [w for w in caught if issubclass(w.category, UserWarning)]
    assert len(user) == 1, [str(w.message) for w in caught]
    assert "fonts-noto-cjk" in str(user[0].message)
    assert notebook.language() == "zh"
    assert notebook.label_language() == "en"
    assert tr("weight", "权重") == "weight"
    assert matplotlib.rcParams["font.family"] == ["DejaVu Sans"]


def test_no_font_does_not_warn_for_english(monkeypatch):
    monkeypatch.setattr(notebook, "find_cjk_font", lambda: None)
    monkeypatch.setattr(notebook, "_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        setup(lang="en")
    assert not [w for w in caught if issubclass(w.category, UserWarning)]


# --- environment report -------------------------------------------------------------------


def test_environment_report_ok_here():
    report = environment_report()
    assert report.ok, report.missing
    assert report.missing == ()
    assert set(report.packages) == set(notebook.REQUIRED)
    assert report.packages["numpy"] == np.__version__
    assert report.packages["torch"].split("+")[0] == torch.__version__.split("+")[0]
    assert report.cjk_font is not None


def test_environment_report_names_a_missing_package(monkeypatch):
    fake = "l2lessons-no-such-package-xyz"
    monkeypatch.setattr(notebook, "REQUIRED", {"numpy": "1.24", fake: "1.0"})
    report = environment_report()
    assert not report.ok
    assert report.missing == (f"{fake}>=1.0",)
    assert report.packages[fake] is None


def test_environment_report_flags_a_too_old_package(monkeypatch):
    monkeypatch.setattr(notebook, "REQUIRED", {"numpy": "999.0"})
    report = environment_report()
    assert not report.ok
    assert report.missing == ("numpy>=999.0",)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("2.13.0+cpu", (2, 13, 0)),
        ("1.24", (1, 24)),
        ("4.0.0rc1", (4, 0, 0)),
        ("1.2rc3", (1, 2)),
        ("8.1.dev0", (8, 1)),
    ],
)
def test_version_tuple(version, expected):
    assert notebook._version_tuple(version) == expected


def test_prerelease_below_the_minimum_is_reported(monkeypatch):
    # "1.2rc3" is older than 1.3; reading its digits as "23" would wrongly pass it
    monkeypatch.setattr(notebook, "REQUIRED", {"scikit-learn": "1.3"})
    monkeypatch.setattr(notebook.importlib.metadata, "version", lambda name: "1.2rc3")
    assert environment_report().missing == ("scikit-learn>=1.3",)


# --- fonts ----------------------------------------------------------------------------------


def test_font_covers_false_for_dejavu_true_for_noto_cjk():
    fonts.find_cjk_font()  # registers Noto Sans CJK SC: the system's, or else the PyPI package's
    dejavu = font_manager.findfont("DejaVu Sans")
    assert dejavu.endswith("DejaVuSans.ttf")
    assert not fonts.font_covers(dejavu, fonts.SAMPLE)
    assert not fonts.font_covers(dejavu, "正则化")
    assert fonts.font_covers(dejavu, "Weight decay")  # Latin is there

    noto = font_manager.findfont(
        font_manager.FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False
    )
    assert "NotoSansCJK" in noto
    assert file_draws(noto, fonts.SAMPLE)  # independent check of the same claim
    assert fonts.font_covers(noto, fonts.SAMPLE)
    assert fonts.font_covers(noto, TITLE.replace(" ", ""))


def test_font_covers_is_false_for_unreadable_file(tmp_path):
    bogus = tmp_path / "not-a-font.ttf"
    bogus.write_bytes(b"this is not a font")
    assert fonts.font_covers(str(bogus)) is False


def test_find_cjk_font_returns_a_covering_family():
    fonts.find_cjk_font.cache_clear()
    try:
        family = fonts.find_cjk_font()
        assert family is not None
        paths = [e.fname for e in font_manager.fontManager.ttflist if e.name == family]
        assert paths and all(file_draws(p, fonts.SAMPLE) for p in paths)
    finally:
        fonts.find_cjk_font.cache_clear()


def system_cjk_fonts() -> list[str]:
    """CJK font files in the system font folders (not the PyPI package's)."""
    return [
        str(p)
        for d in fonts._font_dirs()
        for p in d.rglob("*")
        if p.suffix.lower() in {".ttf", ".otf", ".ttc"}
        and any(h in p.name.lower() for h in fonts._NAME_HINTS)
        and file_draws(str(p), "正则化")
    ]


needs_system_font = pytest.mark.skipif(
    not system_cjk_fonts(),
    reason="no system CJK font here (Debian/Ubuntu: apt-get install fonts-noto-cjk); "
    "the PyPI font is tested on its own below",
)


@pytest.fixture
def stale_font_cache(monkeypatch):
    """matplotlib's font list as if its cache predated the CJK fonts (restored afterwards)."""
    ttflist = font_manager.fontManager.ttflist
    without_cjk = [e for e in ttflist if not file_draws(e.fname, "正则化")]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", list(without_cjk))
    fonts.find_cjk_font.cache_clear()
    yield without_cjk
    fonts.find_cjk_font.cache_clear()


@needs_system_font
def test_find_cjk_font_scans_system_folders_when_cache_is_stale(stale_font_cache):
    names_before = {e.name for e in stale_font_cache}
    family = fonts.find_cjk_font()
    assert family is not None
    assert family not in names_before  # it had to be registered by scanning the folders
    added = [e for e in font_manager.fontManager.ttflist if e.name == family]
    assert added and all(file_draws(e.fname, fonts.SAMPLE) for e in added)
    assert family in fonts.PREFERRED  # fonts-noto-cjk provides preferred families
    assert all(e.fname != fonts.pypi_font_path() for e in added)  # a system font wins


def test_without_any_system_font_the_pypi_font_draws_chinese(stale_font_cache, monkeypatch):
    """A bare machine: no CJK font in the system folders, none in matplotlib's cache."""
    monkeypatch.setattr(fonts, "_font_dirs", lambda: [])
    path = fonts.pypi_font_path()
    assert path is not None, "noto-cjk-sans-otc is a dependency of the course"
    assert fonts.find_cjk_font() == fonts.PYPI_FAMILY
    registered = [e for e in font_manager.fontManager.ttflist if e.name == fonts.PYPI_FAMILY]
    assert [e.fname for e in registered] == [path] and file_draws(path, fonts.SAMPLE)
    setup(lang="zh")
    assert notebook.label_language() == "zh"
    messages = render(TITLE, xlabel=tr("penalty strength λ", "正则化强度 λ"))
    assert not [m for m in messages if "missing" in m.lower()], messages
