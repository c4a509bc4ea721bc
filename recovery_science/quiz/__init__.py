"""One quiz engine, two fronts.

``show_quiz("01-biology")`` in a notebook displays one object whose mimebundle carries both
fronts: the ipywidgets view (JupyterLab renders it, in a live kernel) and ``text/html`` (the
book renders it; ``book/_static/quiz.js`` makes it interactive with no kernel or server).
"""

from __future__ import annotations

from pathlib import Path

from ..bib import bib_keys
from ..paths import quiz_dir
from .grading import QuizState, Result, grade, parse_number
from .schema import Bank, BankError, check_bank_file, load_bank_file
from .static import render_html, render_text

__all__ = [
    "Bank", "BankError", "QuizDisplay", "QuizState", "Result", "grade", "load_bank",
    "load_all_banks", "parse_number", "quiz_widget", "show_quiz",
]


def load_bank(name_or_path: str | Path, bib: str | Path | None = None) -> Bank:
    """Load and validate a bank by id (``data/quizzes/<id>.yaml``) or by path.

    Raises :class:`BankError` listing every problem (a missing file is one too).
    """
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = quiz_dir() / f"{name_or_path}.yaml"
    if not path.is_file():
        known = ", ".join(p.stem for p in sorted(path.parent.glob("*.yaml"))) if path.parent.is_dir() else ""
        raise BankError(path, "bank", None, "no such question bank" + (f" (banks there: {known})" if known else ""))
    return load_bank_file(path, bib_keys(bib))


def load_all_banks() -> list[Bank]:
    """Every bank in ``data/quizzes/``; one :class:`BankError` lists the problems of all of them."""
    banks, problems = [], []
    keys = bib_keys()
    for path in sorted(quiz_dir().glob("*.yaml")):
        bank, found = check_bank_file(path, keys)
        problems += found
        if bank is not None:
            banks.append(bank)
    if problems:
        raise BankError(problems)
    return banks


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def quiz_widget(bank: Bank | str):
    from .widget import QuizWidget

    return QuizWidget(load_bank(bank) if isinstance(bank, str) else bank)


class QuizDisplay:
    """Display object: text/plain + text/html always, the widget view when a kernel is live."""

    def __init__(self, bank: Bank):
        self.bank = bank
        self.widget = quiz_widget(bank) if _in_kernel() else None

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {"text/plain": render_text(self.bank), "text/html": render_html(self.bank)}
        if self.widget is not None:
            view = self.widget._repr_mimebundle_()
            key = "application/vnd.jupyter.widget-view+json"
            if view and key in view:
                data[key] = view[key]
        return data


def show_quiz(bank: str | Path) -> None:
    """Display a module's quiz (the right front in JupyterLab and in the book)."""
    from IPython.display import display

    display(QuizDisplay(load_bank(bank)))
