"""Every offline deck (`make slides`), both languages, shown in a real browser at 1280×720.

The decks are built once (tools/build_slides.py) into a temporary folder and served
from 127.0.0.1 only. For each deck: walk through every slide and sub-slide with every
fragment shown, and check that nothing overflows the slide. reveal.js lays a slide out at
its configured size (1280×720, set by build_slides.py) and then scales the whole slide to
the window, so everything is measured in slide coordinates:

* height: the slide's ``scrollHeight`` (its laid-out content) must be at most the
  configured height, and the slide must not get a scrollbar (nbconvert's ``reveal_scroll``
  option, off in build_slides.py, would give one on a 1280×720 screen to any slide over
  684 pixels);
* width: no line of code or output text, figure, table or formula may reach past the
  slide's right edge, or past the box that clips it (a code cell's editor).

Also: screenshots of the first slides of one English and one Chinese deck (Chinese must
render as glyphs, not boxes), and a kernel-free scrubber moved in two decks.
"""

from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import build_slides
import pytest

from .lab import ROOT
from .test_sliders_in_chromium import CJK_GLYPHS_DIFFER, move_scrubber

NOTEBOOKS = ROOT / "notebooks"
DECKS = [f"{p.parent.name}/{p.stem}" for p in sorted(NOTEBOOKS.glob("*/*.ipynb"))]
SCRUBBER_DECKS = ["en/02_penalized_loss", "zh/04_gradient_descent_by_hand"]
SHOT_DECKS = ["en/01_norms", "zh/01_norms"]
VIEWPORT = {"width": 1280, "height": 720}
TOLERANCE_PX = 1  # sub-pixel rounding

# Resolves once the deck is ready: reveal.js initialized (the deck loads it with RequireJS,
# so there is no global Reveal) and MathJax done with its first typesetting, so that a
# slide change does not re-render formulas that are still being typeset. Transitions off,
# so a screenshot shows the slide in place and its fragments in full. Returns the deck's
# number of slides and configured size.
READY = """() => new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error('the deck was not ready within 30 s')), 30000);
  require(['../_static/reveal.js/dist/reveal.js'], (R) => {
    const done = () => {
      window.__deck = R;
      R.configure({transition: 'none', backgroundTransition: 'none'});
      const still = document.createElement('style');  // fragments appear at once, not faded in
      still.textContent = '.reveal .slides section .fragment { transition: none !important; }';
      document.head.appendChild(still);
      const c = R.getConfig();
      resolve({slides: R.getSlides().length, width: c.width, height: c.height});
    };
    // (a MathJax callback that returns a callback makes MathJax wait for it: return nothing)
    const go = () => {
      MathJax.Hub.Register.StartupHook('End', () => { MathJax.Hub.Queue(done); });
    };
    R.isReady() ? go() : R.on('ready', go);
  });
})"""

# Shows slide i (the i-th slide or sub-slide, in order) with all of its fragments, waits for
# its formulas and pictures, and measures it in slide coordinates.
SHOW_AND_MEASURE = """async (i) => {
  const R = window.__deck, s = R.getSlides()[i], at = R.getIndices(s);
  R.slide(at.h, at.v, 1e6);  // past the last fragment: every fragment shown
  await new Promise((r, no) => {
    MathJax.Hub.Queue(() => { r(); });
    setTimeout(() => no(new Error('MathJax still busy after 20 s')), 20000);
  });
  // the deck re-renders a slide's formulas when it is shown; their output lands a moment later
  const typeset = () => [...s.querySelectorAll('script[type^="math/tex"]')].every((m) => {
    const frame = document.getElementById(m.id + '-Frame');
    const busy = ['MJXc-processing', 'MJXc-processed'];  // CHTML's states before it shows one
    return frame && !busy.some((c) => frame.classList.contains(c)) && frame.childElementCount > 0;
  });
  for (let t = 0; !typeset(); t += 50) {
    if (t > 10000) throw new Error('formulas not typeset within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  await document.fonts.ready;
  await Promise.all([...s.querySelectorAll('img')].map((im) => im.decode().catch(() => null)));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const scale = R.getScale(), box = s.getBoundingClientRect();
  const clipOf = (el) => {  // right edge of the nearest box that clips el, else the slide's
    for (let p = el.parentElement; p && p !== s; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return p.getBoundingClientRect().right;
    }
    return box.right;
  };
  const wide = [];
  const things = 'pre, img, svg, canvas, table, .MathJax_CHTML, .jp-RenderedHTMLCommon > *';
  for (const el of s.querySelectorAll(things)) {
    if (el.closest('aside.notes') || !el.getClientRects().length) continue;
    let right = el.getBoundingClientRect().right;
    if (el.tagName === 'PRE') {  // the text itself, not the box around it
      const range = document.createRange();
      range.selectNodeContents(el);
      right = range.getBoundingClientRect().right;
    }
    const past = (right - Math.min(box.right, clipOf(el))) / scale;
    if (past > 1) {
      const kind = el.className ? '.' + String(el.className).split(' ')[0] : '';
      const what = el.tagName.toLowerCase() + kind;
      wide.push(what + ' by ' + Math.round(past) + ' px');
    }
  }
  return {
    h: at.h, v: at.v,
    height: s.scrollHeight, width: s.scrollWidth,
    scrollbar: getComputedStyle(s).overflowY === 'scroll',
    hidden: s.querySelectorAll('.fragment:not(.visible)').length,
    wide: wide,
    text: s.innerText.replace(/\\s+/g, ' ').trim().slice(0, 60),
  };
}"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def decks_url(browser, tmp_path_factory):
    """The decks, built once with their assets, served from 127.0.0.1 on a free port."""
    have_vendor = (build_slides.VENDOR_DIR / "node_modules").is_dir()
    if shutil.which("npm") is None and not have_vendor:
        pytest.skip("the decks need reveal.js and MathJax, which `make slides` fetches with npm")
    out = tmp_path_factory.mktemp("decks")
    build_slides.build(out, NOTEBOOKS, assets=True)
    handler = functools.partial(_Quiet, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def deck_page(browser, decks_url):
    """open(deck) -> the deck's size; one fresh 1280×720 page per test."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def open_deck(deck):
        page.goto(f"{decks_url}/{deck}.slides.html")
        size = page.evaluate(READY)
        assert size["slides"] >= 2, f"{deck}: reveal.js found {size['slides']} slides"
        return size

    page.open_deck, page.errors = open_deck, errors
    yield page
    context.close()


