"""Person-first, non-stigmatizing language across the book, the notebooks and the quiz banks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recovery_science.language import find_terms

ROOT = Path(__file__).resolve().parents[1]


def _course_texts() -> list[tuple[str, str]]:
    """(label, text) for every place students read: pages, notebooks (all cells), banks, README."""
    out = []
    for path in sorted((ROOT / "book").rglob("*.md")):
        out.append((str(path.relative_to(ROOT)), path.read_text()))
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        for i, cell in enumerate(nb["cells"]):
            out.append((f"{path.relative_to(ROOT)} cell {i}", "".join(cell["source"])))
    for path in sorted((ROOT / "data").rglob("*")):
        if path.suffix in (".yaml", ".yml", ".md", ".csv"):
            out.append((str(path.relative_to(ROOT)), path.read_text()))
    for name in ("README.md", "_config.yml", "_toc.yml"):
        out.append((name, (ROOT / name).read_text()))
    return out


TEXTS = _course_texts()


def test_texts_were_found():
    labels = " ".join(label for label, _ in TEXTS)
    for expected in ("book/intro.md", "01-biology-of-opioid-dependence.ipynb", "data/quizzes/01-biology.yaml"):
        assert expected in labels


@pytest.mark.parametrize("label, text", TEXTS, ids=[t[0] for t in TEXTS])
def test_no_stigmatizing_terms(label, text):
    hits = find_terms(text)
    assert not hits, f"{label}: " + "; ".join(f"line {h.line}: '{h.text}' ({h.term})" for h in hits)


@pytest.mark.parametrize(
    "sentence",
    [
        "Most addicts relapse.", "an Addict in recovery", "opioid abusers", "a junkie", "the junkies",
        "a clean urine test", "She tested clean.", "a dirty drug screen", "results came back dirty",
        "history of drug abuse", "Substance abuse treatment", "heroin abuse",
        "methadone replacement therapy", "opioid substitution treatment", "overdose victims",
    ],
)
def test_checker_flags(sentence):
    assert find_terms(sentence), sentence


@pytest.mark.parametrize(
    "sentence",
    [
        "National Institute on Drug Abuse (NIDA)", "the Substance Abuse and Mental Health Services Administration",
        "Say {avoid}`addict`, no: say person with OUD.", "{avoid}`clean` / {avoid}`dirty` (test results)",
        "a negative urine test", "the person's home was clean", "replacement of the battery",
        "a person with opioid use disorder", "{avoid}`replacement therapy`",
        "National\nInstitute on Drug Abuse",
    ],
)
def test_checker_allows(sentence):
    assert not find_terms(sentence), sentence
