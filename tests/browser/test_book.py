"""The course website (`make book`) in Chromium: offline, linked, searchable, accessible.

A session fixture builds the book once (``build_book.ensure_book()`` reuses a build newer than
every source) and serves ``build/book`` from a ``http.server`` on 127.0.0.1 under a path prefix
(``/l2/``), as a host's pages service would, so that any absolute link would break.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import http.server
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import build_book
import pytest

from .conftest import need_chromium

PREFIX = "/l2/"
#: axe-core rules are kept, every one; impacts that fail a page.
FAILING_IMPACTS = {"serious", "critical"}
RESULTS: dict[str, object] = {}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The base URL of the built book, served on 127.0.0.1 under ``/l2/``."""
    need_chromium()
    missing = build_book.missing_packages()
    if missing:
        pytest.skip(f"the website needs {', '.join(missing)}: {build_book.INSTALL_HINT}")
    t0 = time.perf_counter()
    book = build_book.ensure_book()
    RESULTS["build_s"] = time.perf_counter() - t0
    root = tmp_path_factory.mktemp("site")
    (root / PREFIX.strip("/")).symlink_to(book, target_is_directory=True)
    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{PREFIX}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module", autouse=True)
def report(request):
    """After the module: the build time, the largest page's transfer size and axe-core's
    counts, printed and written to build/browser/book.json."""
    yield
    if not RESULTS:
        return
    out = build_book.ROOT / "build" / "browser"
    out.mkdir(parents=True, exist_ok=True)
    (out / "book.json").write_text(json.dumps(RESULTS, indent=1, ensure_ascii=False) + "\n")
    line = f"book: build (or reuse of a current build) {RESULTS.get('build_s', 0):.1f} s"
    if "largest" in RESULTS:
        name, size, n = RESULTS["largest"]
        line += f"; largest of {n} pages: {name}, {size / 1e6:.2f} MB with every resource"
    if "axe" in RESULTS:
        line += (
            f"; axe-core on {RESULTS['axe'][0]} pages, violations by impact: {RESULTS['axe'][1]}"
        )
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter:
        reporter.write_line("")
        reporter.write_line(line)


def pages(lang: str | None = None) -> list[str]:
    """Every HTML page of the site, relative to its root (``en/01_norms.html``)."""
    book = build_book.OUT
    langs = [lang] if lang else list(build_book.LANGS)
    found = [f"{la}/{p.name}" for la in langs for p in sorted((book / la).glob("*.html"))]
    return found if lang else ["index.html", *found]


@contextlib.contextmanager
def recorded(browser, base, width=1280, height=900, locale="en-US"):
    """A page that records every request, console error and failed response."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
    page = context.new_page()
    log = {"requests": [], "errors": []}
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log["errors"].append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: log["errors"].append(f"failed ({r.failure}): {r.url}"))
    page.on(
        "response",
        lambda r: log["errors"].append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
    )
    try:
        yield page, log
    finally:
        context.close()


#: A page is settled when MathJax has typeset it and every font its layout asks for is in:
#: waiting for that replaces "networkidle" (which waits 500 ms of quiet on every page).
_SETTLED = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  document.body.getBoundingClientRect();  // lay the page out: its fonts are requested now
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await document.fonts.ready;
}"""


def visit(page, url):
    """Open ``url`` and wait until it is settled (``_SETTLED``)."""
    page.goto(url, wait_until="load")
    page.evaluate(_SETTLED)


def off_site(urls, base):
    origin = re.match(r"^https?://[^/]+", base).group(0)
    return [u for u in urls if not u.startswith((origin + "/", "data:", "blob:", "about:"))]


#: MathJax components loaded on demand (tools/book/l2book.py, MATHJAX_FILES).
ON_DEMAND = [
    "a11y/explorer",
    "a11y/complexity",
    "a11y/assistive-mml",
    "ui/menu",
    "output/svg",
    "[tex]/cancel",
]


def test_every_page_loads_offline_without_errors(browser, site):
    """Both sites and the landing page: no console error, no request leaving 127.0.0.1."""
    problems, sizes = [], {}
    with recorded(browser, site) as (page, log):
        transferred = {}

        def size(response):  # the server sends every file with its length
            with contextlib.suppress(Exception, ValueError):
                transferred[response.url] = int(response.headers.get("content-length", 0))

        page.on("response", size)
        for name in pages():
            log["requests"].clear(), log["errors"].clear(), transferred.clear()
            # (no figure is loaded lazily: "load" has every image, _SETTLED MathJax's fonts)
            visit(page, site + name)
            for url in off_site(log["requests"], site):
                problems.append(f"{name}: request off the site: {url}")
            for err in log["errors"]:
                # A request the next navigation cut short (the favicon, say) is no failure of
                # the site; a missing file answers 404, recorded from its response.
                if "net::ERR_ABORTED" not in err:
                    problems.append(f"{name}: {err}")
            sizes[name] = sum(transferred.values())
        # What MathJax loads on demand (its menu's accessibility tools and other renderer, a TeX
        # package by autoload) is shipped too: the site keeps only part of MathJax.
        log["errors"].clear()
        visit(page, site + "zh/01_norms.html")
        page.evaluate("(c) => MathJax.loader.load(...c)", ON_DEMAND)
        page.wait_for_load_state("networkidle")
        problems += [f"MathJax on demand: {err}" for err in log["errors"]]
    largest = max(sizes, key=sizes.get)
    RESULTS["largest"] = (largest, sizes[largest], len(sizes))
    assert not problems, "\n".join(problems[:30])


