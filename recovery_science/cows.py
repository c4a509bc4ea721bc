"""Module 2's COWS scorer: the Clinical Opiate Withdrawal Scale (Wesson & Ling 2003) as a
teaching tool, not for clinical use.

The scale is data, written once in ``data/tools/cows.json``: 11 items, the points each allows
(several skip values by design: restlessness allows 0, 1, 3 or 5), the resting pulse's mapping from
beats per minute to points, and the bands of the total (0 to 48). The practice vignettes and their
worked answers are in ``data/tools/cows-vignettes.yaml``.

Pure functions (plain inputs, plain outputs; the same rules and messages as
``book/_static/cows.js``, checked in Node by ``tests/test_node_cows.py``):

* :func:`pulse_points`: beats per minute to points (80 or below 0, 81-100 1, 101-120 2, above 120 4).
* :func:`item_points`: a value for one item to its points; ``ValueError`` naming the item, the
  value and what the item allows when the value is not allowed.
* :func:`check`: the same without raising: ``{"points": n}`` or ``{"error": message}``.
* :func:`band`: a total to its band (a dict from the data file).
* :func:`evaluate` / :func:`score`: all 11 values to the points per item, the total and the band.
* :func:`compare`: a student's values against a vignette's worked answer; the worked answer is
  returned only once every item has a valid value.

Fronts: :func:`explore` (JupyterLab widgets, the book shows :func:`scorer_html`) and
:func:`vignettes` / :func:`vignette` (the practice cases, the book shows :func:`vignettes_html`).
In the book the stored HTML carries a run notice and disabled controls until ``cows.js`` enables
them.
"""

from __future__ import annotations

import html
import json
import math
import re
from pathlib import Path
from typing import Any

from .paths import read_tool_json, tool_path

__all__ = [
    "load_scale",
    "load_vignettes",
    "pulse_points",
    "item_points",
    "check",
    "band",
    "evaluate",
    "score",
    "compare",
    "scorer_html",
    "vignettes_html",
    "explore",
    "vignettes",
    "vignette",
]


def scale_path() -> Path:
    return tool_path("cows.json")


def vignettes_path() -> Path:
    return tool_path("cows-vignettes.yaml")


def load_scale(path: str | Path | None = None) -> dict[str, Any]:
    """The scale (``data/tools/cows.json``, or ``path``), without its comment."""
    return read_tool_json(path if path is not None else scale_path())


def load_vignettes(path: str | Path | None = None) -> list[dict[str, Any]]:
    """The practice vignettes (``data/tools/cows-vignettes.yaml``, or ``path``)."""
    import yaml

    path = Path(path) if path is not None else vignettes_path()
    return yaml.safe_load(path.read_text(encoding="utf-8"))


SCALE = load_scale()

# ----------------------------------------------------------------------------- the scorer (pure)

_WHOLE = re.compile(r"^[0-9]+$")


def _item(scale: dict[str, Any], item_id: str) -> dict[str, Any]:
    for item in scale["items"]:
        if item["id"] == item_id:
            return item
    raise ValueError(f"COWS has no item called {item_id!r}")


def _shown(value) -> str:
    """How a value appears in a message: the same text as cows.js's ``shown``."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or value is None:
        return "true" if value is True else ("false" if value is False else "")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return "not a number"


def _whole(value) -> int | None:
    """A whole number from an int, an integral float or a string of digits; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str) and _WHOLE.match(value.strip()):
        return int(value.strip())
    return None


def _or_list(values: list[int]) -> str:
    words = [str(v) for v in values]
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


