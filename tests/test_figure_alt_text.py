"""Every figure has a text alternative in its notebook's language (for the website).

MyST-NB puts a code cell's ``metadata["mystnb"]["image"]["alt"]`` into the ``<img alt>`` of
its image outputs; the scrubbers write their own ``alt`` into their HTML. An alt text says
what the figure shows and what to notice, in one or two sentences of the page's language:
English without Chinese characters, Chinese with no English sentence in it and with the
Chinese edition's typography (tools/zh_lint.py's patterns for prose).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import zh_lint

ROOT = Path(__file__).resolve().parents[1]
PATHS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
IDS = [f"{p.parent.name}/{p.name}" for p in PATHS]
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'-]+[A-Za-z]{2,}){3,}")  # four words in a row
MIN_WORDS, MAX_WORDS = 15, 90  # English alt texts
MIN_CJK, MAX_CHARS = 30, 220  # Chinese alt texts: Chinese characters, all characters
ZH_PROSE = [n for n in zh_lint.MARKDOWN if zh_lint.PATTERNS[n][1] is not None]
IMG_ALT = re.compile(r"<img\b[^>]*?\balt=\"([^\"]*)\"", re.S)


def figure_cells(nb):
    """(index, cell) of each code cell with a PNG output."""
    return [
        (i, c)
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and any("image/png" in o.get("data", {}) for o in c.outputs)
    ]


def alt_of(cell):
    alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
    return alt if isinstance(alt, str) else None


def language_problems(alt: str, lang: str) -> list[str]:
    """What is wrong with ``alt`` as a text alternative in ``lang`` (empty: nothing)."""
    problems = []
    if lang == "en":
        if CJK.search(alt):
            problems.append("Chinese characters in an English alt text")
        words = len(re.findall(r"[A-Za-z]+", alt))
        if not MIN_WORDS <= words <= MAX_WORDS:
            problems.append(f"{words} words, want {MIN_WORDS} to {MAX_WORDS}")
    else:
        chinese = len(CJK.findall(alt))
        if chinese < MIN_CJK:
            problems.append(f"{chinese} Chinese characters, want at least {MIN_CJK}")
        if len(alt) > MAX_CHARS:
            problems.append(f"{len(alt)} characters, want at most {MAX_CHARS}")
        english = ENGLISH_RUN.search(alt)
        if english:
            problems.append(f"an English sentence: {english.group()!r}")
        for name in ZH_PROSE:
            found = zh_lint.PATTERNS[name][1].search(zh_lint.prose(alt))
            if found:
                problems.append(f"{name}: {found.group()!r}")
    return problems


def alt_problems(nb, lang: str) -> list[str]:
    """Every problem with the figures' alt texts in notebook ``nb`` of language ``lang``."""
    problems, seen = [], {}
    for i, cell in figure_cells(nb):
        alt = alt_of(cell)
        if not alt or not alt.strip():
            problems.append(f"cell {i}: figure without metadata mystnb.image.alt")
            continue
        problems += [f"cell {i}: {p}" for p in language_problems(alt, lang)]
        if alt.strip() in cell.source:
            problems.append(f"cell {i}: the alt text is copied from the cell's source")
        if alt in seen:
            problems.append(f"cell {i}: same alt text as cell {seen[alt]}")
        seen.setdefault(alt, i)
    for i, cell in enumerate(nb.cells):  # scrubbers: their <img alt> is in their HTML
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            html = str(output.get("data", {}).get("text/html", ""))
            if "<img" in html and len(IMG_ALT.findall(html)) < html.count("<img"):
                problems.append(f"cell {i}: an <img> in the HTML output without alt")
            for alt in IMG_ALT.findall(html):
                if not alt.strip():
                    problems.append(f"cell {i}: an <img> with an empty alt")
                elif (lang == "zh") != bool(CJK.search(alt)):
                    problems.append(
                        f"cell {i}: scrubber alt {alt!r} not in the notebook's language"
                    )
    return problems


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_figure_has_alt_text_in_the_notebooks_language(path):
    nb = nbformat.read(path, as_version=4)
    problems = alt_problems(nb, path.parent.name)
    assert not problems, f"{path.parent.name}/{path.name}:\n" + "\n".join(problems)


