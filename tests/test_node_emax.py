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
