"""Stored outputs of the notebooks, as an unrun notebook shows them in JupyterLab: every stored
interactive output (quiz or tool) carries its "run this cell" notice, and no stored HTML holds a
form or anything else that submits or navigates (tests/test_jupyterlab.py clicks them too)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from recovery_science import receptor
from recovery_science.outputs import NO_MATH_CLASS, RUN_NOTICE_CLASSES, run_notice_html

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
INTERACTIVE = ".rs-quiz, .rs-emax"


def _stored_html(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [out["data"]["text/html"] for cell in nb.cells if cell.cell_type == "code"
            for out in cell.outputs if "text/html" in out.get("data", {})]


def problems(html: str) -> list[str]:
    """What in this HTML would submit a form or navigate when a student clicks or presses Enter."""
    soup = BeautifulSoup(html, "html.parser")
    found = [f"<form>: {str(f)[:60]}" for f in soup.find_all("form")]
    found += [f"button without type=button: {b}"[:120] for b in soup.find_all("button")
              if (b.get("type") or "submit").lower() != "button"]
    found += [f"submitting input: {i}"[:120] for i in soup.find_all("input")
              if (i.get("type") or "").lower() in ("submit", "image")]
    found += [f"{el.name} with formaction" for el in soup.find_all(attrs={"formaction": True})]
    found += [f"link that leaves the page: {a}"[:120] for a in soup.find_all("a", href=True)
              if not a["href"].startswith("#") and a.get("target") != "_blank"]
    found += [f"<meta http-equiv>: {m}" for m in soup.find_all("meta", attrs={"http-equiv": True})]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_html_neither_submits_nor_navigates(path):
    outputs = _stored_html(path)
    assert outputs
    for html in outputs:
        assert not problems(html), problems(html)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_stored_interactive_output_says_run_this_cell(path):
    interactive = 0
    for html in _stored_html(path):
        soup = BeautifulSoup(html, "html.parser")
        for box in soup.select(INTERACTIVE):
            interactive += 1
            notices = box.select(".rs-run-notice.rs-search-skip")
            assert len(notices) == 1, f"{box.get('class')}: no run notice"
            assert notices[0].get_text().startswith("Run this cell")
    assert interactive >= 1


def test_the_checks_catch_what_they_look_for():
    for bad in ('<form action="x"><button>Check</button></form>', "<button>Check</button>",
                '<input type="submit">', '<button type="button" formaction="/x">', '<a href="../book/x.html">x</a>'):
        assert problems(bad), bad
    assert not problems('<button type="button">Check</button><a href="#ref-x">x</a>'
                        '<a href="https://nida.nih.gov" target="_blank">NIDA</a>')


def test_receptor_stored_html_has_the_notice_and_disabled_sliders():
    html = receptor.explorer_html()
    soup = BeautifulSoup(html, "html.parser")
    notice = soup.select_one(".rs-emax > .rs-run-notice")
    assert notice is not None and notice["class"] == RUN_NOTICE_CLASSES.split()
    assert notice.get_text() == receptor.RUN_NOTICE == (
        "Run this cell to use the sliders here (JupyterLab), or use them in the course book.")
    sliders = soup.select("input[type=range]")
    assert len(sliders) == 4 and all(s.has_attr("disabled") for s in sliders)
    assert not problems(html)
    assert "&lt;b&gt;" in run_notice_html("<b>")  # escaped


def _figure_alt(nb_name: str, code: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / nb_name, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and code in c.source)
    return cell.metadata["mystnb"]["image"]["alt"]


def test_receptor_figure_alt_text_follows_its_parameters():
    """The alt text states the model's numbers: they must be the ones data/tools/receptor.json sets."""
    from recovery_science.receptor import PARAMS

    alt = _figure_alt("01-biology-of-opioid-dependence.ipynb", "receptor.plot_static()")
    efficacy = PARAMS["model"]["partial_efficacy"]
    ratio = PARAMS["sliders"]["antagonist"]["value"]
    assert f"Kd = {PARAMS['model']['kd']:g}" in alt
    assert f"efficacy {efficacy:g}" in alt and f"ceiling of {efficacy:g}" in alt
    assert f"a/Ka = {ratio:g}" in alt
    # a competitive antagonist multiplies the EC50 by 1 + a/Ka (Gaddum), from Kd = 1
    assert f"concentration of {PARAMS['model']['kd'] * (1 + ratio):g} instead of {PARAMS['model']['kd']:g}" in alt


def test_death_rate_figure_alt_text_states_the_data():
    from recovery_science.data import load_dataset

    alt = _figure_alt("01-biology-of-opioid-dependence.ipynb", "fig, ax = plt.subplots(figsize=(9, 4.8))")
    d = load_dataset("us_opioid_death_rates").set_index("year")
    rx, heroin, synth = d["prescription_opioids"], d["heroin"], d["synthetic_opioids_excl_methadone"]
    assert f"from {rx[1999]:.1f} in 1999 to {rx[2010]:.1f} in 2010" in alt
    assert f"between {rx.loc[2011:].min():.1f} and {rx.loc[2011:].max():.1f}" in alt
    assert f"from {heroin[2010]:.1f} in 2010 to {heroin.max():.1f} in {heroin.idxmax()}" in alt
    assert f"from {synth[2013]:.1f} in 2013 to {synth[2020]:.1f} in 2020" in alt


AMOUNT = re.compile(r"\$\d")


def math_jupyterlab_would_typeset(html: str) -> list[str]:
    """Runs of text holding an amount of money that JupyterLab's MathJax would typeset: it reads
    the text between elements (its strings break at every tag) and takes two "$" in one run as
    inline math, unless an ancestor has the class MathJax ignores (NO_MATH_CLASS). Math meant as
    math ("$$ E(c) = ... $$") has no "$" before a digit."""
    soup = BeautifulSoup(html, "html.parser")
    return [str(text).strip()[:90] for text in soup.find_all(string=True)
            if text.count("$") >= 2 and AMOUNT.search(text)
            and text.parent.name not in ("script", "style", "code", "pre")
            and not any(NO_MATH_CLASS in (el.get("class") or []) for el in text.parents)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_amount_of_money_is_typeset_as_math_in_jupyterlab(path):
    """Dollar amounts in the stored outputs and in the Markdown (as JupyterLab renders it: "\\$"
    becomes "$" before MathJax runs). tests/test_jupyterlab.py checks the same in JupyterLab."""
    nb = nbformat.read(path, as_version=4)
    markdown = MarkdownIt("commonmark").enable("table")
    found = [f"output: {t!r}" for html in _stored_html(path) for t in math_jupyterlab_would_typeset(html)]
    found += [f"cell {i}: {t!r}" for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
              for t in math_jupyterlab_would_typeset(markdown.render(cell.source))]
    assert not found, (f"{path.name}: text JupyterLab would show as math (put it inside "
                       f'<span class="{NO_MATH_CLASS}">):\n' + "\n".join(found))


def test_the_math_check_tells_amounts_from_safe_text():
    assert math_jupyterlab_would_typeset("<p>between $1 and $100</p>")
    for safe in ("<p><strong>$2.50</strong> and <strong>$1.00</strong></p>", "<p>$2.50 only</p>",
                 f'<div class="rs-cm {NO_MATH_CLASS}"><p>$2.50 and $1.00</p></div>',
                 '<script type="application/json">{"a": "$1 $2"}</script>', "<p>$$ E = e c $$</p>"):
        assert not math_jupyterlab_would_typeset(safe), safe
