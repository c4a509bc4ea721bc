"""Question banks: every real bank validates; malformed banks fail with one clear line per problem
that names the file, the line, the question id and the field. Banks load inside tests (never at
import), so one broken bank fails its own tests instead of stopping collection."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from recovery_science.bib import bib_keys
from recovery_science.paths import bank_schema_path, quiz_dir
from recovery_science.quiz import BankError, load_all_banks, load_bank
from recovery_science.quiz.schema import HIGHER_LEVELS, bank_json_schema, parse_yaml

BANK_FILES = sorted(p.name for p in quiz_dir().glob("*.yaml"))  # names only: nothing is parsed here


def _good() -> dict:
    q = lambda qid, level, obj, **extra: {  # noqa: E731
        "id": qid,
        "level": level,
        "objective": obj,
        "prompt": f"Prompt {qid}",
        "explanation": "Because.",
        "source": "nida2021wordsmatter",
        **extra,
    }
    return {
        "id": "99-fixture",
        "title": "Fixture bank",
        "objectives": [{"id": "LO1", "text": "Do one thing."}, {"id": "LO2", "text": "Do another."}],
        "questions": [
            q(
                "q-single",
                "recall",
                "LO1",
                type="single",
                options=[
                    {"id": "a", "text": "A", "feedback": "fa", "correct": True},
                    {"id": "b", "text": "B", "feedback": "fb"},
                ],
            ),
            q(
                "q-multi",
                "apply",
                "LO1",
                type="multiple",
                options=[
                    {"id": "a", "text": "A", "feedback": "fa", "correct": True},
                    {"id": "b", "text": "B", "feedback": "fb"},
                ],
            ),
            q("q-tf", "understand", "LO2", type="truefalse", answer=True, feedback={"if_true": "t", "if_false": "f"}),
            q(
                "q-num",
                "analyse",
                "LO2",
                type="numeric",
                answer=4.7,
                tolerance=0.1,
                unit="per 100,000",
                feedback={"low": "l", "correct": "c", "high": "h"},
            ),
        ],
    }


def _write(tmp_path: Path, bank: dict, name: str = "99-fixture.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(bank, sort_keys=False))
    return path


def _errors(path: Path) -> list[str]:
    with pytest.raises(BankError) as info:
        load_bank(path)
    lines = str(info.value).split("\n")
    assert lines == [str(p) for p in info.value.problems]
    return lines


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_fixture_bank_is_valid(tmp_path):
    bank = load_bank(_write(tmp_path, _good()))
    assert [q.type for q in bank.questions] == ["single", "multiple", "truefalse", "numeric"]


@pytest.mark.parametrize("name", BANK_FILES)
def test_course_bank_is_valid(name):
    bank = load_bank(quiz_dir() / name)
    assert bank.id == Path(name).stem
    higher = sum(q.level in HIGHER_LEVELS for q in bank.questions)
    assert 3 * higher >= len(bank.questions)
    assert all(q.source in bib_keys() for q in bank.questions)


def test_there_are_course_banks():
    assert {"00-how-this-course-works.yaml", "01-biology.yaml"} <= set(BANK_FILES)
    assert {b.id for b in load_all_banks()} == {Path(n).stem for n in BANK_FILES}


def test_every_module_notebook_has_a_bank():
    notebooks = sorted((quiz_dir().parents[1] / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    banks = {Path(n).stem for n in BANK_FILES}
    for nb in notebooks:
        text = nb.read_text()
        assert any(f'show_quiz(\\"{b}\\")' in text for b in banks), f"{nb.name} shows no bank from data/quizzes"


def _mutate(fn):
    bank = _good()
    fn(bank)
    return bank


MALFORMED = [
    # (name, mutation, where, field, words in the message)
    (
        "missing prompt",
        lambda b: b["questions"][0].pop("prompt"),
        "question 'q-single'",
        "prompt",
        "required field is missing",
    ),
    (
        "unknown type",
        lambda b: b["questions"][0].update(type="essay"),
        "question 'q-single'",
        "type",
        "must be one of single, multiple",
    ),
    ("no type", lambda b: b["questions"][1].pop("type"), "question 'q-multi'", "type", "missing"),
    (
        "two correct in single",
        lambda b: b["questions"][0]["options"][1].update(correct=True),
        "question 'q-single'",
        "options",
        "exactly one correct",
    ),
    (
        "none correct in multiple",
        lambda b: b["questions"][1]["options"][0].update(correct=False),
        "question 'q-multi'",
        "options",
        "at least one correct",
    ),
    (
        "option without feedback",
        lambda b: b["questions"][1]["options"][1].pop("feedback"),
        "question 'q-multi'",
        "options[1].feedback",
        "required field is missing",
    ),
    (
        "one option only",
        lambda b: b["questions"][0].update(options=b["questions"][0]["options"][:1]),
        "question 'q-single'",
        "options",
        "at least 2",
    ),
    (
        "duplicate option ids",
        lambda b: b["questions"][1]["options"][1].update(id="a"),
        "question 'q-multi'",
        "options",
        "used twice",
    ),
    (
        "duplicate question ids",
        lambda b: b["questions"][2].update(id="q-single"),
        "question 'q-single'",
        "id",
        "used twice",
    ),
    (
        "bad question id",
        lambda b: b["questions"][2].update(id="Q Two"),
        "question 'Q Two'",
        "id",
        "lowercase letters, digits",
    ),
    (
        "unknown source key",
        lambda b: b["questions"][3].update(source="nosuchkey2099"),
        "question 'q-num'",
        "source",
        "not a key in references.bib",
    ),
    ("bad level", lambda b: b["questions"][2].update(level="evaluate"), "question 'q-tf'", "level", "'recall'"),
    (
        "truefalse answer as text",
        lambda b: b["questions"][2].update(answer="yes"),
        "question 'q-tf'",
        "answer",
        "must be true or false",
    ),
    (
        "truefalse feedback missing a side",
        lambda b: b["questions"][2]["feedback"].pop("if_false"),
        "question 'q-tf'",
        "feedback.if_false",
        "required field is missing",
    ),
    (
        "negative tolerance",
        lambda b: b["questions"][3].update(tolerance=-1),
        "question 'q-num'",
        "tolerance",
        "must be at least 0",
    ),
    (
        "numeric answer not a number",
        lambda b: b["questions"][3].update(answer="four"),
        "question 'q-num'",
        "answer",
        "must be a number, found the text 'four'",
    ),
    (
        "numeric answer quoted",
        lambda b: b["questions"][3].update(answer="4.7"),
        "question 'q-num'",
        "answer",
        "found the text '4.7'; remove the quotes",
    ),
    (
        "numeric answer boolean",
        lambda b: b["questions"][3].update(answer=True),
        "question 'q-num'",
        "answer",
        "must be a number, found the boolean true",
    ),
    (
        "tolerance quoted",
        lambda b: b["questions"][3].update(tolerance="0.1"),
        "question 'q-num'",
        "tolerance",
        "must be a number, found the text '0.1'",
    ),
    (
        "infinite answer",
        lambda b: b["questions"][3].update(answer=float("inf")),
        "question 'q-num'",
        "answer",
        "finite",
    ),
    (
        "correct: yes",
        lambda b: b["questions"][1]["options"][0].update(correct="yes"),
        "question 'q-multi'",
        "options[0].correct",
        "must be true or false, found the text 'yes'",
    ),
    (
        "option text a boolean",
        lambda b: b["questions"][0]["options"][1].update(text=False),
        "question 'q-single'",
        "options[1].text",
        "found the boolean false; put it in quotes",
    ),
    (
        "numeric feedback missing high",
        lambda b: b["questions"][3]["feedback"].pop("high"),
        "question 'q-num'",
        "feedback.high",
        "required field is missing",
    ),
    (
        "unexpected field",
        lambda b: b["questions"][0].update(hint="x"),
        "question 'q-single'",
        "hint",
        "unknown field 'hint' (fields here: id, level",
    ),
    (
        "misspelt field",
        lambda b: b["questions"][0].update(promt=b["questions"][0].pop("prompt")),
        "question 'q-single'",
        "promt",
        "unknown field 'promt' — did you mean 'prompt'?",
    ),
    (
        "blank explanation",
        lambda b: b["questions"][0].update(explanation="   "),
        "question 'q-single'",
        "explanation",
        "must not be blank",
    ),
    (
        "question not a mapping",
        lambda b: b["questions"].__setitem__(1, "just text"),
        "question #2 (no id)",
        None,
        "must be a mapping",
    ),
    (
        "objective checked once",
        lambda b: b["questions"][1].update(objective="LO2"),
        "objective 'LO1'",
        "objectives",
        "at least 2",
    ),
    (
        "too few higher-level questions",
        lambda b: [q.update(level="recall") for q in b["questions"][1:]],
        "bank",
        "questions[].level",
        "at least a third",
    ),
    ("no questions", lambda b: b.update(questions=[]), "bank", "questions", "at least 1"),
    ("id differs from file name", lambda b: b.update(id="98-other"), "bank", "id", "must equal the file name"),
]


@pytest.mark.parametrize("name, mutate, where, field, words", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_bank_names_file_line_question_and_field(tmp_path, name, mutate, where, field, words):
    path = _write(tmp_path, _mutate(mutate))
    lines = _errors(path)
    assert len(lines) == 1, lines
    message = lines[0]
    field_part = f"field '{field}': " if field else ""
    assert message.startswith(f"{path}:"), message
    head, rest = message[len(str(path)) + 1 :].split(": ", 1)
    assert rest.startswith(f"{where}: {field_part}"), message
    assert head.isdigit(), message
    assert words in message, message
    for leak in ("Input should", "Field required", "Extra inputs", "pydantic", "Value error", "Traceback"):
        assert leak not in message, message


def test_misspelt_key_is_named_and_not_also_reported_missing(tmp_path):
    path = _write(tmp_path, _mutate(lambda b: b["questions"][0].update(promt=b["questions"][0].pop("prompt"))))
    (line,) = _errors(path)
    where = f"{path}:{_line_of(path, 'promt:')}: question 'q-single': field 'promt'"
    assert line == f"{where}: unknown field 'promt' — did you mean 'prompt'?"


def test_every_problem_is_reported_one_line_each_in_file_order(tmp_path):
    def breaks(b):
        b["questions"][0]["options"][0]["correct"] = "yes"
        b["questions"][1]["promt"] = b["questions"][1].pop("prompt")
        b["questions"][2]["level"] = "evaluate"
        b["questions"][3]["answer"] = "4.7"
        b["questions"][3]["source"] = "nosuchkey2099"

    path = _write(tmp_path, _mutate(breaks))
    lines = _errors(path)
    assert len(lines) == 5, lines
    expected = [
        ("correct: 'yes'", "question 'q-single': field 'options[0].correct'"),
        ("promt:", "question 'q-multi': field 'promt'"),
        ("level: evaluate", "question 'q-tf': field 'level'"),
        ("source: nosuchkey2099", "question 'q-num': field 'source'"),
        ("answer: '4.7'", "question 'q-num': field 'answer'"),
    ]
    expected.sort(key=lambda e: _line_of(path, e[0]))
    for line, (text, where) in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}:{_line_of(path, text)}: {where}: "), (line, text)


def test_yaml_12_no_is_text_not_a_boolean(tmp_path):
    """YAML 1.1 read the option text No as false; banks are YAML 1.2."""
    text = yaml.safe_dump(_good(), sort_keys=False).replace("text: B", "text: No", 1).replace("text: A", "text: yes", 1)
    path = tmp_path / "99-fixture.yaml"
    path.write_text(text)
    bank = load_bank(path)
    assert [o.text for o in bank.questions[0].options] == ["yes", "No"]


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "99-fixture.yaml"
    path.write_text("id: 99-fixture\ntitle: [unclosed\nobjectives: []\n")
    (line,) = _errors(path)
    assert line.startswith(f"{path}:") and ": bank: YAML syntax error: " in line, line


def test_duplicate_yaml_key_is_rejected_with_its_line(tmp_path):
    path = tmp_path / "99-fixture.yaml"
    text = yaml.safe_dump(_good(), sort_keys=False).replace(
        "title: Fixture bank", "title: Fixture bank\ntitle: Again", 1
    )
    path.write_text(text)
    (line,) = _errors(path)
    assert line == f"{path}:{_line_of(path, 'title: Again')}: bank: key 'title' appears twice in one mapping"


def test_list_as_mapping_key_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "99-fixture.yaml"
    text = yaml.safe_dump(_good(), sort_keys=False).replace(
        "  explanation: Because.\n", "  ? [a, b]\n  : x\n  explanation: Because.\n", 1
    )
    path.write_text(text)
    (line,) = _errors(path)
    assert line == f"{path}:{_line_of(path, '? [a, b]')}: question 'q-single': a key must be plain text, found a list"


@pytest.mark.parametrize("content, words", [("- just\n- a list\n", "found a list"), ("", "found an empty file")])
def test_not_a_mapping(tmp_path, content, words):
    path = tmp_path / "99-fixture.yaml"
    path.write_text(content)
    (line,) = _errors(path)
    assert "must hold a mapping with id, title, objectives, questions" in line and words in line


def test_not_utf8(tmp_path):
    path = tmp_path / "99-fixture.yaml"
    path.write_bytes(b"id: caf\xe9\n")
    (line,) = _errors(path)
    assert line.startswith(f"{path}: bank: not UTF-8 text")


def test_missing_bank_is_a_bank_error():
    with pytest.raises(BankError) as info:
        load_bank("no-such-bank")
    assert str(info.value) == (
        f"{quiz_dir() / 'no-such-bank.yaml'}: bank: no such question bank (banks there: "
        + ", ".join(Path(n).stem for n in BANK_FILES)
        + ")"
    )


def test_real_bank_mutated_still_fails(tmp_path):
    """The checks apply to the shipped banks too, not only to the fixture."""
    raw = yaml.safe_load((quiz_dir() / "01-biology.yaml").read_text())
    broken = copy.deepcopy(raw)
    qid = broken["questions"][0]["id"]
    broken["questions"][0]["source"] = "not-a-real-key"
    path = tmp_path / "01-biology.yaml"
    path.write_text(yaml.safe_dump(broken, sort_keys=False))
    (line,) = _errors(path)
    assert f": question '{qid}': field 'source': 'not-a-real-key' is not a key in references.bib" in line


def test_a_broken_bank_does_not_hide_the_others(tmp_path, monkeypatch):
    """load_all_banks reports every problem of every bank in one error."""
    import recovery_science.quiz as quiz

    for name in ("98-a.yaml", "99-b.yaml"):
        bank = _good()
        bank["id"] = Path(name).stem
        bank["questions"][0]["source"] = f"missing-{name[:2]}"
        _write(tmp_path, bank, name)
    monkeypatch.setattr(quiz, "quiz_dir", lambda: tmp_path)
    with pytest.raises(BankError) as info:
        quiz.load_all_banks()
    assert [p.file for p in info.value.problems] == [str(tmp_path / "98-a.yaml"), str(tmp_path / "99-b.yaml")]


# ------------------------------------------------------------------------- the JSON Schema


def test_committed_json_schema_is_generated_from_the_models():
    committed = json.loads(bank_schema_path().read_text())
    assert committed == bank_json_schema(), "data/quizzes/bank.schema.json is stale: run `recovery-science generate`"


@pytest.mark.parametrize("name", BANK_FILES)
def test_course_bank_validates_against_the_json_schema(name):
    schema = json.loads(bank_schema_path().read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    text = (quiz_dir() / name).read_text()
    assert text.startswith("# yaml-language-server: $schema=bank.schema.json\n"), (
        "editors check a bank against the schema"
    )
    jsonschema.Draft202012Validator(schema).validate(parse_yaml(text, name).data)


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda b: b["questions"][3].update(answer="4.7"), "is not of type 'number'"),
        (lambda b: b["questions"][0]["options"][0].update(correct="yes"), "is not of type 'boolean'"),
        (lambda b: b["questions"][0].update(promt="x"), "Additional properties"),
        (lambda b: b["questions"][0].update(type="essay"), "essay"),
    ],
)
def test_json_schema_catches_type_errors_as_an_editor_would(mutate, words):
    validator = jsonschema.Draft202012Validator(bank_json_schema())
    assert validator.is_valid(_good())
    errors = list(validator.iter_errors(_mutate(mutate)))
    assert errors and any(words in e.message or any(words in c.message for c in e.context) for e in errors), [
        e.message for e in errors
    ]
