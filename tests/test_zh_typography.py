"""The Chinese edition's typography stays clean: tools/zh_lint.py finds nothing.

Each Chinese notebook (markdown, printed outputs, Chinese string literals), the Chinese docs
and the package's Chinese strings are checked for the patterns of the Chinese review, part (d).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import zh_lint

ROOT = Path(__file__).resolve().parents[1]
ZH = sorted((ROOT / "notebooks" / "zh").glob("*.ipynb"))
DOCS = [ROOT / "README.zh-CN.md", *sorted((ROOT / "docs").glob("*.zh-CN.md"))]


def _report(findings) -> str:
    return "\n".join(f"{name}  {where}: {excerpt}" for name, where, excerpt in findings)


@pytest.mark.parametrize("path", ZH, ids=[p.stem for p in ZH])
def test_chinese_notebook_typography(path):
    findings = zh_lint.lint_notebook(path)
    assert not findings, _report(findings)


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_chinese_docs_typography(path):
    findings = zh_lint.lint_docs(path)
    assert not findings, _report(findings)


def test_package_chinese_strings_typography():
    findings = [
        f for p in sorted((ROOT / "l2lessons").glob("*.py")) for f in zh_lint.lint_python(p)
    ]
    assert not findings, _report(findings)


@pytest.mark.parametrize(
    ("pattern", "bad", "good"),
    [
        ("space_after_full_width", "**运行**： 按 Shift", "**运行**：按 Shift"),
        ("space_after_full_width", "平方和： 15.25", "平方和：15.25"),
        ("space_before_full_width", "惩罚偏置 True ：预测", "惩罚偏置 True：预测"),
        ("italic_chinese", "种子文档的*代码*没错", "种子文档的**代码**没错"),
        ("single_or_en_dash", "偏差–方差", "偏差-方差"),
        ("single_or_en_dash", "PyTorch — 课程地图", "PyTorch——课程地图"),
        ("ascii_quotes", '见 "Ridge regression" 一文', "见 Ridge regression 一文"),
        ("thousands", "大约 4 700 步", "大约 4700 步"),
        ("thousands", "共 1,257 张", "共 70,000 张"),
        ("half_width_colon", "Adam+L2 崩溃: True", "Adam+L2 崩溃：True"),
        ("half_width_colon", "λ = 1e-08: 太小", "λ = 1e-08：太小"),
        ("two_colons", "与手动 λ = 0.01：权重相同：False", "形状：(81, 12)   一致：True"),
    ],
)
def test_each_pattern_catches_its_example_and_spares_the_fix(pattern, bad, good):
    regex = zh_lint.PATTERNS[pattern][1]
    assert regex.search(bad), bad
    assert not regex.search(good), good


def test_bold_after_full_width_punctuation_is_caught_where_markdown_leaves_it_unrendered():
    """CommonMark: a closing ** after punctuation needs a space or punctuation after it."""
    assert zh_lint.unrendered_emphasis("**运行：**按 Shift")
    assert zh_lint.unrendered_emphasis("（**套索回归（lasso）**所用")
    assert not zh_lint.unrendered_emphasis("**运行**：按 Shift")
    assert not zh_lint.unrendered_emphasis("**结论。**$x$ 与 **平方** 的和")  # math follows
    assert not zh_lint.unrendered_emphasis("`a**b` 和 $a*b$")


def test_line_breaks_inside_chinese_sentences_are_caught():
    """Markdown renders a line break as a space; Chinese prose must not get one."""
    assert zh_lint.soft_breaks("第一句话，\n第二句话。")
    assert zh_lint.soft_breaks("所以惩罚项是 0.1525。\n$x$ 是权重。")
    assert not zh_lint.soft_breaks("### 标题\n正文。")
    assert not zh_lint.soft_breaks("正文：\n\n- 列表项\n- 第二项")
    assert not zh_lint.soft_breaks("正文：\n$$x^2$$\n之后。")
    assert not zh_lint.soft_breaks("权重 w 的\n$x$ 分量")  # a space before math is right


def test_code_and_math_are_not_prose():
    assert not zh_lint.PATTERNS["italic_chinese"][1].search(zh_lint.prose("$a*b$ 和 `x*y` 中文"))
    assert zh_lint.prose("见 [第 3 课](03_ridge.ipynb)。") == "见 [第 3 课]。"
