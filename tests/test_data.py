"""The typed dataset loader and the data manifest: real datasets load with their declared types and
pinned hashes; malformed or changed files fail with one line per problem naming the file, the line
and the column; data/README.md's table is generated from the manifest."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recovery_science.data import (
    ROW_MODELS,
    DatasetError,
    DeathCountRow,
    DeathRateRow,
    check_dataset,
    datasets,
    load_dataset,
    manifest_problems,
    pin,
    read_csv_checked,
    readme_table,
    readme_with_table,
    sha256_of,
)
from recovery_science.paths import data_dir

HEADER = "year,any_opioid,heroin,synthetic_opioids_excl_methadone,prescription_opioids,cocaine"
COUNTS = "year,all_drug,any_opioid,heroin,synthetic_excl_methadone,rx_opioids"
GOOD = [HEADER, "1999,2.9,0.7,0.3,1.2,1.4", "2000,3.0,0.7,0.3,1.3,1.3", "2001,3.3,0.6,0.3,1.7,1.3"]


def test_rates_load_with_declared_types():
    df = load_dataset("us_opioid_death_rates")
    assert list(df.columns) == list(DeathRateRow.model_fields)
    assert df["year"].dtype == "int64" and df["heroin"].dtype == "float64"
    assert df["year"].tolist() == list(range(1999, 2024))
    # Spot values checked against the verified series (facts.md, CDC WONDER via OWID).
    d = df.set_index("year")
    assert (d.loc[2020, "any_opioid"], d.loc[2020, "synthetic_opioids_excl_methadone"]) == (21.4, 17.8)
    assert d.loc[1999:2020].notna().all().all(), "1999-2020 is complete"
    # 2021-2023: only the cells printed in NCHS Data Briefs 491 and 522; the rest stay blank.
    assert d.loc[2021:, "synthetic_opioids_excl_methadone"].tolist() == [21.8, 22.7, 22.2]
    assert pd.isna(d.loc[2021, "cocaine"]) and d.loc[2022:, "cocaine"].tolist() == [8.2, 8.6]
    for column in ("any_opioid", "heroin", "prescription_opioids"):
        assert d.loc[2021:, column].isna().all(), f"{column} stops at 2020"


def test_counts_load_with_blank_cells_as_missing():
    df = load_dataset("us_opioid_death_counts").set_index("year")
    assert str(df["heroin"].dtype) == "Int64"
    assert df.loc[2021, "any_opioid"] == 80411 and df.loc[2022, "any_opioid"] == 81806
    assert pd.isna(df.loc[2023, "any_opioid"])  # not verified: left blank, not invented


def test_manifest_declares_every_dataset_and_pins_its_bytes():
    found, problems = manifest_problems()
    assert problems == []
    assert set(found) == set(ROW_MODELS)
    assert {p.name for p in data_dir().glob("*.csv")} == {d.file for d in found.values()}
    for ds in found.values():
        assert ds.sha256 == sha256_of(data_dir() / ds.file), f"{ds.file} does not match its pinned hash"
        assert ds.entry.url and ds.entry.licence and ds.entry.accessed.year >= 2020


def test_readme_table_is_generated_from_the_manifest():
    readme = (data_dir() / "README.md").read_text()
    assert readme_with_table(readme, readme_table()) == readme, (
        "data/README.md is stale: run `recovery-science generate`"
    )
    for ds in datasets().values():
        assert f"`{ds.file}`" in readme and ds.entry.licence in readme


def test_unknown_dataset():
    with pytest.raises(KeyError, match="unknown dataset"):
        load_dataset("nope")


# ------------------------------------------------------------------------- pinned data




def test_changing_one_value_fails_until_re_pinned(course_copy):
    csv = course_copy / "data" / "us_opioid_death_rates.csv"
    manifest = course_copy / "data" / "datasets.yaml"
    csv.write_text(csv.read_text().replace("2020,21.4,", "2020,21.5,"))  # still a valid file
    with pytest.raises(DatasetError) as info:
        load_dataset("us_opioid_death_rates")
    (problem,) = info.value.problems
    assert str(problem).startswith(f"{csv}: content differs from the SHA-256 pinned in {manifest} ")
    assert str(problem).endswith("then run: recovery-science pin us_opioid_death_rates")
    assert load_dataset("us_opioid_death_counts")["year"].iloc[0] == 1999  # the other dataset is untouched

    before = manifest.read_text()
    pinned = datasets()["us_opioid_death_rates"].sha256
    old, new = pin("us_opioid_death_rates")
    assert (old, new) == (pinned, sha256_of(csv)) and old != new
    after = manifest.read_text()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [(f"    sha256: {old}", f"    sha256: {new}")], "pin rewrites only the hash line"
    assert load_dataset("us_opioid_death_rates").set_index("year").loc[2020, "any_opioid"] == 21.5


def test_pin_refuses_a_malformed_file(course_copy):
    csv = course_copy / "data" / "us_opioid_death_rates.csv"
    csv.write_text(csv.read_text().replace("2020,21.4,", "2020,2.14e1,"))
    before = (course_copy / "data" / "datasets.yaml").read_text()
    with pytest.raises(DatasetError, match=r"'2\.14e1' is not a plain decimal number"):
        pin("us_opioid_death_rates")
    assert (course_copy / "data" / "datasets.yaml").read_text() == before


def test_changed_and_malformed_file_reports_both(course_copy):
    csv = course_copy / "data" / "us_opioid_death_counts.csv"
    csv.write_text(csv.read_text().replace("1999,16849,", "1999,16_849,"))
    _, problems = check_dataset("us_opioid_death_counts")
    assert [p.column for p in problems] == [None, "all_drug"]
    assert "recovery-science pin us_opioid_death_counts" in str(problems[0])
    assert str(problems[1]) == f"{csv}:2: column 'all_drug': '16_849' is not a whole number (digits only, e.g. 1999)"


@pytest.mark.parametrize(
    "edit, words",
    [
        (
            lambda t: t.replace('    licence: "US', '    licence_: "US'),
            "dataset 'us_opioid_death_counts': field 'licence_': unknown field 'licence_'",
        ),
        (
            lambda t: t.replace("sha256: 25cd", "sha256: 25CD"),
            "field 'sha256': must be 64 lowercase hexadecimal digits",
        ),
        (
            lambda t: t.replace("  us_opioid_death_counts:", "  us_opioid_death_counts_v2:"),
            "dataset 'us_opioid_death_counts_v2': no row model",
        ),
        (
            lambda t: t.replace("\ndatasets:\n", "\ndatasets:\n  us_opioid_death_rates: {}\n", 1),
            "key 'us_opioid_death_rates' appears twice",
        ),
    ],
)
def test_broken_manifest_is_named_with_its_line(course_copy, edit, words):
    manifest = course_copy / "data" / "datasets.yaml"
    manifest.write_text(edit(manifest.read_text()))
    with pytest.raises(DatasetError) as info:
        load_dataset("us_opioid_death_rates")
    assert any(words in str(p) and str(p).startswith(f"{manifest}:") for p in info.value.problems), str(info.value)


def test_undeclared_csv_is_reported(course_copy):
    extra = course_copy / "data" / "extra.csv"
    extra.write_text(HEADER + "\n")
    _, problems = manifest_problems(course_copy / "data")
    assert [str(p) for p in problems] == [
        f"{extra}: not declared in {course_copy / 'data' / 'datasets.yaml'}: add an entry (see data/README.md)"
    ]


# ------------------------------------------------------------------------- malformed CSVs


def _bad(tmp_path: Path, lines: list[str] | str, name="bad.csv") -> Path:
    path = tmp_path / name
    if isinstance(lines, str):
        path.write_text(lines)
    else:
        path.write_text("\n".join(lines) + "\n")
    return path


BAD = [
    ("not a number", GOOD[:2] + ["2000,3.0,n/a,0.3,1.3,1.3"], 3, "heroin", "'n/a' is not a plain decimal number"),
    ("blank required cell", GOOD[:3] + [",3.3,0.6,0.3,1.7,1.3"], 4, "year", "empty cell"),
    (
        "negative rate",
        GOOD[:2] + ["2000,-3.0,0.7,0.3,1.3,1.3"],
        3,
        "any_opioid",
        "'-3.0' is below the smallest allowed value, 0",
    ),
    ("year not whole", GOOD[:2] + ["2000.5,3.0,0.7,0.3,1.3,1.3"], 3, "year", "'2000.5' is not a whole number"),
    (
        "year with a decimal point",
        GOOD[:2] + ["1999.0,3.0,0.7,0.3,1.3,1.3"],
        3,
        "year",
        "'1999.0' is not a whole number",
    ),
    (
        "year out of range",
        GOOD[:2] + ["20001,3.0,0.7,0.3,1.3,1.3"],
        3,
        "year",
        "'20001' is above the largest allowed value, 2100",
    ),
    (
        "digit separator",
        GOOD[:2] + ["2000,1_000,0.7,0.3,1.3,1.3"],
        3,
        "any_opioid",
        "'1_000' is not a plain decimal number",
    ),
    ("exponent", GOOD[:2] + ["2000,2.9e0,0.7,0.3,1.3,1.3"], 3, "any_opioid", "'2.9e0' is not a plain decimal number"),
    ("plus sign", GOOD[:2] + ["2000,+2.9,0.7,0.3,1.3,1.3"], 3, "any_opioid", "'+2.9' is not a plain decimal number"),
    ("infinite value", GOOD[:2] + ["2000,inf,0.7,0.3,1.3,1.3"], 3, "any_opioid", "'inf' is not a plain decimal number"),
    ("duplicate year", GOOD[:3] + ["2000,3.3,0.6,0.3,1.7,1.3"], 4, "year", "2000 repeats line 3"),
    ("missing column", [HEADER.rsplit(",", 1)[0], "1999,2.9,0.7,0.3,1.2"], 1, "cocaine", "missing column"),
    ("renamed column", [HEADER.replace("heroin", "Heroin")] + GOOD[1:], 1, "Heroin", "expected column 'heroin'"),
    (
        "extra column",
        [HEADER + ",fentanyl"] + [r + ",1" for r in GOOD[1:]],
        1,
        "fentanyl",
        "unexpected extra column after 'cocaine'",
    ),
    (
        "trailing comma in header",
        [HEADER + ","] + GOOD[1:],
        1,
        "#7",
        "an unnamed extra column after 'cocaine' (a trailing comma?)",
    ),
    (
        "trailing comma in a row",
        GOOD[:2] + ["2000,3.0,0.7,0.3,1.3,1.3,"],
        3,
        "#7",
        "an empty cell after 'cocaine' (a trailing comma?)",
    ),
    ("short row", GOOD[:2] + ["2000,3.0,0.7"], 3, "synthetic_opioids_excl_methadone", "3 cells, expected 6"),
    ("long row", GOOD[:2] + ["2000,3.0,0.7,0.3,1.3,1.3,9"], 3, "#7", "extra value '9' after 'cocaine'"),
]


@pytest.mark.parametrize("name, lines, line, column, words", BAD, ids=[b[0] for b in BAD])
def test_malformed_csv_names_file_line_and_column(tmp_path, name, lines, line, column, words):
    path = _bad(tmp_path, lines)
    with pytest.raises(DatasetError) as info:
        read_csv_checked(path, DeathRateRow)
    err = info.value
    assert len(err.problems) == 1, str(err)
    assert (err.file, err.line, err.column) == (str(path), line, column)
    assert str(err).startswith(f"{path}:{line}: column '{column}': ")
    assert words in str(err), str(err)
    for leak in ("Input should", "pydantic", "Value error"):
        assert leak not in str(err)


@pytest.mark.parametrize("cell", ["12.0", "1_000", "1e3", "+12", " 12 x"])
def test_counts_are_plain_whole_numbers(tmp_path, cell):
    path = _bad(tmp_path, [COUNTS, f"1999,{cell},1,1,1,1"])
    with pytest.raises(DatasetError) as info:
        read_csv_checked(path, DeathCountRow)
    assert (
        str(info.value)
        == f"{path}:2: column 'all_drug': {cell.strip()!r} is not a whole number (digits only, e.g. 1999)"
    )


def test_plain_cells_with_spaces_load(tmp_path):
    df = read_csv_checked(_bad(tmp_path, [COUNTS, "1999, 12 ,0,,-0,7"]), DeathCountRow)
    assert df.iloc[0].tolist()[:3] == [1999, 12, 0] and pd.isna(df.iloc[0]["heroin"])


def test_every_problem_is_reported_with_physical_line_numbers(tmp_path):
    """A quoted cell spanning two lines must not shift the line numbers of later rows."""
    path = _bad(
        tmp_path,
        [
            HEADER,
            '1999,"2.9\nx",0.7,0.3,1.2,1.4',  # lines 2-3
            "2000,3.0,n/a,0.3,1.3,1.3",  # line 4
            "2001,1_000,0.6,0.3,1.7,2.9e0",  # line 5: two problems
        ],
    )
    with pytest.raises(DatasetError) as info:
        read_csv_checked(path, DeathRateRow)
    assert [(p.line, p.column) for p in info.value.problems] == [
        (2, "any_opioid"),
        (4, "heroin"),
        (5, "any_opioid"),
        (5, "cocaine"),
    ]
    assert str(info.value).count("\n") == 3


@pytest.mark.parametrize("content, words", [("", "empty"), (HEADER + "\n", "no data rows")])
def test_empty_files(tmp_path, content, words):
    with pytest.raises(DatasetError, match=words):
        read_csv_checked(_bad(tmp_path, content), DeathRateRow)


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\n1999,2.9,0.7,0.3,1.2,1.4\n# caf\xe9\n").encode("latin-1"))
    with pytest.raises(DatasetError, match=r"latin1\.csv:3: not UTF-8"):
        read_csv_checked(path, DeathRateRow)


def test_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="absent.csv: file not found"):
        read_csv_checked(tmp_path / "absent.csv", DeathRateRow)
