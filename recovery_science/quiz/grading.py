"""The grading rules, written down once. Two graders follow them: this module (the widget front)
and ``book/_static/quiz.js`` (the book, no kernel). ``tests/grading_cases.json`` runs through both
(``tests/test_grading.py``, and ``tests/test_node_grading.py`` in Node), and a hypothesis test
compares them on generated responses. DEVELOPING.md repeats these rules for course developers.

What a response may be (anything else is **invalid**: it is not graded, does not count as an
attempt, and the student is told what to enter):

- **single choice**: a string that is one of the question's option ids.
- **multiple select**: a list of option ids (a Python tuple also works: JSON has only lists), at
  least one; a repeated id counts once. A bare string, a number, a dict, an empty list, or a list
  holding anything that is not an option id (an unknown id, a number, a list) is invalid as a
  whole. Correct iff exactly the keyed set is chosen (no partial credit); feedback is given for
  every chosen option, in option order (the order shown: see :mod:`.order`), and the result
  counts the keyed options not chosen (``missing``), which the fronts say as a number only.
- **true/false**: ``True``/``False``, or exactly the strings ``"true"``/``"false"`` (the form
  values). ``"True"``, ``" true"``, ``1`` and ``0`` are invalid.
- **numeric**: typed text, or a number.

  - Text: any character outside Unicode's Basic Multilingual Plane (or a lone surrogate) makes
    it invalid; then it is normalised with NFKC, and ASCII whitespace (space, tab, LF, VT, FF,
    CR) is trimmed from both ends. What is left must be an optional sign (``+``/``-``), ASCII
    digits ``0-9`` and at most one decimal mark, ``.`` or ``,``, with a digit on at least one
    side of it: ``4.5``, ``4,5``, ``-.5``, ``5.``. So full-width ``４.７`` (NFKC makes it
    ``4.7``) is accepted, while Arabic-Indic ``٤.٧``, exponents (``4.7e0``), thousands
    separators (``1,000.5``), units (``4.7%``), ``inf`` and ``nan`` are invalid.
    (Why the plane rule: Python 3.11 normalises with Unicode 14, browsers with newer tables;
    newer characters such as the outlined digits U+1CCF0-U+1CCF9 normalise to ASCII digits in a
    browser and not in Python. Inside the Basic Multilingual Plane both agree on every
    character, which tests/test_node_grading.py checks one code point at a time.)
  - A number (``int``/``float``, never a ``bool``) is taken as it is.
  - Either way, a value that is not finite (infinity, NaN, or text too long to be a finite
    float) is invalid.
  - Correct iff ``|x - answer| <= tolerance`` with the bounds included: the comparison allows
    ``EPSILON * max(1, |answer|)`` for binary floating point (``4.7 - 0.1`` is
    ``4.6000000000000005`` and ``0.7 + 0.1`` is ``0.7999999999999999``, so without it ``4.6``
    would be too low and ``0.8`` too high). Otherwise ``low`` or ``high`` feedback.

A question's score is its latest graded attempt; attempts are counted; invalid answers are not.
A question whose answer the student asked to see ("Show answer") is recorded as revealed and is
never scored as correct again, even when answered right afterwards (until "Reset quiz").
The per-type functions below are registered in :mod:`recovery_science.quiz.types`.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

Status = Literal["correct", "incorrect", "invalid"]

# ASCII only: no \d (which matches every Unicode digit) and no re.match ($ allows a final "\n").
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)", re.ASCII)
_ASCII_SPACE = " \t\n\v\f\r"
# Allowance for binary floating point at the tolerance bounds (4.7 - 0.1 is 4.6000000000000005).
EPSILON = 1e-9

MSG_CHOOSE_ONE = "Choose an answer, then press Check."
MSG_CHOOSE_SOME = "Select at least one option, then press Check."
MSG_NUMBER = "Enter a number such as 4.5 or 4,5 (digits only, no thousands separators)."


@dataclass(frozen=True)
class Result:
    status: Status
    feedback: tuple[str, ...] = ()
    message: str = ""
    outcome: str = ""  # numeric: low / correct / high
    missing: int = 0  # multiple select: keyed options not chosen

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def parse_number(value: Any) -> float | None:
    """A typed number (or a number) as a finite float; ``None`` when it is not one (see above)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return _finite(float(value))
        except OverflowError:  # an int too large for a float
            return None
    if not isinstance(value, str):
        return None
    if any(ord(ch) > 0xFFFF or 0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        return None
    text = unicodedata.normalize("NFKC", value).strip(_ASCII_SPACE)
    if not _NUMBER.fullmatch(text):
        return None
    return _finite(float(text.replace(",", ".")))


def as_bool(value: Any) -> bool | None:
    """A true/false response: ``True``/``False`` or exactly ``"true"``/``"false"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return None


def option_ids(value: Any, valid: set[str]) -> set[str] | None:
    """A multiple-select response as a set of option ids, or ``None`` when it is not one."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    if not all(isinstance(v, str) and v in valid for v in value):
        return None
    return set(value)


def grade_single(question, response: Any) -> Result:
    options = {o.id: o for o in question.options}
    if not isinstance(response, str) or response not in options:
        return Result("invalid", message=MSG_CHOOSE_ONE)
    chosen = options[response]
    return Result("correct" if chosen.correct else "incorrect", (chosen.feedback,))


def grade_multiple(question, response: Any) -> Result:
    chosen = option_ids(response, {o.id for o in question.options})
    if chosen is None:
        return Result("invalid", message=MSG_CHOOSE_SOME)
    keyed = {o.id for o in question.options if o.correct}
    feedback = tuple(o.feedback for o in question.options if o.id in chosen)
    return Result("correct" if chosen == keyed else "incorrect", feedback, missing=len(keyed - chosen))


def grade_truefalse(question, response: Any) -> Result:
    value = as_bool(response)
    if value is None:
        return Result("invalid", message=MSG_CHOOSE_ONE)
    fb = question.feedback.if_true if value else question.feedback.if_false
    return Result("correct" if value == question.answer else "incorrect", (fb,))


def grade_numeric(question, response: Any) -> Result:
    x = parse_number(response)
    if x is None:
        return Result("invalid", message=MSG_NUMBER)
    slack = question.tolerance + EPSILON * max(1.0, abs(question.answer))
    if x < question.answer - slack:
        return Result("incorrect", (question.feedback.low,), outcome="low")
    if x > question.answer + slack:
        return Result("incorrect", (question.feedback.high,), outcome="high")
    return Result("correct", (question.feedback.correct,), outcome="correct")


def grade(question, response: Any) -> Result:
    """Grade one response to one question (the rules are in this module's docstring)."""
    from .types import question_type

    return question_type(question.type).grade(question, response)


def utc_now() -> str:
    """Now as ISO 8601 UTC with milliseconds, as JavaScript's ``Date.toISOString`` writes it."""
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class QuestionRecord:
    """One question's stored record (format 2, DEVELOPING.md "Stored answers")."""

    objective: str | None = None
    attempts: int = 0
    response: Any = None
    verdict: Status | None = None  # of the latest graded attempt: "correct" or "incorrect"
    revealed: bool = False
    first_attempt: str | None = None
    last_attempt: str | None = None
    revealed_at: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"objective": self.objective, "attempts": self.attempts, "response": self.response,
                "verdict": self.verdict, "revealed": self.revealed, "first_attempt": self.first_attempt,
                "last_attempt": self.last_attempt, "revealed_at": self.revealed_at}


