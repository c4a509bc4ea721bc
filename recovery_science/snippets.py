"""Shared text blocks written once in ``data/content/<name>.yaml`` and copied into every notebook and
book page that asks for them (issue #8: one overdose-response text for the whole course).

A notebook markdown cell or a page in ``book/`` asks for a block with a pair of marker lines (HTML
comments, which JupyterLab and the book both leave invisible)::

    <!-- shared:overdose-response:start -->
    <!-- shared:overdose-response:end -->

``recovery-science generate`` replaces everything between the markers with the block rendered for
that place; ``generate --check`` and ``validate`` name every file whose copy differs. The source's
``text`` is Markdown in which ``[[cite: key1, key2]]`` cites entries of ``book/references.bib``:

* in a notebook it becomes ``([Label 1](#ref-key1); [Label 2](#ref-key2))``, exactly the links that
  :mod:`recovery_science.tools.references` writes (same author–year labels), so that tool and this
  one agree; after writing a notebook, generate also brings its References cell up to date;
* on a book page it becomes ``{cite:p}`key1,key2```.

The block is written between the markers with one blank line on each side, so the closing marker
never ends a list or a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .paths import course_root, data_dir

CONTENT_DIR = "content"
START = "<!-- shared:{name}:start -->"
END = "<!-- shared:{name}:end -->"
# a whole block: start marker, anything, the end marker of the same name
BLOCK = re.compile(
    r"<!-- shared:(?P<name>[a-z0-9][a-z0-9-]*):start -->(?P<body>.*?)<!-- shared:(?P=name):end -->", re.S
)
MARKER = re.compile(r"<!-- shared:(?P<name>[a-z0-9][a-z0-9-]*):(?P<end>start|end) -->")
CITE = re.compile(r"\[\[cite:\s*([^\]]+?)\s*\]\]")
TARGETS = ("notebook", "book")


class SnippetError(ValueError):
    """A source or a copy that cannot be rendered (unknown block, unknown key, unbalanced markers)."""


@dataclass(frozen=True)
class Snippet:
    name: str
    path: Path
    text: str
    sources: dict[str, str]

    @property
    def keys(self) -> list[str]:
        """Keys cited in the text, in order of first use."""
        out: list[str] = []
        for m in CITE.finditer(self.text):
            for key in (k.strip() for k in m.group(1).split(",")):
                if key and key not in out:
                    out.append(key)
        return out


def content_dir() -> Path:
    return data_dir() / CONTENT_DIR


def source_path(name: str) -> Path:
    return content_dir() / f"{name}.yaml"


@lru_cache(maxsize=16)
def _load(path: str, mtime: float) -> Snippet:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise SnippetError(f"{path}: needs a 'text' (Markdown)")
    sources = raw.get("sources") or {}
    if not isinstance(sources, dict):
        raise SnippetError(f"{path}: 'sources' must map each cited key to what it supports")
    cited = {str(k): str(v) for k, v in sources.items()}
    snippet = Snippet(Path(path).stem, Path(path), raw["text"].strip("\n"), cited)
    missing = [k for k in snippet.keys if k not in snippet.sources]
    if missing:
        raise SnippetError(f"{path}: cited but not in 'sources': {', '.join(missing)}")
    return snippet


def load(name: str) -> Snippet:
    path = source_path(name)
    if not path.is_file():
        raise SnippetError(f"no shared block '{name}': {path} does not exist")
    return _load(str(path), path.stat().st_mtime)


def names() -> list[str]:
    return sorted(p.stem for p in content_dir().glob("*.yaml")) if content_dir().is_dir() else []


def _labels() -> dict[str, str]:
    from .bib import citation_labels

    return citation_labels()


def render(name: str, target: str, labels: dict[str, str] | None = None) -> str:
    """The block's Markdown for a notebook (``[Label](#ref-key)`` links) or a book page (``{cite:p}``)."""
    if target not in TARGETS:
        raise ValueError(f"target must be one of {TARGETS}")
    snippet = load(name)
    labels = _labels() if labels is None else labels
    unknown = [k for k in snippet.keys if k not in labels]
    if unknown:
        raise SnippetError(f"{snippet.path}: cites {', '.join(unknown)}, not in book/references.bib")

    def cite(m: re.Match) -> str:
        keys = [k.strip() for k in m.group(1).split(",") if k.strip()]
        if target == "book":
            return "{cite:p}`" + ",".join(keys) + "`"
        return "(" + "; ".join(f"[{labels[k]}](#ref-{k})" for k in keys) + ")"

    return CITE.sub(cite, snippet.text)


