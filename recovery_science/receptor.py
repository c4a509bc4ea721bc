"""A schematic receptor-occupancy model for Module 1.

Teaching model only: unitless concentrations, illustrative parameters, not doses of real drugs.

Four textbook relationships (Hill/Emax, Gaddum and two agonists competing for one site), each
vectorised over NumPy arrays:

* ``occupancy(c, kd, n)``: fraction of receptors bound by an agonist at concentration ``c``,
  ``c**n / (kd**n + c**n)``. At ``c == kd`` half the receptors are occupied.
* ``effect(c, kd, efficacy, n)``: ``efficacy * occupancy``, a fraction of the system's maximum.
  ``efficacy = 1`` is a full agonist, a value between 0 and 1 (for example 0.4) a partial agonist
  whose effect levels off at ``efficacy`` however high the concentration (a *ceiling*), and
  ``efficacy = 0`` an antagonist, which occupies receptors without activating them.
* ``effect_with_antagonist(c, kd, efficacy, a, ka, n)``: the agonist's effect when a competitive
  antagonist at concentration ``a`` (dissociation constant ``ka``) competes for the same
  receptors (Gaddum's equation). With ``x = (c / kd)**n``, agonist occupancy is
  ``x / (1 + x + a / ka)``. For ``n = 1`` the curve keeps its maximum but shifts to the right:
  the concentration giving half the maximum effect (EC50) becomes ``kd * (1 + a / ka)``, so
  ``a == ka`` doubles it. (With ``n != 1`` the Hill exponent is applied to the agonist term only,
  a common simplification; the shift is then ``(1 + a / ka) ** (1 / n)``.)
* ``effect_partial_on_full(cp, kp, ep, cf, kf, ef=1)``: the *net* effect when a partial agonist
  (concentration ``cp``, dissociation constant ``kp``, efficacy ``ep``) is added on top of a full
  agonist already present (``cf``, ``kf``, efficacy ``ef``), both competing for the same receptors
  with a Hill coefficient of 1. With ``xf = cf / kf`` and ``xp = cp / kp``, the two occupancies are
  ``xf / (1 + xf + xp)`` and ``xp / (1 + xf + xp)``, and the net effect is
  ``ef * occ_f + ep * occ_p``. As ``cp`` rises the partial agonist displaces the full agonist and
  the net effect moves from the full agonist's own effect, ``ef * xf / (1 + xf)`` (for example
  10/11, about 0.91, at ``cf = 10 kf``), to ``ep`` (for example 0.4): it *falls* whenever ``ep`` is
  below the full agonist's own effect. Half of that change happens at
  ``cp = kp * (1 + cf / kf)`` (:func:`partial_displacement_midpoint`), so a partial agonist that
  binds ten times as tightly (``kp = kf / 10``) gets there at a ten times lower concentration.
  This is the schematic basis of precipitated withdrawal and of blockade by a high-affinity
  partial agonist such as buprenorphine (Module 4).

Simplification: in this model the effect is proportional to occupancy, so the EC50 equals ``kd``;
real receptor systems are more complex, as the module text says.

The illustrative parameters (Kd, Ka, Hill coefficient, the concentration axis, the sliders'
ranges and starting values) are written once, in ``data/tools/receptor.json``: this module reads
them, and :func:`explorer_html` embeds them in the book page for ``book/_static/emax.js``, whose
pure functions ``tests/test_node_emax.py`` runs in Node against the ones here.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import numpy as np

from .display import show_figures_inline
from .paths import read_tool_json, tool_path

CAPTION = "Schematic model — illustrative, unitless parameters, not drug doses"


def params_path() -> Path:
    return tool_path("receptor.json")


def load_params(path: str | Path | None = None) -> dict[str, Any]:
    """The tool's parameters (``data/tools/receptor.json``, or ``path``), without its comment."""
    return read_tool_json(path if path is not None else params_path())


