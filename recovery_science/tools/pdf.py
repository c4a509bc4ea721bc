"""The whole course as one PDF (``make pdf``): every page of the built book, in the order of
``_toc.yml``, printed by headless Chromium with the book's own print styles (quiz questions
without answers or buttons, the help notice kept), then joined into one file with pypdf.

    python -m recovery_science.tools.pdf [--html _build/html] [--out _build/recovery-science.pdf]

Chromium is Debian's (``/usr/bin/chromium``, or ``$CHROMIUM``), driven by Playwright, the same
browser the tests use; nothing is fetched from the internet.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import os
import shutil
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import yaml

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def toc_pages(toc: Path) -> list[str]:
    """The book's pages in reading order, as paths of their HTML files (``book/intro.html``, ...)."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    files = [data["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in data.get("parts", []):
        walk(part.get("chapters"))
    walk(data.get("chapters"))
    return [f"{f}.html" for f in files]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(html_dir: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("pdf: no Chromium found (apt-get install chromium, or set CHROMIUM)")


def print_pages(html_dir: Path, pages: list[str], browser=None) -> list[bytes]:
    """Each page printed to PDF bytes, with print media and the book's scripts run first.
    ``browser``: a Playwright Chromium already running (the tests'); else one is started."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            own = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
            try:
                return print_pages(html_dir, pages, own)
            finally:
                own.close()
    out = []
    with serve(html_dir) as base:
        page = browser.new_page()
        try:
            for rel in pages:
                page.goto(f"{base}/{rel}", wait_until="networkidle")
                page.emulate_media(media="print")
                out.append(page.pdf(format="A4", print_background=True, outline=True,
                                    margin={"top": "15mm", "bottom": "15mm", "left": "14mm", "right": "14mm"}))
        finally:
            page.close()
    return out


def join(parts: list[bytes], titles: list[str]) -> bytes:
    """One PDF from the pages' PDFs, with a bookmark for each page."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf, title in zip(parts, titles, strict=True):
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
        writer.add_outline_item(title, start)
    writer.add_metadata({"/Title": "Recovery Science"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def build(html_dir: Path, out: Path, pages: list[str], browser=None) -> tuple[int, int]:
    """Write the PDF of ``pages`` (paths of built HTML files, in order); returns (pages printed,
    PDF pages). Writes a temporary file, then renames it, so a failure leaves no broken PDF."""
    missing = [p for p in pages if not (html_dir / p).is_file()]
    if missing:
        raise SystemExit(f"pdf: not in {html_dir}: {', '.join(missing)} (run `make book` first)")
    data = join(print_pages(html_dir, pages, browser), [p.removesuffix(".html") for p in pages])
    tmp = out.with_suffix(".pdf.tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    from pypdf import PdfReader

    return len(pages), len(PdfReader(io.BytesIO(data)).pages)


def main(argv: list[str] | None = None) -> int:
    root = Path.cwd()
    parser = argparse.ArgumentParser(prog="python -m recovery_science.tools.pdf", description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, default=root / "_build" / "html", help="the built book")
    parser.add_argument("--out", type=Path, default=root / "_build" / "recovery-science.pdf")
    parser.add_argument("--toc", type=Path, default=root / "_toc.yml")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    printed, n = build(args.html, args.out, toc_pages(args.toc))
    size = args.out.stat().st_size
    print(f"pdf: wrote {args.out} ({printed} book pages, {n} PDF pages, {size / 1024:.0f} KiB) "
          f"in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