def allowed_points(item: dict[str, Any]) -> list[int]:
    if item.get("kind") == "pulse":
        return [row["points"] for row in item["pulse_points"]]
    return [o["points"] for o in item["options"]]


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def pulse_points(bpm, scale: dict[str, Any] | None = None) -> int:
    """Points for a resting pulse in beats per minute (a whole number within the tool's accepted
    range, ``accepted_bpm`` in the data file)."""
    scale = SCALE if scale is None else scale
    item = _item(scale, "pulse")
    lo, hi = item["accepted_bpm"]["min"], item["accepted_bpm"]["max"]
    label = item["label"]
    if _empty(bpm):
        raise ValueError(f"{label}: no value entered yet. Enter the pulse in beats per minute.")
    n = _whole(bpm)
    if n is None:
        raise ValueError(
            f'{label}: "{_shown(bpm)}" is not a whole number. Enter the pulse in beats per minute, '
            f"a whole number from {lo} to {hi}.")
    if n < lo or n > hi:
        raise ValueError(
            f"{label}: {n} beats per minute is outside what this tool accepts ({lo} to {hi}).")
    for row in item["pulse_points"]:
        if row["max_bpm"] is None or n <= row["max_bpm"]:
            return row["points"]
    raise AssertionError("the pulse table has no open last row")  # the data file's test forbids it


def item_points(item_id: str, value, scale: dict[str, Any] | None = None) -> int:
    """Points for one item: the pulse in beats per minute, any other item as one of its allowed
    scores. ``ValueError`` names the item, the value and what is allowed."""
    scale = SCALE if scale is None else scale
    item = _item(scale, item_id)
    if item.get("kind") == "pulse":
        return pulse_points(value, scale)
    allowed = allowed_points(item)
    if _empty(value):
        raise ValueError(f"{item['label']}: no score chosen yet. Allowed: {_or_list(allowed)}.")
    n = _whole(value)
    if n is None or n not in allowed:
        raise ValueError(
            f"{item['label']}: {_shown(value)} is not a score this item allows. Allowed: {_or_list(allowed)}.")
    return n


def check(item_id: str, value, scale: dict[str, Any] | None = None) -> dict[str, Any]:
    """:func:`item_points` without raising: ``{"points": n}`` or ``{"error": message}``."""
    try:
        return {"points": item_points(item_id, value, scale)}
    except ValueError as e:
        return {"error": str(e)}


def band(total, scale: dict[str, Any] | None = None) -> dict[str, Any]:
    """The band of a total (a whole number from 0 to the scale's maximum)."""
    scale = SCALE if scale is None else scale
    n = _whole(total)
    if n is None or n < 0 or n > scale["max_total"]:
        raise ValueError(
            f"A COWS total is a whole number from 0 to {scale['max_total']}; got {_shown(total) or 'nothing'}.")
    for b in scale["bands"]:
        if b["min"] <= n <= b["max"]:
            return b
    raise AssertionError(f"no band holds {n}")  # the data file's test forbids gaps


def evaluate(values: dict[str, Any], scale: dict[str, Any] | None = None) -> dict[str, Any]:
    """All items at once: ``{"points": {id: n}, "total": t, "band": id}`` when every item has an
    allowed value, else ``{"errors": {id: message}, "points": {id: n for the valid ones}}``.
    ``values`` maps item ids to values (the pulse in beats per minute); unknown ids are errors."""
    scale = SCALE if scale is None else scale
    ids = [item["id"] for item in scale["items"]]
    points: dict[str, int] = {}
    errors: dict[str, str] = {}
    for key in sorted(set(values) - set(ids)):
        errors[key] = f"COWS has no item called {key!r}"
    for item_id in ids:
        result = check(item_id, values.get(item_id), scale)
        if "error" in result:
            errors[item_id] = result["error"]
        else:
            points[item_id] = result["points"]
    if errors:
        return {"errors": errors, "points": points}
    total = sum(points.values())
    return {"points": points, "total": total, "band": band(total, scale)["id"]}


def score(values: dict[str, Any], scale: dict[str, Any] | None = None) -> dict[str, Any]:
    """:func:`evaluate`, raising ``ValueError`` (every problem, one per line) instead of returning errors."""
    result = evaluate(values, scale)
    if "errors" in result:
        raise ValueError("\n".join(result["errors"].values()))
    return result


def worked_values(vig: dict[str, Any]) -> dict[str, Any]:
    """A vignette's worked answer as scorer input (the pulse in beats per minute)."""
    return {k: (v["bpm"] if k == "pulse" else v["points"]) for k, v in vig["worked"].items()}


