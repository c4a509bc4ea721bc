"""Module 2's COWS scorer in Python (recovery_science/cows.py, data/tools/cows.json,
data/tools/cows-vignettes.yaml): the scale's data, every band boundary, every item's allowed and
disallowed values, the pulse mapping at each boundary, the worked answers of the vignettes checked by
the scorer, the stored no-kernel HTML and the JupyterLab widgets. The same cases run against
book/_static/cows.js in Node (tests/test_node_cows.py imports them from here)."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser

import pytest

from recovery_science import cows

SCALE = cows.SCALE
ITEMS = {item["id"]: item for item in SCALE["items"]}
VIGNETTES = cows.load_vignettes()

# The published scale (Wesson & Ling 2003, as reproduced in SAMHSA TIP 40, Appendix B): written out
# here by hand so that a change to the data file has to be a deliberate one.
PUBLISHED_POINTS = {
    "pulse": [0, 1, 2, 4], "sweating": [0, 1, 2, 3, 4], "restlessness": [0, 1, 3, 5], "pupils": [0, 1, 2, 5],
    "aches": [0, 1, 2, 4], "nose_tearing": [0, 1, 2, 4], "gi_upset": [0, 1, 2, 3, 5], "tremor": [0, 1, 2, 4],
    "yawning": [0, 1, 2, 4], "anxiety": [0, 1, 2, 4], "gooseflesh": [0, 3, 5],
}
# bpm -> points at every edge of the pulse table (80 or below 0; 81-100 1; 101-120 2; above 120 4)
PULSE_EDGES = {30: 0, 79: 0, 80: 0, 81: 1, 100: 1, 101: 2, 120: 2, 121: 4, 220: 4}
# total -> band at every boundary, and the ends of the range
BAND_EDGES = {0: "none", 4: "none", 5: "mild", 12: "mild", 13: "moderate", 24: "moderate",
              25: "moderately_severe", 36: "moderately_severe", 37: "severe", 48: "severe"}
BPM_FOR_POINTS = {0: 70, 1: 90, 2: 110, 4: 130}


# ----------------------------------------------------------------- shared cases (Python and Node)

def item_cases() -> list[tuple[str, object]]:
    """(item, value) pairs: every allowed value (as a number and as typed text) and many that are
    not allowed: skipped points, out of range, fractions, text, empty, booleans, None."""
    cases: list[tuple[str, object]] = []
    for item_id, item in ITEMS.items():
        if item_id == "pulse":
            for bpm in list(PULSE_EDGES) + [29, 221, 0, -5]:
                cases += [(item_id, bpm), (item_id, str(bpm))]
            cases += [(item_id, v) for v in (80.0, 80.5, "80.5", " 81 ", "81 bpm", "abc", "", "  ", None, True, 1e3)]
            continue
        allowed = cows.allowed_points(item)
        for v in range(-1, 7):
            cases += [(item_id, v), (item_id, str(v))]
        cases += [(item_id, v) for v in (float(allowed[-1]), 2.5, "2.5", f" {allowed[1]} ", "abc", "", None, False, 10)]
    return cases


def band_cases() -> list[object]:
    return list(BAND_EDGES) + [-1, 49, 4.5, "12", "x"]


def values_for_total(target: int) -> dict[str, object]:
    """Values for all 11 items (the pulse in bpm) whose points add up to ``target``."""
    ids = list(ITEMS)
    reach: list[dict[int, list[int]]] = [{0: []}]
    for item_id in ids:
        nxt: dict[int, list[int]] = {}
        for total, picks in reach[-1].items():
            for p in PUBLISHED_POINTS[item_id]:
                nxt.setdefault(total + p, picks + [p])
        reach.append(nxt)
    picks = reach[-1][target]
    return {i: (BPM_FOR_POINTS[p] if i == "pulse" else p) for i, p in zip(ids, picks, strict=True)}


def evaluate_cases() -> list[dict[str, object]]:
    cases = [values_for_total(t) for t in BAND_EDGES]
    cases.append({})  # nothing scored yet
    partial = values_for_total(13)
    partial.pop("tremor")
    cases.append(partial)
    bad = values_for_total(13)
    bad.update(restlessness=2, pulse="fast", gooseflesh="")
    cases.append(bad)
    cases.append({**values_for_total(5), "fever": 1})  # not a COWS item
    return cases


def compare_cases() -> list[tuple[dict[str, object], dict]]:
    cases = []
    for vig in VIGNETTES:
        worked = cows.worked_values(vig)
        cases.append((worked, vig))  # exactly the worked answer
        off = dict(worked)
        off["gooseflesh"] = 5 if worked["gooseflesh"] != 5 else 0
        off["pulse"] = 125 if worked["pulse"] <= 120 else 70
        cases.append((off, vig))  # two items differ
        missing = dict(worked)
        missing.pop("yawning")
        cases.append((missing, vig))  # not scored yet: no worked answer
        cases.append(({**worked, "restlessness": 4}, vig))  # a value the item does not allow
    return cases


# ----------------------------------------------------------------- the data file

def test_the_items_and_points_are_the_published_scale():
    assert list(ITEMS) == list(PUBLISHED_POINTS)
    assert len(ITEMS) == 11
    for item_id, item in ITEMS.items():
        assert cows.allowed_points(item) == PUBLISHED_POINTS[item_id], item_id
        assert item["label"], item_id
    assert SCALE["max_total"] == sum(max(p) for p in PUBLISHED_POINTS.values()) == 48


def test_the_pulse_table_is_ordered_and_open_at_the_top():
    rows = ITEMS["pulse"]["pulse_points"]
    assert [r["max_bpm"] for r in rows] == [80, 100, 120, None]
    assert [r["points"] for r in rows] == [0, 1, 2, 4]


def test_the_bands_cover_0_to_48_without_gap_or_overlap():
    bands = SCALE["bands"]
    assert bands[0]["min"] == 0 and bands[-1]["max"] == SCALE["max_total"]
    for a, b in zip(bands, bands[1:], strict=False):
        assert b["min"] == a["max"] + 1
    assert [(b["id"], b["min"], b["max"]) for b in bands] == [
        ("none", 0, 4), ("mild", 5, 12), ("moderate", 13, 24), ("moderately_severe", 25, 36), ("severe", 37, 48)]
    # the seeds' error: 13-24 is moderate, not moderately severe
    assert cows.band(13)["label"] == "moderate withdrawal"


def test_the_sources_are_in_the_bibliography():
    from recovery_science import bib

    wanted = {s["key"] for s in SCALE["sources"]} | {k for v in VIGNETTES for k in v["sources"]}
    assert wanted <= bib.bib_keys(), wanted - bib.bib_keys()


def test_the_tool_says_it_is_not_for_clinical_use():
    assert "not for clinical use" in SCALE["notice"]
    shown = f'<p class="rs-cows-notice" role="note"><strong>{SCALE["notice"]}</strong></p>'
    assert cows.scorer_html().count(shown) == 1
    assert cows.vignettes_html().count(shown) == len(VIGNETTES)


# ----------------------------------------------------------------- the scorer

@pytest.mark.parametrize("bpm, points", sorted(PULSE_EDGES.items()))
def test_pulse_mapping_at_every_edge(bpm, points):
    assert cows.pulse_points(bpm) == points
    assert cows.pulse_points(str(bpm)) == points
    assert cows.item_points("pulse", bpm) == points


@pytest.mark.parametrize("bad, says", [
    (29, "29 beats per minute is outside what this tool accepts (30 to 220)"),
    (221, "221 beats per minute is outside"),
    (-5, "-5 beats per minute is outside"),
    ("-5", '"-5" is not a whole number'),
    ("80.5", '"80.5" is not a whole number'),
    (80.5, '"80.5" is not a whole number'),
    ("81 bpm", '"81 bpm" is not a whole number'),
    ("", "no value entered yet"),
    (None, "no value entered yet"),
    (True, '"true" is not a whole number'),
    (math.nan, '"not a number" is not a whole number'),
])
def test_pulse_rejections_name_the_item_and_the_value(bad, says):
    with pytest.raises(ValueError) as err:
        cows.pulse_points(bad)
    assert str(err.value).startswith("Resting pulse rate: ") and says in str(err.value)


@pytest.mark.parametrize("item_id", list(PUBLISHED_POINTS))
def test_every_items_allowed_and_disallowed_values(item_id):
    allowed = PUBLISHED_POINTS[item_id]
    if item_id == "pulse":
        return  # the pulse is typed in bpm: see the pulse tests
    label = ITEMS[item_id]["label"]
    words = ", ".join(map(str, allowed[:-1])) + " or " + str(allowed[-1])
    for v in allowed:
        assert cows.item_points(item_id, v) == v
        assert cows.item_points(item_id, str(v)) == v
        assert cows.item_points(item_id, float(v)) == v
        assert cows.check(item_id, v) == {"points": v}
    for v in [x for x in range(-1, 7) if x not in allowed] + [10]:
        expected = f"{label}: {v} is not a score this item allows. Allowed: {words}."
        with pytest.raises(ValueError, match=re.escape(expected)):
            cows.item_points(item_id, v)
        assert cows.check(item_id, str(v)) == {"error": expected}
    for bad, shown in ((2.5, "2.5"), ("abc", "abc"), (False, "false")):
        message = f"{label}: {shown} is not a score this item allows. Allowed: {words}."
        assert cows.check(item_id, bad) == {"error": message}
    for nothing in ("", None, "  "):
        assert cows.check(item_id, nothing) == {"error": f"{label}: no score chosen yet. Allowed: {words}."}


def test_an_unknown_item_is_rejected():
    with pytest.raises(ValueError, match="no item called 'fever'"):
        cows.item_points("fever", 1)


@pytest.mark.parametrize("total, band_id", sorted(BAND_EDGES.items()))
def test_every_band_boundary(total, band_id):
    assert cows.band(total)["id"] == band_id
    result = cows.score(values_for_total(total))
    assert result["total"] == total and result["band"] == band_id


@pytest.mark.parametrize("bad", [-1, 49, 4.5, "x", None])
def test_a_total_outside_0_to_48_is_rejected(bad):
    with pytest.raises(ValueError, match="A COWS total is a whole number from 0 to 48"):
        cows.band(bad)


def test_evaluate_hand_worked():
    values = {"pulse": 104, "sweating": 3, "restlessness": 3, "pupils": 2, "aches": 2, "nose_tearing": 2,
              "gi_upset": 2, "tremor": 1, "yawning": 2, "anxiety": 2, "gooseflesh": 3}
    assert cows.score(values) == {"points": {**values, "pulse": 2}, "total": 24, "band": "moderate"}
    assert cows.score({**values, "pulse": 121})["total"] == 26
    assert cows.score({**values, "pulse": 121})["band"] == "moderately_severe"
    assert cows.total_text(cows.evaluate(values)) == "Total 24 of 48: moderate withdrawal (13 to 24)."


def test_evaluate_reports_every_problem_and_keeps_the_valid_points():
    values = values_for_total(13)
    values.update(restlessness=2, pulse="fast")
    values.pop("tremor")
    result = cows.evaluate(values)
    assert set(result["errors"]) == {"restlessness", "pulse", "tremor"}
    assert "Restlessness: 2 is not a score this item allows. Allowed: 0, 1, 3 or 5." == result["errors"]["restlessness"]
    assert len(result["points"]) == 8 and "total" not in result
    with pytest.raises(ValueError) as err:
        cows.score(values)
    assert len(str(err.value).splitlines()) == 3
    assert cows.total_text(result).startswith("Scored 8 of 11 items; total so far ")
    expected = "Scored 0 of 11 items; total so far 0. Score every item to see the band."
    assert cows.total_text(cows.evaluate({})) == expected


# ----------------------------------------------------------------- the vignettes

def test_there_are_three_or_four_vignettes_and_one_scores_under_5():
    assert 3 <= len(VIGNETTES) <= 4
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)
    under = [v for v in VIGNETTES if v["total"] < 5]
    assert under and under[0]["band"] == "none"
    assert "mild-to-moderate withdrawal" in under[0]["explanation"]


@pytest.mark.parametrize("vig", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_worked_answers_are_what_the_scorer_gives(vig):
    assert list(vig["worked"]) == list(ITEMS), "every item, in the scale's order"
    for item_id, entry in vig["worked"].items():
        value = entry["bpm"] if item_id == "pulse" else entry["points"]
        assert cows.item_points(item_id, value) == entry["points"], item_id
        assert entry["reason"].strip(), item_id
    result = cows.score(cows.worked_values(vig))
    assert result["total"] == vig["total"]
    assert result["band"] == vig["band"]
    assert f"{vig['total']} beats" not in vig["text"]  # the pulse is in the text, the total is not
    assert f"{vig['worked']['pulse']['bpm']} beats per minute" in vig["text"]


@pytest.mark.parametrize("values, vig", compare_cases())
def test_the_worked_answer_stays_hidden_until_every_item_is_scored(values, vig):
    result = cows.compare(values, vig)
    complete = "errors" not in cows.evaluate(values)
    assert result["complete"] is complete
    if not complete:
        assert set(result) == {"complete", "errors"}  # nothing of the worked answer
        assert vig["explanation"] not in json.dumps(result)
        return
    assert result["worked_total"] == vig["total"] and result["worked_band"] == vig["band"]
    assert result["total"] == cows.score(values)["total"]
    differing = {d["item"] for d in result["differences"]}
    assert differing == {i for i in ITEMS if cows.item_points(i, values[i]) != vig["worked"][i]["points"]}
    for d in result["differences"]:
        assert d["reason"] == vig["worked"][d["item"]]["reason"]


def test_feedback_html_shows_totals_differences_and_explanation():
    vig = VIGNETTES[0]
    values = {**cows.worked_values(vig), "gooseflesh": 5}
    text = cows.feedback_html(cows.compare(values, vig))
    assert f"Your total: <strong>{vig['total'] + 5}</strong>" in text
    assert f"Worked total: <strong>{vig['total']}</strong>" in text
    assert "Gooseflesh skin: you gave 5, the worked answer gives 0." in text
    assert "Score every item first. Still to do: Yawning." in cows.feedback_html(
        cows.compare({k: v for k, v in values.items() if k != "yawning"}, vig))


# ----------------------------------------------------------------- the stored HTML

class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


@pytest.mark.parametrize("which", ["scorer", "vignettes"])
def test_stored_html_has_labelled_disabled_controls_and_no_form(which):
    text = cows.scorer_html() if which == "scorer" else cows.vignettes_html()
    page = _parse(text)
    tags = [t for t, _ in page.tags]
    assert "form" not in tags and "script" not in tags
    labels = {a["for"] for t, a in page.tags if t == "label"}
    controls = [a for t, a in page.tags if t in ("select", "input")]
    boxes = 1 if which == "scorer" else len(VIGNETTES)
    assert len(controls) == 11 * boxes
    for a in controls:
        assert a["id"] in labels and "disabled" in a, a
    for t, a in page.tags:
        if t == "button":
            assert a.get("type") == "button" and "disabled" in a
    live = [a for t, a in page.tags if "rs-cows-total" in a.get("class", "") and a.get("aria-live") == "polite"]
    assert len(live) == boxes
    assert text.count(cows.RUN_NOTICE) == boxes
    assert len({a["id"] for t, a in page.tags if "id" in a}) == sum(1 for t, a in page.tags if "id" in a)  # unique ids


def test_stored_html_embeds_the_scale_and_follows_a_changed_copy(course_copy):
    path = course_copy / "data" / "tools" / "cows.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["items"][10]["options"].append({"points": 7, "text": "Test option"})
    data["items"][1]["label"] = "Sweating (test)"
    path.write_text(json.dumps(data), encoding="utf-8")
    changed = cows.load_scale()
    assert changed["items"][1]["label"] == "Sweating (test)"
    text = cows.scorer_html(changed)
    assert '<option value="7">7 \u2014 Test option</option>' in text
    assert ">Sweating (test)</label>" in text
    embedded = re.search(r'data-rs-cows="([^"]*)"', text).group(1)
    import html as _html

    assert json.loads(_html.unescape(embedded)) == {"scale": changed}
    assert cows.item_points("gooseflesh", 7, changed) == 7
    assert cows.scorer_html() == cows.scorer_html()  # the same on every run (strict nbval)


def test_stored_vignette_html_shows_no_worked_answer():
    """The worked answer travels in the data attribute for cows.js, but no visible text shows it."""
    page = _parse(cows.vignettes_html())
    visible = " ".join(page.text)
    for vig in VIGNETTES:
        assert vig["text"] in visible
        assert vig["explanation"] not in visible
        for entry in vig["worked"].values():
            assert entry["reason"] not in visible


# ----------------------------------------------------------------- JupyterLab widgets

def _controls(box):
    import ipywidgets as widgets

    found = []

    def walk(w):
        if isinstance(w, (widgets.Dropdown, widgets.Text)):
            found.append(w)
        for child in getattr(w, "children", ()):
            walk(child)

    walk(box)
    return found


def test_explore_widget_scores_live():
    box = cows.explore()
    bundle = box._repr_mimebundle_()
    assert bundle["text/html"] == cows.scorer_html()
    controls = _controls(box)
    assert [c.description for c in controls] == [i["label"] for i in SCALE["items"]]
    total = box.children[-1]
    assert "Scored 0 of 11" in total.value
    values = values_for_total(25)
    for c, item_id in zip(controls, ITEMS, strict=True):
        c.value = str(values[item_id]) if item_id == "pulse" else values[item_id]
    assert "Total 25 of 48: moderately severe withdrawal (25 to 36)." in total.value
    controls[0].value = "300"
    assert "Scored 10 of 11" in total.value
    assert "300 beats per minute is outside" in box.children[1].children[1].value


def test_vignette_widget_hides_the_answer_until_scored():
    vig = VIGNETTES[2]
    box = cows.vignette(vig["id"])
    button, feedback = box.children[-2], box.children[-1]
    controls = _controls(box)
    button.click()
    assert "Score every item first" in feedback.value and vig["explanation"] not in feedback.value
    worked = cows.worked_values(vig)
    for c, item_id in zip(controls, ITEMS, strict=True):
        c.value = str(worked[item_id]) if item_id == "pulse" else worked[item_id]
    button.click()
    assert f"Worked total: <strong>{vig['total']}</strong>" in feedback.value
    assert "match the worked answer on every item" in feedback.value
    with pytest.raises(ValueError, match="no COWS vignette"):
        cows.vignette("nope")
    assert len(cows.vignettes().children) == len(VIGNETTES)
