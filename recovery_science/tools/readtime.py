"""How long a module takes: the estimate a module's overview states ("about N minutes"), and how it
is made (issue #8; the module standard asks every overview to say how long the module takes).

    python -m recovery_science.tools.readtime [notebooks/NN-*.ipynb ...]

prints, per notebook, ``about N minutes (+ M minutes of optional asides)`` and what went into it:

* **reading**: the words of the main Markdown text at :data:`WORDS_PER_MINUTE` (200, a common
  figure for reading study text). Counted: the prose a reader reads. Not counted: the generated
  ``## References`` cell, code (code cells and fenced code in Markdown), HTML tags and comments
  (their text is kept), link and image targets (a link's text is kept, an image's is not) and
  Markdown punctuation. A word is a run of characters without spaces that holds a letter or digit.
* **optional asides**: the words inside ``<details class="rs-aside">`` … ``</details>`` are counted
  separately, at the same speed, as optional reading (the "+ M minutes").
* **code**: :data:`MINUTES_PER_CODE_CELL` (1 minute) for each code cell a student reads and runs; a
  display-only cell (tag ``remove-input`` or ``remove-cell``: a quiz, a widget) is not counted.
* **quiz**: :data:`MINUTES_PER_QUIZ_ITEM` (1.5 minutes) for each question of the bank the notebook
  shows with ``show_quiz("<bank id>")``.

Each part is rounded only at the end (to the nearest minute). With no paths: every module notebook.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from ..paths import course_root, quiz_dir

WORDS_PER_MINUTE = 200
MINUTES_PER_CODE_CELL = 1.0
MINUTES_PER_QUIZ_ITEM = 1.5
DISPLAY_ONLY_TAGS = {"remove-input", "remove-cell"}

ASIDE = re.compile(r"<details\b[^>]*\bclass=\"[^\"]*\brs-aside\b[^\"]*\"[^>]*>(.*?)</details>", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.S | re.M)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>\n]+>")
_WORD = re.compile(r"\S+")
_ALNUM = re.compile(r"[^\W_]")
SHOW_QUIZ = re.compile(r"show_quiz\(\s*[\"']([^\"']+)[\"']")
HEADING = "## References"


def clean(markdown: str) -> str:
    """The prose of a Markdown text: no comments, code, images, link targets or HTML tags."""
    text = _COMMENT.sub(" ", markdown)
    text = _FENCE.sub(" ", text)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(lambda m: m.group(1), text)
    return _TAG.sub(" ", text)


def count_words(markdown: str) -> int:
    return sum(1 for w in _WORD.findall(clean(markdown)) if _ALNUM.search(w))


def split_asides(markdown: str) -> tuple[str, str]:
    """(main text, the text of its rs-aside <details> blocks)."""
    asides = " ".join(m.group(1) for m in ASIDE.finditer(markdown))
    return ASIDE.sub(" ", markdown), asides


def _is_references(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith(HEADING)


def _display_only(cell) -> bool:
    return bool(DISPLAY_ONLY_TAGS & set(cell.metadata.get("tags", [])))


def bank_questions(bank_id: str, banks: Path | None = None) -> int:
    """Number of questions in the bank with this id (file ``<id>.yaml`` or a bank whose ``id`` is it)."""
    folder = banks or quiz_dir()
    candidates = [folder / f"{bank_id}.yaml"] + sorted(folder.glob("*.yaml"))
    for path in candidates:
        if not path.is_file():
            continue
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(raw, dict) and (raw.get("id") == bank_id or path.stem == bank_id):
            return len(raw.get("questions") or [])
    raise FileNotFoundError(f"no question bank with id '{bank_id}' in {folder}")


@dataclass(frozen=True)
class Estimate:
    words: int
    aside_words: int
    code_cells: int
    quiz_banks: tuple[str, ...]
    quiz_items: int

    @property
    def reading_minutes(self) -> float:
        return self.words / WORDS_PER_MINUTE

    @property
    def code_minutes(self) -> float:
        return self.code_cells * MINUTES_PER_CODE_CELL

    @property
    def quiz_minutes(self) -> float:
        return self.quiz_items * MINUTES_PER_QUIZ_ITEM

    @property
    def minutes(self) -> int:
        return round(self.reading_minutes + self.code_minutes + self.quiz_minutes)

    @property
    def aside_minutes(self) -> int:
        return round(self.aside_words / WORDS_PER_MINUTE)

    def summary(self) -> str:
        return f"about {self.minutes} minutes (+ {self.aside_minutes} minutes of optional asides)"

    def details(self) -> str:
        return (
            f"{self.words} words of main text / {WORDS_PER_MINUTE} a minute = {self.reading_minutes:.1f} min; "
            f"{self.code_cells} code cells x {MINUTES_PER_CODE_CELL:g} min; "
            f"{self.quiz_items} quiz items x {MINUTES_PER_QUIZ_ITEM:g} min"
            + (f" ({', '.join(self.quiz_banks)})" if self.quiz_banks else "")
            + f"; asides {self.aside_words} words"
        )


def estimate(nb, banks: Path | None = None) -> Estimate:
    """The estimate for a notebook (an nbformat node)."""
    words = aside_words = code = 0
    quiz: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not _is_references(cell):
            main, aside = split_asides(cell.source)
            words += count_words(main)
            aside_words += count_words(aside)
        elif cell.cell_type == "code":
            quiz += [b for b in SHOW_QUIZ.findall(cell.source) if b not in quiz]
            if not _display_only(cell) and cell.source.strip():
                code += 1
    items = sum(bank_questions(b, banks) for b in quiz)
    return Estimate(words, aside_words, code, tuple(quiz), items)


def estimate_path(path: Path, banks: Path | None = None) -> Estimate:
    return estimate(nbformat.read(path, as_version=4), banks)


NUMBER_WORDS = {
    "five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30, "forty": 40,
    "forty-five": 45, "fifty": 50, "sixty": 60, "seventy": 70, "seventy-five": 75, "eighty": 80, "ninety": 90,
}
_N = r"(\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
STATED = re.compile(r"\babout\s+" + _N + r"(?:\s*(?:[–-]|to)\s*" + _N + r")?\s+minutes\b", re.I)


def stated_minutes(nb) -> tuple[int, int] | None:
    """The estimate the overview (the first Markdown cell) states: "about N minutes" or
    "about N–M minutes", as (low, high); None if it states none."""
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    m = STATED.search(clean(first.source)) if first is not None else None
    if not m:
        return None

    def num(s: str) -> int:
        return int(s) if s.isdigit() else NUMBER_WORDS[s.lower()]

    low = num(m.group(1))
    return low, num(m.group(2)) if m.group(2) else low


def module_notebooks(root: Path | None = None) -> list[Path]:
    return sorted(((root or course_root()) / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recovery_science.tools.readtime",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="also show what went into each estimate")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks or module_notebooks():
        try:
            est = estimate_path(path)
        except (OSError, ValueError) as exc:
            print(f"{path}: {' '.join(str(exc).split())}", file=sys.stderr)
            status = 1
            continue
        print(f"{path}: {est.summary()}")
        if args.verbose:
            print(f"  {est.details()}")
    return status


if __name__ == "__main__":
    sys.exit(main())
