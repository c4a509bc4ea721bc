"""Display helpers shared by the modules' interactive explorations."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from .outputs import NO_MATH_CLASS

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class LiveBox(widgets.VBox):
    """A VBox that, where no kernel can drive it (the static book), shows something else.

    JupyterLab renders the widget view; the book renders ``text/html`` (see
    ``nb_mime_priority_overrides`` in ``_config.yml``): a no-kernel version when one is given
    (``html``), otherwise a note on how to get the live version. Both are the same on every run,
    so strict nbval can compare them.
    """

    def __init__(self, children, note: str, html: str | None = None, **kwargs):
        self.note = note
        self.static_html = html
        super().__init__(children, **kwargs)

    def _repr_mimebundle_(self, **kwargs):
        note = f'<p class="rs-live-note {NO_MATH_CLASS}"><em>{escape(self.note)}</em></p>'
        data = {"text/plain": self.note, "text/html": self.static_html or note}
        view = super()._repr_mimebundle_(**kwargs)
        if view and WIDGET_VIEW in view:
            data[WIDGET_VIEW] = view[WIDGET_VIEW]
        return data


def show_figures_inline() -> None:
    """In a Jupyter kernel a Figure returned as a cell's result shows as an image only once a
    figure formatter is registered, which pyplot's inline backend does when it first draws a
    figure; a notebook whose first figure is a pyplot-free Figure (receptor, cm) would otherwise
    store ``<Figure size ...>`` as text. Register the course's format (SVG, with text as text:
    :mod:`recovery_science.figures`), as importing ``recovery_science`` in a kernel already does."""
    from .figures import use_course_figures

    use_course_figures()
