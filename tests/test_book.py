"""The course website (`make book`), checked in the built HTML, without a browser.

The build is shared with ``tests/browser/test_book.py``: ``build_book.ensure_book()`` builds
``build/book`` once, and reuses a build newer than every notebook and tool source. The browser
suite checks what needs a browser (requests, scrubbers, search, axe-core).
"""

from __future__ import annotations

import copy
import html
import json
import re
import time
from html.parser import HTMLParser
from pathlib import Path

import build_book
import links
import pytest

ROOT = Path(__file__).resolve().parents[1]
LANGS = build_book.LANGS
LESSONS = [p.stem for p in build_book.lessons(ROOT, "en")]
PAGES = [*LESSONS, "index", "benchmarks", "glossary", "license-code", "license-content"]
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)


@pytest.fixture(scope="module")
def book() -> Path:
    missing = build_book.missing_packages()
    if missing:
        pytest.skip(f"the website needs {', '.join(missing)}: {build_book.INSTALL_HINT}")
    return build_book.ensure_book()


class Tags(HTMLParser):
    """Every start tag of a page, as (tag, attributes)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: (v or "") for k, v in attrs}))


def tags(path: Path) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def html_pages(book: Path) -> list[Path]:
    return sorted(book.glob("*.html")) + sorted(
        p for lang in LANGS for p in (book / lang).glob("*.html")
    )


def notebook(lang: str, stem: str) -> dict:
    return json.loads((ROOT / "notebooks" / lang / f"{stem}.ipynb").read_text(encoding="utf-8"))


# --- pages -----------------------------------------------------------------------------------


def test_every_page_exists_in_both_languages(book):
    for lang in LANGS:
        for page in PAGES:
            assert (book / lang / f"{page}.html").is_file(), f"{lang}/{page}.html was not built"
    landing = [a["href"] for tag, a in tags(book / "index.html") if tag == "a"]
    assert "en/index.html" in landing and "zh/index.html" in landing


def test_landing_page_offers_both_sites_in_their_languages(book):
    landing = book / "index.html"
    found = tags(landing)
    sections = {a.get("lang") for tag, a in found if tag == "section"}
    assert sections == {"en", "zh-CN"}, f"the landing page's parts are marked {sections}"
    text = landing.read_text(encoding="utf-8")
    for lang in LANGS:
        part = text[text.index(f'<section lang="{build_book._lang_attr(lang)}"') :]
        part = part[: part.index("</section>")]
        assert html.escape(build_book.TEXT[lang]["landing_pick"]) in part
        assert f'href="{lang}/index.html"' in part
        for path in build_book.lessons(ROOT, lang):
            assert f'href="{lang}/{path.stem}.html"' in part, f"landing: no {lang}/{path.stem}"
    assert "L2 regularization" in text and "L2 正则化" in text


def test_html_lang_attribute(book):
    for lang, attr in (("en", "en"), ("zh", "zh-CN")):
        for path in sorted((book / lang).glob("*.html")):
            first = next(a for tag, a in tags(path) if tag == "html")
            assert first.get("lang") == attr, f"{path.name}: <html lang={first.get('lang')!r}>"


def test_course_map_links_every_lesson_with_its_title(book):
    for lang in LANGS:
        hrefs = {a.get("href") for tag, a in tags(book / lang / "index.html") if tag == "a"}
        text = (book / lang / "index.html").read_text(encoding="utf-8")
        for path in build_book.lessons(ROOT, lang):
            assert f"{path.stem}.html" in hrefs, f"{lang} course map: no link to {path.stem}"
            title = links.lesson_title(path)
            plain = re.sub(r"`([^`]*)`", r"\1", title)
            assert plain in html.unescape(re.sub(r"<[^>]+>", "", text)), title


def test_glossary_page_lists_every_term(book):
    from l2lessons import glossary

    for lang in LANGS:
        text = html.unescape(re.sub(r"<[^>]+>", "", (book / lang / "glossary.html").read_text()))
        for term in glossary.terms():
            assert term.en in text and term.zh in text, f"{lang} glossary lacks {term.en}"


def test_footer_names_both_licences_on_every_page(book):
    words = {"en": ("MIT licence", "CC BY 4.0"), "zh": ("MIT 许可协议", "CC BY 4.0")}
    for lang in LANGS:
        for path in sorted((book / lang).glob("*.html")):
            text = path.read_text(encoding="utf-8")
            footer = text[text.rfind('<div class="l2-licence">') :]
            assert footer.startswith('<div class="l2-licence">'), f"{lang}/{path.name}: no footer"
            for word in words[lang]:
                assert word in footer, f"{lang}/{path.name}: the footer lacks {word!r}"
            for target in ("license-code.html", "license-content.html"):
                href = "#" if path.name == target else target  # Sphinx's link to the page itself
                assert f'href="{href}"' in footer, f"{lang}/{path.name}: no link to {target}"
    assert "Permission is hereby granted" in (book / "en" / "license-code.html").read_text()
    assert "Attribution 4.0" in (book / "zh" / "license-content.html").read_text()


def test_language_switch_on_every_page_points_to_the_same_page(book):
    for lang in LANGS:
        other = "zh" if lang == "en" else "en"
        for path in sorted((book / lang).glob("*.html")):
            switch = [
                a for tag, a in tags(path) if tag == "a" and "l2-lang-switch" in a.get("class", "")
            ]
            assert len(switch) == 1, f"{lang}/{path.name}: {len(switch)} language switches"
            assert switch[0]["href"] == f"../{other}/{path.name}"
            assert (book / other / path.name).is_file()


def test_the_chinese_sites_interface_is_in_chinese(book):
    """Every button, tooltip, label and placeholder of the Chinese pages outside the lessons'
    own text: Chinese, but for brand names and the switch to the English site."""
    bad = {}
    for path in sorted((book / "zh").glob("*.html")):
        found = build_book.latin_interface_strings(path.read_text(encoding="utf-8"))
        if found:
            bad[path.name] = sorted(set(found))
    assert not bad, "English in the Chinese site's interface:\n" + "\n".join(
        f"{name}: {', '.join(strings)}" for name, strings in bad.items()
    )
    copy = (book / "zh" / "_static" / "copybutton.js").read_text(encoding="utf-8")
    assert "'zh-CN': {" in copy, "the copy button has no Chinese messages for <html lang=zh-CN>"


def test_the_interface_scan_sees_english():
    page = (
        '<html><body><nav aria-label="Main"><a href="x" title="在 Binder 中打开">Binder</a>'
        '</nav><button title="Toggle primary sidebar">x</button><article><p>Frobenius</p>'
        '<summary aria-label="Toggle hidden content"></summary><img alt="a figure">'
        '<code>weight_decay</code></article><span class="math">\\lambda</span>'
        '<nav class="page-toc"><a href="#s">Section 1</a></nav><a href="x">.md</a>'
        "<p>Source: https://github.com/x/y</p></body></html>"
    )
    assert build_book.latin_interface_strings(page) == [
        "<nav aria-label='Main'>",
        "<button title='Toggle primary sidebar'>",
        "x",
        "<summary aria-label='Toggle hidden content'>",
        "Source: https://github.com/x/y",
    ]


# --- offline ---------------------------------------------------------------------------------


def test_no_resource_from_the_web(book):
    """Scripts, styles, images, fonts: every one from the site (links to the web are fine)."""
    bad = []
    for path in html_pages(book):
        for tag, a in tags(path):
            for attr in ("src", "srcset", "data", "poster"):
                if REMOTE.match(a.get(attr, "")):
                    bad.append(f"{path.relative_to(book)}: <{tag} {attr}={a[attr]}>")
            if tag == "link" and REMOTE.match(a.get("href", "")):
                bad.append(f"{path.relative_to(book)}: <link href={a['href']}>")
            if re.search(r"url\(\s*['\"]?\s*(https?:)?//", a.get("style", "")):
                bad.append(f"{path.relative_to(book)}: <{tag} style=...url(http...)>")
        for url in re.findall(
            r"@import\s+(?:url\()?['\"]?((?:https?:)?//[^'\")\s]+)", path.read_text()
        ):
            bad.append(f"{path.relative_to(book)}: @import {url}")
    for css in sorted(book.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")\s]+)", text):
            if "www.w3.org/2000/svg" not in url:  # an SVG namespace, not a request
                bad.append(f"{css.relative_to(book)}: url({url})")
    assert not bad, "resources from the web:\n" + "\n".join(bad[:30])


def test_mathjax_is_served_from_the_site(book):
    for lang in LANGS:
        srcs = [
            a["src"]
            for tag, a in tags(book / lang / "01_norms.html")
            if tag == "script" and "src" in a
        ]
        mathjax = [s for s in srcs if "mathjax" in s.lower()]
        assert mathjax, f"{lang}/01_norms.html loads no MathJax"
        for src in mathjax:
            assert (book / lang / src.split("?")[0]).is_file(), src


def test_no_widget_manager_and_no_slider_placeholder(book):
    for path in html_pages(book):
        text = path.read_text(encoding="utf-8")
        for needle in (
            "@jupyter-widgets",
            "require.js",
            "widget-state+json",
            build_book.PLACEHOLDER,
        ):
            assert needle not in text, f"{path.relative_to(book)} contains {needle!r}"


def test_every_scrubber_of_the_notebooks_is_on_its_page(book):
    found = 0
    for lang in LANGS:
        for stem in LESSONS:
            ids = set()
            for cell in notebook(lang, stem)["cells"]:
                for out in cell.get("outputs", []):
                    ids.update(
                        re.findall(
                            r'id="(l2-scrubber-[^"]+)"',
                            "".join(out.get("data", {}).get("text/html", "")),
                        )
                    )
            text = (book / lang / f"{stem}.html").read_text(encoding="utf-8")
            for i in ids:
                assert f'id="{i}"' in text, f"{lang}/{stem}: scrubber {i} missing"
            found += len(ids)
    assert found, "no scrubber in any notebook: the test checks nothing"


#: A licence file's name, and the words that name a font licence in it.
LICENCE_FILE = re.compile(r"^(LICEN[CS]E|OFL|COPYING)", re.I)
FONT_LICENCES = ("SIL OPEN FONT LICENSE", "Apache License")


def test_every_shipped_font_has_its_licence_beside_it(book):
    """Each font file has, in its folder or a folder above it inside ``_static``, a licence
    file naming a font licence."""
    fonts = [p for p in book.rglob("*") if p.suffix.lower() in {".woff", ".woff2", ".ttf", ".otf"}]
    assert len(fonts) > 10, f"only {len(fonts)} font files found: the test checks nothing"
    missing = []
    for font in fonts:
        static = next(p for p in font.parents if p.name == "_static")
        named = False
        for folder in font.parents:
            for f in folder.iterdir():
                if f.is_file() and LICENCE_FILE.match(f.name):
                    text = f.read_text(encoding="utf-8", errors="replace")
                    named = named or any(w.lower() in text.lower() for w in FONT_LICENCES)
            if named or folder == static:
                break
        if not named:
            missing.append(str(font.relative_to(book)))
    assert not missing, "fonts without a licence beside them:\n" + "\n".join(missing[:20])
    for lang in LANGS:
        webfonts = book / lang / "_static" / "vendor" / "fontawesome" / "webfonts"
        assert "SIL OPEN FONT LICENSE" in (webfonts / "OFL.txt").read_text()
        assert "Apache License" in (book / lang / "_static/mathjax/LICENSE").read_text()


def _first_line(dist: str) -> str:
    from importlib import metadata

    files = metadata.distribution(dist).files or []
    licence = next(f for f in files if f.name.upper().startswith("LICENSE"))
    return licence.read_text().strip().split("\n")[0]


def test_third_party_licences_are_the_installed_ones(book):
    """The licence pages' table of third-party software says what the installed packages and
    the shipped files say of their licences."""
    from importlib import metadata

    static = book / "en" / "_static"
    found = {
        "Sphinx": metadata.metadata("sphinx")["License-Expression"],
        "MyST-NB": metadata.metadata("myst-nb")["License-Expression"],
        "sphinx-book-theme": _first_line("sphinx-book-theme"),
        "pydata-sphinx-theme": _first_line("pydata-sphinx-theme"),
        "sphinx-copybutton": metadata.metadata("sphinx-copybutton")["License"],
        "clipboard.js": (static / "clipboard.min.js").read_text()[:300],
        "Bootstrap": (static / "scripts" / "bootstrap.js.LICENSE.txt").read_text(),
        "Font Awesome Free": (static / "scripts" / "fontawesome.js.LICENSE.txt").read_text(),
        "MathJax": (static / "mathjax" / "LICENSE").read_text()[:200],
    }
    #: component -> (what its installed files say, what the licence pages' table says)
    says = {
        "Sphinx": ("BSD-2-Clause", "BSD-2-Clause"),
        "MyST-NB": ("BSD-3-Clause", "BSD-3-Clause"),
        "sphinx-book-theme": ("BSD 3-Clause", "BSD-3-Clause"),
        "pydata-sphinx-theme": ("BSD 3-Clause", "BSD-3-Clause"),
        "sphinx-copybutton": ("MIT", "MIT"),
        "clipboard.js": ("Licensed MIT", "MIT"),
        "Bootstrap": ("Licensed under MIT", "MIT"),
        "Font Awesome Free": ("Icons: CC BY 4.0, Fonts: SIL OFL 1.1, Code: MIT", "SIL OFL 1.1"),
        "MathJax": ("Apache License", "Apache-2.0"),
    }
    for name, (installed, _) in says.items():
        assert installed in found[name], f"{name}: the installed files say {found[name][:200]!r}"
    for lang in LANGS:
        page = (book / lang / "license-code.html").read_text(encoding="utf-8")
        rows = [
            html.unescape(re.sub(r"<[^>]+>", "", r)) for r in re.findall(r"<tr.*?</tr>", page, re.S)
        ]
        for name, (_, licence) in says.items():
            assert any(name in r and licence in r for r in rows), (
                f"{lang}/license-code.html: no row saying {name} is under {licence}"
            )
    fa = next(r for r in rows if "Font Awesome" in r)
    assert "CC BY 4.0" in fa and "MIT" in fa


# --- lessons ---------------------------------------------------------------------------------


def test_every_lesson_figure_has_its_alt_text(book):
    """Every <img> of a lesson page has a text alternative, and every figure cell's
    ``mystnb.image.alt`` reaches the page."""
    missing = []
    for lang in LANGS:
        for stem in LESSONS:
            page = book / lang / f"{stem}.html"
            text = html.unescape(page.read_text(encoding="utf-8"))
            for tag, a in tags(page):
                alt = a.get("alt", "").strip()
                # docutils writes the file name as alt text when a figure has none
                if tag == "img" and (not alt or alt == a.get("src") or alt.endswith(".png")):
                    missing.append(f"{lang}/{stem}: <img src={a.get('src', '')[:60]}> has no alt")
            for cell in notebook(lang, stem)["cells"]:
                alt = cell.get("metadata", {}).get("mystnb", {}).get("image", {}).get("alt")
                if alt and f'alt="{alt}"' not in text:
                    missing.append(f"{lang}/{stem}: alt {alt[:50]!r} not on the page")
    assert not missing, f"{len(missing)} figures without alt text:\n" + "\n".join(missing[:20])


def test_solutions_are_collapsed_under_their_exercises(book):
    prompt = {lang: build_book.TEXT[lang]["show_solution"] for lang in LANGS}
    label = {"en": "Reference solution", "zh": "参考答案"}
    checked = 0
    for lang in LANGS:
        for stem in LESSONS:
            cells = notebook(lang, stem)["cells"]
            n = sum("solution" in c.get("metadata", {}).get("tags", []) for c in cells)
            text = (book / lang / f"{stem}.html").read_text(encoding="utf-8")
            details = re.findall(
                r"<details\b([^>]*)>\s*<summary[^>]*>(.*?)</summary>(.*?)</details>", text, re.S
            )
            sols = [d for d in details if prompt[lang] in d[1]]
            assert len(sols) == n, (
                f"{lang}/{stem}: {len(sols)} collapsed solutions, {n} in the notebook"
            )
            for attrs, _, body in sols:
                assert " open" not in attrs, f"{lang}/{stem}: a solution is shown open"
                assert label[lang] in body and "highlight-python" in body, f"{lang}/{stem}"
                assert "solution(&quot;" not in body and 'solution("' not in body
            checked += n
    assert checked, "no solution cell in any notebook: the test checks nothing"


def test_launch_buttons_come_from_the_repository_address(book):
    repo = links.repository(ROOT)
    for lang in LANGS:
        for stem in LESSONS:
            hrefs = {a.get("href") for tag, a in tags(book / lang / f"{stem}.html") if tag == "a"}
            path = f"notebooks/{lang}/{stem}.ipynb"
            binder = (
                f"https://mybinder.org/v2/gh/{repo.owner}/{repo.name}/main?urlpath=lab/tree/{path}"
            )
            colab = f"https://colab.research.google.com/github/{repo.owner}/{repo.name}/blob/main/{path}"
            assert binder in hrefs, f"{lang}/{stem}: no Binder button ({binder})"
            assert colab in hrefs and colab == repo.colab(path), f"{lang}/{stem}: no Colab button"
            assert repo.url in hrefs


def test_code_is_copyable_and_math_is_marked_up(book):
    for lang in LANGS:
        text = (book / lang / "01_norms.html").read_text(encoding="utf-8")
        assert "copybutton.js" in text
        assert 'class="math notranslate nohighlight"' in text, "no math on lesson 1"


def test_search_indexes_hold_the_course_words(book):
    def terms(lang):
        text = (book / lang / "searchindex.js").read_text(encoding="utf-8")
        return json.loads(text[text.index("(") + 1 : text.rindex(")")])

    zh = terms("zh")
    lesson_docs = {i for i, d in enumerate(zh["docnames"]) if re.match(r"\d\d_", d)}
    for word in ("正则化", "权重衰减", "过拟合"):
        docs = zh["terms"].get(word)
        docs = {docs} if isinstance(docs, int) else set(docs or ())
        assert docs & lesson_docs, f"the Chinese search index finds no lesson for {word}"
    en = terms("en")
    for word in ("weight", "decay"):
        assert word in en["terms"], word


# --- the tool --------------------------------------------------------------------------------


def test_book_notebook_leaves_the_notebook_alone_and_maps_tags():
    repo = links.repository(ROOT)
    stems = set(LESSONS)
    nb = notebook("en", "01_norms")
    before = copy.deepcopy(nb)
    out = build_book.book_notebook(nb, "en", repo, stems)
    assert nb == before, "book_notebook changed its input"
    assert not any(links.is_badge_line(line) for line in links.source(out["cells"][0]).split("\n"))
    for cell, orig in zip(out["cells"], before["cells"], strict=True):
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution" in orig.get("metadata", {}).get("tags", []):
            assert {"remove-input", "hide-output"} <= set(tags)
            assert "Reference solution" in cell["outputs"][0]["data"]["text/markdown"]
        if "install" in orig.get("metadata", {}).get("tags", []):
            assert "hide-input" in tags


def test_rewrite_links():
    repo = links.repository(ROOT)
    stems = {"01_norms", "03_ridge_closed_form"}

    def fix(text, lang="en"):
        return build_book.rewrite_links(text, f"notebooks/{lang}", lang, repo, stems)

    assert fix("[a](01_norms.ipynb)") == "[a](01_norms.ipynb)"
    assert fix("[a](03_ridge_closed_form.ipynb#A-b)") == "[a](03_ridge_closed_form.ipynb#A-b)"
    assert (
        fix("[中文](../zh/01_norms.ipynb)")
        == '<a href="../zh/01_norms.html" hreflang="zh-CN">中文</a>'
    )
    assert (
        fix("[b](../../l2lessons/penalty.py)") == f"[b]({repo.url}/blob/main/l2lessons/penalty.py)"
    )
    assert fix("[c](../../docs/benchmarks.md)") == "[c](benchmarks.md)"
    assert fix("[w](https://pytorch.org/x.html)") == "[w](https://pytorch.org/x.html)"
    assert fix("[s](#Section)") == "[s](#Section)"


def test_freshness_follows_the_sources(tmp_path):
    assert not build_book.is_fresh(tmp_path)
    stamp = tmp_path / build_book.STAMP
    stamp.write_text("{}")
    newest = max(p.stat().st_mtime for p in build_book.inputs(ROOT))
    import os

    os.utime(stamp, (newest - 10, newest - 10))
    assert not build_book.is_fresh(tmp_path), "a source newer than the build was not seen"
    later = time.time() + 60
    os.utime(stamp, (later, later))
    assert build_book.is_fresh(tmp_path)
    assert ROOT / "notebooks" / "en" / "01_norms.ipynb" in build_book.inputs(ROOT)
