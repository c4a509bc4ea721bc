"""A question whose key or meaning changes gets a NEW id.

Students' saved answers are keyed by bank id and question id (stored format 2, DEVELOPING.md) and
are graded again against the bank as it is now. If a published question kept its id while its key
changed, an answer that was right would silently turn wrong (or the reverse), and the instructors'
item analysis would mix two different questions under one id.

``data/quizzes/ids.lock.json`` records, for every question id ever published in every bank, a
fingerprint of its key and its prompt:

- ``single`` / ``multiple``: the correct options, as sorted ``[option id, option text]`` pairs
  (the option id is part of the key because a stored response is an option id);
- ``truefalse``: the answer (true/false);
- ``numeric``: the accepted range ``[answer - tolerance, answer + tolerance]``;
- and the question ``type``.

What the tests enforce:

(a) a question whose id is in the lock has the same key fingerprint (else: give it a new id);
(b) a retired id (in the lock, no longer in its bank) may never come back with a different key;
(c) every current question is in the lock.

The prompt is recorded too, but it is NOT enforced: a prompt may be reworded under the same id
only when its meaning (and so its key) is unchanged, e.g. a clearer phrase or a typo fixed. If
the rewording changes what is asked, give the question a new id even though no test can tell.

To record new questions (it only ADDS ids that are not in the lock yet; it never rewrites or
removes an existing fingerprint, so a changed key still fails until the question gets a new id):

    .venv/bin/python tests/test_question_ids.py --update
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the package importable
    sys.path.insert(0, str(ROOT))

from recovery_science.paths import quiz_dir  # noqa: E402
from recovery_science.quiz import load_bank  # noqa: E402

LOCK = quiz_dir() / "ids.lock.json"
UPDATE = ".venv/bin/python tests/test_question_ids.py --update"
LOCK_COMMENT = (
    "Every question id ever published, per bank: a fingerprint of its key (enforced) and its prompt "
    "(recorded, not enforced). A question whose key or meaning changes gets a NEW id. "
    f"Add new ids with `{UPDATE}` (it never rewrites an existing entry). See tests/test_question_ids.py."
)


def key_of(question) -> dict:
    """The key fingerprint of one question (a plain, JSON-ready dict)."""
    if question.type in ("single", "multiple"):
        correct = sorted([o.id, o.text] for o in question.options if o.correct)
        return {"type": question.type, "correct": correct}
    if question.type == "truefalse":
        return {"type": question.type, "answer": bool(question.answer)}
    if question.type == "numeric":
        low = round(question.answer - question.tolerance, 9)
        high = round(question.answer + question.tolerance, 9)
        return {"type": question.type, "range": [low, high]}
    raise AssertionError(f"no key fingerprint for question type {question.type!r}: add one to key_of()")


def entry_of(question) -> dict:
    return {"key": key_of(question), "prompt": question.prompt}


def bank_ids() -> list[str]:
    return sorted(p.stem for p in quiz_dir().glob("*.yaml"))


def current() -> dict[str, dict[str, dict]]:
    """{bank id: {question id: entry}} for the banks as they are now."""
    return {bid: {q.id: entry_of(q) for q in load_bank(bid).questions} for bid in bank_ids()}


def read_lock(path: Path = LOCK) -> dict[str, dict[str, dict]]:
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["banks"]


def write_lock(banks: dict[str, dict[str, dict]], path: Path = LOCK) -> None:
    data = {"_comment": LOCK_COMMENT, "banks": banks}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def added(lock: dict[str, dict[str, dict]], now: dict[str, dict[str, dict]]) -> dict[str, dict[str, dict]]:
    """The lock with every id of ``now`` that it lacks added; existing entries are never touched."""
    merged = {bid: dict(entries) for bid, entries in lock.items()}
    for bid, entries in now.items():
        for qid, entry in entries.items():
            merged.setdefault(bid, {}).setdefault(qid, entry)
    return merged


# ---------------------------------------------------------------------------------------- checks


def changed_keys(lock, now) -> list[str]:
    """(a) and (b): an id in the lock whose key differs now (current or come back after retiring)."""
    problems = []
    for bid, entries in now.items():
        for qid, entry in entries.items():
            old = lock.get(bid, {}).get(qid)
            if old is not None and old["key"] != entry["key"]:
                problems.append(
                    f"{bid}: question '{qid}': its key changed (was {json.dumps(old['key'], ensure_ascii=False)}, "
                    f"now {json.dumps(entry['key'], ensure_ascii=False)}): give it a new id; students' saved answers "
                    "to the old question are stored under this id"
                )
    return problems


def missing_ids(lock, now) -> list[str]:
    """(c) every current question is in the lock."""
    return [f"{bid}: question '{qid}' is not in {LOCK.name}" for bid, entries in now.items()
            for qid in entries if qid not in lock.get(bid, {})]


def test_lock_exists_and_is_well_formed():
    assert LOCK.is_file(), f"{LOCK} is missing: run `{UPDATE}`"
    lock = read_lock()
    for bid, entries in lock.items():
        for qid, entry in entries.items():
            assert set(entry) == {"key", "prompt"}, (bid, qid, entry)
            assert entry["key"]["type"] in ("single", "multiple", "truefalse", "numeric"), (bid, qid)


def test_a_locked_id_keeps_its_key():
    """(a) and (b): a current question with a locked id (including a retired id that came back)
    has exactly the key it was published with."""
    problems = changed_keys(read_lock(), current())
    assert not problems, "\n".join(problems)


def test_every_current_question_is_in_the_lock():
    """(c)"""
    problems = missing_ids(read_lock(), current())
    assert not problems, "\n".join(problems) + f"\nRecord new questions with `{UPDATE}` (it only adds ids)."


def test_the_lock_never_forgets_an_id():
    """The lock is append-only: every id recorded in the committed lock is still in it, with the
    same key (so a retired id stays retired)."""
    import subprocess

    try:
        committed = subprocess.run(["git", "show", f"HEAD:{LOCK.relative_to(ROOT).as_posix()}"], cwd=ROOT,
                                   capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        import pytest

        pytest.skip("no committed lock to compare with (not a git checkout, or the lock is new)")
    old = json.loads(committed)["banks"]
    now = read_lock()
    lost = [f"{bid}: '{qid}'" for bid, entries in old.items() for qid in entries if qid not in now.get(bid, {})]
    rewritten = [f"{bid}: '{qid}'" for bid, entries in old.items() for qid, e in entries.items()
                 if qid in now.get(bid, {}) and now[bid][qid]["key"] != e["key"]]
    assert not lost, f"ids removed from {LOCK.name}: {lost}; retired ids must stay recorded"
    assert not rewritten, f"locked keys rewritten in {LOCK.name}: {rewritten}; give the question a new id instead"


# -------------------------------------------------------------- the checks themselves can fail


def _q(**kw):
    from types import SimpleNamespace

    return SimpleNamespace(**kw)


def _opt(oid, text, correct=False):
    from types import SimpleNamespace

    return SimpleNamespace(id=oid, text=text, correct=correct)


def test_fingerprints_see_what_changes_a_key():
    single = _q(type="single", prompt="p", options=[_opt("a", "A", True), _opt("b", "B")])
    moved = _q(type="single", prompt="p", options=[_opt("a", "A"), _opt("b", "B", True)])
    retexted = _q(type="single", prompt="p", options=[_opt("a", "A changed", True), _opt("b", "B")])
    reworded = _q(type="single", prompt="another wording", options=[_opt("a", "A", True), _opt("b", "B")])
    assert key_of(single) != key_of(moved)
    assert key_of(single) != key_of(retexted)
    assert key_of(single) == key_of(reworded)  # the prompt is recorded, not enforced
    assert key_of(_q(type="truefalse", answer=True)) != key_of(_q(type="truefalse", answer=False))
    num = _q(type="numeric", answer=4.0, tolerance=0.05)
    assert key_of(num) == {"type": "numeric", "range": [3.95, 4.05]}
    assert key_of(num) != key_of(_q(type="numeric", answer=4.0, tolerance=0.5))


def test_checks_fail_on_a_changed_key_a_returning_id_and_a_missing_id():
    lock = {"b": {"q1": {"key": {"type": "truefalse", "answer": True}, "prompt": "p"},
                  "retired": {"key": {"type": "truefalse", "answer": False}, "prompt": "r"}}}
    same = {"b": {"q1": {"key": {"type": "truefalse", "answer": True}, "prompt": "reworded"}}}
    assert changed_keys(lock, same) == [] and missing_ids(lock, same) == []
    flipped = {"b": {"q1": {"key": {"type": "truefalse", "answer": False}, "prompt": "p"}}}
    assert "give it a new id" in changed_keys(lock, flipped)[0]
    returned = {"b": {"q1": same["b"]["q1"], "retired": {"key": {"type": "truefalse", "answer": True}, "prompt": "r"}}}
    assert len(changed_keys(lock, returned)) == 1
    new = {"b": {"q1": same["b"]["q1"], "q2": {"key": {"type": "truefalse", "answer": True}, "prompt": "n"}}}
    assert missing_ids(lock, new) == ["b: question 'q2' is not in ids.lock.json"]
    # --update only adds: the locked q1 keeps its old key even when the bank's changed
    merged = added(lock, {"b": {**flipped["b"], **new["b"]}})
    assert merged["b"]["q1"] == lock["b"]["q1"] and "q2" in merged["b"] and "retired" in merged["b"]


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        sys.exit(f"usage: {UPDATE}\n(adds the ids of new questions to {LOCK}; never rewrites an entry)")
    lock = read_lock()
    now = current()
    merged = added(lock, now)
    new = sorted(f"{bid}/{qid}" for bid in merged for qid in merged[bid] if qid not in lock.get(bid, {}))
    write_lock(merged)
    print(f"{LOCK}: {len(new)} id(s) added" + ("".join(f"\n  + {n}" for n in new)))
    clash = changed_keys(merged, now)
    if clash:
        print("These questions changed their key under a locked id; give each a new id:\n  " + "\n  ".join(clash))
        sys.exit(1)
