"""The stored answers, format 2 (DEVELOPING.md, "Stored answers"): quiz.js's pure functions in
Node against the Python twin (QuizState) and the JSON Schema in recovery_science/quiz/, the
migration of format-1 records, and records that hold garbage. The browser tests
(tests/test_browser.py) check the same end to end in a page."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from courseutil import cases_bank

from recovery_science.quiz import static as quiz_static
from recovery_science.quiz.grading import QuizState, grade
from recovery_science.quiz.static import client_question

QUIZ = "quiz.js"
ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "recovery_science" / "quiz" / "stored.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
T1, T2, T3 = "2026-11-25T22:00:01.000Z", "2026-11-25T22:00:02.500Z", "2026-11-25T22:00:03.000Z"






@pytest.fixture(scope="module")
def questions():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(quiz_static, "format_reference", lambda key: "reference")
        return [client_question(q) for q in cases_bank().questions]


def _rec(**kw):
    return {"objective": "LO1", "attempts": 1, "response": None, "verdict": None, "revealed": False,
            "first_attempt": None, "last_attempt": None, "revealed_at": None, **kw}


def _v2(questions: dict) -> str:
    return json.dumps({"version": 2, "bank": "grading-cases", "bank_version": "0" * 16, "saved": T1,
                       "questions": questions})


# ------------------------------------------------------------------------------------------ the same records


def test_a_session_gives_the_same_records_in_python_and_in_node(node, questions):
    """Checks and reveals applied by quiz.js's pure functions and by the widget's QuizState, with
    the same clock, give the same records; both are valid format 2."""
    steps = [("check", "single", "a"), ("check", "single", None), ("check", "multi", ["a", "b"]),
             ("reveal", "multi", None), ("check", "multi", ["a", "c"]), ("check", "num", "4,7"),
             ("check", "num", "5"), ("reveal", "tf-true", None), ("reveal", "tf-true", None)]
    times = iter([f"2026-11-25T22:00:{n:02d}.000Z" for n in range(10, 40)])
    js_times = [next(times) for _ in steps]
    by_id = {q["id"]: q for q in questions}

    records: dict = {}
    for (action, qid, response), now in zip(steps, js_times, strict=True):
        rec = records.get(qid)
        if action == "check":
            res = node.call(QUIZ, "grade", by_id[qid], response)
            records[qid] = node.call(QUIZ, "recordAttempt", by_id[qid], rec, response, res, now)
        else:
            records[qid] = node.call(QUIZ, "revealRecord", by_id[qid], rec, now)
    py_clock = iter(js_times)
    bank = cases_bank()
    state = QuizState(tuple(q.id for q in bank.questions), objectives={q.id: q.objective for q in bank.questions},
                      clock=lambda: current[0])
    current = [None]
    for (action, qid, response), now in zip(steps, py_clock, strict=True):
        current[0] = now
        if action == "check":
            state.record(qid, response, grade(cases_bank().question(qid), response))
        else:
            state.reveal(qid)
    # an ungraded answer on a question never answered leaves no record in Python; quiz.js keeps
    # the blank record it was handed (an empty one): compare the records that hold something
    js_kept = {k: v for k, v in records.items() if v["attempts"] or v["revealed"]}
    assert js_kept == {qid: r.as_json() for qid, r in state.records.items()}
    assert records["multi"]["revealed"] and records["multi"]["verdict"] == "correct"
    assert records["tf-true"]["revealed_at"] == js_times[7]  # the first reveal's time is kept
    assert records["num"]["first_attempt"] == js_times[5] and records["num"]["last_attempt"] == js_times[6]
    stored = node.call(QUIZ, "storedRecord", "grading-cases", "0123456789abcdef", questions, js_kept, T3)
    VALIDATOR.validate(stored)
    current[0] = T3
    assert stored == state.stored("grading-cases", "0123456789abcdef")
    assert node.call(QUIZ, "scoreOf", questions, js_kept) == state.score == 0  # num: 5 is wrong
    assert node.call(QUIZ, "revealedOf", questions, js_kept) == state.revealed == 2


def test_schema_rejects_what_the_format_does_not_allow():
    good = json.loads(_v2({"single": _rec(response="b", verdict="correct", first_attempt=T1, last_attempt=T1)}))
    VALIDATOR.validate(good)
    for bad in ({**good, "version": 1}, {**good, "bank_version": "xyz"},
                {**good, "questions": {"single": _rec(verdict="right")}},
                {**good, "questions": {"single": _rec(first_attempt="2026-11-25 22:00")}},
                {**good, "questions": {"single": {**_rec(), "extra": 1}}},
                {**good, "questions": {"Single": _rec()}}):
        with pytest.raises(jsonschema.ValidationError):
            VALIDATOR.validate(bad)


# ------------------------------------------------------------------------------------------ format 2 read back


@pytest.mark.parametrize("record, kept", [
    (_rec(response="b", verdict="correct", first_attempt=T1, last_attempt=T2), True),
    (_rec(response="b", verdict="correct", revealed=True, revealed_at=T3), True),
    ({"attempts": 2, "revealed": False}, True),                         # missing fields read as null
    (_rec(attempts=-1), False),
    (_rec(attempts=1.5), False),
    (_rec(revealed="yes"), False),
    (_rec(verdict="hacked"), False),
    (_rec(first_attempt="yesterday"), False),
    (_rec(last_attempt="2026-11-25T22:00:00"), False),                  # no Z: not UTC
    (_rec(revealed_at=1764108000000), False),
    (_rec(response=7), False),
    (["not", "a", "record"], False),
    (None, False),
])
def test_format_2_records_are_checked_before_use(node, questions, record, kept):
    got = node.call(QUIZ, "parseStored", _v2({"single": record}), questions)
    if kept:
        assert set(got) == {"single"} and got["single"]["objective"] == "LO1"
        assert set(got["single"]) == set(_rec())
    else:
        assert got == {}


@pytest.mark.parametrize("text", ["not json", "null", "[]", '{"version": 2}', '{"version": 2, "questions": []}',
                                  _v2({"single": _rec()}).replace('"version": 2', '"version": 3'),
                                  _v2({"constructor": _rec(), "__proto__": _rec()})])
def test_garbage_storage_gives_no_records(node, questions, text):
    assert node.call(QUIZ, "parseStored", text, questions) == {}


def test_stored_objective_is_the_banks(node, questions):
    got = node.call(QUIZ, "parseStored", _v2({"single": _rec(objective="LO9")}), questions)
    assert got["single"]["objective"] == "LO1"


# ------------------------------------------------------------------------------------------ migration from format 1

V1 = json.dumps({"version": 1, "questions": {
    "single": {"attempts": 2, "latest": "correct", "response": "b"},
    "multi": {"attempts": 1, "latest": "incorrect", "response": ["a"]},
    "num": {"attempts": 3, "latest": None, "response": None},          # after Try again in format 1
    "tf-true": {"attempts": 1, "latest": "hacked", "response": "true"},  # malformed: dropped
    "gone": {"attempts": 1, "latest": "correct", "response": "a"},      # no such question now
}})


def test_migration_keeps_what_format_1_knew(node, questions):
    got = node.call(QUIZ, "migrateV1", V1, questions)
    assert got == {
        "single": _rec(attempts=2, response="b", verdict="correct"),
        "multi": _rec(attempts=1, response=["a"], verdict="incorrect"),
        "num": _rec(attempts=3),
    }
    # and the migrated records are graded again like any others: a stored verdict is not trusted
    out = node.call(QUIZ, "restoreRecords", questions, got)
    assert out["score"] == 1 and out["results"]["multi"]["status"] == "incorrect"
    VALIDATOR.validate(node.call(QUIZ, "storedRecord", "grading-cases", "0" * 16, questions, got, T1))


@pytest.mark.parametrize("v2, v1, records, migrated", [
    (None, None, {}, False),
    (None, V1, "migrated", True),
    (_v2({}), V1, {}, False),                      # format 2 is there: format 1 is not read again
    ("garbage", V1, {}, False),                    # a broken format-2 record is not replaced by old data
    (None, "garbage", {}, True),
    (None, '{"version": 1, "questions": {"single": {"attempts": -3, "latest": "correct", "response": "b"}}}',
     {}, True),
])
def test_read_stored_prefers_format_2(node, questions, v2, v1, records, migrated):
    got = node.call(QUIZ, "readStored", v2, v1, questions)
    if records == "migrated":
        records = node.call(QUIZ, "migrateV1", V1, questions)
    assert got == {"records": records, "migrated": migrated}


def test_storage_keys(node):
    assert node.call(QUIZ, "STORAGE_PREFIX") == "recovery-science:v2:"
    assert node.call(QUIZ, "V1_PREFIX") == "recovery-science:v1:"
