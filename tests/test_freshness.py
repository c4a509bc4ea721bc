"""`make book` re-executes exactly the stale notebooks (recovery_science/tools/freshness.py).

The first tests check the real notebooks against notebooks/manifest.json (fast: hashes only).
The others work on temporary copies of the repository, never on the real notebooks.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from recovery_science.tools import freshness
from recovery_science.tools.execute import WIDGET_VIEW

ROOT = Path(__file__).resolve().parents[1]
NB0 = "notebooks/00-how-this-course-works.ipynb"
NB1 = "notebooks/01-biology-of-opioid-dependence.ipynb"


# --- the real notebooks ------------------------------------------------------------------------

def test_stored_outputs_are_fresh():
    stale = {name: reasons for name, reasons in freshness.check(ROOT).items() if reasons}
    assert not stale, "\n".join(freshness.message(n, r) for n, r in stale.items())


@pytest.mark.parametrize("name", freshness.notebooks(ROOT))
def test_declared_inputs_cover_the_quiz_and_dataset_calls(name):
    nb = nbformat.read(ROOT / name, as_version=4)
    assert freshness.undeclared_calls(nb, name, ROOT) == []


@pytest.mark.parametrize("name", freshness.notebooks(ROOT))
def test_stored_notebooks_carry_no_widget_views(name):
    nb = nbformat.read(ROOT / name, as_version=4)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert WIDGET_VIEW not in out.get("data", {}), f"{name}: a stored widget view (run `make book`)"


# --- temporary copies --------------------------------------------------------------------------

def _copy_repo(dest: Path) -> Path:
    shutil.copytree(ROOT / "recovery_science", dest / "recovery_science",
                    ignore=shutil.ignore_patterns("__pycache__", "_course"))
    shutil.copytree(ROOT / "data", dest / "data")
    (dest / "book").mkdir()
    shutil.copy2(ROOT / "book" / "references.bib", dest / "book" / "references.bib")
    shutil.copy2(ROOT / "requirements.lock", dest / "requirements.lock")
    (dest / "notebooks").mkdir()
    for name in freshness.notebooks(ROOT):
        shutil.copy2(ROOT / name, dest / name)
    return dest


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the repository whose manifest matches its notebooks as they are stored."""
    root = _copy_repo(tmp_path / "repo")
    freshness.write_manifest(root, {n: freshness.fingerprint(root, n) for n in freshness.notebooks(root)})
    return root


def _stale(root: Path) -> dict[str, list[str]]:
    return {n: r for n, r in freshness.check(root).items() if r}


def _edit_notebook(path: Path, change) -> None:
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


def test_a_fresh_copy_has_nothing_stale(repo):
    assert _stale(repo) == {}


def test_a_bank_edit_makes_only_its_notebook_stale(repo):
    bank = repo / "data" / "quizzes" / "01-biology.yaml"
    bank.write_text(bank.read_text(encoding="utf-8") + "\n# an instructor's edit\n", encoding="utf-8")
    stale = _stale(repo)
    assert stale == {NB1: ["data/quizzes/01-biology.yaml changed"]}
    text = freshness.message(NB1, stale[NB1])
    assert "data/quizzes/01-biology.yaml changed" in text and "make book" in text
    assert freshness.stale_message(repo, repo / NB1) == text
    assert freshness.stale_message(repo, repo / NB0) is None


def test_a_shared_input_makes_every_reader_stale(repo):
    bib = repo / "book" / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n% an edit\n", encoding="utf-8")
    readers = {
        name
        for name in freshness.notebooks(repo)
        if "book/references.bib" in freshness.declared_inputs(nbformat.read(repo / name, as_version=4), name, repo)
    }
    assert {NB0, NB1} <= readers  # every module cites the bibliography
    assert _stale(repo) == {name: ["book/references.bib changed"] for name in readers}


def _plot_outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if {"image/png", "image/svg+xml"} & set(o.get("data", {}))]


def test_a_replaced_stored_figure_is_stale(repo):
    def replace_figure(nb):
        out = _plot_outputs(nb)[0]
        if "image/svg+xml" in out["data"]:  # the course's figures (recovery_science.figures)
            svg = out["data"]["image/svg+xml"]
            out["data"]["image/svg+xml"] = svg.replace("#", "#0", 1)  # one colour of the figure
            return
        png = bytearray(base64.b64decode(out["data"]["image/png"]))
        png[-20] ^= 0xFF  # one byte of the stored figure
        out["data"]["image/png"] = base64.b64encode(bytes(png)).decode()

    _edit_notebook(repo / NB1, replace_figure)
    reasons = _stale(repo)[NB1]
    assert reasons == ["its stored outputs are not the ones its last run recorded (edited or replaced?)"]


