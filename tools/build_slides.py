"""Export every lesson as a reveal.js deck that presents offline (`make slides`).

    python tools/build_slides.py [--out build/slides] [--notebooks notebooks]

writes

    build/slides/index.html                      the list of decks, both languages
    build/slides/en/01_norms.slides.html         one deck per notebook and language
    build/slides/zh/01_norms.slides.html
    build/slides/_static/                        reveal.js, MathJax, RequireJS, jQuery

A code cell tagged ``hide-input-in-slides`` (plotting code, a table's print formatting) shows
only its output in the deck, so a figure fits on its slide; the notebook still shows the code.

Every deck loads its scripts and styles from ``../_static/`` by relative URL, nothing from a
CDN, so the whole folder can be zipped and presented from a laptop with no internet.

The assets are the ones nbconvert's reveal template expects (reveal.js 4, MathJax 2.7,
RequireJS, jQuery), pinned with their checksums in ``tools/slides_vendor/`` (a
``package.json`` and its ``package-lock.json``). The first build installs them with
``npm ci`` into the git-ignored ``build/vendor/slides/`` and later builds reuse that copy;
only the files a deck needs are copied into ``_static``.

The notebooks are read, never written. Each deck is the notebook as stored (outputs
included), with its slide metadata, minus what cannot work without a kernel or a network:
widget state is dropped and so is each widget view: a slider's output shows its kernel-free
scrubber (the HTML stored beside the view), a widget with no such fallback is left out; and a
Markdown image from the web (a Binder or Colab badge) becomes a plain link.
Links between lessons (``01_norms.ipynb``) point at the other deck (``01_norms.slides.html``).

Keys: reveal.js's "linear" navigation, so → and ← (and Space) visit every slide and sub-slide in
order (the default would skip the sub-slides with →); the title slide of each deck says so in a
one-line key hint (``KEYS``). The slides are scaled with a 6 % margin, in which the arrows, the
slide number and the hint sit (``DECK_CSS``), so they never cover a slide's last line.
"""

from __future__ import annotations

import argparse
import copy
import html
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import SlidesExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
VENDOR_SPEC = Path(__file__).resolve().parent / "slides_vendor"
VENDOR_DIR = ROOT / "build" / "vendor" / "slides"
LANGS = {"en": "en", "zh": "zh"}  # notebook folder -> HTML lang (nbconvert takes ISO 639-1 only)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: A code cell with this tag shows its output in the deck, not its code.
HIDE_INPUT_TAG = "hide-input-in-slides"

# Where the deck (in build/slides/<lang>/) finds each asset.
STATIC = "../_static"
URLS = {
    "reveal_url_prefix": f"{STATIC}/reveal.js",
    "mathjax_url": f"{STATIC}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    "require_js_url": f"{STATIC}/requirejs/require.js",
    "jquery_url": f"{STATIC}/jquery/jquery.min.js",
}

# What to copy from each npm package into _static/<package>/ (glob patterns).
ASSETS = {
    "reveal.js": [
        "LICENSE",
        "dist/reveal.js",
        "dist/reveal.css",
        "dist/theme/white.css",
        "dist/theme/fonts/source-sans-pro/*",
        "plugin/notes/notes.js",
    ],
    "mathjax": [
        "LICENSE",
        "MathJax.js",
        "config/TeX-AMS_CHTML-full.js",
        "config/Safe.js",
        "extensions/**/*",
        "jax/element/**/*",
        "jax/input/TeX/**/*",
        "jax/output/CommonHTML/**/*",
        "jax/output/PreviewHTML/**/*",
        "fonts/HTML-CSS/TeX/woff/**/*",
        "localization/en/**/*",
        "localization/zh-hans/**/*",
    ],
    "requirejs": ["require.js"],
    "jquery": ["LICENSE.txt", "dist/jquery.min.js"],
}
ASSETS_RENAMED = {("jquery", "dist/jquery.min.js"): "jquery.min.js"}

