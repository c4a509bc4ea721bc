"""Shared fixtures: the real book, built once per session, served on 127.0.0.1, and Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _jupyter_book() -> str:
    exe = Path(sys.executable).with_name("jupyter-book")
    return str(exe) if exe.exists() else "jupyter-book"


@pytest.fixture(scope="session")
def book_build(tmp_path_factory) -> dict:
    """Build the book from clean with warnings as errors; return the log and the html folder.

    Set RS_BOOK_HTML to an already built ``_build/html`` to skip the build while iterating
    locally (never in CI).
    """
    reuse = os.environ.get("RS_BOOK_HTML")
    if reuse and not IN_CI:
        return {"returncode": 0, "log": "", "html": Path(reuse).resolve()}
    out = tmp_path_factory.mktemp("book")
    proc = subprocess.run(
        [_jupyter_book(), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going", "--all"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    return {"returncode": proc.returncode, "log": proc.stdout + proc.stderr, "html": out / "_build" / "html"}


@pytest.fixture(scope="session")
def book_html(book_build) -> Path:
    if book_build["returncode"] != 0:
        pytest.fail("the book did not build:\n" + book_build["log"][-5000:])
    return book_build["html"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture(scope="session")
def book_server(book_html):
    """Serve the built book on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        message = "no Chromium found (apt-get install chromium, or set CHROMIUM)"
        if IN_CI:
            pytest.fail(message + ": browser tests must run in CI")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A copy of the course data and bibliography that the package reads (RECOVERY_SCIENCE_ROOT)."""
    from recovery_science import paths

    root = tmp_path / "course"
    shutil.copytree(paths.data_dir(), root / "data")
    (root / "book").mkdir()
    shutil.copy(paths.bib_path(), root / "book" / "references.bib")
    monkeypatch.setenv("RECOVERY_SCIENCE_ROOT", str(root))
    paths.course_root.cache_clear()
    yield root
    monkeypatch.delenv("RECOVERY_SCIENCE_ROOT")
    paths.course_root.cache_clear()


@pytest.fixture(scope="session")
def node():
    """The session's long-lived Node process (tests/js/rpc.js): skips without node, fails under CI."""
    from browserutil import node_process

    return node_process(IN_CI)
