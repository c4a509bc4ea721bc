"""Person-first language check (NIDA "Words Matter"), used by tests/test_language.py.

Flags: addict(s), abuser(s), junkie(s), clean/dirty for test results, drug abuse / substance
abuse, replacement / substitution therapy, victim(s). Not flagged: text inside the explicit
{avoid}`term` markup (a term shown in order to correct it), organisations' and publications'
proper names listed below, and bibliography (.bib) files, which are not scanned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AVOID_MARKUP = re.compile(r"\{avoid\}`[^`]*`")

PROPER_NAMES = [
    "National Institute on Drug Abuse",
    "Substance Abuse and Mental Health Services Administration",
    "Substance Abuse and Mental Health Services",
    "Center for Substance Abuse Treatment",
    "Journal of Substance Abuse Treatment",
    "Drug and Alcohol Abuse",
]

_TEST_WORDS = r"(?:urine\s+|drug\s+|tox(?:icology)?\s+)?(?:tests?|screens?|results?|samples?|urines?|UDS)"
TERMS = {
    "addict": r"\baddicts?\b",
    "abuser": r"\babusers?\b",
    "junkie": r"\bjunkies?\b",
    "clean/dirty test": (
        rf"\b(?:clean|dirty)\s+{_TEST_WORDS}\b"
        r"|\b(?:tests?|tested|testing|screened|came\s+back|comes\s+back|urine\s+was)\s+(?:clean|dirty)\b"
    ),
    "drug/substance abuse": r"\b(?:drug|substance|opioid|heroin)\s+abuse\b",
    "replacement/substitution therapy": r"\b(?:replacement|substitution)\s+(?:therapy|therapies|treatment|treatments)\b",
    "victim": r"\bvictims?\b",
}
_COMPILED = {name: re.compile(rx, re.I) for name, rx in TERMS.items()}


@dataclass(frozen=True)
class Hit:
    term: str
    text: str
    line: int


def strip_allowed(text: str) -> str:
    """Blank out {avoid} markup and proper names, keeping line numbers."""
    keep_lines = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731
    text = AVOID_MARKUP.sub(keep_lines, text)
    for name in PROPER_NAMES:
        text = re.sub(re.escape(name).replace(r"\ ", r"\s+"), keep_lines, text, flags=re.I)
    return text


def find_terms(text: str) -> list[Hit]:
    cleaned = strip_allowed(text)
    hits = []
    for name, rx in _COMPILED.items():
        for m in rx.finditer(cleaned):
            hits.append(Hit(name, m.group(0), cleaned.count("\n", 0, m.start()) + 1))
    return sorted(hits, key=lambda h: h.line)
