"""Fast on a phone (issue 13), checked without timing: what each built page loads.

Every page is opened once in Chromium at a phone's size; the files it fetched (HTML, scripts,
stylesheets, fonts, images, and what its scripts fetch, such as MathJax's fonts) are summed at
their gzip size, computed from the built files the way a static host compresses them (text
assets gzip-compressed, fonts and PNG images as they are). Speed itself is measured by
``benchmarks/run.py lighthouse``, never here.

- a module page (notebooks/NN-*.html) loads at most MODULE_BUDGET_KIB, every other page at most
  PAGE_BUDGET_KIB. Measured this way after the figures became SVG (recovery_science.figures) and
  each tool's script moved to its own page: Module 1 205 KiB (its two figures 10.2 + 3.1 KiB; 416
  KiB with the PNG figures, 215 KiB of them), Module 2 186, Module 3 201, Module 0 140, the
  instructors' notebook 140, search 159, progress 156, the other book pages 129-148;
- no page loads the theme's fontawesome.js or its icon fonts: every icon is inline SVG
  (recovery_science.sphinxext), each one visible on screen has a size and a drawn path, and every
  control showing an icon has an accessible name;
- MathJax loads only on pages that show math, and there the formula is drawn.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from browserutil import QUIZ_PAGES, built_pages, goto, open_page
from bs4 import BeautifulSoup

pytestmark = pytest.mark.browser

MODULE_BUDGET_KIB = 280  # a module page, quiz and tools included (issue 13's goal: 400; today 140-205)
PAGE_BUDGET_KIB = 200  # every other page (today 129-159 KiB; the search page also fetches pages)
COMPRESSED = (".html", ".js", ".css", ".svg", ".json", ".txt", ".map", ".ico", ".ttf", ".xml")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
MODULES = set(QUIZ_PAGES.values())
MODULE_PAGE = re.compile(r"^notebooks/[0-9]{2}-[^/]+\.html$")

ICONS_JS = """() => Array.from(document.querySelectorAll('svg.svg-inline--fa')).map(svg => {
    const r = svg.getBoundingClientRect();
    const control = svg.closest('button, a, label, [role=button]');
    const path = svg.querySelector('path');
    return {
        icon: svg.dataset.icon,
        shown: svg.checkVisibility(),
        width: r.width, height: r.height,
        drawn: !!(path && path.getAttribute('d') && path.getAttribute('d').length > 20),
        control: control ? control.outerHTML.slice(0, 160) : null,
        name: control ? (control.getAttribute('aria-label') || control.getAttribute('title')
            || control.textContent.trim()
            || (control.getAttribute('aria-labelledby') || '').split(' ').map(id => {
                const el = document.getElementById(id); return el ? el.textContent.trim() : '';
            }).join('')) : '',
    };
})"""
FONT_AWESOME_I_JS = """() => Array.from(document.querySelectorAll('i, span'))
    .filter(el => /(^|\\s)fa-/.test(el.className) && !el.closest('svg')).map(el => el.outerHTML)"""
MATH_JS = """() => Array.from(document.querySelectorAll('mjx-container, .math')).map(m => {
    const svg = m.querySelector('svg');
    const r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    return {svg: !!svg, width: r.width, height: r.height, mathml: !!m.querySelector('math')};
})"""


# Visible ::before/::after boxes that would draw a glyph of the icon font (not loaded any more:
# they would show an empty box), and the admonition icons drawn as masks instead (icons.css).
FONT_GLYPHS_JS = """() => {
  const out = {font: [], masks: []};
  for (const el of document.querySelectorAll('*')) {
    if (!el.getClientRects().length || el instanceof SVGElement) continue;  // svg draws no ::before
    for (const pseudo of ['::before', '::after']) {
      const s = getComputedStyle(el, pseudo);
      if (s.display === 'none' || !s.content || s.content === 'none' || s.content === 'normal') continue;
      const glyph = /[\\ue000-\\uf8ff]/.test(s.content);
      const drawsText = s.content !== '""';
      if (glyph || (drawsText && /Awesome/i.test(s.fontFamily))) {
        out.font.push((el.getAttribute('class') || el.tagName) + pseudo + ' ' + s.content);
      }
      if (el.classList.contains('admonition-title') && pseudo === '::after') {
        out.masks.push(s.webkitMaskImage || s.maskImage);
      }
    }
  }
  return out;
}"""


def _gzip_size(path: Path) -> int:
    data = path.read_bytes()
    return len(gzip.compress(data, compresslevel=6)) if path.suffix in COMPRESSED else len(data)


@pytest.fixture(scope="module")
def loads(browser, book_server, book_html) -> dict:
    """Per page: the files it fetched (site paths), its icons, stray icon elements, its math."""
    found = {}
    for rel in built_pages(book_html):
        if rel == "index.html":  # only a redirect to the intro, measured there
            continue
        with open_page(browser, book_server, **PHONE) as (_, page, watch):  # a first visit: empty cache
            goto(page, book_server, rel, wait_until="networkidle")
            math = page.evaluate(MATH_JS)
            page.wait_for_load_state("networkidle")
            found[rel] = {
                "requests": list(dict.fromkeys(watch.requests)),
                "icons": page.evaluate(ICONS_JS),
                "stray": page.evaluate(FONT_AWESOME_I_JS),
                "math": math,
                "glyphs": page.evaluate(FONT_GLYPHS_JS),
            }
    return found


def _files(book_html: Path, base: str, urls: list[str]) -> dict[str, int]:
    sizes = {}
    for url in urls:
        if not url.startswith(base):
            continue  # another site: test_browser.py fails such a page on its own
        rel = unquote(urlparse(url).path).lstrip("/")
        path = book_html / rel
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            sizes[rel] = _gzip_size(path)
    return sizes


def _report(sizes: dict[str, int]) -> str:
    largest = sorted(sizes.items(), key=lambda kv: -kv[1])[:12]
    return "\n".join(f"  {size / 1024:7.1f} KiB  {name}" for name, size in largest)


def test_every_page_is_within_its_byte_budget(loads, book_html, book_server):
    over = []
    for rel, load in loads.items():
        sizes = _files(book_html, book_server, load["requests"])
        total = sum(sizes.values()) / 1024
        budget = MODULE_BUDGET_KIB if MODULE_PAGE.match(rel) else PAGE_BUDGET_KIB
        assert rel.split("/")[-1] in " ".join(sizes), f"{rel}: the page itself was not among its loads"
        if total > budget:
            over.append(f"{rel}: {total:.0f} KiB gzip > {budget} KiB; largest:\n{_report(sizes)}")
    assert not over, "\n".join(over)
    assert MODULES <= set(loads), "every module page was measured"


def test_no_page_loads_the_icon_script_or_icon_fonts(loads):
    bad = {rel: [u for u in load["requests"] if re.search(r"fontawesome\.js|/webfonts/fa-", u)]
           for rel, load in loads.items()}
    assert not any(bad.values()), {k: v for k, v in bad.items() if v}


def test_every_icon_is_drawn_and_its_control_has_a_name(loads):
    problems = []
    for rel, load in loads.items():
        shown = [i for i in load["icons"] if i["shown"]]
        if len(shown) < 4:  # menu, search, colour mode, contents at least
            problems.append(f"{rel}: only {len(shown)} icons on screen: {[i['icon'] for i in shown]}")
        for icon in shown:
            if not (icon["width"] > 4 and icon["height"] > 4 and icon["drawn"]):
                problems.append(f"{rel}: icon {icon['icon']} is empty ({icon['width']}x{icon['height']})")
            if icon["control"] is not None and not icon["name"]:
                problems.append(f"{rel}: icon {icon['icon']} in a control with no name: {icon['control']}")
        if load["stray"]:
            problems.append(f"{rel}: icon elements left for a script to draw: {load['stray'][:3]}")
    assert not problems, "\n".join(problems)


def test_no_glyph_of_the_icon_font_and_admonition_icons_are_drawn(loads, book_html):
    """The theme draws admonition icons with the icon font in CSS; without the font they would be
    empty boxes. icons.css draws them as masks from vendored SVGs: each must be fetched and exist."""
    problems, masks = [], 0
    for rel, load in loads.items():
        problems += [f"{rel}: {g}" for g in load["glyphs"]["font"]]
        for mask in load["glyphs"]["masks"]:
            masks += 1
            m = re.search(r'url\("?([^")]+)"?\)', mask or "")
            if not m:
                problems.append(f"{rel}: an admonition icon with no mask image")
                continue
            path = book_html / unquote(urlparse(m.group(1)).path).lstrip("/")
            if not path.is_file() or m.group(1) not in load["requests"]:
                problems.append(f"{rel}: admonition icon {m.group(1)} not served")
    assert not problems, "\n".join(problems)
    assert masks >= 3, "the help and intro pages have admonitions"


def test_no_math_script_and_math_assets_only_where_there_is_math(book_html, loads):
    """Math is typeset at build time (recovery_science.sphinxext): no page runs a math script, a
    page without math fetches nothing for math, and the page with math shows each formula drawn
    (SVG, with its MathML for screen readers)."""
    with_math = []
    for rel, load in loads.items():
        soup = BeautifulSoup((book_html / rel).read_text(encoding="utf-8"), "html.parser")
        scripts = [s.get("src", "") + s.get_text() for s in soup.find_all("script")]
        math_scripts = [s[:80] for s in scripts if re.search(r"mathjax|katex", s, re.I)]
        assert not math_scripts, f"{rel} runs a math script: {math_scripts}"
        fetched = [u for u in load["requests"] if re.search(r"mathjax|katex", u, re.I)]
        if load["math"]:
            with_math.append(rel)
            assert all(m["svg"] and m["mathml"] and m["width"] > 20 and m["height"] > 10 for m in load["math"]), (
                rel, load["math"])
        else:
            assert not fetched, f"{rel} has no math but fetches {fetched}"
    assert "notebooks/01-biology-of-opioid-dependence.html" in with_math, "module 1 shows the Emax equation"


def test_notebook_figures_are_svg_with_their_size(book_html):
    """Every figure a notebook stores is SVG (recovery_science.figures), shown as an <img> with
    its alt text, its width and height (no layout shift while it loads) and no lazy loading
    (printing would leave it out: tests/test_pdf.py)."""
    seen = 0
    for rel in built_pages(book_html):
        soup = BeautifulSoup((book_html / rel).read_text(encoding="utf-8"), "html.parser")
        for img in soup.select("main img"):
            src = img.get("src", "")
            if "_images/" not in src:
                continue
            seen += 1
            assert src.endswith(".svg"), f"{rel}: {src} is not SVG"
            assert img.get("width") and img.get("height"), f"{rel}: {src} has no width/height"
            assert img.get("loading") != "lazy", f"{rel}: {src} loads lazily"
            assert len(img.get("alt", "")) >= 40, f"{rel}: {src} has no alt text"
    assert seen >= 6, f"only {seen} notebook figures"
