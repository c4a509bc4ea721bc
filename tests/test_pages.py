"""Generated course text (recovery_science.pages): each module's "Last reviewed" line equals its
metadata; book/objectives.md maps every objective of every bank with its question counts and levels,
and a schedule; book/credits.md lists every dataset with its licence; the new pages are in the table
of contents; the accessibility and credits pages name the issue tracker of _config.yml."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import yaml
from conftest import IN_CI
from courseutil import run_cli

from recovery_science import pages, paths

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
LONG_DATE = re.compile(r"^Last reviewed: (\d{1,2}) (January|February|March|April|May|June|July|August|September|"
                       r"October|November|December) (\d{4})\.$", re.M)


# ------------------------------------------------------------------------------------ last reviewed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_module_shows_the_reviewed_date_of_its_metadata(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    raw = nb["metadata"]["recovery_science"]["last_reviewed"]
    day = dt.date.fromisoformat(raw)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", raw)
    first = "".join(next(c for c in nb["cells"] if c["cell_type"] == "markdown")["source"])
    shown = LONG_DATE.findall(first)
    assert len(shown) == 1, f"{path.name}: the first cell must show one 'Last reviewed: D Month YYYY.' line"
    d, month, year = shown[0]
    assert dt.datetime.strptime(f"{d} {month} {year}", "%d %B %Y").date() == day, (
        f"{path.name}: shows {d} {month} {year}, metadata says {raw}; run: recovery-science generate")
    # right under the title, as its own paragraph
    assert first.split("\n\n")[1] == f"Last reviewed: {d} {month} {year}."


def test_the_reviewed_line_is_inserted_or_replaced():
    src = "# Module 9 — X\n\nIntro text.\n"
    line = pages.reviewed_line(dt.date(2027, 3, 5))
    assert line == "Last reviewed: 5 March 2027."
    added = pages.with_reviewed_line(src, line)
    assert added == "# Module 9 — X\n\nLast reviewed: 5 March 2027.\n\nIntro text.\n"
    assert pages.with_reviewed_line(added, "Last reviewed: 1 April 2028.") == added.replace("5 March 2027",
                                                                                          "1 April 2028")
    assert pages.with_reviewed_line("# Title", line) == "# Title\n\nLast reviewed: 5 March 2027."


@pytest.fixture
def clone(course_copy):
    """course_copy plus the notebooks and book pages, so generate sees a clone."""
    shutil.copytree(ROOT / "notebooks", course_copy / "notebooks")
    for page in (ROOT / "book").glob("*.md"):
        shutil.copy(page, course_copy / "book")
    return course_copy


def test_a_changed_date_fails_generate_check_and_generate_repairs_it(capsys, clone):
    assert run_cli(capsys, "generate", "--check")[:2] == (0, ["generate: every generated file is current"])
    path = clone / "notebooks" / NOTEBOOKS[1].name
    nb = nbformat.read(path, as_version=4)
    nb.metadata.recovery_science["last_reviewed"] = "2027-02-14"
    nbformat.write(nb, path)
    code, lines, _ = run_cli(capsys, "generate", "--check")
    assert code == 1
    assert lines == [f"{path}: out of date; run: recovery-science generate",
                     f"{clone / 'book' / 'objectives.md'}: out of date; run: recovery-science generate"]
    assert run_cli(capsys, "generate")[0] == 0
    assert "Last reviewed: 14 February 2027." in nbformat.read(path, as_version=4).cells[0].source
    assert "| 14 February 2027 |" in (clone / "book" / "objectives.md").read_text()
    assert run_cli(capsys, "generate", "--check")[0] == 0


@pytest.mark.parametrize("value", [None, "26 November 2026", "2026-02-30"])
def test_a_missing_or_bad_date_is_one_line(capsys, clone, value):
    path = clone / "notebooks" / NOTEBOOKS[0].name
    nb = nbformat.read(path, as_version=4)
    if value is None:
        del nb.metadata.recovery_science["last_reviewed"]
    else:
        nb.metadata.recovery_science["last_reviewed"] = value
    nbformat.write(nb, path)
    code, lines, _ = run_cli(capsys, "generate", "--check")
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"{path}: cannot generate ({path}: metadata.recovery_science.last_reviewed")


# ------------------------------------------------------------------------------------ objectives


def _bank_of(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    bank_id = re.search(r"show_quiz\(\\?[\"']([^\"'\\]+)", text).group(1)
    return yaml.safe_load((ROOT / "data" / "quizzes" / f"{bank_id}.yaml").read_text(encoding="utf-8"))


def _section(page: str, title: str) -> str:
    return page.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_objectives_page_is_current():
    assert (ROOT / "book" / "objectives.md").read_text(encoding="utf-8") == pages.objectives_page(), (
        "book/objectives.md is out of date; run: recovery-science generate")


def test_the_objectives_page_counts_each_objective_and_level_from_the_banks():
    """Read back from the page and counted afresh from the YAML (not through recovery_science.pages)."""
    page = (ROOT / "book" / "objectives.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        title = "".join(nb["cells"][0]["source"]).split("\n", 1)[0].lstrip("# ").strip()
        bank = _bank_of(path)
        section = _section(page, title)
        rows = [r for r in section.splitlines() if re.match(r"\| LO", r)]
        assert [r.split(" | ")[0][2:] for r in rows] == [o["id"] for o in bank["objectives"]], title
        for row, obj in zip(rows, bank["objectives"], strict=True):
            cells = [c.strip() for c in row.strip("|").split(" | ")]
            qs = [q for q in bank["questions"] if q["objective"] == obj["id"]]
            levels = Counter(q["level"] for q in qs)
            expected = ", ".join(f"{levels[lv]} {lv}" for lv in pages.LEVELS if levels[lv])
            assert cells[1] == " ".join(obj["text"].split()), (title, obj["id"])
            assert (int(cells[2]), cells[3]) == (len(qs), expected), (title, obj["id"], cells)
        glance = next(r for r in _section(page, "The modules at a glance").splitlines() if f"[{title}]" in r)
        total = Counter(q["level"] for q in bank["questions"])
        assert glance.split(" | ")[2:8] == [str(len(bank["objectives"])), str(len(bank["questions"])),
                                            *(str(total[lv]) for lv in pages.LEVELS)], glance
        assert f"| {pages.long_date(dt.date.fromisoformat(nb['metadata']['recovery_science']['last_reviewed']))} |" \
            in glance


def test_the_time_shown_is_the_readtime_estimate():
    from recovery_science.tools import readtime

    page = (ROOT / "book" / "objectives.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        est = readtime.estimate_path(path)
        nb = nbformat.read(path, as_version=4)
        title = nb.cells[0].source.split("\n", 1)[0].lstrip("# ").strip()
        assert _section(page, title).lstrip().startswith(f"About {est.minutes} minutes"), title
        stated = readtime.stated_minutes(nb)
        assert stated and abs(stated[0] - est.minutes) <= 5, "the overview's own estimate is close"


def test_the_schedule_is_one_module_a_week_with_module_0_in_week_1():
    page = (ROOT / "book" / "objectives.md").read_text(encoding="utf-8")
    rows = [r for r in _section(page, "Suggested schedule").splitlines() if re.match(r"\| \d", r)]
    numbers = sorted(int(p.name[:2]) for p in NOTEBOOKS)
    expected = [[0, 1]] + [[n] for n in numbers if n > 1]
    assert [[int(n) for n in re.findall(r"Module (\d+)", r)] for r in rows] == expected
    assert [int(r.split(" | ")[0].strip("| ")) for r in rows] == list(range(1, len(expected) + 1))
    m = lambda n: {"number": n, "minutes": 10}  # noqa: E731
    assert [[x["number"] for x in w] for w in pages.schedule([m(2), m(0), m(1), m(3)])] == [[0, 1], [2], [3]]
    assert [[x["number"] for x in w] for w in pages.schedule([m(1), m(2)])] == [[1], [2]]


# ------------------------------------------------------------------------------------ credits and toc


def test_credits_list_every_dataset_with_its_licence():
    text = (ROOT / "book" / "credits.md").read_text(encoding="utf-8")
    assert text == pages.credits_with_datasets(text), "book/credits.md is out of date; run: recovery-science generate"
    block = pages.DATASETS_BLOCK.search(text).group(0)
    manifest = yaml.safe_load((ROOT / "data" / "datasets.yaml").read_text(encoding="utf-8"))["datasets"]
    items = [line for line in block.splitlines() if line.startswith("- **")]
    assert len(items) == len(manifest)
    for entry, item in zip(manifest.values(), items, strict=True):
        assert item.startswith(f"- **{entry['title']}** (`data/{entry['file']}`")
        assert f"Licence: {' '.join(entry['licence'].split())}." in item


def test_the_credits_block_needs_its_markers():
    with pytest.raises(pages.PageError, match="no <!-- generated:datasets:start -->"):
        pages.credits_with_datasets("# Credits\n")


def test_credits_name_every_npm_dev_tool_with_its_licence():
    page = (ROOT / "book" / "credits.md").read_text(encoding="utf-8")
    text = " ".join(_section(page, "Development and test tools (not in the site)").split())
    dev = json.loads((ROOT / "package.json").read_text())["devDependencies"]
    names = {"@eslint/js": "`@eslint/js`", "eslint": "ESLint", "lighthouse": "Lighthouse"}
    licences = {"MIT": "MIT", "Apache-2.0": "Apache License 2.0", "BSD-2-Clause": "BSD 2-Clause"}
    if not (ROOT / "node_modules").is_dir():
        if IN_CI:
            pytest.fail("node_modules missing: run npm ci")
        pytest.skip("node_modules missing: run npm ci")
    for pkg in dev:
        name = names.get(pkg, pkg)
        licence = json.loads((ROOT / "node_modules" / pkg / "package.json").read_text())["license"]
        at = text.find(name)
        assert at >= 0, f"book/credits.md does not name the npm tool {pkg}"
        assert licences[licence] in text[at:at + 160], f"{pkg}: licence {licence} not given beside it"


def test_new_pages_are_in_the_reference_part_and_linked_from_the_instructors_page():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    reference = next(p for p in toc["parts"] if p["caption"] == "Reference")
    files = [c["file"] for c in reference["chapters"]]
    for page in ("book/objectives", "book/accessibility", "book/credits"):
        assert page in files
    assert files.index("book/objectives") == files.index("book/for-instructors") + 1
    text = (ROOT / "book" / "for-instructors.md").read_text(encoding="utf-8")
    for target in ("(objectives.md)", "(accessibility.md)", "(credits.md)"):
        assert target in text


@pytest.mark.parametrize("page", ["accessibility.md", "credits.md"])
def test_problems_are_reported_to_the_configured_issue_tracker(page):
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/") + "/issues"
    text = (ROOT / "book" / page).read_text(encoding="utf-8")
    assert f"]({url})" in text  # a link with words: a bare github.com URL gets the theme's icon-font glyph


def test_the_accessibility_page_cites_only_test_files_that_exist():
    text = (ROOT / "book" / "accessibility.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"`(tests/test_[a-z_]+\.py)`", text))
    assert {"tests/test_accessibility.py", "tests/test_browser.py", "tests/test_print.py",
            "tests/test_jupyterlab.py", "tests/test_page_weight.py"} <= cited
    assert [c for c in cited if not (ROOT / c).is_file()] == []


def test_generate_outside_a_clone_writes_no_pages(course_copy):
    assert paths.course_root() == course_copy
    assert pages.generated_files() == []
