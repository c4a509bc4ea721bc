"""CHANGELOG.md follows Keep a Changelog, and the version in pyproject.toml has an entry."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RELEASE = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)\] - (?P<date>\d{4}-\d\d-\d\d)$")
SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def problems(text: str, version: str) -> list[str]:
    """What is wrong with a changelog's text, for the given current version."""
    found = []
    lines = text.splitlines()
    if not lines or lines[0] != "# Changelog":
        found.append("the first line must be '# Changelog'")
    heads = [line for line in lines if line.startswith("## ")]
    versions = []
    for n, head in enumerate(heads):
        if head == "## [Unreleased]":
            if n != 0:
                found.append("'## [Unreleased]' must come first")
            continue
        m = RELEASE.match(head)
        if not m:
            found.append(f"not a release heading ('## [X.Y.Z] - YYYY-MM-DD'): {head!r}")
            continue
        versions.append(tuple(int(x) for x in re.findall(r"\d+", m["version"])[:3]))
    if versions != sorted(versions, reverse=True):
        found.append("releases must be listed newest first")
    for line in lines:
        if line.startswith("### ") and line[4:] not in SECTIONS:
            found.append(f"unknown section {line!r} (Keep a Changelog: {', '.join(sorted(SECTIONS))})")
    if not any(RELEASE.match(h) and RELEASE.match(h)["version"] == version for h in heads):
        found.append(f"no entry for version {version} (pyproject.toml)")
    return found


def test_the_pyproject_version_has_a_changelog_entry():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert problems((ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), version) == []


def test_the_check_catches_a_missing_version_and_a_bad_heading():
    good = "# Changelog\n\n## [Unreleased]\n\n### Added\n\n- x\n\n## [0.2.0] - 2027-01-01\n\n## [0.1.0] - 2026-11-26\n"
    assert problems(good, "0.2.0") == []
    assert problems(good, "0.3.0") == ["no entry for version 0.3.0 (pyproject.toml)"]
    assert problems(good.replace("## [0.2.0] - 2027-01-01", "## 0.2.0"), "0.1.0") == [
        "not a release heading ('## [X.Y.Z] - YYYY-MM-DD'): '## 0.2.0'"]
    assert problems(good.replace("### Added", "### New"), "0.1.0")[0].startswith("unknown section '### New'")
    swapped = good.replace("0.2.0] - 2027", "0.0.9] - 2027")
    assert problems(swapped, "0.1.0") == ["releases must be listed newest first"]