def test_plot_code_changed_without_a_rerun_is_stale(repo):
    def change_plot(nb):
        cell = next(c for c in nb.cells if c.cell_type == "code" and "figsize=(9, 4.8)" in c.source)
        cell.source = cell.source.replace("figsize=(9, 4.8)", "figsize=(9, 5)")

    _edit_notebook(repo / NB1, change_plot)
    assert _stale(repo) == {NB1: ["its code cells changed"]}


def test_a_markdown_edit_needs_no_rerun(repo):
    def edit_text(nb):
        cell = next(c for c in nb.cells if c.cell_type == "markdown")
        cell.source += "\n\nOne more sentence."

    _edit_notebook(repo / NB0, edit_text)
    assert _stale(repo) == {}


def test_package_and_lock_changes_make_every_notebook_stale(repo):
    (repo / "recovery_science" / "receptor.py").write_text(
        (repo / "recovery_science" / "receptor.py").read_text(encoding="utf-8") + "\n# edit\n", encoding="utf-8")
    stale = _stale(repo)
    assert set(stale) == set(freshness.notebooks(repo))
    assert all(r == ["the course package (recovery_science/**/*.py) changed"] for r in stale.values())
    (repo / "requirements.lock").write_text("pandas==0.0\n", encoding="utf-8")
    assert "requirements.lock changed" in _stale(repo)[NB0]


def test_package_hash_is_by_content_and_path(tmp_path):
    a = _copy_repo(tmp_path / "a")
    b = tmp_path / "b"
    shutil.copytree(a / "recovery_science", b / "recovery_science")  # another place, new mtimes
    assert freshness.package_hash(a) == freshness.package_hash(b)
    (b / "recovery_science" / "receptor.py").rename(b / "recovery_science" / "receptor2.py")
    assert freshness.package_hash(a) != freshness.package_hash(b)


def test_a_new_or_removed_notebook_is_reported(repo):
    shutil.copy2(repo / NB0, repo / "notebooks" / "02-new.ipynb")
    (repo / NB1).unlink()
    stale = _stale(repo)
    assert stale["notebooks/02-new.ipynb"] == ["it has no entry in notebooks/manifest.json (a new notebook?)"]
    assert stale[NB1] == ["it is listed in notebooks/manifest.json but no longer exists"]


def test_declared_inputs_are_checked(repo):
    nb = nbformat.read(repo / NB0, as_version=4)
    for inputs, words in [
        (None, "metadata.recovery_science.inputs is missing"),
        ("data/x.csv", "must be a list"),
        (["/etc/passwd"], "must be a path from the repository root"),
        (["../secret.txt"], "must be a path from the repository root"),
        (["data/no-such.csv"], "'data/no-such.csv' in metadata.recovery_science.inputs does not exist"),
    ]:
        nb.metadata["recovery_science"] = {} if inputs is None else {"inputs": inputs}
        with pytest.raises(freshness.FreshnessError) as err:
            freshness.declared_inputs(nb, NB0, repo)
        assert str(err.value).startswith(NB0 + ": ") and words in str(err.value)
        assert "\n" not in str(err.value)


def test_an_undeclared_quiz_or_dataset_call_is_found(repo):
    nb = nbformat.read(repo / NB1, as_version=4)
    nb.metadata["recovery_science"]["inputs"].remove("data/quizzes/01-biology.yaml")
    nb.metadata["recovery_science"]["inputs"].remove("data/us_opioid_death_counts.csv")
    missing = freshness.undeclared_calls(nb, NB1, repo)
    assert missing == [
        f'{NB1}: load_dataset("us_opioid_death_counts") reads data/us_opioid_death_counts.csv, '
        "which metadata.recovery_science.inputs does not list",
        f'{NB1}: show_quiz("01-biology") reads data/quizzes/01-biology.yaml, '
        "which metadata.recovery_science.inputs does not list",
    ]


def test_the_read_log_ignores_the_package_and_the_virtualenv(tmp_path):
    root = tmp_path
    log = tmp_path / "log"
    log.write_text("\n".join(str(root / p) for p in [
        "recovery_science/quiz/schema.py", ".venv/lib/x.py", "data/__pycache__/x.pyc",
        "data/a.csv", "data/b.csv", "notebooks/matplotlibrc",
    ]) + "\n/usr/lib/python3.11/os.py\n")
    assert freshness.undeclared_reads(log, root, ["data/a.csv"]) == ["data/b.csv", "notebooks/matplotlibrc"]


