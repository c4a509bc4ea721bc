"""Person-first, non-stigmatizing language check, used by tests/test_language.py.

Source of the terms: the "Avoid | Use instead" table of the course's fact sheet, which follows NIDA,
*Words Matter: Terms to Use and Avoid When Talking About Addiction* (bibliography key
``nida2021wordsmatter``), ONDCP *Changing the Language of Addiction* (2017) and the other sources
named there. Every row of that table is one entry of ``TERMS`` below; ``TERMS[...].source`` names
the row.

What is allowed, because it is not a label for a person or their care:

* a term shown in order to correct it: the ``{avoid}`term``` role, its rendered HTML
  ``<del ...>term</del>``, Markdown strikethrough ``~~term~~``, and the plain-text form
  ``"term" (term to avoid)`` (see :func:`plain_avoid`);
* a term mentioned in quotation marks, as a phrase that people say rather than the course's own
  wording: ``NIDA lists 'user' among the labels to avoid``, ``a colleague calls it “swapping one drug
  for another”``. The quoted span must sit on one line and be at most 80 characters, so a stray
  quote cannot hide a paragraph. Quotes that are file syntax do not count: banks and other YAML or
  JSON data are read as the strings they hold, JavaScript and Python as the values of their literals;
* proper names: organisations (NIDA, SAMHSA, ...), laws, named therapies, and every title, journal,
  institution and author of ``book/references.bib``;
* web addresses (``https://nida.nih.gov/.../drug-abuse``);
* harm-reduction phrases such as "clean equipment", "clean needles", "clean syringes";
* "abuse" about violence (child abuse, sexual abuse, ...), "victims" of crime or violence,
  neuroscience's "habit learning", a drug label's "habit-forming", "nicotine replacement therapy",
  and software's "user interface" / "user agent".

:func:`course_texts` lists everything the check reads: book pages, notebook cells and their stored
outputs (HTML as the text a reader sees), banks, data, README, and the course's own UI strings in
``recovery_science/**/*.py`` (string literals, not docstrings or comments) and ``book/_static/*.js``
(string and template literals, via espree, ESLint's parser; ``vendor/`` is not ours).
"""

from __future__ import annotations

import ast
import functools
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

SEP = r"[\s\-]+"  # between the words of a phrase: spaces, line breaks or hyphens
SUBSTANCE = (
    r"(?:drugs?|substances?|opioids?|opiates?|heroin|alcohol|narcotics?|prescription|painkillers?|pills?|"
    r"medications?|medicines?|fentanyl|methadone|buprenorphine|oxycodone|morphine|cocaine|stimulants?|"
    r"polysubstance)"
)
PERSON = (
    r"(?:I|I'm|you|he|she|they|we|who|person|people|patients?|clients?|someone|anyone|mother|father|"
    r"son|daughter|friend|partner|individuals?|adults?|teens?|adolescents?|women|men|residents?)"
)
BE = (
    r"(?:is|was|are|were|be|been|being|am|'s|'re|stay|stays|stayed|staying|remain|remains|remained|"
    r"get|gets|got|getting|keep|keeps|kept)"
)
HARM_REDUCTION = (
    r"(?:equipment|needles?|syringes?|supplies|works|water|cookers?|cottons?|gear|injection|pipes?|"
    r"straws?|kits?|sites?|hands?)"
)
TEST_NOUN = r"(?:tests?|screens?|results?|samples?|urines?|UDS|tox(?:icology)?|panels?|specimens?)"


@dataclass(frozen=True)
class Term:
    pattern: str
    source: str
    case_sensitive: bool = False


def _t(pattern: str, source: str, case_sensitive: bool = False) -> Term:
    return Term(pattern, source, case_sensitive)


