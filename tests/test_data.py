"""The typed dataset loader: real datasets load with their declared types; malformed files fail
with a message naming the file, the line and the column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recovery_science.data import DATASETS, DatasetError, DeathRateRow, load_dataset, read_csv_checked
from recovery_science.paths import data_dir

HEADER = "year,any_opioid,heroin,synthetic_opioids_excl_methadone,prescription_opioids,cocaine"
GOOD = [HEADER, "1999,2.9,0.7,0.3,1.2,1.4", "2000,3.0,0.7,0.3,1.3,1.3", "2001,3.3,0.6,0.3,1.7,1.3"]


def test_rates_load_with_declared_types():
    df = load_dataset("us_opioid_death_rates")
    assert list(df.columns) == list(DeathRateRow.model_fields)
    assert df["year"].dtype == "int64" and df["heroin"].dtype == "float64"
    assert df["year"].tolist() == list(range(1999, 2021))
    # Spot values checked against the verified series (facts.md, CDC WONDER via OWID).
    row = df.set_index("year").loc[2020]
    assert (row["any_opioid"], row["synthetic_opioids_excl_methadone"]) == (21.4, 17.8)


def test_counts_load_with_blank_cells_as_missing():
    df = load_dataset("us_opioid_death_counts").set_index("year")
    assert str(df["heroin"].dtype) == "Int64"
    assert df.loc[2021, "any_opioid"] == 80411 and df.loc[2022, "any_opioid"] == 81806
    assert pd.isna(df.loc[2023, "any_opioid"])  # not verified: left blank, not invented


def test_every_dataset_is_documented():
    readme = (data_dir() / "README.md").read_text()
    for ds in DATASETS.values():
        assert ds.file in readme, f"{ds.file} has no provenance in data/README.md"
    for csv in data_dir().glob("*.csv"):
        assert csv.name in {d.file for d in DATASETS.values()}, f"{csv.name} is not declared in recovery_science.data"


def test_unknown_dataset():
    with pytest.raises(KeyError, match="unknown dataset"):
        load_dataset("nope")


def _bad(tmp_path: Path, lines: list[str] | str, name="bad.csv") -> Path:
    path = tmp_path / name
    if isinstance(lines, str):
        path.write_text(lines)
    else:
        path.write_text("\n".join(lines) + "\n")
    return path


BAD = [
    ("not a number", GOOD[:2] + ["2000,3.0,n/a,0.3,1.3,1.3"], 3, "heroin", "'n/a' is not a valid number"),
    ("blank required cell", GOOD[:3] + ["2001,3.3,0.6,,1.7,1.3"], 4, "synthetic_opioids_excl_methadone", "empty cell"),
    ("negative rate", GOOD[:2] + ["2000,-3.0,0.7,0.3,1.3,1.3"], 3, "any_opioid", "greater than or equal to 0"),
    ("year not whole", GOOD[:2] + ["2000.5,3.0,0.7,0.3,1.3,1.3"], 3, "year", "not a whole number"),
    ("year out of range", GOOD[:2] + ["20001,3.0,0.7,0.3,1.3,1.3"], 3, "year", "less than or equal to 2100"),
    ("duplicate year", GOOD[:3] + ["2000,3.3,0.6,0.3,1.7,1.3"], 4, "year", "repeats line 3"),
    ("missing column", [HEADER.rsplit(",", 1)[0], "1999,2.9,0.7,0.3,1.2"], 1, "cocaine", "missing column"),
    ("renamed column", [HEADER.replace("heroin", "Heroin")] + GOOD[1:], 1, "Heroin", "expected column 'heroin'"),
    ("extra column", [HEADER + ",fentanyl"] + [r + ",1" for r in GOOD[1:]], 1, "fentanyl", "unexpected extra column"),
    ("short row", GOOD[:2] + ["2000,3.0,0.7"], 3, "synthetic_opioids_excl_methadone", "3 cells, expected 6"),
    ("long row", GOOD[:2] + ["2000,3.0,0.7,0.3,1.3,1.3,9"], 3, "#7", "7 cells, expected 6"),
    ("infinite value", GOOD[:2] + ["2000,inf,0.7,0.3,1.3,1.3"], 3, "any_opioid", "finite"),
]


@pytest.mark.parametrize("name, lines, line, column, words", BAD, ids=[b[0] for b in BAD])
def test_malformed_csv_names_file_line_and_column(tmp_path, name, lines, line, column, words):
    path = _bad(tmp_path, lines)
    with pytest.raises(DatasetError) as info:
        read_csv_checked(path, DeathRateRow)
    err = info.value
    assert (err.file, err.line, err.column) == (str(path), line, column)
    assert str(err).startswith(f"{path}: line {line}, column '{column}': ")
    assert words in str(err), str(err)


@pytest.mark.parametrize("content, words", [("", "empty"), (HEADER + "\n", "no data rows")])
def test_empty_files(tmp_path, content, words):
    with pytest.raises(DatasetError, match=words):
        read_csv_checked(_bad(tmp_path, content), DeathRateRow)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\n1999,2.9,0.7,0.3,1.2,1.4\n# caf\xe9\n").encode("latin-1"))
    with pytest.raises(DatasetError, match="not UTF-8"):
        read_csv_checked(path, DeathRateRow)


def test_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="file not found"):
        read_csv_checked(tmp_path / "absent.csv", DeathRateRow)
