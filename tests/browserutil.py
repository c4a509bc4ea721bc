"""Helpers for the JavaScript tests: Chromium pages (tests/test_browser.py and
tests/test_accessibility.py, Playwright's sync API) and Node, with no browser (tests/test_node_*.py)."""

from __future__ import annotations

import atexit
import contextlib
import json
import math
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from recovery_science.sphinxext import TOOL_ROOTS


def _quiz_pages() -> dict[str, str]:
    """Bank id -> built page, for every module notebook that shows a quiz (``show_quiz("<id>")``)."""
    import re

    root = Path(__file__).resolve().parents[1]
    pages = {}
    for nb in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        for bank in re.findall(r'show_quiz\(\\"([^"\\]+)\\"\)', nb.read_text(encoding="utf-8")):
            pages[bank] = f"notebooks/{nb.stem}.html"
    return pages


QUIZ_PAGES = _quiz_pages()
INTRO_BANK = "00-how-this-course-works"
INTRO_PAGE = QUIZ_PAGES[INTRO_BANK]
STORAGE_PREFIX = "recovery-science:v2:"
V1_PREFIX = "recovery-science:v1:"


def built_pages(book_html: Path) -> list[str]:
    """Every page of the built book, relative to the html folder (search and genindex included).

    Folders whose name starts with "_" (_static, _sources, _images and the tests' own _test) hold
    no book page and are left out.
    """
    pages = sorted(
        p.relative_to(book_html).as_posix()
        for p in book_html.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(book_html).parts[:-1])
    )
    assert pages, f"no html page in {book_html}"
    return pages


