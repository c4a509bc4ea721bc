"""Stored notebook outputs: what JupyterLab shows before a student runs a cell. No stored HTML
may hold a form or anything that submits or navigates (a Check button that submits a form made
JupyterLab leave the page), and each stored quiz says how to use it. These read the committed
notebooks: after a quiz change they fail until the notebooks are refreshed (make book)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from recovery_science.quiz.static import RUN_NOTICE

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SUBMITS = re.compile(r"<form\b|type\s*=\s*[\"']?submit|formaction\s*=|<button\b[^>]*type\s*=\s*[\"']?reset", re.I)


def _html_outputs(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    out = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if html:
                out.append("".join(html) if isinstance(html, list) else html)
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_stored_html_can_submit_or_navigate(path):
    bad = [m.group(0) for html in _html_outputs(path) for m in SUBMITS.finditer(html)]
    assert not bad, f"{path.name}: stored HTML that submits ({bad[:3]}): refresh the notebook (make book)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_stored_quiz_carries_the_run_notice(path):
    quizzes = [h for h in _html_outputs(path) if 'data-rs-quiz=' in h]
    for html in quizzes:
        assert f'<p class="rs-run-notice rs-search-skip">{RUN_NOTICE}</p>' in html, path.name
        assert "<button" not in html and html.count("<fieldset disabled>") == html.count("<fieldset")
