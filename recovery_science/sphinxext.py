"""Sphinx extension for the course book.

Adds the ``avoid`` role for the book's own pages: {avoid}`term` marks a term that the course
teaches students to avoid (NIDA "Words Matter"), shown struck through and labelled, as
``<del class="rs-avoid" title="term to avoid">term</del>``. Notebooks write that HTML directly,
since JupyterLab does not know MyST roles. The language test accepts a listed term only inside
this markup, in bibliography entries and in organisations' proper names.

Citations use one author–year label per entry everywhere (:func:`recovery_science.bib.citation_label`):
this registers the pybtex styles that give the bibliography page those labels, sorted by them
(``bibtex_default_style: rs_author_year``), and a sphinxcontrib-bibtex reference style that shows
``{cite:p}`` as "(NIDA 2021; WHO 2023)" (``bibtex_reference_style: rs_author_year``). Notebooks cite
with Markdown links to the anchors of their generated References cell (``[NIDA 2021](#ref-key)``,
``recovery_science.tools.references``); :class:`CitationLinks` keeps MyST from treating those as
cross-references and warns (an error under ``-W``) when a page has no such anchor.

It also tidies the theme's chrome (one search control, no doubled page title) and keeps button
labels out of search-result snippets, and keeps pages light on a phone (issue 13): the theme's
icons are written into each page as inline SVG at build time instead of by its 1.4 MiB
``fontawesome.js``, MathJax loads only on pages that show math, and no script in a page's head
blocks its first paint (:func:`fast_head`); see the functions below.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from docutils import nodes
from docutils.transforms import Transform
from pybtex.plugin import register_plugin as register_pybtex_plugin
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from sphinx.util import logging
from sphinxcontrib.bibtex.plugin import register_plugin as register_bibtex_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.label import LabelReferenceStyle

from .bib import citation_labels, course_style_class, make_labels, sort_key

STYLE = "rs_author_year"
logger = logging.getLogger(__name__)


def _labels_for(entries) -> dict[str, str]:
    """The course's label for each entry: from book/references.bib, so that a label is the same
    on every page whichever entries a bibliography lists (computed from ``entries`` otherwise)."""
    course = citation_labels()
    if all(e.key in course for e in entries):
        return course
    return make_labels({e.key: e for e in entries})


class AuthorYearLabelStyle(BaseLabelStyle):
    """pybtex label style: the course's author–year labels ("NIDA 2021", "SAMHSA 2024a")."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = _labels_for(entries)
        return [labels[e.key] for e in entries]


class AuthorYearSorting(BaseSortingStyle):
    """pybtex sorting style: by label, so the list reads in the order a reader looks a label up."""

    def sort(self, entries):
        entries = list(entries)
        labels = _labels_for(entries)
        return sorted(entries, key=lambda e: (sort_key(labels[e.key]), e.key))


class AuthorYearStyle(course_style_class()):
    """pybtex's plain entries (with notes on every type, as quiz sources show them), with the
    course's labels and order."""

    default_label_style = STYLE
    default_sorting_style = STYLE


@dataclass
class AuthorYearReferenceStyle(LabelReferenceStyle):
    """{cite:p}`a,b` as "(NIDA 2021; WHO 2023)", each label linking to its bibliography entry."""

    bracket_parenthetical: BracketStyle = field(default_factory=lambda: BracketStyle(left="(", right=")", sep="; "))
    bracket_textual: BracketStyle = field(default_factory=lambda: BracketStyle(left="(", right=")", sep="; "))


register_pybtex_plugin("pybtex.style.labels", STYLE, AuthorYearLabelStyle)
register_pybtex_plugin("pybtex.style.sorting", STYLE, AuthorYearSorting)
register_pybtex_plugin("pybtex.style.formatting", STYLE, AuthorYearStyle)
register_bibtex_plugin("sphinxcontrib.bibtex.style.referencing", STYLE, AuthorYearReferenceStyle)

_ANCHOR = re.compile(r"""<a\s+id=["'](ref-[^"']+)["']""")


class CitationLinks(Transform):
    """A notebook's ``[label](#ref-key)`` citation links to an anchor in raw HTML (its References
    cell), which MyST cannot see: it would report a missing cross-reference. Keep each such link
    as a plain in-page link, and warn if the page has no anchor for it."""

    default_priority = 870  # before myst-parser's ResolveAnchorIds (879)

    def apply(self):
        anchors = set()
        for raw in self.document.findall(nodes.raw):
            if "html" in raw.get("format", "").split():
                anchors.update(_ANCHOR.findall(raw.astext()))
        for ref in self.document.findall(nodes.reference):
            uri = ref.get("refuri", "")
            if not (ref.get("id_link") and uri.startswith("#ref-")):
                continue
            if uri[1:] not in anchors:
                logger.warning(
                    "citation %s has no entry in this page's References cell "
                    "(run python -m recovery_science.tools.references)", uri, location=ref,
                )
            del ref["id_link"]
            ref["internal"] = True
            ref["classes"].append("rs-cite")


class avoid_term(nodes.Inline, nodes.TextElement):
    """A term marked as one to avoid."""


def avoid_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [avoid_term(rawtext, text)], []


def visit_avoid_html(self, node):
    self.body.append(self.starttag(node, "del", "", CLASS="rs-avoid", title="term to avoid"))


def depart_avoid_html(self, node):
    self.body.append("</del>")


def visit_avoid_text(self, node):
    pass


def depart_avoid_text(self, node):
    pass


