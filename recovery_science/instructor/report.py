"""The student results report behind ``recovery-science report`` (HTML, Markdown or CSV).

From an :class:`~.analysis.Analysis`: per student, the score of each module and the share correct
of each objective; the class item table (difficulty, discrimination, what was chosen, flags) with
the thresholds stated; the class's objective mastery; and the notes of the loader (skipped
quizzes, older bank versions). CSV holds the per-student table only, one row per student, for a
spreadsheet; HTML and Markdown hold everything. Every text from a file or a bank is escaped.
"""

from __future__ import annotations

import html
import math
import re

import pandas as pd

from . import analysis as an
from .banks import COURSE

TITLE = f"{COURSE}: student results report"
PRIVATE = ("This report holds students' names and results: keep it private (do not publish it with "
           "the book). The quizzes are for practice; use the LMS export for graded work.")


def _fmt(x: float, digits: int = 2) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def student_table(analysis: an.Analysis, numeric: bool = False) -> pd.DataFrame:
    """One row per student: each module's score and each objective's share correct.

    ``numeric``: numbers (for CSV: ``<bank> score``, ``<bank> total``, ``<bank> <objective>`` as a
    share 0-1); otherwise readable text (``5 of 6``, ``1 of 2``). A module a student's file does
    not hold is left empty."""
    res = analysis.results
    rows = {f.student: {"student": f.student, "file": f.path.name} for f in res.files}
    columns = ["student", "file"]
    for bank_id, bank in res.banks.items():
        s = analysis.students[analysis.students["bank"] == bank_id].set_index("student")
        o = analysis.objectives[analysis.objectives["bank"] == bank_id]
        if numeric:
            columns += [f"{bank_id} score", f"{bank_id} total"]
        else:
            columns.append(f"{bank_id} score")
        obj_ids = [ob.id for ob in bank.objectives]
        columns += [f"{bank_id} {ob}" for ob in obj_ids]
        for student, r in s.iterrows():
            if numeric:
                rows[student][f"{bank_id} score"] = int(r["score"])
                rows[student][f"{bank_id} total"] = int(r["total"])
            else:
                rows[student][f"{bank_id} score"] = f"{r['score']} of {r['total']}"
        for r in o.itertuples():
            key = f"{bank_id} {r.objective}"
            if numeric:
                rows[r.student][key] = None if r.total == 0 else round(r.correct / r.total, 4)
            else:
                rows[r.student][key] = f"{r.correct} of {r.total}" + (" ✓" if r.mastered else "")
    return pd.DataFrame(list(rows.values()), columns=columns)


def _choices_text(analysis: an.Analysis, bank: str, question: str) -> str:
    d = analysis.distractors[(analysis.distractors["bank"] == bank) & (analysis.distractors["question"] == question)]
    return ", ".join(f"{r.option}{'*' if r.correct else ''} {r.chosen}" for r in d.itertuples())


def item_table(analysis: an.Analysis) -> pd.DataFrame:
    """The class item table as the report shows it (numbers rounded, choices in one column)."""
    it = analysis.items
    return pd.DataFrame({
        "module": it["bank"], "#": it["position"], "question": it["question"], "type": it["type"],
        "objective": it["objective"], "answered": [f"{a} of {s}" for a, s in zip(it["answered"], it["students"],
                                                                                strict=True)],
        "difficulty": [_fmt(x) for x in it["difficulty"]],
        "point-biserial": [_fmt(x) for x in it["point_biserial"]],
        "upper-lower": [_fmt(x) for x in it["upper_lower"]],
        "chosen (* = correct)": [_choices_text(analysis, b, q) for b, q in zip(it["bank"], it["question"],
                                                                                  strict=True)],
        "flags": it["flags"],
    })


def objective_table(analysis: an.Analysis) -> pd.DataFrame:
    s = analysis.objective_summary
    return pd.DataFrame({
        "module": s["bank"], "objective": s["objective"], "text": s["text"], "questions": s["questions"],
        "mean share correct": [_fmt(x) for x in s["mean_share"]],
        "mastered": [f"{m} of {n}" for m, n in zip(s["mastered"], s["students"], strict=True)],
    })


def _summary_lines(analysis: an.Analysis) -> list[str]:
    res = analysis.results
    n_flags = len(analysis.flags)
    return [
        f"{len(res.files)} students, {len(res.banks)} module quiz{'zes' if len(res.banks) != 1 else ''} "
        f"({', '.join(res.banks) or 'none'}), from {res.folder.name or res.folder}.",
        f"{analysis.items['flags'].ne('').sum()} of {len(analysis.items)} items flagged for review "
        f"({n_flags} flag{'s' if n_flags != 1 else ''}).",
    ]