_TABLE = "fact sheet 'Avoid | Use instead' table (NIDA Words Matter)"
TERMS: dict[str, Term] = {
    "addict": _t(r"\baddicts?\b", f"{_TABLE}: addict; former/reformed addict"),
    "user": _t(
        r"\busers?\b(?!" + SEP + r"(?:interface|agent|guide|experience|settings?|data|name)s?\b)(?!-select)",
        f"{_TABLE}: user",
    ),
    "abuser": _t(r"\babusers?\b", f"{_TABLE}: substance/drug abuser"),
    "junkie": _t(r"\bjunk(?:ie|ies|y)\b", f"{_TABLE}: junkie"),
    "abuse": _t(
        rf"\b{SUBSTANCE}(?:{SEP}(?:use|drugs?|opioids?|medications?))?{SEP}abuse\b"
        rf"|\babus(?:e|es|ed|ing){SEP}(?:of{SEP})?(?:the{SEP}|a{SEP})?{SUBSTANCE}\b"
        rf"|\b{SUBSTANCE}{SEP}of{SEP}abuse\b"
        rf"|\babuse{SEP}(?:potential|liability|disorders?|treatment|problems?)\b",
        f"{_TABLE}: opioid abuse; abuse; substance/drug abuse",
    ),
    "dependence (as a diagnosis)": _t(
        rf"\b(?:diagnos\w*{SEP}(?:with|of)|{PERSON}{SEP}with|(?:treat\w*|therapy|care|medications?){SEP}(?:of|for)"
        rf"|has|have|had|having){SEP}(?:an?{SEP})?(?:opioid|opiate|heroin|drug|substance){SEP}dependence\b"
        rf"|\b(?:opioid|opiate|heroin|drug|substance){SEP}dependence{SEP}(?:diagnos\w*|disorder|syndrome)\b",
        f"{_TABLE}: opioid dependence (as diagnosis)",
    ),
    "habit": _t(
        r"\bhabits?\b(?!" + SEP + r"(?:learning|formation|system|circuits?|memory|forming)\b)",
        f"{_TABLE}: habit",
    ),
    "clean/dirty (test result)": _t(
        rf"\b(?:clean|dirty){SEP}(?:(?:urine|drug|tox(?:icology)?){SEP})?{TEST_NOUN}\b"
        rf"|\b{TEST_NOUN}{SEP}(?:(?:is|was|are|were|came{SEP}back|comes{SEP}back|coming{SEP}back|returned|"
        rf"turned{SEP}up|showed{SEP}up){SEP})(?:clean|dirty)\b"
        rf"|\b(?:test|tests|tested|testing|screened|screens|screening){SEP}(?:clean|dirty)\b",
        f"{_TABLE}: clean / dirty (urine screen)",
    ),
    "clean (a person)": _t(
        rf"\b{PERSON}{SEP}(?:(?:has|have|had){SEP}been|{BE}){SEP}(?:clean|dirty)\b(?!{SEP}{HARM_REDUCTION}\b)"
        rf"|\b(?:stay|stays|stayed|staying|get|gets|got|getting){SEP}clean\b(?!{SEP}{HARM_REDUCTION}\b)"
        rf"|\bclean{SEP}(?:and|&){SEP}sober\b|\bclean{SEP}time\b"
        rf"|\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|several|many|few)"
        rf"{SEP}(?:days?|weeks?|months?|years?){SEP}clean\b|\bclean{SEP}(?:for|since){SEP}\d",
        f"{_TABLE}: clean (person)",
    ),
    "replacement/substitution therapy": _t(
        rf"\b(?<!nicotine )(?:replacement|substitution|substitute){SEP}(?:therapy|therapies|treatments?|"
        rf"medications?|programm?es?|drugs?|opioids?|maintenance)\b",
        f"{_TABLE}: opioid substitution / replacement therapy",
    ),
    "replacing one drug with another": _t(
        rf"\b(?:one|an?){SEP}(?:drug|opioid|addiction|substance){SEP}(?:with|for){SEP}another\b",
        f"{_TABLE}: \"replacing one drug with another\"",
    ),
    "relapse": _t(r"\brelaps(?:e|es|ed|ing)\b", f"{_TABLE}: relapse"),
    "treatment failure": _t(rf"\btreatment{SEP}failures?\b", f"{_TABLE}: treatment failure"),
    "detox": _t(r"\bdetox(?:es|ed|ing)?\b", f"{_TABLE}: detox"),
    "victim": _t(
        r"\bvictims?\b(?!" + SEP + r"of" + SEP + r"(?:crime|violence|abuse|assault|trafficking|fraud|"
        r"(?:domestic|sexual|intimate|partner|gun)\b))",
        f"{_TABLE}: victim (of addiction/heroin)",
    ),
    "MAT (medication-assisted treatment)": _t(
        rf"\bMAT\b|\b[Mm]edication{SEP}[Aa]ssisted{SEP}(?:[Tt]reatment|[Tt]herapy|[Rr]ecovery)\b",
        f"{_TABLE}: MAT (\"medication-assisted treatment\")",
        case_sensitive=True,
    ),
}
_COMPILED = {name: re.compile(t.pattern, 0 if t.case_sensitive else re.I) for name, t in TERMS.items()}

