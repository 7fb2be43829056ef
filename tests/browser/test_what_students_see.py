"""What a student and an instructor see in JupyterLab and RISE, both languages (issue 18).

The start page at 1366×800, opened as a student opens it (a fresh copy, not run, so not
trusted: JupyterLab shows its stored outputs without running their scripts):

* the first screen says to run the first code cell;
* where the slider will be, its kernel-free scrubber (the same output), never a widget's text;
* each scrubber says that its picture plays by itself until the cell runs, and shows no
  (greyed-out, dead) range control or value label that would disagree with the animation;

then, after Run All:

* the live slider has taken the scrubber's place (one control), and it works (moved and timed
  like every other slider, with the kernel idle and busy);
* the λ figure is shown once: the cell before the slider draws no static copy of it;
* the arrow keys on a focused slider move the slider and nothing else (no JupyterLab
  notebook shortcut: no cell selected elsewhere, no section collapsed);
* pass and fail feedback carry different marks, drawn as real glyphs (no emoji font needed).

RISE (jupyterlab-rise) on the start page at 1280×720: body text as large as in the offline
decks (20 px), no 404 for ``rise.css``, autosave off in RISE's own settings, and the
notebook file unchanged after presenting.
"""

from __future__ import annotations

import pytest

from .conftest import fresh_page
from .test_sliders_in_chromium import (
    KERNEL_IDLE,
    RUN_ALL,
    kernel_learns_the_positions,
    move_sliders,
    move_sliders_while_busy,
    widget_errors,
)

LANGS = ["en", "zh"]
START = "notebooks/{lang}/00_start_here.ipynb"
WORDS = {
    "en": {"first": "run the first code cell", "note": "Run this cell"},
    "zh": {"first": "请先运行第一个代码单元格", "note": "运行本单元格"},
}  # fmt: skip
DECK_BODY_PX = 20  # body text of the offline decks at 1280×720

# Whether some element holding `text` lies wholly inside the window (the first screen).
ON_FIRST_SCREEN = """(text) => {
  const all = [...document.querySelectorAll('.jp-RenderedMarkdown p, .jp-RenderedMarkdown li')];
  return all.some((el) => {
    const r = el.getBoundingClientRect();
    return el.innerText.toLowerCase().includes(text.toLowerCase()) &&
      r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0;
  });
}"""

NOTEBOOK_STATE = """() => {
  const nb = window.jupyterapp.shell.currentWidget.content;
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  return {active: nb.activeCellIndex,
          hidden: cells.filter((c) => c.getClientRects().length === 0).length,
          collapsed: document.querySelectorAll(
            '.jp-collapseHeadingButton[data-jp-collapsed="true"]').length};
}"""

# A glyph drawn with an element's own font, as a picture: a missing glyph (an emoji with no
# emoji font) draws the same box as the unassigned code point U+0378.
GLYPHS = """([el, marks]) => {
  const font = getComputedStyle(el).fontFamily;
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 40; c.height = 40;
    const g = c.getContext('2d'); g.font = '30px ' + font; g.fillText(ch, 4, 32);
    return c.toDataURL();
  };
  return [...marks, '\\u0378'].map(draw);
}"""


@pytest.fixture
def student(browser, lab):
    """A fresh 1366×800 page (a laptop screen); its kernels are shut down afterwards."""
    with fresh_page(browser, lab, 1366, 800) as page:
        yield page


def visible(page, selector) -> list:
    return [el for el in page.query_selector_all(selector) if el.is_visible()]


