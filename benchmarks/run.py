"""Speed and weight figures for the course (``make benchmark``). Prints; asserts nothing.

``python benchmarks/run.py [section ...]`` runs some sections only (default: all of them):
build, notebooks, pages, tests; after ``--``, arguments for pytest in the tests section.

- clean build: a full Jupyter Book build into a fresh folder (as CI does);
- no-change rebuild: the same command again with nothing changed;
- each notebook's execution time in a fresh kernel (includes kernel start-up);
- strict nbval over every notebook;
- for each built page: bytes of its HTML, plus the course's own JS/CSS it loads
  (quiz.js, quiz.css, emax.js), plus vendored MathJax where a page loads it; theme assets apart;
- the whole test suite (as ``make test`` runs it), with each test's time (setup + call +
  teardown, from pytest's JUnit XML) attributed to the module it exercises: a test whose id names a
  module's notebook, bank or page (``00-…``, ``01-…``) counts for that module, everything else is
  course-wide. Session fixtures (the book build, the browser, JupyterLab) count for the first test
  that uses them. The budget is about 60 s of tests per module.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OWN_ASSETS = ("quiz.js", "quiz.css", "emax.js")


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


MODULE = re.compile(r"(?<![0-9])([0-9]{2})-[a-z]")
MODULE_BUDGET_S = 60.0


def module_of(nodeid: str) -> str:
    """The module a test exercises ("00", "01", ...) or "course-wide"."""
    m = MODULE.search(nodeid)
    return f"module {m.group(1)}" if m else "course-wide"


def test_suite_by_module(out: Path, pytest_args: list[str]) -> None:
    report = out / "junit.xml"
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}",
         "-o", "junit_duration_report=total", *pytest_args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    wall = time.perf_counter() - start
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "(no output)"
    print(f"\ntest suite: {wall:.0f} s wall ({summary})")
    by_module: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    by_file: dict[str, float] = defaultdict(float)
    for case in ET.parse(report).getroot().iter("testcase"):
        seconds = float(case.get("time", 0))
        nodeid = f"{case.get('classname', '')}::{case.get('name', '')}"
        key = module_of(nodeid)
        by_module[key] += seconds
        counts[key] += 1
        by_file[case.get("classname", "")] += seconds
    print(f"{'share':20s} {'tests':>6s} {'seconds':>8s} {'budget':>8s}")
    for key in sorted(by_module, key=lambda k: (k == "course-wide", k)):
        budget = "" if key == "course-wide" else ("ok" if by_module[key] <= MODULE_BUDGET_S else "OVER")
        print(f"{key:20s} {counts[key]:6d} {by_module[key]:8.1f} {budget:>8s}")
    print(f"{'(sum of test times)':20s} {sum(counts.values()):6d} {sum(by_module.values()):8.1f}")
    print("\nslowest test files:")
    for name, seconds in sorted(by_file.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {name:50s} {seconds:7.1f} s")


SECTIONS = ("build", "notebooks", "pages", "tests")


def main(argv: list[str]) -> None:
    pytest_args: list[str] = []
    if "--" in argv:  # e.g. `run.py tests -- tests/test_grading.py`: pytest arguments for "tests"
        cut = argv.index("--")
        argv, pytest_args = argv[:cut], argv[cut + 1:]
    wanted = set(argv) or set(SECTIONS)
    unknown = wanted - set(SECTIONS)
    if unknown:
        raise SystemExit(f"unknown section(s) {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    out = Path(tempfile.mkdtemp(prefix="rs-bench-"))
    build = [str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
    if wanted & {"build", "pages"}:
        print(f"clean build:            {timed(build + ['--all']):6.1f} s")
        print(f"no-change rebuild:      {timed(build):6.1f} s")
    if "notebooks" in wanted:
        bench_notebooks(out)
    if "pages" in wanted:
        page_weights(out)
    if "tests" in wanted:
        test_suite_by_module(out, pytest_args)


def bench_notebooks(out: Path) -> None:

    from recovery_science.tools.execute import execute

    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        copy = out / nb.name
        copy.write_bytes(nb.read_bytes())
        # run the copy next to the original so relative paths behave the same
        target = nb.parent / f".bench-{nb.name}"
        target.write_bytes(nb.read_bytes())
        try:
            seconds = execute(target)
        finally:
            target.unlink(missing_ok=True)
        print(f"notebook {nb.name:45s} {seconds:5.1f} s")
    nbval = timed([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "notebooks"])
    print(f"strict nbval (all):     {nbval:6.1f} s")


def page_weights(out: Path) -> None:
    html_dir = out / "_build" / "html"
    static = html_dir / "_static"
    own = sum((static / name).stat().st_size for name in OWN_ASSETS)
    mathjax = (static / "vendor" / "mathjax" / "tex-chtml.js").stat().st_size
    print(f"\ncourse assets: {', '.join(OWN_ASSETS)} = {own / 1024:.1f} KiB; "
          f"vendored MathJax {mathjax / 1024:.0f} KiB (math pages only)")
    print(f"{'page':55s} {'HTML KiB':>9s} {'+own JS/CSS':>12s} {'+MathJax':>9s}")
    for page in sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts):
        text = page.read_text(encoding="utf-8")
        size = len(text.encode())
        loads_own = sum((static / n).stat().st_size for n in OWN_ASSETS if re.search(rf"_static/{re.escape(n)}", text))
        loads_mj = mathjax if "vendor/mathjax/tex-chtml.js" in text else 0
        rel = str(page.relative_to(html_dir))
        total = size + loads_own + loads_mj
        print(f"{rel:55s} {size / 1024:9.1f} {(size + loads_own) / 1024:12.1f} {total / 1024:9.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
