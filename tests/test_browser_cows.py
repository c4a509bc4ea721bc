"""Module 2's no-kernel COWS scorer in a real browser (Chromium, Playwright).

The Module 2 notebook that will show the tool is not written yet, so this test injects the stored
HTML (recovery_science.cows.scorer_html and vignettes_html, the same HTML the notebook's outputs
will carry) into a copy of a page of the built book, with the book's own theme, styles and
scripts (cows.js arrives through _config.yml's html_js_files), written under the build's _test/
folder and removed afterwards. On that page: the run notice goes and the controls work; the scorer
is used by keyboard only; a vignette's worked answer stays hidden until every item is scored; axe
finds no serious or critical violation in the light and dark modes. The scorer's rules themselves
are checked in Python (tests/test_cows.py) and in Node (tests/test_node_cows.py)."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

import pytest
from browserutil import goto, open_page
from test_accessibility import MODES, _context_args, _mode_script, _ready, _scan, _summary

from recovery_science import cows

pytestmark = pytest.mark.browser
TEMPLATE = "notebooks/02-withdrawal-management.html"  # the scorer's page: it loads cows.js (only it does)
SCALE = cows.SCALE
ITEMS = [item["id"] for item in SCALE["items"]]
VIG = cows.load_vignettes()[2]


def _output(html: str) -> str:
    """The HTML as a notebook cell's stored output appears in the book."""
    return f'<div class="cell_output docutils container"><div class="output text_html">{html}</div></div>'


@pytest.fixture(scope="module")
def cows_page(book_html):
    source = (Path(book_html) / TEMPLATE).read_text(encoding="utf-8")
    assert re.search(r'<script\b[^>]*\bsrc="\.\./_static/cows\.js(\?[^"]*)?"', source), (
        "Module 2's page does not load cows.js (recovery_science.sphinxext adds a tool's script to its page)")
    body = (
        '<section id="cows-test"><h1>COWS scorer (test page)</h1>'
        + _output(cows.scorer_html())
        + '<h2>Practice vignettes</h2>'
        + _output(cows.vignettes_html())
        + "</section>"
    )
    page, count = re.subn(r'(<article class="bd-article">).*?(</article>)',
                          lambda m: m.group(1) + body + m.group(2), source, flags=re.S)
    assert count == 1
    folder = Path(book_html) / "_test"
    folder.mkdir(exist_ok=True)
    name = f"cows-{uuid.uuid4().hex}.html"
    (folder / name).write_text(page, encoding="utf-8")
    yield f"_test/{name}"
    (folder / name).unlink(missing_ok=True)
    if folder.exists() and not any(folder.iterdir()):
        shutil.rmtree(folder, ignore_errors=True)


def _own_errors(watch) -> list[str]:
    """Uncaught errors from cows.js. (The theme's own script reports one on this test page: its
    "on this page" navigation looks for the template page's sections, which the injection replaced.)"""
    return [e for e in watch.page_errors + watch.console_errors if "cows.js" in e]


@pytest.fixture()
def page(browser, book_server, cows_page):
    with open_page(browser, book_server) as (context, page, watch):
        goto(page, book_server, cows_page)
        page.wait_for_selector("#rs-cows-scorer.rs-ready")
        yield page
        assert not _own_errors(watch), _own_errors(watch)


def _score_by_keyboard(page, prefix: str, values: dict) -> None:
    """Tab through the items and type each value: the bpm in the pulse box, the score's digit on a
    select (its options start with their points, so typing the digit picks the option)."""
    page.locator(f"#{prefix}-{ITEMS[0]}").focus()
    for i, item_id in enumerate(ITEMS):
        if i:
            page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.id")
        assert focused == f"{prefix}-{item_id}", (focused, item_id)
        if item_id == "pulse":
            page.keyboard.press("Control+a")
        page.keyboard.type(str(values[item_id]))


def test_the_page_carries_the_scale_and_the_controls_work(page):
    box = page.locator("#rs-cows-scorer")
    assert json.loads(box.get_attribute("data-rs-cows")) == {"scale": SCALE}
    assert page.locator(".rs-cows .rs-run-notice").count() == 0
    assert page.locator(".rs-cows.rs-ready").count() == 1 + len(cows.load_vignettes())
    for item_id in ITEMS:
        assert page.locator(f"#rs-cows-scorer-{item_id}").is_enabled(), item_id
    assert "not for clinical use" in box.inner_text()
    assert page.locator(".rs-cows form, form .rs-cows").count() == 0


