"""Every module notebook follows the module pattern, and its stored outputs come from one
top-to-bottom run without errors (strict nbval then proves they are current)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from recovery_science.quiz import load_bank

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def _markdown(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _headings(nb) -> list[str]:
    return [line.strip() for line in _markdown(nb).splitlines() if re.match(r"^#{1,3} ", line)]


def test_there_are_module_notebooks():
    names = [p.name for p in NOTEBOOKS]
    assert "00-how-this-course-works.ipynb" in names
    assert "01-biology-of-opioid-dependence.ipynb" in names


@pytest.fixture(params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def nb(request):
    notebook = nbformat.read(request.param, as_version=4)
    nbformat.validate(notebook)
    notebook.path = request.param
    return notebook


def test_module_pattern(nb):
    number = int(nb.path.name[:2])
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith(f"# Module {number} — ")
    heads = _headings(nb)
    for required in ("## Learning objectives", "## Check your understanding", "## What we learned", "## References"):
        assert required in heads, f"{nb.path.name}: missing heading {required!r}"
    order = [heads.index(h) for h in
             ("## Learning objectives", "## Check your understanding", "## What we learned", "## References")]
    assert order == sorted(order), f"{nb.path.name}: objectives, quiz, summary, references out of order"
    text = _markdown(nb)
    assert "{footbibliography}" in text, "references must list the page's citations"
    assert re.search(r"\{footcite(:[pt])?\}`", text), "a module must cite its sources"
    assert "1-800-662-4357" in text and "988" in text, "every module points to help"
    assert "not medical advice" in text.lower()
    assert "Running this notebook on your own computer" in text and "pip install" in text


def test_markdown_reads_well_in_jupyterlab(nb):
    """JupyterLab shows MyST directive fences as code blocks, so notebooks use blockquotes for
    notes and myths; the only directive is the page's reference list."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for directive in re.findall(r"^(?:```|:::)\s*\{([a-z-]+)\}", cell.source, re.M):
                assert directive == "footbibliography", f"{nb.path.name}: {{{directive}}} renders as code in JupyterLab"


def test_objectives_match_the_bank(nb):
    text = _markdown(nb)
    section = text.split("## Learning objectives", 1)[1].split("\n## ", 1)[0]
    objective_ids = re.findall(r"\*\*(LO\d+)\*\*", section)
    assert len(objective_ids) >= 3
    for line in section.splitlines():
        if "**LO" in line:
            assert not re.search(r"\bunderstand\b", line, re.I), f"objective not measurable: {line}"
    calls = [re.search(r'show_quiz\("([^"]+)"\)', c.source) for c in nb.cells if c.cell_type == "code"]
    banks = [m.group(1) for m in calls if m]
    assert len(banks) == 1, "exactly one quiz per module"
    bank = load_bank(banks[0])
    assert [o.id for o in bank.objectives] == objective_ids


def test_outputs_from_one_clean_top_to_bottom_run(nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a module explores data in code"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), (
        f"{nb.path.name}: stored outputs are not from one top-to-bottom run (run `make notebooks`)"
    )
    for cell in code:
        for out in cell.outputs:
            assert out.output_type != "error", f"{nb.path.name}: a cell raised: {out.get('ename')}"
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"{nb.path.name}: a cell wrote to stderr: {out.text[:200]}"
            )
    assert nb.metadata.kernelspec.name == "python3"
    assert "widgets" not in nb.metadata, "widget state is not stored (the book renders text/html)"


def test_every_notebook_is_in_the_toc():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = {ch["file"] for part in toc["parts"] for ch in part["chapters"]}
    for path in NOTEBOOKS:
        assert f"notebooks/{path.stem}" in files