def compare(values: dict[str, Any], vig: dict[str, Any], scale: dict[str, Any] | None = None) -> dict[str, Any]:
    """A student's values against a vignette's worked answer.

    Until every item has an allowed value: ``{"complete": False, "errors": {...}}`` and nothing of
    the worked answer. Then: both totals and bands, and for every item whose points differ, the
    student's points, the worked points and the worked reason, plus the vignette's explanation.
    """
    scale = SCALE if scale is None else scale
    mine = evaluate(values, scale)
    if "errors" in mine:
        return {"complete": False, "errors": mine["errors"]}
    worked = score(worked_values(vig), scale)
    labels = {item["id"]: item["label"] for item in scale["items"]}
    differences = [
        {"item": item["id"], "label": labels[item["id"]], "yours": mine["points"][item["id"]],
         "worked": worked["points"][item["id"]], "reason": vig["worked"][item["id"]]["reason"]}
        for item in scale["items"]
        if mine["points"][item["id"]] != worked["points"][item["id"]]
    ]
    return {"complete": True, "total": mine["total"], "band": mine["band"],
            "worked_total": worked["total"], "worked_band": worked["band"],
            "differences": differences, "explanation": vig["explanation"]}


def band_text(band_id: str, scale: dict[str, Any] | None = None) -> str:
    scale = SCALE if scale is None else scale
    b = next(b for b in scale["bands"] if b["id"] == band_id)
    return f"{b['label']} ({b['range']})"


def total_text(result: dict[str, Any], scale: dict[str, Any] | None = None) -> str:
    """The live total line for :func:`evaluate`'s result (cows.js's ``totalText`` says the same)."""
    scale = SCALE if scale is None else scale
    n = len(scale["items"])
    if "errors" in result:
        done = len(result["points"])
        return (f"Scored {done} of {n} items; total so far {sum(result['points'].values())}. "
                "Score every item to see the band.")
    return f"Total {result['total']} of {scale['max_total']}: {band_text(result['band'], scale)}."


# ----------------------------------------------------------------------------- the book's HTML

NOTICE_CLASS = "rs-cows-notice"
# Shown in the stored output until cows.js enables the controls in the book (it removes it); in an
# unrun notebook in JupyterLab it stays, above controls that are disabled until then.
RUN_NOTICE = "Run this cell to use the scorer here (JupyterLab), or use it in the course book."
CHOOSE = "choose a score"


def _option_label(points: int, text: str) -> str:
    return f"{points} \u2014 {text}"


def _controls_html(prefix: str, scale: dict[str, Any]) -> str:
    parts = []
    for item in scale["items"]:
        iid = f"{prefix}-{item['id']}"
        hint = html.escape(item["hint"])
        hint_html = f'<span class="rs-cows-hint" id="{iid}-hint">{hint}</span>' if hint else ""
        described = f"{iid}-hint {iid}-err" if hint else f"{iid}-err"
        parts.append(f'<div class="rs-cows-item" data-item="{item["id"]}">')
        parts.append(f'<label for="{iid}">{html.escape(item["label"])}</label>{hint_html}')
        if item.get("kind") == "pulse":
            acc = item["accepted_bpm"]
            mapping = "; ".join(f"{r['text']}: {r['points']}" for r in item["pulse_points"])
            parts.append(
                f'<span class="rs-cows-pulse"><input type="text" inputmode="numeric" autocomplete="off" '
                f'id="{iid}" class="rs-cows-input" data-item="{item["id"]}" size="5" '
                f'aria-describedby="{described} {iid}-map" disabled> beats per minute</span>'
                f'<span class="rs-cows-hint" id="{iid}-map">Points: {html.escape(mapping)} '
                f'(accepted: {acc["min"]} to {acc["max"]}).</span>')
        else:
            options = "".join(
                f'<option value="{o["points"]}">{html.escape(_option_label(o["points"], o["text"]))}</option>'
                for o in item["options"])
            parts.append(
                f'<select id="{iid}" class="rs-cows-input" data-item="{item["id"]}" '
                f'aria-describedby="{described}" disabled><option value="">{CHOOSE}</option>{options}</select>')
        parts.append(f'<p class="rs-cows-error" id="{iid}-err"></p></div>')
    return "".join(parts)


