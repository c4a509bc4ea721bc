"""The live front: the quiz as ipywidgets in a Jupyter kernel.

Headless-testable: set an answer widget's ``value`` and call ``check.click()``.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ..bib import format_reference
from .grading import QuizState, Result, grade
from .schema import Bank, Question
from .static import answer_hint, plain, rich
from .types import question_type

# JupyterLab's theme variables, so the verdict keeps its contrast in light and dark themes
# (with a fixed fallback for front ends without them).
_COLOURS = {
    "correct": "var(--jp-success-color0, #1a7f37)",
    "incorrect": "var(--jp-error-color0, #b3261e)",
    "invalid": "var(--jp-warn-color0, #6b4e00)",
}
_HEADINGS = {"correct": "Correct.", "incorrect": "Not quite.", "invalid": "Not checked."}


class QuestionWidget(widgets.VBox):
    """One question: answer input, Check, Try again, feedback."""

    def __init__(self, question: Question, number: int, state: QuizState, on_change):
        self.question = question
        self.state = state
        self._on_change = on_change
        prompt = widgets.HTML(
            f"<p><b>Question {number}.</b> {rich(question.prompt)} <i>{answer_hint(question)}</i></p>"
        )
        self.answer = self._make_answer(question)
        self.check = widgets.Button(description="Check", button_style="primary", tooltip="Check your answer")
        self.retry = widgets.Button(description="Try again", tooltip="Clear your answer and try again")
        self.attempts = widgets.Label("")
        self.feedback = widgets.HTML("")
        self.check.on_click(lambda _b: self.submit())
        self.retry.on_click(lambda _b: self.try_again())
        super().__init__(
            [prompt, self.answer, widgets.HBox([self.check, self.retry, self.attempts]), self.feedback],
            layout=widgets.Layout(margin="0 0 1em 0"),
        )

    @staticmethod
    def _make_answer(q: Question) -> widgets.Widget:
        kind = question_type(q.type).input
        choices = question_type(q.type).choices(q)
        if kind == "checkbox":
            return widgets.VBox([
                widgets.Checkbox(value=False, description=plain(text), indent=False,
                                 layout=widgets.Layout(width="auto"))
                for _oid, text in choices
            ])
        if kind == "number":
            unit = f" ({plain(q.unit)})" if getattr(q, "unit", None) else ""
            return widgets.Text(value="", placeholder="e.g. 4.5", description=f"Answer{unit}:",
                                style={"description_width": "initial"})
        return widgets.RadioButtons(options=[(plain(text), oid) for oid, text in choices], value=None,
                                    layout=widgets.Layout(width="auto"))

    def response(self) -> Any:
        if question_type(self.question.type).input == "checkbox":
            ids = [oid for oid, _text in question_type(self.question.type).choices(self.question)]
            return [oid for oid, box in zip(ids, self.answer.children, strict=True) if box.value]
        return self.answer.value

    def set_response(self, value: Any) -> None:
        """Set the answer as a student would (used by tests and by `QuizWidget.answer`); None clears."""
        qtype = question_type(self.question.type)
        if qtype.input == "checkbox":
            chosen = set(value) if isinstance(value, (list, tuple, set)) else set()
            for (oid, _text), box in zip(qtype.choices(self.question), self.answer.children, strict=True):
                box.value = oid in chosen
        elif qtype.input == "number":
            self.answer.value = "" if value is None else str(value)
        else:
            self.answer.value = qtype.form_value(self.question, value)

    def submit(self) -> Result:
        response = self.response()
        result = grade(self.question, response)
        self.state.record(self.question.id, response, result)
        self.feedback.value = self._feedback_html(result)
        n = self.state.attempts(self.question.id)
        self.attempts.value = f"Attempts: {n}" if n else ""
        self._on_change()
        return result

    def try_again(self) -> None:
        self.state.reset(self.question.id)
        self.set_response(None)
        self.feedback.value = ""
        self._on_change()

    def _feedback_html(self, result: Result) -> str:
        colour = _COLOURS[result.status]
        head = f'<b style="color:{colour}">{_HEADINGS[result.status]}</b>'
        if result.status == "invalid":
            return f"<div>{head} {html.escape(result.message)}</div>"
        items = "".join(f"<li>{rich(f)}</li>" for f in result.feedback)
        source = html.escape(format_reference(self.question.source))
        return (
            f'<div role="status">{head}<ul>{items}</ul>'
            f"<p><b>Explanation.</b> {rich(self.question.explanation)}</p>"
            f"<p><small><b>Source:</b> {source}</small></p></div>"
        )


class QuizWidget(widgets.VBox):
    """A whole bank: a running score, then one `QuestionWidget` per question."""

    def __init__(self, bank: Bank):
        self.bank = bank
        self.state = QuizState(tuple(q.id for q in bank.questions))
        self.score = widgets.HTML()
        self.questions = [
            QuestionWidget(q, i, self.state, self._update_score)
            for i, q in enumerate(bank.questions, start=1)
        ]
        self._update_score()
        title = widgets.HTML(f"<h3>{rich(bank.title)}</h3>")
        super().__init__([title, self.score, *self.questions])

    def _update_score(self) -> None:
        self.score.value = f"<p><b>Score: {self.state.score} of {self.state.total} correct</b></p>"

    def question(self, qid: str) -> QuestionWidget:
        for w in self.questions:
            if w.question.id == qid:
                return w
        raise KeyError(qid)

    def answer(self, qid: str, value: Any) -> Result:
        """Set an answer and press Check, as a student would."""
        w = self.question(qid)
        w.set_response(value)
        return w.submit()
