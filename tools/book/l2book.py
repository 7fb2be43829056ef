"""Helpers of the website's Sphinx configuration (imported by ``conf.py`` by name, so that
Sphinx can cache the configuration: its values stay strings, not functions)."""

from __future__ import annotations

from pathlib import Path

#: The course's title, the sites' project name (conf.py) and the landing page's titles.
PROJECT = {
    "en": "L2 regularization, from the formula to PyTorch",
    "zh": "L2 正则化：从公式到 PyTorch",
}


def jupyter_slug(text: str) -> str:
    """A heading's anchor as Jupyter writes it (``#A-short-SVD-primer``), so that the lessons'
    own links between notebooks (``03_ridge_closed_form.ipynb#A-short-SVD-primer``) resolve."""
    return text.strip().replace(" ", "-")


def chinese_search():
    """Sphinx's Chinese search (jieba splits the words), with its JavaScript stemmer named right.

    Sphinx 9.0 ships the English stemmer for Chinese pages (``english-stemmer.js``, which
    defines ``EnglishStemmer``) but writes ``window.Stemmer = ChineseStemmer;``, so the search
    page stops with "ChineseStemmer is not defined". The stemmer *is* the English one (for the
    Latin words of Chinese pages): this subclass says so; splitting and indexing are unchanged.
    """
    from sphinx.search.zh import SearchChinese

    class ChineseSearch(SearchChinese):
        language_name = "English"

    return ChineseSearch


def localize(outdir: Path, pages: dict[str, str], static: dict[str, dict[str, str]]) -> None:
    """Rewrite the interface strings that the theme or MyST-NB write without a translation call
    (``pages``: text -> text in every HTML page; ``static``: file of ``_static`` -> its texts).

    Each rewrite is exact and idempotent (a rebuilt page is rewritten again, an unchanged one is
    left as it is); ``tests/test_book.py`` scans the Chinese pages for any English left.
    """
    targets = [(p, pages) for p in sorted(outdir.glob("*.html"))]
    targets += [(outdir / "_static" / name, texts) for name, texts in static.items()]
    for path, texts in targets:
        if not path.is_file() or not texts:
            continue
        text = path.read_text(encoding="utf-8")
        new = text
        for old, fixed in texts.items():
            new = new.replace(old, fixed)
        if new != text:
            path.write_text(new, encoding="utf-8")


#: The part of MathJax 3 (sphinx-mathjax-offline's copy) the site ships, as globs relative to
#: its folder. The pages load ``tex-chtml.js`` and the CHTML fonts (recorded in Chromium over
#: every lesson of both sites); the rest is what MathJax loads on demand: TeX packages by
#: ``autoload`` (``input/tex/extensions``), the context menu's accessibility tools (``a11y``,
#: the speech rule engine's English and Nemeth rules, the MathML input they parse with), its
#: other renderer (``output/svg``) and ``ui``. The other combined builds (about 19 MB) are left
#: out. ``tests/browser/test_book.py`` fails on any request that is not answered.
MATHJAX_FILES = (
    "tex-chtml.js",
    "output/chtml/fonts/woff-v2/*.woff",
    "output/svg.js",
    "output/svg/fonts/*.js",
    "input/tex/extensions/*.js",
    "input/mml.js",
    "input/mml/entities.js",
    "a11y/*.js",
    "ui/*.js",
    "sre/mathmaps/base.json",
    "sre/mathmaps/en.json",
    "sre/mathmaps/nemeth.json",
)
#: Files of the theme's ``_static`` that no page loads: source maps and the theme's
#: translation catalogs (copied with its static folder).
UNUSED_STATIC = ("scripts/*.map", "styles/*.map", "locales")


def mathjax_source() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("sphinx-mathjax-offline")
    return Path(spec.origin).parent / "static" / "mathjax"


def ship_mathjax(outdir: Path, licence: Path) -> list[str]:
    """Copy ``MATHJAX_FILES`` into ``_static/mathjax`` with MathJax's licence (Apache-2.0) as
    ``LICENSE``; remove any other file there. Return the files shipped (relative paths)."""
    import shutil

    src, dest = mathjax_source(), outdir / "_static" / "mathjax"
    wanted = sorted({p.relative_to(src).as_posix() for g in MATHJAX_FILES for p in src.glob(g)})
    for rel in wanted:
        target = dest / rel
        if not target.is_file() or target.stat().st_size != (src / rel).stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / rel, target)
    shutil.copyfile(licence, dest / "LICENSE")
    keep = {*wanted, "LICENSE"}
    for path in sorted(dest.rglob("*"), reverse=True):  # files first, then emptied folders
        rel = path.relative_to(dest).as_posix()
        if path.is_file() and rel not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return wanted


def ship_font_licences(outdir: Path, ofl: Path) -> None:
    """Beside Font Awesome Free's webfonts (pydata-sphinx-theme ships them): the SIL OFL 1.1
    text (``OFL.txt``) and a ``LICENSE.txt`` naming the licences of the fonts, icons and code,
    with Font Awesome's own licence banner (from ``scripts/fontawesome.js.LICENSE.txt``)."""
    import shutil

    static = outdir / "_static"
    for webfonts in sorted(static.glob("vendor/fontawesome/webfonts")):
        shutil.copyfile(ofl, webfonts / "OFL.txt")
        banner = static / "scripts" / "fontawesome.js.LICENSE.txt"
        note = (
            "The fonts in this folder are Font Awesome Free's webfonts, licensed under the\n"
            "SIL Open Font License 1.1 (its text: OFL.txt). Font Awesome Free's icons are under\n"
            "CC BY 4.0 and its code under the MIT licence (https://fontawesome.com/license/free).\n"
        )
        if banner.is_file():
            note += "\nFont Awesome Free's notice:\n\n" + banner.read_text(encoding="utf-8")
        (webfonts / "LICENSE.txt").write_text(note, encoding="utf-8")


def prune_static(outdir: Path) -> None:
    """Remove ``UNUSED_STATIC`` from the site's ``_static``."""
    import shutil

    static = outdir / "_static"
    for pattern in UNUSED_STATIC:
        for path in static.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
