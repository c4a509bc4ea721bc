"""Course text generated from the course's own files by ``recovery-science generate`` (and checked
by ``generate --check``), so that it can never disagree with them (issue 12, "What else instructors
expect"):

- **Last reviewed**: each module notebook records the day its content was last reviewed in
  ``metadata.recovery_science.last_reviewed`` (YYYY-MM-DD). Its first Markdown cell shows it to
  readers, in JupyterLab and in the book, as the line ``Last reviewed: 26 November 2026.`` right
  after the module's title; generate writes that line from the metadata (inserting it if absent).
- **Objectives and schedule** (``book/objectives.md``, written whole): per module its title, time
  estimate (:mod:`recovery_science.tools.readtime`), last-reviewed date, objectives (from its
  bank) and how many quiz questions check each objective at which levels; and a suggested
  schedule (:func:`schedule`).
- **Datasets on the credits page** (``book/credits.md``): the part between
  ``<!-- generated:datasets:start -->`` and ``<!-- generated:datasets:end -->`` is written from
  ``data/datasets.yaml`` (title, file, years, source, licence, access date, links).

Only in a clone of the repository (the installed wheel carries no notebooks): elsewhere
:func:`generated_files` returns nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable

import nbformat

from .paths import course_root

REVIEWED_LINE = re.compile(r"^Last reviewed: [^\n]*$", re.M)
LEVELS = ("recall", "understand", "apply", "analyse")
OBJECTIVES_PAGE = "book/objectives.md"
CREDITS_PAGE = "book/credits.md"
DATASETS_START = "<!-- generated:datasets:start -->"
DATASETS_END = "<!-- generated:datasets:end -->"
DATASETS_BLOCK = re.compile(re.escape(DATASETS_START) + r".*?" + re.escape(DATASETS_END), re.S)


class PageError(ValueError):
    """An input that cannot be turned into the generated text (named with its file)."""


def module_notebooks(root: Path | None = None) -> list[Path]:
    return sorted(((root or course_root()) / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def long_date(day: dt.date) -> str:
    """26 November 2026"""
    return f"{day.day} {day:%B} {day.year}"


# ------------------------------------------------------------------------------------ last reviewed


def last_reviewed(nb, where: str = "notebook") -> dt.date:
    raw = nb.metadata.get("recovery_science", {}).get("last_reviewed")
    if not isinstance(raw, str) or not re.fullmatch(r"\d{4}-\d\d-\d\d", raw):
        raise PageError(f"{where}: metadata.recovery_science.last_reviewed must be a date, YYYY-MM-DD (found {raw!r})")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise PageError(f"{where}: metadata.recovery_science.last_reviewed '{raw}' is not a real date") from None


def reviewed_line(day: dt.date) -> str:
    return f"Last reviewed: {long_date(day)}."


def first_markdown(nb):
    cell = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if cell is None:
        raise PageError("the notebook has no Markdown cell")
    return cell


def shown_reviewed(nb) -> str | None:
    """The 'Last reviewed: …' line the first Markdown cell shows, or None."""
    m = REVIEWED_LINE.search(first_markdown(nb).source)
    return m.group(0) if m else None


def with_reviewed_line(source: str, line: str) -> str:
    """The first cell's text with ``line`` in place of its 'Last reviewed' line, or, when it has
    none, as a paragraph of its own right after the title (the first line)."""
    if REVIEWED_LINE.search(source):
        return REVIEWED_LINE.sub(line, source, count=1)
    title, _, rest = source.partition("\n")
    return f"{title}\n\n{line}\n\n{rest.lstrip(chr(10))}" if rest.strip() else f"{title}\n\n{line}"


def notebook_with_reviewed_line(path: Path) -> str:
    """The notebook file's text with its first cell showing its metadata's last_reviewed date."""
    old = path.read_text(encoding="utf-8")
    nb = nbformat.reads(old, as_version=4)
    line = reviewed_line(last_reviewed(nb, str(path)))
    cell = first_markdown(nb)
    new_source = with_reviewed_line(cell.source, line)
    if new_source == cell.source:
        return old
    cell.source = new_source
    new = nbformat.writes(nb)
    return new if new.endswith("\n") else new + "\n"


# ------------------------------------------------------------------------------------ objectives


def _module(path: Path) -> dict:
    from .quiz import load_bank
    from .tools import readtime

    nb = nbformat.read(path, as_version=4)
    title = first_markdown(nb).source.partition("\n")[0].lstrip("#").strip()
    est = readtime.estimate(nb)
    if len(est.quiz_banks) != 1:
        raise PageError(f"{path}: shows {len(est.quiz_banks)} quiz banks with show_quiz(...); expected one")
    bank = load_bank(est.quiz_banks[0])
    objectives = []
    for obj in bank.objectives:
        levels = {lv: sum(1 for q in bank.questions if q.objective == obj.id and q.level == lv) for lv in LEVELS}
        objectives.append({"id": obj.id, "text": " ".join(obj.text.split()), "levels": levels})
    return {
        "number": int(path.name[:2]),
        "title": title,
        "file": path.name,
        "minutes": est.minutes,
        "aside_minutes": est.aside_minutes,
        "reviewed": last_reviewed(nb, str(path)),
        "bank": bank.id,
        "questions": len(bank.questions),
        "levels": {lv: sum(1 for q in bank.questions if q.level == lv) for lv in LEVELS},
        "objectives": objectives,
    }


def schedule(modules: list[dict]) -> list[list[dict]]:
    """The suggested schedule: one module a week, in order; Module 0 (how the course works, short)
    shares week 1 with the first module after it."""
    weeks: list[list[dict]] = []
    for m in sorted(modules, key=lambda m: m["number"]):
        if weeks and weeks[-1] and weeks[-1][-1]["number"] == 0:
            weeks[-1].append(m)
        else:
            weeks.append([m])
    return weeks


def _levels_text(levels: dict[str, int]) -> str:
    return ", ".join(f"{n} {lv}" for lv, n in levels.items() if n) or "none"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def objectives_page(root: Path | None = None) -> str:
    modules = [_module(p) for p in module_notebooks(root)]
    if not modules:
        raise PageError("no module notebooks (notebooks/NN-*.ipynb)")
    out = [
        "# Objectives and schedule",
        "",
        "<!-- Written by `recovery-science generate` from the module notebooks and data/quizzes/*.yaml; "
        "do not edit by hand: `recovery-science generate --check` fails when it differs. -->",
        "",
        ":::{admonition} Content note",
        ":class: note rs-content-note",
        "The objectives below name overdose and overdose death data, as the modules do.",
        ":::",
        "",
        "What each module sets out to teach, how the quiz at its end checks it, and how long it takes, for "
        "planning a class. Each module's objectives are listed in the module itself and in its question "
        "bank (`data/quizzes/`); every objective is checked by at least two questions.",
        "",
        "- **Time** is the module's estimate, made by the course's reading-time tool "
        "(`python -m recovery_science.tools.readtime`): the main text at 200 words a minute, a minute for "
        "each code cell a student runs and a minute and a half for each quiz question. Optional asides "
        "are counted apart. Discussion, the interactive tools and any graded work in your LMS come on top.",
        "- **Levels** are the quiz questions' cognitive levels: recall, understand, apply, analyse.",
        "- **Last reviewed** is the day the module's content was last checked against its sources.",
        "",
        "## The modules at a glance",
        "",
        "| Module | Time | Objectives | Questions | Recall | Understand | Apply | Analyse | Last reviewed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for m in modules:
        lv = m["levels"]
        out.append(
            f"| [{_cell(m['title'])}](../notebooks/{m['file']}) | about {m['minutes']} min | {len(m['objectives'])} "
            f"| {m['questions']} | {lv['recall']} | {lv['understand']} | {lv['apply']} | {lv['analyse']} "
            f"| {long_date(m['reviewed'])} |"
        )
    weeks = schedule(modules)
    out += [
        "",
        "## Suggested schedule",
        "",
        "One module a week, in order: each module builds on the ones before it. Module 0 is short and explains "
        "how the course, its quizzes and its data work, so it shares week 1 with Module 1. Adjust the pace to "
        "your class: the times are for reading and doing the module once, not for discussion or revision.",
        "",
        "| Week | Modules | Estimated time |",
        "|---|---|---|",
    ]
    for n, week in enumerate(weeks, 1):
        names = " and ".join(f"Module {m['number']}" for m in week)
        out.append(f"| {n} | {names} | about {sum(m['minutes'] for m in week)} minutes |")
    for m in modules:
        asides = f" (+ {m['aside_minutes']} minutes of optional asides)" if m["aside_minutes"] else ""
        out += [
            "",
            f"## {m['title']}",
            "",
            f"About {m['minutes']} minutes{asides}. Last reviewed: {long_date(m['reviewed'])}. "
            f"Quiz: {m['questions']} questions (bank `{m['bank']}`). "
            f"[Open the module](../notebooks/{m['file']}).",
            "",
            "| Objective | Students can | Questions | Levels |",
            "|---|---|---|---|",
        ]
        for obj in m["objectives"]:
            out.append(f"| {obj['id']} | {_cell(obj['text'])} | {sum(obj['levels'].values())} "
                       f"| {_levels_text(obj['levels'])} |")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------ credits


def datasets_block() -> str:
    from .data import datasets

    lines = [DATASETS_START, ""]
    for ds in datasets().values():
        e = ds.entry
        links = ", ".join(f"<{u}>" for u in e.url)
        lines.append(
            f"- **{e.title}** (`data/{e.file}`; {' '.join(e.years.split())}). "
            f"Source: {' '.join(e.source.split())}. Licence: {' '.join(e.licence.split())}. "
            f"Accessed {e.accessed.isoformat()}. {links}"
        )
    lines += ["", DATASETS_END]
    return "\n".join(lines)


def credits_with_datasets(text: str, where: str = CREDITS_PAGE) -> str:
    if not DATASETS_BLOCK.search(text):
        raise PageError(f"{where}: no {DATASETS_START} ... {DATASETS_END} markers")
    block = datasets_block()
    return DATASETS_BLOCK.sub(lambda _: block, text, count=1)


# ------------------------------------------------------------------------------------ generate


def generated_files(root: Path | None = None) -> list[tuple[Path, Callable[[], str]]]:
    """(path, make) pairs for ``recovery-science generate``; each ``make`` reads its inputs when
    called, so a notebook rewritten earlier in the same run is read as written."""
    root = root or course_root()
    notebooks = module_notebooks(root)
    if not notebooks:
        return []
    files: list[tuple[Path, Callable[[], str]]] = [
        (path, (lambda path=path: notebook_with_reviewed_line(path))) for path in notebooks
    ]
    files.append((root / OBJECTIVES_PAGE, lambda: objectives_page(root)))
    credits = root / CREDITS_PAGE
    if credits.is_file():
        files.append((credits, lambda: credits_with_datasets(credits.read_text(encoding="utf-8"), str(credits))))
    return files
