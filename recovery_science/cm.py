"""A contingency-management (CM) voucher simulator for Module 3.

Contingency management pays a voucher for each objectively verified negative test. An
*escalating* schedule raises the voucher with every consecutive negative test and *resets* it
after a positive or missed test, so that an unbroken run of negative tests earns far more than
the same number of negative tests scattered between positive ones. This module computes what a
schedule pays for a sequence of test results, simulates sequences from a small seeded generator,
and compares the escalating schedule with a fixed-value schedule that has the same maximum.

Teaching model: the default dollar amounts are illustrative, not a published schedule
(``data/tools/cm.json`` says where the schedule's *structure* comes from, and that the amounts of
the classic cocaine-treatment trials were not verified).

The rules (also in ``data/tools/cm.json``, "semantics"; ``book/_static/cm.js`` applies the same)
---------------------------------------------------------------------------------------------
A schedule is a mapping with ``start``, ``increment``, ``bonus`` (dollars, >= 0),
``bonus_every`` (N, a whole number >= 1), ``reset`` (True/False) and ``recovery_after`` (k, a
whole number >= 0). A sequence of results is a list of ``"neg"``, ``"pos"`` and ``"missed"``.

* **Value.** A negative test earns ``start + increment * step``. ``step`` starts at 0 and grows
  by 1 after every negative test. So the first negative earns ``start``, the second consecutive
  one ``start + increment``, and so on.
* **Bonus.** ``bonus`` is added to the negative test that makes the current run of consecutive
  negatives a whole multiple of N: it is paid *on* the Nth, 2Nth, ... negative in a row. A
  positive or missed test starts the run again from 0.
* **Missed = positive.** A missed test earns nothing and counts exactly like a positive test.
* **Reset.** With ``reset`` on, a positive or missed test sets ``step`` back to 0: the next
  negative earns ``start`` again. With ``reset`` off, ``step`` is kept.
* **Recovery ("reset and recovery").** With ``recovery_after = k > 0`` (and reset on), the step
  reached before a reset is remembered (the highest one, if several resets come before a
  recovery). The first k negatives after the reset are paid from the bottom of the ladder; after
  the kth, ``step`` returns to the remembered value (if that is higher), so negative k + 1 earns
  what the next negative would have earned without the reset. A positive or missed test before
  the kth negative starts that count again.
* **Fixed comparison.** :func:`fixed_equivalent` pays the same value for every negative test,
  no bonus, no reset: the escalating schedule's maximum (a negative at every visit) divided by
  the number of visits. Both schedules then have the same maximum total.

Worked example (start 2.50, increment 1.00, bonus 12 every 3, reset, recovery after 5):
``neg, neg, neg, pos, neg, neg`` earns 2.50, 3.50, 4.50 + 12 = 16.50, 0, 2.50, 3.50: 28.50 in all.

Simulation: a participant's visit takes two uint32 numbers from :func:`mulberry32` (always both):
``u1 = x1 / 2**32`` and ``u2 = x2 / 2**32``; the visit is missed if ``u1 < p_missed``, else
negative if ``u2 < p_negative``, else positive. Visits are independent (a simplification). A
cohort uses one generator seeded once, participant after participant.

Money is computed in floating point (IEEE doubles) in the same order of operations as cm.js, so
the two give bit-identical results; amounts are shown rounded to cents like JavaScript's
``toFixed(2)``. Bad input raises ``ValueError`` with the same message as cm.js's ``Error``.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from .display import show_figures_inline
from .paths import read_tool_json, tool_path

RESULTS = ("neg", "pos", "missed")
SCHEDULE_KEYS = ("start", "increment", "bonus", "bonus_every", "reset", "recovery_after")
UINT32 = 0xFFFFFFFF
CAPTION = "Illustrative voucher amounts in US dollars, not a published schedule"

__all__ = [
    "CAPTION",
    "load_params",
    "preset",
    "validate_schedule",
    "earnings",
    "parse_results",
    "mulberry32",
    "simulate_results",
    "max_total",
    "fixed_equivalent",
    "comparison",
    "summary_text",
    "cohort_costs",
    "cost_text",
    "simulate",
    "compare",
    "plot_compare",
    "alt_text",
    "explore",
]


def params_path() -> Path:
    return tool_path("cm.json")


def load_params(path: str | Path | None = None) -> dict[str, Any]:
    """The tool's parameters (``data/tools/cm.json``, or ``path``), without its comment."""
    return read_tool_json(path if path is not None else params_path())


