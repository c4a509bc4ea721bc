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
labels out of search-result snippets; see the functions below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docutils import nodes
from docutils.transforms import Transform
from pybtex.plugin import register_plugin as register_pybtex_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from sphinx.util import logging
from sphinxcontrib.bibtex.plugin import register_plugin as register_bibtex_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.label import LabelReferenceStyle

from .bib import citation_labels, make_labels, sort_key

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


class AuthorYearStyle(PlainStyle):
    """pybtex's plain entries, with the course's labels and order."""

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
    """
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


def setup(app):
    app.connect("config-inited", _theme_defaults)
    app.connect("html-page-context", _tidy_page)
    app.add_role("avoid", avoid_role)
    app.add_transform(CitationLinks)
    app.add_node(
        avoid_term,
        html=(visit_avoid_html, depart_avoid_html),
        latex=(visit_avoid_text, depart_avoid_text),
        text=(visit_avoid_text, depart_avoid_text),
    )
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
