"""The live front: the quiz as ipywidgets in a Jupyter kernel.

Headless-testable: set an answer widget's ``value`` and call ``check.click()``.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from ..bib import format_reference
from .feedback import score_text, view
from .grading import QuizState, Result, grade
from .order import arrange, bank_version
from .schema import Bank, Question
from .static import answer_hint, client_question, plain, rich
from .types import question_type

# JupyterLab's theme variables, so the verdict keeps its contrast in light and dark themes
# (with a fixed fallback for front ends without them).
_COLOURS = {
    "correct": "var(--jp-success-color0, #1a7f37)",
    "incorrect": "var(--jp-error-color0, #b3261e)",
    "invalid": "var(--jp-warn-color0, #6b4e00)",
    "revealed": "var(--jp-ui-font-color1, #333)",
}
# At most about one line between questions (issue 7): tight margins, and empty parts take no room.
_QUESTION_GAP = "0 0 0.75em 0"
# ipywidgets gives each radio/checkbox label one fixed-height line: a long option wraps onto the next
# option (and covers its button) or is cut short. Let the quiz's option labels take their height.
_CHOICE_CSS = (
    "<style>"
    ".rs-quiz-choices .widget-radio-box label, .rs-quiz-choices .widget-checkbox,"
    " .rs-quiz-choices .widget-checkbox label {"
    " height: auto; min-height: var(--jp-widgets-inline-height, 28px); line-height: 1.35;"
    " white-space: normal; overflow: visible; text-overflow: clip; }"
    ".rs-quiz-choices .widget-radio-box label { display: flex; align-items: flex-start; margin: 0.25em 0; }"
    ".rs-quiz-choices .widget-radio-box input, .rs-quiz-choices .widget-checkbox input {"
    " flex: none; height: auto; margin-top: 0.15em; }"
    "</style>"
)
_HIDDEN, _SHOWN = "none", ""


def _result_json(result: Result | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {"status": result.status, "feedback": list(result.feedback), "message": result.message,
            "outcome": result.outcome, "missing": result.missing}


class QuestionWidget(widgets.VBox):
    """One question: answer input, Check, Try again (after a wrong answer), Show answer (after an
    attempt), feedback. What is shown comes from :func:`.feedback.view`, as in quiz.js."""

    def __init__(self, question: Question, number: int, state: QuizState, on_change, client=None):
        self.question = question
        self.state = state
        self._on_change = on_change
        self._client = client or client_question(question, with_source=False)
        self._result: Result | None = None
        prompt = widgets.HTML(
            f'<p style="margin:0"><b>Question {number}.</b> {rich(question.prompt)} <i>{answer_hint(question)}</i></p>'
        )
        self.answer = self._make_answer(question)
        self.check = widgets.Button(description="Check", button_style="primary", tooltip="Check your answer")
        self.retry = widgets.Button(description="Try again", tooltip="Clear your answer and try again")
        self.show_answer = widgets.Button(description="Show answer",
                                          tooltip="Show the answer (this question will not count towards your score)")
        self.attempts = widgets.Label("")
        self.feedback = widgets.HTML("")
        self.check.on_click(lambda _b: self.submit())
        self.retry.on_click(lambda _b: self.try_again())
        self.show_answer.on_click(lambda _b: self.reveal())
        super().__init__(
            [prompt, self.answer, widgets.HBox([self.check, self.retry, self.show_answer, self.attempts]),
             self.feedback],
            layout=widgets.Layout(margin=_QUESTION_GAP),
        )
        self._draw()

    @staticmethod
    def _make_answer(q: Question) -> widgets.Widget:
        kind = question_type(q.type).input
        choices = question_type(q.type).choices(q)
        if kind == "checkbox":
            boxes = widgets.VBox([
                widgets.Checkbox(value=False, description=plain(text), indent=False,
                                 layout=widgets.Layout(width="auto"))
                for _oid, text in choices
            ])
            boxes.add_class("rs-quiz-choices")
            return boxes
        if kind == "number":
            unit = f" ({plain(q.unit)})" if getattr(q, "unit", None) else ""
            return widgets.Text(value="", placeholder="e.g. 4.5", description=f"Answer{unit}:",
                                style={"description_width": "initial"})
        radios = widgets.RadioButtons(options=[(plain(text), oid) for oid, text in choices], value=None,
                                      layout=widgets.Layout(width="auto"))
        radios.add_class("rs-quiz-choices")
        return radios

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
        self._result = result
        self._draw()
        self._on_change()
        return result

    def try_again(self) -> None:
        """Clear the answer and the feedback; the record (attempts, latest answer) is kept."""
        self._result = None
        self.set_response(None)
        self._draw()

    def reveal(self) -> None:
        """Show answer: the right answer, explanation and source; the question no longer scores."""
        self.state.reveal(self.question.id)
        self._draw()
        self._on_change()

    def reset(self) -> None:
        self._result = None
        self.set_response(None)
        self._draw()

    def view(self) -> dict[str, Any]:
        rec = self.state.get(self.question.id)
        return view(self._client, rec.as_json() if rec else None, _result_json(self._result))

    def _draw(self) -> None:
        v = self.view()
        self.retry.layout.display = _SHOWN if v["retry"] else _HIDDEN
        self.show_answer.layout.display = _SHOWN if v["show_answer"] else _HIDDEN
        self.attempts.value = v["attempts"]
        self.feedback.value = self._feedback_html(v)
        self.feedback.layout.display = _SHOWN if self.feedback.value else _HIDDEN

    def _feedback_html(self, v: dict[str, Any]) -> str:
        if not v["status"]:
            return ""
        colour = _COLOURS[v["status"]]
        parts = [f'<div role="status" style="margin:0"><p style="margin:0.25em 0"><b style="color:{colour}">'
                 f'{v["heading"]}</b></p>']
        if v["message"]:
            parts.append(f'<p style="margin:0.25em 0">{html.escape(v["message"])}</p>')
        if v["items"]:
            items = "".join(
                "<li>" + (f"<b>{rich(i['label'])}</b>: " if i["label"] else "") + f"{rich(i['text'])}</li>"
                for i in v["items"]
            )
            parts.append(f'<ul style="margin:0.25em 0">{items}</ul>')
        if v["missing"]:
            parts.append(f'<p style="margin:0.25em 0">{html.escape(v["missing"])}</p>')
        if v["answer"]:
            label = "The answer:" if len(v["answer"]) == 1 else "The correct options:"
            items = "".join(f"<li>{rich(a)}</li>" for a in v["answer"])
            parts.append(f'<p style="margin:0.25em 0"><b>{label}</b></p><ul style="margin:0.25em 0">{items}</ul>')
        if v["explain"]:
            source = html.escape(format_reference(self.question.source))
            parts.append(f'<p style="margin:0.25em 0"><b>Explanation.</b> {rich(self.question.explanation)}</p>'
                         f'<p style="margin:0.25em 0"><small><b>Source:</b> {source}</small></p>')
        if v["note"]:
            parts.append(f'<p style="margin:0.25em 0"><i>{html.escape(v["note"])}</i></p>')
        parts.append("</div>")
        return "".join(parts)


class QuizWidget(widgets.VBox):
    """A whole bank: a running score, one `QuestionWidget` per question (options in display
    order, :mod:`.order`), then a quiet "Reset quiz" at the end."""

    def __init__(self, bank: Bank):
        self.version = bank_version(bank)
        bank = arrange(bank)
        self.bank = bank
        self.state = QuizState(tuple(q.id for q in bank.questions),
                               objectives={q.id: q.objective for q in bank.questions})
        self.score = widgets.HTML()
        self.questions = [
            QuestionWidget(q, i, self.state, self._update_score)
            for i, q in enumerate(bank.questions, start=1)
        ]
        self.reset_all = widgets.Button(description="Reset quiz", tooltip="Clear every answer to this quiz",
                                        layout=widgets.Layout(margin="0.5em 0 0 0"))
        self.reset_all.on_click(lambda _b: self.reset())
        self._update_score()
        title = widgets.HTML(f'{_CHOICE_CSS}<h3 style="margin:0.25em 0">{rich(bank.title)}</h3>')
        super().__init__([title, self.score, *self.questions, self.reset_all])

    def _update_score(self) -> None:
        text = score_text(self.state.score, self.state.total, self.state.revealed)
        self.score.value = f'<p style="margin:0 0 0.5em 0"><b>{html.escape(text)}</b></p>'

    def reset(self) -> None:
        """Reset quiz: clear every answer, attempt and shown answer."""
        self.state.clear()
        for w in self.questions:
            w.reset()
        self._update_score()

    def stored(self) -> dict[str, Any]:
        """This session's answers in the stored format 2 (as quiz.js saves them in the book)."""
        return self.state.stored(self.bank.id, self.version)

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
