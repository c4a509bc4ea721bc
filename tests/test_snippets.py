"""Shared text blocks (recovery_science/snippets.py): the overdose response is written once, in
data/content/overdose-response.yaml, and every notebook and book page that shows it holds an exact,
current copy between its markers (issue #8, review findings #1 and #4)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from courseutil import run_cli

from recovery_science import snippets
from recovery_science.bib import citation_labels
from recovery_science.tools import references

ROOT = Path(__file__).resolve().parents[1]
NAME = "overdose-response"
START, END = snippets.START.format(name=NAME), snippets.END.format(name=NAME)

# A page or notebook that lists the signs of an overdose must carry the shared response with them.
MENTIONS_SIGNS = re.compile(r"pinpoint|signs? of (?:an? )?(?:opioid )?overdose", re.I)
# Places that may name a sign without the whole response, and why.
EXEMPT = {
    "book/glossary.md": "a one-paragraph definition of the term; the response itself is on the help page",
}
# Notebooks still being rewritten, e.g. {"notebooks/NN-….ipynb": "Module N text pending (issue #…)"}:
# remove an entry once the notebook holds the marker pair (strict: an entry no longer needed fails).
PENDING: dict[str, str] = {}


def _texts(path: Path) -> list[str]:
    """The text a reader reads: a page, or a notebook's markdown cells (References cell left out)."""
    if path.suffix == ".md":
        return [path.read_text(encoding="utf-8")]
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown" and not references.is_references_cell(c)]


def names_signs_without_block(texts: list[str]) -> bool:
    """True when the signs of an overdose are named outside a shared overdose-response block and no
    text carries the block."""
    joined = "\n".join(texts)
    outside = snippets.BLOCK.sub("", joined)
    has_block = any(name == NAME for name, _ in snippets.blocks_in(joined))
    return bool(MENTIONS_SIGNS.search(outside)) and not has_block


# ------------------------------------------------------------------------------------ the source


def test_the_source_cites_only_keys_of_the_bibliography_and_says_what_each_supports():
    snippet = snippets.load(NAME)
    labels = citation_labels()
    assert snippet.keys, "the overdose response cites its sources"
    assert set(snippet.keys) <= set(labels), set(snippet.keys) - set(labels)
    assert set(snippet.sources) == set(snippet.keys), "every cited key, and only those, in 'sources'"
    # the current CDC wording and steps (review findings #1 and #4), not the retired 2017 page
    text = snippet.text
    for phrase in ("discolored skin", "naloxone", "call 911", "on their side", "Stay with them",
                   "over the counter", "29 March 2023", "more than one dose", "wear off", "Good Samaritan"):
        assert phrase.lower() in text.lower(), phrase
    assert "pale, blue or cold" not in text and "cdc2017overdosesigns" not in snippet.keys


def test_notebook_rendering_is_what_the_references_tool_writes():
    """[Label](#ref-key) links with the bibliography's author–year labels: the references tool
    leaves them as they are, so `references --check` and `generate --check` never disagree."""
    labels = citation_labels()
    text = snippets.render(NAME, "notebook")
    links = references.CITATION.findall(text)
    assert {key for _, key in links} == set(snippets.load(NAME).keys)
    assert all(label == labels[key] for label, key in links)
    assert references.CITATION.sub(lambda m: references.link(m.group(2), labels), text) == text
    assert "[[cite" not in text and "{cite" not in text
    # several keys at once: the form the references tool gives a {footcite:p} with several keys
    for m in snippets.CITE.finditer(snippets.load(NAME).text):
        footcite = "{footcite:p}`" + m.group(1).replace(" ", "") + "`"
        assert references.FOOTCITE.sub(lambda f: references._convert_footcite(f, labels), footcite) in text


def test_book_rendering_uses_cite_roles():
    text = snippets.render(NAME, "book")
    keys = [k for m in re.finditer(r"\{cite:p\}`([^`]+)`", text) for k in m.group(1).split(",")]
    assert set(keys) == set(snippets.load(NAME).keys)
    assert "](#ref-" not in text and "[[cite" not in text


def test_a_block_keeps_blank_lines_inside_its_markers():
    """The markers are HTML comments on lines of their own, a blank line from the text, so the
    end marker never joins the last list item (and both renderers hide them)."""
    text = snippets.block(NAME, "notebook")
    assert text.startswith(START + "\n\n") and text.endswith("\n\n" + END)


@pytest.mark.parametrize("text, problem", [
    (f"{START}\nno end", "has no end marker"),
    (f"{END}\n", "without its start marker"),
    ("<!-- shared:no-such-block:start -->\n<!-- shared:no-such-block:end -->", "no shared block 'no-such-block'"),
])
def test_broken_markers_are_errors(text, problem):
    with pytest.raises(snippets.SnippetError, match=problem):
        snippets.refresh(text, "book")


# ------------------------------------------------------------------------------------ the copies


def test_every_copy_in_the_course_matches_the_source():
    assert snippets.stale(ROOT) == []
    copies = {path.relative_to(ROOT).as_posix() for path, _, _ in snippets.copies(ROOT)}
    assert "book/help.md" in copies


