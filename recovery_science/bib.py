"""The book's bibliography (``book/references.bib``) read with pybtex: one author–year label per
entry, used everywhere a source is named.

:func:`citation_label` gives an entry's label, e.g. ``"NIDA 2021"``, ``"Johnson and North 1992"``,
``"Milella et al. 2023"``. The same labels appear in the notebooks' citations and References cells
(``recovery_science.tools.references``), on the book's bibliography page and in ``{cite:p}``
citations (the pybtex label style that ``recovery_science.sphinxext`` registers), and can head a
quiz's source line.

How a label is made, from the whole .bib file (so a label is the same on every page):

* the author part: the entry's ``shortauthor`` field if it has one; otherwise one author's last
  name, two authors' joined by "and", or the first author's and "et al." for three or more (or
  "and others"); an organisation written as one braced name is shortened with
  :data:`ORGANISATIONS` (e.g. "National Institute on Drug Abuse" -> "NIDA");
* the year, or "n.d." for an undated page;
* entries that would share a label get "a", "b", ... after the year ("n.d.-a" after "n.d."), in
  the order of their titles, then keys.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from pybtex.database import parse_file
from pybtex.plugin import find_plugin
from pybtex.richtext import Text

from .paths import bib_path

# Organisations cited as authors, with the short name the course uses for them.
ORGANISATIONS = {
    "American Psychiatric Association": "APA",
    "BC Centre on Substance Use": "BCCSU",
    "Centers for Disease Control and Prevention": "CDC",
    "Centers for Disease Control and Prevention, National Center for Health Statistics": "CDC NCHS",
    "National Academies of Sciences, Engineering, and Medicine": "NASEM",
    "National Institute on Drug Abuse": "NIDA",
    "Office of National Drug Control Policy": "ONDCP",
    "Substance Abuse and Mental Health Services Administration": "SAMHSA",
    "World Health Organization": "WHO",
}
UNDATED = "n.d."


@lru_cache(maxsize=8)
def _entries(path: str):
    return parse_file(path, bib_format="bibtex").entries


def _path(path: str | Path | None) -> str:
    return str(path or bib_path())


def bib_keys(path: str | Path | None = None) -> set[str]:
    return set(_entries(_path(path)).keys())


@lru_cache(maxsize=4)
def _backend(name: str):
    # one instance per output format: pybtex's render_as() looks the backend up among the installed
    # plugins on every call (about 25 ms each, seconds over a bibliography)
    return find_plugin("pybtex.backends", name)()


def _plain(latex: str) -> str:
    return " ".join(Text.from_latex(latex).render(_backend("text")).split())


def _surname(person) -> str:
    return _plain(" ".join(person.prelast_names + person.last_names))


def author_part(entry) -> str:
    """The author part of an entry's label (see the module docstring)."""
    if "shortauthor" in entry.fields:
        return _plain(entry.fields["shortauthor"])
    persons = list(entry.persons.get("author") or entry.persons.get("editor") or [])
    others = bool(persons) and _surname(persons[-1]) == "others"
    if others:
        persons = persons[:-1]
    if not persons:
        return _plain(entry.fields.get("organization") or entry.fields.get("title", "Anonymous"))
    names = [ORGANISATIONS.get(_surname(p), _surname(p)) for p in persons]
    if others or len(names) >= 3:
        return f"{names[0]} et al."
    return " and ".join(names)


def _year(entry) -> str:
    year = _plain(entry.fields.get("year", UNDATED))
    return UNDATED if year.lower() in ("n.d.", "nd", "") else year


def make_labels(entries) -> dict[str, str]:
    """Every entry's author–year label (``entries``: key -> pybtex Entry), unique across them."""
    groups: dict[str, list] = defaultdict(list)
    for key, entry in entries.items():
        groups[f"{author_part(entry)} {_year(entry)}"].append((key, entry))
    labels = {}
    for base, members in groups.items():
        if len(members) == 1:
            labels[members[0][0]] = base
            continue
        members.sort(key=lambda m: (_plain(m[1].fields.get("title", "")).casefold(), m[0]))
        sep = "-" if base.endswith(UNDATED) else ""
        for i, (key, _) in enumerate(members):
            labels[key] = f"{base}{sep}{chr(ord('a') + i)}"
    return labels


@lru_cache(maxsize=8)
def _labels(path: str) -> dict[str, str]:
    return make_labels(_entries(path))


def citation_labels(path: str | Path | None = None) -> dict[str, str]:
    """key -> label for every entry of the .bib file."""
    return dict(_labels(_path(path)))


def citation_label(key: str, path: str | Path | None = None) -> str:
    """An entry's author–year label, e.g. ``citation_label("nida2021wordsmatter") == "NIDA 2021"``.

    Raises ``KeyError`` for a key that is not in the .bib file."""
    labels = _labels(_path(path))
    if key not in labels:
        raise KeyError(f"'{key}' is not a key in {_path(path)}")
    return labels[key]


def sort_key(label: str) -> tuple:
    """Order labels as a reference list does: by author part, then year, case-insensitively."""
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", label))


def course_style_class():
    """pybtex's plain style, with the entry's note also printed for ``@incollection`` (plain prints
    it for every other type the course uses; a note says where a source was read)."""
    from pybtex.style.template import optional_field, sentence

    plain = find_plugin("pybtex.style.formatting", "plain")

    class CourseStyle(plain):
        def get_incollection_template(self, e):
            template = super().get_incollection_template(e)
            *head, web_refs = template.children
            copy = template[()]  # a copy of the node with its children
            copy.children = [*head, sentence[optional_field("note")], web_refs]
            return copy

    return CourseStyle


@lru_cache(maxsize=1)
def _style():
    # one instance: making a pybtex style scans the installed plugins (about 0.1 s each time)
    return course_style_class()()


@lru_cache(maxsize=512)
def _format(path: str, key: str, backend: str) -> str:
    entries = _entries(path)
    if key not in entries:
        raise KeyError(f"'{key}' is not a key in {path}")
    style = _style()
    formatted = style.format_entry(_labels(path)[key], entries[key])
    if backend == "markdown":
        return " ".join(formatted.text.render(_MarkdownBackend()).split())
    return formatted.text.render(_backend(backend))


def format_reference(key: str, path: str | Path | None = None) -> str:
    """One entry as plain text headed by its label, as the bibliography page lists it, e.g.
    ``[NIDA 2021] National Institute on Drug Abuse. Words matter: ...`` (quiz sources, exports)."""
    path = _path(path)
    text = _format(path, key, "text")  # KeyError for a key not in the .bib file
    return f"[{_labels(path)[key]}] {text}"


def format_reference_markdown(key: str, path: str | Path | None = None) -> str:
    """One entry as one line of Markdown that JupyterLab and MyST both render (links kept)."""
    return _format(_path(path), key, "markdown")


def _markdown_backend():
    base = find_plugin("pybtex.backends", "markdown")

    class Backend(base):
        """pybtex's Markdown with only the characters escaped that mean something in a
        paragraph of CommonMark or MyST (``$`` opens math with dollarmath)."""

        def format_str(self, text):
            return re.sub(r"([\\`*_\[\]<>$|~])", r"\\\1", text)

    return Backend


_MarkdownBackend = _markdown_backend()
