"""Grading rules, shared by the widget front (this module) and the static front
(``book/_static/quiz.js``, a line-for-line port). ``tests/grading_cases.json`` runs against both.

- single choice, true/false: correct iff the keyed option is chosen;
- multiple select: correct iff exactly the keyed set is chosen (no partial credit); feedback is
  given for every chosen option;
- numeric: correct iff |x - answer| <= tolerance (bounds included, with a tiny allowance for
  binary floating point); "1.5" and "1,5" both mean 1.5; a blank or non-number is not graded;
- a question's score is its latest graded attempt; attempts are counted; an ungraded (invalid)
  answer is not an attempt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .schema import MultipleQuestion, NumericQuestion, Question, SingleQuestion, TrueFalseQuestion

Status = Literal["correct", "incorrect", "invalid"]

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
# Allowance for binary floating point at the tolerance bounds (4.7 - 0.2 is 4.499999...).
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

    @property
    def correct(self) -> bool:
        return self.status == "correct"


def parse_number(text: Any) -> float | None:
    """Parse a typed number; ``None`` for blank or non-numbers. A comma is a decimal mark."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float)):
        return float(text)
    s = str(text).strip()
    if not _NUMBER.match(s):
        return None
    return float(s.replace(",", "."))


def _as_bool(response: Any) -> bool | None:
    if isinstance(response, bool):
        return response
    if isinstance(response, str) and response.strip().lower() in ("true", "false"):
        return response.strip().lower() == "true"
    return None


def grade(question: Question, response: Any) -> Result:
    if isinstance(question, SingleQuestion):
        options = {o.id: o for o in question.options}
        if not isinstance(response, str) or response not in options:
            return Result("invalid", message=MSG_CHOOSE_ONE)
        chosen = options[response]
        return Result("correct" if chosen.correct else "incorrect", (chosen.feedback,))
    if isinstance(question, MultipleQuestion):
        if isinstance(response, str):
            response = [response]
        valid = {o.id for o in question.options}
        chosen_ids = {r for r in (response or []) if isinstance(r, str) and r in valid}
        if not chosen_ids:
            return Result("invalid", message=MSG_CHOOSE_SOME)
        keyed = {o.id for o in question.options if o.correct}
        feedback = tuple(o.feedback for o in question.options if o.id in chosen_ids)
        return Result("correct" if chosen_ids == keyed else "incorrect", feedback)
    if isinstance(question, TrueFalseQuestion):
        value = _as_bool(response)
        if value is None:
            return Result("invalid", message=MSG_CHOOSE_ONE)
        fb = question.feedback.if_true if value else question.feedback.if_false
        return Result("correct" if value == question.answer else "incorrect", (fb,))
    if isinstance(question, NumericQuestion):
        x = parse_number(response)
        if x is None:
            return Result("invalid", message=MSG_NUMBER)
        slack = question.tolerance + EPSILON * max(1.0, abs(question.answer))
        if x < question.answer - slack:
            return Result("incorrect", (question.feedback.low,), outcome="low")
        if x > question.answer + slack:
            return Result("incorrect", (question.feedback.high,), outcome="high")
        return Result("correct", (question.feedback.correct,), outcome="correct")
    raise TypeError(f"unknown question type {type(question).__name__}")


@dataclass
class QuestionRecord:
    attempts: int = 0
    latest: Status | None = None
    response: Any = None


@dataclass
class QuizState:
    """Per-question attempts and latest result; the score counts latest-correct questions."""

    question_ids: tuple[str, ...]
    records: dict[str, QuestionRecord] = field(default_factory=dict)

    def record(self, qid: str, response: Any, result: Result) -> None:
        if result.status == "invalid":
            return
        rec = self.records.setdefault(qid, QuestionRecord())
        rec.attempts += 1
        rec.latest = result.status
        rec.response = response

    def reset(self, qid: str) -> None:
        """Try again: clear the shown answer; the attempt count is kept."""
        rec = self.records.get(qid)
        if rec is not None:
            rec.latest = None
            rec.response = None

    def attempts(self, qid: str) -> int:
        rec = self.records.get(qid)
        return rec.attempts if rec else 0

    @property
    def score(self) -> int:
        return sum(1 for r in self.records.values() if r.latest == "correct")

    @property
    def total(self) -> int:
        return len(self.question_ids)