@dataclass
class Watch:
    """What a page did: console errors, uncaught exceptions, requests, bad responses."""

    base: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{m.text} @ {m.location.get('url', '')}:{m.location.get('lineNumber', '')}"))
        page.on("pageerror", lambda e: self.page_errors.append(f"{e.name}: {e.message}\n{e.stack or ''}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("response", lambda r: r.status >= 400 and self.bad_responses.append(f"{r.status} {r.url}"))
        page.on("requestfailed", lambda r: self.failed_requests.append(f"{r.failure} {r.url}"))

    def errors(self) -> set[str]:
        """Uncaught exceptions and console errors, without stacks (comparable across loads)."""
        return {e.split("\n", 1)[0] for e in self.page_errors} | {f"console: {e}" for e in self.console_errors}

    def outside_requests(self) -> list[str]:
        return [
            u for u in self.requests
            if not (u.startswith(self.base + "/") or u.startswith(("data:", "about:", "blob:")))
        ]


@contextlib.contextmanager
def open_page(browser, base: str, **context_args) -> Iterator[tuple]:
    """A fresh context and page (isolated storage), with a Watch attached; closed afterwards."""
    context = browser.new_context(**context_args)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        watch = Watch(base)
        watch.attach(page)
        yield context, page, watch
    finally:
        context.close()


_BASELINES: dict = {}


def baseline_errors(browser, base: str, rel: str, init_script: str | None = None, context=None) -> set[str]:
    """The errors a page shows with the quiz script blocked (same storage set-up).

    Errors the page shows anyway (theme or extension scripts; tests/test_browser.py's per-page
    test reports those) are not the quiz's: quiz tests fail only on errors beyond these.
    With ``context`` the page is loaded in that context (e.g. a persistent one), not cached.
    """
    key = (base, rel, init_script)
    if context is None and key in _BASELINES:
        return _BASELINES[key]

    def load(ctx):
        if init_script:
            ctx.add_init_script(init_script)
        page = ctx.new_page()
        page.route("**/_static/quiz.js*", lambda route: route.abort())
        watch = Watch(base)
        watch.attach(page)
        goto(page, base, rel, wait_until="networkidle")
        page.close()
        return {e for e in watch.errors() if "Failed to load resource" not in e}

    if context is not None:
        return load(context)
    ctx = browser.new_context()
    try:
        _BASELINES[key] = load(ctx)
    finally:
        ctx.close()
    return _BASELINES[key]


def new_errors(watch: Watch, baseline: set[str]) -> list[str]:
    return sorted(watch.errors() - baseline)


# The theme's scripts run after the first paint (recovery_science.sphinxext, theme_after_paint):
# while they wait <html> has data-rs-theme="waiting", and the class rs-theme-ready once they have run.
THEME_READY_JS = """() => document.documentElement.getAttribute('data-rs-theme') !== 'waiting'
    || document.documentElement.classList.contains('rs-theme-ready')"""


def goto(page, base: str, rel: str, wait_until: str = "load"):
    """Open ``rel``; with wait_until "load" or "networkidle", also wait until the theme's scripts
    have run (its header buttons, menus and search shortcut work)."""
    response = page.goto(f"{base}/{rel}", wait_until=wait_until)
    assert response is not None and response.ok, f"{rel}: {response and response.status}"
    if wait_until in ("load", "networkidle"):
        page.wait_for_function(THEME_READY_JS)
    return response


TOOL_BOXES = ", ".join(f".{root}" for root in TOOL_ROOTS)


def reach(page, selector: str):
    """Scroll a quiz or tool into view as a reader would reach it, and wait until its script has
    started it (class rs-ready). On a phone the controls of a section far down are put in place only
    when it comes near the screen (quiz.js, whenReady). The browser's own scrollIntoView: Playwright's
    scroll_into_view_if_needed measures an element in a section content-visibility skips as
    having no box and scrolls to the wrong place."""
    page.locator(selector).evaluate("el => el.scrollIntoView({block: 'start'})")
    page.locator(f"{selector}.rs-ready").wait_for(state="attached")
    return page.locator(selector)


def reach_all(page) -> None:
    """Reach every quiz and tool on the page in turn (:func:`reach`), as a reader scrolling through."""
    for i in range(page.locator(TOOL_BOXES).count()):
        box = page.locator(TOOL_BOXES).nth(i)
        box.evaluate("el => el.scrollIntoView({block: 'start'})")
        box.and_(page.locator(".rs-ready")).wait_for(state="attached")


def wait_for_quiz(page, bank: str):
    """The quiz container, reached (:func:`reach`) and started by quiz.js."""
    return reach(page, f"#rsq-{bank}")


def form(page, bank: str, qid: str):
    """One question's element (a div.rs-q: the page has no form)."""
    return page.locator(f"div.rs-q#rsq-{bank}-{qid}")


def score(page, bank: str) -> int:
    return int(page.locator(f"#rsq-{bank} .rs-score").inner_text())


def feedback_items(page, bank: str, qid: str) -> list[str]:
    return [t.strip() for t in form(page, bank, qid).locator(".rs-feedback li").all_inner_texts()]


def verdict(page, bank: str, qid: str) -> str:
    loc = form(page, bank, qid).locator(".rs-feedback .rs-verdict")
    return loc.inner_text().strip() if loc.count() else ""


def attempts(page, bank: str, qid: str) -> str:
    return form(page, bank, qid).locator(".rs-attempts").inner_text().strip()


def answer(page, bank: str, question, response) -> None:
    """Set a response by clicking, like a student (None clears), then press Check."""
    set_response(page, bank, question, response)
    form(page, bank, question.id).locator("button.rs-check").click()


def set_response(page, bank: str, question, response) -> None:
    prefix = f"#rsq-{bank}-{question.id}"
    if question.type == "numeric":
        page.locator(f"{prefix}-input").fill("" if response is None else str(response))
        return
    if question.type == "multiple":
        wanted = set(response or [])
        for opt in question.options:
            box = page.locator(f"{prefix}-{opt.id}")
            box.set_checked(opt.id in wanted)
        return
    if response is None:
        return
    if isinstance(response, bool):
        response = "true" if response else "false"
    page.locator(f"{prefix}-{response}").check()


def number_text(x: float) -> str:
    """A number as a student types it: plain decimal, never an exponent (quiz.js rejects those)."""
    return format(Decimal(repr(float(x))), "f")


def keyed_response(question):
    """The bank's right answer, as the form would hold it."""
    if question.type == "single":
        return next(o.id for o in question.options if o.correct)
    if question.type == "multiple":
        return [o.id for o in question.options if o.correct]
    if question.type == "truefalse":
        return "true" if question.answer else "false"
    return number_text(question.answer)


def wrong_response(question):
    """Some wrong answer, and the feedback the bank gives for it."""
    if question.type == "single":
        o = next(o for o in question.options if not o.correct)
        return o.id, [o.feedback]
    if question.type == "multiple":
        wrong = [o for o in question.options if not o.correct]
        if wrong:
            return [wrong[0].id], [wrong[0].feedback]
        # all options keyed: a strict subset is wrong
        first = question.options[0]
        return [first.id], [first.feedback]
    if question.type == "truefalse":
        value = not question.answer
        return ("true" if value else "false"), [question.feedback.if_true if value else question.feedback.if_false]
    return number_text(question.answer + question.tolerance + max(1.0, abs(question.answer))), [question.feedback.high]


def shown_items(bank, question, response) -> list[str]:
    """The feedback lines the page shows for a response, as the Python twin of quiz.js's view()
    says (multiple select: "option text: feedback", in display order; a repeated verdict left out)."""
    from recovery_science.quiz.feedback import view
    from recovery_science.quiz.grading import grade
    from recovery_science.quiz.order import arrange
    from recovery_science.quiz.static import client_question

    question = arrange(bank).question(question.id)
    res = grade(question, response)
    res_json = {"status": res.status, "feedback": list(res.feedback), "message": res.message,
                "outcome": res.outcome, "missing": res.missing}
    rec = {"attempts": 1, "response": response, "verdict": res.status, "revealed": False}
    v = view(client_question(question, with_source=False), rec, res_json)
    return [(f"{i['label']}: " if i["label"] else "") + i["text"] for i in v["items"]]


def keyed_feedback(question) -> list[str]:
    if question.type in ("single", "multiple"):
        return [o.feedback for o in question.options if o.correct]
    if question.type == "truefalse":
        return [question.feedback.if_true if question.answer else question.feedback.if_false]
    return [question.feedback.correct]


def quiz_state(page, bank: str) -> dict:
    """Everything a student sees in a quiz, to compare before and after a reload."""
    return page.evaluate(
        """(bank) => {
          const quiz = document.getElementById('rsq-' + bank);
          const forms = {};
          quiz.querySelectorAll('div.rs-q').forEach(f => {
            forms[f.dataset.rsQid] = {
              checked: Array.from(f.querySelectorAll('input:checked')).map(i => i.id),
              values: Array.from(f.querySelectorAll('input[type=text]')).map(i => i.value),
              feedback: f.querySelector('.rs-feedback').innerText,
              attempts: f.querySelector('.rs-attempts').textContent,
              classes: Array.from(f.classList).sort(),
              buttons: Array.from(f.querySelectorAll('.rs-actions button')).filter(b => !b.hidden)
                .map(b => b.textContent),
            };
          });
          return {score: quiz.querySelector('.rs-score').textContent,
                  shown: quiz.querySelector('.rs-shown').textContent, forms};
        }""",
        bank,
    )


def stored(page, bank: str):
    return page.evaluate("(k) => window.localStorage.getItem(k)", STORAGE_PREFIX + bank)


# ------------------------------------------------------------------------------------------
# Node: the course's JavaScript (UMD files in book/_static) run with no browser

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "book" / "_static"
RPC = Path(__file__).resolve().parent / "js" / "rpc.js"


def encode_json(value):
    """``value`` as JSON-ready data; JSON has no infinity or NaN, so they travel as
    ``{"$float": "inf" | "-inf" | "nan"}`` (tests/js/rpc.js decodes them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, (list, tuple)):
        return [encode_json(v) for v in value]
    if isinstance(value, dict):
        return {k: encode_json(v) for k, v in value.items()}
    return value


def decode_json(value):
    if isinstance(value, list):
        return [decode_json(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"$float"}:
            return {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}[value["$float"]]
        return {k: decode_json(v) for k, v in value.items()}
    return value


class Node:
    """One long-lived ``node tests/js/rpc.js``: JSON lines in, JSON lines out."""

    def __init__(self, exe: str):
        self.proc = subprocess.Popen(
            [exe, str(RPC)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            encoding="utf-8", cwd=ROOT, bufsize=1,
        )

    def _ask(self, request: dict):
        self.proc.stdin.write(json.dumps(request, allow_nan=False) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"node exited (code {self.proc.poll()})")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"node: {answer['error']}")
        return decode_json(answer["ok"])

    def call(self, module: str, fn: str, *args):
        """``require(book/_static/<module>)[fn](...args)`` in Node."""
        return self._ask({"module": str(STATIC / module), "fn": fn, "args": encode_json(list(args))})

    def batch(self, module: str, fn: str, arg_lists):
        """One call per argument list, in one round trip."""
        return self._ask({"module": str(STATIC / module), "fn": fn,
                          "batch": [encode_json(list(a)) for a in arg_lists]})

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


_NODE: list[Node] = []


def node_process(in_ci: bool) -> Node:
    """The session's Node process (started once). Without node: skip, or fail under CI."""
    import pytest

    if not _NODE:
        exe = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)
        if exe is None:
            message = "no node found (apt-get install nodejs): the JavaScript grader and models are not checked"
            if in_ci:
                pytest.fail(message + "; under CI these tests must run")
            pytest.skip(message)
        _NODE.append(Node(exe))
        atexit.register(_NODE[0].close)
    return _NODE[0]
