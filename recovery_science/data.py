"""The one typed loader for the course's CSV datasets.

Each dataset has an entry in the manifest ``data/datasets.yaml`` (its file, provenance and the
SHA-256 of its bytes) and a pydantic row model here, in :data:`ROW_MODELS` (its columns, in order,
and their types and bounds). ``load_dataset(name)`` checks that the file's bytes match the pinned
hash and every cell against the row model, and returns a pandas DataFrame with those dtypes, or
raises :class:`DatasetError` listing every problem, one line each, naming the file, the line and
the column, e.g.::

    data/us_opioid_death_rates.csv:7: column 'heroin': 'n/a' is not a plain decimal number

**Cells are plain decimal text.** A whole-number column (year, count) takes ASCII digits only,
optionally after a minus sign: ``1999``, ``12``. A decimal column takes digits with at most one
``.`` that has digits on both sides: ``2.9``, ``3``, ``0.25``. Nothing else is read as a number:
no exponents (``2.9e0``), digit separators (``1_000``, ``1,000``), ``+`` signs, ``inf``/``nan``,
or a decimal point in a whole number (``1999.0``, ``12.0``). Spaces around a cell are ignored. An
empty cell means "no verified value" and is allowed only where the row model says ``Optional``.
Line numbers are physical lines of the file, also when a quoted cell spans several lines.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Optional, get_args, get_origin

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .paths import data_dir

Year = Annotated[int, Field(ge=1900, le=2100)]
Rate = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0)]

MANIFEST = "datasets.yaml"
_WHOLE = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


# --------------------------------------------------------------------------------------------
# Problems and the error type


@dataclass(frozen=True)
class DatasetProblem:
    """One problem in one data file: ``str()`` is the one line shown to the author."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        column = f"column '{self.column}': " if self.column is not None else ""
        return f"{place}: {column}{self.message}"


class DatasetError(ValueError):
    """A malformed or changed dataset. ``problems`` lists every problem; ``str()`` is one line per
    problem; ``file``, ``line``, ``column`` and ``message`` describe the first.

    ``DatasetError(problems)`` or, for one problem, ``DatasetError(file, line, column, message)``.
    """

    def __init__(self, *args: Any):
        if len(args) == 1 and isinstance(args[0], (list, tuple)):
            problems = list(args[0])
        else:
            file, line, column, message = args
            problems = [DatasetProblem(str(file), line, column, message)]
        if not problems:
            raise ValueError("DatasetError needs at least one problem")
        self.problems: list[DatasetProblem] = problems
        first = problems[0]
        self.file, self.line, self.column, self.message = first.file, first.line, first.column, first.message
        super().__init__("\n".join(str(p) for p in problems))


# --------------------------------------------------------------------------------------------
# Row models (the columns and types of each dataset)


