"""Sphinx configuration of the course website, one file for both sites (`make book`).

``tools/build_book.py`` writes the sources of each site into ``build/book-src/<lang>/`` and runs
Sphinx with this folder as the configuration folder (``-c tools/book``) and the environment
variable ``L2BOOK_LANG`` set to ``en`` or ``zh``. Everything language-specific is in ``SITE``.
The notebooks are rendered with their stored outputs, never executed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tools/: links.py knows the repository's address
sys.path.insert(0, str(HERE))  # l2book.py

import l2book  # noqa: E402
import links  # noqa: E402

LANG = os.environ.get("L2BOOK_LANG", "en")
REPO = links.repository()
SITE = {
    "en": {
        "language": "en",
        "lang_attr": "en",
        "other": "zh",
        "other_label": "中文",
        "other_lang_attr": "zh-CN",
        "switch_title": "This page in Chinese",
        "project": l2book.PROJECT["en"],
        "show": "Show the code",
        "hide": "Hide the code",
        "toc": "Contents",
        "search": "Search the course",
        "fixed": {},
    },
    "zh": {
        "language": "zh_CN",
        "lang_attr": "zh-CN",
        "other": "en",
        "other_label": "English",
        "other_lang_attr": "en",
        "switch_title": "本页的英文版",
        "project": l2book.PROJECT["zh"],
        "show": "显示代码",
        "hide": "隐藏代码",
        "toc": "本页目录",
        "search": "在课程中搜索",
        # Interface strings that the theme and MyST-NB write without a translation call:
        # rewritten in the built pages (l2book.localize), exactly as they are written there.
        "fixed": {
            '<nav class="bd-links bd-docs-nav" aria-label="Main">': (
                '<nav class="bd-links bd-docs-nav" aria-label="课程导航">'
            ),
            '<nav aria-label="Page">': '<nav aria-label="本页目录">',
            '<summary aria-label="Toggle hidden content">': (
                '<summary aria-label="显示或隐藏内容">'
            ),
        },
        # The copy button's own Chinese (sphinx-copybutton's table for <html lang="zh-CN">),
        # with full-width punctuation.
        "fixed_static": {"copybutton.js": {"'复制成功!'": "'已复制！'"}},
    },
}[LANG]

project = SITE["project"]
author = "l2lessons"
copyright = "l2lessons contributors"
language = SITE["language"]
# The Chinese interface strings the installed catalogs lack (tools/book/locale/*.po), compiled
# with Babel by build_book.py into build/book-src/locale/ (beside each site's sources).
if os.environ.get("L2BOOK_SRC"):
    locale_dirs = [str(Path(os.environ["L2BOOK_SRC"]).parent / "locale")]
gettext_auto_build = False

extensions = [
    "myst_nb",
    "sphinx_copybutton",
]
# MathJax 3 from the sphinx-mathjax-offline package, served from the site (no CDN): only the
# part the pages load or MathJax loads on demand (l2book.ship_mathjax, after the build), with
# its licence. The package is not loaded as an extension: it would copy all of its 24 MB.
mathjax_path = "mathjax/tex-chtml.js"
templates_path = [str(HERE / "_templates")]
html_static_path = [str(HERE / "_static")]
html_css_files = ["l2book.css"]
exclude_patterns = ["_build", ".doctrees", "jupyter_execute", "**.ipynb_checkpoints"]
html_theme = "sphinx_book_theme"
# The text exactly as the notebooks write it (no curly quotes or dashes added; the Chinese
# punctuation is already full-width, checked by tools/zh_lint.py).
smartquotes = False
html_title = SITE["project"]
html_favicon = str(HERE / "favicon.svg")  # else the browser asks for /favicon.ico: a 404
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False  # the download button offers the .ipynb (below), not the copy
html_context = {"l2": SITE, "l2_repo": REPO.url, "default_mode": "auto"}

# --- MyST-NB: stored outputs only ---------------------------------------------------------------
nb_execution_mode = "off"
# No ipywidgets JavaScript from a CDN: the widgets' bundles carry a kernel-free text/html view.
nb_ipywidgets_js = {}
# The website shows text/html (the scrubber) and never the widget view.
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/vnd.jupyter.widget-state+json", None),
]
nb_output_stderr = "remove"
nb_code_prompt_show = SITE["show"]
nb_code_prompt_hide = SITE["hide"]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "html_image"]
myst_heading_anchors = 3
myst_heading_slug_func = "l2book.jupyter_slug"
# Outputs in Markdown (the reference solutions) may carry math.
nb_render_markdown_format = "myst"
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header"]

# --- sphinx-book-theme --------------------------------------------------------------------------
html_theme_options = {
    "repository_url": REPO.url,
    "repository_branch": "main",
    "path_to_docs": f"notebooks/{LANG}",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "toc_title": SITE["toc"],
    "search_bar_text": SITE["search"],
    # No header bar above the page (its only item was a second search field).
    "navbar_persistent": [],
    # The theme's article header components, their tooltips translated.
    "article_header_start": ["l2-toggle-primary-sidebar.html"],
    "article_header_end": ["l2-lang-switch.html", "l2-header-buttons.html"],
    "footer_content_items": ["l2-footer.html"],
    "navigation_with_keys": False,
}

# Sphinx's Chinese search splits words with jieba when it is installed ([book] extra), with
# the glossary's terms as extra words (build_book.py writes the dictionary beside the sources).
if LANG == "zh" and os.environ.get("L2BOOK_SRC"):
    html_search_options = {"dict": str(Path(os.environ["L2BOOK_SRC"]) / "jieba_dict.txt")}


def _lang_attr(app, pagename, templatename, context, doctree):
    # The theme writes <html lang="{{ language }}">, which would be "zh_CN": BCP 47 says zh-CN.
    context["language"] = SITE["lang_attr"]
    # The download menu: the site ships no sources (html_copy_source), so its "source" item
    # (a link to _sources/) becomes the notebook on the repository host on a lesson page and
    # is dropped on the other pages; "Print to PDF" stays.
    notebook = context.get("page_source_suffix") == ".ipynb"
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        items = []
        for item in group["buttons"]:
            if item.get("label") == "download-source-button":
                if not notebook:
                    continue
                item = dict(
                    item,
                    url=f"{REPO.url}/raw/main/notebooks/{LANG}/{pagename}.ipynb",
                    tooltip="Download notebook file",
                    label="download-notebook-button",
                )
            items.append(item)
        group["buttons"] = items


def _own_output_folder(app):
    # MyST-NB writes each notebook's images to <outdir>/../jupyter_execute, which both sites
    # would share (same notebook names): give each site its own, beside its sources.
    folder = Path(app.doctreedir).parent / "jupyter_execute"
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder))


def _finish(app, exc):
    if exc is None:
        out = Path(app.outdir)
        l2book.localize(out, SITE["fixed"], SITE.get("fixed_static", {}))
        l2book.prune_static(out)
        l2book.ship_mathjax(out, HERE / "licenses" / "Apache-2.0.txt")
        l2book.ship_font_licences(out, HERE / "licenses" / "OFL-1.1.txt")


def setup(app):
    if LANG == "zh":
        app.add_search_language(l2book.chinese_search())
    if os.environ.get("L2BOOK_SRC"):
        # sphinx-book-theme's own domain: this catalog is registered before the theme's (the
        # theme loads after conf.py), so that its strings come first.
        app.add_message_catalog("booktheme", locale_dirs[0])
    app.connect("build-finished", _finish, priority=900)
    app.connect("builder-inited", _own_output_folder, priority=900)
    app.connect("html-page-context", _lang_attr, priority=900)
