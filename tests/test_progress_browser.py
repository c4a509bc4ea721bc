"""The "My progress" page in Chromium, driven as a student on a phone-width screen: answer in two
modules, read the figures, export JSON and CSV, reset, import the export back, and try a damaged
file. Also: every objective link on the page lands on a section of its module (built HTML), and
the page with results has no serious axe violation in light and dark mode."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from browserutil import (
    QUIZ_PAGES,
    STORAGE_PREFIX,
    answer,
    goto,
    keyed_response,
    open_page,
    wait_for_quiz,
    wrong_response,
)
from lxml import html as lxml_html

from recovery_science.quiz import load_bank

pytestmark = pytest.mark.browser
PAGE = "book/progress.html"
BANK0, BANK1 = "00-how-this-course-works", "01-biology"


def _course(book_html: Path) -> dict:
    doc = lxml_html.parse(str(book_html / PAGE))
    return json.loads(doc.getroot().get_element_by_id("rs-progress-data").text)


@pytest.mark.book
def test_every_objective_links_to_a_section_of_its_module(book_html):
    course = _course(Path(book_html))
    assert [m["bank"] for m in course["modules"]] == list(QUIZ_PAGES)  # every module, in book order
    page = Path(book_html) / PAGE
    for m in course["modules"]:
        bank = load_bank(m["bank"])
        assert [o["id"] for o in m["objectives"]] == [o.id for o in bank.objectives]
        assert {q["id"] for q in m["questions"]} == {q.id for q in bank.questions}
        assert all("explanation" not in q and "reveal" not in q for q in m["questions"])
        for o in m["objectives"] + [{"id": "quiz", "url": m["quiz_url"]}]:
            target, _, anchor = o["url"].partition("#")
            assert anchor, f"{m['bank']} {o['id']}: no anchor"
            file = (page.parent / target).resolve()
            ids = set(lxml_html.parse(str(file)).getroot().xpath("//@id"))
            assert anchor in ids, f"{m['bank']} {o['id']}: {o['url']} lands nowhere"


def _plan():
    """What the student answers: right, except one wrong answer and one shown answer per module."""
    plan = {}
    for bank_id in (BANK0, BANK1):
        bank = load_bank(bank_id)
        qs = list(bank.questions)
        plan[bank_id] = {"bank": bank, "right": qs[:3], "wrong": qs[3], "shown": qs[4]}
    return plan


def _expected(plan) -> dict:
    out = {}
    for bank_id, p in plan.items():
        right = {q.id for q in p["right"]}
        objectives = [o.id for o in p["bank"].objectives]
        mastered = [o for o in objectives
                    if all(q.id in right for q in p["bank"].questions if q.objective == o)]
        out[bank_id] = {"score": len(right), "total": len(p["bank"].questions),
                        "open": [o for o in objectives if o not in mastered]}
    return out


def _figures(page) -> dict:
    return page.evaluate("""() => {
      const out = {course: document.querySelector('.rs-progress-course').textContent, modules: {}};
      document.querySelectorAll('.rs-progress-module').forEach(s => {
        out.modules[s.dataset.rsBank] = {
          score: s.querySelector('.rs-score').textContent,
          line: s.querySelector('.rs-module-score').textContent,
          open: Array.from(s.querySelectorAll('[data-rs-objective]')).map(li => li.dataset.rsObjective),
          links: Array.from(s.querySelectorAll('[data-rs-objective] a')).map(a => a.getAttribute('href')),
        };
      });
      return out;
    }""")


def _storage(page) -> dict:
    return page.evaluate("""(prefix) => Object.fromEntries(Object.keys(localStorage)
        .filter(k => k.startsWith(prefix)).map(k => [k, localStorage.getItem(k)]))""", STORAGE_PREFIX)


def _parsed(entries: dict) -> dict:
    return {k: json.loads(v) for k, v in entries.items()}


def _confirm(page, scope, label):
    scope.get_by_role("button", name=label).click()
    page.get_by_role("button", name="Clear answers").click()


def test_progress_export_reset_import(browser, book_server, book_html, tmp_path):
    plan = _plan()
    expected = _expected(plan)
    phone = {"viewport": {"width": 390, "height": 844}, "accept_downloads": True}
    with open_page(browser, book_server, **phone) as (_, page, watch):
        for bank_id, p in plan.items():
            goto(page, book_server, QUIZ_PAGES[bank_id])
            wait_for_quiz(page, bank_id)
            for q in p["right"]:
                answer(page, bank_id, q, keyed_response(q))
            answer(page, bank_id, p["wrong"], wrong_response(p["wrong"])[0])
            answer(page, bank_id, p["shown"], wrong_response(p["shown"])[0])
            page.locator(f"#rsq-{bank_id}-{p['shown'].id} button.rs-show").click()

        goto(page, book_server, PAGE)
        page.locator("#rs-progress-results.rs-ready").wait_for(state="attached")
        figures = _figures(page)
        total = sum(len(load_bank(b).questions) for b in QUIZ_PAGES)  # the whole course, answered or not
        score = sum(e["score"] for e in expected.values())
        assert figures["course"].startswith(f"Whole course: {score} of {total} questions correct")
        assert "2 answers shown, not scored" in figures["course"]
        for bank_id, e in expected.items():
            m = figures["modules"][bank_id]
            assert m["score"] == f"{e['score']} of {e['total']}"
            assert "5 answered; 1 answer shown" in m["line"]
            assert m["open"] == e["open"]
            assert all("#" in href for href in m["links"])
        # the page fits a phone's width
        assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")

        before = _storage(page)
        assert sorted(before) == [STORAGE_PREFIX + BANK0, STORAGE_PREFIX + BANK1]

        # export: JSON with a student number, then CSV
        page.get_by_label("Name or student number").fill("S-2042")
        with page.expect_download() as dl:
            page.get_by_role("button", name="Download JSON").click()
        json_path = tmp_path / dl.value.suggested_filename
        dl.value.save_as(json_path)
        assert json_path.name.startswith("recovery-science-progress-") and json_path.suffix == ".json"
        data = json.loads(json_path.read_text(encoding="utf-8"))
        assert data["format"] == "recovery-science-progress" and data["version"] == 1
        assert data["student"] == "S-2042"
        assert data["banks"] == {k[len(STORAGE_PREFIX):]: json.loads(v) for k, v in before.items()}
        for bank_id, p in plan.items():
            rec = data["banks"][bank_id]["questions"]
            assert rec[p["wrong"].id]["verdict"] == "incorrect" and rec[p["wrong"].id]["attempts"] == 1
            assert rec[p["shown"].id]["revealed"] is True and rec[p["shown"].id]["revealed_at"]
            assert all(rec[q.id]["verdict"] == "correct" for q in p["right"])
        with page.expect_download() as dl:
            page.get_by_role("button", name="Download CSV").click()
        rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text(encoding="utf-8"), newline="")))
        assert len(rows) == 10 and {r["student"] for r in rows} == {"S-2042"}
        assert {(r["bank"], r["question"]) for r in rows} == {
            (b, q) for b in plan for q in data["banks"][b]["questions"]}

        # reset one module, then everything; each asks first
        section0 = page.locator(f'.rs-progress-module[data-rs-bank="{BANK0}"]')
        section0.get_by_role("button", name="Reset this module").click()
        page.get_by_role("button", name="Keep answers").click()
        assert _storage(page) == before
        _confirm(page, section0, "Reset this module")
        assert sorted(_storage(page)) == [STORAGE_PREFIX + BANK1]
        line0 = page.locator(f'.rs-progress-module[data-rs-bank="{BANK0}"] .rs-module-score').text_content()
        assert "Score: 0 of" in line0
        _confirm(page, page.locator("#rs-progress-results"), "Reset everything")
        assert _storage(page) == {}
        assert page.locator(".rs-progress-course").text_content().startswith(f"Whole course: 0 of {total}")

        # import the export: the same state as before
        status = page.locator(".rs-import-status")
        page.get_by_label("Import a progress file").set_input_files(str(json_path))
        status.filter(has_text="Imported").wait_for()
        assert status.text_content() == "Imported your answers for 2 quizzes."
        assert _parsed(_storage(page)) == _parsed(before)
        assert _figures(page) == figures

        # a damaged file: a clear message, nothing changed
        for name, text in [("broken.json", '{"format": "recovery-science-progress", "version": 1, "banks": {"'),
                           ("other.json", json.dumps({"format": "something-else"}))]:
            page.get_by_label("Import a progress file").set_input_files(
                files=[{"name": name, "mimeType": "application/json", "buffer": text.encode()}])
            status.filter(has_text="Nothing was changed.").wait_for()
            assert "not" in status.text_content()
            assert _parsed(_storage(page)) == _parsed(before)
            assert _figures(page) == figures
            status.evaluate("(n) => { n.textContent = ''; }")
        assert not watch.page_errors and not watch.outside_requests()

        # the quiz pages read the imported answers back
        goto(page, book_server, QUIZ_PAGES[BANK1])
        wait_for_quiz(page, BANK1)
        assert page.locator(f"#rsq-{BANK1} .rs-score").text_content() == str(expected[BANK1]["score"])

        # accessibility of the page with results, light and dark
        from test_accessibility import AXE, BLOCKING, _summary
        found = {}
        for mode in ("light", "dark"):
            page.evaluate("(m) => { localStorage.setItem('mode', m); localStorage.setItem('theme', m); }", mode)
            goto(page, book_server, PAGE, wait_until="networkidle")
            page.locator("#rs-progress-results.rs-ready").wait_for(state="attached")
            violations = [v for v in AXE.run(page).response["violations"] if v.get("impact") in BLOCKING]
            if violations:
                found[f"{PAGE} with results [{mode}]"] = violations
        assert not found, _summary(found)
