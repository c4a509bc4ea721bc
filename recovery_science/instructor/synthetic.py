"""A synthetic class for the item analysis: seeded, with known properties, written as the files
the "My progress" page exports.

``python -m recovery_science.instructor.synthetic`` (re)writes ``data/instructor/synthetic-class/``:
``N_STUDENTS`` progress exports (JSON, format version 1, the page's ``Download JSON``), one per
made-up student, answering a made-up quiz shipped beside them (``quiz/synthetic-quiz.yaml``,
eight neutral items; not a course bank, so that editing a module's quiz never changes the
example). No real person's answers are in it.

How each file is made: a student's answers go through the quiz engine's own record-keeping
(``QuizState.record`` / ``reveal`` / ``stored``, the Python twin of quiz.js, which writes the
stored format 2 of ``recovery_science/quiz/stored.schema.json``), then into the export's envelope
in the key order of progress.js ``exportData``, serialised as the page does
(``JSON.stringify(data, null, 2)`` and a newline). tests/test_item_analysis.py checks every file
against progress.js's own ``exportData`` in Node.

The design (``DESIGN``): each student has an ability drawn from a normal distribution (seeded);
most items are answered correctly with a probability that rises with ability, and three stand out:

- ``item-02`` is answered correctly by all but the two weakest students: **too easy**;
- ``item-07`` is answered correctly mostly by students with low scores elsewhere:
  **discriminates negatively**;
- ``item-03``'s wrong answers all go to option b: option c is a **distractor never chosen**.

Some students try an item more than once, a few press Show answer (which scores 0), a few skip
an item. The script checks that the analysis finds exactly ``EXPECTED_FLAGS`` and stops
otherwise, so the shipped files always have the stated properties; ``--check`` compares the
shipped files with a fresh run, byte for byte (a test does the same).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

from ..paths import data_dir
from ..quiz.grading import QuizState, grade
from ..quiz.order import bank_version
from ..quiz.schema import Bank, load_bank_file
from . import analysis

SEED = 20261126
N_STUDENTS = 40
BANK = "synthetic-quiz"
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc)

# Per question: its role, and the parameters of the chance of a right answer,
# logistic(SLOPE * (ability - location)) for "normal" items.
SLOPE = 3.0
DESIGN = {
    "item-01": {"role": "normal", "location": -0.6, "wrong": [["a"], ["c"]]},
    "item-02": {"role": "too easy", "wrong": [["false"]]},
    "item-03": {"role": "normal", "location": -0.9, "wrong": [["b"]]},
    "item-04": {"role": "normal", "location": -0.1, "right": ["a", "c"],
                "wrong": [["a"], ["a", "b", "c"], ["c", "d"], ["a", "b"]]},
    "item-05": {"role": "normal", "location": -0.3, "wrong": [["a"], ["b"], ["d"]]},
    "item-06": {"role": "normal", "location": 0.2, "right": "12.5", "wrong": [["12"], ["12,8"], ["25"]]},
    "item-07": {"role": "negative", "location": 0.0, "right": "7,4", "wrong": [["18.5"], ["7.9"], ["0.1"]]},
    "item-08": {"role": "normal", "location": 0.3, "wrong": [["a"], ["b"], ["c"]]},
}
EXPECTED_FLAGS = {
    (BANK, "item-02", analysis.FLAG_TOO_EASY),
    (BANK, "item-07", analysis.FLAG_NEGATIVE),
    (BANK, "item-03", analysis.FLAG_UNUSED),
}
SKIP_SHARE = 0.03  # a question left unanswered
REVEAL_SHARE = 0.03  # Show answer pressed after a wrong first try


def default_folder() -> Path:
    return data_dir() / "instructor" / "synthetic-class"


def quiz_folder() -> Path:
    """The folder of the synthetic quiz (``--banks`` of ``recovery-science report``)."""
    return default_folder() / "quiz"


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Clock:
    """The times of one student's session: each event a few seconds to minutes after the last."""

    def __init__(self, start: dt.datetime, rng: np.random.Generator):
        self.t, self.rng = start, rng

    def __call__(self) -> str:
        self.t += dt.timedelta(milliseconds=int(self.rng.integers(4_000, 180_000)))
        return _iso(self.t)


def _right(question) -> object:
    if question.type == "single":
        return next(o.id for o in question.options if o.correct)
    if question.type == "truefalse":
        return "true" if question.answer else "false"
    return DESIGN[question.id]["right"]


