"""How the course's notebooks store their figures (issue 13: light pages on a phone).

Every figure a course notebook shows (pyplot's ``plt.show()`` and a returned ``Figure`` alike)
is stored as SVG, not PNG, with its text as SVG text (``svg.fonttype: none``), not as glyph
outlines. Measured on the book's six figures (issue 13 note in DEVELOPING.md, "Figures"), this
is 5 to 15 times fewer bytes once gzip is counted than the inline backend's PNG at 100 dpi, and
sharp on every screen and in print. ``recovery_science`` calls :func:`use_course_figures` when it
is imported in a Jupyter kernel, so a course notebook needs no ``%config`` or ``%matplotlib``
magic; :func:`recovery_science.display.show_figures_inline` calls it too.

Text as text means the reader's machine draws it with its own copy of the font: DejaVu Sans
(matplotlib's) where installed, otherwise the next of matplotlib's list (Verdana, Arial,
Helvetica, finally the system's sans-serif). Those are no wider than DejaVu Sans, so a label
never runs out of the space the layout gave it; the glyphs may look a little different. The
figure is an ``<img>`` with its alt text in the book, so screen readers read the alt text, not the
SVG's text. ``svg.hashsalt`` and no ``Date`` make the SVG the same bytes on every run (strict
nbval compares SVG outputs; PNG it skips).
"""

from __future__ import annotations

import sys

FIGURE_FORMAT = "svg"
RC = {"svg.fonttype": "none", "svg.hashsalt": "recovery-science"}
PRINT_FIGURE_KWARGS = {"bbox_inches": "tight", "metadata": {"Date": None}}


def use_course_figures() -> bool:
    """In a Jupyter kernel, show every matplotlib figure as SVG (see the module's docstring):
    now, for a pyplot-free ``Figure`` returned as a cell's result, and whenever pyplot's inline
    backend starts later (it reads ``InlineBackend.figure_formats``). Outside IPython nothing
    happens. Returns whether the formats were set."""
    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    import matplotlib
    from IPython.core.pylabtools import select_figure_formats
    from matplotlib_inline.config import InlineBackend

    matplotlib.rcParams.update(RC)
    cfg = InlineBackend.instance()
    cfg.print_figure_kwargs = {**cfg.print_figure_kwargs, **PRINT_FIGURE_KWARGS}
    cfg.figure_formats = {FIGURE_FORMAT}
    select_figure_formats(shell, cfg.figure_formats, **cfg.print_figure_kwargs)
    return True
