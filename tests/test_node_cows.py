"""Module 2's COWS scorer: book/_static/cows.js in Node, with no browser, against
recovery_science.cows on the same cases as tests/test_cows.py (every item's allowed and disallowed
values with their messages, the pulse at each edge, every band boundary, whole scorings, partial and
invalid ones, and the vignettes' comparisons). Outside CI the file skips when node is missing; with
CI=true it fails instead."""

from __future__ import annotations

import math

from test_cows import (
    BAND_EDGES,
    PULSE_EDGES,
    SCALE,
    VIGNETTES,
    band_cases,
    compare_cases,
    evaluate_cases,
    item_cases,
)

from recovery_science import cows

COWS = "cows.js"


def _py_band(total):
    try:
        return {"ok": cows.band(total)}
    except ValueError as e:
        return {"error": str(e)}


def test_every_item_value_gives_the_same_points_or_the_same_message(node):
    cases = item_cases()
    assert len(cases) > 250
    js = node.batch(COWS, "check", [(SCALE, item_id, value) for item_id, value in cases])
    for (item_id, value), got in zip(cases, js, strict=True):
        assert got == cows.check(item_id, value), (item_id, value)
    # the cases hold both outcomes for every item
    for item_id in cows.SCALE["items"]:
        outcomes = {("points" in cows.check(item_id["id"], v)) for i, v in cases if i == item_id["id"]}
        assert outcomes == {True, False}, item_id["id"]


def test_pulse_mapping_at_every_edge(node):
    js = node.batch(COWS, "pulsePoints", [(SCALE, bpm) for bpm in PULSE_EDGES])
    assert js == list(PULSE_EDGES.values())


def test_not_a_number_is_rejected_alike(node):
    for value in (math.nan, math.inf, -math.inf):
        assert node.call(COWS, "check", SCALE, "pulse", value) == cows.check("pulse", value)
        assert node.call(COWS, "check", SCALE, "tremor", value) == cows.check("tremor", value)


def test_every_band_boundary(node):
    js = node.batch(COWS, "band", [(SCALE, t) for t in BAND_EDGES])
    assert [b["id"] for b in js] == list(BAND_EDGES.values())
    for bad in band_cases():
        py = _py_band(bad)
        try:
            got = {"ok": node.call(COWS, "band", SCALE, bad)}
        except RuntimeError as e:
            got = {"error": str(e)}
        if "ok" in py:
            assert got == py, bad
        else:
            assert "error" in got and py["error"] in got["error"], (bad, got)


def test_whole_scorings_and_the_total_line(node):
    cases = evaluate_cases()
    js = node.batch(COWS, "evaluate", [(SCALE, values) for values in cases])
    for values, got in zip(cases, js, strict=True):
        py = cows.evaluate(values)
        assert got == py, values
        assert node.call(COWS, "totalText", SCALE, got) == cows.total_text(py)
    totals = [r["total"] for r in js if "total" in r]
    assert totals == list(BAND_EDGES)


def test_vignette_comparisons(node):
    cases = compare_cases()
    js = node.batch(COWS, "compare", [(SCALE, values, vig) for values, vig in cases])
    for (values, vig), got in zip(cases, js, strict=True):
        assert got == cows.compare(values, vig), (vig["id"], values)
    assert sum(1 for r in js if not r["complete"]) == 2 * len(VIGNETTES)
    for vig in VIGNETTES:
        assert node.call(COWS, "workedValues", vig) == cows.worked_values(vig)
        assert node.call(COWS, "bandText", SCALE, vig["band"]) == cows.band_text(vig["band"])
