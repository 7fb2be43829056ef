"""`make slides`: offline reveal.js decks, one per notebook and language.

tools/build_slides.py builds them once into a temporary folder. The checks on the copied
assets need npm (the first build installs the pinned reveal.js and MathJax into
build/vendor/slides/, later builds reuse it); without npm they are skipped, and the checks on
the decks themselves still run.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import build_slides
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*/*.ipynb"))
IDS = [f"{p.parent.name}/{p.name}" for p in PATHS]
BUILDER_PATH = ROOT / "tools" / "build_slides.py"

pytestmark = pytest.mark.slow

# tags whose src/href the browser fetches by itself (an <a href> is only a hyperlink)
FETCHING_TAG = re.compile(
    r"<(script|link|img|iframe|source|audio|video|embed|object)\b[^>]*>", re.I
)
FETCHED_URL = re.compile(r"""\b(?:src|href|data)\s*=\s*["']([^"']*)["']""", re.I)
REQUIRED = re.compile(r"require\(\s*\{[^}]*\}\s*,\s*\[([^\]]*)\]", re.S)
CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^"')\s]+)""")
ESM_IMPORT = re.compile(r"""\bimport\b[^'"\n;]*?\bfrom\s*["']([^"']+)["']""")
CDN_HOSTS = ("unpkg", "cdnjs", "jsdelivr", "googleapis", "cloudflare", "mathjax.org")


HAVE_NPM = shutil.which("npm") is not None


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    build_slides.build(out, NOTEBOOKS, assets=HAVE_NPM)
    return out


def deck_of(out: Path, notebook: Path) -> Path:
    return out / notebook.parent.name / build_slides.deck_name(notebook)


def fetched_urls(html: str) -> list[str]:
    """Every URL the page makes the browser load: tags, require() paths, CSS, ES imports."""
    urls = [u for tag in FETCHING_TAG.finditer(html) for u in FETCHED_URL.findall(tag.group(0))]
    for group in REQUIRED.findall(html):
        urls += re.findall(r"""["']([^"']+)["']""", group)
    for style in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S | re.I):
        urls += CSS_URL.findall(style)
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S | re.I):
        urls += ESM_IMPORT.findall(script)
    return urls


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data", "file")) or url.startswith("//")


def expected_sections(notebook: Path) -> int:
    """A slide is an outer <section> with one inner <section> per subslide, itself included."""
    types = [
        c.metadata.get("slideshow", {}).get("slide_type", "-")
        for c in nbformat.read(notebook, as_version=4).cells
    ]
    visible = [t for t in types if t not in ("skip", "notes")]
    slides = 1 + visible[1:].count("slide")  # the first visible cell always opens a slide
    return 2 * slides + visible[1:].count("subslide")


# --- the decks -----------------------------------------------------------------------------


def test_every_notebook_in_both_languages_has_a_deck_listed_on_the_index_page(out):
    assert {p.parent.name for p in PATHS} == {"en", "zh"}
    index = (out / "index.html").read_text(encoding="utf-8")
    for notebook in PATHS:
        assert deck_of(out, notebook).is_file(), f"no deck for {notebook}"
        assert f'href="{notebook.parent.name}/{build_slides.deck_name(notebook)}"' in index


@pytest.mark.parametrize("notebook", PATHS, ids=IDS)
def test_deck_has_a_section_for_every_slide_and_subslide(out, notebook):
    html = deck_of(out, notebook).read_text(encoding="utf-8")
    assert len(re.findall(r"<section\b", html)) == expected_sections(notebook)
    assert html.count("<section") == html.count("</section>")


@pytest.mark.parametrize("notebook", PATHS, ids=IDS)
def test_deck_loads_nothing_from_the_web(out, notebook):
    html = deck_of(out, notebook).read_text(encoding="utf-8")
    urls = fetched_urls(html)
    assert any("reveal.js" in u for u in urls), "the deck does not load reveal.js"
    assert any("MathJax.js" in u for u in urls), "the deck does not load MathJax"
    assert [u for u in urls if is_external(u)] == []
    assert [u for u in urls if not u.startswith(("data:", "#"))] == [
        u for u in urls if u.startswith(f"{build_slides.STATIC}/")
    ], "every asset comes from the shared _static folder"
    for host in CDN_HOSTS:
        assert host not in html, f"the deck mentions {host}"