# Sphinx's search page (searchtools.js) fetches each hit's page and shows the text around the
# query as a snippet: every text node of the page's main area, button labels included, so a quiz
# page's snippet read "... Check Try again ...". This drops buttons, and anything a front marks
# with the class "rs-search-skip", from the fetched page before Sphinx reads its text. It runs on
# the search page only; Search.htmlToText is Sphinx's own function (7.x), called once per hit.
SEARCH_SNIPPET_JS = """
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || typeof Search.htmlToText !== "function") return;
  const toText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll("button, .rs-search-skip").forEach((el) => el.remove());
    return toText(doc.documentElement.outerHTML, anchor);
  };
});
"""


def _theme_defaults(app, config):
    """One search control per screen size.

    pydata-sphinx-theme 0.17 puts a search field in the top bar unless ``navbar_persistent`` is
    set, and sphinx-book-theme already has one in the sidebar (and a search icon in the article
    header on narrow screens, where the sidebar is folded away): keep the book theme's.
    """
    options = config.html_theme_options
    if isinstance(options, dict):
        options.setdefault("navbar_persistent", [])


def _tidy_page(app, pagename, templatename, context, doctree):
    """Fix what the stack emits on every page.

    - Extensions that register the same inline script twice (sphinx-thebe's THEBE_JS_URL
      constant, sphinx-togglebutton's selector) make the browser throw "Identifier has already
      been declared": keep the first of identical scripts.
    - docutils marks bibliography entries role="doc-biblioentry" inside role="list", which
      accessibility checkers reject (a list must hold list items): mark them as list items.
    - The browser tab of a page whose heading is the book's title (the intro) would read
      "Recovery Science — Recovery Science", since the theme appends the book's title to every
      page's: such a page shows its ``tab_title`` (page front matter) there instead, or "Home".
    - The search page gets SEARCH_SNIPPET_JS.
    - MathJax only where there is math (:func:`_math_only_where_used`).
    """
    _math_only_where_used(app, pagename, context)
    if context.get("title") and context.get("title") == context.get("docstitle"):
        context["title"] = (context.get("meta") or {}).get("tab_title") or "Home"
    if pagename == "search":
        app.add_js_file(None, body=SEARCH_SNIPPET_JS)
    scripts = context.get("script_files")
    if scripts:
        seen, unique = set(), []
        for script in scripts:
            # an inline script may be registered with filename None and again with "" (Sphinx 7.4)
            key = (getattr(script, "filename", script) or "", tuple(sorted(getattr(script, "attributes", {}).items())))
            if key not in seen:
                seen.add(key)
                unique.append(script)
        scripts[:] = unique
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _math_only_where_used(app, pagename, context) -> None:
    """Sphinx adds MathJax to a page when it or any page in its toctree has math, so the root page
    (whose toctree holds the whole book) loaded 1.1 MiB of MathJax for no formula. Keep MathJax,
    and its inline configuration, only on pages that show math themselves and whose math was not
    rendered at build time (:func:`_render_math`); those get the rendered math's stylesheet."""
    if pagename in _rendered_math_pages(app):
        app.add_css_file(MATH_CSS)
    else:
        math = app.env.get_domain("math")
        if math.data.get("has_equations", {}).get(pagename):
            return
    scripts = context.get("script_files")
    if not scripts:
        return
    path = app.config.mathjax_path or ""

    def is_mathjax(script) -> bool:
        name = str(getattr(script, "filename", script) or "")
        body = str(getattr(script, "attributes", {}).get("body", ""))
        # the builder stores a local script as "_static/<path>"
        return bool(path) and name.endswith(path) or body.startswith("window.MathJax")

    scripts[:] = [s for s in scripts if not is_mathjax(s)]


# -- Icons: the theme's Font Awesome <i> elements as inline SVG, written at build time ----------
#
# pydata-sphinx-theme loads fontawesome.js (1,456 KiB, 529 KiB gzip) on every page to turn its
# dozen <i class="fa-solid fa-NAME"> into SVG. The same replacement is done here once, at build
# time, from the official SVG files of the same Font Awesome release (vendored by
# book/_static/vendor/update.sh with the stylesheet fontawesome.js injects), and the script tag is
# removed. The theme's CSS keeps its icon-font rules as a fallback for an icon that a script adds
# later (an <i> added at run time still shows, from the webfont). A page naming an icon that is
# not vendored fails the build (a warning under -W): add it to FA_ICONS in update.sh.

FONTAWESOME = Path(__file__).resolve().parents[1] / "book" / "_static" / "vendor" / "fontawesome"
FA_CSS = "vendor/fontawesome/svg-with-js.min.css"
_FA_STYLES = {"fa-solid": "solid", "fas": "solid", "fa-brands": "brands", "fab": "brands",
              "fa-regular": "regular", "far": "regular"}
_FA_PREFIX = {"solid": "fas", "brands": "fab", "regular": "far"}
_FA_SIZES = {"fa-xs", "fa-sm", "fa-lg", "fa-xl", "fa-2xl", "fa-fw", "fa-1x", "fa-2x", "fa-3x"}
_FA_ELEMENT = re.compile(r"<(i|span)\s([^<>]*?)\bclass=\"([^\"]*\bfa[a-z-]*\b[^\"]*)\"([^<>]*)>\s*</\1>")
_FA_SCRIPT = re.compile(r"[ \t]*<script[^>]*\bsrc=\"[^\"]*_static/scripts/fontawesome\.js[^\"]*\"[^>]*></script>\n?")
_SVG = re.compile(r"<svg[^>]*\bviewBox=\"([^\"]+)\"[^>]*>.*?<path d=\"([^\"]+)\"", re.S)


def _fa_svg(style: str, name: str) -> tuple[str, str] | None:
    path = FONTAWESOME / "svgs" / style / f"{name}.svg"
    if not path.is_file():
        return None
    m = _SVG.search(path.read_text(encoding="utf-8"))
    return (m.group(1), m.group(2)) if m else None


