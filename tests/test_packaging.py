"""A notebook downloaded on its own installs the course package from git; the wheel must carry
the data and the bibliography, and the package must find them when no repository is around."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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
                     "recovery_science/_course/data/quizzes/01-biology.yaml"):
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
    assert int(n_questions) >= 10 and int(n_rows) == 22


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
