"""Printing a module page (or saving it as PDF) gives a readable document: in print media the quiz
shows its questions and options, and no feedback, answers, buttons, score or run notice; the help
notices stay. Checked on Module 1 with feedback and a shown answer on screen, and on the page as
an unrun notebook shows it (quiz.js blocked: the run notice is still there)."""

from __future__ import annotations

import pytest
from browserutil import QUIZ_PAGES, answer, goto, keyed_response, open_page, wait_for_quiz, wrong_response

from recovery_science.quiz import load_bank

pytestmark = pytest.mark.browser
BANK = "01-biology"

VISIBLE = """(sel) => Array.from(document.querySelectorAll(sel)).filter(n => {
  const r = n.getBoundingClientRect();
  return getComputedStyle(n).visibility !== 'hidden' && r.width > 0 && r.height > 0;
}).length"""


def _count(page, selector: str) -> int:
    return page.evaluate(VISIBLE, selector)


def _help_notices_visible(page) -> None:
    assert _count(page, ".bd-header-announcement") == 1, "the site-wide help banner is hidden in print"
    assert "1-800-662-4357" in page.locator(".bd-header-announcement").inner_text()
    notice = page.locator("blockquote", has_text="not medical advice").first
    assert notice.is_visible() and "1-800-662-4357" in notice.inner_text()


def test_printed_module_has_questions_without_answers(browser, book_server):
    bank = load_bank(BANK)
    qs = list(bank.questions)
    with open_page(browser, book_server) as (_, page, _watch):
        goto(page, book_server, QUIZ_PAGES[BANK])
        wait_for_quiz(page, BANK)
        answer(page, BANK, qs[0], keyed_response(qs[0]))
        answer(page, BANK, qs[1], wrong_response(qs[1])[0])
        page.locator(f"#rsq-{BANK}-{qs[1].id} button.rs-show").click()
        assert _count(page, ".rs-feedback") == 2 and _count(page, ".rs-actions button") > 0  # on screen

        page.emulate_media(media="print")
        assert _count(page, ".rs-q legend") == len(qs)
        assert _count(page, ".rs-option") > len(qs)
        for selector in (".rs-feedback", ".rs-answer", ".rs-explanation", ".rs-actions", "button",
                         ".rs-quiz-score", ".rs-quiz-note", ".rs-quiz-foot"):
            assert _count(page, f"#rsq-{BANK} {selector}") == 0, f"{selector} is printed"
        _help_notices_visible(page)
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 50_000


def test_printed_unrun_page_hides_the_run_notice(browser, book_server):
    with open_page(browser, book_server) as (_, page, _watch):
        page.route("**/_static/quiz.js*", lambda route: route.abort())
        goto(page, book_server, QUIZ_PAGES[BANK])
        assert _count(page, ".rs-run-notice") == 1  # on screen: "Run this cell ..."
        page.emulate_media(media="print")
        assert _count(page, ".rs-run-notice") == 0
        assert _count(page, f"#rsq-{BANK} .rs-q legend") > 0
        _help_notices_visible(page)
