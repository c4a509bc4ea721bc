"""Unit tests for the schematic receptor model (recovery_science.receptor).

Expected values are worked by hand from the formulas in the module docstring.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from recovery_science import receptor  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# --- occupancy ---------------------------------------------------------------------------

def test_occupancy_half_at_kd():
    # c = kd: 1 / (1 + 1) = 0.5
    assert receptor.occupancy(2.0, 2.0) == pytest.approx(0.5)


def test_occupancy_three_kd_is_three_quarters():
    # c = 3 kd, n = 1: 3 / (1 + 3) = 0.75
    assert receptor.occupancy(3.0, 1.0) == pytest.approx(0.75)


def test_occupancy_hill_coefficient_two():
    # c = 2 kd, n = 2: 4 / (1 + 4) = 0.8
    assert receptor.occupancy(2.0, 1.0, n=2.0) == pytest.approx(0.8)


def test_occupancy_zero_concentration_is_zero():
    assert receptor.occupancy(0.0, 1.0) == 0.0


def test_occupancy_is_vectorised():
    c = np.array([0.0, 1.0, 3.0, 9.0])
    # 0, 1/2, 3/4, 9/10
    np.testing.assert_allclose(receptor.occupancy(c, 1.0), [0.0, 0.5, 0.75, 0.9])


def test_occupancy_scalar_returns_float():
    assert isinstance(receptor.occupancy(1.0, 1.0), float)


# --- effect --------------------------------------------------------------------------------

def test_full_agonist_effect_equals_occupancy():
    assert receptor.effect(3.0, 1.0, 1.0) == pytest.approx(0.75)


def test_partial_agonist_half_occupancy():
    # efficacy 0.4 x occupancy 0.5 = 0.2
    assert receptor.effect(1.0, 1.0, 0.4) == pytest.approx(0.2)


def test_partial_agonist_ceiling_equals_efficacy():
    # Occupancy approaches 1 at very high concentration, so the effect levels off at the
    # efficacy (0.4) however much more agonist is added: the ceiling effect.
    high = np.array([1e4, 1e6, 1e8])
    effects = receptor.effect(high, 1.0, 0.4)
    np.testing.assert_allclose(effects, 0.4, rtol=1e-3)
    assert np.all(effects <= 0.4)


def test_antagonist_has_no_effect():
    np.testing.assert_array_equal(receptor.effect(np.array([0.1, 1.0, 100.0]), 1.0, 0.0), 0.0)


# --- competitive antagonist ----------------------------------------------------------------

def test_no_antagonist_matches_effect():
    c = np.logspace(-2, 2, 9)
    np.testing.assert_allclose(
        receptor.effect_with_antagonist(c, 1.0, 1.0, 0.0, 1.0), receptor.effect(c, 1.0, 1.0)
    )


def test_antagonist_at_ka_halves_occupancy_shift():
    # c = kd, a = ka: 1 / (1 + 1 + 1) = 1/3
    assert receptor.effect_with_antagonist(1.0, 1.0, 1.0, 1.0, 1.0) == pytest.approx(1 / 3)


def test_antagonist_at_ka_doubles_ec50():
    # With a = ka, the agonist needs c = 2 kd for half effect: 2 / (1 + 2 + 1) = 0.5
    assert receptor.effect_with_antagonist(2.0, 1.0, 1.0, 1.0, 1.0) == pytest.approx(0.5)
    assert receptor.ec50_with_antagonist(1.0, 1.0, 1.0) == pytest.approx(2.0)


def test_antagonist_shift_general():
    # kd = 0.5, a/ka = 4: EC50 = 0.5 x (1 + 4) = 2.5; half effect there: 5 / (1 + 5 + 4) = 0.5
    assert receptor.ec50_with_antagonist(0.5, 8.0, 2.0) == pytest.approx(2.5)
    assert receptor.effect_with_antagonist(2.5, 0.5, 1.0, 8.0, 2.0) == pytest.approx(0.5)


def test_competitive_antagonist_is_surmountable():
    # Same maximum: enough agonist outcompetes the antagonist.
    assert receptor.effect_with_antagonist(1e9, 1.0, 1.0, 10.0, 1.0) == pytest.approx(1.0, rel=1e-6)


# --- a partial agonist added on top of a full agonist (n = 1) --------------------------------

def test_on_top_hand_worked_value():
    # xf = 10 / 1 = 10, xp = 1 / 0.1 = 10: occ_f = occ_p = 10 / 21; net = (10 + 0.4 x 10) / 21 = 14 / 21
    assert receptor.effect_partial_on_full(1.0, 0.1, 0.4, 10.0, 1.0) == pytest.approx(2 / 3)
    # a full agonist of efficacy 0.8 and other Kds: xf = 6 / 2 = 3, xp = 1.5 / 0.5 = 3:
    # (0.8 x 3 + 0.2 x 3) / 7 = 3 / 7
    assert receptor.effect_partial_on_full(1.5, 0.5, 0.2, 6.0, 2.0, 0.8) == pytest.approx(3 / 7)


def test_on_top_without_partial_agonist_is_the_full_agonist_alone():
    # c_p -> 0: 10 / 11 (about 0.91), the full agonist's own effect
    assert receptor.effect_partial_on_full(0.0, 0.1, 0.4, 10.0, 1.0) == pytest.approx(10 / 11)
    c = np.logspace(-2, 2, 9)
    np.testing.assert_allclose(receptor.effect_partial_on_full(0.0, 0.1, 0.4, c, 1.0), receptor.effect(c, 1.0, 1.0))


def test_on_top_at_high_partial_concentration_tends_to_its_efficacy():
    high = np.array([1e6, 1e9, 1e12])
    net = receptor.effect_partial_on_full(high, 0.1, 0.4, 10.0, 1.0)
    np.testing.assert_allclose(net, 0.4, rtol=1e-4)
    assert np.all(net > 0.4)  # from above: it falls toward the ceiling


def test_on_top_net_effect_falls_monotonically():
    # e_p = 0.4 is below the full agonist's own 10/11: more partial agonist, less net effect
    net = receptor.effect_partial_on_full(np.logspace(-3, 6, 200), 0.1, 0.4, 10.0, 1.0)
    assert np.all(np.diff(net) < 0)
    assert net[0] == pytest.approx(10 / 11, abs=1e-3) and net[-1] == pytest.approx(0.4, abs=1e-3)


def test_on_top_net_effect_rises_when_little_full_agonist_is_present():
    # xf = 0.5: the full agonist alone gives 1/3, below e_p = 0.4, so the partial agonist adds effect
    net = receptor.effect_partial_on_full(np.logspace(-3, 6, 200), 0.1, 0.4, 0.5, 1.0)
    assert np.all(np.diff(net) > 0)


def test_high_affinity_reaches_half_the_displacement_at_a_tenfold_lower_concentration():
    # midpoint = kp (1 + cf / kf): 0.1 x 11 = 1.1 with 10x the affinity, 1 x 11 = 11 with equal affinity
    high = receptor.partial_displacement_midpoint(10.0, 1.0, 0.1)
    equal = receptor.partial_displacement_midpoint(10.0, 1.0, 1.0)
    assert high == pytest.approx(1.1) and equal == pytest.approx(11.0)
    assert equal / high == pytest.approx(10.0)
    # and at each midpoint the net effect is halfway between 10/11 and 0.4
    halfway = (10 / 11 + 0.4) / 2
    assert receptor.effect_partial_on_full(high, 0.1, 0.4, 10.0, 1.0) == pytest.approx(halfway)
    assert receptor.effect_partial_on_full(equal, 1.0, 0.4, 10.0, 1.0) == pytest.approx(halfway)
    # at one tenth of the high-affinity midpoint the equal-affinity drug has barely started
    start = receptor.effect_partial_on_full(1.1, 1.0, 0.4, 10.0, 1.0)
    assert 10 / 11 - start < 0.1 * (10 / 11 - 0.4)


def test_on_top_is_vectorised_and_scalar_gives_float():
    assert isinstance(receptor.effect_partial_on_full(1.0, 0.1, 0.4, 10.0, 1.0), float)
    assert isinstance(receptor.partial_displacement_midpoint(10.0, 1.0, 0.1), float)
    out = receptor.effect_partial_on_full(np.array([0.0, 1.0]), 0.1, 0.4, 10.0, 1.0)
    np.testing.assert_allclose(out, [10 / 11, 2 / 3])


def test_on_top_summary_states_the_model():
    line = receptor.on_top_summary(receptor.PARAMS["model"], 0.4, 10.0, 10.0)
    assert line == (
        "Full agonist alone (c/Kd = 10.0): effect 0.91. Adding the partial agonist (efficacy 0.40; "
        "Kd 0.10, affinity ratio 10) moves the net effect from 0.91 toward 0.40; half of that change "
        "comes at a partial-agonist concentration of 1.10 (with equal affinity: 11.00).")


def test_summary_numbers_round_ties_up_like_javascript():
    # 1/16 = 0.0625 exactly: JavaScript's toFixed(3) gives 0.063, Python's format 0.062
    assert receptor._fixed(0.0625, 3) == "0.063" and receptor._fixed(0.125, 2) == "0.13"
    assert receptor._fixed(10.0, 0) == "10" and receptor._fixed(0.0, 1) == "0.0"


# --- input validation --------------------------------------------------------------------

@pytest.mark.parametrize(
    "call",
    [
        lambda: receptor.occupancy(-1.0, 1.0),
        lambda: receptor.occupancy(np.array([1.0, -0.1]), 1.0),
        lambda: receptor.occupancy(1.0, 0.0),
        lambda: receptor.occupancy(1.0, -1.0),
        lambda: receptor.occupancy(1.0, 1.0, n=0.0),
        lambda: receptor.effect(-2.0, 1.0, 1.0),
        lambda: receptor.effect(1.0, 1.0, 1.5),
        lambda: receptor.effect(1.0, 1.0, -0.1),
        lambda: receptor.effect_with_antagonist(1.0, 1.0, 1.0, -1.0, 1.0),
        lambda: receptor.effect_with_antagonist(-1.0, 1.0, 1.0, 1.0, 1.0),
        lambda: receptor.effect_with_antagonist(1.0, 1.0, 1.0, 1.0, 0.0),
        lambda: receptor.occupancy(float("nan"), 1.0),
        lambda: receptor.effect_partial_on_full(-1.0, 0.1, 0.4, 10.0, 1.0),
        lambda: receptor.effect_partial_on_full(np.array([1.0, -1e-9]), 0.1, 0.4, 10.0, 1.0),
        lambda: receptor.effect_partial_on_full(1.0, 0.0, 0.4, 10.0, 1.0),
        lambda: receptor.effect_partial_on_full(1.0, 0.1, 1.2, 10.0, 1.0),
        lambda: receptor.effect_partial_on_full(1.0, 0.1, 0.4, -10.0, 1.0),
        lambda: receptor.effect_partial_on_full(1.0, 0.1, 0.4, 10.0, -1.0),
        lambda: receptor.effect_partial_on_full(1.0, 0.1, 0.4, 10.0, 1.0, -0.5),
        lambda: receptor.effect_partial_on_full(float("nan"), 0.1, 0.4, 10.0, 1.0),
        lambda: receptor.partial_displacement_midpoint(-1.0, 1.0, 0.1),
        lambda: receptor.partial_displacement_midpoint(10.0, 0.0, 0.1),
        lambda: receptor.partial_displacement_midpoint(10.0, 1.0, 0.0),
    ],
)
def test_invalid_inputs_raise(call):
    with pytest.raises(ValueError):
        call()


# --- figures and widget --------------------------------------------------------------------

def test_plot_static_returns_three_panel_figure():
    fig = receptor.plot_static()
    assert isinstance(fig, matplotlib.figure.Figure)
    assert len(fig.axes) == 3
    assert fig._suptitle.get_text() == receptor.CAPTION
    for ax in fig.axes:
        assert ax.get_xscale() == "log"
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_static_on_top_panel_draws_the_model():
    """The bottom panel: the full agonist alone at the data file's level, and the net effect with
    the partial agonist at the data file's affinity ratio and at equal affinity, each falling from
    the full agonist's own effect toward the partial agonist's efficacy."""
    ax = receptor.plot_static().axes[2]
    alone, high, equal = ax.get_lines()[:3]
    level, ratio, eff = receptor.ON_TOP_FULL_LEVEL, receptor.AFFINITY_RATIO, receptor.PARTIAL_EFFICACY
    own = level / (1 + level)
    np.testing.assert_allclose(alone.get_ydata(), own)
    cp = high.get_xdata()
    xp = cp * ratio / receptor.KD  # the partial agonist's Kd is KD / ratio
    np.testing.assert_allclose(high.get_ydata(), (level + eff * xp) / (1 + level + xp))
    np.testing.assert_allclose(equal.get_ydata(), (level + eff * cp / receptor.KD) / (1 + level + cp / receptor.KD))
    assert np.all(high.get_ydata() <= equal.get_ydata() + 1e-12)
    assert f"c/Kd = {level:g}): {own:.2f}" in alone.get_label()
    assert f"{ratio:g}\u00d7 the affinity" in high.get_label()
    assert "log" == ax.get_xscale() and "Partial agonist concentration" in ax.get_xlabel()


def test_plot_static_is_deterministic():
    a = [line.get_ydata() for ax in receptor.plot_static().axes for line in ax.get_lines()]
    b = [line.get_ydata() for ax in receptor.plot_static().axes for line in ax.get_lines()]
    assert len(a) == len(b)
    for ya, yb in zip(a, b, strict=True):
        np.testing.assert_array_equal(ya, yb)


def test_explore_returns_widget():
    import ipywidgets as widgets

    w = receptor.explore()
    assert isinstance(w, widgets.Widget)
    sliders = [c for c in w.children[0].children if isinstance(c, widgets.FloatSlider)]
    assert len(sliders) == 4
    # Moving a slider redraws without error and updates the summary text.
    before = w.children[2].value
    sliders[1].value = 1.0
    assert "2.00" in w.children[1].value
    assert w.children[2].value != before  # the image was redrawn
    # the "on top" sliders: the full agonist's level and the partial agonist's affinity
    sliders[2].value = 3.0  # full agonist alone: 3/4; midpoint kp (1 + 3) with kp = 1/10
    assert "c/Kd = 3.0): effect 0.75" in w.children[1].value and "concentration of 0.40" in w.children[1].value
    sliders[3].value = 1.0  # equal affinity: the midpoint is 1 x (1 + 3) = 4 either way
    assert "concentration of 4.00 (with equal affinity: 4.00)" in w.children[1].value


def test_explore_shows_the_no_kernel_version_in_the_book():
    bundle = receptor.explore()._repr_mimebundle_()
    assert bundle["text/html"] == receptor.explorer_html()
    assert 'id="rs-emax-efficacy"' in bundle["text/html"] and "not drug doses" in bundle["text/html"]
    assert bundle["text/plain"].startswith("Interactive version")


# --- parameters written once, in data/tools/receptor.json ---------------------------------

def test_parameters_come_from_the_data_file():
    import json

    data = json.loads(receptor.params_path().read_text(encoding="utf-8"))
    path = receptor.params_path()
    assert path.relative_to(path.parents[2]).as_posix() == "data/tools/receptor.json"
    assert (receptor.KD, receptor.ANTAGONIST_KA, receptor.HILL, receptor.PARTIAL_EFFICACY) == (
        data["model"]["kd"], data["model"]["antagonist_kd"], data["model"]["hill"], data["model"]["partial_efficacy"])
    assert (receptor.ON_TOP_FULL_LEVEL, receptor.AFFINITY_RATIO) == (
        data["model"]["on_top_full_level"], data["model"]["affinity_ratio"])
    # the defaults make the fall obvious: from the full agonist's own effect well down toward e_p
    own = data["model"]["on_top_full_level"] / (1 + data["model"]["on_top_full_level"])
    assert own - data["model"]["partial_efficacy"] >= 0.3 and data["model"]["affinity_ratio"] >= 10


def _changed_params():
    import copy

    params = copy.deepcopy(receptor.PARAMS)
    params["model"]["kd"] = 2.5
    params["sliders"]["antagonist"].update(min=1.0, max=12.0, step=0.25, value=2.0)
    params["sliders"]["efficacy"]["label"] = "Efficacy <b>'x'</b>"
    params["sliders"]["affinity"].update(min=2.0, max=20.0, step=2.0, value=4.0)
    params["model"]["affinity_ratio"] = 4.0
    return params


def test_book_sliders_and_embedded_model_follow_the_parameters():
    import html
    import json
    import re

    params = _changed_params()
    out = receptor.explorer_html(params=params)
    assert 'id="rs-emax-antagonist" min="1" max="12" step="0.25" value="2"' in out
    assert '<output class="rs-emax-antagonist-out" for="rs-emax-antagonist">2.0</output>' in out
    assert "Efficacy &lt;b&gt;&#x27;x&#x27;&lt;/b&gt;:" in out  # labels are escaped
    assert 'id="rs-emax-affinity" min="2" max="20" step="2" value="4"' in out
    assert '<output class="rs-emax-affinity-out" for="rs-emax-affinity">4</output>' in out
    assert len(re.findall(r'<input type="range"', out)) == 4 and out.count(" disabled>") == 4
    embedded = json.loads(html.unescape(re.search(r'data-rs-emax="([^"]*)"', out).group(1)))
    assert embedded == {"model": params["model"], "concentration_log10": params["concentration_log10"]}
    assert receptor.explorer_html() == receptor.explorer_html()  # deterministic


def test_widget_sliders_follow_the_parameters(monkeypatch):
    import ipywidgets as widgets

    monkeypatch.setattr(receptor, "PARAMS", _changed_params())
    sliders = [c for c in receptor.explore().children[0].children if isinstance(c, widgets.FloatSlider)]
    assert [(s.min, s.max, s.step, s.value) for s in sliders][1] == (1.0, 12.0, 0.25, 2.0)
    assert [(s.min, s.max, s.step, s.value) for s in sliders][3] == (2.0, 20.0, 2.0, 4.0)


# Widest the book shows a cell's image, in CSS px (sphinx-book-theme's article column, rounded
# down); a wider figure is scaled down to it.
BOOK_COLUMN_PX = 720
MIN_TEXT_PX = 10


def _smallest_text_px(fig, dpi: float) -> float:
    from matplotlib.text import Text

    scale = min(1.0, BOOK_COLUMN_PX / (fig.get_figwidth() * dpi))
    fig.canvas.draw()  # tick labels exist once drawn
    texts = fig.findobj(Text) + [t for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
    sizes = [t.get_fontsize() for t in texts if t.get_visible() and t.get_text().strip()]
    assert len(sizes) > 20
    return min(sizes) * dpi / 72 * scale


# The book's figures are SVG (recovery_science.figures): a figure inch is 72 pt, which a browser
# shows as 96 CSS px (the PNG the inline backend stored before was 100 px per inch).
SVG_PX_PER_INCH = 96


def test_static_figure_text_is_readable_in_the_book():
    """The book shows the figure (SVG, SVG_PX_PER_INCH) at most BOOK_COLUMN_PX wide; every
    label, tick, legend and note must be at least MIN_TEXT_PX there."""
    assert _smallest_text_px(receptor.plot_static(), SVG_PX_PER_INCH) >= MIN_TEXT_PX
