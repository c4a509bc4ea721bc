"""The live front in a real JupyterLab: run a module notebook in a kernel, answer its quiz with the
mouse, and see the widget feedback (not the static HTML, which is for the book)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser
TOKEN = "recovery-science-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    work = tmp_path_factory.mktemp("lab")
    shutil.copy(ROOT / "notebooks" / "00-how-this-course-works.ipynb", work)
    port = _free_port()
    log_path = work / "jupyterlab.log"
    log = log_path.open("w")  # a file, not a pipe: a full pipe would block the server
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(work / ".jupyter-config"), JUPYTER_RUNTIME_DIR=str(work / ".runtime"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True",
         "--ServerApp.allow_root=True", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
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


def test_quiz_widgets_work_in_jupyterlab(lab, browser):
    base, work = lab
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(30_000)
    page.goto(f"{base}/lab/tree/00-how-this-course-works.ipynb?token={TOKEN}", wait_until="domcontentloaded")
    page.wait_for_function("window.jupyterapp && document.querySelector('.jp-NotebookPanel')")
    try:  # JupyterLab may ask which kernel to start; accept its default (the notebook's python3)
        page.locator(".jp-Dialog .jp-mod-accept").click(timeout=8_000)
    except Exception:  # noqa: BLE001 - no dialog this time
        pass
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

    # The quiz renders as ipywidgets: the widget view wins over the static text/html here.
    radio = page.get_by_role("radio", name="1-800-662-4357")
    radio.wait_for(state="attached", timeout=60_000)
    radio.scroll_into_view_if_needed()
    assert page.locator(".jp-OutputArea .rs-quiz").count() == 0
    checks = page.locator(".widget-button", has_text="Check")
    assert checks.count() == 6
    checks.nth(0).click()  # nothing chosen yet: not graded
    page.locator(".widget-html", has_text="Not checked.").first.wait_for()
    radio.check()
    checks.nth(0).click()
    feedback = page.locator(".widget-html", has_text="Correct.").first
    feedback.wait_for()
    assert "Explanation." in feedback.inner_text() and "SAMHSA" in feedback.inner_text()
    page.get_by_text("Score: 1 of 6 correct").wait_for()

    # A numeric answer with a decimal comma, typed into the widget.
    box = page.locator(".widget-text input").first
    box.scroll_into_view_if_needed()
    box.fill("21,4")
    checks.nth(4).click()
    page.get_by_text("Score: 2 of 6 correct").wait_for()
    page.get_by_text("Attempts: 1").nth(1).wait_for()
    assert not errors, errors
    context.close()