def _box_html(kind: str, prefix: str, payload: dict[str, Any], inner_top: str, scale: dict[str, Any],
              button: str | None) -> str:
    from .outputs import NO_MATH_CLASS, run_notice_html

    embedded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    button_html = (f'<p><button type="button" class="rs-cows-check" disabled>{html.escape(button)}</button></p>'
                   if button else "")
    return (
        f'<div class="rs-cows rs-cows-{kind} {NO_MATH_CLASS}" id="{prefix}" '
        f'data-rs-cows="{html.escape(embedded, quote=True)}">'
        + run_notice_html(RUN_NOTICE)
        + f'<p class="{NOTICE_CLASS}" role="note"><strong>{html.escape(scale["notice"])}</strong></p>'
        + inner_top
        + f'<div class="rs-cows-items" role="group" aria-label="{html.escape(scale["name"])} items">'
        + _controls_html(prefix, scale)
        + "</div>"
        + f'<p class="rs-cows-total" aria-live="polite">{html.escape(total_text(evaluate({}, scale), scale))}</p>'
        + button_html
        + '<div class="rs-cows-feedback" aria-live="polite"></div>'
        + "<noscript><p>Turn on JavaScript to use the scorer.</p></noscript>"
        + "</div>"
    )


def scorer_html(scale: dict[str, Any] | None = None) -> str:
    """The no-kernel scorer for the book: one control per item (disabled, under a run notice, until
    ``book/_static/cows.js`` enables them), the live total and band, and the scale embedded as JSON
    for the script. No form and nothing that submits or navigates."""
    scale = SCALE if scale is None else scale
    top = (f'<p class="rs-cows-title"><strong>Score a presentation with the {html.escape(scale["name"])}</strong> '
           "(it runs in your browser). Choose a score for every item and enter the pulse in beats per minute.</p>")
    return _box_html("scorer", "rs-cows-scorer", {"scale": scale}, top, scale, None)


def _vignette_html(vig: dict[str, Any], scale: dict[str, Any]) -> str:
    top = (f'<h3 class="rs-cows-title">{html.escape(vig["title"])}</h3>'
           f'<p class="rs-cows-case">{html.escape(vig["text"])}</p>'
           "<p>Score every item from the description, then check your scoring. The worked answer "
           "appears once every item has a score.</p>")
    return _box_html("vignette", f"rs-cows-{vig['id']}", {"scale": scale, "vignette": vig}, top, scale,
                     "Check my scoring")


def vignettes_html(scale: dict[str, Any] | None = None, vigs: list[dict[str, Any]] | None = None,
                   ids: list[str] | None = None) -> str:
    """The practice vignettes for the book (all, or those in ``ids``), each with its own controls."""
    scale = SCALE if scale is None else scale
    vigs = load_vignettes() if vigs is None else vigs
    chosen = [v for v in vigs if ids is None or v["id"] in ids]
    if ids is not None and len(chosen) != len(ids):
        raise ValueError(f"unknown vignette id among {ids}; known: {[v['id'] for v in vigs]}")
    return "".join(_vignette_html(v, scale) for v in chosen)


def feedback_html(result: dict[str, Any], scale: dict[str, Any] | None = None) -> str:
    """What a student sees after checking a vignette (cows.js builds the same from ``compare``)."""
    scale = SCALE if scale is None else scale
    if not result["complete"]:
        missing = [item["label"] for item in scale["items"] if item["id"] in result["errors"]]
        return ("<p>Score every item first. Still to do: " + html.escape(", ".join(missing)) + ".</p>")
    rows = "".join(
        f"<li>{html.escape(d['label'])}: you gave {d['yours']}, the worked answer gives {d['worked']}. "
        f"{html.escape(d['reason'])}</li>" for d in result["differences"])
    same = "Your points match the worked answer on every item." if not result["differences"] else ""
    return (
        f"<p>Your total: <strong>{result['total']}</strong>, {html.escape(band_text(result['band'], scale))}. "
        f"Worked total: <strong>{result['worked_total']}</strong>, "
        f"{html.escape(band_text(result['worked_band'], scale))}.</p>"
        + (f"<ul>{rows}</ul>" if rows else f"<p>{same}</p>")
        + f"<p>{html.escape(result['explanation'])}</p>"
    )


