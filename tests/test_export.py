"""`recovery-science export` and `keys` as commands: help, exit codes, one-line errors, and files
written whole or not at all. The formats themselves are checked in test_export_gift.py,
test_export_qti.py, test_export_moodle_xml.py and test_keys.py."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from courseutil import run_cli

from recovery_science.bib import bib_keys
from recovery_science.cli import main
from recovery_science.instructor import banks as banks_mod
from recovery_science.instructor import gift, keys, moodle_xml, qti
from recovery_science.instructor.banks import UsageError, bounds, for_export, number, select_banks, write_atomic
from recovery_science.paths import quiz_dir
from recovery_science.quiz.schema import load_bank_file

EXE = Path(sys.executable).with_name("recovery-science")
BANKS = sorted(p.stem for p in quiz_dir().glob("*.yaml"))






def test_top_level_help_lists_the_instructor_subcommands():
    proc = subprocess.run([str(EXE), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for sub in ("validate", "pin", "generate", "export", "keys"):
        assert sub in proc.stdout


@pytest.mark.parametrize("sub", ["export", "keys"])
def test_each_instructor_subcommand_has_help(capsys, sub):
    with pytest.raises(SystemExit) as info:
        main([sub, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: recovery-science {sub}" in out and "--output" in out


@pytest.mark.parametrize("fmt,suffix", [("canvas", ".zip"), ("gift", ".gift"), ("moodle-xml", ".xml")])
def test_export_every_bank_through_the_console_script(tmp_path, fmt, suffix):
    proc = subprocess.run([str(EXE), "export", fmt], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / f"recovery-science-{'canvas-qti' if fmt == 'canvas' else 'moodle'}{suffix}"
    n = sum(len(b.questions) for b in select_banks([]))
    assert proc.stdout == f"export: wrote {out.name} ({n} questions from {len(BANKS)} banks)\n"
    assert proc.stderr == ""
    assert out.stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left


def test_export_one_bank_names_the_file_after_it(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, lines, err = run_cli(capsys, "export", "canvas", "01-biology")
    assert (code, err) == (0, "")
    names = zipfile.ZipFile(tmp_path / "01-biology-canvas-qti.zip").namelist()
    assert names == ["imsmanifest.xml", "01-biology/01-biology.xml"]


def test_keys_default_format_is_markdown(capsys, tmp_path):
    out = tmp_path / "key.md"
    code, lines, _ = run_cli(capsys, "keys", BANKS[0], "-o", str(out))
    n = len(select_banks([BANKS[0]])[0].questions)
    assert code == 0 and lines == [f"keys: wrote {out} ({n} questions from 1 bank)"]
    assert out.read_text().startswith("# Recovery Science answer key")


def test_unknown_bank_is_one_line_exit_2_and_writes_nothing(capsys, tmp_path):
    out = tmp_path / "x.gift"
    code, lines, err = run_cli(capsys, "export", "gift", "01-biology", "99-nope", "-o", str(out))
    assert code == 2 and lines == []
    assert err == f"recovery-science export: unknown bank '99-nope' (banks: {', '.join(BANKS)})\n"
    assert not out.exists()


@pytest.mark.parametrize(
    "argv", [["export", "pdf"], ["export"], ["keys", "--format", "docx"], ["export", "gift", "--bogus"]]
)
def test_bad_option_is_a_usage_error(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    last = err.splitlines()[-1]  # argparse: a usage line, then one error line
    assert last.startswith((f"recovery-science {argv[0]}: error: ", "recovery-science: error: unrecognized")), err


@pytest.mark.parametrize("make_target", ["missing folder", "a folder", "read-only folder"])
def test_unwritable_path_is_one_line_exit_1(capsys, tmp_path, make_target):
    if make_target == "missing folder":
        out = tmp_path / "nope" / "key.html"
    elif make_target == "a folder":
        out = tmp_path / "dir.html"
        out.mkdir()
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        out = ro / "key.html"
    code, lines, err = run_cli(capsys, "keys", "--format", "html", "-o", str(out))
    assert code == 1 and lines == []
    assert len(err.splitlines()) == 1 and err.startswith(f"recovery-science keys: cannot write {out}: "), err
    if out.parent.is_dir():
        assert [p for p in out.parent.iterdir() if p.name.endswith(".part")] == []


def test_a_bank_with_problems_is_reported_and_nothing_is_written(capsys, course_copy, tmp_path):
    bank = course_copy / "data" / "quizzes" / "01-biology.yaml"
    bank.write_text(bank.read_text().replace("source: milella2023heroin", "source: nosuchkey", 1))
    out = tmp_path / "out.xml"
    code, lines, err = run_cli(capsys, "export", "moodle-xml", "-o", str(out))
    assert code == 1 and err == ""
    assert len(lines) == 2
    assert "field 'source': 'nosuchkey' is not a key in references.bib" in lines[0]
    assert lines[1] == "export: nothing written; fix the 1 problem above first"
    assert not out.exists()


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    out = tmp_path / "key.md"
    out.write_text("old key")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match=f"cannot write {out}: No space left on device"):
        write_atomic(out, "new key")
    assert out.read_text() == "old key"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["key.md"]


def test_write_atomic_replaces_with_ordinary_permissions(tmp_path):
    out = tmp_path / "a.gift"
    write_atomic(out, "x")
    write_atomic(out, "é")
    assert out.read_text(encoding="utf-8") == "é"
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask


def test_select_banks_keeps_course_order_and_rejects_unknown_ids():
    assert [b.id for b in select_banks(list(reversed(BANKS)))] == BANKS
    with pytest.raises(UsageError, match="unknown bank 'x'"):
        select_banks(["x"])
    assert banks_mod.bank_ids() == BANKS


@pytest.mark.parametrize("x,text", [(21.4, "21.4"), (4.0, "4.0"), (0.05, "0.05"), (1e-05, "0.00001"), (-4.5, "-4.5")])
def test_numbers_are_plain_decimals(x, text):
    assert number(x) == text


def test_bounds_are_exact_decimals():
    assert bounds(21.4, 0.05) == ("21.35", "21.45")
    assert bounds(0.00005, 0.00001) == ("0.00004", "0.00006")
    assert bounds(-4.5, 0.0) == ("-4.5", "-4.5")


EDGE = Path(__file__).resolve().parent / "fixtures" / "banks" / "export-edge-cases.yaml"


def test_the_avoid_markup_is_written_out_as_plain_text_in_every_format():
    """{avoid}`clean` becomes “clean” (term to avoid), as in the book's plain-text outputs."""
    raw = load_bank_file(EDGE, bib_keys())
    assert "{avoid}`clean`" in raw.question("special-multiple").explanation
    assert for_export(raw).question("special-multiple").explanation.endswith("not “clean” (term to avoid).")
    assert for_export(for_export(raw)) == for_export(raw)
    writers = [gift.banks_to_gift, moodle_xml.banks_to_moodle_xml, keys.answer_key_markdown, keys.answer_key_html,
               lambda b: b"".join(qti.bank_to_qti(x) for x in b)]
    for write in writers:
        out = write([raw])
        out = out.decode() if isinstance(out, bytes) else out
        assert "{avoid}" not in out and "(term to avoid)" in out, write