PARAMS = load_params()
VISITS_PER_WEEK = int(PARAMS["visits_per_week"])


def preset(name: str = "escalating", params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A preset schedule from the data file, as a validated mapping (a copy)."""
    params = PARAMS if params is None else params
    return validate_schedule(params["presets"][name]["schedule"])


# ------------------------------------------------------------------------ validation


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value \
        and value not in (float("inf"), float("-inf"))


def _whole(value) -> bool:
    return _is_number(value) and float(value).is_integer()


def validate_schedule(schedule) -> dict[str, Any]:
    """The schedule with plain types (floats, ints, a bool), or ``ValueError`` naming the problem."""
    if not isinstance(schedule, dict):
        raise ValueError("schedule must be an object with " + ", ".join(SCHEDULE_KEYS))
    for key in SCHEDULE_KEYS:
        if key not in schedule:
            raise ValueError(f"schedule is missing {key}")
    for key in ("start", "increment", "bonus"):
        if not _is_number(schedule[key]) or schedule[key] < 0:
            raise ValueError(f"{key} must be a finite number >= 0")
    if not _whole(schedule["bonus_every"]) or schedule["bonus_every"] < 1:
        raise ValueError("bonus_every must be a whole number >= 1")
    if not _whole(schedule["recovery_after"]) or schedule["recovery_after"] < 0:
        raise ValueError("recovery_after must be a whole number >= 0")
    if not isinstance(schedule["reset"], bool):
        raise ValueError("reset must be true or false")
    return {
        "start": float(schedule["start"]),
        "increment": float(schedule["increment"]),
        "bonus": float(schedule["bonus"]),
        "bonus_every": int(schedule["bonus_every"]),
        "reset": schedule["reset"],
        "recovery_after": int(schedule["recovery_after"]),
    }


def _validate_results(results) -> list[str]:
    if isinstance(results, str) or not isinstance(results, (list, tuple)):
        raise ValueError('results must be a list of "neg", "pos" or "missed"')
    for i, r in enumerate(results):
        if r not in RESULTS:
            shown = f' (got "{r}")' if isinstance(r, str) else ""
            raise ValueError(f'result {i + 1} must be "neg", "pos" or "missed"{shown}')
    return list(results)


def _whole_in(name: str, value, low: int, high: int | None = None) -> int:
    if not _whole(value) or value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be a whole number {bound}")
    return int(value)


def _probability(name: str, value) -> float:
    if not _is_number(value) or value < 0 or value > 1:
        raise ValueError(f"{name} must be a number from 0 to 1")
    return float(value)


# ------------------------------------------------------------------------ the schedule (pure)


def earnings(schedule, results) -> dict[str, list[float]]:
    """What ``schedule`` pays at each visit of ``results`` and the running total.

    Returns ``{"earned": [...], "cumulative": [...]}`` (dollars, one entry per visit; empty lists
    for an empty sequence). The rules are in the module docstring.
    """
    s = validate_schedule(schedule)
    results = _validate_results(results)
    start, increment, bonus = s["start"], s["increment"], s["bonus"]
    every, k = s["bonus_every"], s["recovery_after"]
    step = 0  # the next negative earns start + increment * step
    run = 0  # consecutive negatives so far
    saved = -1  # the step to return to after k negatives (-1: none)
    since = 0  # negatives since the reset that saved it
    total = 0.0
    earned: list[float] = []
    cumulative: list[float] = []
    for r in results:
        if r == "neg":
            e = start + increment * step
            run += 1
            if bonus > 0 and run % every == 0:
                e = e + bonus
            step += 1
            if saved >= 0:
                since += 1
                if since >= k:
                    if saved > step:
                        step = saved
                    saved = -1
                    since = 0
        else:
            e = 0.0
            run = 0
            if s["reset"]:
                if k > 0:
                    saved = max(saved, step)
                    since = 0
                step = 0
        total = total + e
        earned.append(e)
        cumulative.append(total)
    return {"earned": earned, "cumulative": cumulative}


_TOKENS = {"neg": "neg", "n": "neg", "pos": "pos", "p": "pos", "missed": "missed", "m": "missed"}
_SEPARATORS = re.compile(r"[ \t\r\n,;]+")


def parse_results(text: str) -> list[str]:
    """A typed sequence: ``neg``, ``pos``, ``missed`` (or ``n``, ``p``, ``m``, any case), separated
    by spaces, commas, semicolons or new lines. Empty text is an empty sequence."""
    if not isinstance(text, str):
        raise ValueError("the sequence must be text")
    out = []
    for i, token in enumerate(t for t in _SEPARATORS.split(text) if t):
        key = token.lower() if token.isascii() else token
        if key not in _TOKENS:
            raise ValueError(f'"{token}" (result {i + 1}) is not a result: use neg, pos or missed (or n, p, m)')
        out.append(_TOKENS[key])
    return out


# ------------------------------------------------------------------------ the generator (pure)


def _mul32(a: int, b: int) -> int:
    return (a * b) & UINT32


class _Mulberry32:
    """mulberry32 with explicit uint32 arithmetic (the same steps as cm.js)."""

    def __init__(self, seed: int):
        self.state = seed & UINT32

    def next(self) -> int:
        self.state = (self.state + 0x6D2B79F5) & UINT32
        t = self.state
        t = _mul32(t ^ (t >> 15), t | 1)
        t = t ^ ((t + _mul32(t ^ (t >> 7), t | 61)) & UINT32)
        return (t ^ (t >> 14)) & UINT32


def _seed(seed) -> int:
    return _whole_in("seed", seed, 0, UINT32)


def mulberry32(seed, count) -> list[int]:
    """The first ``count`` outputs (uint32) of mulberry32 started at ``seed`` (0 .. 2**32 - 1)."""
    gen = _Mulberry32(_seed(seed))
    return [gen.next() for _ in range(_whole_in("count", count, 0))]


def _draw_visits(gen: _Mulberry32, visits: int, p_negative: float, p_missed: float) -> list[str]:
    out = []
    for _ in range(visits):
        u1 = gen.next() / 4294967296
        u2 = gen.next() / 4294967296
        out.append("missed" if u1 < p_missed else ("neg" if u2 < p_negative else "pos"))
    return out


def simulate_results(seed, visits, p_negative, p_missed=0.0) -> list[str]:
    """One simulated participant's results at ``visits`` visits (see the module docstring)."""
    gen = _Mulberry32(_seed(seed))
    visits = _whole_in("visits", visits, 0)
    return _draw_visits(gen, visits, _probability("p_negative", p_negative), _probability("p_missed", p_missed))


def cohort_costs(schedule, seed, participants, visits, p_negative, p_missed=0.0) -> list[float]:
    """What ``schedule`` pays each of ``participants`` simulated participants (one generator,
    seeded once, participant after participant)."""
    validate_schedule(schedule)
    gen = _Mulberry32(_seed(seed))
    n = _whole_in("participants", participants, 1)
    visits = _whole_in("visits", visits, 0)
    p_negative, p_missed = _probability("p_negative", p_negative), _probability("p_missed", p_missed)
    totals = []
    for _ in range(n):
        cumulative = earnings(schedule, _draw_visits(gen, visits, p_negative, p_missed))["cumulative"]
        totals.append(cumulative[-1] if cumulative else 0.0)
    return totals


# ------------------------------------------------------------------------ comparison (pure)


def max_total(schedule, visits) -> float:
    """What the schedule pays for a negative test at every one of ``visits`` visits."""
    cumulative = earnings(schedule, ["neg"] * _whole_in("visits", visits, 0))["cumulative"]
    return cumulative[-1] if cumulative else 0.0


def fixed_equivalent(schedule, visits) -> dict[str, Any]:
    """A fixed-value schedule with the same maximum as ``schedule`` over ``visits`` visits."""
    visits = _whole_in("visits", visits, 0)
    value = max_total(schedule, visits) / visits if visits > 0 else 0.0
    return {"start": value, "increment": 0.0, "bonus": 0.0, "bonus_every": 1, "reset": False,
            "recovery_after": 0}


def comparison(schedule, results) -> dict[str, Any]:
    """Everything the tool shows for one sequence: both schedules' earnings, the fixed value, the
    common maximum, the counts, and what the same number of negatives would earn in one unbroken
    run under the escalating schedule."""
    s = validate_schedule(schedule)
    results = _validate_results(results)
    fixed = fixed_equivalent(s, len(results))
    negatives = results.count("neg")
    return {
        "visits": len(results),
        "negatives": negatives,
        "positives": results.count("pos"),
        "missed": results.count("missed"),
        "escalating": earnings(s, results),
        "fixed": earnings(fixed, results),
        "fixed_value": fixed["start"],
        "max_total": max_total(s, len(results)),
        "unbroken": max_total(s, negatives),
    }


def _fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, rounded like JavaScript's ``toFixed`` (a tie of the
    exact binary value goes up)."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(float(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def money(value: float) -> str:
    """``$1,234.50``: dollars to the cent, thousands separated by commas (as cm.js's ``money``)."""
    whole, cents = _fixed(value, 2).split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return "$" + ",".join([whole] + groups) + "." + cents


