"""The behavioural evidence table (Module 3, data/behavioural_evidence.csv): it loads with its
declared types, every row names a source that is in book/references.bib and cited by the module,
the strength labels are the module's five words in the module's order, key figures match the
sources as read (hand-copied from the abstracts), and malformed rows fail with file, line and
column."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from pybtex.database import parse_file

from recovery_science.data import (
    EVIDENCE_STRENGTHS,
    BehaviouralEvidenceRow,
    DatasetError,
    load_dataset,
    read_csv_checked,
)
from recovery_science.paths import data_dir

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03-behavioural-therapies.ipynb"
COLUMNS = [
    "id", "approach", "targets", "added_to", "comparison", "outcome", "population", "design",
    "n_studies", "n_participants", "finding", "strength_for_oud", "source_key", "year",
]


@pytest.fixture(scope="module")
def evidence() -> pd.DataFrame:
    return load_dataset("behavioural_evidence")


def test_loads_with_declared_columns_and_types(evidence):
    assert list(evidence.columns) == COLUMNS
    assert evidence["approach"].dtype == "string" and evidence["year"].dtype == "int64"
    assert str(evidence["n_studies"].dtype) == "Int64"  # whole numbers, blank where the source gives none
    assert evidence["id"].is_unique
    assert len(evidence) >= 15


def test_labels_are_the_modules_five_words_in_order(evidence):
    # the notebook sorts with this order: most to least support for adding the approach in OUD
    assert EVIDENCE_STRENGTHS == (
        "added benefit shown", "mixed", "no added benefit shown", "too little evidence",
        "evidence not specific to OUD",
    )
    assert typing.get_args(BehaviouralEvidenceRow.model_fields["strength_for_oud"].annotation) == EVIDENCE_STRENGTHS
    assert set(evidence["strength_for_oud"]) <= set(EVIDENCE_STRENGTHS)
    # the table is a teaching table: it shows findings on both sides, not only successes
    for label in ("added benefit shown", "no added benefit shown", "evidence not specific to OUD"):
        assert (evidence["strength_for_oud"] == label).sum() >= 3, label


def test_every_source_is_in_the_bibliography_with_the_same_year(evidence):
    bib = parse_file(str(ROOT / "book" / "references.bib")).entries
    for row in evidence.itertuples():
        assert row.source_key in bib, f"{row.id}: {row.source_key} is not in book/references.bib"
        assert int(bib[row.source_key].fields["year"]) == row.year, f"{row.id}: year differs from the .bib entry"
        assert row.id.startswith(re.match(r"[a-z]+", row.source_key).group()), f"{row.id}: id does not name its source"


def test_the_module_cites_every_source_of_the_table(evidence):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for key in sorted(set(evidence["source_key"])):
        assert f"(#ref-{key})" in text, f"the notebook does not cite {key}, a source of the evidence table"


@pytest.mark.parametrize(
    ("row_id", "column", "expected"),
    [
        # Amato et al. 2011, Cochrane CD004147, abstract
        ("amato2011-retention", "n_studies", 27),
        ("amato2011-retention", "n_participants", 3124),
        ("amato2011-retention", "finding", "RR 1.03 (95% CI 0.98 to 1.07)"),
        ("amato2011-abstinence", "n_participants", 1002),
        ("amato2011-abstinence", "finding", "RR 1.12 (95% CI 0.92 to 1.37)"),
        # Fiellin et al. 2013, abstract
        ("fiellin2013-cbt", "n_participants", 141),
        # Bolívar et al. 2021, abstract
        ("bolivar2021-opioids", "finding", "0.58 (95% CI 0.30 to 0.86)"),
        ("bolivar2021-stimulants", "finding", "0.70 (95% CI 0.49 to 0.92)"),
        # Benishek et al. 2014, abstract
        ("benishek2014-end", "n_studies", 19),
        ("benishek2014-6months", "finding", "-0.09 (95% CI -0.28 to 0.10)"),
        # Miller et al. 1999 and Kirby et al. 2017, abstracts
        ("miller1999-craft", "n_participants", 130),
        ("kirby2017-craft", "finding", "62% with CRAFT vs 37%"),
        # Linehan et al. 2002, abstract
        ("linehan2002-dbt", "n_participants", 23),
    ],
)
def test_key_figures_match_the_sources(evidence, row_id, column, expected):
    value = evidence.set_index("id").loc[row_id, column]
    if isinstance(expected, str):
        assert expected in value
    else:
        assert value == expected


@pytest.mark.parametrize(
    ("row_id", "label"),
    [
        ("amato2011-retention", "no added benefit shown"),  # the central null result of the module
        ("ainscough2017-opiates", "no added benefit shown"),  # CM: no pooled effect on opiate use
        ("bolivar2021-opioids", "added benefit shown"),
        ("benishek2014-6months", "evidence not specific to OUD"),  # prize CM across substances
        ("miller1999-craft", "evidence not specific to OUD"),  # family members of people who drink
    ],
)
def test_labels_follow_the_modules_rules(evidence, row_id, label):
    assert evidence.set_index("id").loc[row_id, "strength_for_oud"] == label


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (data_dir() / "behavioural_evidence.csv").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "behavioural_evidence.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "column", "words"),
    [
        (",no added benefit shown,amato2011psychosocial,", ",no benefit,amato2011psychosocial,",
         "strength_for_oud", "'no benefit'"),
        (",27,3124,", ",0,3124,", "n_studies", "below the smallest allowed value, 1"),
        (",27,3124,", ",27.0,3124,", "n_studies", "not a whole number"),
        ("amato2011psychosocial,2011", "Amato 2011,2011", "source_key", "'Amato 2011'"),
        ("fiellin2013-cbt,", "fiellin 2013,", "id", "'fiellin 2013'"),
    ],
)
def test_malformed_cells_are_named_by_line_and_column(tmp_path, old, new, column, words):
    path = _copy_with(tmp_path, old, new)
    with pytest.raises(DatasetError) as info:
        read_csv_checked(path, BehaviouralEvidenceRow, key="id")
    (problem,) = info.value.problems
    assert problem.column == column and problem.line is not None
    assert words in problem.message


def test_a_repeated_id_is_refused(tmp_path):
    path = _copy_with(tmp_path, "amato2011-abstinence,", "amato2011-retention,")
    with pytest.raises(DatasetError, match=r"'amato2011-retention' repeats line 2"):
        read_csv_checked(path, BehaviouralEvidenceRow, key="id")


def test_an_empty_finding_is_refused(tmp_path):
    path = _copy_with(tmp_path, "RR 1.03 (95% CI 0.98 to 1.07): no difference in staying in treatment", "")
    with pytest.raises(DatasetError) as info:
        read_csv_checked(path, BehaviouralEvidenceRow, key="id")
    assert [(p.line, p.column) for p in info.value.problems] == [(2, "finding")]
