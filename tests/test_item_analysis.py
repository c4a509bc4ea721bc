"""Item analysis and the student results report (issue 12): recovery_science/instructor/analysis.py,
report.py, the seeded synthetic class (synthetic.py, data/instructor/synthetic-class/) and
`recovery-science report`.

- The shipped synthetic class is what the seeded script writes (byte for byte), each file is a
  progress export as the page writes it (the stored records against their JSON Schema, and the
  whole file against progress.js's own exportData and toCSV in Node), and the analysis finds
  exactly its designed flags, no others.
- Hand-worked figures on a small class: difficulty, corrected point-biserial, upper-lower index,
  distractor counts, objective mastery; a stored verdict is never trusted, a shown answer and a
  skipped question score 0.
- Bad folders: a malformed, foreign or other-version file is named in one line and nothing is
  analysed; a quiz the course does not have is skipped and named.
- The command: every format, exit codes 0/1/2, one-line errors, nothing half-written.
"""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from courseutil import run_cli

from recovery_science.instructor import analysis as an
from recovery_science.instructor import report, synthetic
from recovery_science.quiz.grading import QuizState, grade
from recovery_science.quiz.order import arrange, bank_version
from recovery_science.quiz.schema import parse_bank

ROOT = Path(__file__).resolve().parents[1]
CLASS = ROOT / "data" / "instructor" / "synthetic-class"
QUIZ = CLASS / "quiz"
SCHEMA = json.loads((ROOT / "recovery_science" / "quiz" / "stored.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
REGENERATE = "run: python -m recovery_science.instructor.synthetic"


@pytest.fixture(scope="module")
def bank0():
    return synthetic.synthetic_bank()


@pytest.fixture(scope="module")
def shipped(bank0):
    return an.analyse(an.load_results(CLASS, {bank0.id: bank0}))


# ------------------------------------------------------------------------------------------ the synthetic class


def test_regenerating_the_synthetic_class_gives_the_same_bytes(bank0):
    files = synthetic.make_class(bank0)
    assert synthetic.stale_files(CLASS, files) == [], f"{CLASS} is out of date; {REGENERATE}"
    assert len(files) == synthetic.N_STUDENTS
    assert synthetic.make_class(bank0) == files, "the generator is not deterministic"


def test_the_analysis_finds_exactly_the_designed_flags(shipped):
    assert an.flagged(shipped) == synthetic.EXPECTED_FLAGS
    items = shipped.items.set_index("question")
    assert items.loc["item-02", "difficulty"] == pytest.approx(38 / 40)
    assert items.loc["item-07", "point_biserial"] < an.NEGATIVE
    d = shipped.distractors.set_index(["question", "option"])
    assert d.loc[("item-03", "c"), "chosen"] == 0 and d.loc[("item-03", "c"), "text"] == "Option C"
    assert shipped.results.notes == [] and shipped.results.skipped == {}


def test_every_shipped_file_is_a_progress_export_as_the_page_writes_it(bank0):
    version = bank_version(bank0)
    for path in sorted(CLASS.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        assert list(data) == ["format", "version", "exported", "student", "banks"], path.name
        assert an.check_export(data) == "", path.name
        record = data["banks"][bank0.id]
        VALIDATOR.validate(record)
        assert record["bank_version"] == version
        assert data["exported"] >= record["saved"]
        assert text == synthetic.export_text(data)


def _course_data(bank):
    """What progress.py embeds in the page for one module (the parts exportData and toCSV read)."""
    from recovery_science.progress import _grading

    return {"modules": [{"bank": bank.id, "title": bank.title, "url": "m.html", "quiz_url": "m.html#q",
                         "version": bank_version(bank), "objectives": [],
                         "questions": [_grading(q) for q in arrange(bank).questions]}]}


def test_progress_js_exports_the_same_files(node, bank0):
    """The page's own exportData, given each student's stored record, writes the shipped file; its
    toCSV of that file reads back to the same answers."""
    course = _course_data(bank0)
    paths = sorted(CLASS.glob("*.json"))
    calls = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        stored = {bank0.id: {"v2": json.dumps(data["banks"][bank0.id]), "v1": None}}
        calls.append([course, stored, data["student"], data["exported"]])
    exported = node.batch("progress.js", "exportData", calls)
    for path, data in zip(paths, exported, strict=True):
        assert synthetic.export_text(data) == path.read_text(encoding="utf-8"), path.name
    csvs = node.batch("progress.js", "toCSV", [[d] for d in exported[:5]])
    for path, text in zip(paths[:5], csvs, strict=True):
        as_json, problem = an._csv_to_export(text)
        assert problem == ""
        back = json.loads(path.read_text(encoding="utf-8"))
        for qid, rec in as_json["banks"][bank0.id]["questions"].items():
            expected = back["banks"][bank0.id]["questions"][qid]
            response = rec["response"]
            if isinstance(expected["response"], list):
                response = response.split(";")
            assert {**rec, "response": response} == expected, (path.name, qid)


# ------------------------------------------------------------------------------------------ a small class by hand

MINI = {
    "id": "mini", "title": "Mini quiz",
    "objectives": [{"id": "LO1", "text": "One"}, {"id": "LO2", "text": "Two"}],
    "questions": [
        {"id": "s", "type": "single", "level": "recall", "objective": "LO1", "prompt": "P", "explanation": "E",
         "source": "x", "options": [{"id": "a", "text": "Alpha", "correct": True, "feedback": "f"},
                                    {"id": "b", "text": "Beta", "feedback": "f"},
                                    {"id": "c", "text": "Gamma", "feedback": "f"}]},
        {"id": "m", "type": "multiple", "level": "apply", "objective": "LO1", "prompt": "P", "explanation": "E",
         "source": "x", "options": [{"id": "a", "text": "A", "correct": True, "feedback": "f"},
                                    {"id": "b", "text": "B", "correct": True, "feedback": "f"},
                                    {"id": "c", "text": "C", "feedback": "f"}]},
        {"id": "t", "type": "truefalse", "level": "recall", "objective": "LO2", "prompt": "P", "explanation": "E",
         "source": "x", "answer": False, "feedback": {"if_true": "f", "if_false": "f"}},
        {"id": "n", "type": "numeric", "level": "apply", "objective": "LO2", "prompt": "P", "explanation": "E",
         "source": "x", "answer": 4.5, "tolerance": 0.1, "feedback": {"low": "l", "correct": "c", "high": "h"}},
    ],
}
T0 = "2026-11-20T10:00:00.000Z"


@pytest.fixture(scope="module")
def mini():
    return parse_bank(MINI, "mini.yaml", None)


def _export(bank, student, answers, revealed=(), exported=T0, verdicts=None):
    """A progress export: ``answers`` maps question id to the latest response."""
    state = QuizState(tuple(q.id for q in bank.questions), objectives={q.id: q.objective for q in bank.questions},
                      clock=lambda: T0)
    for qid, response in answers.items():
        state.record(qid, response, grade(bank.question(qid), response))
    for qid in revealed:
        state.reveal(qid)
    stored = state.stored(bank.id, bank_version(bank))
    for qid, verdict in (verdicts or {}).items():
        stored["questions"][qid]["verdict"] = verdict
    return {"format": an.EXPORT_FORMAT, "version": an.EXPORT_VERSION, "exported": exported, "student": student,
            "banks": {bank.id: stored}}


def _write(folder: Path, name: str, data) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2), encoding="utf-8")
    return path


# Five students. Item scores (s, m, t, n) in SCORES: C's right answer to s was shown first (0),
# D skipped n (0); every stored verdict says "correct" and is ignored.
CLASS_ANSWERS = {
    "A": ({"s": "a", "m": ["a", "b"], "t": "false", "n": "4.5"}, ()),
    "B": ({"s": "a", "m": ["b", "a"], "t": "true", "n": "4,6"}, ()),
    "C": ({"s": "a", "m": ["a"], "t": "false", "n": "9"}, ("s",)),
    "D": ({"s": "b", "m": ["a", "c"], "t": "false"}, ()),
    "E": ({"s": "b", "m": ["a", "b"], "t": "true", "n": "1"}, ()),
}
SCORES = {  # s, m, t, n
    "A": [1, 1, 1, 1], "B": [1, 1, 0, 1], "C": [0, 0, 1, 0], "D": [0, 0, 1, 0], "E": [0, 1, 0, 0],
}


@pytest.fixture
def mini_class(tmp_path, mini):
    folder = tmp_path / "class"
    for student, (answers, revealed) in CLASS_ANSWERS.items():
        # the stored verdicts are lies: the analysis grades again
        _write(folder, f"{student}.json", _export(mini, student, answers, revealed,
                                                   verdicts={q: "correct" for q in answers}))
    return folder


def test_hand_worked_figures(mini_class, mini):
    found = an.analyse(an.load_results(mini_class, {"mini": mini}))
    items = found.items.set_index("question")
    matrix = np.array([SCORES[s] for s in sorted(SCORES)], dtype=float)
    total = matrix.sum(axis=1)
    for j, qid in enumerate(["s", "m", "t", "n"]):
        assert items.loc[qid, "difficulty"] == pytest.approx(matrix[:, j].mean())
        assert items.loc[qid, "point_biserial"] == pytest.approx(np.corrcoef(matrix[:, j], total - matrix[:, j])[0, 1])
    # upper-lower: round(0.27 * 5) = 1 student each: top A (4), bottom E (C, D, E tie at 1: by name, E last)
    assert items.loc["s", "upper_lower"] == pytest.approx(1 - 0)
    assert items.loc["m", "upper_lower"] == pytest.approx(1 - 1)
    assert items.loc["n", "answered"] == 4 and items.loc["s", "revealed"] == 1
    d = {(r.question, r.option): r.chosen for r in found.distractors.itertuples()}
    assert [d[("s", o)] for o in "abc"] == [3, 2, 0]
    assert [d[("m", o)] for o in "abc"] == [5, 3, 1]  # a student ticks several
    assert [d[("t", o)] for o in ("true", "false")] == [2, 3]
    assert [d[("n", o)] for o in ("low", "correct", "high")] == [1, 2, 1]
    flags = an.flagged(found)
    assert ("mini", "s", an.FLAG_UNUSED) in flags  # c: nobody
    assert ("mini", "m", an.FLAG_UNUSED) not in flags
    # per student and objective
    obj = found.objectives.set_index(["student", "objective"])
    assert obj.loc[("A", "LO1"), "mastered"] and obj.loc[("A", "LO2"), "mastered"]
    assert obj.loc[("C", "LO1"), "correct"] == 0 and not obj.loc[("C", "LO2"), "mastered"]
    summary = found.objective_summary.set_index("objective")
    assert summary.loc["LO1", "mastered"] == 2 and summary.loc["LO1", "mean_share"] == pytest.approx(0.5)
    students = found.students.set_index("student")
    assert students["score"].to_dict() == {s: sum(v) for s, v in SCORES.items()}
    assert any("only 5 students" in n for n in found.results.notes)


@pytest.mark.parametrize("difficulty, r, expected", [
    (0.90, 0.20, []),  # the bounds themselves raise no flag
    (0.9001, 0.5, [an.FLAG_TOO_EASY]),
    (0.30, 0.5, []),
    (0.2999, 0.5, [an.FLAG_TOO_HARD]),
    (0.5, -0.0001, [an.FLAG_NEGATIVE]),
    (0.5, 0.0, [an.FLAG_WEAK]),
    (0.5, 0.1999, [an.FLAG_WEAK]),
    (1.0, math.nan, [an.FLAG_TOO_EASY]),  # everyone right: no correlation to compute
])
def test_flag_thresholds(difficulty, r, expected):
    assert an._item_flags(difficulty, r, []) == expected
    assert set(an.FLAG_RULES) == {an.FLAG_TOO_EASY, an.FLAG_TOO_HARD, an.FLAG_NEGATIVE, an.FLAG_WEAK, an.FLAG_UNUSED}


# ------------------------------------------------------------------------------------------ bad folders


def _problems(folder, banks):
    with pytest.raises(an.ResultsError) as err:
        an.load_results(folder, banks)
    for line in err.value.problems:
        assert "\n" not in line
    return err.value.problems


def test_malformed_foreign_and_other_version_files_are_named(mini_class, mini):
    banks = {"mini": mini}
    good = json.loads((mini_class / "A.json").read_text())
    _write(mini_class, "broken.json", '{"format": "recovery-science-progress", ')
    _write(mini_class, "foreign.json", {"hello": 1})
    _write(mini_class, "newer.json", {**good, "version": 2})
    damaged = json.loads(json.dumps(good))
    damaged["banks"]["mini"]["questions"]["s"]["attempts"] = -1
    _write(mini_class, "damaged.json", damaged)
    _write(mini_class, "notes.txt", "ignored")
    problems = _problems(mini_class, banks)
    assert problems == [
        f"{mini_class / 'broken.json'}: is not valid JSON (line 1, column 41: Expecting property name enclosed "
        "in double quotes)",
        f"{mini_class / 'damaged.json'}: is damaged: the answers for “mini” question “s” has a wrong number of "
        "attempts",
        f"{mini_class / 'foreign.json'}: not a Recovery Science progress export (no \"format\": "
        "\"recovery-science-progress\")",
        f"{mini_class / 'newer.json'}: progress export version 2, which this tool cannot read (it reads version 1)",
    ]


def test_an_empty_or_missing_folder_is_one_line(tmp_path, mini):
    assert _problems(tmp_path, {"mini": mini}) == [
        f"{tmp_path}: no results files (*.json or *.csv exported from the My progress page)"]
    assert _problems(tmp_path / "nope", {"mini": mini}) == [f"{tmp_path / 'nope'}: no such folder"]


def test_an_unknown_quiz_is_skipped_and_named(mini_class, mini):
    other = json.loads((mini_class / "A.json").read_text())
    other["banks"]["another-course"] = {**other["banks"]["mini"], "bank": "another-course"}
    _write(mini_class, "A.json", other)
    found = an.analyse(an.load_results(mini_class, {"mini": mini}))
    assert found.results.skipped == {"another-course": ["A.json"]}
    assert "skipped the quiz “another-course”, which this course does not have (in A.json)" in found.results.notes
    assert len(found.students) == 5


def test_two_files_of_one_student_keep_the_later_and_an_empty_name_uses_the_file(mini_class, mini):
    later = _export(mini, "A", {"s": "b"}, exported="2026-11-21T10:00:00.000Z")
    _write(mini_class, "A-again.json", later)
    _write(mini_class, "no-name.json", _export(mini, None, {"s": "a"}))
    res = an.load_results(mini_class, {"mini": mini})
    assert [f.path.name for f in res.files if f.student == "A"] == ["A-again.json"]
    assert "A.json and A-again.json are both from “A”: A-again.json (exported last) is used" in res.notes
    assert "no-name" in res.students


def test_older_bank_versions_are_graded_again_and_counted(mini_class, mini):
    data = json.loads((mini_class / "A.json").read_text())
    data["banks"]["mini"]["bank_version"] = "0" * 16
    data["banks"]["mini"]["questions"]["retired"] = data["banks"]["mini"]["questions"]["s"]
    _write(mini_class, "A.json", data)
    res = an.load_results(mini_class, {"mini": mini})
    assert "1 of the files answered an earlier version of the quiz “mini”; their answers were graded again " \
           "against the quiz as it is now" in res.notes
    assert "1 answer to questions the quiz “mini” no longer has was left out" in res.notes


def test_a_csv_export_reads_like_the_json(tmp_path, mini):
    data = _export(mini, "Ana, \"A\"", {"s": "a", "m": ["a", "b"], "n": "4,5"}, revealed=("t",))
    rows = [an.CSV_COLUMNS]
    for qid, rec in data["banks"]["mini"]["questions"].items():
        row = {"student": data["student"], "exported": data["exported"], "bank": "mini",
               "bank_version": data["banks"]["mini"]["bank_version"], "saved": data["banks"]["mini"]["saved"],
               "question": qid, **rec}
        rows.append(["" if row[c] is None else (";".join(row[c]) if isinstance(row[c], list) else
                     str(row[c]).lower() if isinstance(row[c], bool) else str(row[c])) for c in an.CSV_COLUMNS])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    _write(tmp_path / "c", "ana.csv", buf.getvalue())
    _write(tmp_path / "j", "ana.json", data)
    from_csv = an.load_results(tmp_path / "c", {"mini": mini}).responses.drop(columns="file")
    from_json = an.load_results(tmp_path / "j", {"mini": mini}).responses.drop(columns="file")
    assert from_csv.equals(from_json)
    assert from_csv["score"].tolist() == [1, 1, 0, 1]  # t revealed
    _write(tmp_path / "c", "bad.csv", "student,question\nx,y\n")
    assert _problems(tmp_path / "c", {"mini": mini}) == [
        f"{tmp_path / 'c' / 'bad.csv'}: not a Recovery Science progress CSV (its header is not the export's columns)"]


# ------------------------------------------------------------------------------------------ the command


def test_report_command_writes_each_format(capsys, tmp_path):
    for fmt in ("html", "md", "csv"):
        out = tmp_path / f"r.{fmt}"
        code, lines, err = run_cli(capsys, "report", str(CLASS), "--banks", str(QUIZ), "-f", fmt, "-o", str(out))
        assert (code, err) == (0, "")
        assert lines == [f"report: wrote {out} (40 students, 8 items, 3 flagged for review)"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.html", "r.md"]  # no temporary file left
    html_text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html_text.startswith("<!DOCTYPE html>") and '<th scope="row">S-040</th>' in html_text
    for flag_rule in an.FLAG_RULES.values():
        assert flag_rule in html_text
    assert '<td class="flag">too easy</td>' in html_text and "a* 30, b 9, c 0" in html_text
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "| synthetic-quiz | 7 | item-07 | numeric |" in md and "discriminates negatively" in md
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 40 and rows[0]["student"] == "S-001"
    assert list(rows[0]) == ["student", "file", "synthetic-quiz score", "synthetic-quiz total", "synthetic-quiz LO1",
                             "synthetic-quiz LO2", "synthetic-quiz LO3"]


def test_report_default_name_and_escaping(capsys, tmp_path, monkeypatch, mini):
    folder = tmp_path / "class"
    shutil.copytree(CLASS, folder)
    data = json.loads((folder / "S-001.json").read_text())
    data["student"] = "<script>alert(1)</script> | *x*"
    _write(folder, "S-001.json", data)
    monkeypatch.chdir(tmp_path)
    code, lines, _ = run_cli(capsys, "report", str(folder), "--banks", str(QUIZ))
    assert code == 0 and lines[-1].startswith("report: wrote results-report.html ")
    text = (tmp_path / "results-report.html").read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    code, _, _ = run_cli(capsys, "report", str(folder), "--banks", str(QUIZ), "-f", "md")
    assert "\\<script\\>alert(1)\\</script\\> \\| \\*x\\*" in (tmp_path / "results-report.md").read_text()


def test_report_command_errors(capsys, tmp_path):
    folder = tmp_path / "class"
    shutil.copytree(CLASS, folder)
    (folder / "S-002.json").write_text("{}", encoding="utf-8")
    out = tmp_path / "r.html"
    code, lines, err = run_cli(capsys, "report", str(folder), "--banks", str(QUIZ), "-o", str(out))
    assert code == 1 and err == "" and not out.exists()
    assert lines == [
        f"{folder / 'S-002.json'}: not a Recovery Science progress export "
        "(no \"format\": \"recovery-science-progress\")",
        "report: nothing written; fix the 1 problem above first",
    ]
    code, lines, err = run_cli(capsys, "report", str(tmp_path / "nope"))
    assert (code, lines, err) == (2, [], f"recovery-science report: {tmp_path / 'nope'}: no such folder\n")
    code, lines, err = run_cli(capsys, "report", str(CLASS), "--banks", str(tmp_path / "nope"))
    assert (code, lines, err) == (2, [], f"recovery-science report: {tmp_path / 'nope'}: no such folder\n")
    code, lines, err = run_cli(capsys, "report", str(CLASS), "--banks", str(QUIZ), "-o",
                               str(tmp_path / "no-dir" / "r.html"))
    assert code == 1 and lines == [] and err.count("\n") == 1 and "does not exist" in err
    with pytest.raises(SystemExit) as exit_:
        run_cli(capsys, "report", str(CLASS), "-f", "pdf")
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        run_cli(capsys, "report", "--help")
    assert exit_.value.code == 0 and "RESULTS_DIR" in capsys.readouterr().out


def test_report_against_the_course_banks_skips_an_unknown_quiz(capsys, tmp_path):
    """Without --banks the course's quizzes are used: the synthetic quiz is not one of them."""
    out = tmp_path / "r.md"
    code, lines, err = run_cli(capsys, "report", str(CLASS), "-f", "md", "-o", str(out))
    assert code == 0 and err == ""
    assert lines[0].startswith("report: note: skipped the quiz “synthetic-quiz”, which this course does not have")
    assert lines[-1] == f"report: wrote {out} (40 students, 0 items, 0 flagged for review)"


def test_report_tables_hold_every_student_and_item(shipped):
    table = report.student_table(shipped)
    assert len(table) == 40 and table.iloc[0]["student"] == "S-001"
    assert report.item_table(shipped)["question"].tolist() == [q for q in synthetic.DESIGN]