def _last(values: list[float]) -> float:
    return values[-1] if values else 0.0


def summary_text(cmp: dict[str, Any]) -> str:
    """The summary line for a :func:`comparison` (cm.js's ``summaryText`` says the same)."""
    if cmp["visits"] == 0:
        return "No visits: type a sequence of results or simulate one."
    return (
        f"{cmp['visits']} visits: {cmp['negatives']} negative, {cmp['positives']} positive, "
        f"{cmp['missed']} missed. Escalating schedule: {money(_last(cmp['escalating']['cumulative']))}; "
        f"the same {cmp['negatives']} negative tests in one unbroken run would earn {money(cmp['unbroken'])}. "
        f"Fixed schedule ({money(cmp['fixed_value'])} per negative test): "
        f"{money(_last(cmp['fixed']['cumulative']))}, however the negative tests fall. "
        f"Both pay at most {money(cmp['max_total'])} (a negative test at every visit)."
    )


def _mean(values: list[float]) -> float:
    # a plain left-to-right sum, as cm.js (Python 3.12's sum() of floats is compensated)
    total = 0.0
    for v in values:
        total = total + v
    return total / len(values)


def cost_text(cmp: dict[str, Any], participants, cohort: dict[str, Any] | None = None) -> str:
    """The cost line: exact for ``participants`` people with this sequence, and (with ``cohort``:
    ``{"simulated", "seed", "p_negative", "p_missed", "escalating": [...], "fixed": [...]}``) the
    expected cost from the simulated cohort."""
    n = _whole_in("participants", participants, 1)
    a, b = _last(cmp["escalating"]["cumulative"]), _last(cmp["fixed"]["cumulative"])
    text = (f"Cost for {n} participants with exactly this sequence: escalating {money(a * n)}, "
            f"fixed {money(b * n)}.")
    if cohort is not None:
        mean_a, mean_b = _mean(cohort["escalating"]), _mean(cohort["fixed"])
        text += (
            f" Expected cost from {cohort['simulated']} simulated participants (seed {cohort['seed']}, "
            f"p(negative) {_fixed(cohort['p_negative'], 2)}, p(missed) {_fixed(cohort['p_missed'], 2)}): "
            f"escalating {money(mean_a)} per participant, {money(mean_a * n)} for {n}; "
            f"fixed {money(mean_b)} per participant, {money(mean_b * n)} for {n}."
        )
    return text