def inline_icons(html: str, missing: set[str] | None = None) -> str:
    """``html`` with every empty Font Awesome ``<i>``/``<span>`` as the inline ``<svg>`` that
    fontawesome.js would make of it (same classes, ``data-*`` attributes and title kept, hidden
    from assistive technology as the icon is decorative: its control carries the name), and
    without the fontawesome.js script tag. Icons not vendored are left as they are and named in
    ``missing``."""

    def replace(m: re.Match) -> str:
        attrs = f"{m.group(2)} {m.group(4)}"
        classes = m.group(3).split()
        style = next((_FA_STYLES[c] for c in classes if c in _FA_STYLES), None)
        names = [c[3:] for c in classes if c.startswith("fa-") and c not in _FA_STYLES and c not in _FA_SIZES]
        if style is None or len(names) != 1:
            return m.group(0)
        found = _fa_svg(style, names[0])
        if found is None:
            if missing is not None:
                missing.add(f"{style}/{names[0]}")
            return m.group(0)
        view_box, d = found
        kept = [c for c in classes if c not in _FA_STYLES and c != f"fa-{names[0]}"]
        cls = " ".join(["svg-inline--fa", f"fa-{names[0]}", *kept])
        extra = " ".join(re.findall(r"\bdata-[a-z-]+=\"[^\"]*\"", attrs))
        title = re.search(r"\btitle=\"([^\"]*)\"", attrs)
        inner = f"<title>{title.group(1)}</title>" if title else ""
        return (f'<svg class="{escape(cls)}"{" " + extra if extra else ""} aria-hidden="true" focusable="false" '
                f'data-prefix="{_FA_PREFIX[style]}" data-icon="{names[0]}" role="img" '
                f'xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}">{inner}'
                f'<path fill="currentColor" d="{d}"></path></svg>')

    return _FA_SCRIPT.sub("", _FA_ELEMENT.sub(replace, html))


def _rewrite_pages(app, exception) -> None:
    """After the build, on every page: icons as inline SVG (:func:`inline_icons`) and a head that
    does not block the first paint (:func:`fast_head`); the theme's stylesheet without its icon
    font's glyph rules (:func:`trim_theme_css`)."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    options = outdir / "_static" / "documentation_options.js"
    options_js = options.read_text(encoding="utf-8") if options.is_file() else None
    theme = outdir / "_static" / "styles" / "theme.css"
    # the course's own scripts: those in its html_static_path (book/_static), not the theme's
    # (extensions add their own folders to html_static_path as absolute paths)
    own = tuple(sorted({p.name for d in app.config.html_static_path if not Path(d).is_absolute()
                        for p in (Path(app.confdir) / d).glob("*.js")}))
    only_basic = theme.is_file() and _ONLY_BASIC_CSS.fullmatch(theme.read_text(encoding="utf-8")) is not None
    missing: set[str] = set()
    problems: set[str] = set()
    for page in outdir.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        new = inline_icons(text, missing) if "fa-" in text else text
        new = fast_head(new, options_js, problems, basic_css=only_basic, own=own)
        new = theme_after_paint(new)
        new = size_figures(new, page)
        new = defer_controls(new)
        if new != text:
            page.write_text(new, encoding="utf-8")
    for icon in sorted(missing):
        logger.warning("icon %s is not vendored: add it to FA_ICONS in book/_static/vendor/update.sh "
                       "and run that script", icon)
    for problem in sorted(problems):
        logger.warning("%s (recovery_science/sphinxext.py, fast_head; book/_static/vendor/README.md)", problem)
    theme_css = outdir / "_static" / "styles" / "pydata-sphinx-theme.css"
    if theme_css.is_file():
        theme_css.write_text(trim_theme_css(theme_css.read_text(encoding="utf-8")), encoding="utf-8")
    modules = _node_modules(app, "purgecss")
    if modules is None:
        logger.info("stylesheets kept whole: no Node or no node_modules/purgecss (run npm ci)")
    else:
        purge_css(outdir, modules)
    theme_js = outdir / "_static" / "scripts" / "pydata-sphinx-theme.js"
    if theme_js.is_file():
        patched, misses = patch_theme_js(theme_js.read_text(encoding="utf-8"))
        for miss in misses:
            logger.warning("pydata-sphinx-theme.js: %s not found once; has the theme changed? "
                           "(recovery_science/sphinxext.py, patch_theme_js; DEVELOPING.md, theme overrides)", miss)
        theme_js.write_text(patched, encoding="utf-8")


# -- Figures with their size ---------------------------------------------------------------------
#
# A notebook's figure (``<img src="…/_images/<hash>.svg">``, written by MyST-NB) gets its intrinsic
# size as ``width`` and ``height`` (from the SVG's own size: 1 pt = 4/3 CSS px; a PNG's pixels), so
# the page reserves its space before it loads and nothing below it moves (quiz.css keeps the
# proportions in a narrower column: ``height: auto``), and ``decoding="async"``. Not
# ``loading="lazy"``: the figures are small SVGs now (recovery_science.figures), and Chromium's
# printing (``make pdf``, and a reader's Print) left a lazy figure not yet scrolled to out of the
# PDF (checked on Module 1's receptor figure; tests/test_pdf.py).
_FIGURE_IMG = re.compile(r"<img\b([^>]*?)\bsrc=\"([^\"]*_images/[^\"]+\.(?:svg|png))\"([^>]*?)\s*/?>")
_SVG_SIZE = re.compile(r"<svg\b[^>]*?\bwidth=\"([\d.]+)(pt|px)?\"[^>]*?\bheight=\"([\d.]+)(pt|px)?\"")


def _image_size(path: Path) -> tuple[int, int] | None:
    """The CSS pixel size a browser gives the image, or None."""
    if not path.is_file():
        return None
    if path.suffix == ".png":
        head = path.read_bytes()[:24]
        if head[:8] != b"\x89PNG\r\n\x1a\n":
            return None
        return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    m = _SVG_SIZE.search(path.read_text(encoding="utf-8", errors="replace")[:2000])
    if m is None:
        return None
    w, h = float(m.group(1)), float(m.group(3))
    if m.group(2) == "pt":
        w = w * 4 / 3
    if m.group(4) == "pt":
        h = h * 4 / 3
    return round(w), round(h)


def size_figures(html: str, page: Path) -> str:
    """``html`` (the page ``page``) with each notebook figure's size and ``decoding="async"``."""
    def img(m: re.Match) -> str:
        attrs = m.group(1) + m.group(3)
        extra = ""
        if "decoding=" not in attrs:
            extra += ' decoding="async"'
        size = _image_size((page.parent / unquote(m.group(2).split("?")[0])).resolve())
        if size and "width=" not in attrs and "height=" not in attrs:
            extra += f' width="{size[0]}" height="{size[1]}"'
        return f'<img{m.group(1)}src="{m.group(2)}"{m.group(3)}{extra} />'

    return _FIGURE_IMG.sub(img, html)


