"""Facts to recheck (``data/recheck.yaml``): every date-sensitive statement in the course, written
"as of <Month Year>" where it stands, with the date by which someone checks its source again.

- :func:`load` reads and validates the list (pydantic: the date in the phrase is ``as_of``,
  ``recheck_by`` comes after it, ``where`` is a course file);
- :func:`overdue` gives the facts whose ``recheck_by`` has passed on a given day, most overdue
  first, and :func:`overdue_lines` the lines ``recovery-science recheck`` prints;
- :func:`warn_overdue` issues a :class:`RecheckWarning` (a ``UserWarning``) listing them: the test
  run shows it in its warnings summary, and never fails because of the calendar alone.

A fact is overdue from the day after its ``recheck_by`` date (on the date itself it is not yet).
``tests/test_recheck.py`` checks that every "as of" phrase in the course is listed here.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .paths import data_dir

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
AS_OF = re.compile(r"\bas\s+of\s+(?:(?:\d{1,2}\s+)?(?P<month>" + "|".join(MONTHS) + r")\s+)?(?P<year>(?:19|20)\d\d)\b",
                   re.I)


def recheck_path() -> Path:
    return data_dir() / "recheck.yaml"


def norm(text: str) -> str:
    return " ".join(text.split())


def date_of(m: re.Match) -> str:
    if m.group("month"):
        month = [x.lower() for x in MONTHS].index(m.group("month").lower()) + 1
        return f"{m.group('year')}-{month:02d}"
    return m.group("year")


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
        first_day = dt.date(int(self.as_of[:4]), int(self.as_of[5:7]) if len(self.as_of) > 4 else 1, 1)
        if self.recheck_by <= first_day:
            raise ValueError("recheck_by must come after as_of")
        return self


class RecheckList(BaseModel):
    model_config = ConfigDict(extra="forbid")
    facts: list[Fact]


class RecheckWarning(UserWarning):
    """Facts past their recheck date: a warning in the test run, never a failure."""


def load(path: Path | None = None) -> RecheckList:
    """The validated list (pydantic ``ValidationError`` or ``yaml.YAMLError`` when it is broken)."""
    return RecheckList.model_validate(yaml.safe_load((path or recheck_path()).read_text(encoding="utf-8")))


def overdue(facts: list[Fact], today: dt.date) -> list[tuple[Fact, int]]:
    """(fact, days past its recheck_by) for each fact whose date has passed, most overdue first
    (then by id)."""
    late = [(f, (today - f.recheck_by).days) for f in facts if f.recheck_by < today]
    return sorted(late, key=lambda pair: (-pair[1], pair[0].id))


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def overdue_line(fact: Fact, days: int) -> str:
    return (f"{fact.id}: due {fact.recheck_by.isoformat()}, {_days(days)} overdue: \"{norm(fact.phrase)}\" "
            f"in {fact.where} (source: {fact.source})")


def overdue_lines(facts: list[Fact], today: dt.date) -> list[str]:
    return [overdue_line(f, d) for f, d in overdue(facts, today)]


def warn_overdue(facts: list[Fact], today: dt.date | None = None) -> list[str]:
    """Warn (:class:`RecheckWarning`) when a fact is past its recheck date; returns the lines."""
    lines = overdue_lines(facts, today or dt.date.today())
    if lines:
        warnings.warn(
            RecheckWarning(
                f"{len(lines)} fact(s) in data/recheck.yaml past their recheck date; check each source again, "
                "update the phrase, as_of and recheck_by (recovery-science recheck lists them):\n  "
                + "\n  ".join(lines)
            ),
            stacklevel=2,
        )
    return lines
