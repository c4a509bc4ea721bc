"""Module 1's no-kernel receptor model in the built book: the page carries the parameters of
data/tools/receptor.json, and the sliders redraw it (keyboard only), including the case of a
partial agonist added on top of a full agonist. The model itself is checked
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
    assert page.locator(".rs-emax svg polyline").count() == 7


def _curve(page, cls: str) -> list[float]:
    """The "on top" panel's curve ``cls`` as fractions of the axis, left to right."""
    ys = page.evaluate(
        "(cls) => document.querySelector('.rs-emax-ontop polyline.' + cls).getAttribute('points')"
        ".split(' ').map(p => parseFloat(p.split(',')[1]))", cls)
    top, bottom = 14, 230 - 40  # the panel's plotting area (emax.js: T and H - B)
    return [(bottom - y) / (bottom - top) for y in ys]


def test_on_top_sliders_redraw_by_keyboard(page):
    """A partial agonist added on top of a full agonist: the net effect falls from the full
    agonist's own effect (10/11 at the data file's level) toward the partial agonist's efficacy,
    and the sliders for the full agonist's level and the affinity ratio redraw it."""
    summary = page.locator(".rs-emax-ontop-summary")
    model = receptor.PARAMS["model"]
    level, ratio, eff = model["on_top_full_level"], model["affinity_ratio"], model["partial_efficacy"]
    assert summary.inner_text() == receptor.on_top_summary(model, eff, level, ratio)
    net = _curve(page, "rs-emax-net")
    assert net[0] == pytest.approx(level / (1 + level), abs=0.01) and net[-1] == pytest.approx(eff, abs=0.01)
    assert all(b <= a + 1e-9 for a, b in zip(net, net[1:], strict=False))  # it falls
    equal = _curve(page, "rs-emax-equal")
    assert all(n <= e + 1e-9 for n, e in zip(net, equal, strict=True))  # the high-affinity drug falls first
    assert sum(e - n for n, e in zip(net, equal, strict=True)) > 5

    page.locator("#rs-emax-antagonist").focus()
    page.keyboard.press("Tab")  # to the full agonist's level
    page.keyboard.press("Home")  # no full agonist: the partial agonist alone rises to its ceiling
    assert page.locator(".rs-emax-full_level-out").inner_text() == "0.0"
    assert "Full agonist alone (c/Kd = 0.0): effect 0.00" in summary.inner_text()
    net = _curve(page, "rs-emax-net")
    assert net[0] == pytest.approx(0.0, abs=0.01) and net[-1] == pytest.approx(eff, abs=0.01)
    page.keyboard.press("End")
    top = receptor.PARAMS["sliders"]["full_level"]["max"]
    assert f"effect {top / (1 + top):.2f}" in summary.inner_text()

    page.keyboard.press("Tab")  # to the affinity ratio
    page.keyboard.press("Home")  # equal affinity: both curves are the same
    assert page.locator(".rs-emax-affinity-out").inner_text() == "1"
    assert _curve(page, "rs-emax-net") == _curve(page, "rs-emax-equal")
    mid = 1 + top  # kp (1 + cf / kf) with kp = kf = 1
    assert f"concentration of {mid:.2f} (with equal affinity: {mid:.2f})" in summary.inner_text()
    page.keyboard.press("ArrowRight")  # ratio 2: half the midpoint
    assert "Kd 0.50, affinity ratio 2" in summary.inner_text()
    assert f"concentration of {mid / 2:.2f} (with equal affinity: {mid:.2f})" in summary.inner_text()

    page.locator("#rs-emax-efficacy").focus()
    page.keyboard.press("End")  # a full agonist added to a full agonist: no fall
    assert _curve(page, "rs-emax-net")[-1] == pytest.approx(1.0, abs=0.01)
    assert "toward 1.00" in summary.inner_text()
