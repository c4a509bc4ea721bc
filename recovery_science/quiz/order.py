"""The order options are shown in, and the bank's version: both computed once, here, in Python.

Both fronts show a bank through :func:`arrange`: every single-choice and multiple-select question
with ``shuffle: true`` (the default) has its options sorted by a SHA-256 of the bank id, the
question id, the bank's ``shuffle_salt`` and the option id. So the order

- is fixed: the same on every run and every machine (stored notebook outputs stay byte-identical,
  and strict nbval can compare them); quiz.js shows the order the HTML carries and never
  reshuffles;
- depends on nothing else: editing one question's text, adding a question or reordering the bank
  leaves every other question's order as it was (a student's stored answer is kept by option id
  anyway);
- is idempotent: arranging an arranged bank changes nothing.

``shuffle: false`` keeps the authored order (options with a natural order: mild, moderate,
severe). True/false and numeric questions have no options to shuffle.

Balance: ``tests/test_quiz_order.py`` checks every bank: no display position may hold more than
40% of the bank's single-choice keys (a bank with fewer than three single-choice questions: no
two keys at one position), nor of all banks' keys together. If a bank fails, raise its
``shuffle_salt`` (0, 1, 2, ...) to the first value :func:`balanced_salt` reports: that reshuffles
every question of the bank at once. Never reorder options in the YAML to place a key by hand.

:func:`bank_version` is the bank's version as the stored answers record it (DEVELOPING.md,
"Stored answers"): the first 16 hex digits of a SHA-256 of the bank's canonical JSON. Any edit to
the bank (a key, a word of a prompt, the salt) gives a new version.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from .schema import Bank

MAX_SHARE = 0.4


def _rank(bank_id: str, qid: str, salt: int, option_id: str) -> str:
    return hashlib.sha256(f"{bank_id}\n{qid}\n{salt}\n{option_id}".encode()).hexdigest()


def display_order(bank: Bank, question, salt: int | None = None) -> list[str]:
    """The option ids of a choice question in the order both fronts show them."""
    ids = [o.id for o in question.options]
    if not getattr(question, "shuffle", False):
        return ids
    salt = bank.shuffle_salt if salt is None else salt
    return sorted(ids, key=lambda oid: _rank(bank.id, question.id, salt, oid))


def arrange(bank: Bank) -> Bank:
    """The bank as shown: choice options in display order (idempotent)."""
    questions = []
    for q in bank.questions:
        if hasattr(q, "options") and getattr(q, "shuffle", False):
            by_id = {o.id: o for o in q.options}
            q = q.model_copy(update={"options": [by_id[oid] for oid in display_order(bank, q)]})
        questions.append(q)
    return bank.model_copy(update={"questions": questions})


def key_positions(bank: Bank, salt: int | None = None) -> list[int]:
    """The display position (0 = first) of the key of every single-choice question."""
    out = []
    for q in bank.questions:
        if q.type == "single":
            order = display_order(bank, q, salt)
            out.append(order.index(next(o.id for o in q.options if o.correct)))
    return out


def allowed_per_position(n_keys: int) -> int:
    """How many single-choice keys one position may hold: 40%, and at least one."""
    return max(1, int(MAX_SHARE * n_keys))


def is_balanced(positions: list[int]) -> bool:
    return not positions or max(Counter(positions).values()) <= allowed_per_position(len(positions))


def balanced_salt(bank: Bank, start: int = 0, tries: int = 1000) -> int | None:
    """The first salt from ``start`` whose order is balanced (None if none in ``tries``)."""
    for salt in range(start, start + tries):
        if is_balanced(key_positions(bank, salt)):
            return salt
    return None


def bank_version(bank: Bank) -> str:
    """The bank's version: 16 hex digits of a SHA-256 of its canonical JSON (authored order)."""
    text = json.dumps(bank.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