def _wrong(question, rng: np.random.Generator) -> object:
    options = DESIGN[question.id]["wrong"]
    pick = options[int(rng.integers(len(options)))]
    return pick if question.type == "multiple" else pick[0]


def _chance(role: str, ability: float, rank: int, spec: dict) -> float:
    if role == "too easy":
        return 0.0 if rank < 2 else 1.0
    if role == "negative":
        return 1 / (1 + math.exp(SLOPE * (ability - spec["location"])))
    return 1 / (1 + math.exp(-SLOPE * (ability - spec["location"])))


def export_text(data: dict) -> str:
    """An export as the page writes it: ``JSON.stringify(data, null, 2) + "\\n"``."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def make_class(bank: Bank, seed: int = SEED, n: int = N_STUDENTS) -> dict[str, str]:
    """The synthetic class: file name -> file text."""
    rng = np.random.default_rng(seed)
    abilities = rng.normal(0.0, 1.0, n)
    ranks = {int(i): r for r, i in enumerate(np.argsort(abilities))}  # 0 = weakest
    version = bank_version(bank)
    objectives = {q.id: q.objective for q in bank.questions}
    files = {}
    for i in range(n):
        clock = _Clock(START + dt.timedelta(minutes=53 * i), rng)
        state = QuizState(tuple(q.id for q in bank.questions), objectives=objectives, clock=clock)
        for q in bank.questions:
            spec = DESIGN[q.id]
            if spec["role"] == "normal" and rng.random() < SKIP_SHARE:
                continue
            correct = rng.random() < _chance(spec["role"], abilities[i], ranks[i], spec)
            if spec["role"] == "normal" and rng.random() < 0.25:  # a wrong try first, then the answer
                first = _wrong(q, rng)
                state.record(q.id, first, grade(q, first))
                if not correct and rng.random() < REVEAL_SHARE / 0.25:
                    state.reveal(q.id)
                    continue
            response = _right(q) if correct else _wrong(q, rng)
            state.record(q.id, response, grade(q, response))
        student = f"S-{i + 1:03d}"
        stored = state.stored(bank.id, version)  # saved now; the export a little later
        data = {"format": analysis.EXPORT_FORMAT, "version": analysis.EXPORT_VERSION, "exported": clock(),
                "student": student, "banks": {bank.id: stored}}
        files[f"{student}.json"] = export_text(data)
    return files


def write_class(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("S-*.json"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")


def check_design(folder: Path, bank: Bank) -> set[tuple[str, str, str]]:
    """The flags the analysis finds in ``folder`` that differ from ``EXPECTED_FLAGS`` (empty: as designed)."""
    found = analysis.flagged(analysis.analyse(analysis.load_results(folder, {bank.id: bank})))
    return found ^ EXPECTED_FLAGS


def synthetic_bank() -> Bank:
    return load_bank_file(quiz_folder() / f"{BANK}.yaml", None)


def stale_files(folder: Path, files: dict[str, str]) -> list[str]:
    """The names in ``folder`` that a fresh run would write differently, add or remove."""
    present = {p.name for p in folder.glob("S-*.json")} if folder.is_dir() else set()
    out = sorted(present ^ set(files))
    out += sorted(n for n in set(files) & present if (folder / n).read_bytes() != files[n].encode("utf-8"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m recovery_science.instructor.synthetic",
        description="Write the seeded synthetic class (progress exports with known item-analysis properties).",
    )
    parser.add_argument("-o", "--output", type=Path, help="folder to write (default: data/instructor/synthetic-class)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the shipped files differ")
    args = parser.parse_args(argv)
    folder = args.output or default_folder()
    bank = synthetic_bank()
    files = make_class(bank)
    with tempfile.TemporaryDirectory(prefix="rs-class-") as tmp:
        write_class(Path(tmp), files)
        wrong = check_design(Path(tmp), bank)
    if wrong:
        print(f"synthetic: the class does not have its designed properties; flags differing: {sorted(wrong)}",
              file=sys.stderr)
        return 1
    if args.check:
        stale = stale_files(folder, files)
        if stale:
            print(f"synthetic: {folder} is out of date ({', '.join(stale[:5])}"
                  f"{' ...' if len(stale) > 5 else ''}); run: python -m recovery_science.instructor.synthetic")
            return 1
        print(f"synthetic: {folder} is current ({len(files)} files)")
        return 0
    write_class(folder, files)
    print(f"synthetic: wrote {len(files)} files to {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