# -- A head that does not block the first paint --------------------------------------------------
#
# The theme and the extensions put a dozen plain <script src> tags in <head>: the browser stops
# parsing, and painting, until each one is fetched and run (Lighthouse: ~1 s of render-blocking
# scripts on a phone). None of them needs to run before the page is parsed: each starts on
# DOMContentLoaded or at once if the document is parsed already (Sphinx's _ready, copybutton's
# runWhenDOMLoaded, togglebutton's, the theme's, quiz.js/emax.js/progress.js start()), so they get
# ``defer``: fetched in parallel, run in document order after parsing, before DOMContentLoaded.
# The course's own scripts (book/_static: quiz.js, emax.js, progress.js) come first among them, so
# that the quiz and the tools do not wait for the theme's scripts (issue 13: usable within a second
# of first paint; ``benchmarks/run.py ready``).
# What has to stay as it is:
# - the theme's colour-mode script (inline, first in <head>): it sets data-mode/data-theme before
#   the first paint, so that a dark page never flashes light; inline scripts are never deferred;
# - the inline scripts that only declare settings for a deferred script (togglebutton's hints,
#   thebe's selectors): they still run first, in place;
# - ``DOCUMENTATION_OPTIONS.pagename = ...`` needs documentation_options.js (300 bytes) before it:
#   its content is written inline in its place instead of a blocking request. The inline scripts
#   stay after the stylesheets: moved before them, the parser ran on while the CSS loaded and the
#   quiz was usable sooner, but on a long page the first paint came later (benchmarks/run.py ready).
# Also:
# - Sphinx's search scripts and the search index (searchtools.js, language_data.js,
#   searchindex.js, which grows with the book) load only on the search page unless the theme's
#   search-as-you-type is on (the search button opens a form that goes to search.html). On the
#   search page sphinx_highlight.js moves between searchtools.js and searchindex.js: deferred in
#   its usual place it would run before searchtools.js defines Search and highlight the previous
#   query in the search page, and the query (run by searchindex.js) needs it defined.
# - the theme's <link rel="preload" as="script"> for bootstrap.js and its own script (deferred at
#   the end of <body> already) are dropped: fetched at high priority, they competed with the
#   stylesheets the first paint waits for.
# - styles/theme.css holds only ``@import "../basic.css"`` (one more round trip before any paint):
#   the page links basic.css itself.
# - sphinx-design's stylesheet and script load only on pages that use sphinx-design (an sd- class).
# An inline script that uses a name a deferred script defines, or one not known to be safe, fails
# the build (a warning under -W) so that an upgrade of the theme or an extension cannot break a
# page silently.

_HEAD = re.compile(r"<head>.*?</head>", re.S)
_SCRIPT = re.compile(r"[ \t]*<script\b([^>]*)>(.*?)</script>\n?", re.S)
_SRC = re.compile(r"""\bsrc=["']([^"']+)["']""")
_SEARCH_JS = re.compile(r"(^|/)(_static/searchtools\.js|_static/language_data\.js|searchindex\.js)(\?|$)")
_PRELOAD_JS = re.compile(r"[ \t]*<link\s+rel=\"preload\"\s+as=\"script\"[^>]*>\n?")
_THEME_CSS = re.compile(r"""(<link\s+href=")([^"]*?)_static/styles/theme\.css(\?[^"]*)?("\s+rel="stylesheet"\s*/?>)""")
_ONLY_BASIC_CSS = re.compile(r"\s*(/\*.*?\*/\s*)*@import (url\()?\"\.\./basic\.css\"\)?;\s*", re.S)
_DESIGN_CSS = re.compile(r"[ \t]*<link\b[^>]*_static/sphinx-design\.min\.css[^>]*>\n?")
# The course's tools' scripts, each only on a page that has its tool (an element with the class);
# quiz.js stays on every page (progress.js uses window.RecoveryQuiz).
_TOOL_SCRIPTS = {"emax.js": "rs-emax", "cows.js": "rs-cows", "cm.js": "rs-cm"}
_USES_DESIGN = re.compile(r"""class=["'](?:[^"']*\s)?sd-""")
# names defined by the deferred scripts (Sphinx, the theme, extensions, the course's own)
_DEFERRED_GLOBALS = ("Documentation", "SphinxHighlight", "Search", "Scorer", "Stemmer", "stopwords",
                     "ClipboardJS", "bootstrap", "initThebe", "_ready", "runWhenDOMLoaded",
                     "RecoveryQuiz", "RecoveryEmax", "RecoveryProgress")
