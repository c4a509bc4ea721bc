"""The Python grader against the shared grading cases (quiz.js runs the same file in test_browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recovery_science.quiz.grading import QuizState, grade, parse_number
from recovery_science.quiz.schema import parse_bank

CASES_FILE = Path(__file__).with_name("grading_cases.json")
DATA = json.loads(CASES_FILE.read_text())
BANK = parse_bank(DATA["bank"], CASES_FILE.name, None)


def test_cases_cover_every_type_and_status():
    types = {BANK.question(c["question"]).type for c in DATA["cases"]}
    statuses = {c["status"] for c in DATA["cases"]}
    assert types == {"single", "multiple", "truefalse", "numeric"}
    assert statuses == {"correct", "incorrect", "invalid"}
    assert len({c["name"] for c in DATA["cases"]}) == len(DATA["cases"])


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["name"] for c in DATA["cases"]])
def test_python_grader(case):
    result = grade(BANK.question(case["question"]), case["response"])
    assert result.status == case["status"]
    assert list(result.feedback) == case["feedback"]
    if "outcome" in case:
        assert result.outcome == case["outcome"]
    if case["status"] == "invalid":
        assert result.message


@pytest.mark.parametrize(
    "text, expected",
    [("1.5", 1.5), ("1,5", 1.5), (" -2 ", -2.0), ("+3", 3.0), (".5", 0.5), ("5.", 5.0),
     ("", None), ("abc", None), ("1,000.5", None), ("1e3", None), ("1.5%", None), (None, None), (True, None)],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_score_is_latest_attempt_and_attempts_are_counted():
    state = QuizState(tuple(q.id for q in BANK.questions))
    single = BANK.question("single")
    for response in ("a", "b"):
        state.record("single", response, grade(single, response))
    assert state.attempts("single") == 2 and state.score == 1
    # A wrong answer after a right one: the latest attempt counts.
    state.record("single", "c", grade(single, "c"))
    assert state.attempts("single") == 3 and state.score == 0
    # An ungraded answer is not an attempt and changes nothing.
    state.record("single", None, grade(single, None))
    assert state.attempts("single") == 3 and state.score == 0
    num = BANK.question("num")
    state.record("num", "4,7", grade(num, "4,7"))
    assert state.score == 1 and state.total == len(BANK.questions)
    state.reset("num")
    assert state.score == 0 and state.attempts("num") == 1
