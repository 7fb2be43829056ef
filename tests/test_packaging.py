"""pyproject.toml and environment.yml list the same packages; the setup path pins CPU torch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]
# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"pytorch-cpu": "torch", "pytorch": "torch"}
NOT_PACKAGES = {"python", "pip"}
# Not on conda-forge: the conda route installs it with pip, next to the course package.
PIP_ONLY = {"noto-cjk-sans-otc", "sphinx-mathjax-offline", "axe-playwright-python"}


def _name_and_spec(requirement: str) -> tuple[str, str]:
    m = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def pyproject_requirements() -> dict:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(data["dependencies"])
    for extra in data.get("optional-dependencies", {}).values():
        reqs += extra
    return dict(_name_and_spec(r) for r in reqs)


def conda_requirements() -> dict:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, spec = _name_and_spec(dep)
            if name not in NOT_PACKAGES:
                out[CONDA_TO_PYPI.get(name, name)] = spec
    return out


def test_environment_yml_and_pyproject_list_the_same_packages():
    pypi = {k: v for k, v in pyproject_requirements().items() if k not in PIP_ONLY}
    assert conda_requirements() == pypi
    readme = (ROOT / "README.md").read_text()
    for name in PIP_ONLY:  # the conda route's one pip line brings what conda-forge lacks
        assert re.search(rf"pip install --no-deps -e \. .*{name}", readme), name


def test_environment_yml_uses_conda_forge_and_cpu_pytorch():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"][0] == "conda-forge"
    assert any(isinstance(d, str) and d.startswith("pytorch-cpu") for d in env["dependencies"])
    # The course package itself: postBuild on Binder, one pip line on the conda route
    # (tests/test_binder.py), never a pip section that would resolve dependencies.
    assert not [d for d in env["dependencies"] if isinstance(d, dict)], "no pip section"


def test_the_setup_path_pins_the_cpu_torch_build_and_pyproject_allows_it():
    makefile = (ROOT / "Makefile").read_text()
    pin = re.search(r"torch==([\d.]+)", makefile)
    assert pin, "the Makefile must pin torch (an unpinned torch pulls a CUDA build)"
    spec = pyproject_requirements()["torch"]
    lower = re.search(r">=([\d.]+)", spec).group(1)
    upper = re.search(r"<([\d.]+)", spec).group(1)
    version = tuple(int(x) for x in pin.group(1).split("."))
    assert (
        tuple(int(x) for x in lower.split(".")) <= version < tuple(int(x) for x in upper.split("."))
    )
    # torch is installed before the package, so pip sees the range satisfied
    assert makefile.index('"$(TORCH)"') < makefile.index('-e ".[lab,test,book]"')


def test_ci_installs_the_chinese_font_and_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "fonts-noto-cjk" in ci
    assert "make test" in ci
    assert "make test" in (ROOT / "README.md").read_text()


def test_the_environment_report_asks_for_pyproject_lower_bounds():
    from l2lessons.notebook import REQUIRED

    reqs = pyproject_requirements()
    for name, minimum in REQUIRED.items():
        assert re.search(rf">={re.escape(minimum)}(,|$)", reqs[name]), (name, reqs[name])


def test_lab_tools_are_an_extra_not_a_dependency():
    """Colab installs the package without JupyterLab, RISE or the language pack."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {_name_and_spec(r)[0] for r in data["dependencies"]}
    lab = {_name_and_spec(r)[0] for r in data["optional-dependencies"]["lab"]}
    assert {"jupyterlab", "jupyterlab-rise", "jupyterlab-language-pack-zh-cn"} <= lab
    assert not core & lab
    assert not [r for r in data["dependencies"] if "==" in r], "loose lower bounds only"


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_the_readme_commands_without_make_do_what_make_does(readme):
    """Windows has no make: the README spells out the same install and test commands."""
    text = (ROOT / readme).read_text(encoding="utf-8")
    block = re.search(r"### [^\n]*`make`[^\n]*\n.*?```bash\n(.*?)```", text, re.S).group(1)
    makefile = (ROOT / "Makefile").read_text()
    torch_pin = re.search(r"TORCH\s*:=\s*(\S+)", makefile).group(1)
    assert f"python -m pip install {torch_pin}\n" in block
    extras = re.search(r'pip install --quiet (-e "\.\[[^]]+\]")', makefile).group(1)
    assert f"python -m pip install {extras}\n" in block
    test_line = re.search(
        r"\ntest: lint\n\t\$\(ONE_THREAD\) \$\(BIN\)/python (-m pytest [^\n]+)", makefile
    )
    wanted = test_line.group(1).replace(" -p no:cacheprovider", "")
    assert f"python {wanted}" in block
    assert block.index(torch_pin) < block.index(extras), "torch first, so pip keeps the CPU build"
