"""Item analysis of a class's quiz results: the files students export from the "My progress" page.

``load_results(folder)`` reads every results file in a folder (DEVELOPING.md, "Progress export")
and grades every stored answer again against the course's banks as they are now; ``analyse``
then computes, with pandas:

- per item: **difficulty** (the share of students whose latest answer is correct), the corrected
  **point-biserial** (the correlation of the item's score with the rest of the module's quiz,
  the item itself left out), the **upper-lower index** (share correct among the top 27% of the
  module's scores minus the bottom 27%), and the flags below;
- **distractor counts**: how many students chose each option (by option id and text); true/false:
  each value; numeric: below, inside or above the accepted range;
- **objective mastery**: per student and objective, the share of the objective's questions
  answered correctly, "mastered" when all are (the page's rule), and a class summary;
- per student, the score of each module.

Scoring follows the page and the quizzes: a question scores 1 when its latest graded answer,
graded again now, is correct and the answer was not shown; an unanswered question scores 0 (a
classical "omitted counts as wrong"), and a student is counted in a module only when their file
holds that module's quiz. Each module's quiz is its own test: discrimination compares an item
with the rest of that module's questions.

Reading the files
-----------------
- JSON exports (``*.json``) are the input to prefer: they carry ``format`` and ``version``. CSV
  exports (``*.csv``, the page's other download) are read too, by their header; they have no
  version field. Other files in the folder (a README, say) are ignored.
- A file that is not a valid export of a version this tool reads (version 1), or a folder whose
  files mix versions, is an **error**: :class:`ResultsError` lists one line per bad file, naming
  it, and nothing is analysed, so that no student silently drops out of the figures.
- A quiz the course does not have (another course's bank, a module since removed) is **skipped
  and named** (``Results.skipped``), as the page's import does; the rest of the file is used.
- Two files with the same ``student`` keep the one exported last (named in ``Results.notes``);
  a file whose ``student`` is empty is named after the file.
- Answers given to an earlier version of a bank (``bank_version``) are graded again against the
  bank as it is now, and counted in ``Results.notes``; answers to questions the bank no longer
  has are left out and counted there too.

Thresholds are stated once, below (``TOO_EASY`` ...); they are classical test theory's common
rules of thumb, conventions to prompt a second look, not laws: a "too easy" item can be a fair
check of a must-know fact.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..quiz.grading import grade
from ..quiz.order import bank_version
from ..quiz.schema import Bank, BankError, load_bank_file
from ..quiz.static import plain

# ------------------------------------------------------------------------------------------ thresholds
# Classical test theory's usual rules of thumb (e.g. Ebel & Frisbie, "Essentials of Educational
# Measurement", 1991, for discrimination; difficulty bands as commonly used in item review).
# Conventions, not laws: each flag asks for a second look at the item, nothing more.

#: difficulty (share correct) above this: "too easy" (it tells little apart)
TOO_EASY = 0.90
#: difficulty below this: "too hard" (check the key, the wording, and whether it was taught)
TOO_HARD = 0.30
#: corrected point-biserial below this: "discriminates negatively" (stronger students miss it)
NEGATIVE = 0.0
#: corrected point-biserial from NEGATIVE up to (not including) this: "weak discrimination"
WEAK = 0.20
#: share of students in each of the upper and lower groups of the upper-lower index (Kelley's 27%)
UPPER_LOWER_SHARE = 0.27
#: a wrong option chosen by at most this many students: "distractor never chosen"
UNUSED_DISTRACTOR = 0
#: with fewer students than this, every figure is shaky; Results.notes says so
FEW_STUDENTS = 20

FLAG_TOO_EASY = "too easy"
FLAG_TOO_HARD = "too hard"
FLAG_NEGATIVE = "discriminates negatively"
FLAG_WEAK = "weak discrimination"
FLAG_UNUSED = "distractor never chosen"

#: each flag and the rule behind it, as the report and the notebook state them
FLAG_RULES = {
    FLAG_TOO_EASY: f"difficulty (share correct) above {TOO_EASY:.2f}",
    FLAG_TOO_HARD: f"difficulty below {TOO_HARD:.2f}",
    FLAG_NEGATIVE: f"corrected point-biserial below {NEGATIVE:.2f}",
    FLAG_WEAK: f"corrected point-biserial from {NEGATIVE:.2f} up to {WEAK:.2f}",
    FLAG_UNUSED: "a wrong option of a choice question that no student chose",
}

# ------------------------------------------------------------------------------------------ the file format
EXPORT_FORMAT = "recovery-science-progress"
EXPORT_VERSION = 1
STORED_FORMAT = 2
CSV_COLUMNS = ["student", "exported", "bank", "bank_version", "saved", "question", "objective", "attempts",
               "response", "verdict", "revealed", "first_attempt", "last_attempt", "revealed_at"]
RECORD_KEYS = CSV_COLUMNS[6:]
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_HEX16 = re.compile(r"^[0-9a-f]{16}\Z")
_ISO_UTC = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?Z\Z")
MAX_STUDENT = 100

NUMERIC_OUTCOMES = [("low", "below the accepted range"), ("correct", "inside the accepted range"),
                    ("high", "above the accepted range")]


class ResultsError(Exception):
    """The results cannot be analysed: one line per problem, each naming its file."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