def cohort(schedule, seed, simulated, visits, p_negative, p_missed=0.0) -> dict[str, Any]:
    """A simulated cohort's costs under the schedule and under its fixed equivalent (same draws)."""
    fixed = fixed_equivalent(schedule, visits)
    return {
        "simulated": _whole_in("participants", simulated, 1), "seed": _seed(seed),
        "p_negative": _probability("p_negative", p_negative), "p_missed": _probability("p_missed", p_missed),
        "escalating": cohort_costs(schedule, seed, simulated, visits, p_negative, p_missed),
        "fixed": cohort_costs(fixed, seed, simulated, visits, p_negative, p_missed),
    }


# ------------------------------------------------------------------------ tables and figure


def _resolve(schedule, results, seed, visits, p_negative, p_missed):
    schedule = preset() if schedule is None else validate_schedule(schedule)
    if results is None and seed is None:
        results = PARAMS["default_sequence"]
    if isinstance(results, str):
        results = parse_results(results)
    if results is None:
        sliders = PARAMS["sliders"]
        results = simulate_results(
            seed,
            sliders["visits"]["value"] if visits is None else visits,
            sliders["p_negative"]["value"] if p_negative is None else p_negative,
            sliders["p_missed"]["value"] if p_missed is None else p_missed,
        )
    return schedule, _validate_results(results)