_USES_DEFERRED = re.compile(r"\b(%s)\b" % "|".join(_DEFERRED_GLOBALS))
# inline scripts known to need nothing deferred at the moment they run
_SAFE_INLINE = (
    re.compile(r"^document\.documentElement\.dataset\.mode = localStorage"),  # colour mode
    re.compile(r"^((let|var|const) \w+ = (['\"])[^'\"]*\3;?\s*)+$"),  # settings: literals
    re.compile(r"^\w+ = (['\"])[^'\"]*\1;?$"),  # kernelName = 'python3'
    re.compile(r"^DOCUMENTATION_OPTIONS\.\w+ = [^;\n]*;?$"),
    re.compile(r"^const DOCUMENTATION_OPTIONS = \{"),
    re.compile(r'^document\.addEventListener\("DOMContentLoaded",'),  # SEARCH_SNIPPET_JS
    re.compile(r"^// Activate the search field on page load\s+let searchInput = document\.querySelector"),
)


def _is_js(attrs: str) -> bool:
    m = re.search(r"""\btype=["']([^"']*)["']""", attrs)
    return m is None or m.group(1) in ("text/javascript", "application/javascript", "module")


def fast_head(html: str, options_js: str | None = None, problems: set[str] | None = None,
              basic_css: bool = False, own: tuple[str, ...] = ()) -> str:
    """``html`` with no script blocking the first paint (see the comment above): every external
    script in <head> deferred, documentation_options.js inline, search scripts on the search page
    only (unless search-as-you-type), no script preloads, basic.css linked directly
    (``basic_css``: the theme's theme.css only imports it), sphinx-design and the course's tools'
    scripts (``_TOOL_SCRIPTS``) only where used. A page rewritten already is left as it is. Inline
    scripts that might need a deferred script are named in ``problems``."""
    m = _HEAD.search(html)
    if m is None or 'data-rs-head="fast"' in html:
        return html
    head = m.group(0)
    search_page = "DOCUMENTATION_OPTIONS.pagename = 'search';" in html
    as_you_type = "DOCUMENTATION_OPTIONS.search_as_you_type = false;" not in html
    design = bool(_USES_DESIGN.search(html[m.end():]))
    body = html[m.end():]
    unused_tools = {name for name, cls in _TOOL_SCRIPTS.items()
                    if not re.search(r"""class=["'](?:[^"']*\s)?%s["'\s]""" % re.escape(cls), body)}
    moved: list[str] = []
    course: list[str] = []

    def script(sm: re.Match) -> str:
        attrs = sm.group(1)
        src = _SRC.search(attrs)
        if src is None:
            return sm.group(0)
        url = src.group(1)
        if options_js and re.search(r"(^|/)_static/documentation_options\.js(\?|$)", url):
            return f"    <script>{options_js.strip()}</script>\n"
        if _SEARCH_JS.search(url) and not (search_page or as_you_type):
            return ""
        if "design-tabs.js" in url and not design:
            return ""
        tool = re.search(r"(?:^|/)_static/([\w-]+\.js)(?:\?|$)", url)
        if tool and tool.group(1) in unused_tools:
            return ""
        tag = sm.group(0)
        if not re.search(r"\b(async|defer)\b", attrs) and "type=\"module\"" not in attrs:
            tag = tag.replace("<script", "<script defer", 1)
        if search_page and re.search(r"(^|/)_static/sphinx_highlight\.js(\?|$)", url):
            moved.append(tag)
            return ""
        if own and re.search(r"(^|/)_static/(%s)(\?|$)" % "|".join(map(re.escape, own)), url) and "defer" in tag:
            course.append(tag)
            return ""
        return tag

    head = _SCRIPT.sub(script, head)
    if course:  # the course's own scripts first among the deferred ones
        first = re.search(r"[ \t]*<script defer\b", head)
        at = first.start() if first else head.index("</head>")
        head = head[:at] + "".join(course) + head[at:]
    if moved:  # just before searchindex.js, whose Search.setIndex runs the query
        index = re.search(r"[ \t]*<script\b[^>]*\bsrc=\"[^\"]*searchindex\.js[^\"]*\"[^>]*></script>", head)
        at = index.start() if index else head.index("</head>")
        head = head[:at] + "".join(moved) + head[at:]
    head = _PRELOAD_JS.sub("", head)
    if basic_css:
        head = _THEME_CSS.sub(lambda t: f"{t.group(1)}{t.group(2)}_static/basic.css{t.group(4)}", head)
    if not design:
        head = _DESIGN_CSS.sub("", head)
    head = head.replace("<head>", '<head data-rs-head="fast">', 1)
    html = html[:m.start()] + head + html[m.end():]
    if problems is not None:
        page = re.search(r"DOCUMENTATION_OPTIONS\.pagename = '([^']*)'", html)
        name = page.group(1) if page else "a page"
        for sm in _SCRIPT.finditer(html):
            attrs, body = sm.group(1), sm.group(2).strip()
            if _SRC.search(attrs) or not body or not _is_js(attrs):
                continue
            defines = body.startswith("const DOCUMENTATION_OPTIONS")
            defined = "const DOCUMENTATION_OPTIONS" in html[:sm.start()]
            if "DOCUMENTATION_OPTIONS" in body and not (defines or defined):
                problems.add(f"{name}: an inline script uses DOCUMENTATION_OPTIONS before it is defined")
            uses = _USES_DEFERRED.search(body)
            wrapped = "DOMContentLoaded" in body
            if uses and not wrapped:
                problems.add(f"{name}: an inline script uses {uses.group(1)}, which a deferred script "
                             f"defines: {body[:80]!r}")
            elif not uses and not any(p.search(body) for p in _SAFE_INLINE):
                problems.add(f"{name}: an inline script not known to be safe before deferred scripts "
                             f"run: {body[:80]!r}")
    return html


