"""What every stored no-kernel output (a tool's or a quiz's HTML) shares; no widget imports, so
the book build and the command line can use it."""

from __future__ import annotations

from html import escape

# A stored no-kernel output carries a notice with these classes: JupyterLab shows it in an unrun
# notebook, the book's script removes it once the controls work, and the book's search snippets
# leave it out (rs-search-skip).
RUN_NOTICE_CLASSES = "rs-run-notice rs-search-skip"

# On the root of every stored HTML output. JupyterLab typesets the text of an HTML output with
# MathJax, so two dollar amounts in one run of text ("$2.50 for the first, and $1.00 more") became
# italic math; MathJax 3 leaves an element with this class (its ignoreHtmlClass) alone. The book
# typesets math at build time only, from the Markdown.
NO_MATH_CLASS = "mathjax_ignore"


def run_notice_html(text: str) -> str:
    """The notice shown above stored controls until a script or a kernel makes them work."""
    return f'<p class="{RUN_NOTICE_CLASSES}" role="note"><strong>{escape(text)}</strong></p>'