def _base_type(annotation: Any) -> tuple[type, bool]:
    optional = type(None) in get_args(annotation)
    base = next(a for a in get_args(annotation) if a is not type(None)) if optional else annotation
    while get_origin(base) is Annotated:
        base = get_args(base)[0]
    return base, optional


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: ClassVar[str | None] = "year"  # a column whose values must not repeat

    @field_validator("*", mode="before")
    @classmethod
    def _plain_decimal_text(cls, value: Any, info: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = value.strip()
        if value == "":  # "no value": allowed only where the column is Optional
            return None
        base, _ = _base_type(cls.model_fields[info.field_name].annotation)
        if base is int and not _WHOLE.fullmatch(value):
            raise PydanticCustomError("not_whole", "is not a whole number (digits only, e.g. 1999)")
        if base is float and not _DECIMAL.fullmatch(value):
            raise PydanticCustomError(
                "not_decimal", "is not a plain decimal number (digits and at most one '.', e.g. 2.9)"
            )
        return value


class DeathRateRow(_Row):
    """US age-adjusted overdose death rates per 100,000, by drug involved (CDC WONDER via OWID to
    2020, NCHS Data Briefs after); a blank cell is a value not verified against a primary source."""

    year: Year
    any_opioid: Optional[Rate] = None
    heroin: Optional[Rate] = None
    synthetic_opioids_excl_methadone: Optional[Rate] = None
    prescription_opioids: Optional[Rate] = None
    cocaine: Optional[Rate] = None


class DeathCountRow(_Row):
    """US overdose death counts by year; a blank cell is a value not verified against a primary source."""

    year: Year
    all_drug: Optional[Count] = None
    any_opioid: Optional[Count] = None
    heroin: Optional[Count] = None
    synthetic_excl_methadone: Optional[Count] = None
    rx_opioids: Optional[Count] = None


Hours = Annotated[float, Field(ge=0, le=24 * 30, allow_inf_nan=False)]
Days = Annotated[float, Field(ge=0, le=365, allow_inf_nan=False)]
_Words = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class WithdrawalTimelineRow(_Row):
    """The time course of opioid withdrawal as one source states it (Module 2): one source per row.

    Times are counted from the last dose (hours); ``eases_d_*`` is the span over which the acute
    symptoms ease or resolve (days), counted from what ``eases_counted_from`` names, because the
    sources count it differently. A blank cell is a value the source does not give; nothing is
    derived. ``source_key`` is a key of book/references.bib. There is no single key column: a
    source can give more than one opioid type (tests check that a pair never repeats)."""

    key: ClassVar[str | None] = None

    opioid_type: Literal["short-acting", "long-acting", "buprenorphine", "precipitated by buprenorphine"]
    source_key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*$")]
    onset_h_min: Optional[Hours] = None
    onset_h_max: Optional[Hours] = None
    peak_h_min: Optional[Hours] = None
    peak_h_max: Optional[Hours] = None
    eases_d_min: Optional[Days] = None
    eases_d_max: Optional[Days] = None
    eases_counted_from: Optional[Literal["last dose", "onset", "peak"]] = None
    note: _Words

    @model_validator(mode="after")
    def _ranges_and_counting(self) -> "WithdrawalTimelineRow":
        for low, high in (("onset_h_min", "onset_h_max"), ("peak_h_min", "peak_h_max"), ("eases_d_min", "eases_d_max")):
            a, b = getattr(self, low), getattr(self, high)
            if (a is None) != (b is None):
                raise ValueError(f"give both {low} and {high}, or neither")
            if a is not None and a > b:
                raise ValueError(f"{low} ({a}) is larger than {high} ({b})")
        if (self.eases_d_min is None) != (self.eases_counted_from is None):
            raise ValueError("eases_counted_from is needed exactly when eases_d_min/eases_d_max are given")
        return self


#: How strongly the evidence in one row of the behavioural evidence table supports adding the
#: approach for people with OUD, in order from most to least (Module 3 explains each level).
EVIDENCE_STRENGTHS = (
    "added benefit shown",
    "mixed",
    "no added benefit shown",
    "too little evidence",
    "evidence not specific to OUD",
)
EvidenceStrength = Literal[EVIDENCE_STRENGTHS]  # the same words, as a type


class BehaviouralEvidenceRow(_Row):
    """One finding about a behavioural approach (Module 3): one row per approach, outcome,
    population and source. ``strength_for_oud`` is a word from :data:`EVIDENCE_STRENGTHS`;
    ``source_key`` is a key of book/references.bib; ``n_studies`` and ``n_participants`` are the
    numbers behind this row's result where the source gives them (blank where it does not)."""

    key: ClassVar[str | None] = "id"

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")]
    approach: _Words
    targets: _Words
    added_to: _Words
    comparison: _Words
    outcome: _Words
    population: _Words
    design: _Words
    n_studies: Optional[Annotated[int, Field(ge=1)]] = None
    n_participants: Optional[Annotated[int, Field(ge=1)]] = None
    finding: _Words
    strength_for_oud: EvidenceStrength
    source_key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*$")]
    year: Year


#: dataset name (as in data/datasets.yaml) -> its row model
ROW_MODELS: dict[str, type[_Row]] = {
    "us_opioid_death_rates": DeathRateRow,
    "us_opioid_death_counts": DeathCountRow,
    "withdrawal_timeline": WithdrawalTimelineRow,
    "behavioural_evidence": BehaviouralEvidenceRow,
}


# --------------------------------------------------------------------------------------------
# The manifest (data/datasets.yaml)

_Text = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
_Column = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9_]+$")]


