"""Display helpers shared by the modules' interactive explorations."""

from __future__ import annotations

import html

import ipywidgets as widgets

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class LiveBox(widgets.VBox):
    """A VBox that, where no kernel can drive it (the static book), shows a short note instead.

    JupyterLab renders the widget view; the book renders ``text/html`` (see
    ``nb_mime_priority_overrides`` in ``_config.yml``), which says how to get the live version.
    The note is the same on every run, so strict nbval can compare it.
    """

    def __init__(self, children, note: str, **kwargs):
        self.note = note
        super().__init__(children, **kwargs)

    def _repr_mimebundle_(self, **kwargs):
        data = {
            "text/plain": self.note,
            "text/html": f'<p class="rs-live-note"><em>{html.escape(self.note)}</em></p>',
        }
        view = super()._repr_mimebundle_(**kwargs)
        if view and WIDGET_VIEW in view:
            data[WIDGET_VIEW] = view[WIDGET_VIEW]
        return data
