"""Author–year citations in the notebooks and their generated References cells
(recovery_science.tools.references), and the labels of recovery_science.bib."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
import pytest

from recovery_science import bib
from recovery_science.tools import references as refs

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = refs.module_notebooks(ROOT)
BIB = ROOT / "book" / "references.bib"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_references_cell_is_what_the_tool_writes_from_the_bib(path):
    nb = nbformat.read(path, as_version=4)
    keys = refs.cited_keys(nb)
    assert keys, "a module cites its sources"
    missing = set(keys) - bib.bib_keys(BIB)
    assert not missing, f"cited keys not in references.bib: {sorted(missing)}"
    fresh = copy.deepcopy(nb)
    assert not refs.rewrite(fresh, BIB), (
        f"{path.name}: citations or References cell differ from references.bib: "
        "run python -m recovery_science.tools.references")
    cell = nb.cells[-1]
    assert refs.is_references_cell(cell), "the References cell ends the notebook"
    for key in keys:
        assert f'<a id="ref-{key}"></a>**{bib.citation_label(key, BIB)}.**' in cell.source
    assert cell.source.count('<a id="ref-') == len(keys)


def test_labels_are_author_year_and_unique():
    labels = bib.citation_labels(BIB)
    assert len(set(labels.values())) == len(labels)
    assert bib.citation_label("nida2021wordsmatter", BIB) == "NIDA 2021"
    assert bib.citation_label("johnson1992opioids", BIB) == "Johnson and North 1992"
    assert bib.citation_label("jalabert2011neuronal", BIB) == "Jalabert et al. 2011"  # "and others"
    assert bib.citation_label("milella2023heroin", BIB) == "Milella et al. 2023"
    assert bib.citation_label("lemerrer2009reward", BIB) == "Le Merrer et al. 2009"
    # two undated NIDA pages, told apart in title order
    assert (labels["nidaheroin"], labels["nidaheroinreport"]) == ("NIDA n.d.-a", "NIDA n.d.-b")
    with pytest.raises(KeyError):
        bib.citation_label("no-such-key", BIB)


ENTRY = """
@misc{{{key},
  author = {{{{National Institute on Drug Abuse}}}},
  title  = {{{title}}},
  year   = {{2021}},
  url    = {{https://example.org/{key}}}
}}
"""


def _bib_with(tmp_path, *entries) -> Path:
    path = tmp_path / "references.bib"
    path.write_text(BIB.read_text(encoding="utf-8") + "".join(ENTRY.format(key=k, title=t) for k, t in entries),
                    encoding="utf-8")
    return path


def test_a_second_entry_with_the_same_author_and_year_relabels_both(tmp_path):
    path = _bib_with(tmp_path, ("aaa2021", "A page that sorts first"))
    assert bib.citation_label("aaa2021", path) == "NIDA 2021a"
    assert bib.citation_label("nida2021wordsmatter", path) == "NIDA 2021b"
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    assert refs.rewrite(nb, path), "the tool must bring the labels up to date"
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "[NIDA 2021b](#ref-nida2021wordsmatter)" in text and "**NIDA 2021b.**" in text
    assert "[NIDA 2021](#" not in text


def test_tool_converts_footcite_and_fills_in_link_text(tmp_path):
    nb = nbformat.read(NOTEBOOKS[1], as_version=4)
    nb.cells[2].source += "\n\nMore {footcite:p}`sordo2017mortality,who2023overdose` and [](#ref-apa2013dsm5)."
    assert refs.rewrite(nb, BIB)
    assert nb.cells[2].source.endswith(
        "More ([Sordo et al. 2017](#ref-sordo2017mortality); [WHO 2023](#ref-who2023overdose)) and "
        "[APA 2013](#ref-apa2013dsm5).")
    assert '<a id="ref-who2023overdose"></a>**WHO 2023.**' in nb.cells[-1].source  # newly cited: listed
    nb.cells[2].source = nb.cells[2].source.replace("[WHO 2023](#ref-who2023overdose)", "[x](#ref-nope)")
    with pytest.raises(refs.UnknownKey):
        refs.rewrite(nb, BIB)


def test_cli_check_and_write(tmp_path):
    copy_path = tmp_path / NOTEBOOKS[0].name
    shutil.copy(NOTEBOOKS[0], copy_path)
    assert refs.main(["--check", str(copy_path)]) == 0
    nb = nbformat.read(copy_path, as_version=4)
    nb.cells[-1].source = nb.cells[-1].source.replace("**NIDA 2021.**", "**NIDA 2020.**")
    nbformat.write(nb, copy_path)
    assert refs.main(["--check", str(copy_path)]) == 1
    assert refs.main([str(copy_path)]) == 0
    assert refs.main(["--check", str(copy_path)]) == 0
    assert nbformat.read(copy_path, as_version=4).cells[-1].source == nbformat.read(
        NOTEBOOKS[0], as_version=4).cells[-1].source
