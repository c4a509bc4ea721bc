"""The module notebooks in a real JupyterLab, as a student opens them: one server for everything.

Each notebook is first looked at unrun (stored outputs only, no cell executed): its markdown shows
no raw MyST role or directive syntax, citations link to a visible References list, terms to avoid
are struck through, every stored interactive output shows its "run this cell" notice, and nothing
stored submits or navigates. Then Module 1 is run (Run All): the quiz widget grades an answer and
the receptor sliders redraw the figure. The server runs with the settings `make setup` installs
(.venv/etc/jupyter/labconfig/page_config.json), with no command-line overrides: the "get notified
about Jupyter news?" pop-up must not appear.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from recovery_science.quiz import load_bank
from recovery_science.quiz.types import question_type
from recovery_science.quiz.widget import plain
from recovery_science.tools.references import CITATION, cited_keys

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
MODULE1 = "01-biology-of-opioid-dependence.ipynb"
MODULE2 = "02-withdrawal-management.ipynb"
MODULE3 = "03-behavioural-therapies.ipynb"
pytestmark = pytest.mark.browser
TOKEN = "recovery-science-test"
ANNOUNCEMENTS = "@jupyterlab/apputils-extension:announcements"
PAGE_CONFIG = Path(sys.prefix) / "etc" / "jupyter" / "labconfig" / "page_config.json"
# What JupyterLab would show raw: a role's or directive's {name}, or a fence opening a directive.
RAW_MARKUP = re.compile(r"\{[A-Za-z][\w:.-]*\}|^\s*(?:`{3}|:{3})\s*\{", re.M)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    assert PAGE_CONFIG.is_file(), f"{PAGE_CONFIG} is missing: run `make setup`"
    assert json.loads(PAGE_CONFIG.read_text())["disabledExtensions"][ANNOUNCEMENTS] is True
    work = tmp_path_factory.mktemp("lab")
    for nb in NOTEBOOKS:
        shutil.copy(nb, work)
    port = _free_port()
    log_path = work / "jupyterlab.log"
    log = log_path.open("w")  # a file, not a pipe: a full pipe would block the server
    # A fresh user config and settings folder (as a new student has); the environment's own
    # etc/jupyter (sys.prefix) is read as always.
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(work / ".jupyter-config"), JUPYTER_RUNTIME_DIR=str(work / ".runtime"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True",
         "--ServerApp.allow_root=True"],
        cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail("JupyterLab did not start:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
    yield base, work
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def lab_page(lab, browser):
    base, work = lab
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield base, page
    context.close()


def _open(page, base: str, name: str) -> None:
    page.goto(f"{base}/lab/tree/{name}?token={TOKEN}", wait_until="domcontentloaded")
    page.wait_for_function("window.jupyterapp && document.querySelector('.jp-NotebookPanel .jp-MarkdownOutput')")
    try:  # JupyterLab may ask which kernel to start; accept its default (the notebook's python3)
        page.locator(".jp-Dialog .jp-mod-accept").click(timeout=3_000)
    except Exception:  # noqa: BLE001 - no dialog this time
        pass
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').length >= n",
        arg=len(nb.cells))


def _anchor(panel: str, key: str) -> str:
    """A References entry's anchor. JupyterLab 4 renames ids in rendered Markdown to
    data-jupyter-id (so that content cannot clobber the page's ids) and follows in-page links
    to them itself."""
    return f"{panel} .jp-RenderedMarkdown :is([id='ref-{key}'], [data-jupyter-id='ref-{key}'])"


def _markdown_text(page) -> str:
    """The rendered text of every markdown cell of the visible notebook, without typeset math."""
    return page.evaluate("""() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell .jp-RenderedMarkdown')].map((el) => {
          const copy = el.cloneNode(true);
          copy.querySelectorAll('mjx-container, .MathJax, script').forEach((m) => m.remove());
          return copy.textContent;
        }).join('\\n')""")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_unrun_notebook_reads_cleanly(lab_page, path):
    base, page = lab_page
    _open(page, base, path.name)
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    nb = nbformat.read(path, as_version=4)
    # scroll through so that every markdown cell is rendered
    count = page.locator(f"{panel} .jp-Cell").count()
    for i in range(count):
        page.locator(f"{panel} .jp-Cell").nth(i).scroll_into_view_if_needed()
    text = _markdown_text(page)
    assert "Learning objectives" in text
    raw = RAW_MARKUP.search(text)
    assert raw is None, f"raw markup shown: {text[max(0, raw.start() - 60):raw.end() + 60]!r}"

    # amounts of money read as written: "\$2.50" shows "$2.50", and no pair of them becomes math
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for amount in set(re.findall(r"\$(\d+(?:[.,]\d+)*)", source)):
        exact = rf"\${re.escape(amount)}(?![.,]?\d)"
        shown, written = len(re.findall(exact, text)), len(re.findall(exact, source))
        assert shown >= written, f"${amount}: {written} in the source, {shown} shown"

    # terms to avoid: struck through and labelled, as many as the source marks
    dels = page.locator(f"{panel} .jp-RenderedMarkdown del.rs-avoid[title='term to avoid']")
    assert dels.count() == source.count("<del "), "a term to avoid lost its markup"
    if dels.count():
        assert page.evaluate("el => getComputedStyle(el).textDecorationLine", dels.first.element_handle()) == \
            "line-through"

    # citations link to the References list, which is visible with every cited entry
    keys = cited_keys(nb)
    first = CITATION.search(source)
    link = page.locator(f"{panel} .jp-RenderedMarkdown a[href='#ref-{first.group(2)}']").first
    link.scroll_into_view_if_needed()
    assert link.text_content() == first.group(1)
    link.click()
    entry = page.locator(_anchor(panel, first.group(2)))
    page.wait_for_function("el => { const r = el.parentElement.getBoundingClientRect();"
                           " return r.top >= 0 && r.bottom <= window.innerHeight; }", arg=entry.element_handle())
    heading = page.locator(f"{panel} .jp-RenderedMarkdown h2", has_text="References")
    assert heading.is_visible()
    for key in keys:
        anchor = page.locator(_anchor(panel, key))
        assert anchor.count() == 1, key
        assert anchor.locator("xpath=..").is_visible(), key

    # stored interactive outputs: a visible "run this cell" notice, and nothing submits or navigates
    outputs = page.locator(f"{panel} .jp-OutputArea-output").filter(has=page.locator(".rs-quiz, .rs-emax"))
    assert outputs.count() >= 1
    for i in range(outputs.count()):
        notice = outputs.nth(i).locator(".rs-run-notice.rs-search-skip")
        assert notice.count() == 1, f"stored output {i}: no run notice"
        notice.scroll_into_view_if_needed()
        assert notice.is_visible() and "Run this cell" in notice.text_content()
    assert page.locator(f"{panel} .jp-OutputArea form").count() == 0
    url = page.url.split("#")[0]
    page.evaluate("() => { window.__rsStillHere = true; }")
    for control in (outputs.locator("button").all() + outputs.locator("input:not([type=range])").all())[:6]:
        control.dispatch_event("click")
        if control.evaluate("el => el.tagName") == "INPUT":
            control.press("Enter")
    page.wait_for_timeout(300)
    assert page.url.split("#")[0] == url and page.evaluate("() => window.__rsStillHere === true"), "the page navigated"
    assert not _news_prompt(page)
    _close_all(page)


def _news_prompt(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('.Toastify__toast, .jp-Notification-Toast, .jp-Dialog')]
        .map((el) => el.textContent).filter((t) => /news|updates/i.test(t))""")


