"""The "My progress" page's pure logic (book/_static/progress.js) in Node, case by case: module and
course summaries with the mastery rule, the export (stored format 2 inside a versioned file), its
CSV, and the checks an imported file must pass (a damaged or foreign file is refused whole).
The browser tests (tests/test_progress_browser.py) drive the same page end to end."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

PROGRESS = "progress.js"
ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "recovery_science" / "quiz" / "stored.schema.json").read_text(encoding="utf-8"))
T1, T2, T3 = "2026-11-25T22:00:01.000Z", "2026-11-25T22:00:02.500Z", "2026-11-25T22:05:00.000Z"
NOW = "2026-11-26T08:00:00.000Z"


def _single(qid, objective, key="a"):
    return {"id": qid, "type": "single", "objective": objective,
            "options": [{"id": o, "text": o, "correct": o == key, "feedback": "f"} for o in ("a", "b", "c")]}


MOD_A = {
    "bank": "mod-a", "title": "Module A", "url": "a.html", "quiz_url": "a.html#rsq-mod-a", "version": "a" * 16,
    "objectives": [{"id": "LO1", "text": "One", "url": "a.html#one"}, {"id": "LO2", "text": "Two", "url": "a.html#two"},
                   {"id": "LO3", "text": "Three, no question", "url": "a.html#three"}],
    "questions": [_single("q1", "LO1"), _single("q2", "LO1"), _single("q3", "LO2"),
                  {"id": "q4", "type": "numeric", "objective": "LO2", "answer": 4.5, "tolerance": 0.1,
                   "feedback": {"low": "l", "high": "h", "correct": "c"}}],
}
MOD_B = {
    "bank": "mod-b", "title": "Module B", "url": "b.html", "quiz_url": "b.html#rsq-mod-b", "version": "b" * 16,
    "objectives": [{"id": "LO1", "text": "Uno", "url": "b.html#uno"}],
    "questions": [_single("p1", "LO1", key="b"),
                  {"id": "p2", "type": "multiple", "objective": "LO1",
                   "options": [{"id": o, "text": o, "correct": o in ("a", "c"), "feedback": "f"} for o in "abc"]}],
}
COURSE = {"modules": [MOD_A, MOD_B]}


def rec(response, verdict="correct", attempts=1, revealed=False, objective="LO1", **times):
    return {"objective": objective, "attempts": attempts, "response": response, "verdict": verdict,
            "revealed": revealed, "first_attempt": times.get("first", T1), "last_attempt": times.get("last", T2),
            "revealed_at": times.get("revealed_at", T3 if revealed else None)}


def v2(bank, questions, version=None, saved=T2):
    return json.dumps({"version": 2, "bank": bank, "bank_version": version or bank[-1] * 16, "saved": saved,
                       "questions": questions})


def stored(a=None, b=None, a_v1=None):
    return {"mod-a": {"v2": a, "v1": a_v1}, "mod-b": {"v2": b, "v1": None}}




# ------------------------------------------------------------------------------------------ summaries

# (name, stored, expected module A {score, answered, revealed, mastered LO ids}, course score)
SUMMARY_CASES = [
    ("nothing stored", stored(), (0, 0, 0, []), 0),
    ("all of LO1 right: mastered", stored(v2("mod-a", {"q1": rec("a"), "q2": rec("a")})), (2, 2, 0, ["LO1"]), 2),
    ("one of LO1 wrong: not mastered",
     stored(v2("mod-a", {"q1": rec("a"), "q2": rec("b", "incorrect")})), (1, 2, 0, []), 1),
    ("right but revealed: neither scored nor mastered",
     stored(v2("mod-a", {"q1": rec("a"), "q2": rec("a", revealed=True)})), (1, 2, 1, []), 1),
    ("a stored verdict is never trusted: re-graded",
     stored(v2("mod-a", {"q1": rec("b", "correct"), "q2": rec("c", "correct")})), (0, 2, 0, []), 0),
    ("numeric within tolerance, typed with a comma; LO2 mastered",
     stored(v2("mod-a", {"q3": rec("a", objective="LO2"), "q4": rec("4,55", objective="LO2")})),
     (2, 2, 0, ["LO2"]), 2),
    ("a malformed record is dropped",
     stored(v2("mod-a", {"q1": rec("a"), "q2": {"attempts": -1}})), (1, 1, 0, []), 1),
    ("garbage in storage counts as nothing", stored("{not json", "[]"), (0, 0, 0, []), 0),
    ("format 1 is read as quiz.js migrates it",
     stored(a_v1=json.dumps({"version": 1, "questions": {
         "q1": {"attempts": 2, "latest": "correct", "response": "a"},
         "q2": {"attempts": 1, "latest": "correct", "response": "a"}}})),
     (2, 2, 0, ["LO1"]), 2),
    ("two modules add up",
     stored(v2("mod-a", {"q1": rec("a")}), v2("mod-b", {"p1": rec("b"), "p2": rec(["c", "a"])})),
     (1, 1, 0, []), 3),
]


@pytest.mark.parametrize("case", SUMMARY_CASES, ids=[c[0] for c in SUMMARY_CASES])
def test_summaries(node, case):
    _, store, (score, answered, revealed, mastered), course_score = case
    s = node.call(PROGRESS, "summarize", COURSE, store)
    a = s["modules"][0]
    assert (a["score"], a["answered"], a["revealed"]) == (score, answered, revealed)
    assert [o["id"] for o in a["objectives"] if o["mastered"]] == mastered
    assert s["score"] == course_score
    assert s["total"] == 6 and s["objectives"] == 4
    assert s["mastered"] == sum(m["mastered"] for m in s["modules"])
    # an objective no question checks is never mastered; every objective keeps its link
    lo3 = a["objectives"][2]
    assert lo3 == {"id": "LO3", "text": "Three, no question", "url": "a.html#three", "total": 0, "correct": 0,
                   "mastered": False}


def test_module_b_multiple_select_needs_exactly_the_keyed_set(node):
    s = node.call(PROGRESS, "summarize", COURSE, stored(b=v2("mod-b", {"p1": rec("b"), "p2": rec(["a"])})))
    b = s["modules"][1]
    assert (b["score"], b["mastered"]) == (1, 0)
    s = node.call(PROGRESS, "summarize", COURSE, stored(b=v2("mod-b", {"p1": rec("b"), "p2": rec(["a", "c"])})))
    assert (s["modules"][1]["score"], s["modules"][1]["mastered"]) == (2, 1)


# ------------------------------------------------------------------------------------------ export


def test_export_is_format_2_per_bank_in_a_versioned_file(node):
    a = v2("mod-a", {"q1": rec("a"), "q2": rec("b", "incorrect", attempts=3), "bad": rec("a")},
           version="0123456789abcdef")
    data = node.call(PROGRESS, "exportData", COURSE, stored(a), "  Ana B. 12345\n", NOW)
    assert data["format"] == "recovery-science-progress" and data["version"] == 1
    assert data["exported"] == NOW and data["student"] == "Ana B. 12345"
    assert list(data["banks"]) == ["mod-a"]  # module B has nothing stored: left out
    bank = data["banks"]["mod-a"]
    jsonschema.validate(bank, SCHEMA)
    assert bank["bank_version"] == "0123456789abcdef"  # the version the student answered, not the page's
    assert bank["saved"] == T2
    assert bank["questions"] == {"q1": rec("a"), "q2": rec("b", "incorrect", attempts=3)}  # unknown id dropped


def test_export_without_a_name_and_from_format_1(node):
    v1 = json.dumps({"version": 1, "questions": {"q1": {"attempts": 1, "latest": "correct", "response": "a"}}})
    data = node.call(PROGRESS, "exportData", COURSE, stored(a_v1=v1), "   ", NOW)
    assert data["student"] is None
    bank = data["banks"]["mod-a"]
    jsonschema.validate(bank, SCHEMA)
    assert bank["bank_version"] == "a" * 16 and bank["saved"] == NOW
    assert bank["questions"]["q1"]["verdict"] == "correct" and bank["questions"]["q1"]["first_attempt"] is None


def test_csv_has_one_row_per_question_and_quotes_what_it_must(node):
    store = stored(v2("mod-a", {"q4": rec('4,5 "about"', objective="LO2"), "q1": rec("a")}),
                   v2("mod-b", {"p2": rec(["a", "c"], revealed=True)}))
    data = node.call(PROGRESS, "exportData", COURSE, store, 'Lee, "Sam"', NOW)
    text = node.call(PROGRESS, "toCSV", data)
    assert text.endswith("\r\n") and "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == node.call(PROGRESS, "CSV_COLUMNS")
    assert [(r["bank"], r["question"]) for r in rows] == [("mod-a", "q1"), ("mod-a", "q4"), ("mod-b", "p2")]
    assert rows[0]["student"] == 'Lee, "Sam"' and rows[0]["bank_version"] == "a" * 16
    assert rows[1]["response"] == '4,5 "about"' and rows[1]["objective"] == "LO2"
    assert rows[2]["response"] == "a;c" and rows[2]["revealed"] == "true" and rows[2]["revealed_at"] == T3
    assert rows[0]["revealed_at"] == "" and rows[0]["attempts"] == "1" and rows[0]["verdict"] == "correct"


# ------------------------------------------------------------------------------------------ import


def _export(**banks):
    return {"format": "recovery-science-progress", "version": 1, "exported": NOW, "student": None,
            "banks": {k: json.loads(v) for k, v in banks.items()}}


GOOD = _export(**{"mod-a": v2("mod-a", {"q1": rec("a")}), "mod-b": v2("mod-b", {"p1": rec("c", "incorrect")})})


def _bad(path, value):
    data = json.loads(json.dumps(GOOD))
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(data)


IMPORT_REFUSED = [
    ("not JSON", "{oops", "not valid JSON"),
    ("empty file", "", "not valid JSON"),
    ("JSON but not ours", json.dumps({"hello": 1}), "not a Recovery Science progress export"),
    ("a bare stored record", v2("mod-a", {}), "not a Recovery Science progress export"),
    ("a later format version", _bad(["version"], 2), "format version 2"),
    ("no banks", _bad(["banks"], KeyError), "no quiz answers"),
    ("banks empty", _bad(["banks"], {}), "no quiz answers"),
    ("stored format 1 inside", _bad(["banks", "mod-a", "version"], 1), "stored format 2"),
    ("bank id differs inside", _bad(["banks", "mod-a", "bank"], "mod-b"), "names another quiz"),
    ("bad bank version", _bad(["banks", "mod-a", "bank_version"], "xyz"), "bank version"),
    ("bad save time", _bad(["banks", "mod-a", "saved"], "yesterday"), "save time"),
    ("unknown field", _bad(["banks", "mod-a", "extra"], 1), "unknown field"),
    ("negative attempts", _bad(["banks", "mod-a", "questions", "q1", "attempts"], -1), "attempts"),
    ("attempts as text", _bad(["banks", "mod-a", "questions", "q1", "attempts"], "1"), "attempts"),
    ("verdict not allowed", _bad(["banks", "mod-a", "questions", "q1", "verdict"], "right"), "verdict"),
    ("response a number", _bad(["banks", "mod-a", "questions", "q1", "response"], 3), "response"),
    ("revealed as text", _bad(["banks", "mod-a", "questions", "q1", "revealed"], "no"), "revealed"),
    ("a time that is no time", _bad(["banks", "mod-a", "questions", "q1", "last_attempt"], "2026-13-45T99:00:00Z"),
     "time"),
    ("a field missing", _bad(["banks", "mod-a", "questions", "q1", "revealed_at"], KeyError), "revealed_at"),
    ("a bad question id", _bad(["banks", "mod-a", "questions", "Q 1"], rec("a")), "question id"),
    ("only foreign quizzes", json.dumps(_export(**{"other": v2("other", {}, version="c" * 16)})),
     "only for quizzes this book"),
    ("the whole file, even when one bank is good", _bad(["banks", "mod-b", "questions", "p1", "attempts"], 1.5),
     "mod-b"),
]


@pytest.mark.parametrize("case", IMPORT_REFUSED, ids=[c[0] for c in IMPORT_REFUSED])
def test_a_damaged_or_foreign_file_is_refused_whole(node, case):
    _, text, words = case
    res = node.call(PROGRESS, "parseImport", text, COURSE)
    assert res["ok"] is False and res["banks"] == {}
    assert words in res["message"] and res["message"].endswith("Nothing was changed.")


def test_a_good_file_imports_each_bank_as_stored(node):
    res = node.call(PROGRESS, "parseImport", json.dumps(GOOD), COURSE)
    assert res["ok"] and res["banks"] == GOOD["banks"] and res["skipped"] == []
    assert res["message"] == "Imported your answers for 2 quizzes."
    for bank in res["banks"].values():
        jsonschema.validate(bank, SCHEMA)


def test_foreign_quizzes_are_skipped_and_named(node):
    data = json.loads(json.dumps(GOOD))
    data["banks"]["later-module"] = json.loads(v2("later-module", {}))
    res = node.call(PROGRESS, "parseImport", "\ufeff" + json.dumps(data), COURSE)
    assert res["ok"] and sorted(res["banks"]) == ["mod-a", "mod-b"] and res["skipped"] == ["later-module"]
    assert "later-module" in res["message"]


def test_an_export_imports_again_unchanged(node):
    store = stored(v2("mod-a", {"q1": rec("a"), "q4": rec("9", "incorrect", objective="LO2")}),
                   v2("mod-b", {"p2": rec(["a"], "incorrect", revealed=True)}))
    data = node.call(PROGRESS, "exportData", COURSE, store, "S-1", NOW)
    res = node.call(PROGRESS, "parseImport", json.dumps(data), COURSE)
    assert res["ok"] and res["banks"] == data["banks"]
    again = {b: {"v2": json.dumps(r), "v1": None} for b, r in res["banks"].items()}
    assert node.call(PROGRESS, "summarize", COURSE, again) == node.call(PROGRESS, "summarize", COURSE, store)