# -- The theme's scripts after the first paint ---------------------------------------------------
#
# bootstrap.js and the theme's own script (deferred, at the end of <body>) ran before
# DOMContentLoaded, before the page had been painted: each reads the size of something (the header,
# the active link in the sidebar), which made the browser lay the whole page out inside the
# script's task. On a phone those were the two longest tasks of a module page (Lighthouse, 4x CPU
# slowdown: 120-260 ms each), and they held back the largest paint. Nothing they do is needed
# for the first paint (the colour mode is set by the inline script in <head>; the quiz and the
# tools are quiz.js's and the tools' own), so they get type="rs-after-paint", which a browser
# neither fetches nor runs, and a small inline script at the end of <body> (AFTER_PAINT_JS) puts
# them back, in their order, in the first task after the page has loaded and painted: the
# header's buttons, the sidebar's menu and the search shortcut start a frame after the first
# paint instead of before it, and the page's layout is done by then. While they wait, <html> has
# data-rs-theme="waiting"; once they have run, the class rs-theme-ready (browser tests wait for it).
AFTER_PAINT_TYPE = "rs-after-paint"
AFTER_PAINT_JS = (
    "(function(){var d=document,h=d.documentElement;h.setAttribute('data-rs-theme','waiting');"
    "function run(){var w=Array.prototype.slice.call(d.querySelectorAll('script[type=\"rs-after-paint\"]'));"
    "function next(){var o=w.shift();if(!o){h.classList.add('rs-theme-ready');return;}"
    "var s=d.createElement('script');s.onload=s.onerror=function(){setTimeout(next,0);};"
    "s.src=o.getAttribute('src');o.parentNode.replaceChild(s,o);}"
    "requestAnimationFrame(function(){setTimeout(next,0);});}"
    "if(d.readyState==='complete')run();else addEventListener('load',run);})();"
)
_THEME_SCRIPT = re.compile(
    r"<script defer src=\"([^\"]*_static/scripts/(?:bootstrap|pydata-sphinx-theme)\.js(?:\?[^\"]*)?)\"></script>")


def theme_after_paint(html: str) -> str:
    """``html`` with the theme's scripts run after the first paint (see above)."""
    new, count = _THEME_SCRIPT.subn(lambda m: f'<script type="{AFTER_PAINT_TYPE}" src="{m.group(1)}"></script>', html)
    if count == 0 or "</body>" not in new:
        return html
    at = new.rindex("</body>")
    return new[:at] + f"<script>{AFTER_PAINT_JS}</script>\n" + new[at:]


# -- Controls put in place section by section ----------------------------------------------------
#
# Chromium's form scan (autofill) asks of every input, select and textarea on a page whether it can
# take focus, which lays out the section around it even while content-visibility skips that section
# (quiz.css): with the quiz's and the tools' controls in the page, a phone laid out most of a module
# page in one long task as it loaded (about 400 ms at 4x CPU slowdown on Module 2), and again
# whenever controls were added. In the built book, each control inside a quiz or tool
# (TOOL_ROOTS) is held in a ``<template class="rs-control">``, inert until quiz.js puts the controls
# of a section in place (RecoveryQuiz.whenReady): at once on a wide screen or on and near the
# screen, otherwise when the section comes near the screen, before printing, or a few seconds after
# the rest of the page has been laid out in idle time.
# The notebooks keep their controls (an unrun notebook in JupyterLab shows them, disabled).
TOOL_ROOTS = ("rs-quiz", *_TOOL_SCRIPTS.values())
CONTROL_TEMPLATE = '<template class="rs-control">'
_TOOL_ROOT = re.compile(r"<div class=\"(?:%s)(?:\s[^\"]*)?\"" % "|".join(TOOL_ROOTS))
_DIV_OR_SCRIPT = re.compile(r"<div\b|</div>|<script\b.*?</script>", re.S)
_CONTROL = re.compile(re.escape(CONTROL_TEMPLATE) + r".*?</template>|<input\b[^>]*>|<select\b.*?</select>"
                      r"|<textarea\b.*?</textarea>", re.S)


def _element_end(html: str, start: int) -> int:
    """The end of the ``<div>`` that opens at ``start`` (its divs balanced; scripts skipped)."""
    depth = 0
    for m in _DIV_OR_SCRIPT.finditer(html, start):
        if m.group().startswith("<div"):
            depth += 1
        elif m.group() == "</div>":
            depth -= 1
            if depth == 0:
                return m.end()
    return len(html)


def _hold(m: re.Match) -> str:
    control = m.group()
    return control if control.startswith(CONTROL_TEMPLATE) else f"{CONTROL_TEMPLATE}{control}</template>"


def defer_controls(html: str) -> str:
    """``html`` with every control inside a quiz or tool held in a template (see above)."""
    out, at = [], 0
    for m in _TOOL_ROOT.finditer(html):
        if m.start() < at:  # a root inside one already done
            continue
        end = _element_end(html, m.start())
        out.append(html[at:m.start()])
        out.append(_CONTROL.sub(_hold, html[m.start():end]))
        at = end
    return "".join(out) + html[at:] if out else html


# The theme's stylesheet (render-blocking, 66 KiB gzip) carries a ``.fa-NAME:before{content:...}``
# rule for every Font Awesome icon, about 20 KiB gzip; the icons are inline SVG now
# (:func:`inline_icons`) and no page loads the icon font. Those rules, and nothing else, are dropped.
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_FA_GLYPH = re.compile(r"\.fa-[a-z0-9-]+:{1,2}(before|after)")


