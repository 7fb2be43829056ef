"""Tests of tools/check_bilingual.py, the en/zh notebook step checker."""

from __future__ import annotations

from pathlib import Path

import check_bilingual
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

REPO_ROOT = Path(__file__).resolve().parents[1]
CHECKER_PATH = REPO_ROOT / "tools" / "check_bilingual.py"


EN_SETUP = """\
%matplotlib inline
import numpy as np  # arrays

lam = 0.1  # regularization strength
print(f"lambda = {lam:.2f}")
"""

ZH_SETUP = """\
%matplotlib inline
import numpy as np  # 数组计算，这条中文注释比英文注释长得多

# 正则化强度
# （注释拆成了两行）
lam = 0.1
print(f"正则化系数 λ = {lam:.3f}")
"""

EN_LOSS = """\
def penalized_loss(w, X, y, lam):
    # mean squared error plus the L2 penalty
    residual = X @ w - y
    print("loss")
    return residual @ residual / len(y) + lam * w @ w
"""

ZH_LOSS = """\
def penalized_loss(w, X, y, lam):
    # 均方误差
    # 加上 L2 惩罚项
    residual = X @ w - y
    print("损失"
          "函数")
    return residual @ residual / len(y) + lam * w @ w
"""

EN_PLOT = 'plt.plot(x, y, label="train");  # hide the return value\n'
ZH_PLOT = 'plt.plot(x, y, label="训练集");\n'


def make_pair():
    """Return an (en, zh) pair of notebooks that are in step."""
    en_nb = new_notebook(
        cells=[
            new_markdown_cell(
                "# L2 regularization", metadata={"slideshow": {"slide_type": "slide"}}
            ),
            new_code_cell(EN_SETUP, metadata={"tags": ["setup", "hide-input"]}),
            new_markdown_cell("The penalty is $\\lambda \\|w\\|^2$."),
            new_code_cell(EN_LOSS, metadata={"jupyter": {"source_hidden": True}}),
            new_code_cell(EN_PLOT, metadata={"slideshow": {"slide_type": "fragment"}}),
            new_raw_cell("raw text"),
        ]
    )
    zh_nb = new_notebook(
        cells=[
            new_markdown_cell("# L2 正则化", metadata={"slideshow": {"slide_type": "slide"}}),
            new_code_cell(ZH_SETUP, metadata={"tags": ["hide-input", "setup"]}),
            new_markdown_cell("惩罚项是 $\\lambda \\|w\\|^2$。"),
            new_code_cell(ZH_LOSS, metadata={"jupyter": {"source_hidden": True}}),
            new_code_cell(ZH_PLOT, metadata={"slideshow": {"slide_type": "fragment"}}),
            new_raw_cell("原始文本"),
        ]
    )
    return en_nb, zh_nb


@pytest.fixture
def pair():
    """A good en/zh notebook pair."""
    return make_pair()


def write_tree(root: Path, en_names, zh_names) -> Path:
    """Write good notebook pairs under root/en and root/zh with the given names."""
    en_nb, zh_nb = make_pair()
    for folder, names, notebook in (("en", en_names, en_nb), ("zh", zh_names, zh_nb)):
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name in names:
            nbformat.write(notebook, root / folder / name)
    return root


# ----------------------------------------------------------------------------
# Pairs in step
# ----------------------------------------------------------------------------


def test_good_pair_has_no_problems(pair):
    assert check_bilingual.check_pair(*pair) == []


@pytest.mark.parametrize(
    ("en_source", "zh_source"),
    [
        ("x = 1  # one\n", "x = 1  # 一，这是一个更长的中文注释\n"),
        ("x = 1  # one\n", "# 第一行\n# 第二行\nx = 1\n"),
        ('name = "ridge"\n', "name = '岭回归'\n"),
        ('msg = f"w = {w}"\n', 'msg = f"权重 {w:.3f} ({len(w)} 个)"\n'),
        ('print("a")\n', 'print("甲"\n      "乙")\n'),
        ("if ok:\n    y = 2\n", "if ok:\n  # 缩进宽度不同\n  y = 2\n"),
        ("x = (1,\n", "x = (1,  # 无法分词时去掉注释再比较\n"),
    ],
    ids=["longer-comment", "split-comment", "string", "f-string", "concat", "indent", "untok"],
)
def test_code_differences_that_do_not_count(en_source, zh_source):
    assert check_bilingual.compare_code(en_source, zh_source) is None


def test_outputs_are_not_compared(pair):
    en_nb, zh_nb = pair
    en_nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="hello\n")]
    assert check_bilingual.check_pair(en_nb, zh_nb) == []


# ----------------------------------------------------------------------------
# Drift in a pair
# ----------------------------------------------------------------------------


