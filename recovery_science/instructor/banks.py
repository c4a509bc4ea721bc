"""Shared by the exporters and the answer keys: picking banks, sources, numbers, safe writing."""

from __future__ import annotations

import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Sequence

from ..bib import format_reference
from ..paths import quiz_dir
from ..quiz.schema import Bank, BankError, load_bank_file
from ..quiz.static import plain

# Bank fields that hold text a person reads (the rest are ids, keys, numbers and flags).
_TEXT_FIELDS = {"title", "text", "prompt", "explanation", "feedback", "if_true", "if_false", "low", "correct",
                "high", "unit"}

COURSE = "Recovery Science"
LICENCE = "Recovery Science question banks, CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"


class UsageError(Exception):
    """A wrong request (an unknown bank, say): one line, exit status 2."""


def bank_ids() -> list[str]:
    return [p.stem for p in sorted(quiz_dir().glob("*.yaml"))]


def select_banks(names: Sequence[str]) -> list[Bank]:
    """The named banks (every bank if ``names`` is empty), in course order, each validated and
    passed through :func:`for_export`.

    An unknown id raises :class:`UsageError`; a bank with problems raises :class:`BankError`
    listing them all.
    """
    from ..bib import bib_keys

    known = bank_ids()
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(
            f"unknown bank {', '.join(repr(n) for n in unknown)} (banks: {', '.join(known) or 'none'})"
        )
    if not known:
        raise UsageError(f"no question banks (*.yaml) in {quiz_dir()}")
    chosen = [n for n in known if n in set(names)] if names else known
    keys = bib_keys()
    banks, problems = [], []
    for name in chosen:
        try:
            banks.append(load_bank_file(quiz_dir() / f"{name}.yaml", keys))
        except BankError as exc:
            problems += exc.problems
    if problems:
        raise BankError(problems)
    return [for_export(b) for b in banks]


def _plain_fields(data):
    if isinstance(data, dict):
        return {k: plain(v) if k in _TEXT_FIELDS and isinstance(v, str) else _plain_fields(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain_fields(v) for v in data]
    return data


def for_export(bank: Bank) -> Bank:
    """The bank with the course's only markup, {avoid}`term`, written out as plain text:
    “term” (term to avoid), as the book's plain-text outputs do. Applying it twice changes nothing."""
    return type(bank).model_validate(_plain_fields(bank.model_dump()))


def reference(key: str) -> str:
    """A question's source as a formatted reference (the book's bibliography, unsrt style)."""
    return " ".join(format_reference(key).split())


def number(x: float) -> str:
    """A bank number as plain decimal text: no exponent, no float noise (21.4, 0.05, 4.0)."""
    return format(Decimal(repr(float(x))), "f")


def bounds(answer: float, tolerance: float) -> tuple[str, str]:
    """The inclusive range answer ± tolerance, computed in decimal (21.4 ± 0.05 is 21.35..21.45)."""
    a, t = Decimal(repr(float(answer))), Decimal(repr(float(tolerance)))
    return format(a - t, "f"), format(a + t, "f")


def correct_answer(question) -> str:
    """The keyed answer in words, as a person reads it."""
    if question.type == "single":
        opt = next(o for o in question.options if o.correct)
        return f"{opt.id}) {opt.text}"
    if question.type == "multiple":
        return "; ".join(f"{o.id}) {o.text}" for o in question.options if o.correct)
    if question.type == "truefalse":
        return "True" if question.answer else "False"
    unit = f" {question.unit}" if question.unit else ""
    return f"{number(question.answer)}{unit} (accepted: {' to '.join(bounds(question.answer, question.tolerance))})"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write the whole file or nothing: a temporary file in the same folder, then a rename.

    Raises ``OSError`` with a one-line message naming the path when it cannot be written.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise IsADirectoryError(f"cannot write {path}: it is a folder")
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write {path}: folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OSError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OSError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
