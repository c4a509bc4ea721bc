"""Module 1's no-kernel receptor model in the built book: the page carries the parameters of
data/tools/receptor.json, and the sliders redraw it (keyboard only). The model itself is checked
against the Python model in Node (tests/test_node_emax.py)."""

from __future__ import annotations

import json

import pytest

from recovery_science import receptor

pytestmark = pytest.mark.browser
PAGE = "notebooks/01-biology-of-opioid-dependence.html"


@pytest.fixture()
def page(browser, book_server):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{book_server}/{PAGE}")
    page.wait_for_selector(".rs-emax.rs-ready")
    yield page
    assert not errors, errors
    context.close()


def test_page_carries_the_tool_parameters(page):
    embedded = json.loads(page.locator(".rs-emax").get_attribute("data-rs-emax"))
    assert embedded == {"model": receptor.PARAMS["model"],
                        "concentration_log10": receptor.PARAMS["concentration_log10"]}
    for name, spec in receptor.PARAMS["sliders"].items():
        slider = page.locator(f"#rs-emax-{name}")
        assert [float(slider.get_attribute(k)) for k in ("min", "max", "step")] == [
            spec["min"], spec["max"], spec["step"]], name
        assert float(slider.input_value()) == spec["value"], name


def test_the_run_notice_goes_and_the_sliders_work_in_the_book(page):
    """The stored HTML says "run this cell" and disables the sliders (for an unrun notebook in
    JupyterLab); in the book emax.js removes the notice and enables them."""
    assert page.locator(".rs-emax .rs-run-notice").count() == 0
    assert "Run this cell" not in page.locator(".rs-emax").inner_text()
    for name in receptor.PARAMS["sliders"]:
        assert page.locator(f"#rs-emax-{name}").is_enabled(), name


def _partial_plateau(page) -> float:
    """Highest point (smallest SVG y) of the second agonist's curve, as a fraction of the axis."""
    ys = page.evaluate(
        "() => document.querySelector('.rs-emax-left polyline.rs-emax-partial').getAttribute('points')"
        ".split(' ').map(p => parseFloat(p.split(',')[1]))"
    )
    top, bottom = 14, 230 - 40  # the panel's plotting area (emax.js: T and H - B)
    return (bottom - min(ys)) / (bottom - top)


def test_sliders_redraw_by_keyboard(page):
    summary = page.locator(".rs-emax-summary")
    assert "0.40 of the full agonist" in summary.inner_text() and "4.00" in summary.inner_text()
    assert _partial_plateau(page) == pytest.approx(0.4, abs=0.01)  # the ceiling

    antagonist = page.locator("#rs-emax-antagonist")
    antagonist.focus()
    page.keyboard.press("Home")  # no antagonist: no shift
    assert "1.00 (without it: 1.00), a 1.0-fold shift" in summary.inner_text()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # a/Ka = 1.0: EC50 doubles
    assert page.locator(".rs-emax-antagonist-out").inner_text() == "1.0"
    assert "2.00 (without it: 1.00), a 2.0-fold shift" in summary.inner_text()

    page.keyboard.press("Shift+Tab")  # back to the efficacy slider
    page.keyboard.press("End")
    assert page.locator(".rs-emax-efficacy-out").inner_text() == "1.00"
    assert _partial_plateau(page) == pytest.approx(1.0, abs=0.01)
    page.keyboard.press("Home")  # efficacy 0: an antagonist's own curve is flat
    assert _partial_plateau(page) == pytest.approx(0.0, abs=0.01)
    assert page.locator(".rs-emax svg polyline").count() == 4
