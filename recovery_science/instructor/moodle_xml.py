"""Moodle XML (https://docs.moodle.org/en/Moodle_XML_format), written with lxml.

Moodle publishes no schema for this format; the element order and names follow Moodle's own
exporter (``question/format/xml``), and ``tests/test_export_moodle_xml.py`` checks the output
against the examples in Moodle's tests. Per bank: one ``category`` question, then its questions,
each with its id as ``name`` and ``idnumber``, the explanation and source as general feedback,
per-answer feedback, and the objective, level and source as tags.
"""

from __future__ import annotations

import html
from typing import Iterable

from lxml import etree

from ..quiz.schema import Bank
from .banks import COURSE, LICENCE, bounds, for_export, number, reference
from .gift import prompt


def _html(text: str) -> str:
    return "<p>" + html.escape(text, quote=False).replace("\n", "<br>") + "</p>"


def _text(parent: etree._Element, tag: str, text: str, fmt: str | None = "html", **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, **({"format": fmt} if fmt else {}), **attrs)
    etree.SubElement(el, "text").text = _html(text) if fmt == "html" else text
    return el


def _plain(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value


def general_feedback(question) -> str:
    return f"{question.explanation}\nSource: {reference(question.source)}"


def _answer(q: etree._Element, fraction: str, text: str, feedback: str, fmt: str = "plain_text") -> etree._Element:
    ans = etree.SubElement(q, "answer", fraction=fraction, format=fmt)
    etree.SubElement(ans, "text").text = text
    _text(ans, "feedback", feedback)
    return ans


_MOODLE_TYPE = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse", "numeric": "numerical"}


def question_element(question) -> etree._Element:
    q = etree.Element("question", type=_MOODLE_TYPE[question.type])
    name = etree.SubElement(q, "name")
    etree.SubElement(name, "text").text = question.id
    _text(q, "questiontext", prompt(question))
    _text(q, "generalfeedback", general_feedback(question))
    _plain(q, "defaultgrade", "1")
    _plain(q, "penalty", "0")
    _plain(q, "hidden", "0")
    _plain(q, "idnumber", question.id)
    if question.type in ("single", "multiple"):
        n_right = sum(o.correct for o in question.options)
        n_wrong = len(question.options) - n_right
        _plain(q, "single", "true" if question.type == "single" else "false")
        _plain(q, "shuffleanswers", "true" if getattr(question, "shuffle", True) else "false")
        _plain(q, "answernumbering", "abc")
        _plain(q, "showstandardinstruction", "0")
        _text(q, "correctfeedback", "Your answer is correct.")
        _text(q, "partiallycorrectfeedback", "Your answer is partly correct.")
        _text(q, "incorrectfeedback", "Your answer is incorrect.")
        etree.SubElement(q, "shownumcorrect")
        for o in question.options:
            if question.type == "single":
                fraction = "100" if o.correct else "0"
            else:
                fraction = number(round(100 / n_right, 5)) if o.correct else "-" + number(round(100 / n_wrong, 5))
            _answer(q, fraction, o.text, o.feedback)
    elif question.type == "truefalse":
        _answer(q, "100" if question.answer else "0", "true", question.feedback.if_true)
        _answer(q, "0" if question.answer else "100", "false", question.feedback.if_false)
    else:
        ans = _answer(q, "100", number(question.answer), question.feedback.correct)
        _plain(ans, "tolerance", number(question.tolerance))
        low, high = bounds(question.answer, question.tolerance)
        other = _answer(
            q, "0", "*",
            f"Below {low}: {question.feedback.low}\nAbove {high}: {question.feedback.high}",
        )
        _plain(other, "tolerance", "0")
    tags = etree.SubElement(q, "tags")
    for tag in (f"objective:{question.objective}", f"level:{question.level}", f"source:{question.source}"):
        t = etree.SubElement(tags, "tag")
        etree.SubElement(t, "text").text = tag
    return q


def banks_to_moodle_xml(banks: Iterable[Bank]) -> bytes:
    quiz = etree.Element("quiz")
    quiz.append(etree.Comment(f" {COURSE}: exported by recovery-science export moodle-xml. {LICENCE} "))
    for bank in map(for_export, banks):
        cat = etree.SubElement(quiz, "question", type="category")
        c = etree.SubElement(cat, "category")
        etree.SubElement(c, "text").text = f"$course$/top/{COURSE}/{bank.id}"
        objectives = "\n".join(f"{o.id}: {o.text}" for o in bank.objectives)
        _text(cat, "info", f"{bank.title}\n{objectives}")
        _plain(cat, "idnumber", bank.id)
        for question in bank.questions:
            quiz.append(question_element(question))
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)