# nbconvert's reveal template, less the two things that would reach for a CDN: the mermaid
# import (no lesson draws a mermaid diagram) and the widget manager script; formulas without
# automatic line breaks; and headings as written (the white theme would upper-case them, code
# in titles included).
TEMPLATE_NAME = "l2lessons_slides.html.j2"
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}
{{ super() }}
<script type="text/x-mathjax-config">
// No automatic line breaks: reveal.js lays out slides that are hidden, and MathJax then breaks
// the inline formulas of a table into one piece per line (seen in Lesson 5's gradient table).
MathJax.Hub.Config({CommonHTML: {linebreaks: {automatic: false}}});
</script>
{%- endblock html_head_js_mathjax -%}
{%- block html_head_css -%}
<style type="text/css">
.reveal h1, .reveal h2, .reveal h3, .reveal h4, .reveal h5, .reveal h6 {
  text-transform: none !important;
}
{{ resources.l2_css }}
</style>
{%- endblock html_head_css -%}
{%- block body_footer -%}
</div>
</div>
<div class="l2-keys" lang="{{ resources.l2_lang }}">{{ resources.l2_keys }}</div>
</main>
</body>
{%- endblock body_footer -%}
{%- block footer_js -%}
<script>
require(
    {waitSeconds: 15},
    ["{{ resources.reveal.url_prefix }}/dist/reveal.js",
     "{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"],
    function (Reveal, RevealNotes) {
        Reveal.initialize({
            controls: true,
            progress: true,
            history: true,
            transition: "{{ resources.reveal.transition }}",
            slideNumber: "{{ resources.reveal.number }}",
            plugins: [RevealNotes],
            width: {{ resources.reveal.width }},
            height: {{ resources.reveal.height }},
            // a wider margin than reveal.js's 0.04: the arrows, the slide number and the key
            // hint sit in it (DECK_CSS), never over a slide's last line
            margin: 0.06,
            // -> and <- (and Space) visit every slide and sub-slide in order; the up and down
            // arrows are gone, so nothing is skipped.
            navigationMode: "linear",
        });
        var update = function () {
            if (MathJax.Hub.getAllJax(Reveal.getCurrentSlide())) {
                MathJax.Hub.Rerender(Reveal.getCurrentSlide());
            }
            // the key hint shows on the title slide only
            document.querySelector(".l2-keys").hidden = !Reveal.isFirstSlide();
        };
        Reveal.on("ready", update);
        Reveal.on("slidechanged", update);
    }
);
</script>
{%- endblock footer_js -%}
"""

#: Styles of every deck. The slide is scaled to the window with a margin of 6 % (at 1280×720:
#: 36 px left and right, 20 px above and below); the navigation arrows (stacked, ← above →) and
#: the slide number sit in the right margin and the key hint of the title slide in the bottom
#: margin, so none of them covers the slide (tests/browser/test_decks.py checks it). The
#: arrows' places need !important: reveal.js's linear mode places them with a more specific rule.
DECK_CSS = """
.reveal .controls { right: 4px; bottom: 32px; font-size: 8px; }
.reveal .controls .navigate-right { right: 0 !important; bottom: 0 !important; }
.reveal .controls .navigate-left { right: 0 !important; bottom: 4em !important; }
.reveal .slide-number { right: 2px; bottom: 4px; font-size: 11px; padding: 3px; }
.l2-keys {
  position: fixed; left: 36px; bottom: 2px; z-index: 40; font: 12px/1.3 sans-serif;
  color: #555; white-space: nowrap;
}
.l2-keys kbd { border: 1px solid #bbb; border-radius: 3px; padding: 0 3px; font-size: 11px; }
"""

#: What the key hint on the title slide of each deck says.
KEYS = {
    "en": "<kbd>→</kbd> / <kbd>←</kbd> (or <kbd>Space</kbd>) next / back, every slide · "
    "<kbd>F</kbd> full screen · <kbd>S</kbd> speaker view · <kbd>Esc</kbd> overview · "
    "<kbd>?</kbd> all keys",
    "zh": "<kbd>→</kbd>／<kbd>←</kbd>（或<kbd>空格</kbd>）逐页前进／后退，不漏任何一页 · "
    "<kbd>F</kbd> 全屏 · <kbd>S</kbd> 演讲者视图 · <kbd>Esc</kbd> 总览 · <kbd>?</kbd> 全部按键",
}

WEB_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:https?:)?//[^)\s]+\)")
NOTEBOOK_LINK = re.compile(r"\]\((?![a-z]+://)([^)\s]*?)\.ipynb(#[^)\s]*)?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)
LESSON_HEADING = re.compile(r"^#{1,6}\s+((?:Lesson|第)\s*\d+\s*(?:课)?\s*·\s*.+?)\s*$", re.M)


# --- the decks ----------------------------------------------------------------------------


def deck_name(notebook: Path) -> str:
    return f"{notebook.stem}.slides.html"


def lesson_title(nb) -> str:
    """The lesson's title: its "Lesson N · …" heading, else the first heading."""
    first = next((c.source for c in nb.cells if c.cell_type == "markdown"), "")
    match = LESSON_HEADING.search(first) or HEADING.search(first)
    return match.group(1).replace("`", "").strip() if match else ""  # plain text, for <title>


def without_widget_view(output):
    """An output as a deck shows it: a widget view gives way to the output's HTML fallback (a
    slider's scrubber), and an output that has none is dropped (a widget needs a kernel)."""
    data = output.get("data", {})
    if WIDGET_VIEW not in data:
        return output
    if "text/html" not in data:
        return None
    output = copy.deepcopy(output)
    del output.data[WIDGET_VIEW]
    return output


def prepare(nb):
    """A copy of the notebook fit for an offline deck (see the module docstring)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in map(without_widget_view, cell.outputs) if o is not None]
            if HIDE_INPUT_TAG in cell.metadata.get("tags", []):
                cell.metadata["transient"] = {"remove_source": True}  # nbconvert's own switch
        elif cell.cell_type == "markdown":
            source = WEB_IMAGE.sub(lambda m: m.group(1), cell.source)
            # a link to another lesson opens that lesson's deck
            cell.source = NOTEBOOK_LINK.sub(r"](\1.slides.html\2)", source)
    title = lesson_title(nb)
    if title:
        nb.metadata["title"] = title
    return nb


def exporter(lang: str) -> SlidesExporter:
    config = Config()
    config.SlidesExporter.update(
        URLS,
        reveal_theme="white",
        reveal_width="1280",
        reveal_height="720",
        reveal_number="c/t",
        # Every slide fits 1280×720 (tests/browser/test_decks.py checks it in Chromium).
        # nbconvert's scroll option would give a scrollbar to any slide taller than 95 % of
        # the *window*: on a 1280×720 screen that is every slide over 684 of its 720 pixels.
        reveal_scroll=False,
        language_code=LANGS[lang],
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        template_file=TEMPLATE_NAME,
    )
    return SlidesExporter(config=config, extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})])


def notebooks_in(notebooks_dir: Path) -> list[Path]:
    return [p for lang in LANGS for p in sorted((notebooks_dir / lang).glob("*.ipynb"))]


def build_decks(out: Path, notebooks_dir: Path) -> list[Path]:
    """Write one deck per notebook into out/<lang>/ and the index page; return the decks."""
    decks, rows = [], {lang: [] for lang in LANGS}
    exporters = {lang: exporter(lang) for lang in LANGS}
    for path in notebooks_in(notebooks_dir):
        lang = path.parent.name
        nb = prepare(nbformat.read(path, as_version=4))
        resources = {
            "metadata": {"name": path.stem},
            "l2_css": DECK_CSS,
            "l2_keys": KEYS[lang],
            "l2_lang": LANGS[lang],
        }
        body, _ = exporters[lang].from_notebook_node(nb, resources=resources)
        deck = out / lang / deck_name(path)
        deck.parent.mkdir(parents=True, exist_ok=True)
        deck.write_text(body, encoding="utf-8")
        decks.append(deck)
        rows[lang].append((f"{lang}/{deck.name}", nb.metadata.get("title", path.stem)))
    (out / "index.html").write_text(index_page(rows), encoding="utf-8")
    return decks


def index_page(rows: dict[str, list[tuple[str, str]]]) -> str:
    headings = {"en": "English", "zh": "中文"}
    parts = []
    for lang, items in rows.items():
        links = "\n".join(
            f'    <li><a href="{html.escape(href)}">{html.escape(title)}</a></li>'
            for href, title in items
        )
        parts.append(
            f'  <section lang="{LANGS[lang]}">\n  <h2>{headings[lang]}</h2>\n'
            f"  <ul>\n{links}\n  </ul>\n  </section>"
        )
    sections = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>L2 regularization · slides / 幻灯片</title>
<style>
body {{ font-family: sans-serif; max-width: 48em; margin: 2em auto; line-height: 1.5; }}
</style>
</head>
<body>
<h1>L2 regularization, from the formula to PyTorch · L2 正则化：从公式到 PyTorch</h1>
<p>In a deck, <kbd>→</kbd> and <kbd>←</kbd> (or <kbd>Space</kbd>) go to the next and the
previous slide, visiting every slide and sub-slide in order; <kbd>F</kbd> full screen,
<kbd>S</kbd> the speaker view, <kbd>Esc</kbd> the overview, <kbd>?</kbd> every key.
在幻灯片中，按 <kbd>→</kbd> 和 <kbd>←</kbd>（或<kbd>空格</kbd>）逐页前进、后退，每一页都会经过；
<kbd>F</kbd> 全屏，<kbd>S</kbd> 演讲者视图，<kbd>Esc</kbd> 总览，<kbd>?</kbd> 全部按键。</p>
{sections}
</body>
</html>
"""


# --- the assets ---------------------------------------------------------------------------


def install_vendor(vendor_dir: Path = VENDOR_DIR) -> Path:
    """node_modules with the pinned assets, installed once with `npm ci` (needs npm)."""
    lock = (VENDOR_SPEC / "package-lock.json").read_text(encoding="utf-8")
    stamp = vendor_dir / ".installed-lock.json"
    modules = vendor_dir / "node_modules"
    if modules.is_dir() and stamp.exists() and stamp.read_text(encoding="utf-8") == lock:
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "make slides needs npm (Node.js) once, to fetch reveal.js and MathJax into "
            f"{vendor_dir.relative_to(ROOT) if vendor_dir.is_relative_to(ROOT) else vendor_dir}"
            "; install Node.js and run it again"
        )
    vendor_dir.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(VENDOR_SPEC / name, vendor_dir / name)
    subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=vendor_dir,
        check=True,
    )
    stamp.write_text(lock, encoding="utf-8")
    return modules