def test_the_help_page_keeps_its_notices_around_the_block():
    text = (ROOT / "book" / "help.md").read_text(encoding="utf-8")
    section = text.split("## If you think someone has overdosed", 1)[1].split("\n## ", 1)[0]
    assert ":class: note rs-content-note" in section and START in section and END in section
    assert section.index("rs-content-note") < section.index(START)
    assert text.index("In an emergency, call 911") < text.index(START)
    assert "pale, blue or cold skin" not in text


def _places():
    paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")) + sorted((ROOT / "book").glob("*.md"))
    out = []
    for path in paths:
        rel = path.relative_to(ROOT).as_posix()
        marks = [pytest.mark.xfail(strict=True, reason=PENDING[rel])] if rel in PENDING else []
        out.append(pytest.param(path, id=rel, marks=marks))
    return out


@pytest.mark.parametrize("path", _places())
def test_a_place_that_names_overdose_signs_carries_the_shared_response(path):
    rel = path.relative_to(ROOT).as_posix()
    if rel in EXEMPT:
        pytest.skip(EXEMPT[rel])
    assert not names_signs_without_block(_texts(path)), (
        f"{rel} names signs of an overdose without the shared response: add the marker pair "
        f"({START} / {END}) in a markdown cell and run `recovery-science generate`"
    )


def test_the_signs_rule_can_fail():
    assert names_signs_without_block(['Look for very small, "pinpoint" pupils.'])
    assert names_signs_without_block(["## Signs of an opioid overdose"])
    assert not names_signs_without_block(["Pupils and breathing."])
    assert not names_signs_without_block([snippets.block(NAME, "notebook")])


# ------------------------------------------------------------------------------------ generate


@pytest.fixture
def course(course_copy):
    """The course copy with its notebooks and book pages, one notebook asking for the block."""
    shutil.copytree(ROOT / "notebooks", course_copy / "notebooks")
    for page in (ROOT / "book").glob("*.md"):
        shutil.copy(page, course_copy / "book" / page.name)
    nb_path = course_copy / "notebooks" / "00-how-this-course-works.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    cell = nbformat.v4.new_markdown_cell(f"## Overdose\n\n{START}\n{END}\n")
    nb.cells.insert(len(nb.cells) - 1, cell)
    nbformat.write(nb, nb_path)
    return course_copy


def test_generate_writes_a_new_copy_and_its_sources(capsys, course):
    nb_path = course / "notebooks" / "00-how-this-course-works.ipynb"
    code, lines, _ = run_cli(capsys, "generate", "--check")
    assert (code, lines) == (1, [f"{nb_path}: out of date; run: recovery-science generate"])
    assert run_cli(capsys, "generate")[0] == 0
    assert run_cli(capsys, "generate", "--check") == (0, ["generate: every generated file is current"], "")
    nb = nbformat.read(nb_path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert snippets.block(NAME, "notebook") in text
    refs = [c.source for c in nb.cells if references.is_references_cell(c)][-1]
    for key in snippets.load(NAME).keys:
        assert f'<a id="ref-{key}"></a>' in refs, key
    # what generate wrote is what the references tool would write
    assert references.rewrite(nb) is False


@pytest.mark.parametrize("rel", ["book/help.md", "notebooks/00-how-this-course-works.ipynb"])
def test_a_changed_copy_fails_the_check_naming_the_file_and_generate_repairs_it(capsys, course, rel):
    assert run_cli(capsys, "generate")[0] == 0
    path = course / rel
    good = path.read_text(encoding="utf-8")
    assert "Lay them on their side" in good
    path.write_text(good.replace("Lay them on their side", "Lay them on their back"), encoding="utf-8")
    code, lines, _ = run_cli(capsys, "generate", "--check")
    assert (code, lines) == (1, [f"{path}: out of date; run: recovery-science generate"])
    assert path.read_text(encoding="utf-8") != good  # --check writes nothing
    code, lines, _ = run_cli(capsys, "validate")
    assert code == 1 and any(line.startswith(f"{path}: shared block 'overdose-response' differs") for line in lines)
    assert run_cli(capsys, "generate") == (0, [f"generate: wrote {path}"], "")
    assert path.read_text(encoding="utf-8") == good
    assert run_cli(capsys, "generate", "--check")[0] == 0


def test_a_changed_source_makes_every_copy_stale(capsys, course):
    assert run_cli(capsys, "generate")[0] == 0
    carriers = {path.name for path, _, _ in snippets.copies(course)}
    assert {"help.md", "00-how-this-course-works.ipynb"} <= carriers
    source = snippets.source_path(NAME)
    source.write_text(source.read_text(encoding="utf-8").replace("Lay them on their side", "Roll them onto their side"),
                      encoding="utf-8")
    code, lines, _ = run_cli(capsys, "generate", "--check")
    assert code == 1
    assert {Path(line.split(": ")[0]).name for line in lines} == carriers
    assert run_cli(capsys, "generate")[0] == 0
    assert "Roll them onto their side" in (course / "book" / "help.md").read_text(encoding="utf-8")


def test_a_broken_copy_is_reported_in_one_line(capsys, course):
    page = course / "book" / "help.md"
    page.write_text(page.read_text(encoding="utf-8").replace(END, ""), encoding="utf-8")
    code, lines, err = run_cli(capsys, "generate", "--check")
    assert code == 1 and len(lines) == 1 and "has no end marker" in lines[0] and str(page) in lines[0]
