"""axe-core scans of every built page, in the theme's light and dark modes, and of a quiz showing
feedback. A violation of impact "serious" or "critical" fails; the message lists each one with
the elements it hits so it can be fixed straight away.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browserutil import (
    QUIZ_PAGES,
    answer,
    built_pages,
    form,
    goto,
    keyed_response,
    open_page,
    verdict,
    wait_for_quiz,
    wrong_response,
)

from recovery_science.quiz import load_bank
from recovery_science.tools import pdf

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
MODES = ("light", "dark")
AXE = Axe()
ROOT = Path(__file__).resolve().parents[1]


def _mode_script(mode: str) -> str:
    # pydata-sphinx-theme reads localStorage "mode" (light/dark/auto) and "theme" in an inline
    # script in <head>, then its JS sets <html data-theme> from them on DOMContentLoaded.
    return f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"


def _context_args(mode: str) -> dict:
    return {"color_scheme": mode, "viewport": {"width": 1280, "height": 900}}


def _ready(page, mode: str) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("""async () => {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
        await document.fonts.ready;
    }""")
    theme = page.evaluate("() => document.documentElement.dataset.theme")
    assert theme == mode, f"expected <html data-theme={mode!r}>, got {theme!r}"


def _scan(page) -> list[dict]:
    return [v for v in AXE.run(page).response["violations"] if v.get("impact") in BLOCKING]


def _summary(found: dict[str, list[dict]]) -> str:
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: {v['id']} ({v['impact']}): {v['help']}")
            for node in v["nodes"][:8]:
                target = " ".join(str(t) for t in node["target"])
                detail = (node.get("failureSummary") or "").replace("\n", " ")
                for check in node.get("any", []) + node.get("all", []) + node.get("none", []):
                    data = check.get("data")
                    if isinstance(data, dict) and "contrastRatio" in data:
                        detail = (f"contrast {data.get('contrastRatio')} (needs {data.get('expectedContrastRatio')}), "
                                  f"fg {data.get('fgColor')} on bg {data.get('bgColor')}")
                lines.append(f"    {target}  [{detail[:200]}]")
            if len(v["nodes"]) > 8:
                lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


# Every page of the book, known at collection so that each page is its own test: a failure names
# the page, and `benchmarks/run.py tests` counts a module's pages against that module's budget.
# test_every_built_page_is_scanned checks that this list misses no page of the build. A page with a
# quiz is scanned whole by test_quiz_with_feedback_has_no_serious_axe_violation, with its quiz in
# every state, so it is not scanned a second time at rest (that scan took 5-8 s a module page).
PAGES = [p for p in ["index.html", "search.html", *pdf.toc_pages(ROOT / "_toc.yml")] if p not in QUIZ_PAGES.values()]


@pytest.fixture(scope="module")
def mode_pages(browser, book_server):
    """One browser page per colour mode, opened on first use and reused by every page's scan."""
    with ExitStack() as stack:
        pages = {}

        def get(mode: str):
            if mode not in pages:
                context, page, _ = stack.enter_context(open_page(browser, book_server, **_context_args(mode)))
                context.add_init_script(_mode_script(mode))
                pages[mode] = page
            return pages[mode]

        yield get


def test_every_built_page_is_scanned(book_html):
    assert set(built_pages(Path(book_html))) <= set(PAGES) | set(QUIZ_PAGES.values())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("rel", PAGES)
def test_page_has_no_serious_axe_violation(mode_pages, book_server, rel, mode):
    page = mode_pages(mode)
    goto(page, book_server, rel, wait_until="networkidle")
    _ready(page, mode)
    violations = _scan(page)
    assert not violations, "axe serious/critical violations:\n" + _summary({f"{rel} [{mode}]": violations})


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("bank_id", sorted(QUIZ_PAGES))
def test_quiz_with_feedback_has_no_serious_axe_violation(browser, book_server, bank_id, mode):
    """The quiz after answering: one question wrong and then revealed (Show answer), a multiple
    select answered wrong (per-option lines and the missing count), one right, one not checked,
    and the Reset confirmation open, so every state (and its links) is on the page when axe scans it."""
    bank = load_bank(bank_id)
    by_type: dict[str, object] = {}
    for q in bank.questions:
        by_type.setdefault(q.type, q)
    with open_page(browser, book_server, **_context_args(mode)) as (context, page, watch):
        context.add_init_script(_mode_script(mode))
        goto(page, book_server, QUIZ_PAGES[bank_id], wait_until="networkidle")
        wait_for_quiz(page, bank_id)
        _ready(page, mode)
        first = bank.questions[0]
        answer(page, bank_id, first, wrong_response(first)[0])
        assert verdict(page, bank_id, first.id) == "Not quite."
        form(page, bank_id, first.id).locator("button.rs-show").click()
        assert form(page, bank_id, first.id).locator(".rs-answer li").count() >= 1
        for q in by_type.values():
            if q.id == first.id:
                continue
            if q.type == "multiple":
                keyed = [o.id for o in q.options if o.correct]
                others = [o.id for o in q.options if not o.correct]
                answer(page, bank_id, q, keyed[:1] + others[:1])
                assert verdict(page, bank_id, q.id) == "Not quite."
                assert form(page, bank_id, q.id).locator(".rs-option-label").count() == 2
            elif q.type == "numeric":
                answer(page, bank_id, q, "not a number")
                assert verdict(page, bank_id, q.id) == "Not checked."
            else:
                answer(page, bank_id, q, keyed_response(q))
                assert verdict(page, bank_id, q.id) == "Correct."
        page.locator(f"#rsq-{bank_id} button.rs-reset-all").click()
        assert page.locator(f"#rsq-{bank_id} .rs-confirm").is_visible()
        violations = _scan(page)
    assert not violations, "axe serious/critical violations:\n" + _summary(
        {f"{QUIZ_PAGES[bank_id]} with feedback [{mode}]": violations})