@pytest.mark.parametrize("lang", LANGS)
def test_start_page_before_and_after_running_it(student, lab, shots, lang, tmp_path):
    page, words, path = student, WORDS[lang], START.format(lang=lang)
    page.goto(lab.lab_url(path))
    page.wait_for_selector(".jp-Notebook .jp-RenderedMarkdown", timeout=60_000)
    page.wait_for_selector(".l2-scrubber-note", timeout=30_000)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.wait_for_timeout(300)  # the rest of the layout
    assert page.evaluate(ON_FIRST_SCREEN, words["first"]), "the first screen says nothing to do"
    page.screenshot(path=shots / f"{lang}_00_start_here_first_screen.png")

    # not run yet: each slider's output shows its scrubber, playing by itself; no widget text
    outputs = " ".join(o.inner_text() for o in page.query_selector_all(".jp-OutputArea-output"))
    assert "FrameSlider" not in outputs and "Error displaying widget" not in outputs
    assert not page.query_selector_all(".l2-frame-slider"), "a widget drew without a kernel"
    n_scrubbers = len(page.query_selector_all(".l2-scrubber"))
    notes = visible(page, ".l2-scrubber-note")
    assert n_scrubbers >= 1 and len(notes) == n_scrubbers
    assert all(words["note"] in n.text_content() for n in notes)
    assert not visible(page, ".l2-scrubber input[type=range]"), "a dead range control shows"
    assert not visible(page, ".l2-scrubber output"), "a value label disagrees with the animation"
    notes[0].scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # JupyterLab draws the cells that scrolled into view
    page.screenshot(path=shots / f"{lang}_00_start_here_unrun.png")

    # Run All: each scrubber gives way to its live slider, in the same place
    assert page.evaluate(RUN_ALL) is not False
    page.wait_for_function(KERNEL_IDLE, timeout=120_000)
    page.wait_for_selector("img.l2-frame", timeout=30_000)
    assert not widget_errors(page)
    assert not page.query_selector_all(".l2-scrubber"), "a scrubber still shows beside a slider"
    assert len(page.query_selector_all(".l2-frame-slider")) == n_scrubbers
    assert len(visible(page, ".l2-frame-slider input[type=range]")) >= n_scrubbers

    # the λ figure once: no static picture in the code cell just before the slider's cell
    before_slider = page.evaluate(
        """() => {
      const cell = document.querySelector('.l2-frame-slider').closest('.jp-Cell');
      let prev = cell.previousElementSibling;
      while (prev && !prev.classList.contains('jp-CodeCell')) prev = prev.previousElementSibling;
      return prev ? prev.querySelectorAll('.jp-OutputArea img').length : 0;
    }"""
    )
    assert before_slider == 0, "a static copy of the slider's figure shows above it"

    # the arrow keys on a focused slider move it, and nothing else
    root = page.query_selector(".l2-frame-slider")
    root.scroll_into_view_if_needed()
    rng = root.query_selector("input[type=range]")
    rng.click()
    state = page.evaluate(NOTEBOOK_STATE)
    for key in ("Home", "ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft", "ArrowUp"):
        page.keyboard.press(key)
    assert rng.evaluate("(el) => +el.value") == 3, "the arrow keys did not move the slider"
    assert root.get_attribute("data-frame") == "3"
    for key in ("ArrowLeft", "ArrowLeft", "ArrowDown"):
        page.keyboard.press(key)
    assert rng.evaluate("(el) => +el.value") == 0
    page.wait_for_timeout(200)
    assert page.evaluate(NOTEBOOK_STATE) == state, "a notebook shortcut took the arrow keys"

    # pass and fail look different, drawn without an emoji font
    marks = {}
    for state_name in ("pass", "fail"):
        badge = page.query_selector(f".l2-feedback-{state_name} span")
        assert badge is not None, f"no {state_name} feedback on the start page"
        marks[state_name] = badge
    texts = [marks[s].inner_text().strip() for s in ("pass", "fail")]
    pas, fail, missing = page.evaluate(GLYPHS, [marks["pass"], texts])
    assert pas != fail and missing not in (pas, fail), "the marks draw as the same box"
    colours = [b.evaluate("(el) => getComputedStyle(el).backgroundColor") for b in marks.values()]
    assert colours[0] != colours[1]

    # and the sliders of the start page are moved and timed like the others, idle and busy
    n_controls = move_sliders(page, "00_start_here", lang, shots)
    assert n_controls >= 1
    kernel_learns_the_positions(page)
    assert move_sliders_while_busy(page, "00_start_here", lang, shots, tmp_path) == n_controls
    assert not widget_errors(page)


@pytest.mark.parametrize("lang", LANGS)
def test_rise_in_the_course_style_and_presenting_saves_nothing(browser, lab, shots, lang):
    path = START.format(lang=lang)
    before = lab.file(path).read_bytes()
    with fresh_page(browser, lab, 1280, 720) as page:
        page.goto(lab.rise_url(path))
        page.wait_for_selector(
            ".reveal .slides section.present .jp-RenderedMarkdown", timeout=60_000
        )
        body = """() => {
          const p = document.querySelector('.reveal section.present .jp-RenderedMarkdown p');
          return p ? parseFloat(getComputedStyle(p).fontSize) : 0;
        }"""
        page.wait_for_function(f"() => ({body})() >= {DECK_BODY_PX}", timeout=20_000)
        autosave = page.evaluate(
            """async () => {
          // the settings RISE's own front end loads (its page config names the address)
          const c = JSON.parse(document.getElementById('jupyter-config-data').textContent);
          const url = c.settingsUrl + '/@jupyterlab/docmanager-extension:plugin?token=' + c.token;
          const j = await (await fetch(url)).json();  // the user's value, else the default
          return j.settings && 'autosave' in j.settings ? j.settings.autosave
                                                        : j.schema.properties.autosave.default;
        }"""
        )
        assert autosave is False, "RISE would autosave the notebook while it is presented"
        for _ in range(3):
            page.keyboard.press("Space")
            page.wait_for_timeout(200)
        page.wait_for_timeout(1500)  # the slide transition
        page.screenshot(path=shots / f"rise_{lang}_00_start_here.png")
    log = lab.log_text()
    assert f"404 GET /files/notebooks/{lang}/rise.css" not in log
    assert lab.file(path).read_bytes() == before, "presenting changed the notebook file"