# Proper names (besides every title, journal, institution and author in references.bib).
PROPER_NAMES = [
    "National Institute on Drug Abuse",
    "National Institute on Alcohol Abuse and Alcoholism",
    "Substance Abuse and Mental Health Services Administration",
    "Substance Abuse and Mental Health Services",
    "Center for Substance Abuse Treatment",
    "Journal of Substance Abuse Treatment",
    "Substance Abuse Prevention and Treatment Block Grant",
    "Drug Abuse Warning Network",
    "Drug and Alcohol Abuse",
    "Mainstreaming Addiction Treatment Act",
]
CASE_SENSITIVE_NAMES = ["MAT Act", "MATE Act", "Relapse Prevention"]  # a law; a named therapy

AVOID_FORMS = [
    re.compile(r"\{avoid\}`[^`]*`"),  # the MyST role
    re.compile(r"<del\b[^>]*>.*?</del>", re.S),  # its HTML rendering
    re.compile(r"~~[^~\n]+~~"),  # Markdown strikethrough
    re.compile(r"[\"“][^\"”\n]+[\"”] \(term to avoid\)"),  # plain text: see plain_avoid
]
# A quoted mention: curly quotes, or straight quotes that open after a non-word character and close
# before one (so the apostrophes of "NIDA's" or "patients'" never open a span).
QUOTED = [
    re.compile(r"“[^”\n]{1,80}”"),
    re.compile(r"‘[^’\n]{1,80}’"),
    re.compile(r"(?<![\w\"])\"[^\"\n]{1,80}\"(?![\w\"])"),
    re.compile(r"(?<![\w'])'[^'\n]{1,80}'(?![\w'])"),
]
URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w.-]+\.(?:gov|org|com)(?:/\S*)?", re.I)
ROOT = Path(__file__).resolve().parents[1]


def plain_avoid(term: str) -> str:
    """The plain-text form of {avoid}`term` (text/plain outputs, widget labels): the check accepts it."""
    return f"“{term}” (term to avoid)"


@dataclass(frozen=True)
class Hit:
    term: str
    text: str
    line: int


def _blank(m: re.Match) -> str:
    """Spaces in place of a match, keeping its line breaks (so line numbers stay right)."""
    return re.sub(r"[^\n]", " ", m.group(0))


def _name_pattern(name: str) -> str:
    return SEP.join(re.escape(word) for word in name.split())


@functools.cache
def bibliography_names(bib: Path | None = None) -> tuple[str, ...]:
    """Titles, journals, publishers, institutions and (organisation) authors from references.bib."""
    from pybtex.database import parse_file

    path = bib or _course_file("book/references.bib")
    names = set()
    for entry in parse_file(str(path)).entries.values():
        for field in ("title", "journal", "booktitle", "publisher", "institution", "organization", "series"):
            if field in entry.fields:
                names.add(entry.fields[field])
        for person in entry.persons.get("author", []):
            names.add(str(person))
    cleaned = {re.sub(r"[{}\\]", "", n).replace("--", "–").strip() for n in names}
    # Only names that would be flagged need allowing; allowing others ("Heroin") could hide a hit.
    flagged = [n for n in cleaned if any(rx.search(n) for rx in _COMPILED.values())]
    return tuple(sorted(flagged, key=len, reverse=True))