def trim_theme_css(css: str) -> str:
    def rule(m: re.Match) -> str:
        selectors = [s.strip() for s in m.group(1).split(",")]
        if all(_FA_GLYPH.fullmatch(s) for s in selectors) and re.fullmatch(r"\s*(--fa|content):[^;]*;?\s*", m.group(2)):
            return ""
        return m.group(0)

    return _CSS_RULE.sub(rule, css)


# -- Stylesheets without the rules no page uses ---------------------------------------------------
#
# The theme's stylesheet bundles all of Bootstrap 5 and styles for every extension the theme
# supports: 310 KiB (45 KiB gzip), render-blocking on every page, and every rule in it is matched
# against every element when a page's style is computed (Lighthouse: a module page's first paint
# waited about 0.3 s for it on a phone). After the build, PurgeCSS (npm: purgecss, a dev
# dependency installed by `npm ci`) keeps, in the theme's and the extensions' stylesheets below,
# only the rules whose selectors can match: it reads every page of the built book and every
# script in _static (so a class a script adds, such as Bootstrap's "show", is kept when the script
# names it). Kept whatever the pages say (SAFELIST_GREEDY): any rule naming Bootstrap's tooltip,
# dropdown, popper, show, fade or collapse classes, which Bootstrap builds from pieces at run time
# (`bs-${name}-auto`, data-popper-placement); and the bare ``:focus-visible`` rule
# (SAFELIST_STANDARD). The course's own stylesheets are not purged, nor pygments.css (the theme
# writes it again at the end of the build, after this step). Each stylesheet as the theme or the
# extension shipped it is kept next to the html folder (css-whole/, not published), and
# tests/test_purged_css.py fails if a rule of it that matches an element of a page (after the
# page's scripts have run, in either colour mode) is missing from the purged one. Without Node or
# purgecss the stylesheets stay whole (a heavier, but correct, book).
PURGED_CSS = ("styles/pydata-sphinx-theme.css", "styles/sphinx-book-theme.css", "basic.css", "mystnb.*.css",
              "sphinx-thebe.css", "togglebutton.css", "copybutton.css")
SAFELIST_GREEDY = ("tooltip", "dropdown", "popper", "show", "fade", "collaps")
# selectors PurgeCSS drops though they match everything: the theme's focus ring for keyboard users
# (a bare ``:focus-visible { outline: … }``; tests/test_purged_css.py found it gone)
SAFELIST_STANDARD = (":focus-visible",)
# next to the html folder (not published): each purged stylesheet as it was, for the test
WHOLE_CSS_DIR = "css-whole"
PURGE_JS = r"""
const {PurgeCSS} = require('purgecss');
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', async () => {
  const {content, css, standard, greedy} = JSON.parse(input);
  const result = await new PurgeCSS().purge({
    content, css, variables: false, keyframes: true, fontFace: true,
    safelist: {standard, greedy: greedy.map((word) => new RegExp(word))},
  });
  process.stdout.write(JSON.stringify(Object.fromEntries(result.map((r) => [r.file, r.css]))));
});
"""


def purge_css(outdir: Path, node_modules: Path) -> None:
    """Purge the stylesheets of :data:`PURGED_CSS` in a built book (see above), in place."""
    static = outdir / "_static"
    files = sorted({str(f) for pattern in PURGED_CSS for f in static.glob(pattern) if f.is_file()})
    if not files:
        return
    content = [str(p) for p in outdir.rglob("*.html") if "_static" not in p.relative_to(outdir).parts]
    content += [str(p) for p in static.rglob("*.js")]
    request = {"content": content, "css": files, "standard": SAFELIST_STANDARD, "greedy": SAFELIST_GREEDY}
    purged = _run_node(PURGE_JS, request, node_modules, "PurgeCSS", timeout=300)
    if purged is None:
        return
    whole = outdir.parent / WHOLE_CSS_DIR
    for name, css in purged.items():
        path = Path(name)
        kept = whole / path.relative_to(static)
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, kept)
        path.write_text(css, encoding="utf-8")


# -- The theme's script: its tab stops without a long task -----------------------------------------
#
# Once a page has loaded, the theme's script (addTabStopsToScrollableElements) gives every code
# block, output and table that scrolls a tab stop, so that a keyboard user can scroll it. To know
# which ones scroll it reads the size of each; on a phone, where sections off screen are not laid
# out yet (quiz.css, content-visibility), that lays out the whole page in one task (Lighthouse,
# Module 2: about 290 ms of main thread at 4x CPU slowdown, the largest part of its blocking time),
# and it writes each tab stop between two reads, so the page's style is recomputed for every
# element. Two replacements in the built copy of the script, each of which must match exactly
# once (a theme upgrade that changes the code fails the build instead of losing the fix quietly):
# - the first pass waits for quiz.js to lay the sections out in idle time (RecoveryQuiz.afterLayout;
#   without quiz.js on the page, it runs on load as before);
# - every size is read before any tab stop is written, and a tab stop (the tabindex attribute) is
#   written only if it changes (the theme runs the same pass again when the window is resized or the page changes,
#   for instance when a quiz shows its feedback); an element in a section that is still skipped
#   (RecoveryQuiz.inSkippedSection: one whose quiz or tool waits until it comes near the screen) is
#   left until the pass runs again, which it does when that section's quiz or tool starts.
_TAB_STOPS_FIRST_PASS = re.compile(
    r'"complete"===document\.readyState\?(?P<f>[\w$]+)\(\):window\.addEventListener\("load",(?P=f)\)')
_TAB_STOPS_EACH = re.compile(
    r"\.forEach\((?P<e>[\w$]+)=>\{(?P=e)\.tabIndex=(?P=e)\.scrollWidth>(?P=e)\.clientWidth\|\|"
    r"(?P=e)\.scrollHeight>(?P=e)\.clientHeight\?0:-1\}\)")