# ------------------------------------------------------------------------------------------ checking a file


def _is_time(value: Any) -> bool:
    return isinstance(value, str) and bool(_ISO_UTC.match(value))


def _record_problem(rec: Any) -> str:
    """Why a format-2 question record is not valid (progress.js ``recordProblem``), or ""."""
    if not isinstance(rec, dict):
        return "is not a record"
    for key in rec:
        if key not in RECORD_KEYS:
            return f"has an unknown field “{key}”"
    for key in RECORD_KEYS:
        if key not in rec:
            return f"has no “{key}”"
    if rec["objective"] is not None and not isinstance(rec["objective"], str):
        return "has a wrong objective"
    attempts = rec["attempts"]
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
        return "has a wrong number of attempts"
    r = rec["response"]
    if not (r is None or isinstance(r, str) or (isinstance(r, list) and all(isinstance(x, str) for x in r))):
        return "has a wrong response"
    if rec["verdict"] not in (None, "correct", "incorrect"):
        return "has a wrong verdict"
    if not isinstance(rec["revealed"], bool):
        return "has a wrong “revealed”"
    for key in ("first_attempt", "last_attempt", "revealed_at"):
        if rec[key] is not None and not _is_time(rec[key]):
            return f"has a wrong time in {key}"
    return ""


def _bank_problem(bank_id: str, b: Any) -> str:
    """Why a bank's format-2 record is not valid (progress.js ``bankProblem``), or ""."""
    if not isinstance(b, dict):
        return "is not a record"
    for key in b:
        if key not in ("version", "bank", "bank_version", "saved", "questions"):
            return f"has an unknown field “{key}”"
    if b.get("version") != STORED_FORMAT or isinstance(b.get("version"), bool):
        return "is not in the stored format 2"
    if b.get("bank") != bank_id:
        return "names another quiz inside"
    if not isinstance(b.get("bank_version"), str) or not _HEX16.match(b["bank_version"]):
        return "has a wrong bank version"
    if not _is_time(b.get("saved")):
        return "has a wrong save time"
    if not isinstance(b.get("questions"), dict):
        return "has no questions"
    for qid, rec in b["questions"].items():
        if not _SLUG.match(qid):
            return "has a wrong question id"
        problem = _record_problem(rec)
        if problem:
            return f"question “{qid}” {problem}"
    return ""


