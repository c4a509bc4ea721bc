"""Quiz quality (module-standard.md, "Quiz"), checked on every bank in data/quizzes/.

What a bank must have (the schema and ``recovery-science validate`` check the types and fields;
these tests check the teaching rules):

- a module bank (numbered 01 and up) has at least 12 questions; Module 00, the orientation, is
  exempt from the count;
- every objective is checked by at least two questions;
- at least a third of the questions are at the apply or analyse level, and a module bank (01 and
  up) has at least two analyse questions. The labels themselves cannot be checked by a machine:
  count them honestly (recall = retrieve a stated fact; understand = explain or paraphrase;
  apply = use a rule, criterion or formula on a new case without being told which; analyse =
  interpret data or a multi-factor case, separate relevant from irrelevant, or find the flaw in a
  claim; a prompt that hands over the formula is apply);
- option texts are plain text: no HTML or markup (``<del``, ``rs-avoid``, any ``<``, backticks,
  MyST roles such as ``{avoid}``), which would render badly or cue the answer (review finding 12);
- every option, true/false answer and numeric band has feedback that says why, not a bare
  verdict; every question has an explanation and a source;
- the key is not systematically the longest option: fewer than half of the single-choice
  questions may have the correct option as the strictly longest by more than 20%;
- the bank's objectives are, word for word, the "Learning objectives" of the notebook that shows
  the bank (links, emphasis, code marks and line breaks aside).

Each check is a function returning a list of problems; the tests at the end run each one on a
broken copy of a real bank, so a check that cannot fail would be caught.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from recovery_science.paths import quiz_dir
from recovery_science.quiz import load_bank

ROOT = Path(__file__).resolve().parent.parent
BANK_IDS = sorted(p.stem for p in quiz_dir().glob("*.yaml"))

MIN_MODULE_QUESTIONS = 12
MIN_PER_OBJECTIVE = 2
MIN_ANALYSE = 2
LONGEST_MARGIN = 1.2  # the key counts as "the longest" when it is over 20% longer than every other option
MARKUP = [
    (re.compile(r"<del", re.I), "<del"),
    (re.compile(r"rs-avoid"), "rs-avoid"),
    (re.compile(r"<"), "'<' (HTML)"),
    (re.compile(r"`"), "a backtick"),
    (re.compile(r"\{[A-Za-z][\w:-]*\}"), "a MyST role such as {avoid}"),
    (re.compile(r"~~"), "strikethrough"),
]
# leading words that only repeat the verdict; what follows them must say why
VERDICT = re.compile(
    r"^(?:(?:correct|right|yes|no|not quite|not so|not this one|too (?:low|high)|look again)\b[.:,!;]?\s*)+",
    re.I,
)
MIN_WHY_WORDS = 4


def bank_data(bank_id: str) -> dict:
    """The validated bank as plain data (the checks below work on copies of it)."""
    return load_bank(bank_id).model_dump(mode="json")


def module_number(bank: dict) -> int:
    match = re.match(r"(\d+)-", bank["id"])
    return int(match.group(1)) if match else 0


# ----------------------------------------------------------------------------------- the checks


def size_problems(bank: dict) -> list[str]:
    n = len(bank["questions"])
    if module_number(bank) >= 1 and n < MIN_MODULE_QUESTIONS:
        return [f"{bank['id']}: {n} questions; a module bank needs at least {MIN_MODULE_QUESTIONS}"]
    return []


def objective_problems(bank: dict) -> list[str]:
    counts = {o["id"]: 0 for o in bank["objectives"]}
    for q in bank["questions"]:
        counts[q["objective"]] = counts.get(q["objective"], 0) + 1
    return [f"{bank['id']}: objective {oid} is checked by {n} question(s); at least {MIN_PER_OBJECTIVE} needed"
            for oid, n in counts.items() if n < MIN_PER_OBJECTIVE]


def level_problems(bank: dict) -> list[str]:
    levels = [q["level"] for q in bank["questions"]]
    higher = sum(level in ("apply", "analyse") for level in levels)
    analyse = levels.count("analyse")
    problems = []
    if 3 * higher < len(levels):
        problems.append(f"{bank['id']}: {higher} of {len(levels)} questions at apply or analyse; "
                        "at least a third needed")
    if module_number(bank) >= 1 and analyse < MIN_ANALYSE:
        problems.append(f"{bank['id']}: {analyse} analyse question(s); a module bank needs at least {MIN_ANALYSE}")
    return problems


def markup_problems(bank: dict) -> list[str]:
    problems = []
    for q in bank["questions"]:
        for o in q.get("options") or []:
            for pattern, what in MARKUP:
                if pattern.search(o["text"]):
                    problems.append(f"{bank['id']}: question '{q['id']}', option {o['id']}: {what} in {o['text']!r}; "
                                    "write option texts as plain text (quote a term to avoid in quotation marks)")
    return problems


def _says_why(text: str | None) -> bool:
    rest = VERDICT.sub("", (text or "").strip())
    return len(re.findall(r"[\w.,/-]+", rest)) >= MIN_WHY_WORDS


def feedback_problems(bank: dict) -> list[str]:
    problems = []
    for q in bank["questions"]:
        where = f"{bank['id']}: question '{q['id']}'"
        if q["type"] in ("single", "multiple"):
            texts = {f"option {o['id']}": o.get("feedback") for o in q["options"]}
        else:
            texts = {f"feedback {k}": v for k, v in (q.get("feedback") or {}).items()}
            expected = {"truefalse": {"if_true", "if_false"}, "numeric": {"low", "correct", "high"}}[q["type"]]
            missing = expected - set(q.get("feedback") or {})
            problems += [f"{where}: no feedback {k}" for k in sorted(missing)]
        problems += [f"{where}: {k} does not say why ({v!r})" for k, v in texts.items() if not _says_why(v)]
        for field in ("explanation", "source"):
            if not (q.get(field) or "").strip():
                problems.append(f"{where}: no {field}")
    return problems


def longest_key_share(bank: dict) -> tuple[int, int]:
    """(single-choice questions whose key is the strictly longest option by more than 20%, single-choice questions)."""
    flagged = total = 0
    for q in bank["questions"]:
        if q["type"] != "single":
            continue
        total += 1
        key = next(len(o["text"]) for o in q["options"] if o["correct"])
        others = [len(o["text"]) for o in q["options"] if not o["correct"]]
        if others and key > LONGEST_MARGIN * max(others):
            flagged += 1
    return flagged, total


def length_cue_problems(bank: dict) -> list[str]:
    flagged, total = longest_key_share(bank)
    if total and 2 * flagged >= total:
        return [f"{bank['id']}: in {flagged} of {total} single-choice questions the key is the longest option by over "
                "20%; students learn to pick the longest answer. Make distractors as full as the key "
                "(fewer than half allowed)"]
    return []


def _plain_markdown(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: keep the words
    text = re.sub(r"[*`]|(?<!\w)_+|_+(?!\w)", "", text)  # emphasis and code marks (not the _ inside a name)
    return re.sub(r"\s+", " ", text).strip()


def notebook_objectives(notebook: Path) -> dict[str, str]:
    """{objective id: plain text} from the notebook's "## Learning objectives" cell."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.lstrip().startswith("## Learning objectives"):
            items = re.split(r"\n\s*[-*] ", "\n" + source)[1:]
            found = {}
            for item in items:
                match = re.match(r"\s*\*\*(LO\d+)\*\*\s*(.*)", item, re.S)
                if match:
                    found[match.group(1)] = _plain_markdown(match.group(2))
            return found
    return {}