def test_cell_count_difference_is_reported(pair):
    en_nb, zh_nb = pair
    zh_nb.cells.append(new_markdown_cell("多出来的单元格"))
    assert check_bilingual.check_pair(en_nb, zh_nb, name="01.ipynb") == [
        "01.ipynb: cell count differs: en has 6, zh has 7"
    ]


def test_cell_type_drift_reports_first_mismatch_only(pair):
    en_nb, zh_nb = pair
    zh_nb.cells[2], zh_nb.cells[3] = zh_nb.cells[3], zh_nb.cells[2]
    problems = check_bilingual.check_pair(en_nb, zh_nb)
    assert problems == [
        "cell 3: cell type differs: en markdown, zh code "
        "(cells out of order; later cells not compared)"
    ]


def test_raw_cell_is_compared_by_type(pair):
    en_nb, zh_nb = pair
    zh_nb.cells[5] = new_markdown_cell("原始文本")
    problems = check_bilingual.check_pair(en_nb, zh_nb)
    assert len(problems) == 1
    assert problems[0].startswith("cell 6: cell type differs: en raw, zh markdown")


def test_tag_difference_is_reported(pair):
    en_nb, zh_nb = pair
    zh_nb.cells[1].metadata["tags"] = ["setup"]
    assert check_bilingual.check_pair(en_nb, zh_nb) == [
        "cell 2: tags differ: en ['hide-input', 'setup'], zh ['setup']"
    ]


@pytest.mark.parametrize(
    ("key", "index", "zh_value", "expected"),
    [
        (
            "slideshow",
            0,
            {"slide_type": "subslide"},
            "cell 1: slideshow metadata differs: "
            "en {'slide_type': 'slide'}, zh {'slide_type': 'subslide'}",
        ),
        (
            "slideshow",
            4,
            None,
            "cell 5: slideshow metadata differs: en {'slide_type': 'fragment'}, zh (none)",
        ),
        (
            "jupyter",
            3,
            None,
            "cell 4: jupyter metadata differs: en {'source_hidden': True}, zh (none)",
        ),
        (
            "jupyter",
            2,
            {"source_hidden": True},
            "cell 3: jupyter metadata differs: en (none), zh {'source_hidden': True}",
        ),
    ],
    ids=["slide-changed", "slide-missing", "jupyter-missing", "jupyter-extra"],
)
def test_metadata_difference_is_reported(pair, key, index, zh_value, expected):
    en_nb, zh_nb = pair
    metadata = zh_nb.cells[index].metadata
    if zh_value is None:
        del metadata[key]
    else:
        metadata[key] = zh_value
    assert check_bilingual.check_pair(en_nb, zh_nb) == [expected]


@pytest.mark.parametrize(
    ("old", "new", "en_line", "zh_line"),
    [
        (
            "lam = 0.1\n",
            "lam = 0.01\n",
            "en line 4: 'lam = 0.1  # regularization strength'",
            "zh line 6: 'lam = 0.01'",
        ),
        (
            "lam = 0.1\n",
            "alpha = 0.1\n",
            "en line 4: 'lam = 0.1  # regularization strength'",
            "zh line 6: 'alpha = 0.1'",
        ),
        (
            "lam = 0.1\n",
            "lam = 0.1\nlam = lam / 2\n",
            "en line 5: 'print(f\"lambda = {lam:.2f}\")'",
            "zh line 7: 'lam = lam / 2'",
        ),
        (
            "%matplotlib inline\n",
            "%matplotlib widget\n",
            "en line 1: '%matplotlib inline'",
            "zh line 1: '%matplotlib widget'",
        ),
    ],
    ids=["number", "renamed", "extra-statement", "magic"],
)
def test_code_drift_is_reported(pair, old, new, en_line, zh_line):
    en_nb, zh_nb = pair
    zh_nb.cells[1].source = zh_nb.cells[1].source.replace(old, new)
    problems = check_bilingual.check_pair(en_nb, zh_nb)
    assert len(problems) == 1
    assert problems[0].startswith("cell 2: code differs (ignoring comments and strings): ")
    assert en_line in problems[0]
    assert zh_line in problems[0]


def test_missing_semicolon_is_reported(pair):
    en_nb, zh_nb = pair
    zh_nb.cells[4].source = 'plt.plot(x, y, label="训练集")\n'
    problems = check_bilingual.check_pair(en_nb, zh_nb)
    assert problems == [
        "cell 5: code differs (ignoring comments and strings): "
        "en line 1: 'plt.plot(x, y, label=\"train\");  # hide the return value' | "
        "zh line 1: 'plt.plot(x, y, label=\"训练集\")'"
    ]


