"""Provenance of each cell (issue 8): from a dataset's ``provenance_from`` year on, every non-empty
cell names its source in ``cell_sources`` of data/datasets.yaml, a recorded source never points at
an empty cell, and before that year no cell is blank. load_dataset and `recovery-science validate`
both enforce it."""

from __future__ import annotations

import re

import pytest
from courseutil import run_cli

from recovery_science.data import DatasetError, check_dataset, datasets, load_dataset, manifest_problems, pin


def test_every_cell_from_2021_has_a_recorded_source():
    yearly = {name: ds for name, ds in datasets().items() if ds.entry.provenance_from is not None}
    assert {"us_opioid_death_rates", "us_opioid_death_counts"} <= set(yearly)  # the yearly series
    for name, ds in yearly.items():
        assert ds.entry.provenance_from == 2021, name
        df = load_dataset(name).set_index("year")
        recorded = {(y, c) for cs in ds.entry.cell_sources for y in cs.years for c in cs.columns}
        filled = {(y, c) for y in df.index[df.index >= 2021] for c in df.columns if df.notna().loc[y, c]}
        assert filled == recorded, name
        for cs in ds.entry.cell_sources:
            assert cs.url.startswith("https://") and cs.where and cs.source


def _fill(csv, year_prefix: str, new_row: str):
    lines = csv.read_text().splitlines(keepends=True)
    (i,) = [n for n, line in enumerate(lines) if line.startswith(year_prefix)]
    lines[i] = new_row + "\n"
    csv.write_text("".join(lines))
    return i + 1  # the physical line


def test_a_filled_cell_without_a_source_is_an_error(course_copy):
    csv = course_copy / "data" / "us_opioid_death_rates.csv"
    line = _fill(csv, "2022,", "2022,,1.9,22.7,,8.2")  # a heroin rate nobody verified
    pin("us_opioid_death_rates")  # a valid file, pinned: only the provenance is missing
    with pytest.raises(DatasetError) as info:
        load_dataset("us_opioid_death_rates")
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.column) == (str(csv), line, "heroin")
    assert "the 2022 value has no recorded source" in str(problem) and "cell_sources" in str(problem)


def test_validate_reports_a_cell_without_a_source(capsys, course_copy):
    csv = course_copy / "data" / "us_opioid_death_counts.csv"
    line = _fill(csv, "2023,", "2023,105007,79999,,,")  # an any_opioid count with no source
    assert run_cli(capsys, "pin", "us_opioid_death_counts")[0] == 0
    code, lines, _ = run_cli(capsys, "validate")
    assert code == 1
    assert lines[0].startswith(f"{csv}:{line}: column 'any_opioid': the 2023 value has no recorded source")
    assert re.fullmatch(r"validate: 1 problem in \d+ banks and \d+ datasets\.", lines[-1]), lines[-1]


def test_a_source_recorded_for_an_empty_cell_is_an_error(course_copy):
    csv = course_copy / "data" / "us_opioid_death_rates.csv"
    _fill(csv, "2023,", "2023,,,22.2,,")  # the 2023 cocaine rate removed, its source still recorded
    pin("us_opioid_death_rates")
    _, problems = check_dataset("us_opioid_death_rates")
    manifest = course_copy / "data" / "datasets.yaml"
    (problem,) = problems
    assert problem.file == str(manifest) and problem.line is not None
    assert "a source is recorded for 2023 'cocaine', but that cell of us_opioid_death_rates.csv is empty" in str(
        problem
    )
    assert manifest.read_text().splitlines()[problem.line - 1].strip().startswith("- source:")


def test_a_source_for_a_year_the_file_lacks_is_an_error(course_copy):
    manifest = course_copy / "data" / "datasets.yaml"
    manifest.write_text(
        manifest.read_text().replace(
            "years: [2022, 2023]\n        columns: [cocaine]", "years: [2022, 2023, 2024]\n        columns: [cocaine]"
        )
    )
    _, problems = check_dataset("us_opioid_death_rates")
    assert [str(p) for p in problems] == [
        f"{manifest}:{problems[0].line}: dataset 'us_opioid_death_rates': a source is recorded for 2024, "
        "a year us_opioid_death_rates.csv does not have"
    ]


def test_a_blank_before_2021_is_an_error(course_copy):
    csv = course_copy / "data" / "us_opioid_death_rates.csv"
    line = _fill(csv, "2010,", "2010,6.8,,1.0,4.7,1.3")
    pin("us_opioid_death_rates")
    _, problems = check_dataset("us_opioid_death_rates")
    assert [(p.line, p.column) for p in problems] == [(line, "heroin")]
    assert "an empty cell for 2010: only cells from 2021 on may be blank" in str(problems[0])


def test_unknown_column_in_cell_sources_is_named_with_its_line(course_copy):
    manifest = course_copy / "data" / "datasets.yaml"
    text = manifest.read_text().replace("columns: [cocaine]", "columns: [cocain]")
    manifest.write_text(text)
    _, problems = manifest_problems(course_copy / "data")
    (problem,) = problems
    assert problem.file == str(manifest)
    assert "columns: [cocain]" in text.splitlines()[problem.line - 1]
    assert "unknown column 'cocain'" in str(problem)


def test_cell_sources_without_provenance_from_is_an_error(course_copy):
    manifest = course_copy / "data" / "datasets.yaml"
    manifest.write_text(manifest.read_text().replace("    provenance_from: 2021\n", "", 1))
    _, problems = manifest_problems(course_copy / "data")
    assert any("needs 'provenance_from'" in str(p) for p in problems), problems
