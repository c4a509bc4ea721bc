"""The list of facts to recheck (data/recheck.yaml): every date-sensitive "as of <Month Year>" or
"as of <Year>" phrase in the notebooks' Markdown, the book pages and the shared blocks is listed by
file; every listed phrase still occurs in its file; every entry has its source and a recheck date."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import nbformat
import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from recovery_science import snippets
from recovery_science.bib import bib_keys
from recovery_science.tools import references

ROOT = Path(__file__).resolve().parents[1]
RECHECK = ROOT / "data" / "recheck.yaml"
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
AS_OF = re.compile(r"\bas\s+of\s+(?:(?:\d{1,2}\s+)?(?P<month>" + "|".join(MONTHS) + r")\s+)?(?P<year>(?:19|20)\d\d)\b",
                   re.I)


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    phrase: str = Field(min_length=10)
    where: str
    as_of: str = Field(pattern=r"^(19|20)\d\d(-(0[1-9]|1[0-2]))?$")
    source: str
    recheck_by: dt.date
    note: str | None = None

    @field_validator("where")
    @classmethod
    def _a_course_file(cls, v: str) -> str:
        if not (re.fullmatch(r"notebooks/\d\d-[^/]+\.ipynb|book/[^/]+\.md|data/content/[^/]+\.yaml", v)):
            raise ValueError("must be notebooks/NN-*.ipynb, book/*.md or data/content/*.yaml")
        return v

    @model_validator(mode="after")
    def _date_in_phrase_is_as_of(self):
        m = AS_OF.search(norm(self.phrase))
        if not m:
            raise ValueError(f"phrase has no 'as of <Month Year>' or 'as of <Year>': {self.phrase!r}")
        if date_of(m) != self.as_of:
            raise ValueError(f"as_of {self.as_of} but the phrase says {m.group(0)!r}")
        first_day = dt.date(int(self.as_of[:4]), int(self.as_of[5:7] or 1) if len(self.as_of) > 4 else 1, 1)
        if self.recheck_by <= first_day:
            raise ValueError("recheck_by must come after as_of")
        return self


class RecheckList(BaseModel):
    model_config = ConfigDict(extra="forbid")
    facts: list[Fact]


def norm(text: str) -> str:
    return " ".join(text.split())


def date_of(m: re.Match) -> str:
    if m.group("month"):
        month = [x.lower() for x in MONTHS].index(m.group("month").lower()) + 1
        return f"{m.group('year')}-{month:02d}"
    return m.group("year")


def load(path: Path = RECHECK) -> RecheckList:
    return RecheckList.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def course_texts(root: Path = ROOT) -> dict[str, str]:
    """What a reader reads, per file: a notebook's Markdown cells (References cell left out), a book
    page; shared blocks are taken out of both and read once, from their source's text."""
    texts = {}
    for path in sorted((root / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        cells = [c.source for c in nb.cells if c.cell_type == "markdown" and not references.is_references_cell(c)]
        texts[path.relative_to(root).as_posix()] = snippets.BLOCK.sub(" ", "\n\n".join(cells))
    for path in sorted((root / "book").glob("*.md")):
        texts[path.relative_to(root).as_posix()] = snippets.BLOCK.sub(" ", path.read_text(encoding="utf-8"))
    for path in sorted((root / "data" / "content").glob("*.yaml")):
        texts[path.relative_to(root).as_posix()] = yaml.safe_load(path.read_text(encoding="utf-8"))["text"]
    return {k: norm(v) for k, v in texts.items()}


def unlisted_and_missing(facts: list[Fact], texts: dict[str, str]) -> tuple[list[str], list[str]]:
    """("file: 'as of …' in context" for each phrase no entry covers, entry ids not found in their file)."""
    covered: dict[str, list[tuple[int, int]]] = {}
    missing = []
    for fact in facts:
        text = texts.get(fact.where, "")
        spans = [(m.start(), m.end()) for m in re.finditer(re.escape(norm(fact.phrase)), text)]
        if not spans:
            missing.append(fact.id)
        covered.setdefault(fact.where, []).extend(spans)
    unlisted = []
    for where, text in texts.items():
        for m in AS_OF.finditer(text):
            if not any(a <= m.start() and m.end() <= b for a, b in covered.get(where, [])):
                unlisted.append(f"{where}: {m.group(0)!r} in '…{text[max(0, m.start() - 60):m.end() + 40]}…'")
    return unlisted, missing


# ------------------------------------------------------------------------------------ tests


def test_the_list_follows_the_schema():
    facts = load().facts
    assert facts
    ids = [f.id for f in facts]
    assert len(ids) == len(set(ids)), "ids are unique"
    keys = bib_keys()
    assert [f.id for f in facts if f.source not in keys] == [], "every source is a key of book/references.bib"


def test_every_as_of_phrase_is_listed_and_every_entry_still_occurs():
    unlisted, missing = unlisted_and_missing(load().facts, course_texts())
    assert unlisted == [], "date-sensitive phrases not in data/recheck.yaml:\n" + "\n".join(unlisted)
    assert missing == [], f"entries of data/recheck.yaml whose phrase is no longer in their file: {missing}"


def test_a_new_phrase_and_a_removed_one_are_both_caught():
    facts = load().facts
    texts = course_texts()
    where = facts[0].where
    changed = dict(texts)
    changed["book/help.md"] += " Opening hours, as of March 2027, are 9 to 5."
    changed[where] = changed[where].replace(norm(facts[0].phrase), "Naloxone is available.")
    before, _ = unlisted_and_missing(facts, texts)
    unlisted, missing = unlisted_and_missing(facts, changed)
    new = [u for u in unlisted if u not in before]
    assert len(new) == 1 and new[0].startswith("book/help.md: 'as of March 2027'")
    assert facts[0].id in missing


@pytest.mark.parametrize("text", ["as of May 2025", "As of\n  November 2026", "as of 2024", "as of 29 March 2023"])
def test_the_phrases_found(text):
    assert AS_OF.search(norm(text))


@pytest.mark.parametrize("change, message", [
    ({"as_of": "2026-12"}, "but the phrase says"),
    ({"as_of": "Nov 2026"}, "String should match pattern"),
    ({"recheck_by": "2020-01-01"}, "recheck_by must come after as_of"),
    ({"where": "README.md"}, "must be notebooks"),
    ({"phrase": "CDC says naloxone is available everywhere"}, "has no 'as of"),
    ({"extra": 1}, "Extra inputs are not permitted"),
])
def test_schema_rejects(change, message):
    entry = {"id": "x", "phrase": "As of November 2026, a fact", "where": "book/help.md", "as_of": "2026-11",
             "source": "cdcstopoverdoseresponse", "recheck_by": "2027-11-30"}
    Fact.model_validate(entry)
    with pytest.raises(ValidationError, match=message):
        Fact.model_validate({**entry, **change})


def test_a_missing_field_is_rejected():
    with pytest.raises(ValidationError, match="source"):
        RecheckList.model_validate({"facts": [{"id": "x", "phrase": "as of 2024 it was", "where": "book/help.md",
                                               "as_of": "2024", "recheck_by": "2025-01-01"}]})


def test_recheck_dates_are_real_dates_and_none_is_long_past():
    today = dt.date.today()
    late = [f.id for f in load().facts if f.recheck_by < today - dt.timedelta(days=365)]
    assert late == [], f"facts not rechecked for over a year after their recheck date: {late}"
