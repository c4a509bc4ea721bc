"""The one typed loader for the course's CSV datasets.

Each dataset is declared here with a pydantic row model: its columns, in order, and their types.
``load_dataset(name)`` checks the file against the declaration and returns a pandas DataFrame with
those dtypes, or raises :class:`DatasetError` naming the file, the line and the column, e.g.::

    data/us_opioid_death_rates.csv: line 7, column 'heroin': 'n/a' is not a valid number
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional, get_args, get_origin

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .paths import data_dir

Year = Annotated[int, Field(ge=1900, le=2100)]
Rate = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0)]


class DatasetError(ValueError):
    def __init__(self, file: str | Path, line: int | None, column: str | None, message: str):
        self.file, self.line, self.column, self.message = str(file), line, column, message
        where = ", ".join(
            part for part in (f"line {line}" if line else "", f"column '{column}'" if column else "") if part
        )
        super().__init__(f"{self.file}: {where + ': ' if where else ''}{message}")


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_missing(cls, value):
        # An empty cell is "no value": allowed only where the column is Optional.
        return None if isinstance(value, str) and value.strip() == "" else value


class DeathRateRow(_Row):
    """US age-adjusted overdose death rates per 100,000, by opioid type (CDC WONDER via OWID)."""

    year: Year
    any_opioid: Rate
    heroin: Rate
    synthetic_opioids_excl_methadone: Rate
    prescription_opioids: Rate
    cocaine: Rate


class DeathCountRow(_Row):
    """US overdose death counts by year; a blank cell is a value not verified against a primary source."""

    year: Year
    all_drug: Optional[Count] = None
    any_opioid: Optional[Count] = None
    heroin: Optional[Count] = None
    synthetic_excl_methadone: Optional[Count] = None
    rx_opioids: Optional[Count] = None


@dataclass(frozen=True)
class Dataset:
    file: str
    row: type[_Row]
    key: str = "year"


DATASETS: dict[str, Dataset] = {
    "us_opioid_death_rates": Dataset("us_opioid_death_rates.csv", DeathRateRow),
    "us_opioid_death_counts": Dataset("us_opioid_death_counts.csv", DeathCountRow),
}

MISSING = "an empty cell, but this column needs a value"
_MESSAGES = {
    "int_parsing": "is not a whole number",
    "int_from_float": "is not a whole number",
    "float_parsing": "is not a valid number",
    "finite_number": "is not a finite number",
}


def _dtype(annotation) -> str:
    optional = type(None) in get_args(annotation)
    base = next(a for a in get_args(annotation) if a is not type(None)) if optional else annotation
    while get_origin(base) is Annotated:
        base = get_args(base)[0]
    if base is int:
        return "Int64" if optional else "int64"
    return "float64"


def _message(err: dict, raw: str) -> str:
    """A cell's validation error in words; ``raw`` is the stripped cell text."""
    if raw == "":  # a blank cell became None, which only an Optional column accepts
        return MISSING
    if err["type"] in _MESSAGES:
        return f"{raw!r} {_MESSAGES[err['type']]}"
    return f"{raw!r}: {err['msg']}"


def read_csv_checked(path: str | Path, row: type[_Row], key: str | None = "year") -> pd.DataFrame:
    """Check ``path`` against ``row`` and return it as a typed DataFrame."""
    path = Path(path)
    columns = list(row.model_fields)
    if not path.is_file():
        raise DatasetError(path, None, None, "file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(path, None, None, f"not UTF-8 text ({exc.reason})") from None
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if header is None:
        raise DatasetError(path, 1, None, "the file is empty; expected a header row")
    header = [h.strip() for h in header]
    for i, name in enumerate(columns):
        if i >= len(header):
            raise DatasetError(path, 1, name, "missing column in the header")
        if header[i] != name:
            raise DatasetError(path, 1, header[i] or f"#{i + 1}", f"expected column '{name}' here (columns must be {columns})")
    if len(header) > len(columns):
        raise DatasetError(path, 1, header[len(columns)], "unexpected extra column")
    records = []
    seen: dict[object, int] = {}
    for line_no, cells in enumerate(reader, start=2):
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            col = columns[len(cells)] if len(cells) < len(columns) else f"#{len(cells)}"
            raise DatasetError(path, line_no, col, f"{len(cells)} cells, expected {len(columns)}")
        raw = {name: cell.strip() for name, cell in zip(columns, cells)}
        try:
            record = row.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            column = str(err["loc"][0]) if err["loc"] else None
            raise DatasetError(path, line_no, column, _message(err, raw.get(column, ""))) from None
        if key is not None:
            k = getattr(record, key)
            if k in seen:
                raise DatasetError(path, line_no, key, f"{k!r} repeats line {seen[k]}")
            seen[k] = line_no
        records.append(record.model_dump())
    if not records:
        raise DatasetError(path, None, None, "no data rows")
    frame = pd.DataFrame.from_records(records, columns=columns)
    return frame.astype({name: _dtype(field.annotation) for name, field in row.model_fields.items()})


def load_dataset(name: str) -> pd.DataFrame:
    """Load one of the course's datasets (see ``data/README.md`` for provenance)."""
    try:
        ds = DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset '{name}'; known: {sorted(DATASETS)}") from None
    return read_csv_checked(data_dir() / ds.file, ds.row, ds.key)