class Anchors:
    """The hrefs of a page's links and its element ids (regular expressions: the pages are
    large, mostly base64 figures, and Sphinx writes every attribute in double quotes)."""

    def __init__(self, text: str):
        self.hrefs = [html.unescape(h) for h in re.findall(r'<a\b[^>]*?\shref="([^"]*)"', text)]
        self.ids = {
            html.unescape(i) for i in re.findall(r'<[a-zA-Z][^>]*?\s(?:id|name)="([^"]*)"', text)
        }


@functools.cache
def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            body = response.read()
            kind = response.headers.get_content_type()
            return response.status, body.decode("utf-8", "replace") if kind == "text/html" else ""
    except urllib.error.HTTPError as err:
        return err.code, ""


@functools.cache
def parsed(url: str) -> Anchors:
    return Anchors(fetch(url)[1])


def test_every_internal_link_resolves(site):
    """Every href to the site answers 200, and its #anchor exists on the target page."""
    broken, checked = [], 0
    for name in pages():
        url = site + name
        status, _ = fetch(url)
        assert status == 200, f"{name}: HTTP {status}"
        for href in parsed(url).hrefs:
            if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I) or href.startswith("//"):
                continue  # the web (launch buttons, references) or mailto:
            target, _, anchor = urllib.parse.urljoin(url, href).partition("#")
            if not target.startswith(site):
                broken.append(f"{name}: {href} leaves the site's folder")
                continue
            status, _ = fetch(target)
            checked += 1
            if status != 200:
                broken.append(f"{name}: {href} -> HTTP {status}")
            elif anchor and urllib.parse.unquote(anchor) not in parsed(target).ids:
                broken.append(f"{name}: {href} -> no #{anchor} on the page")
    assert checked > 100, f"only {checked} internal links checked"
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:30])


def test_language_switch_lands_on_the_same_lesson(browser, site):
    with recorded(browser, site) as (page, _):
        page.goto(site + "en/03_ridge_closed_form.html")
        page.click("a.l2-lang-switch")
        page.wait_for_load_state()
        assert page.url == site + "zh/03_ridge_closed_form.html"
        assert "第 3 课" in page.inner_text("h1")
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        page.click("a.l2-lang-switch")
        page.wait_for_load_state()
        assert page.url == site + "en/03_ridge_closed_form.html"
        assert "Lesson 3" in page.inner_text("h1")


def _first_scrubber(page):
    """The first scrubber whose controls its script has shown (it ran: no kernel needed)."""
    page.wait_for_selector(".l2-scrubber input[type=range]", state="visible")
    return page.locator(".l2-scrubber").filter(has=page.locator("input[type=range]:visible")).first


@pytest.mark.parametrize("lang", build_book.LANGS)
def test_a_scrubber_moves_and_changes_its_picture(browser, site, lang):
    with recorded(browser, site) as (page, log):
        page.goto(site + f"{lang}/02_penalized_loss.html")
        scrubber = _first_scrubber(page)
        scrubber.scroll_into_view_if_needed()
        slider, img = scrubber.locator("input[type=range]").first, scrubber.locator("img").first

        def state():
            src = img.get_attribute("src")
            return (
                scrubber.get_attribute("data-frame"),
                hashlib.sha1(src.encode()).hexdigest(),
                scrubber.locator("output").first.inner_text(),
            )

        slider.focus()
        page.keyboard.press("Home")
        start = state()
        page.keyboard.press("End")
        end = state()
        assert end[0] != start[0] and end[1] != start[1] and end[2] != start[2], (start, end)
        assert slider.input_value() == slider.get_attribute("max")
        img.evaluate("i => i.decode()")
        assert img.evaluate("i => i.naturalWidth") > 0, "the new frame does not decode"
        page.keyboard.press("ArrowLeft")
        assert state()[0] != end[0], "ArrowLeft did not move the scrubber"
        assert not log["errors"], log["errors"]


