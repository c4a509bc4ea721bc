"""The Python grader against the shared grading cases (quiz.js runs the same file in Node:
tests/test_node_grading.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browserutil import decode_json
from courseutil import CASES, cases_bank

from recovery_science.quiz.feedback import trim_verdict
from recovery_science.quiz.grading import QuizState, grade, parse_number

STORED_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "recovery_science" / "quiz" / "stored.schema.json").read_text())


def test_cases_cover_every_type_and_status():
    types = {cases_bank().question(c["question"]).type for c in CASES["cases"]}
    statuses = {c["status"] for c in CASES["cases"]}
    assert types == {"single", "multiple", "truefalse", "numeric"}
    assert statuses == {"correct", "incorrect", "invalid"}
    assert len({c["name"] for c in CASES["cases"]}) == len(CASES["cases"])


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_python_grader(case):
    result = grade(cases_bank().question(case["question"]), decode_json(case["response"]))
    assert result.status == case["status"]
    assert list(result.feedback) == case["feedback"]
    if "outcome" in case:
        assert result.outcome == case["outcome"]
    assert result.missing == case.get("missing", 0)
    if case["status"] == "invalid":
        assert result.message


def test_multiple_select_cases_say_how_many_are_missing():
    wrong = [c for c in CASES["cases"] if c["question"] == "multi" and c["status"] == "incorrect"]
    assert {c["missing"] for c in wrong} == {0, 1, 2}


@pytest.mark.parametrize("case", CASES["trim_cases"], ids=[c["text"] for c in CASES["trim_cases"]])
def test_trim_verdict(case):
    assert trim_verdict(case["heading"], case["text"]) == case["shown"]


@pytest.mark.parametrize(
    "text, expected",
    [("1.5", 1.5), ("1,5", 1.5), (" -2 ", -2.0), ("+3", 3.0), (".5", 0.5), ("5.", 5.0),
     ("", None), ("abc", None), ("1,000.5", None), ("1e3", None), ("1.5%", None), (None, None), (True, None),
     ("\uff14.\uff17", 4.7), ("\u0664.\u0667", None), ("\U0001d7d2", None), ("inf", None), ("nan", None),
     (float("inf"), None), (float("nan"), None), (10**400, None), (7, 7.0), ("1" + "0" * 400, None),
     ("4.7\n", 4.7), ("\u00a0-2,5", -2.5)],
)
def test_parse_number(text, expected):
    got = parse_number(text)
    assert got == expected and (got is None or isinstance(got, float))


def test_epsilon_allows_the_bounds_and_no_more():
    """In binary floating point 4.7 - 0.1 is 4.6000000000000005 and 0.7 + 0.1 is 0.7999999999999999:
    the allowance keeps both bounds in range (EPSILON = 0 fails here), and no more than that."""
    low, high = cases_bank().question("num-fp-low"), cases_bank().question("num-fp-high")
    assert 4.7 - 0.1 > 4.6 and 0.7 + 0.1 < 0.8
    assert grade(low, "4.6").status == "correct" and grade(low, 4.6).status == "correct"
    assert grade(high, "0.8").status == "correct"
    assert grade(low, "4.59999").outcome == "low" and grade(high, "0.80001").outcome == "high"


def test_every_rule_is_in_the_cases():
    """The disagreements the review found each have a case (full-width, Arabic-Indic, infinity,
    a bare number and a dict given to a multiple-select question)."""
    responses = {(c["question"], json.dumps(c["response"], ensure_ascii=False)) for c in CASES["cases"]}
    for needed in [("num", '"４.７"'), ("num", '"٤.٧"'), ("num", '{"$float": "inf"}'), ("multi", "1"),
                   ("multi", '{"a": true, "c": true}'), ("num-fp-low", '"4.6"'), ("num-fp-high", '"0,8"')]:
        assert needed in responses, needed


def _ticking_clock():
    ticks = iter(range(10, 60))
    return lambda: f"2026-11-25T22:00:{next(ticks):02d}.000Z"


def test_score_is_latest_attempt_and_attempts_are_counted():
    state = QuizState(tuple(q.id for q in cases_bank().questions), clock=_ticking_clock())
    single = cases_bank().question("single")
    for response in ("a", "b"):
        state.record("single", response, grade(single, response))
    assert state.attempts("single") == 2 and state.score == 1
    # A wrong answer after a right one: the latest attempt counts.
    state.record("single", "c", grade(single, "c"))
    assert state.attempts("single") == 3 and state.score == 0
    # An ungraded answer is not an attempt and changes nothing.
    state.record("single", None, grade(single, None))
    assert state.attempts("single") == 3 and state.score == 0
    rec = state.get("single")
    assert (rec.response, rec.verdict, rec.first_attempt, rec.last_attempt) == (
        "c", "incorrect", "2026-11-25T22:00:10.000Z", "2026-11-25T22:00:12.000Z")
    num = cases_bank().question("num")
    state.record("num", "4,7", grade(num, "4,7"))
    assert state.score == 1 and state.total == len(cases_bank().questions)
    state.clear()
    assert state.score == 0 and state.attempts("num") == 0


def test_a_revealed_question_never_scores():
    """Show answer marks the question revealed for good: answering it right afterwards is
    recorded (attempts, verdict) but not scored, until the quiz is reset."""
    state = QuizState(tuple(q.id for q in cases_bank().questions), objectives={"single": "LO1"}, clock=_ticking_clock())
    single = cases_bank().question("single")
    state.record("single", "a", grade(single, "a"))  # wrong ("b" is keyed)
    state.reveal("single")
    state.reveal("single")  # a second press keeps the first time
    state.record("single", "b", grade(single, "b"))
    rec = state.get("single")
    assert rec.verdict == "correct" and rec.revealed and rec.attempts == 2
    assert rec.revealed_at == "2026-11-25T22:00:11.000Z"
    assert state.score == 0 and state.revealed == 1
    state.reveal("multi")  # revealed before any attempt (the API allows it): no attempt counted
    assert state.attempts("multi") == 0 and state.revealed == 2


def test_stored_format_2_from_python_matches_its_schema():
    import jsonschema

    bank = cases_bank()
    state = QuizState(tuple(q.id for q in bank.questions), objectives={q.id: q.objective for q in bank.questions},
                      clock=_ticking_clock())
    state.record("multi", ["a", "b"], grade(cases_bank().question("multi"), ["a", "b"]))
    state.record("num", "4,7", grade(cases_bank().question("num"), "4,7"))
    state.reveal("single")
    stored = state.stored(cases_bank().id, "0123456789abcdef")
    jsonschema.Draft202012Validator(STORED_SCHEMA).validate(stored)
    assert stored["questions"]["multi"] == {
        "objective": "LO1", "attempts": 1, "response": ["a", "b"], "verdict": "incorrect", "revealed": False,
        "first_attempt": "2026-11-25T22:00:10.000Z", "last_attempt": "2026-11-25T22:00:10.000Z", "revealed_at": None}
    assert stored["questions"]["single"]["attempts"] == 0 and stored["questions"]["single"]["revealed"]
    bad = {**stored, "questions": {"multi": {**stored["questions"]["multi"], "first_attempt": "25/11/2026"}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(STORED_SCHEMA).validate(bad)