def check_export(data: Any) -> str:
    """Why parsed JSON is not a progress export this tool reads (version 1), or "" when it is.

    The page's import rules (progress.js ``parseImport``): the format, the version, and each
    bank's stored record against the stored format 2's rules, its id equal to its key."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        return f"not a Recovery Science progress export (no \"format\": \"{EXPORT_FORMAT}\")"
    version = data.get("version")
    if version != EXPORT_VERSION or isinstance(version, bool):
        return (f"progress export version {json.dumps(version)}, which this tool cannot read "
                f"(it reads version {EXPORT_VERSION})")
    if not _is_time(data.get("exported")):
        return "has no valid “exported” time"
    student = data.get("student")
    if student is not None and not isinstance(student, str):
        return "has a wrong “student” (text or null)"
    if not isinstance(data.get("banks"), dict):
        return "has no quiz answers (“banks” is missing)"
    for bank_id in sorted(data["banks"]):
        problem = _bank_problem(bank_id, data["banks"][bank_id]) if _SLUG.match(bank_id) else "is not a quiz id"
        if problem:
            return f"is damaged: the answers for “{bank_id}” {problem}"
    return ""


def _csv_to_export(text: str) -> tuple[dict | None, str]:
    """A CSV export read back into the JSON export's shape (multiple-select responses stay text
    until the bank says the question is one), or (None, why not)."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    if not rows or rows[0] != CSV_COLUMNS:
        return None, "not a Recovery Science progress CSV (its header is not the export's columns)"
    data: dict[str, Any] = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported": None,
                            "student": None, "banks": {}}
    for n, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(CSV_COLUMNS):
            return None, f"row {n} has {len(row)} fields, not {len(CSV_COLUMNS)}"
        r = dict(zip(CSV_COLUMNS, row, strict=True))
        nul = {k: (v if v != "" else None) for k, v in r.items()}
        for key in ("student", "exported"):
            if n == 2:
                data[key] = nul[key]
            elif data[key] != nul[key]:
                return None, f"row {n} has another {key} than row 2"
        bank = data["banks"].setdefault(r["bank"], {"version": STORED_FORMAT, "bank": r["bank"],
                                                    "bank_version": r["bank_version"], "saved": nul["saved"],
                                                    "questions": {}})
        if bank["bank_version"] != r["bank_version"] or bank["saved"] != nul["saved"]:
            return None, f"row {n} has another bank version or save time for “{r['bank']}”"
        if not re.fullmatch(r"[0-9]+", r["attempts"]):
            return None, f"row {n} has a wrong number of attempts"
        if r["revealed"] not in ("true", "false"):
            return None, f"row {n} has a wrong “revealed”"
        bank["questions"][r["question"]] = {
            "objective": nul["objective"], "attempts": int(r["attempts"]), "response": nul["response"],
            "verdict": nul["verdict"], "revealed": r["revealed"] == "true", "first_attempt": nul["first_attempt"],
            "last_attempt": nul["last_attempt"], "revealed_at": nul["revealed_at"],
        }
    if data["exported"] is None and not data["banks"]:
        return None, "has no rows (a CSV export with no answers cannot tell who or when)"
    return data, ""


def read_export(path: Path) -> tuple[dict | None, str]:
    """One results file, parsed and checked: (the export, "") or (None, why it cannot be read)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "is not UTF-8 text"
    if Path(path).suffix.lower() == ".csv":
        data, problem = _csv_to_export(text)
        if data is None:
            return None, problem
    else:
        try:
            data = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            return None, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
    problem = check_export(data)
    return (None, problem) if problem else (data, "")


# ------------------------------------------------------------------------------------------ loading a folder


@dataclass
class StudentFile:
    path: Path
    student: str  # the student field, or the file's name when it is empty
    exported: str
    banks: dict[str, dict]


@dataclass
class Results:
    """A class's results, every answer graded again; see :func:`load_results`."""

    folder: Path
    files: list[StudentFile]
    banks: dict[str, Bank]  # the course banks the files answer, in course order
    responses: pd.DataFrame  # one row per student, bank and question of that bank
    skipped: dict[str, list[str]] = field(default_factory=dict)  # unknown bank id -> file names
    notes: list[str] = field(default_factory=list)

    @property
    def students(self) -> list[str]:
        return [f.student for f in self.files]


