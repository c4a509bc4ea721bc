"""Helpers shared by the non-browser tests: the course's command line, npm tools run in Node, and
the shared grading cases (tests/grading_cases.json)."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import IN_CI

from recovery_science.cli import main
from recovery_science.quiz.schema import parse_bank

ROOT = Path(__file__).resolve().parents[1]
CASES_FILE = ROOT / "tests" / "grading_cases.json"
CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))


def run_cli(capsys, *argv: str) -> tuple[int, list[str], str]:
    """`recovery-science ARGV...` in this process: (exit code, stdout lines, stderr); never a traceback."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines(), err


def run_npm_tool(package: str, script: str, text: str, what: str, timeout: int = 60) -> str:
    """Run ``script`` in Node with the path of ``node_modules/<package>`` as its argument and ``text``
    on stdin; returns stdout. Without node or the package: skip, or fail under CI."""
    node, path = shutil.which("node"), ROOT / "node_modules" / package
    if node is None or not path.exists():
        message = f"{what} needs node and 'npm ci' (make test runs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    proc = subprocess.run([node, "-e", script, str(path)], input=text, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@functools.cache
def cases_bank():
    """The grading cases' bank, validated inside the tests that use it (a broken file fails them,
    not collection)."""
    return parse_bank(CASES["bank"], CASES_FILE.name, None)