def test_the_scorer_by_keyboard(page):
    total = page.locator("#rs-cows-scorer .rs-cows-total")
    assert total.get_attribute("aria-live") == "polite"
    assert total.inner_text() == "Scored 0 of 11 items; total so far 0. Score every item to see the band."
    values = {"pulse": 121, "sweating": 4, "restlessness": 5, "pupils": 5, "aches": 4, "nose_tearing": 4,
              "gi_upset": 5, "tremor": 4, "yawning": 4, "anxiety": 4, "gooseflesh": 3}
    _score_by_keyboard(page, "rs-cows-scorer", values)
    assert page.locator("#rs-cows-scorer-sweating").input_value() == "4"
    expected = cows.total_text(cows.evaluate(values))
    assert expected == "Total 46 of 48: severe withdrawal (over 36)."
    assert total.inner_text() == expected
    # the focused control shows a visible focus ring
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    # pulse edges: 120 -> 2, 121 -> 4; a total of 36 is moderately severe, 37 severe
    pulse = page.locator("#rs-cows-scorer-pulse")
    pulse.focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("120")
    assert total.inner_text() == "Total 44 of 48: severe withdrawal (over 36)."
    # a value the tool does not accept: the message names the item, the value and the range
    page.keyboard.press("Control+a")
    page.keyboard.type("300")
    error = page.locator("#rs-cows-scorer-pulse-err")
    assert error.inner_text() == cows.check("pulse", "300")["error"]
    assert pulse.get_attribute("aria-invalid") == "true"
    assert total.inner_text().startswith("Scored 10 of 11 items; total so far 42.")
    page.keyboard.press("Control+a")
    page.keyboard.type("80")
    assert error.inner_text() == "" and pulse.get_attribute("aria-invalid") is None
    for item_id, score in (("sweating", 0), ("restlessness", 0), ("pupils", 0), ("aches", 0),
                           ("nose_tearing", 0), ("gi_upset", 0), ("tremor", 0), ("yawning", 0)):
        page.locator(f"#rs-cows-scorer-{item_id}").focus()
        page.keyboard.type(str(score))
    # 0 + 0 x 8 + anxiety 4 + gooseflesh 3 = 7
    assert total.inner_text() == "Total 7 of 48: mild withdrawal (5 to 12)."
    page.locator("#rs-cows-scorer-anxiety").focus()
    page.keyboard.type("0")
    assert total.inner_text() == "Total 3 of 48: no meaningful withdrawal on this scale (under 5)."


def test_a_vignette_hides_its_worked_answer_until_scored(page):
    prefix = f"rs-cows-{VIG['id']}"
    box = page.locator(f"#{prefix}")
    feedback = box.locator(".rs-cows-feedback")
    assert VIG["text"] in box.inner_text()
    assert VIG["explanation"] not in box.inner_text()
    button = box.locator("button.rs-cows-check")
    assert button.get_attribute("type") == "button"
    button.focus()
    page.keyboard.press("Enter")
    assert feedback.inner_text().startswith("Score every item first. Still to do: Resting pulse rate, Sweating")
    assert VIG["explanation"] not in box.inner_text()

    worked = cows.worked_values(VIG)
    mine = {**worked, "gooseflesh": 5, "pulse": 99}  # gooseflesh 5 instead of 3; pulse 1 instead of 2
    _score_by_keyboard(page, prefix, mine)
    page.keyboard.press("Tab")  # from the last item to the button
    assert page.evaluate("() => document.activeElement.className") == "rs-cows-check"
    page.keyboard.press("Enter")
    text = feedback.inner_text()
    assert f"Your total: {VIG['total'] + 1}" in text and f"Worked total: {VIG['total']}" in text
    items = [t.strip() for t in box.locator(".rs-cows-differences li").all_inner_texts()]
    assert items == [f"Resting pulse rate: you gave 1, the worked answer gives 2. {VIG['worked']['pulse']['reason']}",
                     f"Gooseflesh skin: you gave 5, the worked answer gives 3. {VIG['worked']['gooseflesh']['reason']}"]
    assert VIG["explanation"] in text


def _fill_a_vignette(page, vig) -> None:
    prefix = f"rs-cows-{vig['id']}"
    worked = cows.worked_values(vig)
    for item_id in ITEMS:
        control = page.locator(f"#{prefix}-{item_id}")
        if item_id == "pulse":
            control.fill(str(worked[item_id] + 30))
        else:
            control.select_option(str(worked[item_id]))
    page.locator(f"#{prefix} button.rs-cows-check").click()


@pytest.mark.parametrize("mode", MODES)
def test_axe_in_both_colour_modes(browser, book_server, cows_page, mode):
    """The page with every state on it: a rejected pulse, a live total, one vignette checked too
    early and one checked with differences shown."""
    vigs = cows.load_vignettes()
    with open_page(browser, book_server, **_context_args(mode)) as (context, page, watch):
        context.add_init_script(_mode_script(mode))
        goto(page, book_server, cows_page, wait_until="networkidle")
        page.wait_for_selector("#rs-cows-scorer.rs-ready")
        _ready(page, mode)
        page.locator("#rs-cows-scorer-pulse").fill("999")
        page.locator("#rs-cows-scorer-sweating").select_option("2")
        assert page.locator("#rs-cows-scorer-pulse-err").inner_text()
        page.locator(f"#rs-cows-{vigs[0]['id']} button.rs-cows-check").click()
        _fill_a_vignette(page, vigs[1])
        assert page.locator(f"#rs-cows-{vigs[1]['id']} .rs-cows-differences li").count() >= 1
        violations = _scan(page)
        assert not _own_errors(watch), _own_errors(watch)
    assert not violations, "axe serious/critical violations:\n" + _summary({f"COWS test page [{mode}]": violations})
