"""Speed and weight figures for the course (``make benchmark``). Prints; asserts nothing.

- clean build: a full Jupyter Book build into a fresh folder (as CI does);
- no-change rebuild: the same command again with nothing changed;
- each notebook's execution time in a fresh kernel (includes kernel start-up);
- strict nbval over every notebook;
- for each built page: bytes of its HTML, plus the course's own JS/CSS it loads
  (quiz.js, quiz.css, emax.js), plus vendored MathJax where a page loads it; theme assets apart.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OWN_ASSETS = ("quiz.js", "quiz.css", "emax.js")


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def main() -> None:
    out = Path(tempfile.mkdtemp(prefix="rs-bench-"))
    build = [str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
    print(f"clean build:            {timed(build + ['--all']):6.1f} s")
    print(f"no-change rebuild:      {timed(build):6.1f} s")

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

    html_dir = out / "_build" / "html"
    static = html_dir / "_static"
    own = sum((static / name).stat().st_size for name in OWN_ASSETS)
    mathjax = (static / "vendor" / "mathjax" / "tex-chtml.js").stat().st_size
    print(f"\ncourse assets: {', '.join(OWN_ASSETS)} = {own / 1024:.1f} KiB; vendored MathJax {mathjax / 1024:.0f} KiB (math pages only)")
    print(f"{'page':55s} {'HTML KiB':>9s} {'+own JS/CSS':>12s} {'+MathJax':>9s}")
    for page in sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts):
        text = page.read_text(encoding="utf-8")
        size = len(text.encode())
        loads_own = sum((static / n).stat().st_size for n in OWN_ASSETS if re.search(rf"_static/{re.escape(n)}", text))
        loads_mj = mathjax if "vendor/mathjax/tex-chtml.js" in text else 0
        rel = str(page.relative_to(html_dir))
        print(f"{rel:55s} {size / 1024:9.1f} {(size + loads_own) / 1024:12.1f} {(size + loads_own + loads_mj) / 1024:9.1f}")


if __name__ == "__main__":
    main()
