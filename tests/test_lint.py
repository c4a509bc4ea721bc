"""Lint: ruff for the Python (rules in pyproject.toml) and ESLint for the course's own JavaScript
(eslint.config.mjs; book/_static/vendor is not ours). `make test` installs ESLint with `npm ci`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ESLINT = ROOT / "node_modules" / ".bin" / "eslint"


def _run(cmd: list[str], stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=300, check=False)


def _ruff(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-m", "ruff", "check", "--no-cache", *args], stdin)


@pytest.fixture(scope="module")
def eslint() -> Path:
    if shutil.which("node") is None or not ESLINT.exists():
        pytest.fail("ESLint is not installed: install Node.js and npm, then run 'make setup' or "
                    "'npm ci' in the repository (make test does this)")
    return ESLINT


def test_ruff_finds_nothing():
    proc = _ruff("--output-format", "concise", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_applies_the_project_rules():
    """The configured rule set bites: an unused import (pyflakes), a long line (pycodestyle),
    zip() without strict (bugbear), unsorted imports (isort)."""
    code = "import sys\nimport os\n\n\nX = list(zip([1], [2]))\nY = '" + "x" * 120 + "'\n"
    proc = _ruff("--output-format", "json", "--stdin-filename", "recovery_science/probe.py", "-", stdin=code)
    codes = {f["code"] for f in json.loads(proc.stdout)}
    assert {"F401", "E501", "B905", "I001"} <= codes, codes


def test_eslint_finds_nothing(eslint):
    proc = _run([str(eslint), "--max-warnings", "0", "."])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_eslint_lints_our_scripts_and_not_the_vendored_ones(eslint):
    proc = _run([str(eslint), "--format", "json", "."])
    linted = {str(Path(r["filePath"]).relative_to(ROOT)) for r in json.loads(proc.stdout)}
    ours = {str(p.relative_to(ROOT)) for p in (ROOT / "book" / "_static").glob("*.js")}
    assert ours and ours <= linted, ours - linted
    assert not [p for p in linted if "vendor" in p or "node_modules" in p]


@pytest.mark.parametrize("code, rule", [
    ("var a = 1;\nnotDefined(a);\n", "no-undef"),
    ("var unused = 1;\n", "no-unused-vars"),
    ("var a = window.x;\nif (a == 1) { document.title = 'x'; }\n", "eqeqeq"),
])
def test_eslint_applies_the_rules_to_book_scripts(eslint, code, rule):
    proc = _run([str(eslint), "--format", "json", "--stdin", "--stdin-filename", "book/_static/probe.js"],
                stdin=code)
    rules = {m["ruleId"] for r in json.loads(proc.stdout) for m in r["messages"]}
    assert rule in rules, proc.stdout


def test_eslint_knows_browser_globals_in_book_scripts(eslint):
    code = "window.localStorage.getItem('k');\ndocument.querySelectorAll('p');\n" \
           "if (typeof module === 'object') { module.exports = {}; }\n"
    proc = _run([str(eslint), "--format", "json", "--stdin", "--stdin-filename", "book/_static/probe.js"],
                stdin=code)
    assert [m for r in json.loads(proc.stdout) for m in r["messages"]] == []
