"""Controls put in place section by section (issue 13).

Chromium's form scan lays out the section around every input, select and textarea even while
content-visibility skips it, so the built book holds each control of a quiz or tool in a
``<template class="rs-control">`` (recovery_science.sphinxext.defer_controls) and quiz.js puts a
section's controls in place, and starts its quiz or tool, when the section is on or near the screen,
before printing, or at once where nothing is skipped (RecoveryQuiz.whenReady). These tests check the
rewrite, the built pages and, in Chromium at a phone's size, that no control sits in a skipped
section while every quiz and tool still starts when a student reaches it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from browserutil import TOOL_BOXES, goto, open_page, reach
from bs4 import BeautifulSoup

from recovery_science.sphinxext import CONTROL_TEMPLATE, defer_controls

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
MODULE_2 = "notebooks/02-withdrawal-management.html"
CONTROLS = "input, select, textarea"


def test_every_control_of_a_quiz_or_tool_is_held_in_a_template_and_nothing_else_changes():
    page = ('<header><input type="search" name="q"></header><article>'
            '<div class="rs-quiz mathjax_ignore" id="q"><div><label><input type="radio" name="a" disabled> A'
            '</label></div><script type="application/json">{"x": "</div>"}</script>'
            '<select id="s" disabled><option value="1">1</option></select><textarea id="t">x</textarea></div>'
            '<p><input type="checkbox" id="elsewhere"></p>'
            '<div class="rs-cm"><input type="number" id="n"></div></article>')
    out = defer_controls(page)
    soup = BeautifulSoup(out, "html.parser")
    held = [t.decode_contents() for t in soup.select("template.rs-control")]
    assert held == ['<input disabled="" name="a" type="radio"/>',
                    '<select disabled="" id="s"><option value="1">1</option></select>',
                    '<textarea id="t">x</textarea>', '<input id="n" type="number"/>']
    # the search box and a control outside any quiz or tool stay as they were
    assert '<header><input type="search" name="q"></header>' in out
    assert '<p><input type="checkbox" id="elsewhere">' in out
    assert re.sub(r'<template class="rs-control">|</template>', "", out) == page
    assert defer_controls(out) == out, "a second build leaves the page as it is"
    assert defer_controls("<p>no tools</p>") == "<p>no tools</p>"


def _stored_controls(nb_path: Path) -> int:
    nb = nbformat.read(nb_path, as_version=4)
    html = "".join(o["data"]["text/html"] for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs if "text/html" in o.get("data", {}))
    return len(BeautifulSoup(html, "html.parser").select(CONTROLS))


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_built_pages_hold_every_stored_control_in_a_template(book_html, nb_path):
    soup = BeautifulSoup((book_html / "notebooks" / f"{nb_path.stem}.html").read_text(encoding="utf-8"),
                         "html.parser")
    bare = [str(c)[:80] for root in soup.select(TOOL_BOXES) for c in root.select(CONTROLS)
            if c.find_parent("template") is None]
    assert not bare, bare
    held = soup.select("template.rs-control")
    assert len(held) == _stored_controls(nb_path) > 0, "every control of the notebook's quiz and tools, once"
    assert all(str(t).startswith(CONTROL_TEMPLATE) for t in held)


# In the page: which controls exist outside a template in a section still skipped (content-visibility)
CONTROLS_IN_SKIPPED = """() => Array.from(document.querySelectorAll('.bd-article > section > section'))
    .filter((s) => !s.classList.contains('rs-laid-out') && getComputedStyle(s).contentVisibility === 'auto')
    .reduce((n, s) => n + s.querySelectorAll('input, select, textarea').length, 0)"""


ALL_READY = f"""() => Array.from(document.querySelectorAll('{TOOL_BOXES}'))
    .every((box) => box.classList.contains('rs-ready'))"""


@pytest.mark.browser
def test_on_a_phone_controls_wait_for_their_section_and_start_when_reached(browser, book_server):
    with open_page(browser, book_server, **PHONE) as (_, page, watch):
        goto(page, book_server, MODULE_2)
        # once the page has loaded: sections without a quiz or tool are laid out in idle time; the
        # COWS and quiz sections wait, and no control sits in a skipped section
        page.wait_for_function("""() => Array.from(document.querySelectorAll('.bd-article > section > section'))
            .filter((s) => s.classList.contains('rs-laid-out')).length >= 8""")
        assert page.evaluate(CONTROLS_IN_SKIPPED) == 0
        assert page.locator("#rs-cows-scorer.rs-ready").count() == 0
        assert page.locator(".rs-quiz.rs-ready").count() == 0
        # scrolled to, the scorer starts: its selects are in place, enabled, and score
        reach(page, "#rs-cows-scorer")
        select = page.locator("#rs-cows-scorer select.rs-cows-input").first
        assert select.is_enabled()
        select.select_option(index=2)
        assert "1 of 11 items" in page.locator("#rs-cows-scorer .rs-cows-total").inner_text()
        assert page.evaluate(CONTROLS_IN_SKIPPED) == 0
        # a few seconds later, with no scrolling, the rest are put in place too (for a reader who
        # moves by form controls or Tab), one section per idle period
        page.wait_for_function(ALL_READY, timeout=20_000)
        assert page.locator("template.rs-control").count() == 0
        assert page.locator(".rs-run-notice").count() == 0
        assert not watch.errors(), watch.errors()


@pytest.mark.browser
def test_on_a_phone_printing_starts_every_quiz_and_tool(browser, book_server):
    with open_page(browser, book_server, **PHONE) as (_, page, watch):
        goto(page, book_server, MODULE_2)
        assert page.locator(".rs-quiz.rs-ready").count() == 0
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        page.wait_for_function(ALL_READY, timeout=2_000)
        assert page.locator("template.rs-control").count() == 0
        assert not watch.errors(), watch.errors()


@pytest.mark.browser
def test_on_a_wide_screen_every_quiz_and_tool_starts_with_the_page(browser, book_server):
    with open_page(browser, book_server, viewport={"width": 1280, "height": 900}) as (_, page, watch):
        goto(page, book_server, MODULE_2)
        page.wait_for_function(ALL_READY)
        assert page.locator("template.rs-control").count() == 0
        assert not watch.errors(), watch.errors()