def _course_file(rel: str) -> Path:
    from .paths import course_root

    return course_root() / rel


@functools.cache
def _allowed_names() -> re.Pattern:
    names = [*PROPER_NAMES, *bibliography_names()]
    return re.compile("|".join(_name_pattern(n) for n in sorted(names, key=len, reverse=True)), re.I)


def strip_allowed(text: str) -> str:
    """Blank out avoid markup, web addresses and proper names, keeping line numbers."""
    for form in AVOID_FORMS:
        text = form.sub(_blank, text)
    text = URL.sub(_blank, text)
    for form in QUOTED:
        text = form.sub(_blank, text)
    text = _allowed_names().sub(_blank, text)
    for name in CASE_SENSITIVE_NAMES:
        text = re.sub(_name_pattern(name), _blank, text)
    return text


def find_terms(text: str) -> list[Hit]:
    cleaned = strip_allowed(text)
    hits = []
    for name, rx in _COMPILED.items():
        for m in rx.finditer(cleaned):
            hits.append(Hit(name, " ".join(m.group(0).split()), cleaned.count("\n", 0, m.start()) + 1))
    return sorted(hits, key=lambda h: (h.line, h.term))


# ------------------------------------------------------------------ what the check reads

@dataclass(frozen=True)
class Text:
    """A piece of course text: where it is (file, and cell/output or string), its first line, the text."""

    label: str
    first_line: int
    text: str

    def hits(self) -> list[str]:
        return [f"{self.label}, line {self.first_line + h.line - 1}: '{h.text}' ({h.term}; "
                f"say it another way, or mark it {{avoid}}`...` if it is quoted to correct it)"
                for h in find_terms(self.text)]


class _VisibleText(HTMLParser):
    """The text a reader sees in an HTML output, with its line breaks: data, plus title/alt/aria-label
    and placeholder values; <del> (the rendered avoid markup) is kept whole so the check skips it."""

    SHOWN_ATTRS = ("title", "alt", "aria-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.json: list[str] | None = None  # inside <script type="application/json">: its text

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text() or ""
        shown = " ".join(v for k, v in attrs if k in self.SHOWN_ATTRS and v)
        self.parts.append(" " + shown + "\n" * raw.count("\n") + " ")
        if tag == "del":
            self.parts.append("<del>")
        if tag == "script" and dict(attrs).get("type") == "application/json":
            self.json = []

    def handle_endtag(self, tag):
        if tag == "script" and self.json is not None:
            # data for a script (the quiz's feedback and explanations): the strings it holds, not
            # its JSON quotes, which are syntax
            raw, self.json = "".join(self.json), None
            try:
                strings = _json_strings(json.loads(raw))
            except ValueError:
                strings = [raw]
            self.parts.append(" ; ".join(strings) + "\n" * raw.count("\n"))
        self.parts.append("</del>" if tag == "del" else " ")

    def handle_data(self, data):
        if self.json is not None:
            self.json.append(data)
        else:
            self.parts.append(data)


def _json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_json_strings(k), *_json_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def html_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def notebook_texts(path: Path, rel: str) -> list[Text]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb["cells"]):
        out.append(Text(f"{rel} cell {i}", 1, "".join(cell["source"])))
        for j, output in enumerate(cell.get("outputs", [])):
            bundle = output.get("data", {"text/plain": output.get("text", "")})
            for mime, value in bundle.items():
                if not (mime.startswith("text/") or mime == "application/json"):
                    continue  # images, widget views
                if not isinstance(value, str):
                    value = "".join(value) if isinstance(value, list) else json.dumps(value)
                if mime == "text/html":
                    value = html_text(value)
                out.append(Text(f"{rel} cell {i} output {j} ({mime})", 1, value))
    return out


