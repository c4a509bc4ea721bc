"""Answer keys: for every question the correct answer, the explanation, the source and the
objective, in Markdown (read back with markdown-it-py, a CommonMark parser) and HTML (read back
with Python's html.parser through BeautifulSoup), per module or for the whole course."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from recovery_science.bib import bib_keys
from recovery_science.cli import main
from recovery_science.instructor.banks import bounds, for_export, number, reference, select_banks
from recovery_science.instructor.keys import answer_key_html, answer_key_markdown, md_escape
from recovery_science.quiz.schema import load_bank_file

EDGE = Path(__file__).resolve().parent / "fixtures" / "banks" / "export-edge-cases.yaml"


def _banks():
    return select_banks([]) + [for_export(load_bank_file(EDGE, bib_keys()))]


def _expected(bank, q) -> dict[str, str]:
    if q.type == "single":
        answer = next(f"{o.id}) {o.text}" for o in q.options if o.correct)
    elif q.type == "multiple":
        answer = "; ".join(f"{o.id}) {o.text}" for o in q.options if o.correct)
    elif q.type == "truefalse":
        answer = "True" if q.answer else "False"
    else:
        low, high = bounds(q.answer, q.tolerance)
        answer = f"{number(q.answer)}{' ' + q.unit if q.unit else ''} (accepted: {low} to {high})"
    objective = next(o.text for o in bank.objectives if o.id == q.objective)
    return {"Question": " ".join(q.prompt.split()), "Correct answer": answer,
            "Explanation": " ".join(q.explanation.split()), "Source": reference(q.source),
            "Objective": f"{q.objective}: {objective}", "Level": q.level}


def _md_entries(text: str) -> list[dict[str, str]]:
    """Each question's list, as {label: value}, from the Markdown rendered by markdown-it-py."""
    soup = BeautifulSoup(MarkdownIt("commonmark").render(text), "html.parser")
    entries = []
    for h3 in soup.find_all("h3"):
        items = h3.find_next_sibling("ul").find_all("li")
        entries.append({li.strong.get_text().rstrip(":"): li.get_text()[len(li.strong.get_text()):].strip()
                        for li in items})
    return entries


def test_markdown_key_gives_every_question_its_answer_explanation_source_and_objective():
    banks = _banks()
    entries = _md_entries(answer_key_markdown(banks))
    expected = [_expected(b, q) for b in banks for q in b.questions]
    assert entries == expected


def test_html_key_gives_every_question_its_answer_explanation_source_and_objective():
    banks = _banks()
    soup = BeautifulSoup(answer_key_html(banks), "html.parser")
    assert soup.html["lang"] == "en" and soup.title.string == "Recovery Science answer key: whole course"
    assert [s["id"] for s in soup.select("section.bank")] == [b.id for b in banks]
    sections = soup.select("section.question")
    assert [s["id"] for s in sections] == [f"{b.id}--{q.id}" for b in banks for q in b.questions]
    for section, (bank, q) in zip(sections, [(b, q) for b in banks for q in b.questions], strict=True):
        got = {dt.get_text(): dt.find_next_sibling("dd").get_text() for dt in section.find_all("dt")}
        want = _expected(bank, q)
        want["Question"], want["Explanation"] = q.prompt, q.explanation  # HTML keeps line breaks as text
        assert got == want
    assert soup.find("script") is None  # a <script> in a bank is text, not markup


def test_one_module_key_is_titled_after_the_module(capsys, tmp_path):
    bank = select_banks(["01-biology"])[0]
    out = tmp_path / "bio.html"
    assert main(["keys", "01-biology", "--format", "html", "-o", str(out)]) == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.title.string == f"Recovery Science answer key: {bank.title}"
    assert len(soup.select("section.question")) == len(bank.questions)


@pytest.mark.parametrize("text", ["*a* _b_ `c` [d](e) <f> #g | h ~i~ & \\", "1. not a list", "- not a list"])
def test_markdown_escape_reads_back_as_the_same_text(text):
    html = MarkdownIt("commonmark").render(f"- **X:** {md_escape(text)}")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.li.get_text() == f"X: {text}"
    assert soup.find_all(["em", "code", "a"]) == []
