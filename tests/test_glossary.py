"""Tests of the bilingual glossary, and a check that the Chinese notebooks use its terms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from l2lessons import glossary, notebook
from l2lessons.glossary import lookup, table, terms

CJK = re.compile(r"[\u4e00-\u9fff]")
ZH_NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks" / "zh"


@pytest.fixture(autouse=True)
def _reset_notebook_state():
    saved = dict(notebook._state)
    yield
    notebook._state.clear()
    notebook._state.update(saved)


# --- the glossary itself ------------------------------------------------------------------


def test_glossary_is_not_empty_and_has_the_course_core_terms():
    assert len(terms()) >= 10
    assert lookup("regularization").zh == "正则化"
    assert lookup("weight decay").zh == "权重衰减"


def test_every_row_has_english_and_chinese():
    for t in terms():
        assert t.en and t.en == t.en.strip(), t
        assert t.zh and t.zh == t.zh.strip(), t
        assert not CJK.search(t.en), f"English term {t.en!r} contains Chinese"
        assert CJK.search(t.zh), f"{t.en!r}: Chinese term {t.zh!r} has no Chinese characters"


def test_tsv_rows_have_four_tab_separated_fields():
    lines = glossary.PATH.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["en", "zh", "avoid", "note"]
    for n, line in enumerate(lines[1:], start=2):
        assert line.count("\t") == 3, f"glossary.tsv line {n} has {line.count(chr(9))} tabs"
    assert len(lines) - 1 == len(terms())


def test_no_duplicate_terms():
    en = [t.en.lower() for t in terms()]  # lookup is case-insensitive, so compare lower-case
    zh = [t.zh for t in terms()]
    assert sorted({x for x in en if en.count(x) > 1}) == []
    assert sorted({x for x in zh if zh.count(x) > 1}) == []


def test_avoided_variants_are_chinese_and_never_a_chosen_term():
    chosen = {t.zh for t in terms()}
    for t in terms():
        assert len(set(t.avoid)) == len(t.avoid), t
        for v in t.avoid:
            assert v != t.zh, t
            assert v not in chosen, f"{v!r} is avoided for {t.en!r} but chosen for another term"
            assert CJK.search(v), f"avoided variant {v!r} of {t.en!r} has no Chinese"


def test_lookup_is_case_insensitive():
    assert lookup("Weight Decay") == lookup("weight decay") == lookup("WEIGHT DECAY")
    assert lookup("frobenius norm").en == "Frobenius norm"
    assert lookup("frobenius NORM").avoid == ("弗罗贝尼乌斯范数", "F范数")


@pytest.mark.parametrize("word", ["dropout", "", "weight  decay", "正则化"])
def test_lookup_unknown_term_raises(word):
    with pytest.raises(ValueError, match=r"is not in the glossary \(glossary\.tsv\); add it there"):
        lookup(word)


def test_table_zh_puts_chinese_first():
    md = table(["regularization", "Weight decay"], lang="zh")
    lines = str(md).splitlines()
    assert lines[0] == "| 中文 | English |"
    assert lines[1] == "|---|---|"
    assert lines[2:] == ["| 正则化 | regularization |", "| 权重衰减 | weight decay |"]
    assert md._repr_markdown_() == str(md)


def test_table_en_puts_english_first():
    lines = table(["overfitting"], lang="en").splitlines()
    assert lines == ["| English | 中文 |", "|---|---|", "| overfitting | 过拟合 |"]


def test_table_follows_notebook_language():
    notebook._state["lang"] = "zh"
    assert table(["norm"]).startswith("| 中文 |")
    notebook._state["lang"] = "en"
    assert table(["norm"]).startswith("| English |")


def test_table_errors():
    with pytest.raises(ValueError, match=r"^words is empty"):
        table([], lang="en")
    with pytest.raises(ValueError, match=r"'dropout' is not in the glossary"):
        table(["norm", "dropout"], lang="zh")


# --- the Chinese notebooks use the glossary's terms ---------------------------------------


def cell_texts(nb_path: Path) -> list[str]:
    """The source text of every cell of a notebook, in order."""
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    texts = []
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        texts.append("".join(source) if isinstance(source, list) else source)
    return texts


def avoided_in(text: str, entries) -> list[tuple[str, str]]:
    """``(variant, preferred)`` for every avoided variant that occurs in ``text``.

    An occurrence inside a chosen term does not count: "罚项" is avoided, but "惩罚项"
    (the chosen term for penalty term) contains it.
    """
    entries = tuple(entries)
    found = []
    for t in entries:
        for variant in t.avoid:
            masked = text
            for chosen in sorted({e.zh for e in entries}, key=len, reverse=True):
                if variant in chosen and variant != chosen:
                    masked = masked.replace(chosen, "□" * len(chosen))
            if variant in masked:
                found.append((variant, t.zh))
    return found


def scan_notebook(nb_path: Path, entries) -> list[str]:
    """One line per avoided variant found: file, cell index, variant and preferred term."""
    problems = []
    for i, text in enumerate(cell_texts(nb_path)):
        for variant, preferred in avoided_in(text, entries):
            problems.append(f"{nb_path.name} cell {i}: {variant!r} -> use {preferred!r}")
    return problems


def test_scanner_reports_avoided_terms_in_a_synthetic_notebook(tmp_path):
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# 正则化\n", "防止过拟合。"]},
            {"cell_type": "markdown", "metadata": {}, "source": "加入惩罚项可以减少过度拟合。"},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": ["# 计算权值矩阵的 F范数\n", "W = 1\n"],
            },
            {"cell_type": "markdown", "metadata": {}, "source": "加上罚项。"},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "01_synthetic.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    problems = scan_notebook(path, terms())
    # cell 0 is clean; "权值矩阵" is both an avoided term and contains the avoided "权值"
    assert problems == [
        "01_synthetic.ipynb cell 1: '过度拟合' -> use '过拟合'",
        "01_synthetic.ipynb cell 2: 'F范数' -> use 'Frobenius 范数'",
        "01_synthetic.ipynb cell 2: '权值' -> use '权重'",
        "01_synthetic.ipynb cell 2: '权值矩阵' -> use '权重矩阵'",
        "01_synthetic.ipynb cell 3: '罚项' -> use '惩罚项'",
    ]


def test_scanner_ignores_a_variant_inside_a_chosen_term():
    # "惩罚项" is the chosen term and contains the avoided "罚项"
    assert avoided_in("损失加上惩罚项。", terms()) == []
    assert avoided_in("损失加上罚项。", terms()) == [("罚项", "惩罚项")]
    assert avoided_in("惩罚项与罚项", terms()) == [("罚项", "惩罚项")]


def zh_notebooks() -> list[Path]:
    return sorted(ZH_NOTEBOOKS.glob("*.ipynb"))


def test_zh_notebooks_use_glossary_terms():
    problems = []
    for path in zh_notebooks():
        problems += scan_notebook(path, terms())
    assert not problems, "Chinese notebooks use avoided terms:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("en", "zh"),
    [
        ("penalty strength", "正则化强度"),
        ("generalization", "泛化"),
        ("slider", "滑块"),
        ("scrubber", "拖动条"),
        ("lasso", "套索回归"),
        ("logits", "未归一化输出"),
        ("epoch", "轮"),
        ("step (of an optimizer)", "步"),
        ("mini-batch", "小批量"),
        ("seed document", "种子文档"),
        ("bug", "错误"),
        ("component (of a vector)", "分量"),
    ],
)
def test_the_terms_the_chinese_review_settled_stay(en, zh):
    """Part (c) of the Chinese review: one Chinese term for each of these, kept here."""
    assert lookup(en).zh == zh