def test_untokenizable_code_falls_back_to_line_comparison():
    message = check_bilingual.compare_code("x = (1,  # open\n", "x = (2,  # 未闭合\n")
    assert message == (
        "code differs (could not tokenize; compared lines with comments stripped): "
        "en line 1: 'x = (1,  # open' | zh line 1: 'x = (2,  # 未闭合'"
    )


def test_zh_markdown_without_chinese_is_reported(pair):
    en_nb, zh_nb = pair
    untranslated = "The penalty is $\\lambda \\|w\\|^2$, " + "which shrinks the weights. " * 3
    zh_nb.cells[2].source = untranslated
    assert check_bilingual.check_pair(en_nb, zh_nb, name="02.ipynb") == [
        f"02.ipynb: cell 3: zh markdown cell has no Chinese characters: {untranslated[:60]!r}"
    ]


@pytest.mark.parametrize("text", ["中文", "\u3400", "\u9fff"], ids=["common", "ext-a", "last"])
def test_has_chinese_accepts_cjk_ideographs(text):
    assert check_bilingual.has_chinese(f"x {text} y")


def test_has_chinese_rejects_other_text():
    assert not check_bilingual.has_chinese("L2 regularization, λ，。")


# ----------------------------------------------------------------------------
# Folders and the command line
# ----------------------------------------------------------------------------


def test_clean_tree_has_no_problems(tmp_path):
    root = write_tree(tmp_path, ["01_a.ipynb", "02_b.ipynb"], ["01_a.ipynb", "02_b.ipynb"])
    assert check_bilingual.check_tree(root) == []


def test_tree_with_missing_zh_file(tmp_path):
    root = write_tree(tmp_path, ["01_a.ipynb", "02_b.ipynb"], ["01_a.ipynb"])
    assert check_bilingual.check_tree(root) == ["02_b.ipynb: only in en/ (no zh/02_b.ipynb)"]


def test_tree_with_extra_zh_file(tmp_path):
    root = write_tree(tmp_path, ["01_a.ipynb"], ["01_a.ipynb", "03_c.ipynb"])
    assert check_bilingual.check_tree(root) == ["03_c.ipynb: only in zh/ (no en/03_c.ipynb)"]


def test_tree_with_missing_folder(tmp_path):
    (tmp_path / "en").mkdir()
    assert check_bilingual.check_tree(tmp_path) == [f"{tmp_path / 'zh'}: folder missing"]


def test_tree_without_notebooks(tmp_path):
    write_tree(tmp_path, [], [])
    assert check_bilingual.check_tree(tmp_path) == [f"{tmp_path}: no notebooks found in en/ or zh/"]


def test_tree_reports_drift_with_file_name(tmp_path):
    root = write_tree(tmp_path, ["01_a.ipynb"], ["01_a.ipynb"])
    zh_path = root / "zh" / "01_a.ipynb"
    zh_nb = nbformat.read(zh_path, as_version=4)
    zh_nb.cells[1].metadata["tags"] = []
    nbformat.write(zh_nb, zh_path)
    assert check_bilingual.check_tree(root) == [
        "01_a.ipynb: cell 2: tags differ: en ['hide-input', 'setup'], zh []"
    ]


def test_main_returns_0_and_reports_ok(tmp_path, capsys):
    write_tree(tmp_path, ["01_a.ipynb", "02_b.ipynb"], ["01_a.ipynb", "02_b.ipynb"])
    assert check_bilingual.main([str(tmp_path)]) == 0
    assert capsys.readouterr().out == "bilingual check OK: 2 notebook pairs\n"


def test_main_returns_1_and_prints_problems(tmp_path, capsys):
    write_tree(tmp_path, ["01_a.ipynb", "02_b.ipynb"], ["01_a.ipynb", "03_c.ipynb"])
    assert check_bilingual.main([str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "02_b.ipynb: only in en/ (no zh/02_b.ipynb)",
        "03_c.ipynb: only in zh/ (no en/03_c.ipynb)",
    ]
    assert "2 problem(s)" in captured.err


# ----------------------------------------------------------------------------
# The course itself
# ----------------------------------------------------------------------------


def test_repository_notebooks_are_in_step():
    problems = check_bilingual.check_tree(REPO_ROOT / "notebooks")
    assert problems == [], "\n".join(problems)


def test_a_trailing_comma_added_by_the_formatter_is_not_drift():
    en = 'print("short", flag)\n'
    zh = 'print(\n    "这一行太长了，格式化工具把它拆开，末尾加了逗号",\n    flag,\n)\n'
    assert check_bilingual.compare_code(en, zh) is None
    assert check_bilingual.compare_code("f(a, b)\n", "f(a, b,)\n") is None
    assert check_bilingual.compare_code("f(a, b)\n", "f(a, b, c)\n") is not None
    # Known limit: `(1,)` and `(1)` compare equal; the tuple-vs-number slip is not caught.