PARAMS = load_params()
# Illustrative parameters used by the figures (unitless), from PARAMS.
KD = float(PARAMS["model"]["kd"])
PARTIAL_EFFICACY = float(PARAMS["model"]["partial_efficacy"])
ANTAGONIST_KA = float(PARAMS["model"]["antagonist_kd"])
HILL = float(PARAMS["model"]["hill"])
# The "on top" case: the full agonist's level (c/Kd) and the partial agonist's affinity relative to
# the full agonist's (Kd of full / Kd of partial); the partial agonist's efficacy is PARTIAL_EFFICACY.
ON_TOP_FULL_LEVEL = float(PARAMS["model"]["on_top_full_level"])
AFFINITY_RATIO = float(PARAMS["model"]["affinity_ratio"])

__all__ = [
    "CAPTION",
    "occupancy",
    "effect",
    "effect_with_antagonist",
    "ec50_with_antagonist",
    "effect_partial_on_full",
    "partial_displacement_midpoint",
    "on_top_summary",
    "plot_static",
    "explore",
]


def _nonnegative(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if np.any(np.isnan(arr)):
        raise ValueError(f"{name} must not be NaN")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return arr


def _positive(name: str, value) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if np.any(np.isnan(arr)) or np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return arr


def _efficacy(value) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if np.any(np.isnan(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError(f"efficacy must be between 0 and 1, got {value!r}")
    return arr


def _result(arr: np.ndarray):
    """Return a Python float for scalar input, an array otherwise."""
    return float(arr) if arr.ndim == 0 else arr


def occupancy(conc, kd, n=1.0):
    """Fraction of receptors occupied by a ligand at ``conc`` (Hill equation), between 0 and 1.

    ``conc`` and ``kd`` share the same (arbitrary) unit; ``n`` is the Hill coefficient.
    Raises ``ValueError`` for a negative concentration or a non-positive ``kd`` or ``n``.
    """
    c = _nonnegative("conc", conc)
    k = _positive("kd", kd)
    h = _positive("n", n)
    x = (c / k) ** h
    return _result(x / (1.0 + x))


def effect(conc, kd, efficacy, n=1.0):
    """Effect as a fraction of the system maximum: ``efficacy * occupancy(conc, kd, n)``.

    ``efficacy`` is between 0 (antagonist) and 1 (full agonist).
    """
    e = _efficacy(efficacy)
    occ = np.asarray(occupancy(conc, kd, n), dtype=float)
    return _result(e * occ)


def effect_with_antagonist(conc, kd, efficacy, antagonist_conc, antagonist_kd, n=1.0):
    """Agonist effect in the presence of a competitive antagonist (Gaddum's equation).

    Agonist occupancy is ``x / (1 + x + a / ka)`` with ``x = (conc / kd) ** n``; the antagonist
    itself has no efficacy. With ``antagonist_conc = 0`` this equals :func:`effect`.
    """
    c = _nonnegative("conc", conc)
    k = _positive("kd", kd)
    e = _efficacy(efficacy)
    a = _nonnegative("antagonist_conc", antagonist_conc)
    ka = _positive("antagonist_kd", antagonist_kd)
    h = _positive("n", n)
    x = (c / k) ** h
    return _result(e * x / (1.0 + x + a / ka))


def ec50_with_antagonist(kd, antagonist_conc, antagonist_kd, n=1.0):
    """Agonist concentration giving half its maximum effect when the antagonist is present.

    ``kd * (1 + a / ka) ** (1 / n)``: the rightward shift of the curve (Schild/Gaddum).
    """
    k = _positive("kd", kd)
    a = _nonnegative("antagonist_conc", antagonist_conc)
    ka = _positive("antagonist_kd", antagonist_kd)
    h = _positive("n", n)
    return _result(k * (1.0 + a / ka) ** (1.0 / h))


def effect_partial_on_full(partial_conc, partial_kd, partial_efficacy, full_conc, full_kd,
                           full_efficacy=1.0):
    """Net effect of a full agonist and a partial agonist competing for the same receptors (n = 1).

    With ``xf = full_conc / full_kd`` and ``xp = partial_conc / partial_kd``, the full agonist
    occupies ``xf / (1 + xf + xp)`` of the receptors and the partial agonist ``xp / (1 + xf + xp)``;
    the net effect is ``full_efficacy * occ_f + partial_efficacy * occ_p``, a fraction of the
    system maximum. With ``partial_conc = 0`` it is the full agonist's own effect,
    ``effect(full_conc, full_kd, full_efficacy)``; as ``partial_conc`` grows it tends to
    ``partial_efficacy``. Raises ``ValueError`` for a negative concentration, a non-positive Kd or
    an efficacy outside 0..1.
    """
    cp = _nonnegative("partial_conc", partial_conc)
    kp = _positive("partial_kd", partial_kd)
    ep = _efficacy(partial_efficacy)
    cf = _nonnegative("full_conc", full_conc)
    kf = _positive("full_kd", full_kd)
    ef = _efficacy(full_efficacy)
    xp = cp / kp
    xf = cf / kf
    return _result((ef * xf + ep * xp) / (1.0 + xf + xp))


def partial_displacement_midpoint(full_conc, full_kd, partial_kd):
    """Partial-agonist concentration at which the net effect has made half of its change.

    ``partial_kd * (1 + full_conc / full_kd)`` (n = 1). From :func:`effect_partial_on_full`,
    ``net - ep = (E0 - ep) * (1 + xf) / (1 + xf + xp)`` where ``E0`` is the full agonist's own
    effect, so the change is half done when ``xp = 1 + xf``. The more full agonist is present, and
    the weaker the partial agonist binds, the more partial agonist it takes.
    """
    cf = _nonnegative("full_conc", full_conc)
    kf = _positive("full_kd", full_kd)
    kp = _positive("partial_kd", partial_kd)
    return _result(kp * (1.0 + cf / kf))


def _fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, rounded like JavaScript's ``toFixed`` (a tie of the
    exact binary value goes up, where Python's format rounds it to even)."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(float(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def on_top_summary(model: dict[str, Any], efficacy: float, level: float, ratio: float) -> str:
    """The summary line of the "on top" case for the sliders' values (the same text as emax.js's
    ``onTopSummary``): the full agonist's own effect at ``level`` (c/Kd), where the net effect goes
    once the partial agonist (``efficacy``, Kd = Kd / ``ratio``) is added, and the concentration at
    which half of that change is done, with the partial agonist's affinity and with equal affinity.
    """
    kd = float(model["kd"])
    kp = kd / ratio
    alone = effect(level * kd, kd, 1.0)
    mid = partial_displacement_midpoint(level * kd, kd, kp)
    mid_equal = partial_displacement_midpoint(level * kd, kd, kd)
    return (
        f"Full agonist alone (c/Kd = {_fixed(level, 1)}): effect {_fixed(alone, 2)}. "
        f"Adding the partial agonist (efficacy {_fixed(efficacy, 2)}; Kd {_fixed(kp, 2)}, affinity ratio "
        f"{_fixed(ratio, 0)}) moves the net effect from {_fixed(alone, 2)} toward {_fixed(efficacy, 2)}; "
        f"half of that change comes at a partial-agonist concentration of {_fixed(mid, 2)} "
        f"(with equal affinity: {_fixed(mid_equal, 2)})."
    )


def _concentrations() -> np.ndarray:
    # The data file's decades (three either side of KD), evenly spaced on a log axis.
    axis = PARAMS["concentration_log10"]
    return np.logspace(axis["min"], axis["max"], 301)


# Font sizes (points) of the figures' text. The book shows the static figure at most about 720 px
# wide, i.e. at its own size (FIGSIZE_STATIC at 100 dpi), so 11 pt text is about 15 px there;
# tests/test_receptor.py checks that no text is smaller than 10 px as displayed.
FONT = {"title": 13, "label": 11.5, "tick": 11, "legend": 11, "annotation": 11, "caption": 12}
FIGSIZE_STATIC = (7.2, 13.2)  # inches: three panels, one above the other
FIGSIZE_LIVE = (16.5, 5.4)  # the JupyterLab widget's figure: side by side, at 80 dpi
LIVE_DPI = 80


def _axes_text(ax) -> None:
    ax.set_xlabel(f"Agonist concentration (unitless, log scale; Kd = {KD:g})", fontsize=FONT["label"])
    ax.set_ylabel("Effect (fraction of system maximum)", fontsize=FONT["label"])
    ax.tick_params(labelsize=FONT["tick"])
    ax.set_ylim(-0.02, 1.05)
    ax.legend(loc="upper left", fontsize=FONT["legend"], frameon=False)


def _draw_efficacy_panel(ax, partial_efficacy: float = PARTIAL_EFFICACY) -> None:
    c = _concentrations()
    ax.semilogx(c, effect(c, KD, 1.0, HILL), color="#1b6ca8", lw=2.5, label="Full agonist (efficacy 1)")
    ax.semilogx(
        c,
        effect(c, KD, partial_efficacy, HILL),
        color="#d9822b",
        lw=2.5,
        ls="--",
        label=f"Partial agonist (efficacy {partial_efficacy:g})",
    )
    ax.semilogx(c, effect(c, KD, 0.0, HILL), color="#555555", lw=2, ls=":", label="Antagonist (efficacy 0)")
    ax.axhline(partial_efficacy, color="#d9822b", lw=0.8, alpha=0.6)
    ax.annotate(
        "ceiling",
        xy=(c[-1], partial_efficacy),
        xytext=(-4, 4),
        textcoords="offset points",
        ha="right",
        va="bottom",
        color="#a35f16",
        fontsize=FONT["annotation"],
    )
    ax.set_title("Efficacy: full vs partial agonist", fontsize=FONT["title"])
    _axes_text(ax)


def _draw_antagonist_panel(ax, antagonist_conc: float | None = None) -> None:
    if antagonist_conc is None:
        antagonist_conc = PARAMS["sliders"]["antagonist"]["value"]
    c = _concentrations()
    ax.semilogx(c, effect(c, KD, 1.0, HILL), color="#1b6ca8", lw=2.5, label="Full agonist alone")
    ax.semilogx(
        c,
        effect_with_antagonist(c, KD, 1.0, antagonist_conc, ANTAGONIST_KA, HILL),
        color="#7b3294",
        lw=2.5,
        ls="--",
        label=f"With antagonist (a/Ka = {antagonist_conc / ANTAGONIST_KA:g})",
    )
    ec50 = ec50_with_antagonist(KD, antagonist_conc, ANTAGONIST_KA, HILL)
    ax.axhline(0.5, color="#999999", lw=0.8)
    ax.annotate(
        "",
        xy=(ec50, 0.5),
        xytext=(KD, 0.5),
        arrowprops={"arrowstyle": "->", "color": "#7b3294", "lw": 1.5},
    )
    ax.set_title("A competitive antagonist shifts the curve right", fontsize=FONT["title"])
    _axes_text(ax)


def _draw_on_top_panel(ax, partial_efficacy: float = PARTIAL_EFFICACY, level: float = ON_TOP_FULL_LEVEL,
                       ratio: float = AFFINITY_RATIO) -> None:
    """Net effect against the concentration of a partial agonist added to a full agonist held at
    ``level`` (c/Kd): with the partial agonist's affinity (Kd / ``ratio``) and with equal affinity."""
    cp = _concentrations()
    cf = level * KD
    kp = KD / ratio
    alone = effect(cf, KD, 1.0)
    ax.semilogx(cp, np.full_like(cp, alone), color="#1b6ca8", lw=2.5,
                label=f"Full agonist alone (c/Kd = {level:g}): {alone:.2f}")
    ax.semilogx(
        cp,
        effect_partial_on_full(cp, kp, partial_efficacy, cf, KD),
        color="#b2182b",
        lw=2.5,
        ls="--",
        label=f"+ partial agonist, {ratio:g}\u00d7 the affinity (Kd {kp:g})",
    )
    ax.semilogx(
        cp,
        effect_partial_on_full(cp, KD, partial_efficacy, cf, KD),
        color="#555555",
        lw=2,
        ls=":",
        label=f"+ partial agonist, same affinity (Kd {KD:g})",
    )
    ax.axhline(partial_efficacy, color="#d9822b", lw=0.8, alpha=0.6)
    ax.annotate(
        f"partial agonist's ceiling ({partial_efficacy:g})",
        xy=(cp[-1], partial_efficacy),
        xytext=(-4, -4),
        textcoords="offset points",
        ha="right",
        va="top",
        color="#a35f16",
        fontsize=FONT["annotation"],
    )
    ax.set_title("A high-affinity partial agonist added to a full agonist", fontsize=FONT["title"])
    ax.set_xlabel("Partial agonist concentration (unitless, log scale)", fontsize=FONT["label"])
    ax.set_ylabel("Net effect (fraction of system maximum)", fontsize=FONT["label"])
    ax.tick_params(labelsize=FONT["tick"])
    ax.set_ylim(-0.02, 1.05)
    ax.legend(loc="lower left", fontsize=FONT["legend"], frameon=False)


def plot_static():
    """Draw the module's three-panel figure and return the matplotlib ``Figure``.

    Top: effect against log concentration for a full agonist, a partial agonist (ceiling) and
    an antagonist. Middle: a full agonist alone and with a competitive antagonist (curve shifted
    right, same maximum). Bottom: a partial agonist added to a full agonist already present: the
    net effect falls from the full agonist's own effect toward the partial agonist's ceiling, at a
    lower concentration when the partial agonist binds more tightly. One panel above the other, so
    that the book can show the figure at its own size and its text stays readable. Deterministic:
    no randomness, fixed size and parameters.
    """
    from matplotlib.figure import Figure

    # A pyplot-free Figure: shown once, as the cell's result, never again by pyplot's hooks.
    fig = Figure(figsize=FIGSIZE_STATIC, constrained_layout=True)
    top, middle, bottom = fig.subplots(3, 1)
    _draw_efficacy_panel(top)
    _draw_antagonist_panel(middle)
    _draw_on_top_panel(bottom)
    fig.suptitle(CAPTION, fontsize=FONT["caption"], color="#333333")
    show_figures_inline()
    return fig


def _slider_html(name: str, spec: dict[str, Any], value: float) -> str:
    iid = f"rs-emax-{name}"
    return (
        f'<label for="{iid}">{html.escape(spec["label"])}: '
        f'<output class="{iid}-out" for="{iid}">{value:.{spec["decimals"]}f}</output></label>'
        f'<input type="range" class="{iid}" id="{iid}" min="{spec["min"]:g}" max="{spec["max"]:g}" '
        f'step="{spec["step"]:g}" value="{value:g}" data-decimals="{spec["decimals"]}" disabled>'
    )


# Shown in the stored output until emax.js starts the sliders in the book (it removes it); in an
# unrun notebook in JupyterLab it stays, above sliders that are disabled until then.
RUN_NOTICE = "Run this cell to use the sliders here (JupyterLab), or use them in the course book."


def explorer_html(efficacy: float | None = None, antagonist: float | None = None,
                  params: dict[str, Any] | None = None) -> str:
    """The no-kernel version of :func:`explore` for the book: sliders and three SVG panels that
    ``book/_static/emax.js`` draws with the same equations, in the reader's browser.

    The sliders' ranges and starting values and the model's parameters come from ``params``
    (default: ``data/tools/receptor.json``); the model part is embedded for emax.js. The sliders
    are disabled and a notice (:data:`RUN_NOTICE`) says how to use them, until emax.js enables
    them and removes the notice: an unrun notebook in JupyterLab shows this HTML without its
    script. No form and nothing that submits or navigates."""
    from .outputs import NO_MATH_CLASS, run_notice_html

    params = PARAMS if params is None else params
    sliders = params["sliders"]
    efficacy = sliders["efficacy"]["value"] if efficacy is None else efficacy
    antagonist = sliders["antagonist"]["value"] if antagonist is None else antagonist
    embedded = json.dumps(
        {"model": params["model"], "concentration_log10": params["concentration_log10"]},
        sort_keys=True, separators=(",", ":"),
    )
    return (
        f'<div class="rs-emax {NO_MATH_CLASS}" data-rs-emax="{html.escape(embedded, quote=True)}">'
        + run_notice_html(RUN_NOTICE)
        + '<p class="rs-emax-title"><strong>Try the model here</strong> (it runs in your browser). '
        f"{CAPTION}.</p>"
        '<div class="rs-emax-controls">'
        + _slider_html("efficacy", sliders["efficacy"], efficacy)
        + _slider_html("antagonist", sliders["antagonist"], antagonist)
        + _slider_html("full_level", sliders["full_level"], sliders["full_level"]["value"])
        + _slider_html("affinity", sliders["affinity"], sliders["affinity"]["value"])
        + "</div>"
        '<div class="rs-emax-panels">'
        '<svg class="rs-emax-left" viewBox="0 0 340 230" role="img" '
        'aria-label="Effect against concentration: full agonist and the second agonist"></svg>'
        '<svg class="rs-emax-right" viewBox="0 0 340 230" role="img" '
        'aria-label="Effect against concentration: full agonist alone and with the antagonist"></svg>'
        '<svg class="rs-emax-ontop" viewBox="0 0 340 230" role="img" '
        'aria-label="Net effect against the concentration of a partial agonist added to the full agonist"></svg>'
        "</div>"
        '<p class="rs-emax-legend"><span class="rs-key rs-emax-full"></span> full agonist '
        '<span class="rs-key rs-emax-partial"></span> second agonist '
        '<span class="rs-key rs-emax-shifted"></span> full agonist with antagonist '
        '<span class="rs-key rs-emax-net"></span> full agonist + partial agonist '
        '<span class="rs-key rs-emax-equal"></span> the same, equal affinity</p>'
        '<p class="rs-emax-summary" aria-live="polite"></p>'
        '<p class="rs-emax-ontop-summary" aria-live="polite"></p>'
        "<noscript><p>Turn on JavaScript to move the sliders; the figure above shows the same model.</p></noscript>"
        "</div>"
    )


def explore():
    """Return an ipywidgets ``VBox`` with sliders that redraw the model (JupyterLab).

    Sliders: the efficacy of the second agonist (also the partial agonist's in the "on top" case),
    the antagonist amount (a/Ka), the level of the full agonist already present (c/Kd) and the
    partial agonist's affinity relative to the full agonist's. Builds without
    error in a headless kernel; in a static book page the callbacks do not run, which is why the
    module also shows :func:`plot_static`.
    """
    import io

    import ipywidgets as widgets
    from matplotlib.figure import Figure

    from .display import LiveBox

    def slider(spec: dict[str, Any]) -> widgets.FloatSlider:
        return widgets.FloatSlider(
            value=spec["value"],
            min=spec["min"],
            max=spec["max"],
            step=spec["step"],
            description=spec["widget_label"],
            continuous_update=False,
            readout_format=f".{spec['decimals']}f",
            style={"description_width": "initial"},
        )

    efficacy_slider = slider(PARAMS["sliders"]["efficacy"])
    antagonist_slider = slider(PARAMS["sliders"]["antagonist"])
    level_slider = slider(PARAMS["sliders"]["full_level"])
    affinity_slider = slider(PARAMS["sliders"]["affinity"])
    # The figure is drawn off-screen (a pyplot-free Figure) into an Image widget: no Output widget,
    # so nothing is printed into the cell and strict nbval sees the same output on every run.
    image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="1320px"))
    summary = widgets.HTML()

    def redraw(*_):
        eff = efficacy_slider.value
        a = antagonist_slider.value
        ec50 = ec50_with_antagonist(KD, a, ANTAGONIST_KA, HILL)
        summary.value = (
            f"Maximum effect of the second agonist: <b>{eff:.2f}</b> of the full agonist. "
            f"EC50 of the full agonist with the antagonist: <b>{ec50:.2f}</b> "
            f"(without it: {KD:.2f}), a {ec50 / KD:.1f}-fold shift.<br>"
            + html.escape(on_top_summary(PARAMS["model"], eff, level_slider.value, affinity_slider.value))
        )
        fig = Figure(figsize=FIGSIZE_LIVE, constrained_layout=True)
        left, middle, right = fig.subplots(1, 3)
        _draw_efficacy_panel(left, eff)
        _draw_antagonist_panel(middle, a)
        _draw_on_top_panel(right, eff, level_slider.value, affinity_slider.value)
        fig.suptitle(CAPTION, fontsize=FONT["caption"], color="#333333")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=LIVE_DPI)
        image.value = buffer.getvalue()

    sliders = [efficacy_slider, antagonist_slider, level_slider, affinity_slider]
    for s in sliders:
        s.observe(redraw, names="value")
    redraw()
    return LiveBox(
        [widgets.HBox(sliders, layout=widgets.Layout(flex_flow="row wrap")), summary, image],
        note=(
            "Interactive version: run this notebook in JupyterLab and move the sliders. "
            "The figure above shows the same model."
        ),
        html=explorer_html(),
        layout=widgets.Layout(width="100%"),
    )