# Two different Chinese characters drawn by the page's own font: with no font holding them,
# Chromium draws the same empty box (.notdef) for both, so the two bitmaps are equal.
_GLYPHS = """(sample) => {
  const font = getComputedStyle(document.querySelector("h1")).font;
  const draw = (ch) => {
    const c = document.createElement("canvas");
    c.width = 64; c.height = 64;
    const g = c.getContext("2d");
    g.font = font.replace(/\\d+(\\.\\d+)?px/, "48px");
    g.fillStyle = "#000";
    g.fillText(ch, 4, 52);
    return Array.from(g.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3));
  };
  const bitmaps = Array.from(sample).map(draw);
  const ink = bitmaps.map((b) => b.filter((a) => a > 0).length);
  const distinct = new Set(bitmaps.map((b) => b.join(","))).size;
  return {ink, distinct};
}"""


def test_chinese_text_and_figures_render(browser, site):
    with recorded(browser, site, locale="zh-CN") as (page, log):
        visit(page, site + "zh/02_penalized_loss.html")
        # The interface as the page's scripts leave it (copy buttons, theme switch): Chinese.
        english = build_book.latin_interface_strings(page.content())
        assert not english, f"English in the Chinese page's interface: {english}"
        assert page.locator("button.copybtn[data-tooltip='复制']").count() > 0
        sample = "正则化权重"
        assert sample[:3] in page.inner_text("body")
        glyphs = page.evaluate(_GLYPHS, sample)
        assert min(glyphs["ink"]) > 20, f"a Chinese character drew nothing: {glyphs['ink']}"
        assert glyphs["distinct"] == len(sample), (
            "Chinese characters drawn as identical boxes (no CJK font: apt-get install "
            f"fonts-noto-cjk): {glyphs}"
        )
        figures = page.locator(".cell_output img")
        assert figures.count() >= 3
        for i in range(figures.count()):
            figure = figures.nth(i)
            figure.scroll_into_view_if_needed()
            figure.evaluate("i => i.decode()")
            assert figure.evaluate("i => i.naturalWidth") > 0, f"figure {i} does not render"
        assert not log["errors"], log["errors"]


@pytest.mark.parametrize(("lang", "query"), [("zh", "正则化"), ("en", "weight decay")])
def test_search_finds_lesson_pages(browser, site, lang, query):
    """Open the search dialog of the course map, type, press Enter, read the results."""
    with recorded(browser, site) as (page, log):
        page.goto(site + f"{lang}/index.html")
        page.locator(".bd-sidebar-primary button.search-button-field").first.click()
        box = page.locator("#pst-search-dialog input[name=q]")
        box.wait_for(state="visible")
        box.type(query)
        box.press("Enter")
        page.wait_for_url(re.compile(r"search\.html\?q="))
        page.wait_for_selector("#search-results ul.search li", timeout=20_000)
        hrefs = page.eval_on_selector_all(
            "#search-results ul.search li a", "as => as.map(a => a.getAttribute('href'))"
        )
        lessons = [h for h in hrefs if re.match(r"^\d\d_\w+\.html", h)]
        assert len(lessons) >= 3, f"search for {query!r} found {hrefs}"
        assert not log["errors"], log["errors"]


#: axe-core on every page would take minutes (the lessons are large; about 4 s a page on 2
#: busy cores): a representative set instead. In both languages: the course map, a lesson with
#: math, figures, solutions and code (01), the lesson with the most scrubbers (02), the
#: cheat-sheet tables (10) and the search page; in one language each: a lesson with wide tables
#: (08), the glossary, the benchmarks and a licence page; and the landing page. The theme's
#: template is the same on every page, so what differs between pages is our content.
AXE_PAGES = [
    "index.html",
    *(
        f"{lang}/{page}.html"
        for lang in build_book.LANGS
        for page in ("index", "01_norms", "02_penalized_loss", "10_summary", "search")
    ),
    "en/08_early_stopping.html",
    "zh/glossary.html",
    "en/benchmarks.html",
    "zh/license-content.html",
]


def test_pages_pass_axe_core(browser, site):
    from axe_playwright_python.sync_playwright import Axe

    axe, failures, counts, every = Axe(), [], {}, []
    with recorded(browser, site) as (page, _):
        for name in AXE_PAGES:
            visit(page, site + name)
            violations = axe.run(page).response["violations"]
            for v in violations:
                counts[v["impact"]] = counts.get(v["impact"], 0) + 1
                every.append(f"{name}: {v['impact']} {v['id']} ({len(v['nodes'])}x)")
                if v["impact"] in FAILING_IMPACTS:
                    where = ", ".join(n["target"][0] for n in v["nodes"][:3])
                    failures.append(
                        f"{name}: {v['impact']} {v['id']} ({len(v['nodes'])}x: {where})"
                    )
    RESULTS["axe"] = (len(AXE_PAGES), counts)
    RESULTS["axe_all"] = every
    assert not failures, "\n".join(failures)