def course_banks(ids: Iterable[str] | None = None, folder: str | Path | None = None) -> dict[str, Bank]:
    """The course's banks (``data/quizzes/*.yaml``), or those in ``folder``, by id, in file-name
    order: every one, or those of ``ids``. Sources are not checked against the bibliography
    (``validate`` does that), so the analysis reads the banks only."""
    from ..paths import quiz_dir

    folder = Path(folder) if folder is not None else quiz_dir()
    if not folder.is_dir():
        raise ResultsError([f"{folder}: no such folder of question banks"])
    wanted = None if ids is None else set(ids)
    out, problems = {}, []
    for path in sorted(folder.glob("*.yaml")):
        if wanted is not None and path.stem not in wanted:
            continue
        try:
            out[path.stem] = load_bank_file(path, None)
        except BankError as exc:
            problems += [str(p) for p in exc.problems]
    if problems:
        raise ResultsError(problems + [f"{folder}: the banks above have problems; `recovery-science validate` "
                                       "explains them"])
    return out


def _choices(question, response: Any, status: str | None, outcome: str) -> tuple[str, ...]:
    """What the latest answer chose, as option ids (true/false: the value; numeric: the outcome)."""
    if response is None or status in (None, "invalid"):
        return ()
    if question.type == "single":
        return (response,)
    if question.type == "multiple":
        return tuple(dict.fromkeys(response))
    if question.type == "truefalse":
        return (response if isinstance(response, str) else ("true" if response else "false"),)
    return (outcome,)


def _response_text(response: Any) -> str:
    if response is None:
        return ""
    return ";".join(response) if isinstance(response, list) else str(response)


