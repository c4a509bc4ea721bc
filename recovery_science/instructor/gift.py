"""Moodle GIFT text (https://docs.moodle.org/en/GIFT_format).

One ``$CATEGORY`` per bank, then one question per block::

    // 01-biology/heroin-metabolites · objective LO1 · level understand · source milella2023heroin
    ::heroin-metabolites::[plain]In what order is heroin converted in the body? {
    =Heroin, then 6-monoacetylmorphine (6-MAM), then morphine#Right. …
    ~Heroin, then morphine, then …#Not quite. …
    ####Heroin (3,6-diacetylmorphine) is … Source\\: Milella et al. …
    }

Texts are ``[plain]`` (shown as written) with GIFT's special characters ``~ = # { } :`` and the
backslash escaped by a backslash and line breaks written as ``\\n``. What GIFT cannot express
(the all-or-nothing rule of multiple select, numeric low/high feedback, units) is listed in
``book/for-instructors.md``.
"""

from __future__ import annotations

from typing import Iterable

from ..quiz.schema import Bank
from .banks import COURSE, LICENCE, bounds, for_export, number, reference

_SPECIAL = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:"}


def escape(text: str) -> str:
    """GIFT-escape one piece of text and keep it on one line."""
    out = "".join(_SPECIAL.get(ch, ch) for ch in text)
    return out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def _comment(text: str) -> str:
    return " ".join(text.split())


def _fraction(n_correct: int) -> str:
    return number(round(100 / n_correct, 5))


def general_feedback(question) -> str:
    """The explanation, numeric low/high feedback (GIFT has no place for it) and the source."""
    parts = [question.explanation]
    if question.type == "numeric":
        low, high = bounds(question.answer, question.tolerance)
        parts.append(f"If your answer was below {low}: {question.feedback.low}")
        parts.append(f"If your answer was above {high}: {question.feedback.high}")
    parts.append(f"Source: {reference(question.source)}")
    return " ".join(parts)


def prompt(question) -> str:
    unit = getattr(question, "unit", None)
    return f"{question.prompt} (Unit: {unit}.)" if question.type == "numeric" and unit else question.prompt


def _answers(question) -> list[str]:
    if question.type == "single":
        return [f"{'=' if o.correct else '~'}{escape(o.text)}#{escape(o.feedback)}" for o in question.options]
    if question.type == "multiple":
        n_right = sum(o.correct for o in question.options)
        n_wrong = len(question.options) - n_right
        right, wrong = _fraction(n_right), _fraction(max(n_wrong, 1))
        return [
            f"~%{right if o.correct else '-' + wrong}%{escape(o.text)}#{escape(o.feedback)}" for o in question.options
        ]
    if question.type == "truefalse":
        # {TRUE#feedback for a wrong answer#feedback for the right answer}
        fb = question.feedback
        wrong, right = (fb.if_false, fb.if_true) if question.answer else (fb.if_true, fb.if_false)
        return [f"{'TRUE' if question.answer else 'FALSE'}#{escape(wrong)}#{escape(right)}"]
    return [f"#=%100%{number(question.answer)}:{number(question.tolerance)}#{escape(question.feedback.correct)}"]


def question_gift(bank: Bank, question) -> str:
    head = (
        f"// {bank.id}/{question.id} · objective {question.objective} · level {question.level}"
        f" · source {question.source}"
    )
    body = "\n".join(_answers(question))
    return (
        f"{head}\n::{escape(question.id)}::[plain]{escape(prompt(question))} {{\n{body}\n"
        f"####{escape(general_feedback(question))}\n}}\n"
    )


def banks_to_gift(banks: Iterable[Bank]) -> str:
    """The GIFT file for the given banks: a header comment, then per bank a category and its questions."""
    out = [f"// {COURSE}: question banks exported by recovery-science export gift", f"// {LICENCE}", ""]
    for bank in map(for_export, banks):
        out.append(f"// {bank.id}: {_comment(bank.title)}")
        for obj in bank.objectives:
            out.append(f"// {obj.id}: {_comment(obj.text)}")
        out.append(f"$CATEGORY: {COURSE}/{bank.id}")
        out.append("")
        for question in bank.questions:
            out.append(question_gift(bank, question))
    return "\n".join(out)