def patch_theme_js(js: str) -> tuple[str, list[str]]:
    """The theme's script with its tab-stop pass split from the page load (see above), and the
    names of the replacements that did not match exactly once (the script is then unchanged).
    A script patched already (a rebuild that did not copy the theme's file again) is returned as it is."""
    if "window.RecoveryQuiz.afterLayout" in js and "inSkippedSection" in js:
        return js, []
    misses = [name for name, rx in (("the first tab-stop pass", _TAB_STOPS_FIRST_PASS),
                                    ("the tab-stop loop", _TAB_STOPS_EACH)) if len(rx.findall(js)) != 1]
    if misses:
        return js, misses
    js = _TAB_STOPS_FIRST_PASS.sub(
        lambda m: ('(window.RecoveryQuiz&&window.RecoveryQuiz.afterLayout||function(f){'
                   '"complete"===document.readyState?f():window.addEventListener("load",f)})(%s)' % m.group("f")),
        js)
    js = _TAB_STOPS_EACH.sub(
        lambda m: ('.forEach((e,i,a)=>{a.rsStops||(a.rsStops=Array.prototype.map.call(a,x=>'
                   'window.RecoveryQuiz&&window.RecoveryQuiz.inSkippedSection(x)?null:'
                   'x.scrollWidth>x.clientWidth||x.scrollHeight>x.clientHeight?0:-1));'
                   'a.rsStops[i]!==null&&e.getAttribute("tabindex")!==String(a.rsStops[i])&&(e.tabIndex=a.rsStops[i])})'),
        js)
    return js, []


# -- Math rendered at build time -----------------------------------------------------------------
#
# A page with one formula loaded MathJax (1,136 KiB, 255 KiB gzip) and its fonts to typeset it in
# the browser. MathJax itself (npm: mathjax-full, the version vendored for the browser, installed
# by `npm ci` as a dev dependency) typesets each formula here instead, through Node, as SVG with
# its MathML for assistive technology (MathJax's assistive-mml, as in the browser): no math
# script, no font. Without Node or mathjax-full the page keeps the browser's MathJax.

MATH_CSS = "mathjax-svg.css"
MATHJAX_SSR_JS = r"""
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {SVG} = require('mathjax-full/js/output/svg.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AssistiveMmlHandler} = require('mathjax-full/js/a11y/assistive-mml.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');
const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
const svg = new SVG({fontCache: 'local'});
const doc = mathjax.document('', {InputJax: new TeX({packages: AllPackages}), OutputJax: svg});
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const html = JSON.parse(input).map(({tex, display}) => adaptor.outerHTML(doc.convert(tex, {display})));
  process.stdout.write(JSON.stringify({html, css: adaptor.textContent(svg.styleSheet(doc))}));
});
"""


def _rendered_math_pages(app) -> set[str]:
    if not hasattr(app, "_rs_rendered_math"):
        app._rs_rendered_math = set()
    return app._rs_rendered_math


def _node_modules(app, package: str = "mathjax-full") -> Path | None:
    """The node_modules folder (the book's, else the course package's) that holds ``package``."""
    for folder in (Path(app.srcdir), Path(__file__).resolve().parents[1]):
        if (folder / "node_modules" / package / "package.json").is_file():
            return folder / "node_modules"
    return None


def mathjax_ssr(items: list[dict], node_modules: Path) -> dict | None:
    """``items`` ({"tex", "display"}) typeset by MathJax in Node: {"html": [...], "css": str}."""
    return _run_node(MATHJAX_SSR_JS, items, node_modules, "MathJax in Node", timeout=120)


def _run_node(script: str, payload: Any, node_modules: Path, what: str, timeout: int) -> Any:
    """``script`` run in Node with ``payload`` as JSON on its standard input and the packages of
    ``node_modules``; its standard output read as JSON. None without Node; a failure raises."""
    node = shutil.which("node")
    if node is None:
        return None
    proc = subprocess.run(
        [node, "-e", script], input=json.dumps(payload), capture_output=True, text=True,
        env={"NODE_PATH": str(node_modules), "PATH": str(Path(node).parent)}, timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{what} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def _render_math(app, doctree, docname) -> None:
    if app.builder.format != "html":
        return
    found = list(doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))))
    if not found:
        return
    modules = _node_modules(app)
    result = mathjax_ssr([{"tex": n.astext(), "display": isinstance(n, nodes.math_block)} for n in found],
                         modules) if modules else None
    if result is None:
        logger.info("math on %s is left to the browser's MathJax (no Node or no node_modules/mathjax-full: "
                    "run npm ci)", docname)
        return
    for node, html in zip(found, result["html"], strict=True):
        if isinstance(node, nodes.math_block):
            html = f'<div class="rs-math rs-math-block">{html}</div>'
        node.replace_self(nodes.raw("", html, format="html"))
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / MATH_CSS).write_text(result["css"], encoding="utf-8")
    _rendered_math_pages(app).add(docname)


def setup(app):
    app.connect("config-inited", _theme_defaults)
    app.connect("doctree-resolved", _render_math)
    # after sphinx.ext.mathjax (priority 500) has added its script, so that it can be taken out
    app.connect("html-page-context", _tidy_page, priority=800)
    app.connect("build-finished", _rewrite_pages)
    app.add_css_file(FA_CSS)
    app.add_role("avoid", avoid_role)
    app.add_transform(CitationLinks)
    app.add_node(
        avoid_term,
        html=(visit_avoid_html, depart_avoid_html),
        latex=(visit_avoid_text, depart_avoid_text),
        text=(visit_avoid_text, depart_avoid_text),
    )
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
