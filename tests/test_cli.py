"""The ``recovery-science`` command: validate (one line per problem, a summary, non-zero exit, never a
traceback), pin and generate."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from courseutil import run_cli

from recovery_science.cli import main
from recovery_science.paths import data_dir, quiz_dir

EXE = Path(sys.executable).with_name("recovery-science")






def test_console_script_help_lists_subcommands():
    proc = subprocess.run([str(EXE), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for sub in ("validate", "pin", "generate", "recheck"):
        assert sub in proc.stdout


@pytest.mark.parametrize("sub", ["validate", "pin", "generate", "recheck"])
def test_each_subcommand_has_help(capsys, sub):
    with pytest.raises(SystemExit) as info:
        main([sub, "--help"])
    assert info.value.code == 0
    assert f"usage: recovery-science {sub}" in capsys.readouterr().out


def test_no_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "usage: recovery-science" in capsys.readouterr().err


def test_the_course_validates():
    """The real banks and datasets, through the installed console script."""
    proc = subprocess.run([str(EXE), "validate"], capture_output=True, text=True, timeout=120)
    banks = len(list(quiz_dir().glob("*.yaml")))
    datasets = len(list(data_dir().glob("*.csv")))
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        0,
        f"validate: {banks} banks and {datasets} datasets checked, no problems.\n",
        "",
    )


def test_validate_reports_every_problem_one_line_each(capsys, tmp_path):
    raw = yaml.safe_load((quiz_dir() / "00-how-this-course-works.yaml").read_text())
    raw["questions"][0]["promt"] = raw["questions"][0].pop("prompt")
    next(q for q in raw["questions"] if q["type"] == "numeric")["answer"] = "21.4"
    bank = tmp_path / "00-how-this-course-works.yaml"
    bank.write_text(yaml.safe_dump(raw, sort_keys=False))
    csv = tmp_path / "us_opioid_death_rates.csv"
    csv.write_text((data_dir() / "us_opioid_death_rates.csv").read_text().replace("2020,21.4,", "2020,2.14e1,"))
    shutil.copy(data_dir() / "datasets.yaml", tmp_path / "datasets.yaml")
    shutil.copy(data_dir() / "us_opioid_death_counts.csv", tmp_path)
    code, lines, _ = run_cli(capsys, "validate", str(bank), str(csv), str(tmp_path / "missing.yaml"))
    assert code == 1
    assert lines[-1] == "validate: 5 problems in 2 banks and 1 dataset."
    problems = lines[:-1]
    assert len(problems) == 5, problems
    assert sum("unknown field 'promt' — did you mean 'prompt'?" in p for p in problems) == 1
    assert sum("field 'answer': must be a number, found the text '21.4'; remove the quotes" in p for p in problems) == 1
    assert sum("recovery-science pin us_opioid_death_rates" in p for p in problems) == 1
    assert sum(p.startswith(f"{csv}:23: column 'any_opioid': '2.14e1'") for p in problems) == 1
    assert f"{tmp_path / 'missing.yaml'}: bank: file not found" in problems


def test_validate_odd_paths_without_traceback(capsys, tmp_path):
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / "notes.txt").write_text("x")
    code, lines, _ = run_cli(
        capsys, "validate", str(tmp_path / "dir.yaml"), str(tmp_path / "notes.txt"), str(tmp_path / "gone.csv")
    )
    assert code == 1
    assert lines[:-1] == [
        f"{tmp_path / 'dir.yaml'}: bank: not a file",
        f"{tmp_path / 'notes.txt'}: not a bank (.yaml), a dataset (.csv) or data/datasets.yaml",
        f"{tmp_path / 'gone.csv'}: file not found",
    ]


def test_changed_dataset_fails_validation_until_pinned(capsys, course_copy):
    csv = course_copy / "data" / "us_opioid_death_counts.csv"
    csv.write_text(csv.read_text().replace("2021,106699,", "2021,106700,"))
    code, lines, _ = run_cli(capsys, "validate")
    assert code == 1
    assert len(lines) == 2 and lines[0].startswith(f"{csv}: content differs from the SHA-256 pinned")
    assert lines[0].endswith("run: recovery-science pin us_opioid_death_counts")

    code, lines, _ = run_cli(capsys, "pin", "us_opioid_death_counts")
    assert code == 0 and lines[0].startswith("pin: 'us_opioid_death_counts' pinned to "), lines
    code, lines, _ = run_cli(capsys, "validate")
    banks = len(list((course_copy / "data" / "quizzes").glob("*.yaml")))
    datasets = len(list((course_copy / "data").glob("*.csv")))
    assert (code, lines) == (0, [f"validate: {banks} banks and {datasets} datasets checked, no problems."])


def test_broken_bank_in_the_course_fails_validate(capsys, course_copy):
    bank = course_copy / "data" / "quizzes" / "01-biology.yaml"
    bank.write_text(bank.read_text().replace("correct: true", "correct: yes", 1))
    code, lines, _ = run_cli(capsys, "validate")
    assert code == 1 and len(lines) == 2
    assert lines[0].startswith(f"{bank}:") and "field 'options[0].correct': must be true or false" in lines[0]


def test_pin_unknown_dataset(capsys):
    code, lines, _ = run_cli(capsys, "pin", "nope")
    assert code == 1 and lines[0].startswith("pin: unknown dataset 'nope'")


def test_generate_check_and_write(capsys, course_copy):
    assert run_cli(capsys, "generate", "--check")[0] == 0
    schema = course_copy / "data" / "quizzes" / "bank.schema.json"
    schema.write_text("{}\n")
    code, lines, _ = run_cli(capsys, "generate", "--check")
    assert (code, lines) == (1, [f"{schema}: out of date; run: recovery-science generate"])
    assert run_cli(capsys, "generate")[0] == 0
    assert run_cli(capsys, "generate", "--check")[0] == 0 and schema.read_text() != "{}\n"


# ------------------------------------------------------------------------------------ recheck

RECHECK_FACTS = """\
facts:
  - id: zeta-later
    phrase: "As of November 2026, a later fact"
    where: book/help.md
    as_of: "2026-11"
    source: cdcstopoverdoseresponse
    recheck_by: "2027-11-30"
  - id: alpha-later
    phrase: "As of November 2026, another later fact"
    where: book/help.md
    as_of: "2026-11"
    source: cdcstopoverdoseresponse
    recheck_by: "2027-11-30"
  - id: sooner
    phrase: "As of May 2025, an earlier   fact"
    where: notebooks/01-biology-of-opioid-dependence.ipynb
    as_of: "2025-05"
    source: cdc2025provisional2024
    recheck_by: "2027-01-31"
