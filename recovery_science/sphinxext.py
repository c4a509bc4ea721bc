"""Sphinx extension for the course book.

Adds the ``avoid`` role: {avoid}`term` marks a term that the course teaches students to avoid
(NIDA "Words Matter"), shown struck through and labelled. The language test accepts a listed
term only inside this markup, in bibliography entries and in organisations' proper names.
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


def _tidy_page(app, pagename, templatename, context, doctree):
    """Fix two things the stack emits on every page.

    - Extensions that register the same inline script twice (sphinx-thebe's THEBE_JS_URL
      constant, sphinx-togglebutton's selector) make the browser throw "Identifier has already
      been declared": keep the first of identical scripts.
    - docutils marks bibliography entries role="doc-biblioentry" inside role="list", which
      accessibility checkers reject (a list must hold list items): mark them as list items.
    """
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
    app.connect("html-page-context", _tidy_page)
    app.add_role("avoid", avoid_role)
    app.add_node(
        avoid_term,
        html=(visit_avoid_html, depart_avoid_html),
        latex=(visit_avoid_text, depart_avoid_text),
        text=(visit_avoid_text, depart_avoid_text),
    )
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
