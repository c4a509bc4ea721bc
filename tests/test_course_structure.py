"""Every module notebook follows the module pattern, and its stored outputs come from one
top-to-bottom run without errors (strict nbval then proves they are current)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from recovery_science.quiz import load_bank
from recovery_science.tools.references import CITATION, is_references_cell

AVOID_TAG = '<del class="rs-avoid" title="term to avoid">'

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
    assert is_references_cell(nb.cells[-1]), "the References cell ends the notebook"
    assert CITATION.search(text), "a module must cite its sources"
    assert "1-800-662-4357" in text and "988" in text, "every module points to help"
    assert "not medical advice" in text.lower()


def test_setup_instructions_are_ones_that_work(nb):
    """Clone the repository the book's buttons point to, then `make setup`; or Binder."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    text = _markdown(nb)
    assert "Running this notebook on your own computer" in text
    assert f"git clone {config['repository']['url'].rstrip('/')}.git" in text
    assert "make setup" in text and ".venv/bin/jupyter lab" in text and "Binder" in text
    assert "<repository URL>" not in text and "pip install" not in text


# Role or directive syntax, which JupyterLab shows raw: {name}`...`, ```{name} or :::{name}.
ROLE = re.compile(r"\{[A-Za-z][\w:.-]*\}`")
DIRECTIVE = re.compile(r"^\s*(?:>\s*)*(?:`{3,}|~{3,}|:{3,})\s*\{", re.M)


def test_markdown_reads_well_in_jupyterlab(nb):
    """Students' own JupyterLab renders CommonMark, not MyST: no markdown cell may hold role or
    directive syntax. Citations are links to the References cell, notes and myths blockquotes, and
    a term to avoid is <del class="rs-avoid" title="term to avoid">, which JupyterLab's sanitizer
    keeps (tests/test_jupyterlab.py checks what it shows)."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        assert not ROLE.search(cell.source), f"{nb.path.name} cell {i}: role {ROLE.search(cell.source).group()!r}"
        assert not DIRECTIVE.search(cell.source), f"{nb.path.name} cell {i}: directive fence"
        for tag in re.findall(r"<del\b[^>]*>", cell.source):
            assert tag == AVOID_TAG, f"{nb.path.name} cell {i}: {tag} (write {AVOID_TAG})"


def test_the_markup_check_catches_roles_and_directives():
    for bad in ("{footcite:p}`nida2021wordsmatter`", "a {avoid}`clean` test", "```{footbibliography}\n```",
                ":::{note}\n:::", "> ```{admonition} x"):
        assert ROLE.search(bad) or DIRECTIVE.search(bad), bad
    for good in ("([NIDA 2021](#ref-nida2021wordsmatter))", "```bash\nmake setup\n```", "a {set} of `code`",
                 AVOID_TAG + "clean</del>"):
        assert not (ROLE.search(good) or DIRECTIVE.search(good)), good


# Words that mark material on overdose signs or deaths (as tests/test_book.py checks book pages).
DISTRESSING = re.compile(r"pinpoint|\bdied\b|\bdeaths?\b", re.I)
CONTENT_NOTE = "> **Content note.**"


def test_content_note_comes_before_material_on_overdose_and_death(nb):
    text = _markdown(nb)
    assert CONTENT_NOTE in text, f"{nb.path.name}: no content note"
    before = text[: text.index(CONTENT_NOTE)]
    hit = DISTRESSING.search(before)
    assert not hit, f"{nb.path.name}: {hit.group()!r} comes before the content note"
    if nb.path.name.startswith("01-"):
        note = text[text.index(CONTENT_NOTE):].split("\n\n", 1)[0]
        sections = (
            "How the brain adapts",
            "Harms of OUD and how to respond to an overdose",
            "The opioid crisis in numbers",
        )
        for section in sections:
            assert section in note, f"the content note does not name {section!r}"
            assert f"## {section}" in text


# A cell that only shows a quiz or a tool: show_quiz(...), receptor.explore(), cows.vignettes(), ...
DISPLAY_CALL = re.compile(r"show_quiz\(.*\)|[a-z_]+\.(?:explore|vignettes?)\(.*\)")


def test_cells_that_only_display_a_quiz_or_widget_hide_their_code_in_the_book(nb):
    """MyST-NB drops the input of a cell tagged remove-input (or folds it with hide-input);
    analysis code stays visible because it teaches."""
    hidden = {"remove-input", "hide-input"}
    display_only = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith(("from ", "import ", "#"))]
        tags = set(cell.metadata.get("tags", []))
        if len(lines) == 1 and DISPLAY_CALL.fullmatch(lines[0].strip()):
            assert tags & hidden, f"{nb.path.name}: {lines[0]!r} shows its code in the book"
            display_only += 1
        else:
            assert not tags & hidden, f"{nb.path.name}: analysis code hidden: {cell.source[:60]!r}"
    assert display_only >= 1


def test_every_figure_has_alt_text(nb):
    """A cell that draws a figure gives MyST-NB its alt text (metadata mystnb.image.alt)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if any("image/png" in out.get("data", {}) or "image/svg+xml" in out.get("data", {}) for out in cell.outputs):
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            assert len(alt) >= 40, f"{nb.path.name}: figure without alt text: {cell.source[:60]!r}"


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


