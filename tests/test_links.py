"""Binder and Colab links: one repository address, every link opens a notebook that exists.

The address is pyproject.toml's ``[project.urls] Repository``; tools/links.py writes the
README lesson tables and each notebook's badge line from it (``make links``). The tool itself is
tested on a copy of the repository in a temporary folder.
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse
from pathlib import Path

import links
import pytest

ROOT = Path(__file__).resolve().parents[1]
PATHS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
IDS = [f"{p.parent.name}/{p.name}" for p in PATHS]
READMES = {"README.md": "en", "README.zh-CN.md": "zh"}
DOCS = sorted((ROOT / "docs").rglob("*.md"))
CJK = re.compile(r"[\u4e00-\u9fff]")

BINDER = re.compile(r"https://mybinder\.org/v2/gh/([^/\s)]+)/([^/\s)]+)/([^?\s)]+)\?([^\s)]*)")
COLAB = re.compile(
    r"https://colab\.research\.google\.com/github/([^/\s)]+)/([^/\s)]+)/blob/([^/\s)]+)/([^\s)]+)"
)
ANY_LINK = re.compile(r"https://(?:mybinder\.org|colab\.research\.google\.com)[^\s)\"'<>]*")


REPO = links.repository(ROOT)


def markdown_of(path: Path) -> str:
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n".join(links.source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    return path.read_text(encoding="utf-8")


NOT_LAUNCHING = ("https://mybinder.org", "https://colab.research.google.com")  # home pages


def link_urls(text: str) -> list[str]:
    """The Binder and Colab links in the text, badge images and home pages left out."""
    skip = {
        links.BINDER_BADGE,
        links.COLAB_BADGE,
        *NOT_LAUNCHING,
        *(u + "/" for u in NOT_LAUNCHING),
    }
    return [u for u in ANY_LINK.findall(text) if u not in skip]


def check_link(url: str) -> str:
    """Assert the link is a well-formed Binder/Colab link into this repository; its path."""
    if m := BINDER.fullmatch(url):
        owner, name, ref, query = m.groups()
        assert ref == "HEAD", url
        assert query.startswith("urlpath=lab/tree/"), f"{url}: open JupyterLab on the notebook"
        target = query.removeprefix("urlpath=lab/tree/")
    elif m := COLAB.fullmatch(url):
        owner, name, ref, target = m.groups()
        assert ref == "main", url
    else:
        pytest.fail(f"not a Binder or Colab notebook link: {url}")
    assert (owner, name) == (REPO.owner, REPO.name), f"{url} is not {REPO.owner}/{REPO.name}"
    assert (ROOT / target).is_file(), f"{url} opens {target}, which does not exist"
    assert target.startswith("notebooks/") and target.endswith(".ipynb"), url
    return target


# --- the one address ----------------------------------------------------------------------


def test_the_repository_address_is_written_in_pyproject_only():
    assert links.GITHUB.match(f"https://github.com/{REPO.owner}/{REPO.name}")
    spelled = f"github.com/{REPO.owner}/{REPO.name}".lower()
    files = [ROOT / "README.md", ROOT / "README.zh-CN.md", ROOT / "Makefile", *PATHS]
    files += [ROOT / n for n in ("environment.yml", "postBuild", "apt.txt") if (ROOT / n).exists()]
    files += sorted((ROOT / "l2lessons").glob("*.py")) + sorted((ROOT / "tests").rglob("*.py"))
    files += sorted((ROOT / "tools").rglob("*.py"))
    files += DOCS
    for path in files:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":  # the generated install cell names it; nothing else may
            nb = json.loads(text)
            text = "".join(links.source(c) for c in nb["cells"] if not links.is_install_cell(c))
        assert spelled not in text.lower(), (
            f"{path.relative_to(ROOT)} spells the repository address; derive it from pyproject.toml"
        )


@pytest.mark.parametrize(
    "path", [ROOT / n for n in READMES] + DOCS + PATHS, ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_every_binder_and_colab_link_opens_a_notebook_of_this_repository(path):
    for url in link_urls(markdown_of(path)):
        check_link(url)


# --- the README tables --------------------------------------------------------------------


@pytest.mark.parametrize("readme", READMES, ids=str)
def test_readme_lesson_table_is_current_and_in_the_readme_language(readme):
    assert links.stale(ROOT, readmes=True, notebooks=False) == [], "run: make links"
    lang = READMES[readme]
    text = (ROOT / readme).read_text(encoding="utf-8")
    block = links.BLOCK.search(text).group(0)
    rows = [line for line in block.splitlines() if re.match(r"\| \d+ \|", line)]
    mine = sorted((ROOT / "notebooks" / lang).glob("*.ipynb"))
    assert len(rows) == len(mine)
    for row, path in zip(rows, mine, strict=True):
        title = row.split("|")[2]
        assert f"(notebooks/{lang}/{path.name})" in title
        assert bool(CJK.search(title)) == (lang == "zh"), (
            f"title not in the README's language: {row}"
        )
        targets = [check_link(u) for u in link_urls(row)]
        assert targets == [f"notebooks/{other}/{path.name}" for other in ("en", "en", "zh", "zh")]


# --- the notebooks' own badges (added by `python tools/links.py --notebooks`) --------


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_notebook_opens_with_its_own_binder_and_colab_badges(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = links.source(links.first_markdown(nb))
    badge_lines = [line for line in first.split("\n") if links.is_badge_line(line)]
    assert len(badge_lines) == 1, (
        f"{path.name}: no badge line in the first Markdown cell; run "
        "`python tools/links.py --notebooks`"
    )
    line = badge_lines[0]
    own = path.relative_to(ROOT).as_posix()
    assert [check_link(u) for u in link_urls(line)] == [own, own]
    binder_alt, colab_alt = links.ALT[path.parent.name]
    assert f"[![{binder_alt}]" in line and f"[![{colab_alt}]" in line, "alt text language"
    assert links.notebook_with_badges(path, ROOT, REPO) == links.read(path), "run: make links"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_the_first_code_cell_installs_the_package_from_the_pinned_ref(path):
    """Colab and bare Pythons install the course non-editable, from the repository's ref."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert links.is_install_cell(first), f"{path.name}: run `make links`"
    code = links.source(first)
    assert code == links.install_source(REPO, links.install_ref(ROOT), path.parent.name)
    assert f'"l2lessons @ git+https://github.com/{REPO.owner}/{REPO.name}@' in code
    assert "L2LESSONS_PIP_SPEC" in code and "-e" not in code.split()
    assert first["metadata"]["slideshow"]["slide_type"] == "skip"
    compile(code, path.name, "exec")  # plain Python: no magics, runs anywhere


