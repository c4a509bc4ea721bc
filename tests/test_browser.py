"""The published book in a real browser (Debian's Chromium driven by Playwright).

Every test loads the real built book from a local server (tests/conftest.py) in its own browser
context, so storage never leaks from one test into another. The quiz tests act like a student:
they click, type and press keys, then read what the page shows.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

import jsonschema
import pytest
from browserutil import (
    INTRO_BANK,
    INTRO_PAGE,
    QUIZ_PAGES,
    STORAGE_PREFIX,
    V1_PREFIX,
    Watch,
    answer,
    attempts,
    baseline_errors,
    built_pages,
    feedback_items,
    form,
    goto,
    keyed_feedback,
    keyed_response,
    new_errors,
    open_page,
    quiz_state,
    score,
    set_response,
    shown_items,
    stored,
    verdict,
    wait_for_quiz,
    wrong_response,
)

from recovery_science.bib import format_reference
from recovery_science.quiz import load_bank
from recovery_science.quiz import static as quiz_static
from recovery_science.quiz.order import bank_version, display_order
from recovery_science.quiz.schema import parse_bank
from recovery_science.quiz.static import AVOID, client_question, render_html

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent
BANK = INTRO_BANK
VALIDATOR = jsonschema.Draft202012Validator(
    json.loads((HERE.parent / "recovery_science" / "quiz" / "stored.schema.json").read_text(encoding="utf-8")))


def visible(text: str) -> str:
    """What a page shows of bank text: the avoid markup becomes a struck-through term (its textContent)."""
    return AVOID.sub(lambda m: m.group(1), text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def intro_bank():
    return load_bank(INTRO_BANK)


def _no_new_errors(browser, base, watch, rel=INTRO_PAGE, init_script=None):
    """No uncaught exception or console error beyond those the page shows without quiz.js."""
    new = new_errors(watch, baseline_errors(browser, base, rel, init_script))
    assert not new, "errors the quiz caused:\n" + "\n".join(new)


def _open_intro(browser, base, **context_args):
    """Context manager: a fresh context on the intro page with its quiz started."""
    cm = open_page(browser, base, **context_args)

    class _Opened:
        def __enter__(self):
            self.context, self.page, self.watch = cm.__enter__()
            goto(self.page, base, INTRO_PAGE)
            wait_for_quiz(self.page, BANK)
            return self.context, self.page, self.watch

        def __exit__(self, *exc):
            return cm.__exit__(*exc)

    return _Opened()


# ------------------------------------------------------------------------------------------
# 1-4: answering


def test_right_answer_shows_feedback_explanation_and_resolving_source(browser, book_server, intro_bank):
    q = intro_bank.question("helpline-number")
    with _open_intro(browser, book_server) as (context, page, watch):
        assert score(page, BANK) == 0
        answer(page, BANK, q, "a")
        box = form(page, BANK, q.id).locator(".rs-feedback")
        assert box.is_visible()
        assert box.get_attribute("role") == "status" and box.get_attribute("aria-live") == "polite"
        assert verdict(page, BANK, q.id) == "Correct."
        assert feedback_items(page, BANK, q.id) == [next(o.feedback for o in q.options if o.id == "a")]
        expl = _squash(box.locator(".rs-explanation").inner_text())
        assert expl == _squash("Explanation. " + visible(q.explanation))
        source = box.locator(".rs-source")
        assert source.inner_text().startswith("Source:")
        link = source.locator("a")
        assert link.inner_text().strip() == format_reference(q.source)
        href = link.get_attribute("href")
        assert href.endswith(f"book/bibliography.html#cite-{q.source}"), href
        assert score(page, BANK) == 1
        assert attempts(page, BANK, q.id) == "Attempts: 1"
        resolved = link.evaluate("a => a.href")
        assert resolved == f"{book_server}/book/bibliography.html#cite-{q.source}"
        goto(page, book_server, resolved[len(book_server) + 1:])
        assert page.locator(f"[id='cite-{q.source}']").count() == 1, f"no #cite-{q.source} on the bibliography page"
        _no_new_errors(browser, book_server, watch)


def _buttons(page, qid) -> list[str]:
    return quiz_state(page, BANK)["forms"][qid]["buttons"]


def test_wrong_answer_then_try_again_then_right(browser, book_server, intro_bank):
    q = intro_bank.question("helpline-number")
    with _open_intro(browser, book_server) as (context, page, watch):
        assert _buttons(page, q.id) == ["Check"], "Try again and Show answer wait for an attempt"
        answer(page, BANK, q, "b")
        assert verdict(page, BANK, q.id) == "Not quite."
        assert feedback_items(page, BANK, q.id) == [next(o.feedback for o in q.options if o.id == "b")]
        box = form(page, BANK, q.id).locator(".rs-feedback")
        assert box.locator(".rs-explanation").count() == 0 and box.locator(".rs-source").count() == 0
        assert "rs-incorrect" in form(page, BANK, q.id).get_attribute("class")
        assert _buttons(page, q.id) == ["Check", "Try again", "Show answer"]
        assert score(page, BANK) == 0
        assert attempts(page, BANK, q.id) == "Attempts: 1"

        form(page, BANK, q.id).locator("button.rs-retry").click()
        assert page.locator(f"#rsq-{BANK}-{q.id} input:checked").count() == 0
        assert form(page, BANK, q.id).locator(".rs-feedback").inner_text() == ""
        assert not form(page, BANK, q.id).locator(".rs-feedback").is_visible()
        assert attempts(page, BANK, q.id) == "Attempts: 1"
        assert _buttons(page, q.id) == ["Check", "Show answer"]
        first = form(page, BANK, q.id).locator("input").first.get_attribute("id")
        focused = page.evaluate("() => document.activeElement && document.activeElement.id")
        assert focused == first, "Try again should move focus to the first option"

        answer(page, BANK, q, "a")
        assert verdict(page, BANK, q.id) == "Correct."
        assert box.locator(".rs-explanation").count() == 1 and box.locator(".rs-source a").count() == 1
        assert _buttons(page, q.id) == ["Check"]
        assert score(page, BANK) == 1
        assert attempts(page, BANK, q.id) == "Attempts: 2"
        _no_new_errors(browser, book_server, watch)


def test_show_answer_reveals_and_never_scores(browser, book_server, intro_bank):
    q = intro_bank.question("medication-is-treatment")
    keyed = next(o for o in q.options if o.correct)
    with _open_intro(browser, book_server) as (context, page, watch):
        wrong = next(o.id for o in q.options if not o.correct)
        answer(page, BANK, q, wrong)
        form(page, BANK, q.id).locator("button.rs-show").click()
        box = form(page, BANK, q.id).locator(".rs-feedback")
        assert box.locator(".rs-answer li").all_inner_texts() == [keyed.text]
        assert _squash(box.locator(".rs-explanation").inner_text()) == _squash("Explanation. " + visible(q.explanation))
        assert "does not count towards your score" in box.locator(".rs-not-scored").inner_text()
        assert page.evaluate("() => document.activeElement.classList.contains('rs-feedback')")
        assert "Show answer" not in _buttons(page, q.id)
        shown = page.locator(f"#rsq-{BANK} .rs-quiz-score").inner_text()
        assert _squash(shown) == f"Score: 0 of {len(intro_bank.questions)} correct (1 answer shown, not scored)"
        answer(page, BANK, q, keyed.id)
        assert verdict(page, BANK, q.id) == "Correct." and score(page, BANK) == 0
        rec = json.loads(stored(page, BANK))["questions"][q.id]
        assert rec["revealed"] and rec["verdict"] == "correct" and rec["attempts"] == 2
        assert rec["revealed_at"] <= rec["last_attempt"] and rec["first_attempt"] <= rec["revealed_at"]
        page.reload()
        wait_for_quiz(page, BANK)
        assert score(page, BANK) == 0 and verdict(page, BANK, q.id) == "Correct."
        assert form(page, BANK, q.id).locator(".rs-not-scored").count() == 1
        _no_new_errors(browser, book_server, watch)


def test_multiple_select_has_no_partial_credit(browser, book_server, intro_bank):
    q = intro_bank.question("accurate-phrases")
    with _open_intro(browser, book_server) as (context, page, watch):
        answer(page, BANK, q, ["a", "b"])
        assert verdict(page, BANK, q.id) == "Not quite."
        assert feedback_items(page, BANK, q.id) == shown_items(intro_bank, q, ["a", "b"])
        missing = form(page, BANK, q.id).locator(".rs-missing").inner_text()
        assert missing == "1 correct option is still missing."
        assert score(page, BANK) == 0

        answer(page, BANK, q, ["a", "b", "c", "d"])
        assert verdict(page, BANK, q.id) == "Not quite."
        assert feedback_items(page, BANK, q.id) == shown_items(intro_bank, q, ["a", "b", "c", "d"])
        assert len(feedback_items(page, BANK, q.id)) == 4
        assert form(page, BANK, q.id).locator(".rs-missing").count() == 0
        assert score(page, BANK) == 0

        answer(page, BANK, q, ["a", "b", "c"])
        assert verdict(page, BANK, q.id) == "Correct."
        assert feedback_items(page, BANK, q.id) == shown_items(intro_bank, q, ["a", "b", "c"])
        assert score(page, BANK) == 1
        assert attempts(page, BANK, q.id) == "Attempts: 3"

        answer(page, BANK, q, [])
        assert verdict(page, BANK, q.id) == "Not checked."
        assert attempts(page, BANK, q.id) == "Attempts: 3"
        _no_new_errors(browser, book_server, watch)


def test_numeric_comma_invalid_and_high(browser, book_server, intro_bank):
    q = intro_bank.question("rate-2020")
    with _open_intro(browser, book_server) as (context, page, watch):
        answer(page, BANK, q, "abc")
        assert verdict(page, BANK, q.id) == "Not checked."
        msg = form(page, BANK, q.id).locator(".rs-feedback .rs-message").inner_text()
        assert "Enter a number" in msg
        assert attempts(page, BANK, q.id) == "", "an answer that is not a number must not count as an attempt"
        assert score(page, BANK) == 0
        assert stored(page, BANK) is None or q.id not in json.loads(stored(page, BANK))["questions"]

        answer(page, BANK, q, "25")
        assert verdict(page, BANK, q.id) == "Not quite."
        assert feedback_items(page, BANK, q.id) == [q.feedback.high]
        assert attempts(page, BANK, q.id) == "Attempts: 1"

        answer(page, BANK, q, "abc")
        assert verdict(page, BANK, q.id) == "Not checked."
        assert attempts(page, BANK, q.id) == "Attempts: 1"

        answer(page, BANK, q, "21,4")
        assert verdict(page, BANK, q.id) == "Correct."
        assert feedback_items(page, BANK, q.id) == shown_items(intro_bank, q, "21,4")
        assert feedback_items(page, BANK, q.id)[0] == q.feedback.correct.removeprefix("Correct: ")
        assert attempts(page, BANK, q.id) == "Attempts: 2"
        assert score(page, BANK) == 1
        _no_new_errors(browser, book_server, watch)


@pytest.mark.parametrize("bank_id", sorted(QUIZ_PAGES))
def test_every_bank_question_on_its_page(browser, book_server, bank_id):
    """Each page's quiz matches its bank (a stale notebook output fails): every question gives the
    bank's feedback for a wrong answer and is scored right for the keyed answer."""
    bank = load_bank(bank_id)  # a missing or invalid bank fails here
    with open_page(browser, book_server) as (context, page, watch):
        goto(page, book_server, QUIZ_PAGES[bank_id])
        wait_for_quiz(page, bank_id)
        assert page.locator(f"#rsq-{bank_id} .rs-total").inner_text() == str(len(bank.questions))
        assert page.locator(f"#rsq-{bank_id} div.rs-q").count() == len(bank.questions)
        # the order the page shows is the one Python fixed (quiz.js does not reshuffle)
        for q in bank.questions:
            if hasattr(q, "options"):
                ids = page.eval_on_selector_all(f"#rsq-{bank_id}-{q.id} .rs-option input",
                                                "els => els.map(e => e.value)")
                assert ids == display_order(bank, q), q.id
        for n, q in enumerate(bank.questions, start=1):
            wrong, wrong_fb = wrong_response(q)
            answer(page, bank_id, q, wrong)
            assert verdict(page, bank_id, q.id) == "Not quite.", q.id
            shown = [_squash(visible(f)) for f in shown_items(bank, q, wrong)]
            assert feedback_items(page, bank_id, q.id) == shown, q.id
            assert form(page, bank_id, q.id).locator(".rs-explanation").count() == 0, q.id
            form(page, bank_id, q.id).locator("button.rs-retry").click()
            answer(page, bank_id, q, keyed_response(q))
            assert verdict(page, bank_id, q.id) == "Correct.", q.id
            keyed = shown_items(bank, q, keyed_response(q))
            assert feedback_items(page, bank_id, q.id) == [_squash(visible(f)) for f in keyed], q.id
            assert len(keyed) == len(keyed_feedback(q)), q.id
            href = form(page, bank_id, q.id).locator(".rs-source a").get_attribute("href")
            assert href.endswith(f"book/bibliography.html#cite-{q.source}"), (q.id, href)
            assert attempts(page, bank_id, q.id) == "Attempts: 2", q.id
            assert score(page, bank_id) == n, q.id
        _no_new_errors(browser, book_server, watch, QUIZ_PAGES[bank_id])
        goto(page, book_server, "book/bibliography.html")
        missing = sorted({q.source for q in bank.questions} - set(page.evaluate(
            "() => Array.from(document.querySelectorAll('[id^=\"cite-\"]')).map(e => e.id.slice(5))")))
        assert not missing, f"sources with no entry on the bibliography page: {missing}"


