"""Question banks: every real bank validates; malformed banks fail with one clear message that
names the file, the question id and the field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from recovery_science.bib import bib_keys
from recovery_science.paths import quiz_dir
from recovery_science.quiz import BankError, load_all_banks, load_bank
from recovery_science.quiz.schema import HIGHER_LEVELS

BIB = bib_keys()


def _good() -> dict:
    q = lambda qid, level, obj, **extra: {  # noqa: E731
        "id": qid, "level": level, "objective": obj, "prompt": f"Prompt {qid}",
        "explanation": "Because.", "source": "nida2021wordsmatter", **extra,
    }
    return {
        "id": "99-fixture",
        "title": "Fixture bank",
        "objectives": [{"id": "LO1", "text": "Do one thing."}, {"id": "LO2", "text": "Do another."}],
        "questions": [
            q("q-single", "recall", "LO1", type="single", options=[
                {"id": "a", "text": "A", "feedback": "fa", "correct": True},
                {"id": "b", "text": "B", "feedback": "fb"}]),
            q("q-multi", "apply", "LO1", type="multiple", options=[
                {"id": "a", "text": "A", "feedback": "fa", "correct": True},
                {"id": "b", "text": "B", "feedback": "fb"}]),
            q("q-tf", "understand", "LO2", type="truefalse", answer=True,
              feedback={"if_true": "t", "if_false": "f"}),
            q("q-num", "analyse", "LO2", type="numeric", answer=4.7, tolerance=0.1, unit="per 100,000",
              feedback={"low": "l", "correct": "c", "high": "h"}),
        ],
    }


def _write(tmp_path: Path, bank: dict, name: str = "99-fixture.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(bank, sort_keys=False))
    return path


def test_fixture_bank_is_valid(tmp_path):
    bank = load_bank(_write(tmp_path, _good()))
    assert [q.type for q in bank.questions] == ["single", "multiple", "truefalse", "numeric"]


def test_every_course_bank_is_valid():
    banks = load_all_banks()
    assert {b.id for b in banks} >= {"00-how-this-course-works", "01-biology"}
    for bank in banks:
        higher = sum(q.level in HIGHER_LEVELS for q in bank.questions)
        assert 3 * higher >= len(bank.questions)
        assert all(q.source in BIB for q in bank.questions)


def test_every_module_notebook_has_a_bank():
    notebooks = sorted((quiz_dir().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    banks = {p.stem for p in quiz_dir().glob("*.yaml")}
    for nb in notebooks:
        text = nb.read_text()
        assert any(f'show_quiz(\\"{b}\\")' in text for b in banks), f"{nb.name} shows no bank from data/quizzes"


def _mutate(fn):
    bank = _good()
    fn(bank)
    return bank


MALFORMED = [
    # (name, mutation, where, field, words in the message)
    ("missing prompt", lambda b: b["questions"][0].pop("prompt"), "question 'q-single'", "prompt", "Field required"),
    ("unknown type", lambda b: b["questions"][0].update(type="essay"), "question 'q-single'", "type", "must be one of"),
    ("no type", lambda b: b["questions"][1].pop("type"), "question 'q-multi'", "type", "missing"),
    ("two correct in single", lambda b: b["questions"][0]["options"][1].update(correct=True), "question 'q-single'", "options", "exactly one correct"),
    ("none correct in multiple", lambda b: b["questions"][1]["options"][0].update(correct=False), "question 'q-multi'", "options", "at least one correct"),
    ("option without feedback", lambda b: b["questions"][1]["options"][1].pop("feedback"), "question 'q-multi'", "options[1].feedback", "Field required"),
    ("one option only", lambda b: b["questions"][0].update(options=b["questions"][0]["options"][:1]), "question 'q-single'", "options", "at least 2"),
    ("duplicate option ids", lambda b: b["questions"][1]["options"][1].update(id="a"), "question 'q-multi'", "options", "used twice"),
    ("duplicate question ids", lambda b: b["questions"][2].update(id="q-single"), "question 'q-single'", "id", "used twice"),
    ("bad question id", lambda b: b["questions"][2].update(id="Q Two"), "question 'Q Two'", "id", "pattern"),
    ("unknown source key", lambda b: b["questions"][3].update(source="nosuchkey2099"), "question 'q-num'", "source", "not a key in references.bib"),
    ("unknown objective", lambda b: b["questions"][3].update(objective="LO9"), "question 'q-num'", "objective", "not one of"),
    ("bad level", lambda b: b["questions"][2].update(level="evaluate"), "question 'q-tf'", "level", "recall"),
    ("truefalse answer as text", lambda b: b["questions"][2].update(answer="yes"), "question 'q-tf'", "answer", "boolean"),
    ("truefalse feedback missing a side", lambda b: b["questions"][2]["feedback"].pop("if_false"), "question 'q-tf'", "feedback.if_false", "Field required"),
    ("negative tolerance", lambda b: b["questions"][3].update(tolerance=-1), "question 'q-num'", "tolerance", "greater than or equal to 0"),
    ("numeric answer not a number", lambda b: b["questions"][3].update(answer="four"), "question 'q-num'", "answer", "number"),
    ("numeric feedback missing high", lambda b: b["questions"][3]["feedback"].pop("high"), "question 'q-num'", "feedback.high", "Field required"),
    ("unexpected field", lambda b: b["questions"][0].update(hint="x"), "question 'q-single'", "hint", "Extra inputs"),
    ("blank explanation", lambda b: b["questions"][0].update(explanation="   "), "question 'q-single'", "explanation", "at least 1 character"),
    ("objective checked once", lambda b: b["questions"][1].update(objective="LO2"), "objective 'LO1'", "objectives", "at least 2"),
    ("too few higher-level questions", lambda b: [q.update(level="recall") for q in b["questions"][1:]], "bank", "questions[].level", "at least a third"),
    ("no questions", lambda b: b.update(questions=[]), "bank", "questions", "at least 1"),
    ("id differs from file name", lambda b: b.update(id="98-other"), "bank", "id", "must equal the file name"),
]


@pytest.mark.parametrize("name, mutate, where, field, words", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_bank_names_file_question_and_field(tmp_path, name, mutate, where, field, words):
    path = _write(tmp_path, _mutate(mutate))
    with pytest.raises(BankError) as info:
        load_bank(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {where}: field '{field}': "), message
    assert words in message, message
    assert "\n" not in message


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "99-fixture.yaml"
    path.write_text("id: 99-fixture\ntitle: [unclosed\nobjectives: []\n")
    with pytest.raises(BankError, match=r"99-fixture\.yaml: bank: field '\(yaml\)': line \d+: YAML syntax error"):
        load_bank(path)


def test_duplicate_yaml_key_is_rejected(tmp_path):
    path = tmp_path / "99-fixture.yaml"
    text = yaml.safe_dump(_good(), sort_keys=False).replace("title: Fixture bank", "title: Fixture bank\ntitle: Again", 1)
    path.write_text(text)
    with pytest.raises(BankError, match="key 'title' appears twice"):
        load_bank(path)


def test_not_a_mapping(tmp_path):
    path = tmp_path / "99-fixture.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(BankError, match="must hold a mapping"):
        load_bank(path)


def test_missing_bank_file():
    with pytest.raises(FileNotFoundError, match="no question bank"):
        load_bank("no-such-bank")


def test_real_bank_mutated_still_fails(tmp_path):
    """The checks apply to the shipped banks too, not only to the fixture."""
    raw = yaml.safe_load((quiz_dir() / "01-biology.yaml").read_text())
    broken = copy.deepcopy(raw)
    qid = broken["questions"][0]["id"]
    broken["questions"][0]["source"] = "not-a-real-key"
    path = tmp_path / "01-biology.yaml"
    path.write_text(yaml.safe_dump(broken, sort_keys=False))
    with pytest.raises(BankError, match=f"question '{qid}': field 'source'"):
        load_bank(path)