def _rule_lines() -> list[str]:
    return [f"{flag}: {rule}" for flag, rule in an.FLAG_RULES.items()]


ABOUT = ("Difficulty is the share of students whose latest answer, graded again against the quiz as it is now, "
         "is correct (an answer shown with Show answer, or no answer, counts as wrong). Point-biserial: the "
         "correlation of the item's score with the rest of that module's quiz (the item left out). Upper-lower: "
         "share correct in the top 27% of the module's scores minus the bottom 27%. The thresholds are classical "
         "test theory's common rules of thumb, prompts for a second look, not laws.")


# ------------------------------------------------------------------------------------------ Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")


def _md(text: object) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_table(df: pd.DataFrame) -> list[str]:
    out = ["| " + " | ".join(_md(c) for c in df.columns) + " |", "|" + "---|" * len(df.columns)]
    for row in df.itertuples(index=False):
        out.append("| " + " | ".join(_md("" if v is None else v) for v in row) + " |")
    return out + [""]


def report_markdown(analysis: an.Analysis) -> str:
    out = [f"# {_md(TITLE)}", "", _md(PRIVATE), ""]
    out += [" ".join(_md(line) for line in _summary_lines(analysis)), ""]
    if analysis.results.notes:
        out += ["## Notes", ""] + [f"- {_md(n)}" for n in analysis.results.notes] + [""]
    out += ["## Students", "", _md("Per module: score (questions correct). Per objective: questions correct; "
                                   "✓ when all are (mastered)."), ""]
    out += _md_table(student_table(analysis))
    out += ["## Items", "", _md(ABOUT), "", "Flags:", ""] + [f"- {_md(r)}" for r in _rule_lines()] + [""]
    out += _md_table(item_table(analysis))
    out += ["## Objectives", ""] + _md_table(objective_table(analysis))
    return "\n".join(out)


# ------------------------------------------------------------------------------------------ HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.45;margin:1.5rem auto;
max-width:72rem;padding:0 1rem;color:#1b1b1b;background:#fff}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem;font-size:0.92rem}
th,td{border:1px solid #b5b5b5;padding:0.25rem 0.5rem;text-align:left;vertical-align:top}
th{background:#eef2f6}
caption{text-align:left;font-weight:600;padding:0.25rem 0}
td.flag{color:#8a2c00;font-weight:600}
.private{border-left:4px solid #8a2c00;padding:0.25rem 0.75rem;background:#fbf3ee}
"""


def _html_table(df: pd.DataFrame, caption: str, flag_column: str | None = None) -> str:
    e = html.escape
    head = "".join(f'<th scope="col">{e(str(c))}</th>' for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for i, (col, v) in enumerate(zip(df.columns, row, strict=True)):
            text = e("" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v))
            if i == 0:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cls = ' class="flag"' if col == flag_column and text else ""
                cells.append(f"<td{cls}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table>\n<caption>{e(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
            + "\n".join(body) + "\n</tbody>\n</table>")


def report_html(analysis: an.Analysis) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(TITLE)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", "<main>",
        f"<h1>{e(TITLE)}</h1>", f'<p class="private">{e(PRIVATE)}</p>',
        "<p>" + " ".join(e(line) for line in _summary_lines(analysis)) + "</p>",
    ]
    if analysis.results.notes:
        parts += ["<h2>Notes</h2>", "<ul>"] + [f"<li>{e(n)}</li>" for n in analysis.results.notes] + ["</ul>"]
    parts += ["<h2>Students</h2>",
              "<p>Per module: score (questions correct). Per objective: questions correct; ✓ when all are "
              "(mastered).</p>",
              _html_table(student_table(analysis), "Score per module and per objective, one row per student"),
              "<h2>Items</h2>", f"<p>{e(ABOUT)}</p>", "<p>Flags:</p>", "<ul>"]
    parts += [f"<li>{e(r)}</li>" for r in _rule_lines()] + ["</ul>"]
    parts += [_html_table(item_table(analysis), "Every item of the class's quizzes, with its flags", "flags"),
              "<h2>Objectives</h2>",
              _html_table(objective_table(analysis), "Objective mastery across the class"),
              "</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------ CSV


def report_csv(analysis: an.Analysis) -> str:
    """The per-student table, numeric (RFC 4180, CRLF line ends, UTF-8)."""
    return student_table(analysis, numeric=True).to_csv(index=False, lineterminator="\r\n")


FORMATS = {"html": (report_html, ".html"), "md": (report_markdown, ".md"), "csv": (report_csv, ".csv")}


def render(analysis: an.Analysis, fmt: str) -> str:
    return FORMATS[fmt][0](analysis)
