"""One table of per-type behaviour: everything the engine does differently for a question type.

``TYPES`` is keyed by the bank's ``type`` literal. The fronts never branch on the type themselves:
the widget front (``widget.py``) and the static front (``static.py``) ask this table, and
``book/_static/quiz.js`` has the matching ``TYPES`` table. Adding a question type is a schema
model, one entry here, one entry there and grading cases (DEVELOPING.md, "Add a question type").

Each entry says:

- ``input``: how a student answers: ``"radio"`` (one of ``choices``), ``"checkbox"`` (any of
  ``choices``, the response is a list of ids) or ``"number"`` (a typed number, in a text box);
- ``hint``: how to answer, shown after the prompt unless the prompt already says it;
- ``grade(question, response)``: the rule, from :mod:`.grading`;
- ``choices(question)``: the ``(id, text)`` pairs shown for radio and checkbox inputs;
- ``client(question)``: what quiz.js needs, beyond id, type, explanation and source, to grade;
- ``reveal(question)``: the right answer as text, shown by "Show answer" (a list: the keyed
  option(s), True or False, or the number with its unit and the accepted range);
- ``per_option``: feedback is one line per chosen option, each led by the option's text
  (multiple select);
- ``form_value(question, value)``: a response given through the Python API (``QuizWidget.answer``)
  as the input holds it (true/false: ``True`` becomes ``"true"``).

Choice options are listed in the order both fronts show them when the bank went through
:func:`.order.arrange` (the fronts do that; the table itself keeps whatever order it is given).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Literal

from . import grading

Input = Literal["radio", "checkbox", "number"]


def _same(_question: Any, value: Any) -> Any:
    return value


def _options(question: Any) -> list[tuple[str, str]]:
    return [(o.id, o.text) for o in question.options]


def _client_options(question: Any) -> dict[str, Any]:
    return {"options": [{"id": o.id, "text": o.text, "correct": o.correct, "feedback": o.feedback}
                        for o in question.options]}


def _keyed(question: Any) -> list[str]:
    return [o.text for o in question.options if o.correct]


def _decimal(x: float) -> str:
    """A number as written in a bank: plain decimal, no exponent, no binary noise."""
    text = format(Decimal(repr(float(x))).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _numeric_reveal(question: Any) -> list[str]:
    unit = "" if not question.unit else question.unit if question.unit.startswith("%") else f" {question.unit}"
    text = f"{_decimal(question.answer)}{unit}"
    if question.tolerance:
        low = Decimal(repr(question.answer)) - Decimal(repr(question.tolerance))
        high = Decimal(repr(question.answer)) + Decimal(repr(question.tolerance))
        text += f" (anything from {_decimal(float(low))} to {_decimal(float(high))} is accepted)"
    return [text]


def _tf_value(_question: Any, value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@dataclass(frozen=True)
class QuestionType:
    input: Input
    hint: str
    grade: Callable[[Any, Any], grading.Result]
    choices: Callable[[Any], list[tuple[str, str]]]
    client: Callable[[Any], dict[str, Any]]
    reveal: Callable[[Any], list[str]]
    per_option: bool = False
    form_value: Callable[[Any, Any], Any] = _same


TYPES: dict[str, QuestionType] = {
    "single": QuestionType(
        input="radio", hint="Choose one answer.", grade=grading.grade_single,
        choices=_options, client=_client_options, reveal=_keyed,
    ),
    "multiple": QuestionType(
        input="checkbox", hint="Select all that apply.", grade=grading.grade_multiple,
        choices=_options, client=_client_options, reveal=_keyed, per_option=True,
    ),
    "truefalse": QuestionType(
        input="radio", hint="True or false?", grade=grading.grade_truefalse,
        choices=lambda q: [("true", "True"), ("false", "False")],
        client=lambda q: {"answer": q.answer,
                          "feedback": {"if_true": q.feedback.if_true, "if_false": q.feedback.if_false}},
        reveal=lambda q: ["True" if q.answer else "False"],
        form_value=_tf_value,
    ),
    "numeric": QuestionType(
        input="number", hint="Type a number.", grade=grading.grade_numeric,
        choices=lambda q: [],
        client=lambda q: {"answer": q.answer, "tolerance": q.tolerance, "feedback": q.feedback.model_dump()},
        reveal=_numeric_reveal,
    ),
}


def question_type(name: str) -> QuestionType:
    try:
        return TYPES[name]
    except KeyError:
        raise KeyError(f"unknown question type '{name}': add it to TYPES in recovery_science/quiz/types.py") from None
