"""Binder (repo2docker) builds the course from the top-level environment.yml, apt.txt, postBuild.

repo2docker reads those files only when no binder/ or .binder/ folder exists; it installs
environment.yml with conda, the Debian packages of apt.txt, then runs postBuild in the
repository. tests/test_packaging.py keeps environment.yml and pyproject.toml in step.
"""

from __future__ import annotations

import ast
import re
import shlex
import stat
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TEST_ONLY = {"pytest", "nbval", "nbformat", "nbclient", "ruff", "pyyaml", "yaml", "playwright"}
CJK_FONT_PACKAGES = {"fonts-noto-cjk", "fonts-wqy-microhei", "fonts-wqy-zenhei"}


def postbuild_commands() -> list[list[str]]:
    lines = (ROOT / "postBuild").read_text(encoding="utf-8").splitlines()
    return [shlex.split(line) for line in lines if line.strip() and not line.startswith("#")]


def test_no_binder_folder_hides_the_top_level_files():
    for name in ("binder", ".binder"):
        assert not (ROOT / name).exists(), f"{name}/ would make repo2docker ignore environment.yml"


def test_environment_yml_is_what_repo2docker_can_install():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"][0] == "conda-forge"
    deps = [d for d in env["dependencies"] if isinstance(d, str)]
    assert any(d.startswith("pytorch-cpu") for d in deps), "CPU PyTorch (a CUDA build is GBs)"
    assert any(re.match(r"python\s*[<>=]", d) for d in deps)
    assert not [d for d in env["dependencies"] if isinstance(d, dict)], (
        "no pip section: postBuild installs the package, and pip resolves no dependency"
    )


def test_postbuild_is_executable_and_installs_the_package_without_dependencies():
    path = ROOT / "postBuild"
    assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    assert path.stat().st_mode & stat.S_IXUSR, "repo2docker runs postBuild only if executable"
    assert "set -euo pipefail" in path.read_text(encoding="utf-8"), "a failing step fails the build"
    installs = [c for c in postbuild_commands() if c[:4] == ["python", "-m", "pip", "install"]]
    assert len(installs) == 1, postbuild_commands()
    args = installs[0][4:]
    assert "--no-deps" in args, "conda installed the dependencies; pip must not fetch a torch"
    assert args[-1] == "." or args[-2:] == ["-e", "."], "installs this repository's package"


def test_apt_txt_installs_a_chinese_font():
    packages = [
        line.strip()
        for line in (ROOT / "apt.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert set(packages) & CJK_FONT_PACKAGES, f"no CJK font in apt.txt: {packages}"


def test_test_only_tools_are_not_runtime_dependencies():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.match(r"[A-Za-z0-9_.\-]+", r).group(0).lower() for r in project["dependencies"]}
    assert not names & TEST_ONLY, f"test tools among the runtime dependencies: {names & TEST_ONLY}"
    lab = {
        re.match(r"[A-Za-z0-9_.\-]+", r).group(0).lower()
        for r in project["optional-dependencies"]["lab"]
    }
    for name in ("jupyterlab-rise", "jupyterlab-language-pack-zh-cn"):
        assert name in lab, f"{name} (slides, Chinese UI) belongs to the [lab] extra"


@pytest.mark.parametrize("module", sorted((ROOT / "l2lessons").rglob("*.py")), ids=lambda p: p.name)
def test_the_package_imports_no_test_tool(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not imported & TEST_ONLY, f"{module.name} imports {imported & TEST_ONLY}"


def test_readmes_give_the_conda_route_its_package_install_and_binder_its_memory_note():
    for name in ("README.md", "README.zh-CN.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "conda env create -f environment.yml" in text
        assert "python -m pip install --no-deps -e ." in text, f"{name}: conda route"
        assert "2 GB" in text, f"{name}: Binder's memory"


def test_lab_zh_opens_jupyterlab_in_chinese_without_touching_the_users_settings():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = makefile[makefile.index("\nlab-zh:") :].split("\n\n")[0]
    assert '"locale": "zh_CN"' in target and "overrides.json" in target
    settings_dir = re.search(r"^LAB_ZH\s*:=\s*(\S+)", makefile, flags=re.M).group(1)
    assert settings_dir.startswith("$(CURDIR)/build/"), "a git-ignored folder of the repository"
    assert "--LabApp.app_settings_dir" in target and "notebooks/zh/00_start_here.ipynb" in target