# ------------------------------------------------------------------------------------------
# 5: persistence


def test_answers_survive_reload_and_reset_clears_them(browser, book_server, intro_bank):
    with _open_intro(browser, book_server) as (context, page, watch):
        answer(page, BANK, intro_bank.question("helpline-number"), "b")       # wrong
        answer(page, BANK, intro_bank.question("lifeline-988"), "true")       # right
        answer(page, BANK, intro_bank.question("accurate-phrases"), ["a", "c"])  # wrong
        answer(page, BANK, intro_bank.question("accurate-phrases"), ["a", "b", "c"])  # right
        answer(page, BANK, intro_bank.question("rate-2020"), "21,4")          # right
        answer(page, BANK, intro_bank.question("rate-fold-change"), "9")      # wrong, high
        before = quiz_state(page, BANK)
        assert before["score"] == "3"
        saved = json.loads(stored(page, BANK))
        assert saved["version"] == 2 and saved["bank"] == BANK and saved["bank_version"] == bank_version(intro_bank)
        VALIDATOR.validate(saved)
        rec = saved["questions"]["accurate-phrases"]
        assert {k: rec[k] for k in ("objective", "attempts", "verdict", "revealed")} == {
            "objective": "LO2", "attempts": 2, "verdict": "correct", "revealed": False}
        assert sorted(rec["response"]) == ["a", "b", "c"]
        assert rec["first_attempt"] < rec["last_attempt"] <= saved["saved"]
        assert saved["questions"]["rate-2020"]["response"] == "21,4"

        page.reload()
        wait_for_quiz(page, BANK)
        after = quiz_state(page, BANK)
        assert after == before
        assert after["forms"]["accurate-phrases"]["attempts"] == "Attempts: 2"
        assert after["forms"]["rate-2020"]["values"] == ["21,4"]
        assert after["forms"]["helpline-number"]["checked"] == [f"rsq-{BANK}-helpline-number-b"]
        assert "Not quite." in after["forms"]["rate-fold-change"]["feedback"]

        # Reset asks first; "Keep answers" changes nothing
        reset = page.locator(f"#rsq-{BANK} .rs-quiz-foot button.rs-reset-all")
        reset.click()
        page.locator(f"#rsq-{BANK} button.rs-reset-no").click()
        assert quiz_state(page, BANK) == before and reset.is_visible()
        reset.click()
        assert page.locator(f"#rsq-{BANK} .rs-confirm").inner_text().startswith("Clear all your answers")
        page.locator(f"#rsq-{BANK} button.rs-reset-yes").click()
        cleared = quiz_state(page, BANK)
        assert cleared["score"] == "0"
        for qid, f in cleared["forms"].items():
            assert f == {"checked": [], "values": [""] if f["values"] else [], "feedback": "",
                         "attempts": "", "classes": ["rs-q"], "buttons": ["Check"]}, qid
        assert json.loads(stored(page, BANK))["questions"] == {}

        page.reload()
        wait_for_quiz(page, BANK)
        assert quiz_state(page, BANK) == cleared
        _no_new_errors(browser, book_server, watch)