def overflow(m, size) -> list[str]:
    """What overflows in one measured slide, in words (empty if it fits)."""
    problems = []
    if m["height"] > size["height"] + TOLERANCE_PX:
        problems.append(f"{m['height']} px high (at most {size['height']})")
    if m["scrollbar"]:
        problems.append("shown with a scrollbar")
    if m["width"] > size["width"] + TOLERANCE_PX:
        problems.append(f"{m['width']} px wide (at most {size['width']})")
    problems += [f"{w} past the right edge" for w in m["wide"]]
    return problems


@pytest.mark.parametrize("deck", DECKS)
def test_no_slide_overflows_at_1280x720(deck_page, deck):
    size = deck_page.open_deck(deck)
    assert (size["width"], size["height"]) == (1280, 720)
    bad = []
    for i in range(size["slides"]):
        m = deck_page.evaluate(SHOW_AND_MEASURE, i)
        assert m["hidden"] == 0, f"{deck}: slide {i + 1} still hides {m['hidden']} fragments"
        problems = overflow(m, size)
        if problems:
            where = f"slide {i + 1}/{size['slides']} ({m['h']}.{m['v']})"
            bad.append(f"{deck} {where}: {'; '.join(problems)} | {m['text']!r}")
    assert not deck_page.errors, f"{deck}: JavaScript errors {deck_page.errors}"
    assert not bad, f"{len(bad)} slide(s) overflow:\n" + "\n".join(bad)


@pytest.mark.parametrize("deck", SHOT_DECKS)
def test_first_slides_screenshots_and_chinese_glyphs(deck_page, shots, deck):
    folder = shots / "decks"
    folder.mkdir(parents=True, exist_ok=True)
    deck_page.open_deck(deck)
    for i in range(3):
        deck_page.evaluate(SHOW_AND_MEASURE, i)
        path = folder / f"{deck.replace('/', '_')}_slide{i + 1}.png"
        deck_page.screenshot(path=str(path))
        assert path.stat().st_size > 5_000, f"{path.name} looks empty"
    if deck.startswith("zh/"):
        assert deck_page.evaluate(CJK_GLYPHS_DIFFER), "Chinese renders as boxes: no CJK font"


@pytest.mark.parametrize("deck", SCRUBBER_DECKS)
def test_scrubber_plays_in_the_deck(deck_page, shots, deck):
    deck_page.open_deck(deck)
    index = deck_page.evaluate(
        """() => window.__deck.getSlides().findIndex((s) => s.querySelector('.l2-scrubber'))"""
    )
    assert index >= 0, f"{deck}: no slide shows a scrubber"
    deck_page.evaluate(SHOW_AND_MEASURE, index)
    root = deck_page.query_selector("section.present section.present .l2-scrubber")
    if root is None:  # a slide without sub-slides
        root = deck_page.query_selector("section.present .l2-scrubber")
    assert root is not None and root.is_visible(), f"{deck}: the scrubber is not on screen"
    move_scrubber(root, f"the scrubber in {deck}")
    folder = shots / "decks"
    folder.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(folder / f"{deck.replace('/', '_')}_scrubber.png"))
    assert not deck_page.errors, f"{deck}: JavaScript errors {deck_page.errors}"
