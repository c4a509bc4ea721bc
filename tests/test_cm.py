"""Unit tests for Module 3's contingency-management voucher simulator (recovery_science.cm).

Every expected value is worked by hand from the rules in cm.py's docstring (and data/tools/cm.json,
"semantics"); the arithmetic is written next to it. The default schedule ("escalating" preset) is
start $2.50, +$1.00 per consecutive negative, a $12 bonus on every 3rd consecutive negative, reset
after a positive or missed test, back to the previous value after 5 negatives.
"""

from __future__ import annotations

import copy
import html
import json
import re

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from recovery_science import cm  # noqa: E402

ESC = {"start": 2.5, "increment": 1.0, "bonus": 12.0, "bonus_every": 3, "reset": True, "recovery_after": 5}
# a ladder 1, 2, 3, ... with no bonus, to see the reset and the recovery alone
LADDER = {"start": 1.0, "increment": 1.0, "bonus": 0.0, "bonus_every": 1, "reset": True, "recovery_after": 2}


def earned(schedule, results):
    return cm.earnings(schedule, results)["earned"]


# --- the preset is what the tests assume ----------------------------------------------------

def test_the_escalating_preset_is_the_documented_one():
    assert cm.preset() == ESC
    assert cm.PARAMS["presets"]["escalating"]["label"].endswith("(illustrative amounts)")
    # the population and the sources say the amounts are not a published schedule, and no OUD schedule
    assert "NOT the published ones" in cm.PARAMS["presets"]["escalating"]["sources"]
    assert "were not verified, for cocaine or for opioids" in cm.PARAMS["presets"]["escalating"]["sources"]


# --- hand-computed sequences -----------------------------------------------------------------

def test_neg_neg_neg_pos_neg_neg():
    e = cm.earnings(ESC, ["neg", "neg", "neg", "pos", "neg", "neg"])
    # 2.50 (step 0); 2.50 + 1.00 = 3.50; 2.50 + 2.00 = 4.50, 3rd in a row: + 12 = 16.50;
    # positive: 0, reset; 2.50 again; 3.50
    assert e["earned"] == [2.5, 3.5, 16.5, 0.0, 2.5, 3.5]
    # running total: 2.50, 6.00, 22.50, 22.50, 25.00, 28.50
    assert e["cumulative"] == [2.5, 6.0, 22.5, 22.5, 25.0, 28.5]


def test_missed_counts_exactly_like_positive():
    pos = cm.earnings(ESC, ["neg", "neg", "pos", "neg"])
    missed = cm.earnings(ESC, ["neg", "neg", "missed", "neg"])
    # 2.50, 3.50, 0, then 2.50 (reset) either way
    assert pos == missed == {"earned": [2.5, 3.5, 0.0, 2.5], "cumulative": [2.5, 6.0, 6.0, 8.5]}


def test_empty_sequence():
    assert cm.earnings(ESC, []) == {"earned": [], "cumulative": []}
    assert cm.max_total(ESC, 0) == 0.0
    assert cm.fixed_equivalent(ESC, 0)["start"] == 0.0
    assert cm.summary_text(cm.comparison(ESC, [])) == "No visits: type a sequence of results or simulate one."


def test_all_positive_earns_nothing():
    e = cm.earnings(ESC, ["pos"] * 5 + ["missed"] * 2)
    assert e["earned"] == [0.0] * 7 and e["cumulative"] == [0.0] * 7


def test_bonus_is_paid_on_the_nth_negative_and_every_nth_after():
    # six in a row: 2.50, 3.50, 4.50 + 12, 5.50, 6.50, 7.50 + 12
    assert earned(ESC, ["neg"] * 6) == [2.5, 3.5, 16.5, 5.5, 6.5, 19.5]
    # two, a positive, then three: the run starts again, so the bonus comes on the 3rd after the positive
    assert earned(ESC, ["neg", "neg", "pos", "neg", "neg", "neg"]) == [2.5, 3.5, 0.0, 2.5, 3.5, 16.5]
    # N = 1: every negative carries the bonus; 1.00 + 5 = 6.00, then 2.00 + 5 = 7.00
    every = {**LADDER, "bonus": 5.0, "bonus_every": 1, "recovery_after": 0}
    assert earned(every, ["neg", "neg"]) == [6.0, 7.0]
    # bonus 0: no bonus whatever N is
    assert earned({**ESC, "bonus": 0.0}, ["neg"] * 3) == [2.5, 3.5, 4.5]