def _run_all_and_grade(page, base: str, name: str, bank_id: str):
    """Open a module, Run All, and answer its first single-choice question right in the quiz
    widget; return the visible notebook panel."""
    _open(page, base, name)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")

    # the quiz is now ipywidgets: answer the first single-choice question right
    bank = load_bank(bank_id)
    question = next(q for q in bank.questions if q.type == "single")
    key = next(o for o in question.options if o.correct)
    key_text = plain(dict(question_type(question.type).choices(question))[key.id])
    radio = panel.get_by_role("radio", name=key_text, exact=True)
    radio.wait_for(state="attached", timeout=90_000)
    # the question's own box: the nearest enclosing widget box with a Check button
    box = radio.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' widget-vbox ')]"
                        "[.//button[normalize-space()='Check']][1]")
    radio.scroll_into_view_if_needed()
    # every option reads whole: labels do not run into each other (long options wrap in place)
    tops = box.locator(".widget-radio-box label").evaluate_all(
        "ls => ls.map(l => { const r = l.getBoundingClientRect(); return [r.top, r.bottom]; })")
    assert all(b <= t + 1 for (_, b), (t, _) in zip(tops, tops[1:], strict=False)), f"option labels overlap: {tops}"
    radio.check()
    box.get_by_role("button", name="Check", exact=True).click()
    box.locator(".widget-html", has_text="Correct").first.wait_for()
    return panel


