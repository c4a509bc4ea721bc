"""The course's command-line tool, ``recovery-science``.

Subcommands (each has ``--help``; instructor tools add more here):

- ``validate [PATH ...]``: check every question bank in ``data/quizzes/`` and every dataset
  (manifest, pinned hash, cells), or only the given files. One line per problem, a summary, and
  exit status 1 if there is any problem.
- ``pin NAME ...``: after a deliberate, checked edit of a dataset, write its new SHA-256 into
  ``data/datasets.yaml``.
- ``generate [--check]``: regenerate the files derived from code and the manifest: the bank JSON
  Schema ``data/quizzes/bank.schema.json``, the dataset table of ``data/README.md``, and every copy
  of a shared block (``data/content/*.yaml``, e.g. the overdose response) between its markers in
  the notebooks and book pages (:mod:`recovery_science.snippets`); and, in a clone, each module's
  "Last reviewed" line (from its notebook metadata), ``book/objectives.md`` and the dataset list of
  ``book/credits.md`` (:mod:`recovery_science.pages`).
- ``export FORMAT [BANK ...] [-o PATH]``: question banks for an LMS: ``canvas`` (QTI 1.2 zip),
  ``gift`` or ``moodle-xml`` (:mod:`recovery_science.instructor`).
- ``keys [BANK ...] [--format md|html] [-o PATH]``: an answer key for one module or the course.
- ``report RESULTS_DIR [--format html|md|csv] [--banks DIR] [-o PATH]``: a student results
  report with the item analysis, from a folder of "My progress" exports
  (:mod:`recovery_science.instructor.analysis`).
- ``recheck [--today YYYY-MM-DD]``: the facts of ``data/recheck.yaml`` whose recheck date has
  passed, one line each, most overdue first (:mod:`recovery_science.recheck`). Exits 0 whether or
  not any is overdue: the calendar alone never fails a build.

Exit status: 0 all good, 1 problems found, 2 wrong usage or an unexpected internal error. No
subcommand prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Sequence


def _out(line: str) -> None:
    print(line, flush=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ------------------------------------------------------------------------------------ validate


def _bib_keys(problems: list[str]) -> set[str] | None:
    from .bib import bib_keys
    from .paths import bib_path

    try:
        return bib_keys()
    except Exception as exc:  # noqa: BLE001 - pybtex raises many kinds; report one line
        problems.append(
            f"{bib_path()}: cannot read the bibliography ({' '.join(str(exc).split()) or type(exc).__name__}); "
            "quiz sources are not checked"
        )
        return None


def _check_bank(path: Path, keys: set[str] | None) -> list[str]:
    from .quiz.schema import check_bank_file

    _, problems = check_bank_file(path, keys)
    return [str(p) for p in problems]


def _check_csv_path(path: Path) -> list[str]:
    """A CSV given on the command line: checked against the manifest entry of the same file name."""
    from .data import check_dataset, manifest_problems

    found, problems = manifest_problems(path.parent)
    if not path.exists():
        return [f"{path}: file not found"]
    by_file = {ds.file: name for name, ds in found.items()}
    if problems and path.name not in by_file:
        return [str(p) for p in problems]
    if path.name not in by_file:
        return [f"{path}: not a course dataset: no entry for '{path.name}' in {path.parent / 'datasets.yaml'}"]
    _, problems = check_dataset(by_file[path.name], path.parent)
    return [str(p) for p in problems]


def _validate(args: argparse.Namespace) -> int:
    from .data import check_dataset, manifest_problems
    from .paths import data_dir, quiz_dir

    lines: list[str] = []
    keys = _bib_keys(lines)
    banks = datasets_checked = 0
    if args.paths:
        for path in map(Path, args.paths):
            if path.name == "datasets.yaml":
                _, found = manifest_problems(path.parent)
                lines += [str(p) for p in found]
            elif path.suffix in (".yaml", ".yml"):
                banks += 1
                lines += _check_bank(path, keys)
            elif path.suffix == ".csv":
                datasets_checked += 1
                lines += _check_csv_path(path)
            elif not path.exists():
                lines.append(f"{path}: file not found")
            else:
                lines.append(f"{path}: not a bank (.yaml), a dataset (.csv) or data/datasets.yaml")
    else:
        bank_files = sorted(quiz_dir().glob("*.yaml"))
        if not bank_files:
            lines.append(f"{quiz_dir()}: no question banks (*.yaml) found")
        for path in bank_files:
            banks += 1
            lines += _check_bank(path, keys)
        found, problems = manifest_problems(data_dir())
        lines += [str(p) for p in problems]
        for name in found:
            datasets_checked += 1
            _, problems = check_dataset(name, data_dir())
            lines += [str(p) for p in problems if str(p) not in lines]
        lines += _stale_snippets()
    for line in lines:
        _out(line)
    checked = f"{_plural(banks, 'bank')} and {_plural(datasets_checked, 'dataset')}"
    if lines:
        _out(f"validate: {_plural(len(lines), 'problem')} in {checked}.")
        return 1
    _out(f"validate: {checked} checked, no problems.")
    return 0


def _stale_snippets() -> list[str]:
    """A notebook or book page whose copy of a shared block differs from data/content/ (cheap: only
    files with a marker are parsed)."""
    from .snippets import SnippetError, stale

    try:
        return stale()
    except SnippetError as exc:
        return [str(exc)]


# ------------------------------------------------------------------------------------ pin


def _pin(args: argparse.Namespace) -> int:
    from .data import DatasetError, datasets, pin
    from .paths import dataset_manifest_path

    try:
        names = list(datasets()) if args.all else args.names
    except DatasetError as exc:
        for p in exc.problems:
            _out(str(p))
        return 1
    if not names:
        _out("pin: name at least one dataset, or use --all")
        return 2
    status = 0
    for name in names:
        try:
            old, new = pin(name)
        except KeyError as exc:
            _out(f"pin: {exc.args[0]}")
            status = 1
            continue
        except DatasetError as exc:
            for p in exc.problems:
                _out(str(p))
            _out(f"pin: '{name}' not pinned: fix the problems above first")
            status = 1
            continue
        if old == new:
            _out(f"pin: '{name}' already matches its pinned SHA-256 ({new[:12]}…)")
        else:
            _out(
                f"pin: '{name}' pinned to {new[:12]}… (was {old[:12]}…) in {dataset_manifest_path()}; "
                "update its provenance there if the source changed, then run: recovery-science generate"
            )
    return status


# ------------------------------------------------------------------------------------ generate


def generated_files() -> list[tuple[Path, Callable[[], str]]]:
    """Each derived file and a function that returns its current content."""
    from .data import readme_table, readme_with_table
    from .paths import bank_schema_path, data_readme_path
    from .quiz.schema import bank_json_schema

    def schema() -> str:
        return json.dumps(bank_json_schema(), indent=2, ensure_ascii=False) + "\n"

    def readme() -> str:
        return readme_with_table(data_readme_path().read_text(encoding="utf-8"), readme_table())

    from . import pages, snippets

    # pages last: their files are made when written, after any shared block in the same notebook
    return [(bank_schema_path(), schema), (data_readme_path(), readme)] + snippets.generated_files() + \
        pages.generated_files()


def _generate(args: argparse.Namespace) -> int:
    from .snippets import SnippetError

    stale = 0
    try:
        files = generated_files()
    except SnippetError as exc:
        _out(f"generate: cannot generate the shared blocks ({' '.join(str(exc).split())})")
        return 1
    for path, make in files:
        try:
            new = make()
        except Exception as exc:  # noqa: BLE001 - report the broken input in one line
            _out(f"{path}: cannot generate ({' '.join(str(exc).split())})")
            return 1
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old == new:
            continue
        stale += 1
        if args.check:
            _out(f"{path}: out of date; run: recovery-science generate")
        else:
            path.write_text(new, encoding="utf-8")
            _out(f"generate: wrote {path}")
    if args.check and stale:
        return 1
    if not stale:
        _out("generate: every generated file is current")
    return 0


# ------------------------------------------------------------------------------------ export, keys

EXPORT_FORMATS = {"canvas": ".zip", "gift": ".gift", "moodle-xml": ".xml"}
KEY_FORMATS = {"md": ".md", "html": ".html"}


def _default_output(banks: list[str], stem: str, suffix: str) -> Path:
    return Path(f"{banks[0] if len(banks) == 1 else 'recovery-science'}-{stem}{suffix}")


def _instructor_run(args: argparse.Namespace, make: Callable[[list], bytes | str], stem: str, suffix: str) -> int:
    from .instructor.banks import UsageError, select_banks, write_atomic
    from .quiz.schema import BankError

    try:
        banks = select_banks(args.banks)
    except UsageError as exc:
        print(f"recovery-science {args.command}: {exc}", file=sys.stderr)
        return 2
    except BankError as exc:
        for p in exc.problems:
            _out(str(p))
        _out(f"{args.command}: nothing written; fix the {_plural(len(exc.problems), 'problem')} above first")
        return 1
    out = Path(args.output) if args.output else _default_output([b.id for b in banks], stem, suffix)
    write_atomic(out, make(banks))
    _out(f"{args.command}: wrote {out} ({_plural(sum(len(b.questions) for b in banks), 'question')} "
         f"from {_plural(len(banks), 'bank')})")
    return 0


def _export(args: argparse.Namespace) -> int:
    from .instructor import gift, moodle_xml, qti

    make = {"canvas": qti.banks_to_qti_zip, "gift": gift.banks_to_gift, "moodle-xml": moodle_xml.banks_to_moodle_xml}
    stem = {"canvas": "canvas-qti", "gift": "moodle", "moodle-xml": "moodle"}[args.format]
    return _instructor_run(args, make[args.format], stem, EXPORT_FORMATS[args.format])


def _keys(args: argparse.Namespace) -> int:
    from .instructor import keys

    make = keys.answer_key_html if args.format == "html" else keys.answer_key_markdown
    return _instructor_run(args, make, "answer-key", KEY_FORMATS[args.format])


REPORT_FORMATS = {"html": ".html", "md": ".md", "csv": ".csv"}


def _report(args: argparse.Namespace) -> int:
    from .instructor import analysis, report
    from .instructor.banks import write_atomic

    folder = Path(args.results)
    for path in (folder, Path(args.banks) if args.banks else folder):
        if not path.is_dir():
            print(f"recovery-science report: {path}: no such folder", file=sys.stderr)
            return 2
    try:
        results = analysis.load_results(folder, args.banks)
    except analysis.ResultsError as exc:
        for p in exc.problems:
            _out(p)
        _out(f"report: nothing written; fix the {_plural(len(exc.problems), 'problem')} above first")
        return 1
    for note in results.notes:
        _out(f"report: note: {note}")
    found = analysis.analyse(results)
    out = Path(args.output) if args.output else Path(f"results-report{REPORT_FORMATS[args.format]}")
    write_atomic(out, report.render(found, args.format))
    _out(f"report: wrote {out} ({_plural(len(results.files), 'student')}, {_plural(len(found.items), 'item')}, "
         f"{int(found.items['flags'].ne('').sum())} flagged for review)")
    return 0


# ------------------------------------------------------------------------------------ recheck


def _recheck(args: argparse.Namespace) -> int:
    import datetime as dt

    from . import recheck

    if args.today is None:
        today = dt.date.today()
    else:
        try:
            today = dt.date.fromisoformat(args.today) if len(args.today) == 10 else None
        except ValueError:
            today = None
        if today is None:
            print(f"recovery-science recheck: --today: '{args.today}' is not a date (YYYY-MM-DD)", file=sys.stderr)
            return 2
    path = recheck.recheck_path()
    try:
        facts = recheck.load(path).facts
    except FileNotFoundError:
        _out(f"{path}: file not found")
        return 1
    except Exception as exc:  # noqa: BLE001 - YAML or schema errors: one line each
        errors = getattr(exc, "errors", None)
        if callable(errors):
            for e in errors():
                where = ".".join(str(p) for p in e["loc"]) or "file"
                _out(f"{path}: {where}: {e['msg']}")
        else:
            _out(f"{path}: {' '.join(str(exc).split())}")
        _out("recheck: the list of facts has problems; fix them first")
        return 1
    lines = recheck.overdue_lines(facts, today)
    for line in lines:
        _out(line)
    if lines:
        _out(f"recheck: {len(lines)} of {_plural(len(facts), 'fact')} past the recheck date on {today.isoformat()}: "
             f"check each source again, then update the phrase, as_of and recheck_by in data/recheck.yaml")
    else:
        upcoming = min(facts, key=lambda f: (f.recheck_by, f.id), default=None)
        nxt = f" (next: {upcoming.id} by {upcoming.recheck_by.isoformat()})" if upcoming else ""
        _out(f"recheck: none of the {_plural(len(facts), 'fact')} is past its recheck date on {today.isoformat()}{nxt}")
    return 0


# ------------------------------------------------------------------------------------ main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recovery-science",
        description="Recovery Science course tools: check banks and datasets, pin data, regenerate derived files, "
        "export banks for an LMS, write answer keys, report students' results and list facts due for a recheck.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    v = sub.add_parser(
        "validate",
        help="check every question bank and dataset (or the given files)",
        description="Check every question bank in data/quizzes/ and every dataset declared in data/datasets.yaml "
        "(pinned SHA-256 and every cell), or only the files given. Prints one line per problem and a "
        "summary; exits 1 if there is any problem.",
    )
    v.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a bank (.yaml), a dataset (.csv) or data/datasets.yaml; default: everything",
    )
    v.set_defaults(func=_validate)

    p = sub.add_parser(
        "pin",
        help="record a dataset's new SHA-256 after a deliberate edit",
        description="Write the current SHA-256 of each named dataset into data/datasets.yaml. Only a file that "
        "passes every check is pinned. Check the values and update the provenance first.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="dataset name, e.g. us_opioid_death_rates")
    p.add_argument("--all", action="store_true", help="pin every dataset in the manifest")
    p.set_defaults(func=_pin)

    g = sub.add_parser(
        "generate",
        help="regenerate the bank JSON Schema, data/README.md's dataset table, the shared blocks and the "
        "generated book pages",
        description="Regenerate data/quizzes/bank.schema.json (from the pydantic models), the dataset table in "
        "data/README.md (from data/datasets.yaml), every copy of a shared block (data/content/*.yaml, e.g. "
        "the overdose response) between its markers in notebooks/*.ipynb and book/*.md, each module's "
        "'Last reviewed' line (from metadata.recovery_science.last_reviewed), book/objectives.md (objectives, "
        "quiz coverage, time estimates and the suggested schedule) and the dataset list of book/credits.md.",
    )
    g.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is out of date")
    g.set_defaults(func=_generate)

    banks_help = "a bank id, e.g. 01-biology (see data/quizzes/); default: every bank"
    e = sub.add_parser(
        "export",
        help="export question banks for an LMS: Canvas (QTI 1.2 zip), Moodle GIFT or Moodle XML",
        description="Write the given banks (default: all) in one file for an LMS. canvas: a QTI 1.2 zip for "
        "Canvas (Import Course Content, 'QTI .zip file'; one quiz per bank). gift and moodle-xml: for Moodle's "
        "question bank (Import; one category per bank). Question ids, feedback, explanations, sources and "
        "numeric tolerances are kept; see book/for-instructors.md for what each format cannot express. "
        "Exits 1 if a bank has problems (nothing is written), 2 for an unknown bank.",
    )
    e.add_argument("format", choices=list(EXPORT_FORMATS), metavar="FORMAT",
                   help="canvas, gift or moodle-xml")
    e.add_argument("banks", nargs="*", metavar="BANK", help=banks_help)
    e.add_argument("-o", "--output", metavar="PATH",
                   help="file to write (default: <bank>-<format> or recovery-science-<format> in this folder)")
    e.set_defaults(func=_export)

    k = sub.add_parser(
        "keys",
        help="write an answer key (Markdown or HTML) for one module or the whole course",
        description="For each question of the given banks (default: all): the correct answer, the explanation, "
        "the formatted source, the objective and the level. Exits 1 if a bank has problems (nothing is "
        "written), 2 for an unknown bank.",
    )
    k.add_argument("banks", nargs="*", metavar="BANK", help=banks_help)
    k.add_argument("-f", "--format", choices=list(KEY_FORMATS), default="md", help="md (default) or html")
    k.add_argument("-o", "--output", metavar="PATH",
                   help="file to write (default: <bank>-answer-key.<format> or recovery-science-answer-key.<format>)")
    k.set_defaults(func=_keys)

    r = sub.add_parser(
        "report",
        help="write a student results report with the item analysis, from a folder of progress exports",
        description="Read every file that students exported from the book's My progress page (JSON, or CSV) in "
        "RESULTS_DIR, grade each answer again against the quizzes as they are now, and write a report: per "
        "student, the score of each module and objective; per item, difficulty, discrimination, what was chosen "
        "and flags (thresholds in recovery_science/instructor/analysis.py). csv holds the per-student table only. "
        "Quizzes this course does not have are skipped and named. Exits 1, writing nothing, if a file is not a "
        "valid export of version 1 (each named), 2 if RESULTS_DIR is not a folder.",
    )
    r.add_argument("results", metavar="RESULTS_DIR", help="folder of the students' exported files (*.json, *.csv)")
    r.add_argument("-f", "--format", choices=list(REPORT_FORMATS), default="html", help="html (default), md or csv")
    r.add_argument("--banks", metavar="DIR", help="grade against the banks (*.yaml) in DIR instead of data/quizzes/ "
                   "(e.g. the quizzes as the class saw them, or data/instructor/synthetic-class/quiz)")
    r.add_argument("-o", "--output", metavar="PATH", help="file to write (default: results-report.<format>)")
    r.set_defaults(func=_report)

    c = sub.add_parser(
        "recheck",
        help="list the date-sensitive facts whose recheck date has passed",
        description="List the facts in data/recheck.yaml (every 'as of <Month Year>' statement in the course) whose "
        "recheck_by date has passed: id, due date, how many days overdue, the phrase, the file and the source, one "
        "line each, most overdue first. Exits 0 whether or not any fact is overdue (the calendar never fails a "
        "build), 1 if data/recheck.yaml itself is broken, 2 for a bad --today.",
    )
    c.add_argument("--today", metavar="YYYY-MM-DD", help="check as if today were this date (default: today)")
    c.set_defaults(func=_recheck)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # e.g. no course data found, a file that cannot be written
        print(f"recovery-science {args.command}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the tool never ends with a traceback
        first = (str(exc).splitlines() or [""])[0]
        print(f"recovery-science {args.command}: unexpected error: {type(exc).__name__}: {first}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
