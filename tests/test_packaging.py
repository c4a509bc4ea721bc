"""A notebook downloaded on its own installs the course package from git; the wheel must carry
the data and the bibliography, and the package must find them when no repository is around."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from recovery_science import paths

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("recovery_science-*.whl"))


def test_wheel_carries_package_data_and_bibliography(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("recovery_science/quiz/static.py", "recovery_science/_course/book/references.bib",
                     "recovery_science/_course/data/us_opioid_death_rates.csv",
                     "recovery_science/_course/data/quizzes/01-biology.yaml",
                     "recovery_science/_course/data/datasets.yaml",
                     "recovery_science/_course/data/quizzes/bank.schema.json"):
        assert expected in names, expected


def test_installed_package_finds_its_packed_course_data(wheel, tmp_path):
    """Unpack the wheel away from the repository and load a bank and a dataset from it."""
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = (
        "import recovery_science, sys;"
        f"assert recovery_science.__file__.startswith({str(tmp_path)!r}), recovery_science.__file__;"
        "from recovery_science.paths import course_root;"
        "from recovery_science.quiz import load_bank;"
        "from recovery_science.data import load_dataset;"
        "print(course_root(), len(load_bank('01-biology').questions), len(load_dataset('us_opioid_death_rates')))"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    root, n_questions, n_rows = proc.stdout.split()
    assert Path(root) == tmp_path / "recovery_science" / "_course"
    rows = len((ROOT / "data" / "us_opioid_death_rates.csv").read_text().splitlines()) - 1
    assert int(n_questions) >= 10 and int(n_rows) == rows


def test_env_variable_must_point_at_a_course(monkeypatch, tmp_path):
    paths.course_root.cache_clear()
    monkeypatch.setenv("RECOVERY_SCIENCE_ROOT", str(tmp_path))
    try:
        with pytest.raises(FileNotFoundError, match="does not hold data"):
            paths.course_root()
    finally:
        monkeypatch.delenv("RECOVERY_SCIENCE_ROOT")
        paths.course_root.cache_clear()


def test_binder_installs_the_lock_and_the_package():
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert "-r ../requirements.lock" in (ROOT / "binder" / "requirements.txt").read_text()
    assert "pip install --no-deps -e ." in (ROOT / "binder" / "postBuild").read_text()


# ----------------------------------------------------------------- dependencies and the lock

def _requirements(path: Path) -> dict[str, Requirement]:
    reqs = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            reqs[canonicalize_name(req.name)] = req
    return reqs


def _lock_pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def test_pyproject_dependencies_appear_in_requirements_txt_with_the_same_range():
    runtime = [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    listed = _requirements(ROOT / "requirements.txt")
    assert runtime
    for req in runtime:
        name = canonicalize_name(req.name)
        assert name in listed, f"pyproject.toml needs {req}, requirements.txt does not list it"
        assert listed[name].specifier == req.specifier, (
            f"{req.name}: pyproject.toml says {req.specifier}, requirements.txt says {listed[name].specifier}")


def test_lock_pins_every_requirement_within_its_range():
    pins = _lock_pins()
    for name, req in _requirements(ROOT / "requirements.txt").items():
        assert name in pins, f"requirements.lock does not pin {name}: run make lock"
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} is outside {req}"


def test_lock_pins_pip_and_pip_tools_and_leaves_out_rfc3987_syntax():
    pins = _lock_pins()
    for tool in ("pip", "pip-tools", "setuptools"):
        assert tool in pins, tool
    assert "rfc3987-syntax" not in pins and "lark" not in pins


def test_make_lock_reproduces_the_lock_header():
    """The lock says how it was made; `make lock` must run that same command."""
    header = (ROOT / "requirements.lock").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for option in ("--strip-extras", "--unsafe-package=lark", "--unsafe-package=rfc3987-syntax",
                   "--no-emit-index-url", "--no-emit-find-links"):
        assert option in header, option
        assert option.replace("=", " ") in makefile, option
    assert "--allow-unsafe" not in header  # it would pin rfc3987-syntax and lark again


# ----------------------------------------------------------------- licences

def test_licence_files_match_the_readme_and_pyproject():
    mit = (ROOT / "LICENSE").read_text()
    assert mit.startswith("MIT License") and "Permission is hereby granted, free of charge" in mit
    cc = (ROOT / "LICENSE-CC-BY-4.0.txt").read_text()
    assert cc.startswith("Creative Commons Attribution 4.0 International")
    for part in ("Section 1 – Definitions.", "Section 3 – License Conditions.", "Section 8 – Interpretation."):
        assert part in cc, part
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT AND CC-BY-4.0"
    assert project["license-files"] == ["LICENSE", "LICENSE-CC-BY-4.0.txt"]
    licence_section = (ROOT / "README.md").read_text().split("## Licence", 1)[1]
    assert "](LICENSE)" in licence_section and "](LICENSE-CC-BY-4.0.txt)" in licence_section


def test_wheel_carries_both_licences(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: MIT AND CC-BY-4.0" in metadata
    for name in ("LICENSE", "LICENSE-CC-BY-4.0.txt"):
        assert any(n.endswith(f".dist-info/licenses/{name}") for n in names), name
