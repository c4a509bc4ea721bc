"""A pytest plugin (loaded with ``-p recovery_science.tools.nbval_hint`` from pyproject's addopts,
so it also acts on ``pytest notebooks`` alone): when a strict-nbval cell fails and
notebooks/manifest.json shows its notebook is stale, add which input changed and that
`make book` re-executes it, to the failure and to the summary."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest


class StaleNotebookHint:
    def __init__(self, root: Path):
        self.root = root
        self.hints: dict[str, str] = {}

    @functools.lru_cache(maxsize=None)  # noqa: B019 (one instance per session)
    def _hint(self, notebook: str) -> str | None:
        from .freshness import stale_message

        return stale_message(self.root, Path(notebook))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        path = str(getattr(item, "path", item.fspath))
        if report.when != "call" or not report.failed or not path.endswith(".ipynb"):
            return
        hint = self._hint(path)
        if hint:
            report.longrepr = f"{report.longrepr}\n\n{hint}"
            self.hints[path] = hint

    def pytest_terminal_summary(self, terminalreporter):
        if self.hints:
            terminalreporter.section("stale notebook outputs")
            for hint in self.hints.values():
                terminalreporter.line(hint)


def pytest_configure(config):
    if not config.pluginmanager.has_plugin("recovery-science-stale-notebooks"):
        config.pluginmanager.register(StaleNotebookHint(Path(config.rootpath)), "recovery-science-stale-notebooks")
