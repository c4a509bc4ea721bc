"""GIFT export, read back by an independent parser: gift-pegjs (npm, MIT, by C. Fuhrman, the parser
behind the VS Code GIFT extension), installed by `npm ci` from package-lock.json. Every bank and
every question type, plus a bank of awkward characters (tests/fixtures/banks)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from courseutil import run_npm_tool

from recovery_science.bib import bib_keys
from recovery_science.instructor.banks import bounds, for_export, reference, select_banks
from recovery_science.instructor.gift import banks_to_gift, escape
from recovery_science.quiz.schema import load_bank_file

ROOT = Path(__file__).resolve().parents[1]
PARSER = ROOT / "node_modules" / "gift-pegjs"
EDGE = ROOT / "tests" / "fixtures" / "banks" / "export-edge-cases.yaml"
SCRIPT = (
    "const {parse} = require(process.argv[1]); let s = '';"
    "process.stdin.on('data', d => s += d).on('end', () => {"
    " try { process.stdout.write(JSON.stringify(parse(s))); }"
    " catch (e) { process.stdout.write(JSON.stringify({error: e.message, location: e.location})); } });"
)


def parse_gift(text: str) -> list[dict]:
    out = json.loads(run_npm_tool("gift-pegjs", SCRIPT, text, "gift-pegjs"))
    assert not (isinstance(out, dict) and "error" in out), out
    return out


def _all_banks():
    return select_banks([]) + [for_export(load_bank_file(EDGE, bib_keys()))]


@pytest.fixture(scope="module")
def parsed():
    banks = _all_banks()
    return banks, parse_gift(banks_to_gift(banks))


def _plain(field: dict) -> str:
    assert field["format"] == "plain"
    return field["text"]


def test_every_bank_parses_into_one_category_and_its_questions(parsed):
    banks, items = parsed
    categories = [i["title"] for i in items if i["type"] == "Category"]
    assert categories == [f"Recovery Science/{b.id}" for b in banks]
    questions = [i for i in items if i["type"] != "Category"]
    assert [q["title"] for q in questions] == [q.id for b in banks for q in b.questions]


def test_every_question_keeps_its_text_answers_feedback_and_source(parsed):
    banks, items = parsed
    read = iter(i for i in items if i["type"] != "Category")
    seen_types = set()
    for bank in banks:
        for q in bank.questions:
            g = next(read)
            seen_types.add(q.type)
            assert _plain(g["stem"]).startswith(q.prompt)
            general = _plain(g["globalFeedback"])
            assert general.startswith(q.explanation)
            assert general.endswith(f"Source: {reference(q.source)}")
            if q.type in ("single", "multiple"):
                assert g["type"] == "MC"
                assert [_plain(c["text"]) for c in g["choices"]] == [o.text for o in q.options]
                assert [_plain(c["feedback"]) for c in g["choices"]] == [o.feedback for o in q.options]
                if q.type == "single":
                    assert [c["isCorrect"] for c in g["choices"]] == [o.correct for o in q.options]
                else:
                    weights = [c["weight"] for c in g["choices"]]
                    assert [w > 0 for w in weights] == [o.correct for o in q.options]
                    assert sum(w for w in weights if w > 0) == pytest.approx(100, abs=1e-3)
                    assert sum(w for w in weights if w < 0) == pytest.approx(-100, abs=1e-3)
            elif q.type == "truefalse":
                assert g["type"] == "TF" and g["isTrue"] is q.answer
                # {TRUE#feedback for a wrong answer#feedback for the right answer}: Moodle's GIFT import
                # (question/format/gift/format.php) reads them in that order; gift-pegjs names the two
                # positions trueFeedback and falseFeedback whatever the answer.
                right, wrong = (q.feedback.if_true, q.feedback.if_false) if q.answer else (
                    q.feedback.if_false, q.feedback.if_true)
                assert (_plain(g["trueFeedback"]), _plain(g["falseFeedback"])) == (wrong, right)
            else:
                assert g["type"] == "Numerical"
                [choice] = g["choices"]
                assert choice["text"] == {"type": "range", "number": q.answer, "range": q.tolerance}
                assert _plain(choice["feedback"]) == q.feedback.correct
                low, high = bounds(q.answer, q.tolerance)
                assert f"If your answer was below {low}: {q.feedback.low}" in general
                assert f"If your answer was above {high}: {q.feedback.high}" in general
                if q.unit:
                    assert _plain(g["stem"]).endswith(f"(Unit: {q.unit}.)")
    assert seen_types == {"single", "multiple", "truefalse", "numeric"}
    assert next(read, None) is None


def test_the_edge_bank_round_trips_every_special_character(parsed):
    _, items = parsed
    q = next(i for i in items if i.get("title") == "special-single")
    assert _plain(q["stem"]) == (
        "Which of these is {braced} = right? a:b ~tilde #hash \\back <tag> & 'q' \"dq\" *star* _u_ [l](x) | `c`")
    assert _plain(q["choices"][1]["feedback"]) == "No ~ = # { } : \\ <script>alert(1)</script>"


@pytest.mark.parametrize("text", ["a ~ b", "x = 1", "#1", "{T}", "a: b", "back\\slash", "}{", "\\{", "a\\:b"])
def test_escaped_text_reads_back_exactly(text):
    good = parse_gift(f"::t::[plain]Q {escape(text)} {{=A#{escape(text)}\n~B}}\n")
    assert _plain(good[0]["stem"]) == f"Q {text}" and _plain(good[0]["choices"][0]["feedback"]) == text


@pytest.mark.parametrize("text", ["a ~ b", "x = 1", "#1", "{T}", "a: b", "}{"])
def test_unescaped_text_is_read_as_markup(text):
    """Each special character does need escaping: without it the parser fails or reads markup."""
    parse_gift("::t::[plain]Q {=A\n~B}\n")  # skips without node
    node = shutil.which("node")
    proc = subprocess.run([node, "-e", SCRIPT, str(PARSER)], input=f"::t::[plain]Q {{=A#{text}\n~B}}\n",
                          capture_output=True, text=True, timeout=60)
    raw = json.loads(proc.stdout)
    assert isinstance(raw, dict) or raw[0]["choices"][0].get("feedback", {}).get("text") != text


def test_line_breaks_stay_inside_one_field():
    assert escape("a\nb\r\nc") == "a\\nb\\nc"
