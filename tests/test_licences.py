"""The licences a teacher relies on: MIT for the code, CC BY 4.0 for the lessons, both READMEs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parents[1]


def test_the_code_licence_is_the_mit_text_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert set(project["license-files"]) == {"LICENSE", "LICENSE-CONTENT.md"}
    text = " ".join((ROOT / "LICENSE").read_text().split())
    assert text.startswith("MIT License Copyright (c) ")
    assert "Permission is hereby granted, free of charge, to any person obtaining a copy" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
    assert "<year>" not in text and "<copyright holders>" not in text


def test_the_lessons_licence_carries_the_whole_cc_by_4_legal_code():
    text = (ROOT / "LICENSE-CONTENT.md").read_text()
    assert "Creative Commons Attribution 4.0 International Public License" in text
    sections = re.findall(r"^### Section (\d) – ", text, flags=re.MULTILINE)
    assert sections == [str(k) for k in range(1, 9)], sections  # Sections 1 to 8, in order
    # what it covers and what it does not, in both languages
    assert "notebooks/en/" in text and "notebooks/zh/" in text and "LICENSE" in text
    assert "知识共享署名 4.0 国际许可协议" in text and "MIT" in text


@pytest.mark.parametrize("readme", ["README.md", "README.zh-CN.md"])
def test_both_readmes_name_both_licences_and_link_their_files(readme):
    text = (ROOT / readme).read_text()
    assert "](LICENSE)" in text and "](LICENSE-CONTENT.md)" in text
    assert "MIT" in text and "CC BY 4.0" in text
