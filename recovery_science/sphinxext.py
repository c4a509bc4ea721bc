"""Sphinx extension for the course book.

Adds the ``avoid`` role: {avoid}`term` marks a term that the course teaches students to avoid
(NIDA "Words Matter"), shown struck through and labelled. The language test accepts a listed
term only inside this markup, in bibliography entries and in organisations' proper names.

It also tidies the theme's chrome (one search control, no doubled page title) and keeps button
labels out of search-result snippets; see the functions below.
"""

from __future__ import annotations

from docutils import nodes


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
    app.add_node(
        avoid_term,
        html=(visit_avoid_html, depart_avoid_html),
        latex=(visit_avoid_text, depart_avoid_text),
        text=(visit_avoid_text, depart_avoid_text),
    )
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
