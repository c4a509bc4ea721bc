"""The module time estimate (recovery_science/tools/readtime.py): about 200 words a minute of main
text, 1 minute per code cell a student runs, 1.5 minutes per quiz item, asides counted apart; and
every module's overview states an estimate within 5 minutes of it."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from recovery_science.tools import readtime

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
# Overviews still being rewritten for issue #8; the integrator removes an entry once the overview
# states its estimate (strict: an entry no longer needed fails).
PENDING: dict[str, str] = {}
TOLERANCE_MINUTES = 5


def words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


@pytest.fixture
def banks(tmp_path):
    folder = tmp_path / "quizzes"
    folder.mkdir()
    bank = {"id": "99-test", "questions": [{"id": f"q{i}"} for i in range(4)]}
    (folder / "99-test.yaml").write_text(yaml.safe_dump(bank), encoding="utf-8")
    return folder


def synthetic(extra_cells=()):
    return new_notebook(cells=[
        new_markdown_cell("# Title\n\n" + words(399)),                       # 400 words with the title
        new_code_cell("x = 1"),                                              # read and run: 1 min
        new_code_cell("import y\ny.explore()", metadata={"tags": ["remove-input"]}),  # display only
        new_markdown_cell(
            "Main [link text](https://example.org/a/very/long/target) here.\n\n"      # 4 words
            '<details class="rs-aside">\n<summary>More</summary>\n\n' + words(400, "aside") + "\n\n</details>\n"
        ),
        new_code_cell('from recovery_science.quiz import show_quiz\n\nshow_quiz("99-test")',
                      metadata={"tags": ["remove-input"]}),
        new_markdown_cell("## References\n\n" + words(1000)),                # never counted
        *extra_cells,
    ])


def test_a_synthetic_notebook_by_hand(banks):
    est = readtime.estimate(synthetic(), banks)
    assert est.words == 400 + 4      # "#" is not a word; the link's target is not counted
    assert est.aside_words == 401    # the aside's 400 words and its summary "More"
    assert est.code_cells == 1
    assert (est.quiz_banks, est.quiz_items) == (("99-test",), 4)
    # 404 / 200 = 2.02 reading + 1 code + 4 x 1.5 quiz = 9.02; asides 401 / 200 = 2.005
    assert est.minutes == 9
    assert est.aside_minutes == 2
    assert est.summary() == "about 9 minutes (+ 2 minutes of optional asides)"


def test_what_is_not_counted(banks):
    base = readtime.estimate(synthetic(), banks).words
    extra = new_markdown_cell(
        "<!-- a comment of several words -->\n\n```python\nprint('code in markdown')\n```\n\n"
        '![an image alt text](fig.png)\n\n<span class="x">two words</span> — * _ ([](#ref-key))\n'
    )
    assert readtime.estimate(synthetic([extra]), banks).words == base + 2


def test_constants_are_the_documented_ones():
    assert (readtime.WORDS_PER_MINUTE, readtime.MINUTES_PER_CODE_CELL, readtime.MINUTES_PER_QUIZ_ITEM) == (200, 1, 1.5)


def test_an_unknown_bank_is_an_error(banks):
    nb = new_notebook(cells=[new_code_cell('show_quiz("no-such-bank")')])
    with pytest.raises(FileNotFoundError, match="no-such-bank"):
        readtime.estimate(nb, banks)


@pytest.mark.parametrize("overview, stated", [
    ("# M\n\nIt takes about 60 minutes.", (60, 60)),
    ("# M\n\nIt takes about ten minutes.", (10, 10)),
    ("# M\n\nAbout 60–75 minutes of reading, code and quiz.", (60, 75)),
    ("# M\n\nabout 45 to 50 minutes", (45, 50)),
    ("# M\n\nNo estimate here; 20 minutes maybe.", None),
])
def test_stated_minutes(overview, stated):
    nb = new_notebook(cells=[new_markdown_cell(overview), new_markdown_cell("later: about 99 minutes")])
    assert readtime.stated_minutes(nb) == stated


def test_command_line(capsys):
    assert readtime.main([str(NOTEBOOKS[0])]) == 0
    line = capsys.readouterr().out.strip()
    est = readtime.estimate_path(NOTEBOOKS[0])
    assert line == f"{NOTEBOOKS[0]}: about {est.minutes} minutes (+ {est.aside_minutes} minutes of optional asides)"


def _modules():
    def marks(stem):
        return [pytest.mark.xfail(strict=True, reason=PENDING[stem])] if stem in PENDING else []

    return [pytest.param(p, id=p.stem, marks=marks(p.stem)) for p in NOTEBOOKS]


@pytest.mark.parametrize("path", _modules())
def test_the_overview_states_the_estimate(path):
    nb = nbformat.read(path, as_version=4)
    est = readtime.estimate(nb)
    stated = readtime.stated_minutes(nb)
    assert stated is not None, (
        f"{path.name}: the overview (first Markdown cell) states no 'about N minutes'; "
        f"python -m recovery_science.tools.readtime gives {est.summary()}"
    )
    low, high = stated
    assert low - TOLERANCE_MINUTES <= est.minutes <= high + TOLERANCE_MINUTES, (
        f"{path.name}: the overview says about {low}{'' if low == high else f'–{high}'} minutes, "
        f"the estimate is {est.summary()} ({est.details()})"
    )
