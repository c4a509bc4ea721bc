"""Display order of options (recovery_science/quiz/order.py): fixed in Python, the same in both
fronts, balanced in every bank, and the bank's version."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from recovery_science.paths import quiz_dir
from recovery_science.quiz import load_bank, quiz_widget
from recovery_science.quiz.order import (
    MAX_SHARE,
    allowed_per_position,
    arrange,
    balanced_salt,
    bank_version,
    display_order,
    is_balanced,
    key_positions,
)
from recovery_science.quiz.schema import parse_bank
from recovery_science.quiz.static import plain, render_html, render_text

BANK_IDS = sorted(p.stem for p in quiz_dir().glob("*.yaml"))


def _raw(n_single: int = 5, **question_extra) -> dict:
    return {
        "id": "order-test", "title": "t", "objectives": [{"id": "LO1", "text": "x"}],
        "questions": [
            {"id": f"q{i}", "type": "single", "level": "apply", "objective": "LO1", "prompt": "p",
             "explanation": "e", "source": "k", **question_extra,
             "options": [{"id": oid, "text": oid.upper(), "feedback": "f", "correct": oid == "a"}
                         for oid in "abcd"]}
            for i in range(n_single)
        ],
    }


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_no_position_holds_more_than_40_percent_of_single_choice_keys(bank_id):
    bank = load_bank(bank_id)
    positions = key_positions(bank)
    counts = Counter(positions)
    salt = balanced_salt(bank)
    assert is_balanced(positions), (
        f"{bank_id}: single-choice keys by display position {dict(sorted(counts.items()))} "
        f"(at most {allowed_per_position(len(positions))} of {len(positions)} may share a position). "
        f"Set 'shuffle_salt: {salt}' at the top of data/quizzes/{bank_id}.yaml (it reshuffles the whole "
        "bank), or 'shuffle: false' on a question whose options have a natural order; never move a key by hand."
    )


def test_keys_over_all_banks_are_balanced():
    positions = [p for bank_id in BANK_IDS for p in key_positions(load_bank(bank_id))]
    assert positions and max(Counter(positions).values()) <= MAX_SHARE * len(positions), Counter(positions)


def test_allowance():
    assert [allowed_per_position(n) for n in (0, 1, 2, 3, 5, 10, 12)] == [1, 1, 1, 1, 2, 4, 4]
    assert is_balanced([0, 1]) and not is_balanced([0, 0]) and not is_balanced([1] * 5 + [0] * 7)


def test_first_position_bias_is_caught_and_a_salt_fixes_it():
    """A bank whose keys are all written first would fail unshuffled; shuffled, a salt balances it."""
    bank = parse_bank(_raw(shuffle=False), "order-test", None)
    assert key_positions(bank) == [0] * 5 and not is_balanced(key_positions(bank))
    shuffled = parse_bank(_raw(), "order-test", None)
    salt = balanced_salt(shuffled)
    assert salt is not None and is_balanced(key_positions(shuffled, salt))
    salted = parse_bank({**_raw(), "shuffle_salt": salt}, "order-test", None)
    assert key_positions(salted) == key_positions(shuffled, salt)


def test_order_is_fixed_idempotent_and_per_question():
    bank = load_bank("00-how-this-course-works")
    q = bank.question("helpline-number")
    assert display_order(bank, q) == display_order(load_bank("00-how-this-course-works"), q)
    assert arrange(arrange(bank)) == arrange(bank)
    # pinned: a change to the ordering function would silently change every stored output
    assert display_order(bank, bank.question("medication-is-treatment")) == ["b", "a", "c"]
    assert display_order(bank, bank.question("accurate-phrases")) == ["e", "a", "b", "f", "c", "d"]
    # another question's edit leaves this question's order alone
    edited = bank.model_copy(update={"questions": [bank.questions[0]] + list(reversed(bank.questions[1:]))})
    assert display_order(edited, edited.question("medication-is-treatment")) == ["b", "a", "c"]


def test_shuffle_false_keeps_the_written_order():
    bank = parse_bank(_raw(shuffle=False), "order-test", None)
    assert all(display_order(bank, q) == ["a", "b", "c", "d"] for q in bank.questions)
    shuffled = parse_bank(_raw(), "order-test", None)
    assert any(display_order(shuffled, q) != ["a", "b", "c", "d"] for q in shuffled.questions)


@pytest.mark.parametrize("bank_id", BANK_IDS)
def test_both_fronts_show_the_python_order(bank_id):
    bank = load_bank(bank_id)
    page = render_html(bank)
    text = render_text(bank)
    widget = quiz_widget(bank)
    for q in bank.questions:
        if not hasattr(q, "options"):
            continue
        order = display_order(bank, q)
        in_html = re.findall(rf'id="rsq-{bank.id}-{q.id}-([^"]+)" name="rsq-{bank.id}-{q.id}"', page)
        assert in_html == order, q.id
        w = widget.question(q.id)
        shown = [v for _label, v in w.answer.options] if q.type == "single" else \
            [next(o.id for o in q.options if plain(o.text) == box.description) for box in w.answer.children]
        assert shown == order, q.id
        block = text.split(plain(q.prompt), 1)[1]
        at = [block.index(f"({oid}) {plain(next(o.text for o in q.options if o.id == oid))}") for oid in order]
        assert at == sorted(at), q.id


def test_bank_version_changes_with_any_edit():
    bank = load_bank("00-how-this-course-works")
    version = bank_version(bank)
    assert re.fullmatch(r"[0-9a-f]{16}", version) and version == bank_version(load_bank("00-how-this-course-works"))
    q = bank.questions[0]
    edited = bank.model_copy(update={"questions": [q.model_copy(update={"prompt": q.prompt + " "})] +
                                     list(bank.questions[1:])})
    assert bank_version(edited) != version
    assert bank_version(bank.model_copy(update={"shuffle_salt": 1})) != version
    assert f'data-rs-version="{version}"' in render_html(bank) and f'"version":"{version}"' in render_html(bank)