"""


def test_recheck_lists_overdue_facts_sorted_and_exits_0(capsys, course_copy):
    (course_copy / "data" / "recheck.yaml").write_text(RECHECK_FACTS)
    code, lines, err = run_cli(capsys, "recheck", "--today", "2027-12-01")
    assert (code, err) == (0, "")
    assert lines == [
        'sooner: due 2027-01-31, 304 days overdue: "As of May 2025, an earlier fact" in '
        "notebooks/01-biology-of-opioid-dependence.ipynb (source: cdc2025provisional2024)",
        'alpha-later: due 2027-11-30, 1 day overdue: "As of November 2026, another later fact" in book/help.md '
        "(source: cdcstopoverdoseresponse)",
        'zeta-later: due 2027-11-30, 1 day overdue: "As of November 2026, a later fact" in book/help.md '
        "(source: cdcstopoverdoseresponse)",
        "recheck: 3 of 3 facts past the recheck date on 2027-12-01: check each source again, then update the "
        "phrase, as_of and recheck_by in data/recheck.yaml",
    ]
    # on the due date itself a fact is not overdue yet
    code, lines, _ = run_cli(capsys, "recheck", "--today", "2027-11-30")
    assert code == 0 and [line.split(":")[0] for line in lines[:-1]] == ["sooner"]
    code, lines, _ = run_cli(capsys, "recheck", "--today", "2027-01-31")
    assert (code, lines) == (0, ["recheck: none of the 3 facts is past its recheck date on 2027-01-31 "
                                 "(next: sooner by 2027-01-31)"])


def test_recheck_of_the_real_list_far_in_the_future_and_today():
    """The installed console script on the course's own list: in 2100 every fact is listed; today,
    exactly those whose date has passed (none while the list is kept up to date). Exit 0 both times."""
    from recovery_science import recheck

    facts = recheck.load().facts
    proc = subprocess.run([str(EXE), "recheck", "--today", "2100-01-01"], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (0, "")
    out = proc.stdout.splitlines()
    assert sorted(line.split(":")[0] for line in out[:-1]) == sorted(f.id for f in facts)
    assert out[-1].startswith(f"recheck: {len(facts)} of {len(facts)} facts past the recheck date on 2100-01-01")
    proc = subprocess.run([str(EXE), "recheck"], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (0, "")
    due = recheck.overdue(facts, __import__("datetime").date.today())
    assert len(proc.stdout.splitlines()) == len(due) + 1
    if not due:
        assert proc.stdout.startswith("recheck: none of the ")


@pytest.mark.parametrize("bad", ["2026-13-01", "tomorrow", "20261126", "2026-2-1", ""])
def test_recheck_bad_date_is_one_line_and_exit_2(capsys, bad):
    code, lines, err = run_cli(capsys, "recheck", "--today", bad)
    assert (code, lines) == (2, [])
    assert err == f"recovery-science recheck: --today: '{bad}' is not a date (YYYY-MM-DD)\n"


def test_recheck_of_a_broken_list_names_the_problem(capsys, course_copy):
    path = course_copy / "data" / "recheck.yaml"
    path.write_text(RECHECK_FACTS.replace('recheck_by: "2027-01-31"', 'recheck_by: "2024-01-31"'))
    code, lines, _ = run_cli(capsys, "recheck")
    assert code == 1
    assert lines == [f"{path}: facts.2: Value error, recheck_by must come after as_of",
                     "recheck: the list of facts has problems; fix them first"]
    path.unlink()
    assert run_cli(capsys, "recheck")[:2] == (1, [f"{path}: file not found"])