def load_results(folder: str | Path, banks: Mapping[str, Bank] | str | Path | None = None) -> Results:
    """Read every results file (``*.json``, ``*.csv``) in ``folder`` and grade each answer again.

    ``banks``: the banks to grade against, by id, or a folder of bank files; default: the course's
    banks (``data/quizzes/``). Raises :class:`ResultsError` (one line per problem,
    naming the file) when the folder cannot be read, holds no results file, or holds a file that is
    not a valid export of version 1."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ResultsError([f"{folder}: no such folder"])
    paths = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".json", ".csv"))
    if not paths:
        raise ResultsError([f"{folder}: no results files (*.json or *.csv exported from the My progress page)"])
    problems, exports = [], []
    for path in paths:
        data, problem = read_export(path)
        if problem:
            problems.append(f"{path}: {problem}")
        else:
            exports.append((path, data))
    if problems:
        raise ResultsError(problems)

    answered_banks = sorted({b for _, d in exports for b in d["banks"]})
    if banks is None or isinstance(banks, (str, Path)):
        banks = course_banks(answered_banks, banks)
    known = {k: banks[k] for k in banks if k in answered_banks}
    notes: list[str] = []
    skipped: dict[str, list[str]] = {}
    for path, data in exports:
        for b in data["banks"]:
            if b not in banks:
                skipped.setdefault(b, []).append(path.name)

    # one file per student: the one exported last
    by_student: dict[str, StudentFile] = {}
    for path, data in exports:
        student = (data.get("student") or "").strip()[:MAX_STUDENT] or path.stem
        sf = StudentFile(path, student, data["exported"] or "", data["banks"])
        old = by_student.get(student)
        if old is not None:
            keep, drop = (sf, old) if (sf.exported, sf.path.name) > (old.exported, old.path.name) else (old, sf)
            notes.append(f"{drop.path.name} and {keep.path.name} are both from “{student}”: "
                         f"{keep.path.name} (exported last) is used")
            sf = keep
        by_student[student] = sf
    files = sorted(by_student.values(), key=lambda f: f.student)

    rows, older, gone = [], {}, {}
    for sf in files:
        for bank_id, bank in known.items():
            stored = sf.banks.get(bank_id)
            if stored is None:
                continue
            if stored["bank_version"] != bank_version(bank):
                older[bank_id] = older.get(bank_id, 0) + 1
            qids = {q.id for q in bank.questions}
            gone[bank_id] = gone.get(bank_id, 0) + sum(1 for q in stored["questions"] if q not in qids)
            for position, q in enumerate(bank.questions, 1):
                rec = stored["questions"].get(q.id)
                response = rec["response"] if rec else None
                if q.type == "multiple" and isinstance(response, str):  # from a CSV export
                    response = response.split(";")
                result = grade(q, response) if response is not None else None
                status = result.status if result else None
                revealed = bool(rec and rec["revealed"])
                rows.append({
                    "student": sf.student, "file": sf.path.name, "bank": bank_id, "question": q.id,
                    "position": position, "type": q.type, "objective": q.objective,
                    "answered": status in ("correct", "incorrect"), "attempts": rec["attempts"] if rec else 0,
                    "revealed": revealed, "response": _response_text(response), "status": status,
                    "score": int(status == "correct" and not revealed),
                    "choices": _choices(q, response, status, result.outcome if result else ""),
                })
    columns = ["student", "file", "bank", "question", "position", "type", "objective", "answered", "attempts",
               "revealed", "response", "status", "score", "choices"]
    responses = pd.DataFrame(rows, columns=columns)
    for bank_id, n in older.items():
        notes.append(f"{n} of the files answered an earlier version of the quiz “{bank_id}”; "
                     "their answers were graded again against the quiz as it is now")
    for bank_id, n in gone.items():
        if n:
            notes.append(f"{n} answer{'s' if n != 1 else ''} to questions the quiz “{bank_id}” no longer has "
                         f"{'were' if n != 1 else 'was'} left out")
    invalid = int((responses["status"] == "invalid").sum()) if len(responses) else 0
    if invalid:
        notes.append(f"{invalid} stored answer{'s' if invalid != 1 else ''} cannot be graded against the "
                     "quizzes as they are now (scored 0)")
    for bank_id, names in sorted(skipped.items()):
        names = sorted(names)
        where = ", ".join(names) if len(names) <= 3 else f"{len(names)} files: {', '.join(names[:3])}, ..."
        notes.append(f"skipped the quiz “{bank_id}”, which this course does not have (in {where})")
    if len(files) < FEW_STUDENTS:
        notes.append(f"only {len(files)} students: with fewer than {FEW_STUDENTS}, difficulty and "
                     "discrimination move a lot with each answer; read the flags with care")
    return Results(folder, files, known, responses, skipped, notes)


# ------------------------------------------------------------------------------------------ the analysis


@dataclass
class Analysis:
    """Every table of the item analysis (pandas DataFrames); see the module docstring."""

    results: Results
    items: pd.DataFrame  # one row per item: difficulty, discrimination, flags
    distractors: pd.DataFrame  # one row per item and option (or value, or range)
    students: pd.DataFrame  # one row per student and module: score
    objectives: pd.DataFrame  # one row per student, module and objective: share correct, mastered
    objective_summary: pd.DataFrame  # one row per module and objective: the class
    flags: pd.DataFrame  # one row per item and flag: bank, question, flag, detail


def _point_biserial(item: pd.Series, rest: pd.Series) -> float:
    if len(item) < 3 or item.std(ddof=0) == 0 or rest.std(ddof=0) == 0:
        return math.nan
    return float(np.corrcoef(item.to_numpy(float), rest.to_numpy(float))[0, 1])


def _upper_lower(matrix: pd.DataFrame, total: pd.Series) -> pd.Series:
    n = len(total)
    k = max(1, int(round(UPPER_LOWER_SHARE * n)))
    if n < 2 * k:
        return pd.Series(math.nan, index=matrix.columns)
    order = sorted(total.index, key=lambda s: (-total[s], s))
    upper, lower = order[:k], order[-k:]
    return matrix.loc[upper].mean() - matrix.loc[lower].mean()


def _option_rows(question) -> list[tuple[str, str, bool]]:
    """(id, text, keyed) for each choice a student can make, in the bank's authored order."""
    if question.type in ("single", "multiple"):
        return [(o.id, plain(o.text), o.correct) for o in question.options]
    if question.type == "truefalse":
        return [("true", "True", question.answer is True), ("false", "False", question.answer is False)]
    return [(oid, text, oid == "correct") for oid, text in NUMERIC_OUTCOMES]