# ----------------------------------------------------------------------------- JupyterLab widgets

def _widget_controls(scale: dict[str, Any]):
    import ipywidgets as widgets

    controls = {}
    rows = []
    for item in scale["items"]:
        if item.get("kind") == "pulse":
            control = widgets.Text(placeholder="beats per minute", description=item["label"],
                                   continuous_update=True, style={"description_width": "14rem"},
                                   layout=widgets.Layout(width="24rem"))
        else:
            control = widgets.Dropdown(
                options=[(CHOOSE, "")]
                + [(_option_label(o["points"], o["text"]), o["points"]) for o in item["options"]],
                value="", description=item["label"], style={"description_width": "14rem"},
                layout=widgets.Layout(width="44rem"))
        error = widgets.HTML()
        controls[item["id"]] = (control, error)
        rows.append(widgets.VBox([control, error]))
    return controls, rows


def _values(controls) -> dict[str, Any]:
    return {k: c.value for k, (c, _) in controls.items()}


def _show_errors(controls, result) -> None:
    for item_id, (control, error) in controls.items():
        message = result.get("errors", {}).get(item_id, "")
        # an item not yet touched is not an error to show; a rejected value is
        shown = message if message and not _empty(control.value) else ""
        error.value = f'<span style="color:#b3261e">{html.escape(shown)}</span>' if shown else ""


def explore():
    """The live scorer for JupyterLab: one control per item, the pulse typed in beats per minute,
    and a live total and band. The book shows :func:`scorer_html` instead (no kernel)."""
    import ipywidgets as widgets

    from .display import LiveBox

    scale = SCALE
    controls, rows = _widget_controls(scale)
    total = widgets.HTML()

    def update(*_):
        result = evaluate(_values(controls), scale)
        _show_errors(controls, result)
        total.value = f"<b>{html.escape(total_text(result, scale))}</b>"

    for control, _ in controls.values():
        control.observe(update, names="value")
    update()
    return LiveBox(
        [widgets.HTML(f"<b>{html.escape(scale['notice'])}</b>"), *rows, total],
        note=("Interactive version: run this notebook in JupyterLab to use the COWS scorer, "
              "or use it in the course book."),
        html=scorer_html(scale),
    )


def vignette(vignette_id: str):
    """One practice vignette, live in JupyterLab (the book shows its part of :func:`vignettes_html`)."""
    import ipywidgets as widgets

    from .display import LiveBox

    scale = SCALE
    vig = next((v for v in load_vignettes() if v["id"] == vignette_id), None)
    if vig is None:
        raise ValueError(f"no COWS vignette called {vignette_id!r}")
    controls, rows = _widget_controls(scale)
    total = widgets.HTML()
    button = widgets.Button(description="Check my scoring")
    feedback = widgets.HTML()

    def update(*_):
        result = evaluate(_values(controls), scale)
        _show_errors(controls, result)
        total.value = f"<b>{html.escape(total_text(result, scale))}</b>"

    def check_click(*_):
        feedback.value = feedback_html(compare(_values(controls), vig, scale), scale)

    for control, _ in controls.values():
        control.observe(update, names="value")
    button.on_click(check_click)
    update()
    return LiveBox(
        [widgets.HTML(f"<b>{html.escape(scale['notice'])}</b><h4>{html.escape(vig['title'])}</h4>"
                      f"<p>{html.escape(vig['text'])}</p>"), *rows, total, button, feedback],
        note=(
            "Interactive version: run this notebook in JupyterLab to score the vignette, "
            "or use it in the course book."
        ),
        html=vignettes_html(scale, ids=[vignette_id]),
    )


def vignettes():
    """Every practice vignette, live in JupyterLab, one after the other."""
    import ipywidgets as widgets

    from .display import LiveBox

    boxes = [vignette(v["id"]) for v in load_vignettes()]
    return LiveBox(
        boxes,
        note=(
            "Interactive version: run this notebook in JupyterLab to score the vignettes, "
            "or use them in the course book."
        ),
        html=vignettes_html(),
        layout=widgets.Layout(width="100%"),
    )
