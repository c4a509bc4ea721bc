"""Module 3's voucher simulator: book/_static/cm.js in Node, with no browser, against
recovery_science.cm: the generator bit for bit (first 1,000 outputs, several seeds), the
hand-worked sequences of tests/test_cm.py, the same error messages, and hypothesis-generated
schedules, sequences and typed text, compared exactly (same IEEE operations in the same order).
Outside CI the file skips when node is missing; with CI=true it fails instead."""

from __future__ import annotations

import json
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recovery_science import cm

CM = "cm.js"
ESC = cm.preset()
LADDER = {"start": 1.0, "increment": 1.0, "bonus": 0.0, "bonus_every": 1, "reset": True, "recovery_after": 2}
SEEDS = [0, 1, 42, 2024, 123456789, 2**31 - 1, 2**31, 2**32 - 1]
NODE_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_generator_is_bit_identical_for_the_first_1000_outputs(node):
    js = node.batch(CM, "mulberry32", [(seed, 1000) for seed in SEEDS])
    for seed, out in zip(SEEDS, js, strict=True):
        assert out == cm.mulberry32(seed, 1000), seed


def test_generator_matches_the_usual_one_line_javascript_mulberry32():
    """An independent implementation (Math.imul, the common one-liner) gives the same numbers."""
    script = (
        "function m(a){return function(){a|=0;a=a+0x6D2B79F5|0;var t=Math.imul(a^a>>>15,1|a);"
        "t=t+Math.imul(t^t>>>7,61|t)^t;return (t^t>>>14)>>>0;}}"
        f"var seeds={json.dumps(SEEDS)};console.log(JSON.stringify(seeds.map(function(s){{"
        "var g=m(s),o=[];for(var i=0;i<1000;i++)o.push(g());return o;})));"
    )
    import shutil

    exe = shutil.which("node")
    if exe is None:
        pytest.skip("no node")
    ref = json.loads(subprocess.run([exe, "-e", script], capture_output=True, text=True, check=True).stdout)
    for seed, out in zip(SEEDS, ref, strict=True):
        assert out == cm.mulberry32(seed, 1000), seed


HAND = [
    # (schedule, results, earned): the hand-worked cases of tests/test_cm.py
    (ESC, ["neg", "neg", "neg", "pos", "neg", "neg"], [2.5, 3.5, 16.5, 0.0, 2.5, 3.5]),
    (ESC, ["neg", "neg", "missed", "neg"], [2.5, 3.5, 0.0, 2.5]),
    (ESC, [], []),
    (ESC, ["pos"] * 3 + ["missed"], [0.0] * 4),
    (ESC, ["neg"] * 6, [2.5, 3.5, 16.5, 5.5, 6.5, 19.5]),
    (LADDER, ["neg"] * 6 + ["pos"] + ["neg"] * 4, [1, 2, 3, 4, 5, 6, 0, 1, 2, 7, 8]),
    ({**LADDER, "recovery_after": 0}, ["neg"] * 6 + ["pos"] + ["neg"] * 4, [1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4]),
    (LADDER, ["neg"] * 6 + ["pos", "neg", "missed", "neg", "neg", "neg"], [1, 2, 3, 4, 5, 6, 0, 1, 0, 1, 2, 7]),
    (LADDER, ["neg", "neg", "pos", "neg", "neg", "neg"], [1, 2, 0, 1, 2, 3]),
    ({**LADDER, "reset": False, "recovery_after": 0, "bonus": 10.0, "bonus_every": 2},
     ["neg", "neg", "pos", "neg", "neg"], [1, 12, 0, 3, 14]),
]


def test_hand_worked_sequences_in_node(node):
    js = node.batch(CM, "earnings", [(s, r) for s, r, _ in HAND])
    for (s, r, expected), out in zip(HAND, js, strict=True):
        assert out["earned"] == expected, (s, r)
        assert out == cm.earnings(s, r)


def test_example_comparison_summary_cost_and_alt_text_in_node(node):
    seq = cm.parse_results(cm.PARAMS["default_sequence"])
    assert node.call(CM, "parseResults", cm.PARAMS["default_sequence"]) == seq
    cmp_js = node.call(CM, "comparison", ESC, seq)
    cmp_py = cm.comparison(ESC, seq)
    assert cmp_js == cmp_py
    assert cmp_js["escalating"]["cumulative"][-1] == 321.5 and cmp_js["fixed_value"] == 24.0
    assert node.call(CM, "summaryText", cmp_py) == cm.summary_text(cmp_py)
    assert node.call(CM, "altText", cmp_py, 3) == cm.alt_text_for(cmp_py, 3) == cm.alt_text()
    group = cm.cohort(ESC, 2024, 500, 36, 0.7, 0.05)
    assert node.call(CM, "cohort", ESC, 2024, 500, 36, 0.7, 0.05) == group
    assert node.call(CM, "costText", cmp_py, 100, group) == cm.cost_text(cmp_py, 100, group)
    assert node.call(CM, "costText", cmp_py, 100) == cm.cost_text(cmp_py, 100)
    assert node.call(CM, "money", 1234567.891) == cm.money(1234567.891) == "$1,234,567.89"


def test_simulation_matches_on_a_grid(node):
    sliders = cm.PARAMS["sliders"]
    grid = [(seed, visits, p, m) for seed in (0, 7, 2024, 2**32 - 1)
            for visits in (0, 1, sliders["visits"]["value"], sliders["visits"]["max"])
            for p in (0.0, 0.35, sliders["p_negative"]["value"], 1.0)
            for m in (0.0, sliders["p_missed"]["value"], sliders["p_missed"]["max"])]
    js = node.batch(CM, "simulateResults", grid)
    assert js == [cm.simulate_results(*args) for args in grid]
    costs = [(ESC, seed, 20, 36, p, m) for seed, _, p, m in grid[::7]]
    assert node.batch(CM, "cohortCosts", costs) == [cm.cohort_costs(*args) for args in costs]


