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
        "project": "L2 regularization, from the formula to PyTorch",
        "show": "Show the code",
        "hide": "Hide the code",
        "toc": "Contents",
    },
    "zh": {
        "language": "zh_CN",
        "lang_attr": "zh-CN",
        "other": "en",
        "other_label": "English",
        "other_lang_attr": "en",
        "switch_title": "本页的英文版",
        "project": "L2 正则化：从公式到 PyTorch",
        "show": "显示代码",
        "hide": "隐藏代码",
        "toc": "本页目录",
    },
}[LANG]

project = SITE["project"]
author = "l2lessons"
copyright = "l2lessons contributors"
language = SITE["language"]

extensions = [
    "myst_nb",
    "sphinx_copybutton",
    "sphinx-mathjax-offline",  # MathJax 3 copied into _static/mathjax: no CDN
]
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
    "article_header_end": ["l2-lang-switch.html", "article-header-buttons.html"],
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
    # Pages with no notebook behind them get no launch buttons (the theme already does this)
    # and no "download" of a source the site does not ship.


def _own_output_folder(app):
    # MyST-NB writes each notebook's images to <outdir>/../jupyter_execute, which both sites
    # would share (same notebook names): give each site its own, beside its sources.
    folder = Path(app.doctreedir).parent / "jupyter_execute"
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder))


def setup(app):
    if LANG == "zh":
        import l2book

        app.add_search_language(l2book.chinese_search())
    app.connect("builder-inited", _own_output_folder, priority=900)
    app.connect("html-page-context", _lang_attr, priority=900)