def test_reset_and_recovery_after_k_negatives():
    seq = ["neg"] * 6 + ["pos"] + ["neg"] * 4
    # 1..6 (step 6); positive: 0, step back to 0, 6 remembered; 1, 2 (the k = 2 negatives after the
    # reset, from the bottom); then back to step 6: 7, 8
    assert earned(LADDER, seq) == [1, 2, 3, 4, 5, 6, 0, 1, 2, 7, 8]
    # no recovery (k = 0): 1, 2, 3, 4 after the positive
    assert earned({**LADDER, "recovery_after": 0}, seq) == [1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4]
    # recovery after k = 1: the very next negative is paid 1, then 7
    assert earned({**LADDER, "recovery_after": 1}, seq) == [1, 2, 3, 4, 5, 6, 0, 1, 7, 8, 9]


def test_a_second_lapse_before_recovery_starts_the_count_again_and_keeps_the_higher_value():
    seq = ["neg"] * 6 + ["pos", "neg", "missed", "neg", "neg", "neg"]
    # 1..6; 0 (6 remembered); 1 (one negative since the reset); missed: 0, count starts again,
    # max(6, 1) = 6 still remembered; 1, 2 (k = 2 reached: back to 6); 7
    assert earned(LADDER, seq) == [1, 2, 3, 4, 5, 6, 0, 1, 0, 1, 2, 7]


def test_recovery_never_lowers_the_value():
    # 1, 2 (step 2); 0 (2 remembered); 1, 2: step is 2 already, so no change; 3
    assert earned(LADDER, ["neg", "neg", "pos", "neg", "neg", "neg"]) == [1, 2, 0, 1, 2, 3]


def test_without_reset_every_negative_raises_the_value():
    no_reset = {**LADDER, "reset": False, "recovery_after": 0}
    # 1, 2, 0, 3: the positive earns nothing but the ladder is kept
    assert earned(no_reset, ["neg", "neg", "pos", "neg"]) == [1, 2, 0, 3]
    # ... but the bonus still needs consecutive negatives: 1 + 10 on the 2nd in a row, then 3 (run 1), 4 + 10
    bonus = {**no_reset, "bonus": 10.0, "bonus_every": 2}
    assert earned(bonus, ["neg", "neg", "pos", "neg", "neg"]) == [1, 12, 0, 3, 14]


def test_the_example_sequence_by_hand():
    """data/tools/cm.json's example: 12 scattered visits, a run of 10, one positive, a run of 13."""
    seq = cm.parse_results(cm.PARAMS["default_sequence"])
    assert seq == (["pos", "neg", "pos", "neg", "neg", "missed", "neg", "pos", "neg", "neg", "pos", "pos"]
                   + ["neg"] * 10 + ["pos"] + ["neg"] * 13)
    e = earned(ESC, seq)
    # visits 1-12: 2.50 | 2.50, 3.50 | 2.50 | 2.50, 3.50, each pair cut off before a bonus: 17.00
    assert sum(e[:12]) == 17.0
    # run of 10: 2.50 ... 11.50 (sum 10 x 7.00 = 70.00) plus bonuses on the 3rd, 6th, 9th (36): 106.00
    assert e[12:22] == [2.5, 3.5, 16.5, 5.5, 6.5, 19.5, 8.5, 9.5, 22.5, 11.5] and sum(e[12:22]) == 106.0
    # positive; the next 5 negatives from the bottom: 2.50, 3.50, 4.50 + 12, 5.50, 6.50 (34.50);
    # then back to step 10: 12.50 + 12 (6th in a row), 13.50, 14.50, 15.50 + 12, 16.50, 17.50, 18.50 + 12, 19.50
    # (8 x 16.00 = 128.00 plus 36 = 164.00)
    assert e[22] == 0.0
    assert e[23:] == [2.5, 3.5, 16.5, 5.5, 6.5, 24.5, 13.5, 14.5, 27.5, 16.5, 17.5, 30.5, 19.5]
    # 17.00 + 106.00 + 34.50 + 164.00 = 321.50
    assert cm.earnings(ESC, seq)["cumulative"][-1] == 321.5


