"""Moodle XML export. Moodle publishes no XML Schema for this format, so the output is checked
against Moodle's own examples (tests/fixtures/moodle/moodle-examples.xml: the expected output of
Moodle's XML exporter, from Moodle's tests): each question uses only elements the example of its
type uses, in the same order, with the same attributes; and the content round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from recovery_science.bib import bib_keys
from recovery_science.instructor.banks import for_export, number, reference, select_banks
from recovery_science.instructor.moodle_xml import banks_to_moodle_xml
from recovery_science.quiz.schema import load_bank_file

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EDGE = FIXTURES / "banks" / "export-edge-cases.yaml"
# Moodle's grade list for an answer (question/format.php, question_bank::fraction_options_full()):
# the fractions the import accepts exactly, as percentages, also negated for wrong answers.
MOODLE_FRACTIONS = {100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667,
                    14.28571, 12.5, 11.11111, 10, 5, 0}
MOODLE_TYPE = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse", "numeric": "numerical"}


def _shape(q) -> list[str]:
    """Child element names in order, a run of the same element counted once."""
    out: list[str] = []
    for child in q:
        if isinstance(child.tag, str) and (not out or out[-1] != child.tag):
            out.append(child.tag)
    return out


@pytest.fixture(scope="module")
def examples() -> dict[str, etree._Element]:
    root = etree.parse(str(FIXTURES / "moodle" / "moodle-examples.xml")).getroot()
    return {q.get("type"): q for q in root.iter("question")}


@pytest.fixture(scope="module")
def exported():
    banks = select_banks([]) + [for_export(load_bank_file(EDGE, bib_keys()))]
    return banks, etree.fromstring(banks_to_moodle_xml(banks))


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    it = iter(whole)
    return all(tag in it for tag in part)


def test_the_shape_check_bites(examples):
    """An element out of Moodle's order, or one Moodle does not write, fails the check."""
    order = _shape(examples["truefalse"])
    assert _is_subsequence(["name", "questiontext", "answer"], order)
    assert not _is_subsequence(["questiontext", "name"], order)
    assert not _is_subsequence(["name", "single"], order)


def test_every_question_follows_moodles_example_of_its_type(examples, exported):
    _, root = exported
    tags_example = _shape(examples["description"])
    assert tags_example[-1] == "tags"
    seen = set()
    for q in root.iter("question"):
        kind = q.get("type")
        seen.add(kind)
        example = examples[kind]
        shape = _shape(q)
        if kind != "category":
            assert shape[-1] == "tags"
            shape = shape[:-1]  # Moodle writes tags last (the description example)
        assert _is_subsequence(shape, _shape(example)), (kind, shape, _shape(example))
        for el in q.iter():
            in_tags = any(a.tag == "tags" for a in el.iterancestors()) or el.tag == "tags"
            source = examples["description"] if in_tags else example
            twin = source if el is q else next(source.iter(el.tag), None)
            assert twin is not None, (kind, el.tag)
            assert set(el.attrib) <= set(twin.attrib), (kind, el.tag, el.attrib)
        for ans in q.findall("answer"):
            assert float(ans.get("fraction").lstrip("-")) in MOODLE_FRACTIONS
    assert seen == {"category", "multichoice", "truefalse", "numerical"}


def _html_text(el) -> str:
    """The text of an HTML fragment stored in a Moodle <text> element."""
    return etree.fromstring(f"<div>{el.findtext('text')}</div>", etree.HTMLParser()).xpath("string(//div)")


def test_every_question_keeps_id_feedback_explanation_source_and_tolerance(exported):
    banks, root = exported
    questions = [q for q in root.iter("question") if q.get("type") != "category"]
    categories = [q for q in root.iter("question") if q.get("type") == "category"]
    assert [c.findtext("category/text") for c in categories] == [f"$course$/top/Recovery Science/{b.id}" for b in banks]
    assert [c.findtext("idnumber") for c in categories] == [b.id for b in banks]
    flat = [q for b in banks for q in b.questions]
    assert len(questions) == len(flat)
    for el, q in zip(questions, flat, strict=True):
        assert el.get("type") == MOODLE_TYPE[q.type]
        assert el.findtext("name/text") == q.id == el.findtext("idnumber")
        assert _html_text(el.find("questiontext")).startswith(q.prompt)
        assert _html_text(el.find("generalfeedback")) == f"{q.explanation}\nSource: {reference(q.source)}".replace(
            "\n", "")
        assert [t.findtext("text") for t in el.findall("tags/tag")] == [
            f"objective:{q.objective}", f"level:{q.level}", f"source:{q.source}"]
        answers = [(a.get("fraction"), a.findtext("text"), _html_text(a.find("feedback")))
                   for a in el.findall("answer")]
        if q.type in ("single", "multiple"):
            assert el.findtext("single") == ("true" if q.type == "single" else "false")
            assert [(a[1], a[2]) for a in answers] == [(o.text, o.feedback) for o in q.options]
            fractions = [float(a[0]) for a in answers]
            assert [f > 0 for f in fractions] == [o.correct for o in q.options]
            assert sum(f for f in fractions if f > 0) == pytest.approx(100, abs=1e-3)
            assert el.findtext("shuffleanswers") == ("true" if getattr(q, "shuffle", True) else "false")
        elif q.type == "truefalse":
            right = "true" if q.answer else "false"
            assert answers == [("100" if right == "true" else "0", "true", q.feedback.if_true),
                               ("100" if right == "false" else "0", "false", q.feedback.if_false)]
        else:
            assert answers[0][:2] == ("100", number(q.answer))
            assert answers[0][2] == q.feedback.correct
            assert el.find("answer/tolerance").text == number(q.tolerance)
            assert answers[1][:2] == ("0", "*")
            assert q.feedback.low in answers[1][2] and q.feedback.high in answers[1][2]


def test_special_characters_survive_xml_and_html(exported):
    _, root = exported
    q = next(q for q in root.iter("question") if q.findtext("name/text") == "special-single")
    wrong = q.findall("answer")[1]
    assert _html_text(wrong.find("feedback")) == "No ~ = # { } : \\ <script>alert(1)</script>"
    assert "<script>" not in wrong.findtext("feedback/text")  # escaped inside the HTML, not markup
