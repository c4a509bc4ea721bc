"""The "My progress" page (``book/progress.md``): the course data it needs, made at build time;
and the glossary's term anchors as link targets for Markdown links (see ``_glossary_anchors``).

A Sphinx extension. On the progress page only, it adds ``book/_static/progress.js`` and one
``<script type="application/json" id="rs-progress-data">`` with, for every module notebook that
shows a quiz (in the order of their file names, which are numbered): the module's title and page,
its bank's id, title and version, each objective with the link to the section that teaches it,
and each question as quiz.js grades it. Nothing is copied by hand: a new module joins the page by
showing its quiz and mapping its objectives to sections in its notebook metadata::

    "recovery_science": {"objective_sections": {"LO1": "What heroin is and how fast it acts", ...}}

Each value is the text of a heading in that notebook; the build warns (an error under ``-W``) when
a bank objective has no section or the heading does not exist. ``progress.js`` re-grades every
stored answer against these questions, as quiz.js does (DEVELOPING.md, "Progress export").
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util import logging

from .quiz import load_bank
from .quiz.order import arrange, bank_version
from .quiz.static import client_question, plain

PAGE = "book/progress"
SCRIPT = "progress.js"
DATA_ID = "rs-progress-data"
METADATA_KEY = "objective_sections"
_QUIZ = re.compile(r'data-rs-quiz="([a-z0-9-]+)"')
logger = logging.getLogger(__name__)

# What client_question gives that grading does not need (the page shows no answer or explanation).
_NOT_FOR_GRADING = ("explanation", "reveal", "source")


def _norm(text: str) -> str:
    """Heading text compared without typographic quotes or extra spaces (Sphinx's smartquotes)."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split())


def notebook_quiz(path: Path) -> tuple[str | None, dict[str, str]]:
    """The bank a notebook shows (from its stored quiz output) and its objective-to-heading map."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    bank = None
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            found = _QUIZ.search("".join(html) if isinstance(html, list) else html)
            if found:
                bank = found.group(1)
    sections = nb.get("metadata", {}).get("recovery_science", {}).get(METADATA_KEY, {})
    return bank, dict(sections)


def section_ids(doctree) -> dict[str, str]:
    """Each section's heading text (normalised) and the id its HTML anchor gets."""
    out: dict[str, str] = {}
    for section in doctree.findall(nodes.section):
        title = next(iter(section.findall(nodes.title)), None)
        if title is not None and section["ids"]:
            out.setdefault(_norm(title.astext()), section["ids"][0])
    return out


def _grading(question) -> dict[str, Any]:
    data = client_question(question, with_source=False)
    return {k: v for k, v in data.items() if k not in _NOT_FOR_GRADING}


def course_data(app) -> dict[str, Any]:
    """What progress.js needs, for every quiz module of the book (see the module docstring)."""
    env, builder = app.env, app.builder
    modules = []
    for docname in sorted(env.found_docs):
        source = Path(env.doc2path(docname))
        if source.suffix != ".ipynb":
            continue
        bank_id, sections = notebook_quiz(source)
        if bank_id is None:
            continue
        bank = load_bank(bank_id)
        anchors = section_ids(env.get_doctree(docname))
        page = builder.get_relative_uri(PAGE, docname)
        objectives = []
        for obj in bank.objectives:
            heading = sections.get(obj.id)
            anchor = anchors.get(_norm(heading)) if heading else None
            if heading is None:
                logger.warning("%s: objective %s of bank %s has no section in metadata.recovery_science.%s",
                               source.name, obj.id, bank_id, METADATA_KEY, location=docname)
            elif anchor is None:
                logger.warning("%s: objective %s maps to the heading %r, which the notebook does not have",
                               source.name, obj.id, heading, location=docname)
            objectives.append({"id": obj.id, "text": plain(obj.text), "section": heading,
                               "url": f"{page}#{anchor}" if anchor else page})
        title = env.titles.get(docname)
        modules.append({
            "doc": docname,
            "title": title.astext() if title is not None else docname,
            "url": page,
            "quiz_url": f"{page}#rsq-{bank_id}",
            "bank": bank_id,
            "bank_title": plain(bank.title),
            "version": bank_version(bank),
            "objectives": objectives,
            "questions": [_grading(q) for q in arrange(bank).questions],
        })
    return {"modules": modules}


def _json_for_script(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _page_context(app, pagename, templatename, context, doctree):
    if pagename != PAGE:
        return
    app.add_js_file(None, body=_json_for_script(course_data(app)), type="application/json", id=DATA_ID)
    app.add_js_file(SCRIPT, priority=900)  # after quiz.js (html_js_files: 800), whose functions it uses


def _always_rewrite(app, env, added, changed, removed):
    """The page shows every module: rebuild it whenever the book is built."""
    return [PAGE] if PAGE in env.found_docs else []


def _glossary_anchors(app, doctree):
    """Let Markdown links reach glossary terms (``[tolerance](../book/glossary.md#term-Tolerance)``,
    the form notebooks use since JupyterLab has no roles): MyST checks such a link's anchor against
    the page's heading slugs only, so the term ids are added to them. A link to a term that does
    not exist still warns."""
    slugs = app.env.metadata[app.env.docname].setdefault("myst_slugs", {})
    for term in doctree.findall(nodes.term):
        for node_id in term["ids"]:
            if node_id.startswith("term-"):
                slugs.setdefault(node_id, (term.line or 0, node_id, term.astext()))


def setup(app):
    app.connect("doctree-read", _glossary_anchors)
    app.connect("html-page-context", _page_context)
    app.connect("env-get-outdated", _always_rewrite)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