def block(name: str, target: str, labels: dict[str, str] | None = None) -> str:
    """The block with its two marker lines, as it stands in a copy."""
    return f"{START.format(name=name)}\n\n{render(name, target, labels)}\n\n{END.format(name=name)}"


def _check_markers(text: str, where: str) -> None:
    stack: list[str] = []
    for m in MARKER.finditer(text):
        if m.group("end") == "start":
            if stack:
                raise SnippetError(f"{where}: shared block '{m.group('name')}' starts inside '{stack[-1]}'")
            stack.append(m.group("name"))
        elif not stack or stack.pop() != m.group("name"):
            raise SnippetError(f"{where}: end marker of '{m.group('name')}' without its start marker")
    if stack:
        raise SnippetError(f"{where}: shared block '{stack[-1]}' has no end marker")


def refresh(text: str, target: str, where: str = "text", labels: dict[str, str] | None = None) -> str:
    """``text`` with every shared block between markers replaced by its current rendering."""
    _check_markers(text, where)
    if not BLOCK.search(text):
        return text
    labels = _labels() if labels is None else labels
    return BLOCK.sub(lambda m: block(m.group("name"), target, labels), text)


def blocks_in(text: str) -> list[tuple[str, str]]:
    """(name, whole block text) of each block in ``text``."""
    return [(m.group("name"), m.group(0)) for m in BLOCK.finditer(text)]


# ------------------------------------------------------------------------------------ the copies


def notebook_paths(root: Path | None = None) -> list[Path]:
    return sorted(((root or course_root()) / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def page_paths(root: Path | None = None) -> list[Path]:
    return sorted(((root or course_root()) / "book").glob("*.md"))


def _notebook_text(path: Path, labels: dict[str, str]) -> tuple[str, str]:
    """(old file text, new file text) for a notebook; the same text when no block changed."""
    import nbformat

    old = path.read_text(encoding="utf-8")
    if "<!-- shared:" not in old:
        return old, old
    nb = nbformat.reads(old, as_version=4)
    changed = False
    for n, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        new = refresh(cell.source, "notebook", f"{path} (cell {n})", labels)
        if new != cell.source:
            cell.source = new
            changed = True
    if not changed:
        return old, old
    from .tools import references

    try:
        references.rewrite(nb)  # the block's sources join the notebook's References cell
    except ValueError:  # no References cell: nothing to keep in step
        pass
    new = nbformat.writes(nb)
    return old, new if new.endswith("\n") else new + "\n"


def copies(root: Path | None = None) -> list[tuple[Path, str, str]]:
    """(path, text now, text with current blocks) for every notebook and book page with a marker."""
    labels = _labels()
    out = []
    for path in notebook_paths(root):
        old, new = _notebook_text(path, labels)
        if "<!-- shared:" in old:
            out.append((path, old, new))
    for path in page_paths(root):
        old = path.read_text(encoding="utf-8")
        if "<!-- shared:" in old:
            out.append((path, old, refresh(old, "book", str(path), labels)))
    return out


def stale(root: Path | None = None) -> list[str]:
    """One line per copy that differs from its source (for ``validate``)."""
    lines = []
    for path, old, new in copies(root):
        if old != new:
            which = sorted({name for name, text in blocks_in(old)} | {name for name, _ in blocks_in(new)})
            lines.append(
                f"{path}: shared block {', '.join(repr(w) for w in which)} differs from "
                f"{', '.join(str(source_path(w).relative_to(course_root())) for w in which)}; "
                "run: recovery-science generate"
            )
    return lines


def generated_files() -> list:
    """(path, make) pairs for ``recovery-science generate``: every copy of a shared block."""
    return [(path, (lambda new=new: new)) for path, _, new in copies()]