# ------------------------------------------------------------------------------------------
# 6: keyboard only

FOCUS_INFO = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {
    id: el.id, tag: el.tagName, type: el.type || '', checked: !!el.checked, text: (el.textContent || '').trim(),
    focusVisible: el.matches(':focus-visible'),
    outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth) || 0,
    boxShadow: cs.boxShadow,
    width: r.width, height: r.height,
    // Chromium scrolls a focused element just to the nearest edge, with sub-pixel rounding: allow 1px
    inViewport: r.top >= -1 && r.left >= -1 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1,
    unobscured: !!hit && (hit === el || el.contains(hit)
      || (el.labels && Array.from(el.labels).some(l => l.contains(hit)))),
    inQuiz: !!el.closest('.rs-quiz'),
  };
}"""


def _assert_focus_visible(page, where: str) -> dict:
    info = page.evaluate(FOCUS_INFO)
    assert info is not None, f"{where}: nothing has focus"
    label = f"{where}: focused <{info['tag'].lower()} id={info['id']!r}>"
    assert info["width"] > 0 and info["height"] > 0, f"{label} has no size"
    assert info["inViewport"], f"{label} is not scrolled into view"
    assert info["unobscured"], f"{label} is covered by another element"
    assert info["focusVisible"], f"{label} does not match :focus-visible after a key press"
    assert info["outlineStyle"] != "none" and info["outlineWidth"] > 0, f"{label} has no focus outline: {info}"
    return info


def test_keyboard_only(browser, book_server, intro_bank):
    # a laptop-sized window: each focus stop (a question, its feedback's source link) fits in it
    with _open_intro(browser, book_server, viewport={"width": 1280, "height": 900}) as (context, page, watch):
        kb = page.keyboard
        # Starting point: a click on the quiz title (Chromium starts sequential focus there),
        # scrolled near the top (below the theme's header) so that question 1 and its Check are in view.
        title = page.locator(f"#rsq-{BANK} .rs-quiz-title")
        title.evaluate("e => window.scrollBy(0, e.getBoundingClientRect().top - 150)")
        title.click()
        kb.press("Tab")
        order = display_order(intro_bank, intro_bank.question("helpline-number"))
        assert order[0] == "a", "this test walks the options in their display order: update it"
        info = _assert_focus_visible(page, "Tab into question 1")
        assert info["id"] == f"rsq-{BANK}-helpline-number-a"
        kb.press("Space")
        assert page.is_checked(f"#rsq-{BANK}-helpline-number-a")
        kb.press("ArrowDown")
        info = _assert_focus_visible(page, "ArrowDown")
        assert info["id"] == f"rsq-{BANK}-helpline-number-{order[1]}" and info["checked"]
        kb.press("ArrowUp")
        info = _assert_focus_visible(page, "ArrowUp")
        assert info["id"] == f"rsq-{BANK}-helpline-number-a" and info["checked"]
        kb.press("Tab")
        info = _assert_focus_visible(page, "Tab to Check")
        assert info["tag"] == "BUTTON" and info["text"] == "Check"
        kb.press("Enter")
        assert verdict(page, BANK, "helpline-number") == "Correct."
        assert score(page, BANK) == 1

        target = f"rsq-{BANK}-rate-2020-input"
        stops = []
        for _ in range(80):
            kb.press("Tab")
            info = _assert_focus_visible(page, f"Tab stop {len(stops) + 1} after question 1")
            stops.append(info["id"] or info["tag"])
            if info["id"] == target:
                break
        else:
            pytest.fail(f"Tab never reached {target}; stops: {stops}")
        kb.type("21.4")
        kb.press("Enter")
        assert verdict(page, BANK, "rate-2020") == "Correct."
        rate = intro_bank.question("rate-2020")
        assert feedback_items(page, BANK, "rate-2020") == shown_items(intro_bank, rate, "21.4")
        assert score(page, BANK) == 2
        kb.press("Tab")
        info = _assert_focus_visible(page, "Tab after the numeric answer")
        assert info["text"] == "Check"
        # a wrong answer: Try again and Show answer join the tab order, after Check
        page.focus(f"#{target}")
        page.fill(f"#{target}", "30")
        kb.press("Enter")
        assert verdict(page, BANK, "rate-2020") == "Not quite." and score(page, BANK) == 1
        kb.press("Tab")
        kb.press("Tab")
        info = _assert_focus_visible(page, "Tab to Try again")
        assert info["text"] == "Try again"
        kb.press("Space")
        assert page.input_value(f"#{target}") == ""
        assert verdict(page, BANK, "rate-2020") == ""
        info = _assert_focus_visible(page, "focus back on the answer")
        assert info["id"] == target
        kb.press("Tab")
        kb.press("Tab")
        info = _assert_focus_visible(page, "Tab to Show answer")
        assert info["text"] == "Show answer"
        kb.press("Enter")
        assert form(page, BANK, "rate-2020").locator(".rs-answer li").count() == 1
        assert score(page, BANK) == 1
        # the quiet Reset at the end, by keyboard, with its confirmation
        page.focus(f"#rsq-{BANK} button.rs-reset-all")
        kb.press("Enter")
        info = _assert_focus_visible(page, "confirmation")
        assert info["text"] == "Keep answers"
        kb.press("Shift+Tab")
        info = _assert_focus_visible(page, "Shift+Tab to Clear answers")
        assert info["text"] == "Clear answers"
        kb.press("Enter")
        assert score(page, BANK) == 0 and verdict(page, BANK, "rate-2020") == ""
        _no_new_errors(browser, book_server, watch)


# ------------------------------------------------------------------------------------------
# 7-8: storage blocked or holding garbage

BLOCK_STORAGE = (
    "Object.defineProperty(window, 'localStorage', "
    "{configurable: true, get() { throw new DOMException('blocked', 'SecurityError'); }});"
)


def _answers_without_saving(page, intro_bank):
    note = page.locator(f"#rsq-{BANK} .rs-quiz-note").inner_text()
    assert "not letting the page save answers" in note, note
    answer(page, BANK, intro_bank.question("helpline-number"), "a")
    assert verdict(page, BANK, "helpline-number") == "Correct."
    answer(page, BANK, intro_bank.question("lifeline-988"), "false")
    assert verdict(page, BANK, "lifeline-988") == "Not quite."
    answer(page, BANK, intro_bank.question("rate-2020"), "21.4")
    assert score(page, BANK) == 2
    assert attempts(page, BANK, "lifeline-988") == "Attempts: 1"


def test_storage_blocked_by_script(browser, book_server, intro_bank):
    with open_page(browser, book_server) as (context, page, watch):
        context.add_init_script(BLOCK_STORAGE)
        goto(page, book_server, INTRO_PAGE)
        wait_for_quiz(page, BANK)
        _answers_without_saving(page, intro_bank)
        _no_new_errors(browser, book_server, watch, INTRO_PAGE, BLOCK_STORAGE)


def test_storage_blocked_by_chromium_setting(browser, book_server, intro_bank, tmp_path):
    """Chromium's own "block all cookies and site data" setting (window.localStorage throws)."""
    from conftest import CHROMIUM_ARGS, _chromium_path

    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    (profile / "Default" / "Preferences").write_text(json.dumps(
        {"profile": {"default_content_setting_values": {"cookies": 2}}}))
    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=_chromium_path(), headless=True, args=CHROMIUM_ARGS)
    try:
        baseline = baseline_errors(browser, book_server, INTRO_PAGE, context=context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch = Watch(book_server)
        watch.attach(page)
        goto(page, book_server, INTRO_PAGE)
        blocked = page.evaluate(
            "() => { try { window.localStorage.length; return false; } catch (e) { return true; } }")
        if not blocked:
            pytest.skip("this Chromium does not block localStorage with the cookies setting")
        wait_for_quiz(page, BANK)
        _answers_without_saving(page, intro_bank)
        new = new_errors(watch, baseline)
        assert not new, "errors the quiz caused:\n" + "\n".join(new)
    finally:
        context.close()


def _v2(questions) -> str:
    return json.dumps({"version": 2, "bank": BANK, "bank_version": "0" * 16, "saved": "2026-11-25T22:00:00.000Z",
                       "questions": questions})


def _r(**kw) -> dict:
    return {"objective": "LO1", "attempts": 1, "response": "a", "verdict": "correct", "revealed": False,
            "first_attempt": None, "last_attempt": None, "revealed_at": None, **kw}


GARBAGE = [
    "not json",
    "null",
    "[]",
    '{"version": 2, "questions": 5}',
    _v2({"helpline-number": _r(attempts=-3)}),
    _v2({"helpline-number": _r(verdict="hacked")}),
    _v2({"helpline-number": _r(attempts=1.5)}),
    _v2({"helpline-number": _r(revealed="no")}),
    _v2({"helpline-number": _r(first_attempt="yesterday")}),
    _v2({"accurate-phrases": _r(response="a")}),
    _v2({"rate-2020": _r(response=21.4)}),
    '{"version": 2, "questions": {"helpline-number": "correct", "rate-2020": null, "lifeline-988": []}}',
    _v2({"__proto__": _r()}),
    json.dumps({"version": 1, "questions": {"helpline-number": _r()}}),  # format 1 under the format-2 key
]


@pytest.mark.parametrize("garbage", GARBAGE, ids=range(len(GARBAGE)))
def test_storage_garbage_is_ignored(browser, book_server, intro_bank, garbage):
    key = STORAGE_PREFIX + BANK
    with open_page(browser, book_server) as (context, page, watch):
        context.add_init_script(
            f"if (!sessionStorage.getItem('seeded')) {{ sessionStorage.setItem('seeded', '1');"
            f" localStorage.setItem({json.dumps(key)}, {json.dumps(garbage)}); }}")
        goto(page, book_server, INTRO_PAGE)
        wait_for_quiz(page, BANK)
        assert stored(page, BANK) == garbage, "the seed did not reach the page"
        state = quiz_state(page, BANK)
        assert state["score"] == "0"
        for qid, f in state["forms"].items():
            assert f["feedback"] == "" and f["attempts"] == "" and f["checked"] == [], (qid, f)
        assert "saved in it only" in page.locator(f"#rsq-{BANK} .rs-quiz-note").inner_text()
        answer(page, BANK, intro_bank.question("helpline-number"), "a")
        assert verdict(page, BANK, "helpline-number") == "Correct."
        assert attempts(page, BANK, "helpline-number") == "Attempts: 1"
        assert score(page, BANK) == 1
        saved = json.loads(stored(page, BANK))
        VALIDATOR.validate(saved)
        assert list(saved["questions"]) == ["helpline-number"]
        assert saved["questions"]["helpline-number"]["verdict"] == "correct"
        page.reload()
        wait_for_quiz(page, BANK)
        assert score(page, BANK) == 1
        _no_new_errors(browser, book_server, watch)


def test_restored_score_agrees_with_restored_answers(browser, book_server):
    """A saved record whose verdict says correct for a wrong response is graded again on load:
    the page shows it wrong and scores 0 (a restore that trusts the stored verdict fails here).
    This happens for real when an author changes a question's key after students answered it
    (question ids are stable across edits), or when a record is edited by hand."""
    seed = _v2({"helpline-number": _r(response="b", verdict="correct")})
    key = STORAGE_PREFIX + BANK
    with open_page(browser, book_server) as (context, page, watch):
        context.add_init_script(f"localStorage.setItem({json.dumps(key)}, {json.dumps(seed)});")
        goto(page, book_server, INTRO_PAGE)
        wait_for_quiz(page, BANK)
        assert verdict(page, BANK, "helpline-number") == "Not quite."
        assert score(page, BANK) == 0
        assert page.is_checked(f"#rsq-{BANK}-helpline-number-b")
        assert attempts(page, BANK, "helpline-number") == "Attempts: 1"


def test_format_1_answers_are_migrated_once(browser, book_server, intro_bank):
    """A student's answers saved by the previous quiz (format 1) come back after the update: graded
    again, saved in format 2, and the old key removed."""
    v1 = json.dumps({"version": 1, "questions": {
        "helpline-number": {"attempts": 2, "latest": "correct", "response": "a"},
        "rate-2020": {"attempts": 1, "latest": "correct", "response": "30"},        # the stored verdict lies
        "accurate-phrases": {"attempts": 1, "latest": None, "response": None},  # after Try again
    }})
    with open_page(browser, book_server) as (context, page, watch):
        context.add_init_script(
            f"if (!sessionStorage.getItem('seeded')) {{ sessionStorage.setItem('seeded', '1');"
            f" localStorage.setItem({json.dumps(V1_PREFIX + BANK)}, {json.dumps(v1)}); }}")
        goto(page, book_server, INTRO_PAGE)
        wait_for_quiz(page, BANK)
        assert verdict(page, BANK, "helpline-number") == "Correct."
        assert attempts(page, BANK, "helpline-number") == "Attempts: 2"
        assert verdict(page, BANK, "rate-2020") == "Not quite."
        assert page.input_value(f"#rsq-{BANK}-rate-2020-input") == "30"
        assert attempts(page, BANK, "accurate-phrases") == "Attempts: 1"
        assert score(page, BANK) == 1
        assert page.evaluate("(k) => localStorage.getItem(k)", V1_PREFIX + BANK) is None
        saved = json.loads(stored(page, BANK))
        VALIDATOR.validate(saved)
        assert saved["bank_version"] == bank_version(intro_bank)
        assert saved["questions"]["helpline-number"] == {
            "objective": "LO1", "attempts": 2, "response": "a", "verdict": "correct", "revealed": False,
            "first_attempt": None, "last_attempt": None, "revealed_at": None}
        before = quiz_state(page, BANK)
        page.reload()
        wait_for_quiz(page, BANK)
        assert quiz_state(page, BANK) == before
        _no_new_errors(browser, book_server, watch)


@pytest.mark.parametrize("bank_id", sorted(QUIZ_PAGES))
def test_built_page_has_no_form_and_no_run_notice(browser, book_server, book_html, bank_id):
    """The stored HTML carries the "Run this cell" notice and disabled inputs (for an unrun
    notebook); on the book page quiz.js removes the notice and enables the inputs. Nothing on the
    page is a form or a submit button."""
    raw = (Path(book_html) / QUIZ_PAGES[bank_id]).read_text(encoding="utf-8")
    quiz_part = raw[raw.index(f'id="rsq-{bank_id}"'):]
    assert "rs-run-notice" in quiz_part and "<form" not in quiz_part.split("</script>", 1)[0]
    with open_page(browser, book_server) as (context, page, watch):
        goto(page, book_server, QUIZ_PAGES[bank_id])
        wait_for_quiz(page, bank_id)
        quiz = page.locator(f"#rsq-{bank_id}")
        assert quiz.locator(".rs-run-notice").count() == 0
        assert quiz.locator("form, [type=submit], a[href='#'], fieldset[disabled], input:disabled").count() == 0
        types = quiz.locator("button").evaluate_all("bs => bs.map(b => b.type)")
        assert types and set(types) == {"button"}
        assert quiz.locator(".rs-actions[role=group]").count() == len(load_bank(bank_id).questions)


# ------------------------------------------------------------------------------------------
# 9: bank text is never run as HTML

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"


def _xss_bank() -> dict:
    both = f"{IMG} {SCRIPT}"
    common = {"objective": "LO1", "explanation": f"Explanation {both}", "source": "k"}
    return {
        "id": "xss-test",
        "title": f"Title {both}",
        "objectives": [{"id": "LO1", "text": "x"}],
        "questions": [
            {**common, "id": "single", "type": "single", "level": "apply", "prompt": f"Prompt {both}",
             "options": [
                 {"id": "a", "text": f"Option {IMG}", "feedback": f"Feedback {both} {{avoid}}`<b>bold</b>`",
                  "correct": True},
                 {"id": "b", "text": f"Option {SCRIPT}", "feedback": f"Other {both}"},
             ]},
            {**common, "id": "num", "type": "numeric", "level": "analyse", "prompt": f"Number {both}",
             "answer": 1, "tolerance": 0, "unit": f"unit {IMG}",
             "feedback": {"low": f"low {both}", "correct": f"ok {both}", "high": f"high {both}"}},
            {**common, "id": "tf", "type": "truefalse", "level": "recall", "prompt": f"TF {both}",
             "answer": True, "feedback": {"if_true": f"yes {both}", "if_false": f"no {both}"}},
        ],
    }


def test_bank_html_is_never_run(browser, book_server, book_html, monkeypatch):
    monkeypatch.setattr(quiz_static, "format_reference", lambda key: f"Reference {SCRIPT}")
    bank = parse_bank(_xss_bank(), "xss-test", None)
    quiz = render_html(bank)
    doc = (
        '<!DOCTYPE html><html lang="en" data-content_root="../"><head><meta charset="utf-8">'
        '<title>quiz escaping test</title><link rel="icon" href="../_static/favicon.svg">'
        '<link rel="stylesheet" href="../_static/quiz.css"></head>'
        f"<body><main>{quiz}</main><script src=\"../_static/quiz.js\"></script></body></html>"
    )
    folder = Path(book_html) / "_test"
    folder.mkdir(exist_ok=True)
    name = f"xss-{uuid.uuid4().hex}.html"
    (folder / name).write_text(doc, encoding="utf-8")
    try:
        with open_page(browser, book_server) as (context, page, watch):
            goto(page, book_server, f"_test/{name}", wait_until="networkidle")
            wait_for_quiz(page, "xss-test")
            answer(page, "xss-test", bank.question("single"), "b")
            form(page, "xss-test", "single").locator("button.rs-show").click()  # reveals the option's text
            assert form(page, "xss-test", "single").locator(".rs-answer li").inner_text() == f"Option {IMG}"
            answer(page, "xss-test", bank.question("single"), "a")
            answer(page, "xss-test", bank.question("num"), "2")
            answer(page, "xss-test", bank.question("tf"), "false")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(200)
            assert page.evaluate("() => typeof window.__xss") == "undefined"
            assert page.locator("img").count() == 0
            assert page.locator("script").count() == 2  # the quiz data and quiz.js
            assert not [u for u in watch.requests if u.endswith("/_test/x")], "the <img> was created"
            text = page.locator("#rsq-xss-test").inner_text()
            for literal in (f"Title {IMG} {SCRIPT}", f"Prompt {IMG} {SCRIPT}", f"Option {IMG}",
                            f"Option {SCRIPT}", f"Feedback {IMG} {SCRIPT}", f"Explanation {IMG} {SCRIPT}",
                            f"high {IMG} {SCRIPT}", f"no {IMG} {SCRIPT}", f"unit {IMG}",
                            f"Reference {SCRIPT}"):
                assert literal in text, literal
            assert page.locator("#rsq-xss-test-single .rs-feedback del.rs-avoid").inner_text() == "<b>bold</b>"
            assert not watch.errors(), watch.errors()
    finally:
        (folder / name).unlink(missing_ok=True)
        if folder.exists() and not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------------------------
# 10-11: every page: no request outside the site, no 404, no console or page error


@pytest.fixture(scope="module")
def page_loads(browser, book_server, book_html):
    """Load every built page once (fresh context each), waiting for the network to go idle."""
    loads = {}
    for rel in built_pages(Path(book_html)):
        with open_page(browser, book_server) as (context, page, watch):
            goto(page, book_server, rel, wait_until="networkidle")
            icons = page.evaluate(
                "() => Array.from(document.querySelectorAll('link[rel~=\"icon\"]')).map(l => l.href)")
            icon_status = {u: context.request.get(u).status for u in icons}
            loads[rel] = {"watch": watch, "icons": icon_status}
    return loads


def test_every_page_stays_on_the_site(page_loads, book_server):
    problems = {}
    for rel, load in page_loads.items():
        w = load["watch"]
        bad = [f"outside: {u}" for u in w.outside_requests()]
        bad += [f"http {r}" for r in w.bad_responses]
        bad += [f"failed: {r}" for r in w.failed_requests]
        bad += [f"icon {s} {u}" for u, s in load["icons"].items() if s != 200]
        if not load["icons"]:
            bad.append("no <link rel=icon>")
        if bad:
            problems[rel] = bad
    assert not problems, json.dumps(problems, indent=1)


def test_every_page_has_no_console_or_page_errors(page_loads):
    problems = {rel: load["watch"].console_errors + load["watch"].page_errors
                for rel, load in page_loads.items()
                if load["watch"].console_errors or load["watch"].page_errors}
    assert not problems, json.dumps(problems, indent=1)


# ------------------------------------------------------------------------------------------
# 12: phone width


@pytest.mark.parametrize("bank_id", sorted(QUIZ_PAGES))
def test_phone_width(browser, book_server, bank_id):
    bank = load_bank(bank_id)
    q = bank.questions[0]
    with open_page(browser, book_server, viewport={"width": 375, "height": 740},
                   is_mobile=True, has_touch=True, device_scale_factor=2) as (context, page, watch):
        goto(page, book_server, QUIZ_PAGES[bank_id], wait_until="networkidle")
        wait_for_quiz(page, bank_id)
        sizes = page.evaluate("() => ({sw: document.documentElement.scrollWidth, iw: innerWidth})")
        assert sizes["sw"] <= sizes["iw"] + 1, f"horizontal scroll at 375px: {sizes}"
        wide = page.evaluate("""() => Array.from(document.querySelectorAll('.rs-quiz *'))
            .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 10)""")
        assert not wide, f"quiz elements wider than the screen: {wide}"
        check = form(page, bank_id, q.id).locator("button.rs-check")
        check.scroll_into_view_if_needed()
        assert check.is_visible()
        box = check.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        assert box["height"] >= 24 and box["width"] >= 24, f"Check is too small to tap: {box}"
        set_response(page, bank_id, q, keyed_response(q))
        check.tap()
        assert verdict(page, bank_id, q.id) == "Correct."
        assert score(page, bank_id) == 1
        sizes = page.evaluate("() => ({sw: document.documentElement.scrollWidth, iw: innerWidth})")
        assert sizes["sw"] <= sizes["iw"] + 1, f"horizontal scroll with feedback shown: {sizes}"
        _no_new_errors(browser, book_server, watch, QUIZ_PAGES[bank_id])


# ------------------------------------------------------------------------------------------
# 13: the shared grading cases, through the quiz.js the page loaded (tests/test_node_grading.py
# runs them case by case in Node, with the Python grader; this checks the browser agrees)

CASES = json.loads((HERE / "grading_cases.json").read_text(encoding="utf-8"))


def test_page_grader_passes_the_shared_cases(browser, book_server, monkeypatch):
    monkeypatch.setattr(quiz_static, "format_reference", lambda key: "x")
    bank = parse_bank(CASES["bank"], "grading_cases.json", None)
    questions = {q.id: client_question(q) for q in bank.questions}
    cases = CASES["cases"]
    with open_page(browser, book_server) as (context, page, watch):
        goto(page, book_server, INTRO_PAGE)
        page.wait_for_function("() => window.RecoveryQuiz && typeof window.RecoveryQuiz.grade === 'function'")
        got = page.evaluate(
            """([questions, cases]) => {
                 const decode = (v) => Array.isArray(v) ? v.map(decode)
                   : (v !== null && typeof v === 'object')
                     ? (Object.keys(v).length === 1 && '$float' in v
                        ? {inf: Infinity, '-inf': -Infinity, nan: NaN}[v.$float]
                        : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)])))
                     : v;
                 return cases.map(c => window.RecoveryQuiz.grade(questions[c.question], decode(c.response)));
               }""",
            [questions, cases],
        )
    wrong = []
    for case, res in zip(cases, got, strict=True):
        expected = (case["status"], case["feedback"], case.get("outcome", res["outcome"]))
        explained = (res["status"] == "invalid") == bool(res["message"])
        if (res["status"], res["feedback"], res["outcome"]) != expected or not explained:
            wrong.append((case["name"], res))
    assert not wrong, wrong
