"""Module 3's no-kernel voucher simulator in Chromium, with no book build.

The Module 3 notebook does not exist yet, so the test writes a throwaway page: the stored HTML of
recovery_science.cm.explorer_html inside the book's notebook-output markup, with the theme's own
stylesheets (pydata-sphinx-theme, sphinx-book-theme and MyST-NB, from the installed packages), the
course's quiz.css and cm.js, in light and dark mode (<html data-theme>). It checks that cm.js
removes the run notice and enables the controls, that the controls work by keyboard and redraw
the chart, the table and the aria-live lines with exactly what the Python model says, and axe in
both colour modes. The model itself is checked against Python in Node (tests/test_node_cm.py)."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from recovery_science import cm

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
MODES = ("light", "dark")
ESC = cm.preset()


def _theme_css() -> list[Path]:
    import myst_nb
    import pydata_sphinx_theme
    import sphinx_book_theme

    pst = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "styles"
    sbt = Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme" / "static" / "styles"
    return [pst / "pydata-sphinx-theme.css", sbt / "sphinx-book-theme.css",
            Path(myst_nb.__file__).parent / "static" / "mystnb.css"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A folder with one test page per colour mode, served on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("cm-page")
    links = []
    for css in _theme_css() + [ROOT / "book" / "_static" / "quiz.css"]:
        shutil.copy(css, folder / css.name)
        links.append(f'<link rel="stylesheet" href="{css.name}">')
    shutil.copy(ROOT / "book" / "_static" / "cm.js", folder / "cm.js")
    for mode in MODES:
        (folder / f"{mode}.html").write_text(
            f'<!DOCTYPE html><html lang="en" data-theme="{mode}" data-mode="{mode}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Voucher simulator ({mode})</title>"
            + "".join(links) + "</head><body><div class=\"bd-container\"><main class=\"bd-main\" id=\"main-content\">"
            '<div class="bd-content"><article class="bd-article"><h1>Voucher simulator</h1>'
            '<div class="cell docutils container"><div class="cell_output docutils container">'
            f'<div class="output text_html">{cm.explorer_html()}</div></div></div>'
            '</article></div></main></div><script src="cm.js"></script></body></html>',
            encoding="utf-8",
        )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def open_mode(browser, site):
    contexts = []

    def opener(mode: str = "light"):
        context = browser.new_context(color_scheme=mode, viewport={"width": 1100, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{site}/{mode}.html")
        page.wait_for_selector(".rs-cm.rs-ready")
        return page, errors

    yield opener
    for context in contexts:
        context.close()


def _summary(schedule, results) -> str:
    return cm.summary_text(cm.comparison(schedule, results))


def test_notice_goes_and_controls_work(open_mode):
    page, errors = open_mode()
    box = page.locator(".rs-cm")
    assert box.locator(".rs-run-notice").count() == 0 and "Run this cell" not in box.inner_text()
    assert page.locator(".rs-cm input, .rs-cm textarea, .rs-cm button").count() == 14
    for el in page.locator(".rs-cm input, .rs-cm textarea, .rs-cm button").all():
        assert el.is_enabled()
    assert page.locator("form").count() == 0
    seq = cm.parse_results(cm.PARAMS["default_sequence"])
    cmp = cm.comparison(ESC, seq)
    assert page.locator(".rs-cm-summary").inner_text() == cm.summary_text(cmp)
    assert page.locator(".rs-cm-chart").get_attribute("aria-label") == cm.alt_text_for(cmp, 3)
    group = cm.cohort(ESC, cm.PARAMS["seed"], cm.PARAMS["simulated_participants"], 36, 0.7, 0.05)
    assert page.locator(".rs-cm-cost").inner_text() == cm.cost_text(cmp, 100, group)
    # the chart: two lines of 37 points (the origin and 36 visits), 7 marks (6 positive, 1 missed)
    points = page.evaluate("() => Array.from(document.querySelectorAll('.rs-cm-chart polyline'))"
                           ".map(p => p.getAttribute('points').split(' ').length)")
    assert points == [37, 37]
    assert page.locator(".rs-cm-chart .rs-cm-mark-pos").count() == 6
    assert page.locator(".rs-cm-chart .rs-cm-mark-missed").count() == 1
    # the table, row by row
    rows = page.locator(".rs-cm-table tbody tr")
    assert rows.count() == 36
    assert rows.nth(2).locator("td").all_text_contents() == ["3", "1", "positive", "$0.00", "$2.50", "$0.00", "$24.00"]
    assert rows.nth(35).locator("td").all_text_contents() == ["36", "12", "negative", "$19.50", "$321.50", "$24.00",
                                                             "$696.00"]
    assert not errors, errors


def test_keyboard_changes_the_schedule_and_the_results(open_mode):
    page, errors = open_mode()
    summary = page.locator(".rs-cm-summary")
    seq = cm.parse_results(cm.PARAMS["default_sequence"])

    page.locator("#rs-cm-bonus").focus()
    page.keyboard.press("Home")  # no bonus
    assert page.locator(".rs-cm-bonus-out").inner_text() == "0.00"
    assert summary.inner_text() == _summary({**ESC, "bonus": 0.0}, seq)
    assert "Both pay at most $720.00" in summary.inner_text()  # 36 x 2.50 + 630

    page.keyboard.press("Tab")  # bonus every N
    page.keyboard.press("Tab")  # recovery after k
    page.keyboard.press("Home")  # no recovery
    assert page.locator(".rs-cm-recovery_after-out").inner_text() == "0"
    assert summary.inner_text() == _summary({**ESC, "bonus": 0.0, "recovery_after": 0}, seq)
    page.keyboard.press("Tab")  # the reset checkbox
    page.keyboard.press("Space")
    assert not page.locator("#rs-cm-reset").is_checked()
    assert summary.inner_text() == _summary({**ESC, "bonus": 0.0, "recovery_after": 0, "reset": False}, seq)
    page.keyboard.press("Space")  # reset on again, and the bonus back up by one step
    page.locator("#rs-cm-bonus").focus()
    page.keyboard.press("End")
    assert summary.inner_text() == _summary({**ESC, "bonus": 30.0, "recovery_after": 0}, seq)

    # type a sequence: the hand-worked neg, neg, neg, pos, neg, neg (with the bonus at 30 and no recovery)
    page.locator("#rs-cm-sequence").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("n n n p n n")
    schedule = {**ESC, "bonus": 30.0, "recovery_after": 0}
    assert summary.inner_text() == _summary(schedule, ["neg", "neg", "neg", "pos", "neg", "neg"])
    # 2.50, 3.50, 4.50 + 30 = 34.50, 0, 2.50, 3.50: 2.50 + 3.50 + 34.50 + 2.50 + 3.50 = 46.50
    assert page.locator(".rs-cm-table tbody tr").nth(2).locator("td").nth(3).text_content() == "$34.50"
    assert "Escalating schedule: $46.50" in summary.inner_text()

    # a bad token: the message (aria-live), the box marked invalid, the last good drawing kept
    page.keyboard.type(" clean")
    assert page.locator("#rs-cm-error").inner_text() == (
        '"clean" (result 7) is not a result: use neg, pos or missed (or n, p, m)')
    assert page.locator("#rs-cm-sequence").get_attribute("aria-invalid") == "true"
    assert "Escalating schedule: $46.50" in summary.inner_text()
    for _ in range(6):
        page.keyboard.press("Backspace")
    assert page.locator("#rs-cm-error").inner_text() == ""
    assert page.locator("#rs-cm-sequence").get_attribute("aria-invalid") == "false"

    # simulate by keyboard: Tab from the seed to the button, Enter
    page.locator("#rs-cm-seed").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    simulated = cm.simulate_results(7, 36, 0.7, 0.05)
    assert page.locator("#rs-cm-sequence").input_value() == " ".join(simulated)
    assert summary.inner_text() == _summary(schedule, simulated)
    group = cm.cohort(schedule, 7, cm.PARAMS["simulated_participants"], 36, 0.7, 0.05)
    assert page.locator(".rs-cm-cost").inner_text() == cm.cost_text(cm.comparison(schedule, simulated), 100, group)

    page.locator("#rs-cm-participants").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("250")
    assert page.locator(".rs-cm-cost").inner_text() == cm.cost_text(cm.comparison(schedule, simulated), 250, group)

    page.locator(".rs-cm-example").focus()
    page.keyboard.press("Enter")
    assert page.locator("#rs-cm-sequence").input_value() == cm.PARAMS["default_sequence"]
    assert summary.inner_text() == _summary(schedule, seq)
    assert not errors, errors


@pytest.mark.parametrize("mode", MODES)
def test_no_serious_axe_violation(open_mode, mode):
    page, errors = open_mode(mode)
    assert page.evaluate("() => document.documentElement.dataset.theme") == mode
    page.locator(".rs-cm-details summary").click()  # the table open, so axe sees it
    page.locator("#rs-cm-sequence").fill("n clean")  # and the error state
    page.locator("#rs-cm-sequence").dispatch_event("input")
    violations = [v for v in Axe().run(page).response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"][:5]]) for v in violations]
    assert not errors, errors