def test_check_command_exit_code_and_lines(repo, capsys):
    assert freshness.main(["--check", "--root", str(repo)]) == 0
    (repo / "data" / "us_opioid_death_rates.csv").write_bytes(
        (repo / "data" / "us_opioid_death_rates.csv").read_bytes() + b"\n")
    capsys.readouterr()
    assert freshness.main(["--check", "--root", str(repo)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [freshness.message(n, ["data/us_opioid_death_rates.csv changed"]) for n in (NB0, NB1)]


# --- executing: a small repository with two notebooks, run in real kernels ----------------------

def _notebook(code: list[str], inputs: list[str]):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in code])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["recovery_science"] = {"inputs": inputs}
    return nb


def test_refresh_runs_exactly_the_stale_notebooks_and_checks_their_reads(tmp_path):
    root = tmp_path / "mini"
    shutil.copytree(ROOT / "recovery_science", root / "recovery_science",
                    ignore=shutil.ignore_patterns("__pycache__", "_course"))
    (root / "data").mkdir()
    (root / "data" / "a.txt").write_text("alpha\n")
    (root / "data" / "b.txt").write_text("beta\n")
    (root / "data" / "secret.txt").write_text("undeclared\n")
    (root / "notebooks").mkdir()
    a, b = "notebooks/a.ipynb", "notebooks/b.ipynb"
    nbformat.write(_notebook(["open('../data/a.txt').read()"], ["data/a.txt"]), root / a)
    nbformat.write(_notebook([
        "import ipywidgets\nipywidgets.IntSlider(value=3)",
        "print(open('../data/b.txt').read(), end='')",
    ], ["data/b.txt"]), root / b)

    lines = []
    assert freshness.refresh(root, out=lines.append) == [a, b]  # a new clone of a new course
    stored_b = nbformat.read(root / b, as_version=4)
    slider = stored_b.cells[0].outputs[0]["data"]
    assert WIDGET_VIEW not in slider and slider["text/plain"].startswith("IntSlider(value=3")
    assert "widgets" not in stored_b.metadata
    assert stored_b.cells[1].outputs[0]["text"] == "beta\n"
    manifest = json.loads((root / freshness.MANIFEST).read_text())["notebooks"]
    assert set(manifest) == {a, b} and set(manifest[a]["inputs"]) == {"data/a.txt"}

    assert freshness.refresh(root, out=lines.append) == []  # nothing changed: nothing re-runs
    assert lines[-1] == f"notebooks: all 2 up to date ({freshness.MANIFEST})"

    before = (root / b).read_bytes()
    (root / "data" / "b.txt").write_text("beta, edited\n")
    assert freshness.refresh(root, out=lines.append) == [b]  # one input edit re-runs its one reader
    assert f"{b}: re-executing (data/b.txt changed)" in lines
    after = (root / b).read_bytes()
    assert after == before.replace(b"beta\\n", b"beta, edited\\n")  # only that output moved
    assert freshness.check(root) == {a: [], b: []}

    # A read the metadata does not declare stops the run and keeps the stored outputs.
    _edit_notebook(root / a, lambda nb: nb.cells.append(nbformat.v4.new_code_cell("open('../data/secret.txt').read()")))
    kept = (root / a).read_bytes()
    with pytest.raises(freshness.FreshnessError) as err:
        freshness.refresh(root, out=lines.append)
    assert str(err.value) == (
        f"{a} read data/secret.txt but metadata.recovery_science.inputs does not list it; "
        "add it to the notebook's metadata"
    )
    assert (root / a).read_bytes() == kept
    assert freshness.check(root)[a] == ["its code cells changed"]


def test_a_failing_nbval_cell_says_which_input_changed(repo):
    """Strict nbval on a stale copy, on the notebook alone (as `pytest notebooks` runs it): the
    failure and the summary name the input and `make book` (the plugin pyproject's addopts loads)."""
    (repo / "pytest.ini").write_text("[pytest]\n")
    bank = repo / "data" / "quizzes" / "00-how-this-course-works.yaml"
    text = bank.read_text(encoding="utf-8")
    prompt = next(line for line in text.splitlines() if "prompt:" in line)
    bank.write_text(text.replace(prompt, prompt.replace("prompt: \"", "prompt: \"Edited: ", 1), 1), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(repo)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "-p", "recovery_science.tools.nbval_hint", "-rN", NB0],  # -rN: no short summary (CI=true
        # would print it untruncated, a third copy of the hint)
        cwd=repo, env=env, capture_output=True, text=True, timeout=300,
    )
    hint = freshness.message(NB0, ["data/quizzes/00-how-this-course-works.yaml changed"])
    assert proc.returncode == 1, proc.stdout[-3000:]
    assert "stale notebook outputs" in proc.stdout
    assert proc.stdout.count(hint) == 2, proc.stdout[-3000:]  # under the failing cell and in the summary


def test_the_hint_plugin_loads_for_every_pytest_run():
    import tomllib

    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["addopts"]
    assert "-p recovery_science.tools.nbval_hint" in addopts
