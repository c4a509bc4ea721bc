"""Where the course's data and bibliography live.

Order: the ``RECOVERY_SCIENCE_ROOT`` environment variable; the repository that holds this
package (editable install or a clone); the copy of ``data/`` and ``book/references.bib``
packed into the wheel (``recovery_science/_course``).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _is_course_root(path: Path) -> bool:
    return (path / "data").is_dir() and (path / "book" / "references.bib").is_file()


@lru_cache(maxsize=None)
def course_root() -> Path:
    env = os.environ.get("RECOVERY_SCIENCE_ROOT")
    if env:
        root = Path(env).resolve()
        if not _is_course_root(root):
            raise FileNotFoundError(f"RECOVERY_SCIENCE_ROOT={env} does not hold data/ and book/references.bib")
        return root
    for candidate in (_PACKAGE_DIR.parent, _PACKAGE_DIR / "_course"):
        if _is_course_root(candidate):
            return candidate
    raise FileNotFoundError(
        "Cannot find the course data. Run from a clone of the course repository, or set RECOVERY_SCIENCE_ROOT to it."
    )


def data_dir() -> Path:
    return course_root() / "data"


def quiz_dir() -> Path:
    return data_dir() / "quizzes"


def tool_path(file: str) -> Path:
    """A file of ``data/tools/``: an interactive tool's parameters, read by Python and embedded for its script."""
    return data_dir() / "tools" / file


def read_tool_json(path: str | Path) -> dict:
    """A tool's JSON parameters, without their ``_comment`` (a note for editors, not data)."""
    import json

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    data.pop("_comment", None)
    return data


def bib_path() -> Path:
    return course_root() / "book" / "references.bib"


def dataset_manifest_path() -> Path:
    """``data/datasets.yaml``: each dataset's provenance and pinned SHA-256."""
    return data_dir() / "datasets.yaml"


def bank_schema_path() -> Path:
    """``data/quizzes/bank.schema.json``: the JSON Schema of a question bank."""
    return quiz_dir() / "bank.schema.json"


def data_readme_path() -> Path:
    return data_dir() / "README.md"
