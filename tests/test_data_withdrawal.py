"""Module 2's withdrawal time-course dataset (data/withdrawal_timeline.csv, issue 9): one source
per row, values as the sources state them (checked here against the passages named in
data/datasets.yaml), blank where a source gives no value, and a row model that refuses a range
that runs backwards, a span without saying what it is counted from, or an unknown opioid type."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from recovery_science.data import (
    ROW_MODELS,
    DatasetError,
    WithdrawalTimelineRow,
    load_dataset,
    read_csv_checked,
)
from recovery_science.paths import bib_path, data_dir

CSV = data_dir() / "withdrawal_timeline.csv"
HEADER = ("opioid_type,source_key,onset_h_min,onset_h_max,peak_h_min,peak_h_max,"
          "eases_d_min,eases_d_max,eases_counted_from,note")
NUMBERS = ["onset_h_min", "onset_h_max", "peak_h_min", "peak_h_max", "eases_d_min", "eases_d_max"]


def _rows() -> pd.DataFrame:
    return read_csv_checked(CSV, WithdrawalTimelineRow, key=None)


def test_the_file_has_the_row_models_columns_and_types():
    assert ROW_MODELS["withdrawal_timeline"] is WithdrawalTimelineRow
    df = _rows()
    assert list(df.columns) == list(WithdrawalTimelineRow.model_fields)
    assert CSV.read_text(encoding="utf-8").splitlines()[0] == HEADER
    assert all(df[c].dtype == "float64" for c in NUMBERS)
    assert str(df["opioid_type"].dtype) == "string" and str(df["note"].dtype) == "string"


def test_one_source_per_row_and_every_source_is_in_the_bibliography():
    df = _rows()
    pairs = list(zip(df["opioid_type"], df["source_key"], strict=True))
    assert len(pairs) == len(set(pairs)), "an opioid type appears twice for the same source"
    keys = set(re.findall(r"@\w+\{([^,]+),", bib_path().read_text(encoding="utf-8")))
    assert set(df["source_key"]) <= keys
    # Where sources disagree is the point: short-acting opioids have more than one source.
    assert (df["opioid_type"] == "short-acting").sum() >= 2


def test_values_are_the_ones_the_sources_state():
    df = _rows().set_index(["opioid_type", "source_key"])
    # Elsevier Clinical Overview (2019): 6-12 h, peak 24-48 h, diminish over the next 3-5 days.
    assert df.loc[("short-acting", "elsevier2019withdrawal"), NUMBERS].tolist() == [6, 12, 24, 48, 3, 5]
    assert df.loc[("short-acting", "elsevier2019withdrawal"), "eases_counted_from"] == "peak"
    # Darke, Larney & Farrell 2017: heroin withdrawal peaks at about 2-3 days; nothing else given.
    darke = df.loc[("short-acting", "darke2017withdrawal")]
    assert (darke["peak_h_min"], darke["peak_h_max"]) == (48, 72)
    assert darke[["onset_h_min", "onset_h_max", "eases_d_min", "eases_d_max"]].isna().all()
    # Elsevier: methadone and other longer-acting opioids, 30-72 h, resolving over about 10 days; no peak.
    long = df.loc[("long-acting", "elsevier2019withdrawal")]
    assert (long["onset_h_min"], long["onset_h_max"], long["eases_d_min"], long["eases_d_max"]) == (30, 72, 10, 10)
    assert pd.isna(long["peak_h_min"]) and long["eases_counted_from"] == "onset"
    # Sporer 2004 gives no times for stopping buprenorphine: the row says so and holds no number.
    assert df.loc[("buprenorphine", "sporer2004buprenorphine"), NUMBERS].isna().all()
    # Elsevier: buprenorphine-precipitated withdrawal within 90 minutes of a sublingual dose.
    row = df.loc[("precipitated by buprenorphine", "elsevier2019withdrawal")]
    assert row[["onset_h_min", "onset_h_max"]].tolist() == [0, 1.5]


def test_the_sources_disagree_on_the_peak_after_short_acting_opioids():
    short = _rows().query("opioid_type == 'short-acting'").dropna(subset=["peak_h_min"])
    assert short["peak_h_min"].max() > short["peak_h_min"].min()  # 24 h against 48 h
    assert short["peak_h_max"].max() - short["peak_h_max"].min() == 24


def test_the_declared_dataset_loads_with_its_pinned_hash():
    df = load_dataset("withdrawal_timeline")
    assert len(df) == len(_rows()) and df["source_key"].tolist() == _rows()["source_key"].tolist()


@pytest.mark.parametrize(
    "row, words",
    [
        ('short-acting,x2020,12,6,,,,,,"onset backwards"', "onset_h_min (12.0) is larger than onset_h_max (6.0)"),
        ('short-acting,x2020,6,,,,,,,"half a range"', "give both onset_h_min and onset_h_max, or neither"),
        ('short-acting,x2020,,,,,3,5,,"no counting point"', "eases_counted_from is needed exactly when"),
        ('short-acting,x2020,,,,,,,peak,"a counting point for nothing"', "eases_counted_from is needed exactly when"),
        ('mid-acting,x2020,,,,,,,,"unknown type"', "column 'opioid_type'"),
        ("short-acting,x2020,,,,,,,,", "column 'note': an empty cell, but this column needs a value"),
        ('short-acting,x2020,6e0,12,,,,,,"exponent"', "'6e0' is not a plain decimal number"),
        ('short-acting,x2020,-1,12,,,,,,"negative"', "'-1' is below the smallest allowed value, 0"),
    ],
)
def test_a_bad_row_is_named_with_its_line(tmp_path, row, words):
    path = tmp_path / "withdrawal_timeline.csv"
    path.write_text(f'{HEADER}\nlong-acting,x2020,30,72,,,10,10,onset,"fine"\n{row}\n', encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        read_csv_checked(path, WithdrawalTimelineRow, key=None)
    (problem,) = info.value.problems
    assert problem.line == 3, str(problem)
    assert words in str(problem), str(problem)