def simulate(schedule=None, results=None, *, seed=None, visits=None, p_negative=None, p_missed=None):
    """A pandas table of what ``schedule`` pays: columns visit, week, result, earned, cumulative.

    ``results``: a list or a typed string (see :func:`parse_results`); with neither ``results``
    nor ``seed`` the data file's example sequence; with ``seed`` (and optionally ``visits``,
    ``p_negative``, ``p_missed``, defaults from the data file) a simulated participant.
    ``schedule``: default the data file's escalating preset.
    """
    import pandas as pd

    schedule, results = _resolve(schedule, results, seed, visits, p_negative, p_missed)
    e = earnings(schedule, results)
    return pd.DataFrame({
        "visit": list(range(1, len(results) + 1)),
        "week": [i // VISITS_PER_WEEK + 1 for i in range(len(results))],
        "result": results,
        "earned": e["earned"],
        "cumulative": e["cumulative"],
    })


def compare(schedule=None, results=None, *, seed=None, visits=None, p_negative=None, p_missed=None):
    """Both schedules side by side (escalating and its fixed equivalent), one row per visit."""
    import pandas as pd

    schedule, results = _resolve(schedule, results, seed, visits, p_negative, p_missed)
    cmp = comparison(schedule, results)
    return pd.DataFrame({
        "visit": list(range(1, len(results) + 1)),
        "week": [i // VISITS_PER_WEEK + 1 for i in range(len(results))],
        "result": results,
        "escalating_earned": cmp["escalating"]["earned"],
        "escalating_cumulative": cmp["escalating"]["cumulative"],
        "fixed_earned": cmp["fixed"]["earned"],
        "fixed_cumulative": cmp["fixed"]["cumulative"],
    })


def alt_text(schedule=None, results=None, **simulation) -> str:
    """The exact alt text of :func:`plot_compare` for the same arguments."""
    schedule, results = _resolve(schedule, results, simulation.get("seed"), simulation.get("visits"),
                                 simulation.get("p_negative"), simulation.get("p_missed"))
    return alt_text_for(comparison(schedule, results), VISITS_PER_WEEK)


def alt_text_for(cmp: dict[str, Any], per_week: int) -> str:
    """The chart's text alternative for a :func:`comparison` (cm.js's ``altText`` says the same)."""
    weeks = -(-cmp["visits"] // per_week)
    return (
        f"Line chart of cumulative voucher earnings in US dollars against week, over {cmp['visits']} visits "
        f"({per_week} a week, {weeks} weeks): {cmp['negatives']} negative, {cmp['positives']} positive "
        f"and {cmp['missed']} missed tests, the positive and missed ones marked along the bottom. "
        "The escalating schedule ends at "
        f"{money(_last(cmp['escalating']['cumulative']))} and the fixed schedule "
        f"({money(cmp['fixed_value'])} per negative test) at {money(_last(cmp['fixed']['cumulative']))}; "
        f"both would reach {money(cmp['max_total'])} with a negative test at every visit. "
        "The escalating line is flat after each positive or missed test and climbs steeply during long runs "
        "of negative tests."
    )


FONT = {"title": 13, "label": 11.5, "tick": 11, "legend": 11, "caption": 11}
FIGSIZE = (7.2, 4.6)
COLOURS = {"escalating": "#b5452b", "fixed": "#1b6ca8", "pos": "#555555", "missed": "#7b3294"}


def plot_compare(schedule=None, results=None, **simulation):
    """Cumulative earnings against week for the escalating schedule and its fixed equivalent,
    with positive and missed tests marked along the bottom. Deterministic (no randomness beyond
    the seeded generator). Returns a pyplot-free matplotlib ``Figure``; its alt text is
    :func:`alt_text` with the same arguments."""
    from matplotlib.figure import Figure

    schedule, results = _resolve(schedule, results, simulation.get("seed"), simulation.get("visits"),
                                 simulation.get("p_negative"), simulation.get("p_missed"))
    cmp = comparison(schedule, results)
    fig = Figure(figsize=FIGSIZE, constrained_layout=True)
    ax = fig.subplots()
    _draw(ax, results, cmp)
    fig.suptitle(CAPTION, fontsize=FONT["caption"], color="#333333")
    show_figures_inline()
    return fig


def _draw(ax, results: list[str], cmp: dict[str, Any]) -> None:
    weeks = [(i + 1) / VISITS_PER_WEEK for i in range(len(results))]
    ax.plot([0] + weeks, [0.0] + cmp["escalating"]["cumulative"], color=COLOURS["escalating"], lw=2.5,
            label=f"Escalating with reset: {money(_last(cmp['escalating']['cumulative']))}")
    ax.plot([0] + weeks, [0.0] + cmp["fixed"]["cumulative"], color=COLOURS["fixed"], lw=2.5, ls="--",
            label=f"Fixed {money(cmp['fixed_value'])} per negative: {money(_last(cmp['fixed']['cumulative']))}")
    top = max(cmp["max_total"], 1.0)
    for kind, marker in (("pos", "|"), ("missed", "x")):
        xs = [w for w, r in zip(weeks, results, strict=True) if r == kind]
        if xs:
            ax.plot(xs, [-0.04 * top] * len(xs), ls="none", marker=marker, ms=9, mew=2, color=COLOURS[kind],
                    label=f"{'Positive' if kind == 'pos' else 'Missed'} test ({len(xs)})")
    ax.axhline(cmp["max_total"], color="#999999", lw=0.8)
    ax.set_ylim(-0.08 * top, top * 1.08)
    ax.set_xlim(0, max(weeks[-1] if weeks else 1.0, 1.0))
    ax.set_title("Cumulative earnings: the same tests, two schedules", fontsize=FONT["title"])
    ax.set_xlabel(f"Week ({VISITS_PER_WEEK} visits a week)", fontsize=FONT["label"])
    ax.set_ylabel("Cumulative earnings (US $)", fontsize=FONT["label"])
    ax.tick_params(labelsize=FONT["tick"])
    ax.legend(loc="upper left", fontsize=FONT["legend"], frameon=False)


# ------------------------------------------------------------------------ the book's no-kernel version


def _slider_html(name: str, spec: dict[str, Any]) -> str:
    iid = f"rs-cm-{name}"
    value = spec["value"]
    return (
        f'<label for="{iid}">{html.escape(spec["label"])}: '
        f'<output class="{iid}-out" for="{iid}">{_fixed(value, spec["decimals"])}</output></label>'
        f'<input type="range" class="{iid}" id="{iid}" min="{spec["min"]:g}" max="{spec["max"]:g}" '
        f'step="{spec["step"]:g}" value="{value:g}" data-decimals="{spec["decimals"]}" disabled>'
    )


RUN_NOTICE = "Run this cell to use the simulator here (JupyterLab), or use it in the course book."


def embedded(params: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the page gives cm.js (JSON in ``data-rs-cm``)."""
    params = PARAMS if params is None else params
    return {
        "schedule": params["presets"]["escalating"]["schedule"],
        "default_sequence": params["default_sequence"],
        "visits_per_week": params["visits_per_week"],
        "simulated_participants": params["simulated_participants"],
        "max_visits": params["max_visits"],
    }


def explorer_html(params: dict[str, Any] | None = None) -> str:
    """The no-kernel version of :func:`explore` for the book: native labelled controls (disabled,
    under a run notice, until ``book/_static/cm.js`` enables them), an SVG chart, a summary line
    and a cost line (``aria-live``), and a visit-by-visit table. No form; buttons are
    ``type="button"``. The summary line is filled in here for the example sequence, so a reader
    without JavaScript still reads the comparison."""
    from .outputs import NO_MATH_CLASS, run_notice_html

    params = PARAMS if params is None else params
    sliders = params["sliders"]
    schedule = validate_schedule(params["presets"]["escalating"]["schedule"])
    sequence = parse_results(params["default_sequence"])
    data = json.dumps(embedded(params), sort_keys=True, separators=(",", ":"))
    part = params["participants"]
    reset_checked = " checked" if schedule["reset"] else ""
    return (
        f'<div class="rs-cm {NO_MATH_CLASS}" data-rs-cm="{html.escape(data, quote=True)}">'
        + run_notice_html(RUN_NOTICE)
        + '<p class="rs-cm-title"><strong>Try the voucher schedule here</strong> (it runs in your browser). '
        f"{CAPTION}.</p>"
        '<div class="rs-cm-controls">'
        '<fieldset class="rs-cm-schedule"><legend>Escalating schedule</legend>'
        + "".join(_slider_html(n, sliders[n]) for n in ("start", "increment", "bonus", "bonus_every",
                                                        "recovery_after"))
        + '<label for="rs-cm-reset">Reset after a positive or missed test</label>'
        f'<input type="checkbox" id="rs-cm-reset" class="rs-cm-reset"{reset_checked} disabled>'
        "</fieldset>"
        '<fieldset class="rs-cm-results"><legend>Test results</legend>'
        '<label for="rs-cm-sequence">Results, one per visit: neg, pos or missed (or n, p, m)</label>'
        '<textarea id="rs-cm-sequence" class="rs-cm-sequence" rows="3" spellcheck="false" '
        f'aria-describedby="rs-cm-error" disabled>{html.escape(params["default_sequence"])}</textarea>'
        '<p id="rs-cm-error" class="rs-cm-error" aria-live="polite"></p>'
        + "".join(_slider_html(n, sliders[n]) for n in ("visits", "p_negative", "p_missed"))
        + '<label for="rs-cm-seed">Seed (a whole number from 0 to 4294967295)</label>'
        f'<input type="number" id="rs-cm-seed" class="rs-cm-seed" min="0" max="4294967295" step="1" '
        f'value="{int(params["seed"])}" disabled>'
        '<div class="rs-cm-buttons">'
        '<button type="button" class="rs-cm-simulate" disabled>Simulate one participant</button>'
        '<button type="button" class="rs-cm-example" disabled>Back to the example sequence</button>'
        "</div></fieldset>"
        '<fieldset class="rs-cm-costs"><legend>Cost</legend>'
        f'<label for="rs-cm-participants">{html.escape(part["label"])}</label>'
        f'<input type="number" id="rs-cm-participants" class="rs-cm-participants" min="{part["min"]}" '
        f'max="{part["max"]}" step="1" value="{part["value"]}" disabled>'
        "</fieldset></div>"
        '<svg class="rs-cm-chart" viewBox="0 0 640 280" role="img" '
        f'aria-label="{html.escape(alt_text(schedule, sequence), quote=True)}"></svg>'
        '<p class="rs-cm-legend"><span class="rs-key rs-cm-escalating"></span> escalating with reset '
        '<span class="rs-key rs-cm-fixed"></span> fixed value, same maximum '
        '<span class="rs-cm-mark-pos" aria-hidden="true">|</span> positive test '
        '<span class="rs-cm-mark-missed" aria-hidden="true">\u00d7</span> missed test</p>'
        f'<p class="rs-cm-summary" aria-live="polite">{html.escape(summary_text(comparison(schedule, sequence)))}</p>'
        '<p class="rs-cm-cost" aria-live="polite"></p>'
        '<details class="rs-cm-details"><summary>Visit-by-visit table</summary>'
        '<table class="rs-cm-table"><caption>Vouchers earned at each visit (US $)</caption><thead><tr>'
        '<th scope="col">Visit</th><th scope="col">Week</th><th scope="col">Result</th>'
        '<th scope="col">Escalating</th><th scope="col">Escalating total</th>'
        '<th scope="col">Fixed</th><th scope="col">Fixed total</th></tr></thead><tbody></tbody></table>'
        "</details>"
        "<noscript><p>Turn on JavaScript to change the schedule; the figure above shows the example.</p></noscript>"
        "</div>"
    )


def explore():
    """Return an ipywidgets ``VBox`` (JupyterLab): sliders for the schedule, a text box for the
    results (or a seed, p(negative), p(missed) and a Simulate button), the number of participants;
    the summary, the cost line, the figure and the table update. In the book the stored output
    is :func:`explorer_html` (the same tool in JavaScript)."""
    import io

    import ipywidgets as widgets

    from .display import LiveBox

    sliders = PARAMS["sliders"]

    def slider(name: str):
        spec = sliders[name]
        cls = widgets.IntSlider if spec["decimals"] == 0 else widgets.FloatSlider
        kwargs = {} if spec["decimals"] == 0 else {"readout_format": f".{spec['decimals']}f"}
        return cls(value=spec["value"], min=spec["min"], max=spec["max"], step=spec["step"],
                   description=spec["widget_label"], continuous_update=False,
                   style={"description_width": "initial"}, **kwargs)

    schedule_names = ("start", "increment", "bonus", "bonus_every", "recovery_after")
    controls = {n: slider(n) for n in schedule_names + ("visits", "p_negative", "p_missed")}
    reset = widgets.Checkbox(value=PARAMS["presets"]["escalating"]["schedule"]["reset"],
                             description="Reset after a positive or missed test")
    sequence = widgets.Textarea(value=PARAMS["default_sequence"], description="Results",
                                layout=widgets.Layout(width="100%"))
    seed = widgets.BoundedIntText(value=PARAMS["seed"], min=0, max=UINT32, description="Seed")
    simulate_button = widgets.Button(description="Simulate one participant")
    part = PARAMS["participants"]
    participants = widgets.BoundedIntText(value=part["value"], min=part["min"], max=part["max"],
                                          description="Participants (N)", style={"description_width": "initial"})
    summary = widgets.HTML()
    image = widgets.Image(format="png", layout=widgets.Layout(width="100%", max_width="720px"))
    table = widgets.HTML()

    def current_schedule():
        values = {n: controls[n].value for n in schedule_names}
        values["reset"] = reset.value
        return validate_schedule(values)

    def redraw(*_):
        try:
            results = parse_results(sequence.value)
        except ValueError as err:
            summary.value = f"<b>{html.escape(str(err))}</b>"
            return
        s = current_schedule()
        cmp = comparison(s, results)
        group = cohort(s, seed.value, PARAMS["simulated_participants"], controls["visits"].value,
                       controls["p_negative"].value, controls["p_missed"].value)
        summary.value = (f"<b>{html.escape(summary_text(cmp))}</b><br>"
                         + html.escape(cost_text(cmp, participants.value, group)))
        fig = plot_compare(s, results)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90)
        image.value = buffer.getvalue()
        table.value = compare(s, results).to_html(index=False, float_format=lambda x: f"{x:.2f}")

    def simulate_one(*_):
        sequence.value = " ".join(simulate_results(seed.value, controls["visits"].value,
                                                   controls["p_negative"].value, controls["p_missed"].value))

    for w in list(controls.values()) + [reset, sequence, participants]:
        w.observe(redraw, names="value")
    simulate_button.on_click(simulate_one)
    redraw()
    row = widgets.Layout(flex_flow="row wrap")
    return LiveBox(
        [
            widgets.HBox([controls[n] for n in schedule_names] + [reset], layout=row),
            sequence,
            widgets.HBox([controls["visits"], controls["p_negative"], controls["p_missed"], seed,
                          simulate_button, participants], layout=row),
            summary,
            image,
            widgets.Accordion(children=[table], titles=("Visit-by-visit table",)),
        ],
        note=("Interactive version: run this notebook in JupyterLab to change the schedule and the results. "
              "The figure above shows the example sequence."),
        html=explorer_html(),
        layout=widgets.Layout(width="100%"),
    )
