"""Speed and weight figures for the course (``make benchmark``). Prints; asserts nothing.

``python benchmarks/run.py [section ...]`` runs some sections only (default: all of them):
build, notebooks, pages, tests; after ``--``, arguments for pytest in the tests section.

- clean build: a full Jupyter Book build into a fresh folder (as CI does);
- no-change rebuild: the same command again with nothing changed;
- each notebook's execution time in a fresh kernel (includes kernel start-up);
- strict nbval over every notebook;
- for each built page: bytes of its HTML, plus the course's own JS/CSS it loads
  (quiz.js, quiz.css, icons.css, emax.js, progress.js), plus vendored MathJax where a page loads it; theme assets apart;
- the whole test suite (as ``make test`` runs it), with each test's time (setup + call +
  teardown, from pytest's JUnit XML) attributed to the module it exercises: a test whose id names a
  module's notebook, bank or page (``00-…``, ``01-…``) counts for that module, everything else is
  course-wide. Session fixtures (the book build, the browser, JupyterLab) count for the first test
  that uses them. The budget is about 60 s of tests per module.
- lighthouse: every built page served gzip-compressed (as a static host serves it) on a free
  loopback port, run through Lighthouse 12 (npm dev dependency, ``npm ci``) with its default mobile
  emulation in Debian's Chromium (``$CHROME_PATH``, default /usr/bin/chromium), three runs a page;
  prints the median performance score, accessibility and best practices, FCP, LCP, TBT and bytes
  transferred, and keeps every JSON report in the printed folder. ``RS_LIGHTHOUSE_RUNS`` sets the
  runs per page, ``RS_LIGHTHOUSE_PAGES`` (comma-separated substrings) picks pages, and
  ``RS_BOOK_HTML`` reuses a built ``_build/html`` instead of building.
- ready: "the quiz and tools are usable within a second of first paint" (issue 13). Each page
  with a quiz or a tool (a "run this cell" notice in its HTML: module pages) served
  gzip-compressed, opened in Debian's Chromium through Playwright as a phone (390x844, touch) with
  Lighthouse's mobile throttling applied (150 ms round trip, 1.6 Mbit/s down, CPU 4x slower), cold
  cache, ``RS_READY_RUNS`` times (default 5); prints the median first contentful paint
  (PerformanceObserver "paint"), DOMContentLoaded, the moment the page's last quiz or tool, jumped
  to as soon as the page is parsed, is interactive (READY_JS: its "run this cell" notice gone, its inputs
  enabled, class rs-ready), and ready minus first paint (negative: usable before the first paint).
  ``RS_BOOK_HTML`` as above; ``RS_READY_PAGES`` picks pages.

Each timed row ends with the 1-minute load average when it was taken (the machine may be shared:
compare figures taken at similar load).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OWN_ASSETS = ("quiz.js", "quiz.css", "icons.css", "emax.js", "progress.js")


def timed(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


MODULE = re.compile(r"(?<![0-9])([0-9]{2})-[a-z]")
MODULE_BUDGET_S = 60.0


MODULE_IDS = {p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")}


def module_of(nodeid: str) -> str:
    """The module a test exercises ("00", "01", ...: a notebook's number) or "course-wide"."""
    for m in MODULE.finditer(nodeid):
        if m.group(1) in MODULE_IDS:
            return f"module {m.group(1)}"
    return "course-wide"


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


SECTIONS = ("build", "notebooks", "pages", "tests", "lighthouse", "ready")


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
    if wanted & {"lighthouse", "ready"}:
        html_dir = out / "_build" / "html"
        reuse = os.environ.get("RS_BOOK_HTML")
        if reuse:
            html_dir = Path(reuse).resolve()
        elif not html_dir.is_dir():
            timed(build + ["--all"])
        if "lighthouse" in wanted:
            lighthouse(html_dir, out / "lighthouse")
        if "ready" in wanted:
            ready(html_dir)


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


# What a static host compresses (GitHub Pages, Netlify, nginx's usual gzip_types); fonts in
# woff/woff2 and PNG images are compressed already and go as they are.
COMPRESSED = (".html", ".js", ".css", ".svg", ".json", ".txt", ".map", ".ico", ".ttf", ".xml")
LIGHTHOUSE_CHROME_FLAGS = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                           "--disable-background-networking --disable-component-update --disable-sync")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder the way a static host does: text assets gzip-compressed when asked."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.is_file() and path.suffix in COMPRESSED):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