def test_the_notebooks_have_figures():
    counts = {p.parent.name: 0 for p in PATHS}
    for p in PATHS:
        counts[p.parent.name] += len(figure_cells(nbformat.read(p, as_version=4)))
    assert counts["en"] == counts["zh"] >= 20, counts


@pytest.mark.parametrize(
    "name", sorted({p.name for p in PATHS if (p.parents[1] / "zh" / p.name).exists()})
)
def test_both_languages_describe_the_same_figures_differently(name):
    en, zh = (
        nbformat.read(ROOT / "notebooks" / lang / name, as_version=4) for lang in ("en", "zh")
    )
    en_figures, zh_figures = figure_cells(en), figure_cells(zh)
    assert [i for i, _ in en_figures] == [i for i, _ in zh_figures], "figures in other cells"
    for (i, e), (_, z) in zip(en_figures, zh_figures, strict=True):
        assert alt_of(e) is None or alt_of(e) != alt_of(z), f"cell {i}: the same alt text twice"


# ------------------------------------------------------- the checks can fail


def notebook_with(alts, sources=None):
    nb = nbformat.v4.new_notebook()
    for k, alt in enumerate(alts):
        source = (sources or {}).get(k, f"plt.plot(x{k}, y)")
        cell = nbformat.v4.new_code_cell(source)
        cell.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"})]
        if alt is not None:
            cell.metadata["mystnb"] = {"image": {"alt": alt}}
        nb.cells.append(cell)
    return nb


GOOD_EN = (
    "Training and test accuracy against λ on a log axis; the test accuracy peaks at λ = 0.001 "
    "and both fall at large λ."
)
GOOD_ZH = (
    "训练集和测试集准确率随 λ（对数坐标）的变化：测试集准确率在 λ = 0.001 处最高，"
    "λ 再大，两种准确率都下降。"
)


@pytest.mark.parametrize("lang, good", [("en", GOOD_EN), ("zh", GOOD_ZH)])
def test_a_good_alt_text_passes(lang, good):
    assert alt_problems(notebook_with([good]), lang) == []


@pytest.mark.parametrize(
    "lang, alts, expected",
    [
        ("en", [None], "without metadata"),
        ("en", [""], "without metadata"),
        ("en", ["A plot."], "words"),
        ("en", [GOOD_EN + " 准确率"], "Chinese characters"),
        ("en", [GOOD_EN, GOOD_EN], "same alt text"),
        ("zh", [GOOD_EN], "Chinese characters"),
        ("zh", ["准确率的变化"], "Chinese characters"),
        ("zh", [GOOD_ZH + "The test accuracy falls at large λ."], "English sentence"),
        ("zh", [GOOD_ZH.replace("：", "： ")], "space_after_full_width"),
        ("zh", [GOOD_ZH.replace("，", "—", 1)], "single_or_en_dash"),
    ],
)
def test_a_bad_alt_text_is_reported(lang, alts, expected):
    problems = alt_problems(notebook_with(alts), lang)
    assert any(expected in p for p in problems), problems


def test_an_alt_text_copied_from_the_code_is_reported():
    source = f'ax.set_title("{GOOD_EN}")'
    problems = alt_problems(notebook_with([GOOD_EN], {0: source}), "en")
    assert any("copied" in p for p in problems), problems


def test_a_scrubber_alt_in_the_wrong_language_is_reported():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("frames.scrubber()")
    html = '<div><img src="data:image/png;base64,iVBOR" alt="The penalty as λ changes"></div>'
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": html})]
    nb.cells.append(cell)
    assert alt_problems(nb, "en") == []
    assert any("language" in p for p in alt_problems(nb, "zh"))
    cell.outputs[0]["data"]["text/html"] = html.replace(' alt="The penalty as λ changes"', "")
    assert any("without alt" in p for p in alt_problems(nb, "en"))