def python_strings(path: Path, rel: str) -> list[Text]:
    """String literals of a module (f-string parts included), not its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [Text(f"{rel} string", node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


_JS_STRINGS = r"""
const fs = require("fs");
const espree = require("espree");
const out = {};
for (const file of process.argv.slice(1)) {
  const tokens = espree.tokenize(fs.readFileSync(file, "utf8"), { ecmaVersion: "latest", loc: true });
  // a String token's value is its source, quotes included: keep what it holds
  out[file] = tokens.filter((t) => t.type === "String" || t.type === "Template")
    .map((t) => [t.loc.start.line, t.type === "String" ? t.value.slice(1, -1) : t.value]);
}
process.stdout.write(JSON.stringify(out));
"""


def js_strings(paths: list[Path], root: Path = ROOT) -> list[Text]:
    """String and template literals of the course's own scripts, read with espree (node_modules)."""
    node = shutil.which("node")
    if node is None or not (root / "node_modules" / "espree").is_dir():
        raise RuntimeError("the language check reads JavaScript with espree: install Node.js, then run "
                           "'make setup' (npm ci) in the repository")
    proc = subprocess.run([node, "-e", _JS_STRINGS, *map(str, paths)], cwd=root, capture_output=True,
                          text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"espree could not read the scripts: {proc.stderr.strip().splitlines()[-1:]}")
    found = json.loads(proc.stdout)
    return [Text(f"{Path(file).relative_to(root)} string", line, value)
            for file in map(str, paths) for line, value in found[file]]


def data_strings(path: Path, rel: str) -> list[Text]:
    """The strings a YAML or JSON file holds (its own quotes are syntax, not quotation), with lines."""
    if path.suffix == ".json":
        strings = _json_strings(json.loads(path.read_text(encoding="utf-8")))
        return [Text(f"{rel} string", 1, value) for value in strings]
    from ruamel.yaml import YAML

    data = YAML(typ="rt", pure=True).load(path.read_text(encoding="utf-8"))
    out: list[Text] = []

    def walk(node, line: int):
        if isinstance(node, str):
            out.append(Text(rel, line, node))
        elif isinstance(node, dict):
            for k, v in node.items():
                try:
                    key_line, _, value_line, _ = node.lc.data[k]
                except (AttributeError, KeyError, TypeError, ValueError):
                    key_line = value_line = line - 1
                walk(k, key_line + 1)
                walk(v, value_line + 1)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                try:
                    item_line = node.lc.data[i][0] + 1
                except (AttributeError, IndexError, KeyError, TypeError):
                    item_line = line
                walk(v, item_line)

    walk(data, 1)
    return out


def course_files(root: Path = ROOT) -> list[Path]:
    """Every file whose text students and instructors read (the check's scope)."""
    files = sorted((root / "book").rglob("*.md"))
    files += sorted((root / "notebooks").glob("*.ipynb"))
    files += sorted(p for p in (root / "data").rglob("*") if p.is_file() and p.suffix in DATA_SUFFIXES)
    files += [root / name for name in ("README.md", "_config.yml", "_toc.yml")]
    # the check itself is left out: its strings are the terms
    files += sorted(p for p in (root / "recovery_science").rglob("*.py") if p.name != "language.py")
    files += sorted((root / "book" / "_static").glob("*.js"))  # not vendor/: not ours
    return files


DATA_SUFFIXES = (".yaml", ".yml", ".md", ".csv", ".json", ".toml", ".txt")


def texts_of(path: Path, root: Path = ROOT) -> list[Text]:
    """The readable texts of one course file, each with a label naming where it is."""
    rel = str(path.relative_to(root))
    if path.suffix == ".ipynb":
        return notebook_texts(path, rel)
    if path.suffix == ".py":
        return python_strings(path, rel)
    if path.suffix == ".js":
        return js_strings([path], root)
    if path.suffix in (".yaml", ".yml", ".json") and path.name not in ("_config.yml", "_toc.yml"):
        return data_strings(path, rel)
    return [Text(rel, 1, path.read_text(encoding="utf-8"))]


def course_texts(root: Path = ROOT) -> list[Text]:
    """Everything students and instructors read."""
    return [text for path in course_files(root) for text in texts_of(path, root)]
