"""Answer keys: for each question the correct answer, the explanation, the source and the objective.

``answer_key_markdown(banks)`` and ``answer_key_html(banks)`` cover the banks given: one bank for a
module's key, every bank for the whole course. The HTML is a complete page (lxml builds it, so
every text is escaped); the Markdown escapes the characters Markdown would otherwise read as markup.
"""

from __future__ import annotations

import re
from typing import Iterable

from lxml import etree
from lxml.html import builder as E

from ..quiz.schema import Bank
from .banks import COURSE, LICENCE, correct_answer, for_export, reference

NOTE = (
    "For instructors. Keep this key out of students' hands while the questions are used for grading; "
    "the book's practice quizzes show the answers to students by design."
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")


def md_escape(text: str) -> str:
    """Backslash-escape what Markdown (CommonMark) could read as markup inside a list item or heading."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _rows(bank: Bank, question) -> list[tuple[str, str]]:
    objective = next((o.text for o in bank.objectives if o.id == question.objective), "")
    return [
        ("Question", question.prompt),
        ("Correct answer", correct_answer(question)),
        ("Explanation", question.explanation),
        ("Source", reference(question.source)),
        ("Objective", f"{question.objective}: {objective}"),
        ("Level", question.level),
    ]


def _title(banks: list[Bank]) -> str:
    return f"{COURSE} answer key: " + (banks[0].title if len(banks) == 1 else "whole course")


def answer_key_markdown(banks: Iterable[Bank]) -> str:
    banks = [for_export(b) for b in banks]
    out = [f"# {md_escape(_title(banks))}", "", md_escape(NOTE), ""]
    for bank in banks:
        out += [f"## {md_escape(bank.id)}: {md_escape(bank.title)}", ""]
        for i, q in enumerate(bank.questions, 1):
            out += [f"### {i}. {md_escape(q.id)} ({md_escape(q.type)})", ""]
            out += [f"- **{label}:** {md_escape(value)}" for label, value in _rows(bank, q)]
            out.append("")
    out += [md_escape(LICENCE), ""]
    return "\n".join(out)


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5;"
    "color:#1a1a1a}dt{font-weight:600}dd{margin:0 0 .5rem 1.5rem}section.question{border-top:1px solid #ccc}"
    "@media print{section.bank{break-before:page}}"
)


def answer_key_html(banks: Iterable[Bank]) -> str:
    banks = [for_export(b) for b in banks]
    sections = []
    for bank in banks:
        questions = []
        for i, q in enumerate(bank.questions, 1):
            items = []
            for label, value in _rows(bank, q):
                items += [E.DT(label), E.DD(value)]
            questions.append(
                E.SECTION(E.H3(f"{i}. {q.id} ({q.type})"), E.DL(*items), E.CLASS("question"), id=f"{bank.id}--{q.id}")
            )
        sections.append(E.SECTION(E.H2(f"{bank.id}: {bank.title}"), *questions, E.CLASS("bank"), id=bank.id))
    page = E.HTML(
        E.HEAD(E.META(charset="utf-8"), E.TITLE(_title(banks)), E.STYLE(_CSS)),
        E.BODY(E.MAIN(E.H1(_title(banks)), E.P(NOTE), *sections, E.FOOTER(E.P(LICENCE)))),
        lang="en",
    )
    return "<!DOCTYPE html>\n" + etree.tostring(page, encoding="unicode", method="html", pretty_print=True)
