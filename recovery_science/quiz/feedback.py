"""What a question shows after Check, Try again or Show answer: one pure function, :func:`view`,
with a twin of the same name in ``book/_static/quiz.js``. Both take the data the page gives
quiz.js (:func:`.static.client_question`), the question's record and the latest result, as plain
JSON-like values; ``tests/test_node_grading.py`` runs both on the same cases. The widget front
(``widget.py``) and quiz.js only draw what ``view`` returns.

The rules (DEVELOPING.md, "What a student sees"):

- Before any attempt: nothing, and only Check.
- A wrong attempt: "Not quite." and the feedback of what was chosen (multiple select: one line per
  chosen option, led by its text, and how many keyed options are still missing, never which).
  No explanation yet. "Try again" (clears the answer) and "Show answer" appear.
- A right attempt: "Correct.", the feedback, the explanation and the source.
- Show answer: the question is revealed for good: the right answer, the explanation and the
  source, and a note that it no longer counts towards the score, even if answered right later.
- An answer that cannot be graded: "Not checked." and what to enter; no attempt is counted.
- A bank feedback that starts with the verdict already shown ("Not quite. 6-MAM ...",
  "Correct: 21.4 ...") is shown without those words, so no verdict is printed twice.
"""

from __future__ import annotations

import re
from typing import Any

HEADINGS = {"correct": "Correct.", "incorrect": "Not quite.", "invalid": "Not checked.", "revealed": "Answer shown."}
NOT_SCORED = "You saw the answer, so this question does not count towards your score."


def trim_verdict(heading: str, text: str) -> str:
    """``text`` without a leading repeat of ``heading``'s words (then a ``.``, ``:`` or ``,``)."""
    words = heading.rstrip(".")
    m = re.match(re.escape(words) + r"[.:,][ ]+(?=\S)", text, re.IGNORECASE)
    if not m:
        return text
    rest = text[m.end():]
    return rest[0].upper() + rest[1:]


def missing_text(n: int) -> str:
    if n <= 0:
        return ""
    return "1 correct option is still missing." if n == 1 else f"{n} correct options are still missing."


def attempts_text(n: int) -> str:
    return f"Attempts: {n}" if n else ""


def shown_text(revealed: int) -> str:
    return f" ({revealed} answer{'' if revealed == 1 else 's'} shown, not scored)" if revealed else ""


def score_text(score: int, total: int, revealed: int) -> str:
    return f"Score: {score} of {total} correct{shown_text(revealed)}"


def view(q: dict[str, Any], rec: dict[str, Any] | None, res: dict[str, Any] | None) -> dict[str, Any]:
    """What one question shows. ``q``: the client question; ``rec``: its record (or None);
    ``res``: the result on screen (None after Try again, on a fresh page, or after Reset)."""
    from .types import question_type

    revealed = bool(rec and rec.get("revealed"))
    attempts = rec["attempts"] if rec else 0
    status = res["status"] if res else ("revealed" if revealed else "")
    out: dict[str, Any] = {
        "status": status, "heading": HEADINGS.get(status, ""), "message": "", "items": [], "missing": "",
        "answer": list(q["reveal"]) if revealed else [], "explain": False, "note": NOT_SCORED if revealed else "",
        "retry": bool(res) and res["status"] == "incorrect",
        "show_answer": attempts > 0 and not revealed and not (rec and rec.get("verdict") == "correct"),
        "attempts": attempts_text(attempts),
    }
    if res and res["status"] == "invalid":
        out["message"] = res["message"]
    elif res:
        heading = out["heading"]
        if question_type(q["type"]).per_option:
            chosen = set(rec["response"]) if rec and isinstance(rec.get("response"), list) else set()
            labels = [o["text"] for o in q["options"] if o["id"] in chosen]
            if len(labels) != len(res["feedback"]):
                labels = [""] * len(res["feedback"])
            out["items"] = [{"label": label, "text": trim_verdict(heading, f)}
                            for label, f in zip(labels, res["feedback"], strict=True)]
        else:
            out["items"] = [{"label": "", "text": trim_verdict(heading, f)} for f in res["feedback"]]
        out["missing"] = missing_text(res.get("missing", 0)) if res["status"] == "incorrect" else ""
    out["explain"] = revealed or (bool(res) and res["status"] == "correct")
    return out