def _item_flags(difficulty: float, r: float, unused: list[str]) -> list[str]:
    flags = []
    if difficulty > TOO_EASY:
        flags.append(FLAG_TOO_EASY)
    if difficulty < TOO_HARD:
        flags.append(FLAG_TOO_HARD)
    if not math.isnan(r):
        if r < NEGATIVE:
            flags.append(FLAG_NEGATIVE)
        elif r < WEAK:
            flags.append(FLAG_WEAK)
    if unused:
        flags.append(FLAG_UNUSED)
    return flags


def analyse(results: Results) -> Analysis:
    """All the tables for ``results`` (see :class:`Analysis`)."""
    resp = results.responses
    items, distractors, flags = [], [], []
    for bank_id, bank in results.banks.items():
        part = resp[resp["bank"] == bank_id]
        if part.empty:
            continue
        matrix = part.pivot(index="student", columns="question", values="score")[[q.id for q in bank.questions]]
        total = matrix.sum(axis=1)
        ul = _upper_lower(matrix, total)
        for position, q in enumerate(bank.questions, 1):
            rows = part[part["question"] == q.id]
            answered = rows[rows["answered"]]
            difficulty = float(matrix[q.id].mean())
            r = _point_biserial(matrix[q.id], total - matrix[q.id])
            counts: dict[str, int] = {}
            for chosen in answered["choices"]:
                for c in chosen:
                    counts[c] = counts.get(c, 0) + 1
            unused = []
            for oid, text, keyed in _option_rows(q):
                n = counts.get(oid, 0)
                distractors.append({"bank": bank_id, "question": q.id, "option": oid, "text": text, "correct": keyed,
                                    "chosen": n, "share": n / len(answered) if len(answered) else math.nan})
                if q.type in ("single", "multiple") and not keyed and len(answered) and n <= UNUSED_DISTRACTOR:
                    unused.append(oid)
            item_flags = _item_flags(difficulty, r, unused)
            items.append({
                "bank": bank_id, "question": q.id, "position": position, "type": q.type, "objective": q.objective,
                "students": len(matrix), "answered": len(answered), "revealed": int(rows["revealed"].sum()),
                "difficulty": difficulty, "point_biserial": r, "upper_lower": float(ul[q.id]),
                "flags": "; ".join(item_flags),
            })
            for flag in item_flags:
                if flag in (FLAG_TOO_EASY, FLAG_TOO_HARD):
                    detail = f"difficulty {difficulty:.2f}"
                elif flag == FLAG_UNUSED:
                    detail = "option " + ", ".join(unused)
                else:
                    detail = f"point-biserial {r:.2f}"
                flags.append({"bank": bank_id, "question": q.id, "flag": flag, "detail": detail})

    students = []
    objectives = []
    for bank_id, bank in results.banks.items():
        part = resp[resp["bank"] == bank_id]
        if part.empty:
            continue
        per = part.groupby("student", sort=True).agg(score=("score", "sum"), total=("score", "size"),
                                                     answered=("answered", "sum"), revealed=("revealed", "sum"))
        for student, r in per.iterrows():
            students.append({"student": student, "bank": bank_id, "score": int(r["score"]), "total": int(r["total"]),
                             "answered": int(r["answered"]), "revealed": int(r["revealed"]),
                             "share": r["score"] / r["total"]})
        by_obj = part.groupby(["student", "objective"])["score"].agg(["sum", "size"])
        for student in per.index:
            for ob in bank.objectives:
                correct, total = (int(v) for v in by_obj.loc[(student, ob.id)]) if (student, ob.id) in by_obj.index \
                    else (0, 0)
                objectives.append({"student": student, "bank": bank_id, "objective": ob.id, "text": plain(ob.text),
                                   "correct": correct, "total": total,
                                   "share": correct / total if total else math.nan,
                                   "mastered": total > 0 and correct == total})
    obj = pd.DataFrame(objectives, columns=["student", "bank", "objective", "text", "correct", "total", "share",
                                            "mastered"])
    summary = (obj.groupby(["bank", "objective", "text"], sort=False)
               .agg(students=("student", "size"), questions=("total", "first"), mean_share=("share", "mean"),
                    mastered=("mastered", "sum"))
               .reset_index())
    summary["mastered"] = summary["mastered"].astype(int)
    summary["share_mastered"] = summary["mastered"] / summary["students"]
    return Analysis(
        results=results,
        items=pd.DataFrame(items, columns=["bank", "question", "position", "type", "objective", "students",
                                           "answered", "revealed", "difficulty", "point_biserial", "upper_lower",
                                           "flags"]),
        distractors=pd.DataFrame(distractors, columns=["bank", "question", "option", "text", "correct", "chosen",
                                                       "share"]),
        students=pd.DataFrame(students, columns=["student", "bank", "score", "total", "answered", "revealed",
                                                 "share"]),
        objectives=obj,
        objective_summary=summary,
        flags=pd.DataFrame(flags, columns=["bank", "question", "flag", "detail"]),
    )


