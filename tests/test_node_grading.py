"""book/_static/quiz.js in Node, with no browser, against the Python grader.

One long-lived Node process (tests/js/rpc.js) answers JSON lines. The shared cases
(tests/grading_cases.json) run through both graders case by case; hypothesis compares them on
generated responses; every character of the Basic Multilingual Plane goes through both number
parsers; and quiz.js's restore (a pure function) is checked on records whose stored status lies.
Outside CI the file skips when node is missing; with CI=true it fails instead.
"""

from __future__ import annotations

import pytest
from browserutil import decode_json
from courseutil import CASES, cases_bank
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recovery_science.quiz import feedback
from recovery_science.quiz import static as quiz_static
from recovery_science.quiz.grading import EPSILON, grade, parse_number
from recovery_science.quiz.static import client_question
from recovery_science.quiz.types import TYPES

QUIZ = "quiz.js"


QIDS = [q["id"] for q in CASES["bank"]["questions"]]




@pytest.fixture(scope="module")
def client():
    """What the page gives quiz.js for each question (the source is not graded)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(quiz_static, "format_reference", lambda key: "reference")
        return {q.id: client_question(q) for q in cases_bank().questions}


def _py(qid, response) -> dict:
    r = grade(cases_bank().question(qid), response)
    return {"status": r.status, "feedback": list(r.feedback), "message": r.message, "outcome": r.outcome,
            "missing": r.missing}


def _same(a: dict, b: dict) -> bool:
    return all(a[k] == b[k] for k in ("status", "feedback", "message", "outcome", "missing"))


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_case_in_node_and_python(node, client, case):
    response = decode_json(case["response"])
    js = node.call(QUIZ, "grade", client[case["question"]], response)
    py = _py(case["question"], response)
    assert js["status"] == case["status"], js
    assert js["feedback"] == case["feedback"]
    assert js.get("outcome", "") == case.get("outcome", "")
    assert js["missing"] == case.get("missing", 0)
    assert _same(js, py), (js, py)
    if case["status"] == "invalid":
        assert js["message"], "an answer that is not graded needs a message saying why"


def test_both_type_tables_list_the_same_types(node):
    assert node.call(QUIZ, "TYPES") == {name: {"input": t.input, "per_option": t.per_option}
                                        for name, t in TYPES.items()}
    assert node.call(QUIZ, "EPSILON") == EPSILON


def test_every_bmp_character_parses_alike(node):
    """NFKC tables differ between Python (Unicode 14) and Node/browsers (newer): inside the Basic
    Multilingual Plane both parsers must agree on every character, alone, inside a number and
    where trimming happens."""
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    texts = chars + ["4" + ch + "7" for ch in chars] + [ch + "4" for ch in chars]  # alone, inside, at the edge
    js = node.batch(QUIZ, "parseNumber", [[t] for t in texts])
    py = [parse_number(t) for t in texts]
    differ = [(t, a, b)
              for t, a, b in zip(texts, js, py, strict=True) if a != b]
    assert not differ, differ[:20]
    accepted = {t for t, v in zip(chars, py[: len(chars)], strict=True) if v is not None}
    assert "\uff14" in accepted and "\u0664" not in accepted  # full-width 4 yes, Arabic-Indic 4 no


# ------------------------------------------------------------------------------------------
# hypothesis: the two graders agree on anything a front or a caller could hand them

_ODD = ["\u00a0", "\u3000", "\u2007", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\ufeff", "\u2028",
        "\uff10", "\uff14", "\uff17", "\uff0c", "\uff0e", "\uff0b", "\uff0d", "\u2212", "\u0664", "\u0667",
        "\u066b", "\u0967", "\u00b2", "\u2074", "\u2084", "\u00bd", "\u2488", "\u2460", "\U0001d7d2",
        "\U0001ccf4", "\ufe52", "\ufe63", "e", "E", "x", "_", "'", "%"]
number_text = st.text(alphabet=st.sampled_from(list("0123456789+-.,  ") + _ODD), max_size=12)
special_text = st.sampled_from(["inf", "-inf", "Infinity", "-Infinity", "nan", "NaN", "1e3", "0x10", "1_000",
                                "9" * 400, "true", "false", "True", " true", "a", "b", "c", "x", "constructor",
                                "__proto__", ""])
option_id = st.sampled_from(["a", "b", "c", "d", "x", "constructor", "__proto__", "true", "A", ""])
scalar = (number_text | special_text | st.text(max_size=8) | option_id | st.floats() | st.integers()
          | st.integers(min_value=-(10**400), max_value=10**400) | st.booleans() | st.none())
dict_key = st.text(max_size=4).filter(lambda k: k != "$float")  # "$float" is the RPC's tag for inf/nan


def _containers(children):
    return st.lists(children, max_size=4) | st.dictionaries(dict_key, children, max_size=3)


response = st.recursive(scalar, _containers, max_leaves=6) | st.lists(option_id, max_size=5)


@settings(max_examples=600, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(qid=st.sampled_from(QIDS), value=response)
def test_graders_agree_on_generated_responses(node, client, qid, value):
    js = node.call(QUIZ, "grade", client[qid], value)
    py = _py(qid, value)
    assert _same(js, py), (qid, value, js, py)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=scalar)
def test_number_parsers_agree(node, value):
    js, py = node.call(QUIZ, "parseNumber", value), parse_number(value)
    # JSON writes an integral float such as 3.96150950739249e16 as an integer: compare as floats.
    assert (js is None and py is None) or (py is not None and js is not None and float(js) == py), (value, js, py)


# ------------------------------------------------------------------------------------------
# what a question shows: feedback.view (Python) and view (quiz.js) on the same inputs


@pytest.mark.parametrize("case", CASES["trim_cases"], ids=[c["text"] for c in CASES["trim_cases"]])
def test_trim_verdict_in_node(node, case):
    assert node.call(QUIZ, "trimVerdict", case["heading"], case["text"]) == case["shown"]


def test_wording_twins_agree(node):
    ns = list(range(0, 5))
    assert node.batch(QUIZ, "missingText", [[n] for n in ns]) == [feedback.missing_text(n) for n in ns]
    assert node.batch(QUIZ, "attemptsText", [[n] for n in ns]) == [feedback.attempts_text(n) for n in ns]
    args = [[s, t, r] for s in (0, 1) for t in (6, 12) for r in (0, 1, 2)]
    assert node.batch(QUIZ, "scoreText", args) == [feedback.score_text(*a) for a in args]
    assert node.call(QUIZ, "HEADINGS") == feedback.HEADINGS
    assert node.call(QUIZ, "NOT_SCORED") == feedback.NOT_SCORED


def _records(q: dict, response, status) -> list:
    """Every kind of record a question can have when a result is on screen (or none is)."""
    verdict = status if status in ("correct", "incorrect") else None
    base = {"objective": "LO1", "attempts": 1, "response": response if verdict else None, "verdict": verdict,
            "revealed": False, "first_attempt": None, "last_attempt": None, "revealed_at": None}
    return [None, base, {**base, "attempts": 3}, {**base, "revealed": True},
            {**base, "attempts": 0, "response": None, "verdict": None, "revealed": True}]


def _view_inputs(client) -> list:
    inputs = []
    for case in CASES["cases"]:
        q = client[case["question"]]
        response = decode_json(case["response"])
        res = _py(case["question"], response)
        for rec in _records(q, response, res["status"]):
            inputs.append([q, rec, res])
            inputs.append([q, rec, None])
    return inputs


def test_view_twins_agree_on_every_case_and_record(node, client):
    inputs = _view_inputs(client)
    js = node.batch(QUIZ, "view", inputs)
    py = [feedback.view(*args) for args in inputs]
    differ = [(args, a, b) for args, a, b in zip(inputs, js, py, strict=True) if a != b]
    assert not differ, differ[:3]
    assert len(inputs) > 500


def test_view_rules(client):
    """The rules, read off the Python twin (the Node test above holds quiz.js to the same)."""
    single, multi = client["single"], client["multi"]
    wrong = _py("single", "a")
    rec = {"objective": "LO1", "attempts": 1, "response": "a", "verdict": "incorrect", "revealed": False,
           "first_attempt": None, "last_attempt": None, "revealed_at": None}
    before = feedback.view(single, None, None)
    assert before["status"] == "" and not before["retry"] and not before["show_answer"] and not before["explain"]
    after_wrong = feedback.view(single, rec, wrong)
    assert after_wrong["heading"] == "Not quite." and after_wrong["retry"] and after_wrong["show_answer"]
    assert not after_wrong["explain"] and not after_wrong["answer"]
    cleared = feedback.view(single, rec, None)  # after Try again
    assert cleared["status"] == "" and cleared["show_answer"] and not cleared["retry"]
    shown = feedback.view(single, {**rec, "revealed": True}, None)
    assert shown["heading"] == "Answer shown." and shown["explain"] and shown["answer"] == single["reveal"]
    assert shown["note"] == feedback.NOT_SCORED and not shown["show_answer"]
    right = feedback.view(single, {**rec, "attempts": 2, "response": "b", "verdict": "correct"}, _py("single", "b"))
    assert right["explain"] and not right["retry"] and not right["show_answer"] and not right["note"]
    some = _py("multi", ["a", "d"])
    v = feedback.view(multi, {**rec, "response": ["a", "d"]}, some)
    assert [i["label"] for i in v["items"]] == ["A", "D"] and v["missing"] == "1 correct option is still missing."
    assert not v["explain"]


# ------------------------------------------------------------------------------------------
# restore: a stored verdict is never trusted over the answer it describes


def _questions(client):
    return [client[q] for q in QIDS]


def _rec(**kw):
    return {"objective": "LO1", "attempts": 1, "response": None, "verdict": None, "revealed": False,
            "first_attempt": None, "last_attempt": None, "revealed_at": None, **kw}


def test_restore_regrades_a_record_that_claims_correct(node, client):
    saved = {"single": _rec(verdict="correct", response="a"),                 # "a" is wrong
             "num": _rec(attempts=2, verdict="incorrect", response="4,7"),    # "4,7" is right
             "multi": _rec(verdict="correct", response=["x"]),                # not an answer any more
             "tf-true": _rec(attempts=3)}                                     # no answer kept
    out = node.call(QUIZ, "restoreRecords", _questions(client), saved)
    assert out["records"]["single"] == _rec(verdict="incorrect", response="a")
    assert out["results"]["single"]["status"] == "incorrect"
    assert out["records"]["num"]["verdict"] == "correct"
    assert out["records"]["multi"]["verdict"] is None and out["results"]["multi"]["status"] == "invalid"
    assert out["records"]["tf-true"] == _rec(attempts=3)
    assert out["results"]["tf-true"] is None
    assert out["score"] == 1


def test_restore_never_scores_a_revealed_question(node, client):
    saved = {"num": _rec(response="4,7", verdict="correct", revealed=True, revealed_at="2026-11-25T22:00:00.000Z")}
    out = node.call(QUIZ, "restoreRecords", _questions(client), saved)
    assert out["records"]["num"]["verdict"] == "correct" and out["score"] == 0
    assert node.call(QUIZ, "revealedOf", _questions(client), out["records"]) == 1
