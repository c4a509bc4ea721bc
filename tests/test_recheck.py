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
from pydantic import ValidationError

from recovery_science import recheck, snippets
from recovery_science.bib import bib_keys
from recovery_science.recheck import AS_OF, Fact, RecheckList, RecheckWarning, norm
from recovery_science.tools import references

ROOT = Path(__file__).resolve().parents[1]
RECHECK = ROOT / "data" / "recheck.yaml"


def load(path: Path = RECHECK) -> RecheckList:
    return recheck.load(path)


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


# ------------------------------------------------------------------------------------ the calendar
# A fact past its recheck date is a WARNING in the test run (pytest's warnings summary), never a
# failure: the calendar alone must not break CI (issue 12). `recovery-science recheck` lists them.


def test_facts_past_their_recheck_date_are_a_warning_not_a_failure():
    """Warns (RecheckWarning, shown in the warnings summary) for each fact whose recheck_by has
    passed today; passes either way."""
    recheck.warn_overdue(load().facts)


def _fact(id_: str, recheck_by: str) -> Fact:
    return Fact(id=id_, phrase="As of November 2026, a fact", where="book/help.md", as_of="2026-11",
                source="cdcstopoverdoseresponse", recheck_by=recheck_by)


def test_the_warning_fires_for_a_fact_past_its_date_and_only_then():
    facts = [_fact("later", "2027-11-30"), _fact("sooner", "2027-01-31")]
    with pytest.warns(RecheckWarning) as record:
        lines = recheck.warn_overdue(facts, dt.date(2027, 12, 2))
    assert lines == [
        'sooner: due 2027-01-31, 305 days overdue: "As of November 2026, a fact" in book/help.md '
        "(source: cdcstopoverdoseresponse)",
        'later: due 2027-11-30, 2 days overdue: "As of November 2026, a fact" in book/help.md '
        "(source: cdcstopoverdoseresponse)",
    ]
    assert len(record) == 1 and "2 fact(s) in data/recheck.yaml past their recheck date" in str(record[0].message)
    assert issubclass(RecheckWarning, UserWarning)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning would raise here
        assert recheck.warn_overdue(facts, dt.date(2027, 1, 31)) == []  # due today: not yet overdue
    assert [f.id for f, _ in recheck.overdue(facts, dt.date(2027, 2, 1))] == ["sooner"]


def test_the_real_list_far_in_the_future_is_all_overdue_and_none_before_the_first_date():
    facts = load().facts
    assert len(recheck.overdue(facts, dt.date(2100, 1, 1))) == len(facts)
    assert recheck.overdue(facts, min(f.recheck_by for f in facts)) == []