def flagged(analysis: Analysis) -> set[tuple[str, str, str]]:
    """Every (bank, question, flag) found: what the tests compare with the synthetic class's design."""
    return {(r.bank, r.question, r.flag) for r in analysis.flags.itertuples()}


# ------------------------------------------------------------------------------------------ figures


def plot_difficulty_discrimination(items: pd.DataFrame, ax=None):
    """Difficulty (x) against corrected point-biserial (y), one labelled point per item, with the
    thresholds drawn as dashed lines. Returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.2))
    flagged_mask = items["flags"] != ""
    ax.axvspan(TOO_EASY, 1.02, color="0.92", zorder=0)
    ax.axvspan(-0.02, TOO_HARD, color="0.92", zorder=0)
    ax.axhspan(-1.02, NEGATIVE, color="0.85", zorder=0)
    for x in (TOO_HARD, TOO_EASY):
        ax.axvline(x, color="0.35", linestyle="--", linewidth=1)
    for y in (NEGATIVE, WEAK):
        ax.axhline(y, color="0.35", linestyle="--", linewidth=1)
    ok = items[~flagged_mask]
    bad = items[flagged_mask]
    ax.scatter(ok["difficulty"], ok["point_biserial"], marker="o", color="#1f5f99", label="no flag", zorder=3)
    ax.scatter(bad["difficulty"], bad["point_biserial"], marker="^", s=60, color="#b8420f", label="flagged",
               zorder=3)
    drawn = items[items["point_biserial"].notna()].sort_values(["difficulty", "question"])
    for k, row in enumerate(drawn.itertuples()):  # labels of neighbours alternate above and below
        ax.annotate(row.question, (row.difficulty, row.point_biserial), textcoords="offset points",
                    xytext=(5, 5 if k % 2 == 0 else -12), fontsize=8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-1.02, 1.02)
    ax.set_xlabel("Difficulty: share of students correct")
    ax.set_ylabel("Corrected point-biserial")
    ax.text(TOO_EASY + 0.01, -0.95, "too easy", fontsize=8)
    ax.text(0.0, -0.95, "too hard", fontsize=8)
    ax.text(0.35, NEGATIVE - 0.1, "discriminates negatively", fontsize=8)
    ax.text(0.35, (NEGATIVE + WEAK) / 2 - 0.03, "weak", fontsize=8)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return ax


def plot_objective_mastery(summary: pd.DataFrame, ax=None):
    """Per objective, the class's mean share of its questions correct (bars) and the share of
    students who mastered it (dots). Returns the matplotlib Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.55 * len(summary) + 1.3))
    labels = [f"{b} {o}" if summary["bank"].nunique() > 1 else o
              for b, o in zip(summary["bank"], summary["objective"], strict=True)]
    y = np.arange(len(summary))[::-1]
    ax.barh(y, summary["mean_share"], color="#1f5f99", height=0.6, label="mean share of questions correct")
    ax.scatter(summary["share_mastered"], y, color="#b8420f", marker="D", zorder=3,
               label="share of students who mastered it")
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share (0 to 1)")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return ax