def notebook_of(bank_id: str) -> Path | None:
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        if any(cell["cell_type"] == "code" and f'show_quiz("{bank_id}")' in "".join(cell["source"]) for cell in cells):
            return nb
    return None


def objective_text_problems(bank: dict, notebook_objs: dict[str, str]) -> list[str]:
    bank_objs = {o["id"]: _plain_markdown(o["text"]) for o in bank["objectives"]}
    problems = []
    if list(bank_objs) != list(notebook_objs):
        problems.append(f"{bank['id']}: objective ids {list(bank_objs)} in the bank, "
                        f"{list(notebook_objs)} in the notebook")
    for oid, text in bank_objs.items():
        if oid in notebook_objs and notebook_objs[oid] != text:
            problems.append(f"{bank['id']}: {oid} differs:\n  bank:     {text}\n  notebook: {notebook_objs[oid]}")
    return problems


CHECKS = [size_problems, objective_problems, level_problems, markup_problems, feedback_problems, length_cue_problems]


# ----------------------------------------------------------------------------------- the tests


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_bank_quality(bank_id, check):
    problems = check(bank_data(bank_id))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_objectives_are_the_notebooks(bank_id):
    """Fails while a notebook still carries old objectives (the bank and the notebook must say the same)."""
    nb = notebook_of(bank_id)
    assert nb is not None, f"no notebook shows the quiz {bank_id}"
    objs = notebook_objectives(nb)
    assert objs, f"{nb.name}: no '## Learning objectives' cell with '- **LO1** ...' items"
    problems = objective_text_problems(bank_data(bank_id), objs)
    assert not problems, f"{nb.name}:\n" + "\n".join(problems)