class CellSource(BaseModel):
    """Where some cells of a dataset come from: every cell of ``years`` × ``columns``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: _Text  # author or organisation, title, year
    url: _Text
    where: _Text  # the table, figure or passage that gives the values
    years: list[Year] = Field(min_length=1)
    columns: list[_Column] = Field(min_length=1)


class DatasetEntry(BaseModel):
    """One dataset in ``data/datasets.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9_]+\.csv$")]
    sha256: Annotated[StrictStr, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    title: _Text
    description: _Text
    source: _Text
    years: _Text
    url: list[_Text] = Field(min_length=1)
    licence: _Text
    accessed: _dt.date
    processing: _Text
    #: From this year on, every non-empty cell (other than the key) must name its source in
    #: ``cell_sources``, and a blank cell means "not verified"; before it, no cell may be blank.
    provenance_from: Optional[Year] = None
    cell_sources: list[CellSource] = Field(default_factory=list)


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    datasets: dict[Annotated[StrictStr, StringConstraints(pattern=r"^[a-z0-9_]+$")], DatasetEntry] = Field(min_length=1)


@dataclass(frozen=True)
class Dataset:
    name: str
    file: str
    row: type[_Row]
    sha256: str
    entry: DatasetEntry
    manifest: str = ""  # the manifest's path, for problems about cell_sources
    source_lines: tuple[int | None, ...] = ()  # line of each cell_sources item in the manifest

    @property
    def key(self) -> str | None:
        return self.row.key


def _manifest_problems(path: Path) -> tuple[dict[str, Dataset], list[DatasetProblem]]:
    from .quiz.schema import _field_path, _message, read_yaml

    file = str(path)
    doc = read_yaml(path)
    problems = [DatasetProblem(file, p.line, None, p.message) for p in doc.problems]
    if doc.data is None and problems:
        return {}, problems
    try:
        manifest = _Manifest.model_validate(doc.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            line = doc.line(loc)
            if len(loc) >= 2 and loc[0] == "datasets":
                name = loc[1]
                where = f"dataset '{name}': field '{_field_path(loc[2:])}': " if len(loc) > 2 else f"dataset '{name}': "
            else:
                where = f"field '{_field_path(loc)}': " if loc else ""
            msg = f"unknown field '{loc[-1]}'" if err["type"] == "extra_forbidden" else _message(err)
            if err["type"] == "string_pattern_mismatch" and loc[-1] == "sha256":
                msg = "must be 64 lowercase hexadecimal digits (run: recovery-science pin " + str(loc[1]) + ")"
            problems.append(DatasetProblem(file, line, None, where + msg))
        return {}, problems
    found: dict[str, Dataset] = {}
    for name, entry in manifest.datasets.items():
        line = doc.line(("datasets", name))
        row = ROW_MODELS.get(name)
        if row is None:
            problems.append(
                DatasetProblem(
                    file, line, None, f"dataset '{name}': no row model for it in recovery_science/data.py (ROW_MODELS)"
                )
            )
            continue
        columns = [c for c in row.model_fields if c != row.key]
        bad = False
        for i, cs in enumerate(entry.cell_sources):
            for j, column in enumerate(cs.columns):
                if column not in columns:
                    bad = True
                    problems.append(
                        DatasetProblem(
                            file,
                            doc.line(("datasets", name, "cell_sources", i, "columns", j)),
                            None,
                            f"dataset '{name}': field 'cell_sources[{i}].columns[{j}]': unknown column "
                            f"'{column}' (columns: {', '.join(columns)})",
                        )
                    )
        if entry.cell_sources and entry.provenance_from is None:
            bad = True
            problems.append(
                DatasetProblem(
                    file,
                    doc.line(("datasets", name, "cell_sources")),
                    None,
                    f"dataset '{name}': field 'cell_sources' needs 'provenance_from' (the first year whose cells "
                    "need a recorded source)",
                )
            )
        if bad:
            continue
        lines = tuple(doc.line(("datasets", name, "cell_sources", i)) for i in range(len(entry.cell_sources)))
        found[name] = Dataset(name, entry.file, row, entry.sha256, entry, file, lines)
    for name in ROW_MODELS:
        if name not in manifest.datasets:
            problems.append(
                DatasetProblem(
                    file, None, None, f"dataset '{name}' has a row model in recovery_science/data.py but no entry here"
                )
            )
    declared = {e.file for e in manifest.datasets.values()}
    for csv_path in sorted(path.parent.glob("*.csv")):
        if csv_path.name not in declared:
            problems.append(
                DatasetProblem(str(csv_path), None, None, f"not declared in {file}: add an entry (see data/README.md)")
            )
    return found, problems


@lru_cache(maxsize=8)
def _manifest_cached(path: str, mtime_ns: int, size: int, csvs: tuple[str, ...]):
    return _manifest_problems(Path(path))


def manifest_problems(directory: str | Path | None = None) -> tuple[dict[str, Dataset], list[DatasetProblem]]:
    """The datasets declared in ``<directory>/datasets.yaml`` and every problem with the manifest."""
    path = Path(directory or data_dir()) / MANIFEST
    try:
        st = path.stat()
    except OSError:
        return {}, [DatasetProblem(str(path), None, None, "file not found: the dataset manifest is missing")]
    csvs = tuple(sorted(p.name for p in path.parent.glob("*.csv")))
    return _manifest_cached(str(path), st.st_mtime_ns, st.st_size, csvs)


def datasets(directory: str | Path | None = None) -> dict[str, Dataset]:
    """The course's datasets by name, from the manifest; raises :class:`DatasetError` if it is broken."""
    found, problems = manifest_problems(directory)
    if problems:
        raise DatasetError(problems)
    return found


# --------------------------------------------------------------------------------------------
# Reading and checking one CSV


MISSING = "an empty cell, but this column needs a value"
_MESSAGES = {
    "int_parsing": "is not a whole number",
    "int_from_float": "is not a whole number",
    "float_parsing": "is not a plain decimal number",
    "finite_number": "is not a finite number",
}


def _dtype(annotation) -> str:
    base, optional = _base_type(annotation)
    if base is int:
        return "Int64" if optional else "int64"
    if base is float:
        return "float64"
    return "string"  # a text column (str or a Literal of words)


def _cell_message(err: dict, raw: str) -> str:
    """A cell's validation error in words; ``raw`` is the stripped cell text."""
    if raw == "":  # a blank cell became None, which only an Optional column accepts
        return MISSING
    ctx = err.get("ctx") or {}
    if err["type"] in ("not_whole", "not_decimal"):
        return f"{raw!r} {err['msg']}"
    if err["type"] in _MESSAGES:
        return f"{raw!r} {_MESSAGES[err['type']]}"
    if err["type"] == "greater_than_equal":
        return f"{raw!r} is below the smallest allowed value, {ctx.get('ge')}"
    if err["type"] == "less_than_equal":
        return f"{raw!r} is above the largest allowed value, {ctx.get('le')}"
    return f"{raw!r}: {err['msg']}"


def sha256_of(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _read_bytes(path: Path) -> tuple[bytes | None, list[DatasetProblem]]:
    try:
        return path.read_bytes(), []
    except FileNotFoundError:
        return None, [DatasetProblem(str(path), None, None, "file not found")]
    except IsADirectoryError:
        return None, [DatasetProblem(str(path), None, None, "not a file")]
    except OSError as exc:
        return None, [DatasetProblem(str(path), None, None, f"cannot read the file ({exc.strerror or exc})")]


def _check_csv_bytes(
    data: bytes, path: Path, row: type[_Row], key: str | None
) -> tuple[pd.DataFrame | None, list[DatasetProblem]]:
    frame, problems, _ = _parse_csv_bytes(data, path, row, key)
    return frame, problems


def _parse_csv_bytes(
    data: bytes, path: Path, row: type[_Row], key: str | None
) -> tuple[pd.DataFrame | None, list[DatasetProblem], list[int]]:
    """As :func:`_check_csv_bytes`, with the (first physical) line of each data row."""
    file = str(path)
    columns = list(row.model_fields)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [DatasetProblem(file, line, None, f"not UTF-8 text ({exc.reason})")], []
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[DatasetProblem] = []

    def add(line: int | None, column: str | None, message: str) -> None:
        problems.append(DatasetProblem(file, line, column, message))

    try:
        header = next(reader, None)
    except csv.Error as exc:
        return None, [DatasetProblem(file, reader.line_num, None, f"not valid CSV ({exc})")], []
    if header is None:
        return None, [DatasetProblem(file, 1, None, "the file is empty; expected a header row")], []
    header = [h.strip() for h in header]
    for i, name in enumerate(columns):
        if i >= len(header):
            add(1, name, f"missing column in the header (columns must be {', '.join(columns)})")
        elif header[i] != name:
            add(1, header[i] or f"#{i + 1}", f"expected column '{name}' here (columns must be {', '.join(columns)})")
    for i in range(len(columns), len(header)):
        if header[i]:
            add(1, header[i], f"unexpected extra column after '{columns[-1]}'")
        else:
            add(1, f"#{i + 1}", f"an unnamed extra column after '{columns[-1]}' (a trailing comma?)")
    if problems:  # with the wrong columns, every row would be misread: stop here
        return None, problems, []

    records: list[dict] = []
    record_lines: list[int] = []
    seen: dict[object, int] = {}
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            add(start, None, f"not valid CSV ({exc})")
            break
        previous_end = reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) > len(columns):
            extra = cells[len(columns) :]
            if all(not c.strip() for c in extra):
                add(
                    start,
                    f"#{len(columns) + 1}",
                    f"{len(cells)} cells, expected {len(columns)}: "
                    f"an empty cell after '{columns[-1]}' (a trailing comma?)",
                )
            else:
                add(
                    start,
                    f"#{len(columns) + 1}",
                    f"{len(cells)} cells, expected {len(columns)}: "
                    f"extra value {extra[0].strip()!r} after '{columns[-1]}'",
                )
            continue
        if len(cells) < len(columns):
            add(
                start,
                columns[len(cells)],
                f"{len(cells)} cells, expected {len(columns)}: no value for '{columns[len(cells)]}' onwards",
            )
            continue
        raw = {name: cell.strip() for name, cell in zip(columns, cells, strict=True)}
        try:
            record = row.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                column = str(err["loc"][0]) if err["loc"] else None
                if column is None:  # a rule about the whole row (a model validator)
                    add(start, None, str(err["msg"]).removeprefix("Value error, "))
                else:
                    add(start, column, _cell_message(err, raw.get(column, "")))
            continue
        if key is not None:
            k = getattr(record, key)
            if k in seen:
                add(start, key, f"{k!r} repeats line {seen[k]}")
                continue
            seen[k] = start
        records.append(record.model_dump())
        record_lines.append(start)
    if not records and not problems:
        add(None, None, "no data rows")
    if problems:
        return None, problems, []
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame = frame.astype({name: _dtype(field.annotation) for name, field in row.model_fields.items()})
    return frame, [], record_lines


def check_csv(
    path: str | Path, row: type[_Row], key: str | None = "year"
) -> tuple[pd.DataFrame | None, list[DatasetProblem]]:
    """Every problem in one CSV against ``row`` (never raises for a bad file)."""
    path = Path(path)
    data, problems = _read_bytes(path)
    if data is None:
        return None, problems
    return _check_csv_bytes(data, path, row, key)


def read_csv_checked(path: str | Path, row: type[_Row], key: str | None = "year") -> pd.DataFrame:
    """Check ``path`` against ``row`` and return it as a typed DataFrame (no hash check)."""
    frame, problems = check_csv(path, row, key)
    if problems:
        raise DatasetError(problems)
    assert frame is not None
    return frame


def _hash_problem(ds: Dataset, path: Path, actual: str, manifest: Path) -> DatasetProblem:
    return DatasetProblem(
        str(path),
        None,
        None,
        f"content differs from the SHA-256 pinned in {manifest} (pinned {ds.sha256[:12]}…, file {actual[:12]}…); "
        f"if you changed it on purpose, check the values and the provenance, then run: recovery-science pin {ds.name}",
    )


def check_dataset(name: str, directory: str | Path | None = None) -> tuple[pd.DataFrame | None, list[DatasetProblem]]:
    """Every problem with one declared dataset: its pinned hash and its cells."""
    directory = Path(directory or data_dir())
    found, problems = manifest_problems(directory)
    if name not in found:
        if problems:
            return None, problems
        return None, [
            DatasetProblem(
                str(directory / MANIFEST), None, None, f"unknown dataset '{name}'; known: {', '.join(sorted(found))}"
            )
        ]
    ds = found[name]
    path = directory / ds.file
    data, problems = _read_bytes(path)
    if data is None:
        return None, problems
    actual = hashlib.sha256(data).hexdigest()
    if actual != ds.sha256:
        problems.append(_hash_problem(ds, path, actual, directory / MANIFEST))
    frame, content, lines = _parse_csv_bytes(data, path, ds.row, ds.key)
    problems += content
    if frame is not None and not content:
        problems += provenance_problems(ds, frame, lines, path)
    return (frame if not problems else None), problems


def provenance_problems(ds: Dataset, frame: pd.DataFrame, lines: list[int], path: str | Path) -> list[DatasetProblem]:
    """Cells against the dataset's ``provenance_from`` and ``cell_sources`` (see DatasetEntry).

    From ``provenance_from`` on, a non-empty cell with no recorded source is a problem (named by
    file, line and column), and so is a recorded source for an empty cell or for a year the file
    does not have (named by the manifest's line); before it, an empty cell is a problem.
    """
    start = ds.entry.provenance_from
    if start is None or ds.key is None:
        return []
    file = str(path)
    problems: list[DatasetProblem] = []
    columns = [c for c in ds.row.model_fields if c != ds.key]
    line_of = dict(zip(frame[ds.key].tolist(), lines, strict=True))
    filled = {
        (year, column): not pd.isna(value)
        for year, row in zip(frame[ds.key].tolist(), frame[columns].itertuples(index=False), strict=True)
        for column, value in zip(columns, row, strict=True)
    }
    recorded: set[tuple[int, str]] = set()
    for cs, mline in zip(ds.entry.cell_sources, ds.source_lines, strict=True):
        for year in cs.years:
            if year not in line_of:
                problems.append(
                    DatasetProblem(
                        ds.manifest,
                        mline,
                        None,
                        f"dataset '{ds.name}': a source is recorded for {year}, a year {ds.file} does not have",
                    )
                )
                continue
            for column in cs.columns:
                recorded.add((year, column))
                if not filled[(year, column)]:
                    problems.append(
                        DatasetProblem(
                            ds.manifest,
                            mline,
                            None,
                            f"dataset '{ds.name}': a source is recorded for {year} '{column}', but that cell "
                            f"of {ds.file} is empty (remove it from cell_sources, or fill the verified value)",
                        )
                    )
    for (year, column), has_value in filled.items():
        if year < start and not has_value:
            problems.append(
                DatasetProblem(
                    file,
                    line_of[year],
                    column,
                    f"an empty cell for {year}: only cells from {start} on may be blank (not verified)",
                )
            )
        elif year >= start and has_value and (year, column) not in recorded:
            problems.append(
                DatasetProblem(
                    file,
                    line_of[year],
                    column,
                    f"the {year} value has no recorded source: add it to 'cell_sources' of '{ds.name}' in "
                    f"{ds.manifest} (source, url, where), or leave the cell blank if it is not verified",
                )
            )
    problems.sort(key=lambda p: (p.file != file, p.line or 0))
    return problems


def load_dataset(name: str) -> pd.DataFrame:
    """Load one of the course's datasets (see ``data/README.md`` for provenance).

    Raises ``KeyError`` for an unknown name and :class:`DatasetError` listing every problem
    (a changed file, a malformed cell, a broken manifest).
    """
    found = datasets()
    if name not in found:
        raise KeyError(f"unknown dataset '{name}'; known: {sorted(found)}")
    frame, problems = check_dataset(name)
    if problems:
        raise DatasetError(problems)
    assert frame is not None
    return frame


# --------------------------------------------------------------------------------------------
# Re-pinning and the README table


def pin(name: str, directory: str | Path | None = None) -> tuple[str, str]:
    """Rewrite ``name``'s sha256 in the manifest to the file's current hash; return (old, new).

    Refuses (DatasetError) if the file does not pass the checks: only a valid file is pinned.
    Only the hash on its line changes; comments and layout of the manifest are kept.
    """
    directory = Path(directory or data_dir())
    found = datasets(directory)
    if name not in found:
        raise KeyError(f"unknown dataset '{name}'; known: {sorted(found)}")
    ds = found[name]
    path = directory / ds.file
    _, problems = check_csv(path, ds.row, ds.key)
    if problems:
        raise DatasetError(problems)
    new = sha256_of(path)
    manifest = directory / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    if new != ds.sha256:
        if text.count(ds.sha256) != 1:
            raise DatasetError(
                manifest, None, None, f"cannot find the pinned hash of '{name}' exactly once; edit it by hand to {new}"
            )
        manifest.write_text(text.replace(ds.sha256, new), encoding="utf-8")
    return ds.sha256, new


TABLE_START = (
    "<!-- datasets table: generated from datasets.yaml by `recovery-science generate`; do not edit by hand -->"
)
TABLE_END = "<!-- end of datasets table -->"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _provenance_text(e: DatasetEntry) -> str:
    if e.provenance_from is None:
        return ""
    parts = [
        f"{', '.join(str(y) for y in cs.years)} `{'`, `'.join(cs.columns)}`: {cs.source}, {cs.where} ({cs.url})"
        for cs in e.cell_sources
    ]
    text = f" **Cells from {e.provenance_from} on** (a blank cell is not verified)"
    return text + (": " + "; ".join(parts) + "." if parts else ": none filled.")


def readme_table(directory: str | Path | None = None) -> str:
    """The Markdown table of datasets for ``data/README.md``, from the manifest."""
    rows = [
        "| File | What it is | Source | Years | URL | Licence | Accessed | Processing |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for ds in datasets(directory).values():
        e = ds.entry
        rows.append(
            "| "
            + " | ".join(
                [
                    f'`{e.file}` (`load_dataset("{ds.name}")`)',
                    _cell(f"**{e.title}.** {e.description}"),
                    _cell(e.source),
                    _cell(e.years),
                    " ; ".join(e.url),
                    _cell(e.licence),
                    e.accessed.isoformat(),
                    _cell(e.processing + _provenance_text(e)),
                ]
            )
            + " |"
        )
    return "\n".join(rows)


def readme_with_table(readme: str, table: str) -> str:
    """``readme`` with the text between the table markers replaced by ``table``."""
    if TABLE_START not in readme or TABLE_END not in readme:
        raise ValueError(f"data/README.md lacks the markers {TABLE_START!r} and {TABLE_END!r}")
    head, rest = readme.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    return f"{head}{TABLE_START}\n{table}\n{TABLE_END}{tail}"


__all__ = [
    "BehaviouralEvidenceRow",
    "EVIDENCE_STRENGTHS",
    "DATASET_FIELDS",
    "CellSource",
    "Dataset",
    "DatasetEntry",
    "DatasetError",
    "DatasetProblem",
    "DeathCountRow",
    "DeathRateRow",
    "ROW_MODELS",
    "WithdrawalTimelineRow",
    "check_csv",
    "check_dataset",
    "datasets",
    "load_dataset",
    "manifest_problems",
    "pin",
    "provenance_problems",
    "read_csv_checked",
    "readme_table",
    "sha256_of",
]
DATASET_FIELDS = tuple(DatasetEntry.model_fields)