@dataclass
class QuizState:
    """Per-question records; the score counts questions whose latest attempt is correct and whose
    answer was not shown."""

    question_ids: tuple[str, ...]
    records: dict[str, QuestionRecord] = field(default_factory=dict)
    objectives: dict[str, str] = field(default_factory=dict)
    clock: Callable[[], str] = utc_now

    def _rec(self, qid: str) -> QuestionRecord:
        return self.records.setdefault(qid, QuestionRecord(objective=self.objectives.get(qid)))

    def record(self, qid: str, response: Any, result: Result) -> None:
        if result.status == "invalid":
            return
        rec = self._rec(qid)
        now = self.clock()
        rec.attempts += 1
        rec.verdict = result.status
        rec.response = response
        rec.first_attempt = rec.first_attempt or now
        rec.last_attempt = now

    def reveal(self, qid: str) -> None:
        """Show answer: the question is revealed from now on (it no longer scores)."""
        rec = self._rec(qid)
        if not rec.revealed:
            rec.revealed = True
            rec.revealed_at = self.clock()

    def clear(self) -> None:
        """Reset quiz: every record goes."""
        self.records.clear()

    def get(self, qid: str) -> QuestionRecord | None:
        return self.records.get(qid)

    def attempts(self, qid: str) -> int:
        rec = self.records.get(qid)
        return rec.attempts if rec else 0

    @property
    def score(self) -> int:
        return sum(1 for r in self.records.values() if r.verdict == "correct" and not r.revealed)

    @property
    def revealed(self) -> int:
        return sum(1 for r in self.records.values() if r.revealed)

    @property
    def total(self) -> int:
        return len(self.question_ids)

    def stored(self, bank_id: str, bank_version: str) -> dict[str, Any]:
        """The records in the stored format 2 (what quiz.js keeps under recovery-science:v2:<bank>)."""
        return {"version": 2, "bank": bank_id, "bank_version": bank_version, "saved": self.clock(),
                "questions": {qid: self.records[qid].as_json() for qid in self.question_ids if qid in self.records}}
