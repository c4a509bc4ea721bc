"""The static front: a bank rendered as self-contained HTML that ``book/_static/quiz.js`` makes
interactive in the published book (no kernel, no server).

Every bank string is HTML-escaped; the only markup a bank may use is {avoid}`term`, which marks
a term the course teaches students to avoid. Element ids derive from the bank and question ids,
and options come in the order :mod:`.order` fixes, so the output is identical on every run
(strict nbval compares it). The output holds no ``<form>`` and no button: in an unrun notebook
JupyterLab shows this HTML, and nothing in it may submit or navigate. It carries a notice ("Run
this cell ...", class ``rs-run-notice``) that quiz.js removes, and its inputs are disabled until
quiz.js enables them.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from ..bib import format_reference
from ..language import plain_avoid
from ..outputs import NO_MATH_CLASS
from .order import arrange, bank_version
from .schema import Bank, Question
from .types import question_type

AVOID = re.compile(r"\{avoid\}`([^`]+)`")
BIBLIOGRAPHY_PAGE = "book/bibliography.html"


def rich(text: str) -> str:
    """Escape bank text for HTML, then render the {avoid}`term` markup."""
    return AVOID.sub(
        lambda m: f'<del class="rs-avoid" title="term to avoid">{m.group(1)}</del>',
        html.escape(text, quote=True),
    )


def plain(text: str) -> str:
    """Bank text as plain text (text/plain, widget labels): a term to avoid stays marked as one,
    as “term” (term to avoid), since plain text cannot strike it through."""
    return AVOID.sub(lambda m: plain_avoid(m.group(1)), text)


def client_question(question: Question, with_source: bool = True) -> dict[str, Any]:
    """What quiz.js needs to grade one question and give feedback (same rules as grading.py);
    the widget front, which formats the source itself, asks without it."""
    data: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "objective": question.objective,
        "explanation": question.explanation,
        "reveal": question_type(question.type).reveal(question),
    }
    if with_source:
        data["source"] = {"key": question.source, "text": format_reference(question.source)}
    data.update(question_type(question.type).client(question))
    return data


def _json_for_script(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def answer_hint(q: Question) -> str:
    """How to answer ("Choose one answer."), or "" when the prompt already says it."""
    hint = question_type(q.type).hint
    return "" if hint.rstrip(".?").lower() in q.prompt.lower() else hint


def _hint(q: Question) -> str:
    hint = answer_hint(q)
    return f' <span class="rs-hint">{hint}</span>' if hint else ""


RUN_NOTICE = "Run this cell to use the quiz here (JupyterLab), or answer it in the course book."


def _question_html(bank: Bank, number: int, q: Question) -> str:
    """One question: its inputs in a fieldset rendered disabled (quiz.js enables them; in an unrun
    notebook nothing invites an answer), an empty group for the buttons quiz.js adds, and the
    feedback area. No form and no button here: nothing in stored HTML can submit or navigate."""
    qid = f"rsq-{bank.id}-{q.id}"
    esc = html.escape
    parts = [
        f'<div class="rs-q" id="{qid}" data-rs-qid="{esc(q.id)}" data-rs-type="{q.type}">',
        "<fieldset disabled>",
        f'<legend><span class="rs-qnum">Question {number}.</span> {rich(q.prompt)}{_hint(q)}</legend>',
    ]
    kind = question_type(q.type).input
    if kind == "number":
        label = f"Your answer{f' ({plain(q.unit)})' if getattr(q, 'unit', None) else ''}"
        parts.append(
            f'<div class="rs-numeric"><label for="{qid}-input">{esc(label)}</label> '
            f'<input type="text" inputmode="decimal" autocomplete="off" spellcheck="false" '
            f'id="{qid}-input" name="{qid}-input"></div>'
        )
    else:
        parts.append('<div class="rs-options">')
        for oid, text in question_type(q.type).choices(q):
            iid = f"{qid}-{oid}"
            parts.append(
                f'<div class="rs-option"><input type="{kind}" id="{iid}" name="{qid}" value="{esc(oid)}">'
                f'<label for="{iid}">{rich(text)}</label></div>'
            )
        parts.append("</div>")
    parts += [
        "</fieldset>",
        f'<div class="rs-actions" role="group" aria-label="Question {number}"></div>',
        '<div class="rs-feedback" role="status" aria-live="polite"></div>',
        "</div>",
    ]
    return "\n".join(parts)


def render_html(bank: Bank) -> str:
    """The bank as the book shows it (options in display order, see :mod:`.order`)."""
    version = bank_version(bank)
    bank = arrange(bank)
    qs = bank.questions
    data = {"bank": bank.id, "version": version, "questions": [client_question(q) for q in qs],
            "bibliography": BIBLIOGRAPHY_PAGE}
    body = "\n".join(_question_html(bank, i, q) for i, q in enumerate(qs, start=1))
    return "\n".join(
        [
            f'<div class="rs-quiz {NO_MATH_CLASS}" id="rsq-{bank.id}" data-rs-quiz="{bank.id}" '
            f'data-rs-version="{version}">',
            '<div class="rs-quiz-head">',
            f'<p class="rs-quiz-title">{rich(bank.title)}</p>',
            f'<p class="rs-run-notice rs-search-skip">{RUN_NOTICE}</p>',
            f'<p class="rs-quiz-score" aria-live="polite">Score: <span class="rs-score">0</span> of '
            f'<span class="rs-total">{len(qs)}</span> correct<span class="rs-shown"></span></p>',
            "</div>",
            body,
            '<div class="rs-quiz-foot"></div>',
            f'<script type="application/json" class="rs-quiz-data">{_json_for_script(data)}</script>',
            "<noscript><p>Turn on JavaScript to check your answers on this page; "
            "the questions can still be read and printed.</p></noscript>",
            "</div>",
        ]
    )


def render_text(bank: Bank) -> str:
    """text/plain: the quiz as readable text (a terminal, or a front that renders neither)."""
    bank = arrange(bank)
    lines = [plain(bank.title), ""]
    for i, q in enumerate(bank.questions, start=1):
        hint = answer_hint(q)
        lines.append(f"{i}. {plain(q.prompt)}" + (f" [{hint}]" if hint else ""))
        for oid, text in question_type(q.type).choices(q):
            lines.append(f"   ({oid}) {plain(text)}")
    lines.append("")
    lines.append(RUN_NOTICE)
    return "\n".join(lines)
