"""Display helpers shared by the modules' interactive explorations."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

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
        data = {
            "text/plain": self.note,
            "text/html": self.static_html or f'<p class="rs-live-note"><em>{escape(self.note)}</em></p>',
        }
        view = super()._repr_mimebundle_(**kwargs)
        if view and WIDGET_VIEW in view:
            data[WIDGET_VIEW] = view[WIDGET_VIEW]
        return data
