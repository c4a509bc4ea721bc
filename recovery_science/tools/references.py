"""Citations and References cells of the course notebooks, written from ``book/references.bib``.

A notebook cites a source with an ordinary Markdown link to the entry's anchor in its own
References cell, which both JupyterLab and the book render::

    ... is particularly addictive ([NIDA 2005](#ref-nida2005heroin)).
    ... ([Johnson and North 1992](#ref-johnson1992opioids); [Jalabert et al. 2011](#ref-jalabert2011neuronal))

The link text is the entry's author–year label (:func:`recovery_science.bib.citation_label`); an
author may write any text (e.g. ``[](#ref-key)``) and this tool fills it in. The notebook's last
``## References`` cell lists every entry the notebook cites, ordered by label, each with the
stable anchor ``ref-<key>``; this tool writes it, and ``tests/test_notebook_references.py`` checks
that every notebook is as the tool would write it. A MyST ``{footcite:p}`key1,key2``` citation
(the earlier form, shown raw in JupyterLab) is converted to the links above.

    python -m recovery_science.tools.references [--check] [notebooks/NN-*.ipynb ...]

With no paths, every module notebook in ``notebooks/``. ``--check`` writes nothing and exits 1 if a
notebook would change. A cited key that is not in the .bib file is an error (exit 2).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from ..bib import citation_labels, format_reference_markdown, sort_key
from ..paths import course_root

ANCHOR_PREFIX = "ref-"
# [any text](#ref-key): a citation
CITATION = re.compile(r"\[([^\]\n]*)\]\(#ref-([A-Za-z0-9_:.\-]+)\)")
FOOTCITE = re.compile(r"\{footcite(?::p)?\}`([^`]+)`")
HEADING = "## References"
INTRO = "Sources cited in this module. Every source cited anywhere in the course is listed in the course bibliography."
MARKER = "<!-- Written by: python -m recovery_science.tools.references (edit book/references.bib, not this cell) -->"


class UnknownKey(KeyError):
    pass


def anchor(key: str) -> str:
    return f"{ANCHOR_PREFIX}{key}"


def _labels(bib: str | Path | None) -> dict[str, str]:
    return citation_labels(bib)


def link(key: str, labels: dict[str, str]) -> str:
    if key not in labels:
        raise UnknownKey(key)
    return f"[{labels[key]}](#{anchor(key)})"


def _convert_footcite(match: re.Match, labels: dict[str, str]) -> str:
    keys = [k.strip() for k in match.group(1).split(",") if k.strip()]
    return "(" + "; ".join(link(k, labels) for k in keys) + ")"


def is_references_cell(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith(HEADING)


def cited_keys(nb) -> list[str]:
    """Keys cited in the notebook's markdown (References cell excepted), in order of first use."""
    keys: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "markdown" or is_references_cell(cell):
            continue
        for key in [m.group(2) for m in CITATION.finditer(cell.source)] + [
            k.strip() for m in FOOTCITE.finditer(cell.source) for k in m.group(1).split(",")
        ]:
            if key and key not in keys:
                keys.append(key)
    return keys


def references_cell_source(keys, labels: dict[str, str], bib: str | Path | None = None) -> str:
    """The References cell for these keys: heading, intro line and one entry per key."""
    for key in keys:
        if key not in labels:
            raise UnknownKey(key)
    lines = [HEADING, "", MARKER, "", INTRO, ""]
    for key in sorted(set(keys), key=lambda k: sort_key(labels[k])):
        lines.append(f'- <a id="{anchor(key)}"></a>**{labels[key]}.** {format_reference_markdown(key, bib)}')
    return "\n".join(lines)


def rewrite(nb, bib: str | Path | None = None) -> bool:
    """Bring the notebook's citations and References cell up to date; True if anything changed."""
    labels = _labels(bib)
    changed = False
    for cell in nb.cells:
        if cell.cell_type != "markdown" or is_references_cell(cell):
            continue
        new = FOOTCITE.sub(lambda m: _convert_footcite(m, labels), cell.source)
        new = CITATION.sub(lambda m: link(m.group(2), labels), new)
        if new != cell.source:
            cell.source = new
            changed = True
    refs = [c for c in nb.cells if is_references_cell(c)]
    if not refs:
        raise ValueError(f"no '{HEADING}' markdown cell")
    source = references_cell_source(cited_keys(nb), labels, bib)
    if refs[-1].source != source:
        refs[-1].source = source
        changed = True
    return changed


def module_notebooks(root: Path | None = None) -> list[Path]:
    return sorted(((root or course_root()) / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recovery_science.tools.references",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook would change")
    args = parser.parse_args(argv)
    paths = args.notebooks or module_notebooks()
    stale = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            changed = rewrite(nb)
        except UnknownKey as exc:
            print(f"{path}: cites {exc.args[0]!r}, which is not a key in book/references.bib", file=sys.stderr)
            return 2
        if changed:
            stale.append(path)
            if not args.check:
                nbformat.write(nb, path)
    for path in stale:
        print(f"{path}: {'would update' if args.check else 'updated'} citations / References cell")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