def test_maximum_and_fixed_equivalent():
    # 36 negatives: sum of 2.50 + i for i = 0..35 = 36 x 2.50 + 630 = 720, plus 12 bonuses x 12 = 144: 864
    assert cm.max_total(ESC, 36) == 864.0
    fixed = cm.fixed_equivalent(ESC, 36)
    # 864 / 36 = 24.00 per negative, no bonus, no reset
    assert fixed == {"start": 24.0, "increment": 0.0, "bonus": 0.0, "bonus_every": 1, "reset": False,
                     "recovery_after": 0}
    assert cm.max_total(fixed, 36) == 864.0
    assert earned(fixed, ["neg", "pos", "missed", "neg"]) == [24.0, 0.0, 0.0, 24.0]


def test_comparison_shows_that_continuity_is_what_escalation_pays_for():
    seq = cm.parse_results(cm.PARAMS["default_sequence"])
    cmp = cm.comparison(ESC, seq)
    assert (cmp["visits"], cmp["negatives"], cmp["positives"], cmp["missed"]) == (36, 29, 6, 1)
    # 29 negatives in one run: 29 x 2.50 + (0 + ... + 28 = 406) = 478.50, plus 9 bonuses (108): 586.50
    assert cmp["unbroken"] == 586.5
    assert cmp["fixed"]["cumulative"][-1] == 29 * 24.0 == 696.0
    assert cmp["escalating"]["cumulative"][-1] == 321.5 < cmp["unbroken"] < cmp["max_total"] == 864.0
    assert cm.summary_text(cmp) == (
        "36 visits: 29 negative, 6 positive, 1 missed. Escalating schedule: $321.50; the same 29 negative tests "
        "in one unbroken run would earn $586.50. Fixed schedule ($24.00 per negative test): $696.00, however the "
        "negative tests fall. Both pay at most $864.00 (a negative test at every visit).")
    # the same 12 negatives, scattered in pairs or in one run: escalating 12 x (2.50 + 3.50) / 2 = 36.00 vs
    # 2.50 + ... + 13.50 = 96.00 plus 4 bonuses = 144.00; fixed pays 12 x its value either way
    scattered = ["neg", "neg", "pos"] * 6
    run = ["neg"] * 12 + ["pos"] * 6
    assert cm.comparison(ESC, scattered)["escalating"]["cumulative"][-1] == 36.0
    assert cm.comparison(ESC, run)["escalating"]["cumulative"][-1] == 144.0
    fixed_total = cm.comparison(ESC, scattered)["fixed"]["cumulative"][-1]
    assert fixed_total == cm.comparison(ESC, run)["fixed"]["cumulative"][-1]


def test_money_rounds_like_javascript_and_groups_thousands():
    assert cm.money(0.0) == "$0.00" and cm.money(321.5) == "$321.50"
    assert cm.money(32150.0) == "$32,150.00" and cm.money(1234567.891) == "$1,234,567.89"
    assert cm.money(0.125) == "$0.13"  # exact binary tie: up, like toFixed


def test_cost_line_exact_and_simulated():
    seq = cm.parse_results(cm.PARAMS["default_sequence"])
    cmp = cm.comparison(ESC, seq)
    # 100 x 321.50 = 32,150.00 and 100 x 696.00 = 69,600.00
    assert cm.cost_text(cmp, 100) == (
        "Cost for 100 participants with exactly this sequence: escalating $32,150.00, fixed $69,600.00.")
    # a cohort that is negative at every visit costs the maximum each: 864.00 per participant, 8,640.00 for 10
    group = cm.cohort(ESC, 7, 4, 36, 1.0, 0.0)
    assert group["escalating"] == [864.0] * 4 and group["fixed"] == [864.0] * 4
    assert cm.cost_text(cmp, 10, group).endswith(
        "Expected cost from 4 simulated participants (seed 7, p(negative) 1.00, p(missed) 0.00): escalating "
        "$864.00 per participant, $8,640.00 for 10; fixed $864.00 per participant, $8,640.00 for 10.")


# --- parsing a typed sequence ----------------------------------------------------------------

def test_parse_results():
    assert cm.parse_results("neg, pos;missed\nN p\tM  NEG") == ["neg", "pos", "missed", "neg", "pos", "missed", "neg"]
    assert cm.parse_results("") == [] and cm.parse_results(" ,;\n") == []