def serve_gzip(html_dir: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(GzipHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def lighthouse(html_dir: Path, reports: Path) -> None:
    exe = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not exe.exists():
        print("lighthouse: not installed (run `npm ci`); section skipped")
        return
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    runs = int(os.environ.get("RS_LIGHTHOUSE_RUNS", "3"))
    wanted = [w for w in os.environ.get("RS_LIGHTHOUSE_PAGES", "").split(",") if w]
    pages = sorted(str(p.relative_to(html_dir)) for p in html_dir.rglob("*.html")
                   if "_static" not in p.parts and p.name != "index.html")  # index.html only redirects
    pages = [p for p in pages if not wanted or any(w in p for w in wanted)]
    reports.mkdir(parents=True, exist_ok=True)
    server, base = serve_gzip(html_dir)
    env = {**os.environ, "CHROME_PATH": chrome}
    print(f"\nLighthouse (mobile, gzip, median of {runs}); reports in {reports}")
    print(f"{'page':45s} {'perf':>4s} {'a11y':>4s} {'b-p':>4s} {'FCP s':>6s} {'LCP s':>6s} {'TBT ms':>7s} {'KiB':>7s} "
          f"{'load':>5s}")
    try:
        for rel in pages:
            rows = []
            for i in range(runs):
                out = reports / f"{rel.replace('/', '_')}.{i}.json"
                subprocess.run(
                    [str(exe), f"{base}/{rel}", "--quiet", "--output=json", f"--output-path={out}",
                     "--only-categories=performance,accessibility,best-practices",
                     f"--chrome-flags={LIGHTHOUSE_CHROME_FLAGS}"],
                    cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
                if not out.exists():
                    continue
                lhr = json.loads(out.read_text())
                cats, audits = lhr["categories"], lhr["audits"]
                rows.append((
                    round(100 * (cats["performance"]["score"] or 0)),
                    round(100 * (cats["accessibility"]["score"] or 0)),
                    round(100 * (cats["best-practices"]["score"] or 0)),
                    audits["first-contentful-paint"]["numericValue"] / 1000,
                    audits["largest-contentful-paint"]["numericValue"] / 1000,
                    audits["total-blocking-time"]["numericValue"],
                    audits["total-byte-weight"]["numericValue"] / 1024,
                ))
            if not rows:
                print(f"{rel:45s} (Lighthouse failed)")
                continue
            med = [statistics.median(col) for col in zip(*rows, strict=True)]
            print(f"{rel:45s} {med[0]:4.0f} {med[1]:4.0f} {med[2]:4.0f} {med[3]:6.1f} {med[4]:6.1f} "
                  f"{med[5]:7.0f} {med[6]:7.0f} {os.getloadavg()[0]:5.2f}", flush=True)
    finally:
        server.shutdown()
        server.server_close()


# Installed before any page script (Playwright's add_init_script), the readiness probe records,
# from navigation start: the first contentful paint, DOMContentLoaded, the colour theme set at the
# first animation frame (before the first paint), and how soon a student can use a quiz or tool. As
# soon as the page is parsed (readyState "interactive": the whole page is there, its deferred
# scripts not yet run) it jumps to the page's last quiz or tool, as a student tapping "Check your
# understanding" in the contents would, and records the first moment that one is interactive as
# quiz.js, emax.js and the other tools' scripts leave it: marked rs-ready, no "run this cell" notice
# (.rs-run-notice), no disabled fieldset, slider or select left in it. On a phone the controls of a
# section far down are put in place only when it comes near the screen (quiz.js, whenReady), so
# "every tool on the page" would wait for a scroll that a student makes; the one they jump to is
# what they wait for. Shared with tests/test_first_paint.py, which asserts the outcome, not times.
READY_JS = """(() => {
  const rs = window.__rsTiming = {fcp: null, dcl: null, ready: null, firstFrameTheme: null, widgets: 0, target: null};
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') rs.fcp = e.startTime;
    }).observe({type: 'paint', buffered: true});
  } catch (e) { /* no paint timing: fcp stays null */ }
  requestAnimationFrame(() => {
    rs.firstFrameTheme = document.documentElement ? document.documentElement.dataset.theme || null : null;
  });
  let target = null;
  const usable = () => target && target.classList.contains('rs-ready') &&
    !target.querySelector('.rs-run-notice, fieldset[disabled], input:disabled, select:disabled');
  const observer = new MutationObserver(() => {
    if (rs.ready === null && usable()) {
      rs.ready = performance.now();
      rs.widgets = document.querySelectorAll('.rs-ready').length;
      observer.disconnect();
    }
  });
  document.addEventListener('DOMContentLoaded', () => { rs.dcl = performance.now(); });
  // the page is parsed (readyState "interactive"): before the deferred scripts run, DOMContentLoaded after them
  document.addEventListener('readystatechange', () => {
    if (document.readyState !== 'interactive') return;
    const all = document.querySelectorAll('.rs-quiz, .rs-emax, .rs-cows, .rs-cm');
    target = all[all.length - 1] || null;
    if (!target) return;
    rs.target = target.id || target.className;
    target.scrollIntoView({block: 'start'});
    observer.observe(document, {subtree: true, childList: true, attributes: true,
                                attributeFilter: ['class', 'disabled']});
  });
})();"""

# Lighthouse 12's mobile throttling (constants.throttling.mobileSlow4G, as DevTools applies it)
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PHONE_NETWORK = {"offline": False, "latency": 150 * 3.75, "downloadThroughput": 1.6 * 1024 * 1024 * 0.9 / 8,
                 "uploadThroughput": 750 * 1024 * 0.9 / 8}
PHONE_CPU_SLOWDOWN = 4


def ready(html_dir: Path) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("ready: Playwright is not installed; section skipped")
        return
    chrome = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    runs = int(os.environ.get("RS_READY_RUNS", "5"))
    wanted = [w for w in os.environ.get("RS_READY_PAGES", "").split(",") if w]
    pages = sorted(str(p.relative_to(html_dir)) for p in html_dir.rglob("*.html")
                   if "_static" not in p.parts and "rs-run-notice" in p.read_text(encoding="utf-8"))
    pages = [p for p in pages if not wanted or any(w in p for w in wanted)]
    server, base = serve_gzip(html_dir)
    print(f"\nQuiz and tools ready (phone, Lighthouse's mobile throttling applied, gzip, cold cache, "
          f"median of {runs}); ms from navigation start")
    print(f"{'page':45s} {'FCP':>6s} {'DCL':>6s} {'ready':>6s} {'ready-FCP':>9s} {'widgets':>7s} {'load':>5s}")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chrome, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                               "--disable-background-networking", "--disable-component-update",
                                               "--disable-sync"])
            for rel in pages:
                rows = []
                for _ in range(runs):
                    context = browser.new_context(**PHONE)
                    try:
                        context.add_init_script(READY_JS)
                        page = context.new_page()
                        cdp = context.new_cdp_session(page)
                        cdp.send("Network.enable")
                        cdp.send("Network.emulateNetworkConditions", PHONE_NETWORK)
                        cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE_CPU_SLOWDOWN})
                        page.goto(f"{base}/{rel}", wait_until="load", timeout=120_000)
                        page.wait_for_function("() => window.__rsTiming.ready !== null"
                                               " && window.__rsTiming.fcp !== null",
                                               timeout=60_000)
                        t = page.evaluate("() => window.__rsTiming")
                        rows.append((t["fcp"], t["dcl"], t["ready"], t["ready"] - t["fcp"], t["widgets"]))
                    except Exception as exc:  # a page that never becomes ready: say so, go on
                        print(f"{rel:45s} run failed: {str(exc).splitlines()[0][:80]}")
                    finally:
                        context.close()
                if not rows:
                    continue
                med = [statistics.median(col) for col in zip(*rows, strict=True)]
                print(f"{rel:45s} {med[0]:6.0f} {med[1]:6.0f} {med[2]:6.0f} {med[3]:9.0f} {med[4]:7.0f} "
                      f"{os.getloadavg()[0]:5.2f}", flush=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main(sys.argv[1:])
