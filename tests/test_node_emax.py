"""Module 1's receptor model: book/_static/emax.js in Node, with no browser, against
recovery_science.receptor, on a grid over the parameters of data/tools/receptor.json.
Outside CI the file skips when node is missing; with CI=true it fails instead."""

from __future__ import annotations

import itertools

import numpy as np

from recovery_science import receptor

EMAX = "emax.js"
MODEL = receptor.PARAMS["model"]
SLIDERS = receptor.PARAMS["sliders"]
AXIS = receptor.PARAMS["concentration_log10"]




def _slider_values(name: str, count: int) -> list[float]:
    spec = SLIDERS[name]
    return np.linspace(spec["min"], spec["max"], count).tolist()


def test_effect_matches_python_on_a_grid(node):
    """13 concentrations x 3 efficacies x 4 antagonist amounts (156 points), plus other Kd, Ka
    and Hill coefficients so that a swapped argument cannot hide behind the value 1."""
    concs = np.logspace(AXIS["min"], AXIS["max"], 13).tolist()
    efficacies = sorted({0.0, MODEL["partial_efficacy"], 1.0})
    antagonists = sorted({0.0, 1.0, SLIDERS["antagonist"]["value"], SLIDERS["antagonist"]["max"]})
    grid = [(c, MODEL["kd"], e, a, MODEL["antagonist_kd"], MODEL["hill"])
            for c, e, a in itertools.product(concs, efficacies, antagonists)]
    grid += [(c, kd, 0.7, a, ka, n) for c, kd, a, ka, n in itertools.product(
        [0.01, 0.5, 3.0, 200.0], [0.2, 2.5], [0.0, 4.0], [0.5, 3.0], [0.5, 1.0, 2.0])]
    assert len(grid) >= 156 + 64
    js = node.batch(EMAX, "effectWithAntagonist", grid)
    py = [receptor.effect_with_antagonist(*args) for args in grid]
    np.testing.assert_allclose(js, py, rtol=1e-12, atol=1e-15)


def test_ec50_matches_python(node):
    cases = [(kd, a, ka, n) for kd, a, ka, n in itertools.product(
        [MODEL["kd"], 0.5, 3.0], _slider_values("antagonist", 7), [MODEL["antagonist_kd"], 2.0], [MODEL["hill"], 2.0])]
    js = node.batch(EMAX, "ec50WithAntagonist", cases)
    py = [receptor.ec50_with_antagonist(*args) for args in cases]
    np.testing.assert_allclose(js, py, rtol=1e-12)


def test_summary_line_at_every_slider_stop(node):
    """The book's summary line says what the Python model gives at every antagonist stop."""
    spec = SLIDERS["antagonist"]
    stops = np.arange(spec["min"], spec["max"] + spec["step"] / 2, spec["step"]).tolist()
    eff = SLIDERS["efficacy"]["value"]
    lines = node.batch(EMAX, "summary", [(MODEL, eff, a) for a in stops])
    for a, line in zip(stops, lines, strict=True):
        ec50 = receptor.ec50_with_antagonist(MODEL["kd"], a, MODEL["antagonist_kd"], MODEL["hill"])
        assert f"with the antagonist: {ec50:.2f} (without it: {MODEL['kd']:.2f})" in line, (a, line)
        assert f"a {ec50 / MODEL['kd']:.1f}-fold shift" in line and f"{eff:.2f} of the full agonist" in line


def test_partial_on_full_matches_python_on_a_grid(node):
    """The "on top" case: 13 partial-agonist concentrations x every full-agonist level x 4
    affinity ratios x 3 efficacies of the partial agonist, plus other Kds and a full agonist of
    efficacy below 1 so that a swapped argument cannot hide behind the value 1."""
    kd = MODEL["kd"]
    concs = np.logspace(AXIS["min"], AXIS["max"], 13).tolist() + [0.0]
    levels = sorted({0.0, 1.0, MODEL["on_top_full_level"], SLIDERS["full_level"]["max"]})
    ratios = sorted({1.0, MODEL["affinity_ratio"], SLIDERS["affinity"]["max"], 3.0})
    efficacies = sorted({0.0, MODEL["partial_efficacy"], 1.0})
    grid = [(c, kd / r, e, lv * kd, kd, 1.0)
            for c, lv, r, e in itertools.product(concs, levels, ratios, efficacies)]
    grid += [(c, kp, 0.3, cf, kf, ef) for c, kp, cf, kf, ef in itertools.product(
        [0.01, 0.5, 3.0, 200.0], [0.05, 2.5], [0.0, 4.0], [0.5, 3.0], [0.7, 1.0])]
    assert len(grid) >= 14 * 4 * 4 * 3 + 64
    js = node.batch(EMAX, "effectPartialOnFull", grid)
    py = [receptor.effect_partial_on_full(*args) for args in grid]
    np.testing.assert_allclose(js, py, rtol=1e-12, atol=1e-15)
    # the default of ef is 1 in both
    assert node.call(EMAX, "effectPartialOnFull", 1.0, 0.1, 0.4, 10.0, 1.0) == receptor.effect_partial_on_full(
        1.0, 0.1, 0.4, 10.0, 1.0)


def test_displacement_midpoint_matches_python(node):
    cases = [(cf, kf, kp) for cf, kf, kp in itertools.product(
        _slider_values("full_level", 7), [MODEL["kd"], 2.0], [MODEL["kd"] / MODEL["affinity_ratio"], 0.3, 1.0])]
    js = node.batch(EMAX, "partialDisplacementMidpoint", cases)
    py = [receptor.partial_displacement_midpoint(*args) for args in cases]
    np.testing.assert_allclose(js, py, rtol=1e-12)


def _stops(name: str) -> list[float]:
    spec = SLIDERS[name]
    return np.arange(spec["min"], spec["max"] + spec["step"] / 2, spec["step"]).tolist()


def test_on_top_summary_line_at_every_slider_stop(node):
    """The book's "on top" summary line is the Python one at every stop of the full-agonist and
    affinity sliders (and at three efficacies), and its numbers are the model's."""
    cases = [(MODEL, e, lv, r) for e in sorted({SLIDERS["efficacy"]["value"], 0.05, 1.0})
             for lv in _stops("full_level") for r in _stops("affinity")]
    assert len(cases) == 3 * 61 * 50
    lines = node.batch(EMAX, "onTopSummary", cases)
    for (model, e, lv, r), line in zip(cases, lines, strict=True):
        assert line == receptor.on_top_summary(model, e, lv, r), (e, lv, r)
    # hand-checked at the defaults: 10/11 = 0.91; midpoints 0.1 x 11 = 1.10 and 1 x 11 = 11.00
    default = node.call(EMAX, "onTopSummary", MODEL, 0.4, 10.0, 10.0)
    assert "effect 0.91" in default and "from 0.91 toward 0.40" in default
    assert "concentration of 1.10 (with equal affinity: 11.00)" in default