@pytest.mark.parametrize("text, message", [
    ("neg clean", '"clean" (result 2) is not a result: use neg, pos or missed (or n, p, m)'),
    ("negative", '"negative" (result 1) is not a result'),
    ("n,p,x", '"x" (result 3) is not a result'),
])
def test_parse_results_names_the_bad_token(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        cm.parse_results(text)


# --- the generator -------------------------------------------------------------------------------

def test_mulberry32_known_outputs():
    # from the usual one-line JavaScript mulberry32 (Math.imul), run in Node: see tests/test_node_cm.py
    assert cm.mulberry32(1, 3) == [2693262067, 11749833, 2265367787]
    assert cm.mulberry32(0, 0) == []
    out = cm.mulberry32(4294967295, 1000)
    assert len(out) == 1000 and all(0 <= x <= 0xFFFFFFFF for x in out) and len(set(out)) > 990


def test_simulation_edges_and_rates():
    assert cm.simulate_results(1, 10, 1.0, 0.0) == ["neg"] * 10
    assert cm.simulate_results(1, 10, 0.0, 0.0) == ["pos"] * 10
    assert cm.simulate_results(1, 10, 1.0, 1.0) == ["missed"] * 10
    assert cm.simulate_results(5, 0, 0.5) == []
    assert cm.simulate_results(2024, 36, 0.7, 0.05) == cm.simulate_results(2024, 36, 0.7, 0.05)
    assert cm.simulate_results(2024, 36, 0.7, 0.05) != cm.simulate_results(2025, 36, 0.7, 0.05)
    many = cm.simulate_results(11, 20000, 0.7, 0.1)
    # missed with probability 0.1; otherwise negative with probability 0.7: 0.9 x 0.7 = 0.63
    assert abs(many.count("missed") / 20000 - 0.1) < 0.01
    assert abs(many.count("neg") / 20000 - 0.63) < 0.015


def test_simulation_uses_two_draws_per_visit():
    draws = cm.mulberry32(99, 8)
    u = [x / 2**32 for x in draws]
    expected = ["missed" if u[2 * i] < 0.3 else ("neg" if u[2 * i + 1] < 0.6 else "pos") for i in range(4)]
    assert cm.simulate_results(99, 4, 0.6, 0.3) == expected


def test_cohort_is_one_stream_participant_after_participant():
    totals = cm.cohort_costs(ESC, 3, 2, 6, 0.6, 0.1)
    both = cm.simulate_results(3, 12, 0.6, 0.1)  # 2 participants x 6 visits from the same stream
    assert totals == [cm.earnings(ESC, both[:6])["cumulative"][-1], cm.earnings(ESC, both[6:])["cumulative"][-1]]


# --- invalid input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: cm.earnings({**ESC, "start": -1}, []), "start must be a finite number >= 0"),
    (lambda: cm.earnings({**ESC, "increment": float("nan")}, []), "increment must be a finite number >= 0"),
    (lambda: cm.earnings({**ESC, "bonus": float("inf")}, []), "bonus must be a finite number >= 0"),
    (lambda: cm.earnings({**ESC, "bonus": "12"}, []), "bonus must be a finite number >= 0"),
    (lambda: cm.earnings({**ESC, "start": True}, []), "start must be a finite number >= 0"),
    (lambda: cm.earnings({**ESC, "bonus_every": 0}, []), "bonus_every must be a whole number >= 1"),
    (lambda: cm.earnings({**ESC, "bonus_every": 2.5}, []), "bonus_every must be a whole number >= 1"),
    (lambda: cm.earnings({**ESC, "recovery_after": -1}, []), "recovery_after must be a whole number >= 0"),
    (lambda: cm.earnings({**ESC, "reset": 1}, []), "reset must be true or false"),
    (lambda: cm.earnings({k: v for k, v in ESC.items() if k != "bonus"}, []), "schedule is missing bonus"),
    (lambda: cm.earnings([1, 2], []), "schedule must be an object with start, increment, bonus"),
    (lambda: cm.earnings(ESC, ["neg", "clean"]), 'result 2 must be "neg", "pos" or "missed" (got "clean")'),
    (lambda: cm.earnings(ESC, ["neg", 1]), 'result 2 must be "neg", "pos" or "missed"'),
    (lambda: cm.earnings(ESC, "neg neg"), 'results must be a list of "neg", "pos" or "missed"'),
    (lambda: cm.parse_results(None), "the sequence must be text"),
    (lambda: cm.mulberry32(-1, 3), "seed must be a whole number from 0 to 4294967295"),
    (lambda: cm.mulberry32(2**32, 3), "seed must be a whole number from 0 to 4294967295"),
    (lambda: cm.mulberry32(1.5, 3), "seed must be a whole number from 0 to 4294967295"),
    (lambda: cm.mulberry32(1, -3), "count must be a whole number >= 0"),
    (lambda: cm.simulate_results(1, 3, 1.2), "p_negative must be a number from 0 to 1"),
    (lambda: cm.simulate_results(1, 3, 0.5, -0.1), "p_missed must be a number from 0 to 1"),
    (lambda: cm.simulate_results(1, 2.5, 0.5), "visits must be a whole number >= 0"),
    (lambda: cm.cohort_costs(ESC, 1, 0, 3, 0.5), "participants must be a whole number >= 1"),
    (lambda: cm.cost_text(cm.comparison(ESC, []), 0), "participants must be a whole number >= 1"),
])
def test_invalid_inputs_are_rejected_with_a_clear_message(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert str(info.value).startswith(message), str(info.value)


# --- tables, figure, widget ----------------------------------------------------------------------

def test_simulate_returns_the_table():
    df = cm.simulate(ESC, "neg neg neg pos neg neg")
    assert list(df.columns) == ["visit", "week", "result", "earned", "cumulative"]
    assert df["visit"].tolist() == [1, 2, 3, 4, 5, 6] and df["week"].tolist() == [1, 1, 1, 2, 2, 2]
    assert df["earned"].tolist() == [2.5, 3.5, 16.5, 0.0, 2.5, 3.5]
    assert df["cumulative"].iloc[-1] == 28.5
    # the example sequence by default; a seed simulates the data file's visits (36)
    assert cm.simulate()["cumulative"].iloc[-1] == 321.5
    sim = cm.simulate(seed=2024)
    assert len(sim) == 36 and sim["result"].tolist() == cm.simulate_results(2024, 36, 0.7, 0.05)


def test_compare_table_has_both_schedules():
    df = cm.compare()
    assert df["escalating_cumulative"].iloc[-1] == 321.5 and df["fixed_cumulative"].iloc[-1] == 696.0
    assert set(df["fixed_earned"]) == {0.0, 24.0}


def test_plot_draws_the_cumulative_earnings_and_its_alt_text_says_so():
    seq = cm.parse_results(cm.PARAMS["default_sequence"])
    fig = cm.plot_compare()
    ax = fig.axes[0]
    esc, fixed = ax.get_lines()[:2]
    assert list(esc.get_ydata()) == [0.0] + cm.earnings(ESC, seq)["cumulative"]
    assert list(fixed.get_ydata()) == [0.0] + cm.comparison(ESC, seq)["fixed"]["cumulative"]
    assert list(esc.get_xdata())[-1] == 12.0  # 36 visits, 3 a week
    assert esc.get_label() == "Escalating with reset: $321.50"
    assert fixed.get_label() == "Fixed $24.00 per negative: $696.00"
    labels = [line.get_label() for line in ax.get_lines()]
    assert "Positive test (6)" in labels and "Missed test (1)" in labels
    assert cm.alt_text() == (
        "Line chart of cumulative voucher earnings in US dollars against week, over 36 visits (3 a week, 12 weeks): "
        "29 negative, 6 positive and 1 missed tests, the positive and missed ones marked along the bottom. The "
        "escalating schedule ends at $321.50 and the fixed schedule ($24.00 per negative test) at $696.00; both "
        "would reach $864.00 with a negative test at every visit. The escalating line is flat after each positive "
        "or missed test and climbs steeply during long runs of negative tests.")
    # deterministic
    again = cm.plot_compare().axes[0].get_lines()
    assert [list(line.get_ydata()) for line in again] == [list(line.get_ydata()) for line in ax.get_lines()]


def test_figure_text_is_readable_in_the_book():
    from matplotlib.text import Text

    fig = cm.plot_compare()
    scale = min(1.0, 720 / (fig.get_figwidth() * 100))
    fig.canvas.draw()
    texts = fig.findobj(Text) + [t for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]
    sizes = [t.get_fontsize() for t in texts if t.get_visible() and t.get_text().strip()]
    assert min(sizes) * 100 / 72 * scale >= 10


def test_explore_widget_updates():
    import ipywidgets as widgets

    w = cm.explore()
    assert isinstance(w, widgets.Widget)
    row = w.children[0].children
    sliders = [c for c in row if isinstance(c, (widgets.FloatSlider, widgets.IntSlider))]
    assert [s.value for s in sliders] == [2.5, 1.0, 12.0, 3, 5]
    summary = w.children[3]
    assert "Escalating schedule: $321.50" in summary.value and "$32,150.00" in summary.value
    sliders[2].value = 0.0  # no bonus: the maximum is 720.00
    assert "Both pay at most $720.00" in summary.value
    sequence = w.children[1]
    sequence.value = "neg neg neg pos neg neg"
    assert "6 visits: 5 negative, 1 positive, 0 missed" in summary.value
    sequence.value = "neg clean"
    assert "&quot;clean&quot; (result 2) is not a result" in summary.value
    sim_row = w.children[2].children
    button = next(c for c in sim_row if isinstance(c, widgets.Button))
    button.click()
    assert sequence.value == " ".join(cm.simulate_results(2024, 36, 0.7, 0.05))
    assert "36 visits" in summary.value


def test_explore_shows_the_no_kernel_version_in_the_book():
    bundle = cm.explore()._repr_mimebundle_()
    assert bundle["text/html"] == cm.explorer_html()
    assert bundle["text/plain"].startswith("Interactive version")


# --- the no-kernel HTML follows the data file ------------------------------------------------------

def test_explorer_html_controls_are_native_labelled_and_disabled():
    out = cm.explorer_html()
    assert "<form" not in out and "<script" not in out
    assert out.count("<button") == out.count('<button type="button"') == 2
    ids = re.findall(r'id="(rs-cm-[a-z_]+)"', out)
    for iid in ids:
        if iid != "rs-cm-error":
            assert f'<label for="{iid}"' in out, iid
    controls = re.findall(r"<(input|textarea|button)\b[^>]*>", out)
    # 8 sliders, the reset checkbox, the seed, the participants, the text box, 2 buttons
    assert len(controls) == 14 and len(re.findall(r"<(?:input|textarea|button)\b[^>]*\bdisabled", out)) == 14
    assert 'class="rs-run-notice rs-search-skip"' in out and cm.RUN_NOTICE in out
    assert 'aria-live="polite">' + html.escape(cm.summary_text(cm.comparison(ESC, cm.parse_results(
        cm.PARAMS["default_sequence"])))) in out
    assert f'aria-label="{html.escape(cm.alt_text(), quote=True)}"' in out
    assert cm.explorer_html() == cm.explorer_html()


def test_explorer_html_follows_a_changed_data_file():
    params = copy.deepcopy(cm.PARAMS)
    params["presets"]["escalating"]["schedule"].update(start=4.0, reset=False)
    params["sliders"]["start"].update(min=1.0, max=9.0, step=0.25, value=4.0, label="Start <b>'x'</b>")
    params["sliders"]["p_missed"].update(max=0.3, value=0.1)
    params["default_sequence"] = "neg pos neg"
    params["seed"] = 77
    out = cm.explorer_html(params)
    assert 'id="rs-cm-start" min="1" max="9" step="0.25" value="4"' in out
    assert '<output class="rs-cm-start-out" for="rs-cm-start">4.00</output>' in out
    assert "Start &lt;b&gt;&#x27;x&#x27;&lt;/b&gt;:" in out
    assert 'id="rs-cm-p_missed" min="0" max="0.3" step="0.05" value="0.1"' in out
    assert 'id="rs-cm-reset" class="rs-cm-reset" disabled>' in out  # not checked
    assert ">neg pos neg</textarea>" in out and 'id="rs-cm-seed"' in out and 'value="77"' in out
    data = json.loads(html.unescape(re.search(r'data-rs-cm="([^"]*)"', out).group(1)))
    assert data == {"schedule": params["presets"]["escalating"]["schedule"], "default_sequence": "neg pos neg",
                    "visits_per_week": 3, "simulated_participants": params["simulated_participants"],
                    "max_visits": params["max_visits"]}


def test_data_file_is_read_not_typed_in(course_copy):
    """A changed data/tools/cm.json in a course copy changes what the package loads."""
    path = course_copy / "data" / "tools" / "cm.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["presets"]["escalating"]["schedule"]["start"] = 5.0
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = cm.load_params()
    assert loaded["presets"]["escalating"]["schedule"]["start"] == 5.0
    assert cm.preset(params=loaded)["start"] == 5.0
    assert "_comment" not in loaded