@pytest.mark.parametrize("notebook", PATHS, ids=IDS)
def test_deck_has_no_widget_manager_and_the_notebook_language(out, notebook):
    html = deck_of(out, notebook).read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" not in html
    assert "application/vnd.jupyter.widget-view+json" not in html
    assert "html-manager" not in html and "embed-amd" not in html
    assert f'<html lang="{build_slides.LANGS[notebook.parent.name]}">' in html


def test_links_between_lessons_open_the_other_deck(out):
    html = deck_of(out, NOTEBOOKS / "en" / "01_norms.ipynb").read_text(encoding="utf-8")
    assert 'href="../zh/01_norms.slides.html"' in html
    assert not re.search(r'href="[^":]*\.ipynb', html)


def test_the_build_is_deterministic(out, tmp_path):
    again = tmp_path / "again"
    build_slides.build_decks(again, NOTEBOOKS)
    for notebook in PATHS:
        assert deck_of(again, notebook).read_bytes() == deck_of(out, notebook).read_bytes()
    assert (again / "index.html").read_bytes() == (out / "index.html").read_bytes()


# --- what prepare() changes, on a small notebook ------------------------------------------


def test_prepare_drops_widgets_and_turns_web_images_into_links():
    badge = (
        "# Lesson 9 · Test\n\n[![Open in Binder](https://mybinder.org/badge_logo.svg)]"
        "(https://mybinder.org/v2/gh/o/r/HEAD)\n\n"
        "[next](10_next.ipynb) · [map](00_start_here.ipynb#top)"
    )
    widget = new_output(
        "display_data",
        data={"text/plain": "VBox()", build_slides.WIDGET_VIEW: {"model_id": "x"}},
    )
    slider = new_output(  # a frame slider: the widget view and its scrubber
        "display_data",
        data={
            "text/plain": "▶ λ",
            "text/html": '<div class="l2-scrubber">…</div>',
            build_slides.WIDGET_VIEW: {"model_id": "y"},
        },
    )
    text = new_output("stream", name="stdout", text="kept\n")
    nb = new_notebook(
        cells=[new_markdown_cell(badge), new_code_cell("show()", outputs=[widget, slider, text])]
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    ready = build_slides.prepare(nb)
    assert "widgets" not in ready.metadata and "widgets" in nb.metadata  # a copy
    assert [o.output_type for o in ready.cells[1].outputs] == ["display_data", "stream"]
    assert set(ready.cells[1].outputs[0].data) == {"text/plain", "text/html"}  # the scrubber
    assert build_slides.WIDGET_VIEW in nb.cells[1].outputs[1].data  # the notebook is untouched
    source = ready.cells[0].source
    assert "badge_logo.svg" not in source
    assert "[Open in Binder](https://mybinder.org/v2/gh/o/r/HEAD)" in source
    assert "[next](10_next.slides.html)" in source
    assert "[map](00_start_here.slides.html#top)" in source
    assert ready.metadata["title"] == "Lesson 9 · Test"


def test_a_cell_tagged_hide_input_in_slides_shows_its_output_without_its_code():
    figure = new_output("display_data", data={"text/plain": "<Figure>", "image/png": "iVBORw0K"})
    plot = new_code_cell("plot_everything_here()", outputs=[figure])
    plot.metadata["tags"] = [build_slides.HIDE_INPUT_TAG]
    shown = new_code_cell("shown_in_full()", outputs=[new_output("stream", text="printed\n")])
    nb = new_notebook(cells=[new_markdown_cell("# Lesson 9 · Test"), plot, shown])
    html, _ = build_slides.exporter("en").from_notebook_node(build_slides.prepare(nb))
    assert "plot_everything_here" not in html and "data:image/png;base64,iVBORw0K" in html
    assert "shown_in_full" in html and "printed" in html
    assert "transient" not in plot.metadata  # the notebook itself is not changed


@pytest.mark.parametrize("notebook", PATHS, ids=IDS)
def test_cells_hidden_in_slides_are_shown_code_cells_with_output(notebook):
    for i, cell in enumerate(nbformat.read(notebook, as_version=4).cells, start=1):
        if build_slides.HIDE_INPUT_TAG in cell.metadata.get("tags", []):
            assert cell.cell_type == "code" and cell.outputs, f"cell {i}: nothing left to show"
            slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
            assert slide_type not in ("skip", "notes"), f"cell {i} is not in the deck anyway"


# --- the assets (need npm) ----------------------------------------------------------------

needs_assets = pytest.mark.skipif(not HAVE_NPM, reason="npm is needed to fetch the deck assets")


@needs_assets
@pytest.mark.parametrize("notebook", PATHS, ids=IDS)
def test_every_asset_a_deck_loads_is_in_the_build(out, notebook):
    deck = deck_of(out, notebook)
    for url in fetched_urls(deck.read_text(encoding="utf-8")):
        if url.startswith(("data:", "#")):
            continue
        target = (deck.parent / urlsplit(url).path).resolve()
        assert target.is_file(), f"{url} is missing"
        assert out.resolve() in target.parents, f"{url} points outside the slides folder"


@needs_assets
def test_copied_styles_load_nothing_from_the_web_and_their_files_exist(out):
    styles = sorted((out / "_static").rglob("*.css"))
    assert styles
    for css in styles:
        for url in CSS_URL.findall(css.read_text(encoding="utf-8")):
            if url.startswith("data:"):
                continue
            assert not is_external(url), f"{css.name} loads {url}"
            assert (css.parent / urlsplit(url).path).is_file(), f"{css.name}: {url} is missing"


@needs_assets
def test_assets_are_the_pinned_versions_with_their_licenses(out):
    versions = (out / "_static" / "VERSIONS.txt").read_text(encoding="utf-8")
    for pinned in ("reveal.js 4.", "mathjax 2.7.", "requirejs 2.", "jquery 3."):
        assert pinned in versions
    assert (out / "_static" / "reveal.js" / "LICENSE").is_file()
    assert (out / "_static" / "mathjax" / "LICENSE").is_file()
    assert (out / "_static" / "mathjax" / "config" / "TeX-AMS_CHTML-full.js").is_file()


# --- keys and what the deck draws over the slides (tests/browser/test_decks.py presses them) --


@pytest.mark.parametrize("notebook", PATHS, ids=IDS)
def test_every_deck_walks_every_slide_with_the_arrow_keys_and_says_so(out, notebook):
    html = deck_of(out, notebook).read_text(encoding="utf-8")
    init = re.search(r"Reveal\.initialize\(\{(.*?)\}\);", html, re.S).group(1)
    assert re.search(r'navigationMode:\s*"linear"', init), "→ would skip the sub-slides"
    assert re.search(r"margin:\s*0\.06", init)  # the arrows sit in the margin
    lang = notebook.parent.name
    hint = re.search(r'<div class="l2-keys" lang="(\w+)">(.*?)</div>', html)
    assert hint and hint.group(1) == lang and hint.group(2) == build_slides.KEYS[lang]
    assert "→" in hint.group(2) and "<kbd>F</kbd>" in hint.group(2)
    assert ".reveal .controls" in html and ".l2-keys" in html  # DECK_CSS is in the page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<kbd>→</kbd>" in index and "every slide" in index and "每一页" in index


def test_both_languages_give_rise_the_same_style():
    """RISE reads rise.css from the notebook's own folder, so each language has a copy."""
    en, zh = (ROOT / "notebooks" / lang / "rise.css" for lang in ("en", "zh"))
    assert en.read_bytes() == zh.read_bytes()
