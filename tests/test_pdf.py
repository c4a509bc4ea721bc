"""`make pdf`: the course as one PDF, printed by Chromium from the built book with its print styles."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from recovery_science.quiz import load_bank
from recovery_science.tools import pdf

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]


def test_toc_order_lists_every_page_once_starting_with_the_intro():
    pages = pdf.toc_pages(ROOT / "_toc.yml")
    assert pages[0] == "book/intro.html"
    assert "notebooks/01-biology-of-opioid-dependence.html" in pages
    assert len(pages) == len(set(pages))


def test_pdf_of_a_module_page_keeps_questions_and_help_but_no_answers(browser, book_html, tmp_path):
    out = tmp_path / "course.pdf"
    pages = ["book/help.html", "notebooks/00-how-this-course-works.html"]
    printed, n = pdf.build(Path(book_html), out, pages, browser)
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert printed == 2 and n == len(reader.pages) >= 2
    assert [item.title for item in reader.outline] == ["book/help", "notebooks/00-how-this-course-works"]
    # NFKC undoes the typesetting's ligatures ("ﬁ" -> "fi")
    text = unicodedata.normalize("NFKC", " ".join(" ".join(page.extract_text().split()) for page in reader.pages))
    bank = load_bank("00-how-this-course-works")
    assert "1-800-662-4357" in text  # the help notice and the helpline are kept
    first = " ".join(bank.questions[0].prompt.split())
    assert first[:40] in text  # the questions are printed ...
    for q in bank.questions:  # ... without their explanations (the answers)
        assert " ".join(q.explanation.split())[:60] not in text, q.id
    assert not list(tmp_path.glob("*.tmp"))


def test_pdf_of_a_module_page_keeps_its_figures(browser, book_html, tmp_path):
    """Module 1's figures far down the page are printed too (not left out as an image not loaded
    yet would be: no loading="lazy", recovery_science.sphinxext). The figures are SVG with their
    text as text (recovery_science.figures), so their labels are in the PDF's text."""
    out = tmp_path / "module1.pdf"
    pdf.build(Path(book_html), out, ["notebooks/01-biology-of-opioid-dependence.html"], browser)
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = unicodedata.normalize("NFKC", " ".join(" ".join(page.extract_text().split()) for page in reader.pages))
    page = (Path(book_html) / "notebooks" / "01-biology-of-opioid-dependence.html").read_text(encoding="utf-8")
    for label in ("Effect (fraction of system maximum)", "Agonist concentration (unitless, log scale; Kd = 1)",
                  "Deaths per 100,000 (age-adjusted)"):
        assert label in text, f"figure label {label!r} not printed"
    assert "Effect (fraction of system maximum)" not in page, "the receptor label is the figure's own"


def test_a_missing_page_stops_with_one_line_and_writes_nothing(book_html, tmp_path):
    out = tmp_path / "course.pdf"
    with pytest.raises(SystemExit, match="not in .*book/nowhere.html .*make book"):
        pdf.build(Path(book_html), out, ["book/nowhere.html"])
    assert not out.exists()