def test_install_ref_is_the_release_tag_of_this_version():
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert links.install_ref(ROOT) == f"v{data['project']['version']}"


def test_hub_links_pull_the_repository_and_open_each_lesson(capsys):
    assert links.main(["--hub", "https://hub.example.edu/"]) == 0
    table = capsys.readouterr().out
    rows = [line for line in table.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) == len(sorted((ROOT / "notebooks" / "en").glob("*.ipynb")))
    for url in re.findall(r"\((https://[^)]+)\)", table):
        parts = urllib.parse.urlsplit(url)
        assert (parts.netloc, parts.path) == ("hub.example.edu", "/hub/user-redirect/git-pull")
        query = urllib.parse.parse_qs(parts.query)
        assert query["repo"] == [f"https://github.com/{REPO.owner}/{REPO.name}"]
        assert query["branch"] == ["main"]
        target = query["urlpath"][0].removeprefix(f"lab/tree/{REPO.name}/")
        assert (ROOT / target).is_file(), target
    with pytest.raises(SystemExit, match="hub's address"):
        links.main(["--hub", "hub.example.edu"])


# --- the tool, on a copy ------------------------------------------------------------------


@pytest.fixture
def copy(tmp_path):
    for name in ("pyproject.toml", *READMES):
        shutil.copyfile(ROOT / name, tmp_path / name)
    for path in PATHS:
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return tmp_path


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def without_badges(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = links.first_markdown(nb)
    text = links.source(cell).split("\n")
    kept = [line for line in text if not links.is_badge_line(line)]
    cell["source"] = "\n".join(kept).replace("\n\n\n", "\n\n").splitlines(keepends=True)
    path.write_text(links.dump(nb), encoding="utf-8")


def test_badges_are_added_once_and_nothing_else_changes(copy):
    paths = sorted((copy / "notebooks").glob("*/*.ipynb"))
    for path in paths:
        without_badges(path)
    before = {p: cells(p) for p in paths}
    assert links.main(["--root", str(copy), "--check"]) == 1
    assert links.main(["--root", str(copy), "--notebooks"]) == 0
    assert links.main(["--root", str(copy), "--check"]) == 0
    bytes_after = {p: p.read_bytes() for p in paths}
    assert links.main(["--root", str(copy)]) == 0  # idempotent
    assert {p: p.read_bytes() for p in paths} == bytes_after
    for path in paths:
        after = cells(path)
        assert len(after) == len(before[path])
        first = next(i for i, c in enumerate(after) if c["cell_type"] == "markdown")
        for i, (old, new) in enumerate(zip(before[path], after, strict=True)):
            if i != first:
                assert old == new, f"{path.name}: cell {i} changed"
        text = links.source(after[first])
        lines = text.split("\n")
        badge = next(i for i, line in enumerate(lines) if links.is_badge_line(line))
        assert lines[badge - 1] == "" and lines[badge - 2].startswith("#"), "under the title"
        assert links.source(before[path][first]).split("\n")[0] == lines[0], "title first"
        own = path.relative_to(copy).as_posix()
        assert REPO.binder(own) in lines[badge] and REPO.colab(own) in lines[badge]


def test_a_new_address_replaces_every_link(copy):
    assert links.main(["--root", str(copy)]) == 0
    pyproject = copy / "pyproject.toml"
    old = f"https://github.com/{REPO.owner}/{REPO.name}"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(old, "https://github.com/a/b")
    )
    assert links.main(["--root", str(copy), "--check"]) == 1
    assert links.main(["--root", str(copy)]) == 0
    texts = [markdown_of(copy / n) for n in READMES]
    texts += [markdown_of(p) for p in sorted((copy / "notebooks").glob("*/*.ipynb"))]
    for path in sorted((copy / "notebooks").glob("*/*.ipynb")):
        install = next(c for c in cells(path) if links.is_install_cell(c))
        assert '"l2lessons @ git+https://github.com/a/b@' in links.source(install)
    for text in texts:
        urls = link_urls(text)
        assert urls and all("/a/b/" in u for u in urls)
        assert f"{REPO.owner}/{REPO.name}/" not in text.replace("/a/b/", "")
        assert sum(links.is_badge_line(line) for line in text.split("\n")) >= 1


def test_with_badges_replaces_an_old_line_and_keeps_the_rest():
    text = "# Title\n\n[![x](https://mybinder.org/badge_logo.svg)](old)\n\nBody."
    assert links.with_badges(text, "NEW") == "# Title\n\nNEW\n\nBody."
    assert links.with_badges("# T\n## Sub\nBody", "NEW") == "# T\n## Sub\n\nNEW\n\nBody"
    assert links.with_badges("# T\n\nBody", "NEW") == "# T\n\nNEW\n\nBody"