def _close_all(page) -> None:
    """Close the notebook (and shut its kernel down) so that the next test's Run All has the CPU."""
    # not awaited: the command waits for the dialogs below
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:close-and-shutdown'); }")
    for _ in range(2):  # "shut the kernel down?", then perhaps "save changes?"
        try:
            page.locator(".jp-Dialog .jp-mod-accept").click(timeout=3_000)
        except Exception:  # noqa: BLE001 - no (more) dialog
            break
    page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')", timeout=15_000)


def test_module1_after_run_all_quiz_and_sliders_work(lab_page):
    base, page = lab_page
    panel = _run_all_and_grade(page, base, MODULE1, "01-biology")

    # the receptor sliders redraw the figure
    image = panel.locator(".widget-image").first
    image.scroll_into_view_if_needed()
    before = image.get_attribute("src")
    handle = panel.locator(".widget-slider .noUi-handle").first
    handle.focus()
    page.keyboard.press("End")
    page.wait_for_function("([el, old]) => el.getAttribute('src') !== old", arg=[image.element_handle(), before])
    assert not _news_prompt(page)
    assert page.evaluate(f"() => window.jupyterapp.hasPlugin('{ANNOUNCEMENTS}')") is False
    assert not page.errors, page.errors
    _close_all(page)


def test_module2_after_run_all_quiz_and_cows_scorer_work(lab_page):
    """Module 2: the quiz grades, and the live COWS scorer adds up what is chosen (pulse typed in
    beats per minute, mapped to its points)."""
    base, page = lab_page
    panel = _run_all_and_grade(page, base, MODULE2, "02-withdrawal")
    scorer = panel.locator(".widget-vbox", has=page.locator("select")).filter(
        has_text="Scored 0 of 11 items").first
    scorer.wait_for(timeout=90_000)
    scorer.scroll_into_view_if_needed()
    box = scorer.element_handle()  # its text changes below, so hold the element itself
    box.query_selector("input[placeholder='beats per minute']").fill("112")  # 101-120 bpm: 2 points
    select = box.query_selector("select")  # sweating, the first scored item
    labels = select.eval_on_selector_all("option", "os => os.map(o => o.textContent)")
    choice = next((t for t in labels if t.replace("\xa0", " ").startswith("1 ")), None)  # ipywidgets: no-break spaces
    assert choice, f"no 1-point option among {labels}"
    select.select_option(label=choice)
    page.wait_for_function("el => el.innerText.includes('Scored 2 of 11 items; total so far 3')", arg=box)
    assert not page.errors, page.errors
    _close_all(page)


def test_module3_after_run_all_quiz_and_voucher_simulator_work(lab_page):
    """Module 3: the quiz grades, and the live voucher simulator redraws when the results change."""
    base, page = lab_page
    panel = _run_all_and_grade(page, base, MODULE3, "03-behavioural")
    results = panel.locator(".widget-textarea textarea").first
    results.wait_for(timeout=90_000)
    results.scroll_into_view_if_needed()
    summary = panel.locator(".widget-html", has_text="$").first
    before = summary.inner_text()
    results.fill("neg neg neg pos neg neg")
    results.press("Tab")  # the Textarea reports its value on blur
    page.wait_for_function("([el, old]) => el.innerText !== old", arg=[summary.element_handle(), before])
    assert "28.50" in panel.inner_text(), "the escalating schedule's total for neg neg neg pos neg neg"
    assert not page.errors, page.errors
    _close_all(page)