# A citation is a link to the References cell; a group of them is "[A](#ref-a); [B](#ref-b)".
CITATION_GROUP = re.compile(r"\[[^\]\n]+\]\(#ref-[^)\s]+\)(?:;\s+\[[^\]\n]+\]\(#ref-[^)\s]+\))*")


def _prose_cells(nb) -> list[tuple[int, str]]:
    """Markdown cells a reader reads, without the References cell (generated)."""
    return [
        (n, cell.source)
        for n, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown" and not cell.source.startswith("## References")
    ]


def test_citations_sit_in_parentheses(nb):
    """Author-year citations read "(NIDA 2021; WHO 2023)": every group of citation links opens with
    a parenthesis (it may go on, as in "(NIDA 2021; see the aside below)")."""
    bare = []
    for n, text in _prose_cells(nb):
        for m in CITATION_GROUP.finditer(text):
            if not text[: m.start()].rstrip(" ").endswith("("):
                bare.append(f"cell {n}: ...{text[max(0, m.start() - 40):m.end()]!r}")
    assert not bare, f"{nb.path.name}: citations not in parentheses:\n" + "\n".join(bare)


def test_aside_summaries_are_plain_text(nb):
    """A <summary> is HTML: Markdown inside it (links, emphasis, code) shows as raw characters."""
    for n, text in _prose_cells(nb):
        for summary in re.findall(r"<summary>(.*?)</summary>", text, re.S):
            assert not re.search(r"\]\(|[*_`]", summary), f"{nb.path.name} cell {n}: Markdown in <summary>: {summary!r}"


def test_no_figure_is_stored_as_text(nb):
    """A Figure returned before the inline backend registered its formatter is stored as the text
    "<Figure size 720x1320 with 3 Axes>" and no image (recovery_science.display.show_figures_inline)."""
    for n, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = "".join(data.get("text/plain", ""))
            if re.fullmatch(r"<Figure size [^>]* with \d+ Axes>", text.strip()):
                assert "image/png" in data or "image/svg+xml" in data, f"{nb.path.name} cell {n}: figure stored as text"


# A "$" before a digit is an amount of money; unescaped, two of them on a line make the text between
# them math (MyST's dollarmath in the book, MathJax in JupyterLab): "$2.50** and each further $1.00"
# was shown as italic run-together math. Write "\$2.50".
UNESCAPED_DOLLAR = re.compile(r"(?<![\\$])\$(?=\d)")
BOOK_PAGES = sorted((ROOT / "book").glob("*.md"))


def _unescaped_amounts(name: str, texts: list[str]) -> list[str]:
    return [f"{name} {where}: ...{text[max(0, m.start() - 30):m.end() + 10]!r}"
            for where, text in texts for m in UNESCAPED_DOLLAR.finditer(text)]


def test_dollar_amounts_are_escaped_not_math():
    found = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        found += _unescaped_amounts(path.name, [(f"cell {i}", c.source) for i, c in enumerate(nb.cells)
                                                if c.cell_type == "markdown"])
    for path in BOOK_PAGES:
        found += _unescaped_amounts(path.name, [("", path.read_text(encoding="utf-8"))])
    assert not found, "write \\$ for an amount of money (a bare $ pair is typeset as math):\n" + "\n".join(found)


def test_the_dollar_check_tells_amounts_from_math():
    assert UNESCAPED_DOLLAR.search("earns **$2.50**") and UNESCAPED_DOLLAR.search("| $12.00 |")
    for fine in (r"earns \$2.50", "$$\nE(c) = e\n$$", "$x^2$", "$$10^{-3}$$"):
        assert not UNESCAPED_DOLLAR.search(fine), fine