INVALID = [
    ("earnings", ({**ESC, "start": -1}, []), "start must be a finite number >= 0"),
    ("earnings", ({**ESC, "bonus": "12"}, []), "bonus must be a finite number >= 0"),
    ("earnings", ({**ESC, "start": True}, []), "start must be a finite number >= 0"),
    ("earnings", ({**ESC, "increment": float("nan")}, []), "increment must be a finite number >= 0"),
    ("earnings", ({**ESC, "bonus_every": 0}, []), "bonus_every must be a whole number >= 1"),
    ("earnings", ({**ESC, "bonus_every": 2.5}, []), "bonus_every must be a whole number >= 1"),
    ("earnings", ({**ESC, "recovery_after": -1}, []), "recovery_after must be a whole number >= 0"),
    ("earnings", ({**ESC, "reset": 1}, []), "reset must be true or false"),
    ("earnings", ({k: v for k, v in ESC.items() if k != "bonus"}, []), "schedule is missing bonus"),
    (
        "earnings",
        ([1, 2], []),
        "schedule must be an object with start, increment, bonus, bonus_every, reset, recovery_after",
    ),
    ("earnings", (ESC, ["neg", "clean"]), 'result 2 must be "neg", "pos" or "missed" (got "clean")'),
    ("earnings", (ESC, ["neg", 1]), 'result 2 must be "neg", "pos" or "missed"'),
    ("earnings", (ESC, "neg neg"), 'results must be a list of "neg", "pos" or "missed"'),
    ("parseResults", ("neg clean",), '"clean" (result 2) is not a result: use neg, pos or missed (or n, p, m)'),
    ("parseResults", (None,), "the sequence must be text"),
    ("mulberry32", (-1, 3), "seed must be a whole number from 0 to 4294967295"),
    ("mulberry32", (2**32, 3), "seed must be a whole number from 0 to 4294967295"),
    ("mulberry32", (1.5, 3), "seed must be a whole number from 0 to 4294967295"),
    ("mulberry32", (1, -3), "count must be a whole number >= 0"),
    ("simulateResults", (1, 3, 1.2), "p_negative must be a number from 0 to 1"),
    ("simulateResults", (1, 3, 0.5, -0.1), "p_missed must be a number from 0 to 1"),
    ("simulateResults", (1, 2.5, 0.5), "visits must be a whole number >= 0"),
    ("cohortCosts", (ESC, 1, 0, 3, 0.5), "participants must be a whole number >= 1"),
]

PY = {"earnings": cm.earnings, "parseResults": cm.parse_results, "mulberry32": cm.mulberry32,
      "simulateResults": cm.simulate_results, "cohortCosts": cm.cohort_costs}


@pytest.mark.parametrize("fn, args, message", INVALID, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(INVALID)])
def test_invalid_input_gives_the_same_message_in_both(node, fn, args, message):
    with pytest.raises(RuntimeError) as js:
        node.call(CM, fn, *args)
    with pytest.raises(ValueError) as py:
        PY[fn](*args)
    assert str(py.value) == message
    assert f"Error: {message}\n" in str(js.value), str(js.value)[:300]


# --- property tests: generated schedules and sequences -----------------------------------------

money = st.one_of(
    st.integers(min_value=0, max_value=400).map(lambda c: c / 4),  # slider-like quarters of a dollar
    st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False),
)
schedules = st.fixed_dictionaries({
    "start": money, "increment": money, "bonus": money,
    "bonus_every": st.integers(min_value=1, max_value=12),
    "reset": st.booleans(),
    "recovery_after": st.integers(min_value=0, max_value=12),
})
sequences = st.lists(st.sampled_from(cm.RESULTS), max_size=80)


@NODE_SETTINGS
@given(schedule=schedules, results=sequences)
def test_property_earnings_and_comparison_agree_exactly(node, schedule, results):
    py = cm.comparison(schedule, results)
    assert node.call(CM, "comparison", schedule, results) == py
    assert node.call(CM, "summaryText", py) == cm.summary_text(py)
    # invariants: nothing is earned on a positive or missed test; totals never fall; the maximum bounds all
    assert all(e == 0 for e, r in zip(py["escalating"]["earned"], results, strict=True) if r != "neg")
    cum = py["escalating"]["cumulative"]
    assert all(b >= a for a, b in zip(cum, cum[1:], strict=False))
    if results:
        assert cum[-1] <= py["max_total"] * (1 + 1e-12)


@NODE_SETTINGS
@given(text=st.text(alphabet=st.sampled_from(list("npmNPM,; \t\neosgiXd\u00e9\u0130")), max_size=60))
def test_property_typed_text_parses_the_same(node, text):
    try:
        expected = cm.parse_results(text)
    except ValueError as err:
        with pytest.raises(RuntimeError) as js:
            node.call(CM, "parseResults", text)
        assert f"Error: {err}\n" in str(js.value)
    else:
        assert node.call(CM, "parseResults", text) == expected


@NODE_SETTINGS
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), visits=st.integers(min_value=0, max_value=60),
       p=st.floats(min_value=0, max_value=1), m=st.floats(min_value=0, max_value=1), schedule=schedules)
def test_property_simulation_agrees(node, seed, visits, p, m, schedule):
    assert node.call(CM, "simulateResults", seed, visits, p, m) == cm.simulate_results(seed, visits, p, m)
    expected = cm.cohort_costs(schedule, seed, 3, visits, p, m)
    assert node.call(CM, "cohortCosts", schedule, seed, 3, visits, p, m) == expected
