"""The book's bibliography (``book/references.bib``) read with pybtex, for quiz sources."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pybtex.database import parse_file
from pybtex.plugin import find_plugin

from .paths import bib_path


@lru_cache(maxsize=8)
def _entries(path: str):
    return parse_file(path, bib_format="bibtex").entries


def bib_keys(path: str | Path | None = None) -> set[str]:
    return set(_entries(str(path or bib_path())).keys())


@lru_cache(maxsize=512)
def _format(path: str, key: str) -> str:
    entries = _entries(path)
    if key not in entries:
        raise KeyError(f"'{key}' is not a key in {path}")
    style = find_plugin("pybtex.style.formatting", "unsrt")()
    formatted = next(iter(style.format_entries([entries[key]])))
    return formatted.text.render_as("text")


def format_reference(key: str, path: str | Path | None = None) -> str:
    """One entry as plain text (unsrt style), e.g. for a quiz's feedback."""
    return _format(str(path or bib_path()), key)
