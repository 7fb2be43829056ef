"""Every offline deck (`make slides`), both languages, shown in a real browser at 1280×720.

The decks are built once (tools/build_slides.py) into a temporary folder and served
from 127.0.0.1 only. For each deck: press → from the first slide, as a presenter does, until
the last; it must show every slide and sub-slide in order (reveal.js's default navigation
would skip the sub-slides), each with all of its fragments, and ← must walk back to the first.
On each slide, check that nothing overflows it and that nothing lies under the navigation
arrows, the slide number or the key hint, and that the title slide says which keys do what.
reveal.js lays a slide out at its configured size (1280×720, set by build_slides.py) and
then scales the whole slide to the window, so everything is measured in slide coordinates:

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

# Measures the slide on screen (every fragment already shown by the → key), in slide
# coordinates, once its formulas and pictures are ready. Also lists what lies under the
# navigation arrows, the slide number or the key hint (each piece of text, formula or picture
# that meets one of them).
MEASURE = """async () => {
  const R = window.__deck, s = R.getCurrentSlide(), at = R.getIndices(s);
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
  // what the deck draws over the slides: the arrows shown, the slide number, the key hint
  const shown = (el) => el.getClientRects().length && !el.closest('[hidden]') &&
    getComputedStyle(el).visibility !== 'hidden' && +getComputedStyle(el).opacity > 0;
  const chrome = [...document.querySelectorAll(
    '.reveal .controls button, .reveal .slide-number, .l2-keys')].filter(shown);
  const pieces = [];
  for (const el of s.querySelectorAll('img, svg, canvas, .MathJax_CHTML')) {
    if (!el.closest('aside.notes') && el.getClientRects().length) {
      pieces.push([el.tagName.toLowerCase(), el.getBoundingClientRect()]);
    }
  }
  const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT), range = document.createRange();
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const skip = 'aside.notes, script, style, .MathJax_CHTML';
    if (!t.textContent.trim() || t.parentElement.closest(skip)) continue;
    range.selectNodeContents(t);
    const what = '"' + t.textContent.trim().slice(0, 20) + '"';
    for (const r of range.getClientRects()) pieces.push([what, r]);
  }
  const meet = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
                         a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const under = [];
  for (const el of chrome) {
    const c = el.getBoundingClientRect(), name = String(el.className).split(' ')[0];
    for (const [what, r] of pieces) {
      if (r.width > 0 && r.height > 0 && meet(r, c)) under.push(what + ' under ' + name);
    }
  }
  const hint = document.querySelector('.l2-keys');
  return {
    index: R.getSlides().indexOf(s), h: at.h, v: at.v,
    height: s.scrollHeight, width: s.scrollWidth,
    scrollbar: getComputedStyle(s).overflowY === 'scroll',
    hidden: s.querySelectorAll('.fragment:not(.visible)').length,
    wide: wide, under: [...new Set(under)],
    hint: shown(hint) ? hint.innerText : null,
    text: s.innerText.replace(/\\s+/g, ' ').trim().slice(0, 60),
  };
}"""

# Where the deck stands: the slide's position in R.getSlides(), the fragment shown, and
# whether fragments are left.
WHERE = """() => {
  const R = window.__deck, f = R.availableFragments();
  return {index: R.getSlides().indexOf(R.getCurrentSlide()), fragment: R.getIndices().f,
          next: f.next, prev: f.prev,
          first: R.isFirstSlide(), last: R.isLastSlide()};
}"""


def walk(page, key: str, limit: int = 2000):
    """Press ``key`` until the deck stops moving: yields the slide index after each press."""
    before = page.evaluate(WHERE)
    for _ in range(limit):
        page.keyboard.press(key)
        after = page.evaluate(WHERE)
        if after == before:
            return
        yield after
        before = after
    raise AssertionError(f"{key} was pressed {limit} times and the deck still moves")


def show_with_keys(page, index: int):
    """From the first slide, press → until slide ``index`` shows with all of its fragments."""
    for where in walk(page, "ArrowRight"):
        if where["index"] == index and not where["next"]:
            return page.evaluate(MEASURE)
        assert where["index"] <= index, f"→ went past slide {index + 1}"
    raise AssertionError(f"→ never reached slide {index + 1}")


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
def test_arrow_keys_visit_every_slide_and_none_overflows_at_1280x720(deck_page, deck):
    """→ from the first slide shows every slide and sub-slide in order, each with all of its
    fragments, and ← walks back to the first; each slide fits, nothing lies under the arrows,
    the slide number or the key hint, and the title slide says which keys do what."""
    size = deck_page.open_deck(deck)
    assert (size["width"], size["height"]) == (1280, 720)
    page, bad, seen = deck_page, [], []
    where = page.evaluate(WHERE)
    assert where["index"] == 0 and where["first"]
    moves = iter(walk(page, "ArrowRight"))
    while True:
        while where["next"]:  # → shows this slide's fragments one by one
            where = next(moves)
        m = page.evaluate(MEASURE)
        seen.append(m["index"])
        assert m["hidden"] == 0, f"{deck}: slide {m['index'] + 1} still hides fragments"
        if m["index"] == 0:
            assert m["hint"] and "→" in m["hint"] and "F" in m["hint"], f"{deck}: no key hint"
        else:
            assert m["hint"] is None, f"{deck}: the key hint shows on slide {m['index'] + 1}"
        problems = overflow(m, size) + m["under"]
        if problems:
            at = f"slide {m['index'] + 1}/{size['slides']} ({m['h']}.{m['v']})"
            bad.append(f"{deck} {at}: {'; '.join(problems)} | {m['text']!r}")
        where = next(moves, None)
        if where is None:
            break
    assert seen == list(range(size["slides"])), f"{deck}: → showed slides {seen}"
    back = [w["index"] for w in walk(page, "ArrowLeft")]
    back = [i for k, i in enumerate(back) if k == 0 or back[k - 1] != i]  # fragments: same slide
    assert back == list(range(size["slides"] - 2, -1, -1)), f"{deck}: ← showed slides {back}"
    assert not deck_page.errors, f"{deck}: JavaScript errors {deck_page.errors}"
    assert not bad, f"{len(bad)} slide(s) overflow or lie under the deck's controls:\n" + "\n".join(
        bad
    )


@pytest.mark.parametrize("deck", SHOT_DECKS)
def test_first_slides_screenshots_and_chinese_glyphs(deck_page, shots, deck):
    folder = shots / "decks"
    folder.mkdir(parents=True, exist_ok=True)
    deck_page.open_deck(deck)
    for i in range(3):
        show_with_keys(deck_page, i) if i else deck_page.evaluate(MEASURE)
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
    show_with_keys(deck_page, index)
    root = deck_page.query_selector("section.present section.present .l2-scrubber")
    if root is None:  # a slide without sub-slides
        root = deck_page.query_selector("section.present .l2-scrubber")
    assert root is not None and root.is_visible(), f"{deck}: the scrubber is not on screen"
    move_scrubber(root, f"the scrubber in {deck}")
    folder = shots / "decks"
    folder.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(folder / f"{deck.replace('/', '_')}_scrubber.png"))
    assert not deck_page.errors, f"{deck}: JavaScript errors {deck_page.errors}"