# ------------------------------------------------ each check fails on a broken copy of a real bank


def _module_bank() -> dict:
    module_banks = [b for b in BANK_IDS if re.match(r"0*[1-9]\d*-", b)]
    assert module_banks, "no module bank numbered 01 or higher"
    return bank_data(module_banks[0])


def _first(bank: dict, qtype: str) -> dict:
    return next(q for q in bank["questions"] if q["type"] == qtype)


def test_size_check_fails_on_a_small_module_bank_and_spares_module_00():
    bank = _module_bank()
    bank["questions"] = bank["questions"][:MIN_MODULE_QUESTIONS - 1]
    assert size_problems(bank)
    bank["id"] = "00-orientation"
    assert not size_problems(bank)


def test_objective_check_fails_on_an_objective_checked_once():
    bank = _module_bank()
    oid = bank["objectives"][0]["id"]
    on_it = [q for q in bank["questions"] if q["objective"] == oid]
    bank["questions"] = [q for q in bank["questions"] if q["objective"] != oid] + on_it[:1]
    assert any(oid in p for p in objective_problems(bank))


def test_level_check_fails_on_too_few_higher_or_analyse_items():
    bank = _module_bank()
    for q in bank["questions"]:
        if q["level"] == "analyse":
            q["level"] = "apply"
    assert any("analyse question" in p for p in level_problems(bank))
    for q in bank["questions"]:
        q["level"] = "understand"
    assert any("at least a third" in p for p in level_problems(bank))


@pytest.mark.parametrize("text", ['The test was <del class="rs-avoid">x</del>', "a {avoid}`term`", "a `code` word",
                                  "a <b>bold</b> word", "~~struck~~ out"])
def test_markup_check_fails_on_markup_in_an_option(text):
    bank = _module_bank()
    _first(bank, "single")["options"][1]["text"] = text
    assert markup_problems(bank)


def test_feedback_check_fails_on_a_bare_verdict_a_missing_band_or_no_source():
    bank = _module_bank()
    _first(bank, "single")["options"][0]["feedback"] = "Correct."
    assert any("does not say why" in p for p in feedback_problems(bank))
    bank = _module_bank()
    del _first(bank, "numeric")["feedback"]["high"]
    assert any("no feedback high" in p for p in feedback_problems(bank))
    bank = _module_bank()
    _first(bank, "truefalse")["source"] = " "
    assert any("no source" in p for p in feedback_problems(bank))
    assert _says_why("No. Tolerance is not permanent.") and not _says_why("Not quite.")


def test_length_check_fails_when_the_key_is_usually_the_longest():
    bank = _module_bank()
    for q in bank["questions"]:
        if q["type"] == "single":
            key = next(o for o in q["options"] if o["correct"])
            key["text"] = key["text"] + " " + "because of the evidence summarised in this module" * 3
    flagged, total = longest_key_share(bank)
    assert flagged == total and length_cue_problems(bank)


def test_objective_text_check_fails_on_different_wording():
    bank = _module_bank()
    objs = {o["id"]: o["text"] for o in bank["objectives"]}
    assert not objective_text_problems(bank, objs)
    changed = copy.deepcopy(objs)
    first = next(iter(changed))
    changed[first] = changed[first] + " and more"
    assert objective_text_problems(bank, changed)
    assert objective_text_problems(bank, dict(list(objs.items())[:-1]))


def test_notebook_objectives_are_read_as_plain_text(tmp_path):
    cell = {"cell_type": "markdown", "metadata": {}, "source": [
        "## Learning objectives\n\nBy the end you will be able to:\n\n",
        "- **LO1** Load a dataset with `load_dataset`, read a\n  value from it.\n",
        "- **LO2** Explain how [mu-opioid receptors](../book/glossary.md#term-Mu) act *indirectly*.\n"]}
    nb = tmp_path / "99-x.ipynb"
    nb.write_text(json.dumps({"cells": [cell]}))
    assert notebook_objectives(nb) == {"LO1": "Load a dataset with load_dataset, read a value from it.",
                                       "LO2": "Explain how mu-opioid receptors act indirectly."}