def copy_assets(modules: Path, static: Path) -> list[Path]:
    """Copy the files the decks need from node_modules into static/; return them."""
    if static.exists():
        shutil.rmtree(static)
    copied = []
    for package, patterns in ASSETS.items():
        source = modules / package
        for pattern in patterns:
            files = sorted(p for p in source.glob(pattern) if p.is_file())
            if not files:
                raise FileNotFoundError(f"{package}: nothing matches {pattern!r} in {source}")
            for file in files:
                rel = file.relative_to(source).as_posix()
                target = static / package / ASSETS_RENAMED.get((package, rel), rel)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, target)
                copied.append(target)
    versions = {
        package: json.loads((modules / package / "package.json").read_text(encoding="utf-8"))
        for package in ASSETS
    }
    lines = [
        f"{name} {meta['version']} ({meta.get('license', '?')})" for name, meta in versions.items()
    ]
    (static / "VERSIONS.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copied


# --- main ---------------------------------------------------------------------------------


def build(out: Path, notebooks_dir: Path, assets: bool = True) -> list[Path]:
    decks = build_decks(out, notebooks_dir)
    if assets:
        copy_assets(install_vendor(), out / "_static")
    return decks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--no-assets", action="store_true", help="decks only, no _static/")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    decks = build(args.out, args.notebooks, assets=not args.no_assets)
    took = time.perf_counter() - start
    print(f"{len(decks)} decks in {args.out} ({took:.1f} s); open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
