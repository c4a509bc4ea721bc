"""The glossary (book/glossary.md): at least 30 terms, each defined with a source, each used in a
module, and linked from its first use in every module that uses it, with plain Markdown links that
JupyterLab renders too ([tolerance](../book/glossary.md#term-Tolerance)). The links are checked in
the built book: each one lands on a term of the glossary page."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
GLOSSARY_MD = ROOT / "book" / "glossary.md"
LINK_TARGET = "../book/glossary.md#"

# How a term reads in the text (case-insensitive), where the glossary heading alone is not enough:
# a term not listed here is found by its heading (see glossary_terms), plural "s" allowed.
PATTERNS = {
    "term-6-monoacetylmorphine-6-MAM": r"6-monoacetylmorphine",
    "term-Active-metabolite": r"active metabolites?",
    "term-Agonist": r"\b(?:full )?agonists?\b",
    "term-Antagonist": r"\bantagonists?\b",
    "term-Brain-stem": r"\bbrain stem\b",
    "term-Buprenorphine": r"\bbuprenorphine\b",
    "term-Ceiling-effect": r"\bceiling\b",
    "term-Co-occurring-mental-illness": r"co-occurring mental illness",
    "term-Craving": r"\bcraving\b",
    "term-Disinhibition": r"\bdisinhibit(?:ion|ed)\b",
    "term-Dissociation-constant-Kd": r"\bdissociation constant\b",
    "term-Dopamine": r"\bdopamine\b",
    "term-DSM-5": r"\bDSM-5\b",
    "term-Efficacy": r"\befficacy\b",
    "term-Fentanyl": r"\bfentanyl\b",
    "term-GABA-neuron": r"\bGABA (?:inter)?neurons?\b",
    "term-Half-life": r"\bhalf-life\b",
    "term-Heroin": r"\bheroin\b",
    "term-Medication-for-opioid-use-disorder-MOUD": r"\bmedications? for (?:OUD|opioid use disorder)\b",
    "term-Methadone": r"\bmethadone\b",
    "term-Morphine": r"\bmorphine\b(?!-)",
    "term-Mu-opioid-receptor": r"\bmu-opioid receptors?\b",
    "term-Naloxone": r"\bnaloxone\b",
    "term-Naltrexone": r"\bnaltrexone\b",
    "term-Nucleus-accumbens": r"\bnucleus accumbens\b",
    "term-Opioid": r"\bopioids?\b",
    "term-Opioid-agonist-treatment": r"\bopioid agonist treatment\b",
    "term-Opioid-peptides": r"\bopioid peptides\b",
    "term-Opioid-receptor": r"(?<!mu-)\bopioid receptors?\b",
    "term-Opioid-use-disorder-OUD": r"\bopioid use disorder\b",
    "term-Overdose": r"\boverdoses?\b",
    "term-Partial-agonist": r"\bpartial agonists?\b",
    "term-Person-first-language": r"\bperson-first\b",
    "term-Physical-dependence": r"\bphysical dependence\b",
    "term-Respiratory-depression": r"\brespiratory depression\b",
    "term-Reward-circuit": r"\breward circuit\b",
    "term-Synthetic-opioid": r"\bsynthetic opioids?\b",
    "term-Tolerance": r"\btolerance\b",
    "term-Ventral-tegmental-area-VTA": r"\bventral tegmental area\b",
    "term-Withdrawal": r"\bwithdrawal\b",
    "term-Corticotropin-releasing-factor-CRF": r"\bcorticotropin-releasing factor\b",
    "term-Desensitisation": r"\bdesensiti[sz]ation\b",
    "term-Dynorphin": r"\bdynorphins?\b",
    "term-Neonatal-opioid-withdrawal-syndrome-NOWS": r"\bneonatal opioid withdrawal syndrome\b",
    "term-Nitazenes": r"\bnitazenes?\b",
}


def glossary_terms() -> dict[str, str]:
    """Anchor -> pattern for every term of book/glossary.md's glossary block (anchors as Sphinx
    makes them: "term-" + the heading, runs of other characters as "-"). A heading's
    parenthesised abbreviation is not part of its pattern: "Locus coeruleus" reads as
    r"\\blocus coeruleus(?:es|s)?\\b"."""
    text = GLOSSARY_MD.read_text(encoding="utf-8")
    block = re.search(r"^```\{glossary\}\n(.*?)^```", text, re.S | re.M)
    assert block, "book/glossary.md has no glossary block"
    terms = {}
    for line in block.group(1).splitlines():
        if not line.strip() or line[0].isspace():
            continue
        anchor = "term-" + re.sub(r"[^A-Za-z0-9]+", "-", line.strip()).strip("-")
        words = re.sub(r"\s*\([^)]*\)\s*$", "", line.strip())
        default = r"\b" + re.escape(words).replace(r"\ ", " ") + r"(?:es|s)?\b"
        terms[anchor] = PATTERNS.get(anchor, default)
    return terms


TERMS = glossary_terms()
# Words a module uses in another sense than the glossary's: (notebook stem, anchor).
NOT_THE_TERM = {
    ("00-how-this-course-works", "term-Tolerance"): "the grading tolerance of numeric questions",
}

_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")
_MASKS = [
    re.compile(r"```.*?```", re.S),          # code blocks
    re.compile(r"`[^`\n]*`"),                # inline code
    re.compile(r"\$\$.*?\$\$", re.S),        # display math
    re.compile(r"^#.*$", re.M),              # headings
    re.compile(r"<summary>.*?</summary>", re.S),  # an aside's summary: HTML, so it cannot hold a link
    re.compile(r"<[^>\n]*>"),                # HTML tags (their text stays)
]


def prose(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """A Markdown cell's text with what is not prose blanked (same length), and its links as
    (start, end, target) spans of the link text."""
    out = list(text)
    links = []
    for m in _LINK.finditer(text):
        links.append((m.start(1), m.end(1), m.group(2)))
        for i in range(m.end(1), m.end()):
            out[i] = " "
        out[m.start()] = " "
    masked = "".join(out)
    for pattern in _MASKS:
        masked = pattern.sub(lambda m: " " * len(m.group()), masked)
    return masked, links


SHARED_BLOCK = re.compile(r"<!-- shared:([a-z0-9-]+):start -->.*?<!-- shared:\1:end -->", re.S)


def module_cells(path: Path) -> list[str]:
    """The Markdown cells a reader reads (the generated References cell left out). A shared block
    (recovery_science.snippets) is blanked out, same length: it is the same text in every module,
    so a term's first use in the module's own words is the one that carries the link."""
    nb = nbformat.read(path, as_version=4)
    return [
        SHARED_BLOCK.sub(lambda m: " " * len(m.group(0)), c.source)
        for c in nb.cells
        if c.cell_type == "markdown" and not c.source.startswith("## References")
    ]


def first_uses(cells: list[str]) -> dict[str, tuple[int, int, int, str | None]]:
    """For each term, its first use in prose: (cell, start, end, the link it sits in or None).
    A match inside a link to something else (another term, a citation) is not a use."""
    found = {}
    for anchor, pattern in TERMS.items():
        rx = re.compile(pattern.replace(" ", r"\s+"), re.I)
        for n, text in enumerate(cells):
            masked, links = prose(text)
            hit = None
            for m in rx.finditer(masked):
                inside = [t for (a, b, t) in links if a <= m.start() and m.end() <= b]
                if inside and inside[0] != LINK_TARGET + anchor:
                    continue
                hit = (n, m.start(), m.end(), inside[0] if inside else None)
                break
            if hit:
                found[anchor] = hit
                break
    return found


def glossary_links(cells: list[str]) -> list[str]:
    return [t for text in cells for (_, _, t) in prose(text)[1] if t.startswith(LINK_TARGET)]


def _built_terms(book_html: Path) -> set[str]:
    doc = lxml_html.parse(str(book_html / "book" / "glossary.html"))
    return {dt.get("id") for dt in doc.iter("dt") if (dt.get("id") or "").startswith("term-")}


# ---------------------------------------------------------------------------------- sources


def test_the_glossary_has_30_terms_each_with_a_source():
    """Every entry of the glossary directive cites at least one source of book/references.bib."""
    text = GLOSSARY_MD.read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    entries = re.split(r"\n(?=\S)", body.strip("\n"))
    assert len(entries) >= 30, len(entries)
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    for entry in entries:
        term, _, definition = entry.partition("\n")
        cited = re.findall(r"\{cite:p\}`([^`]+)`", definition)
        assert cited, f"{term}: no source"
        for key in ",".join(cited).split(","):
            assert key.strip() in keys, f"{term}: {key} is not in references.bib"


# ---------------------------------------------------------------------------------- first uses


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_term_is_linked_at_its_first_use_in_the_module(path):
    cells = module_cells(path)
    problems = []
    for anchor, (n, start, end, link) in first_uses(cells).items():
        if (path.stem, anchor) in NOT_THE_TERM:
            continue
        if link != LINK_TARGET + anchor:
            text = cells[n]
            problems.append(f"cell {n}: ...{text[max(0, start - 30):end + 30]!r}... should link {LINK_TARGET}{anchor}")
    assert not problems, "first uses without their glossary link:\n" + "\n".join(problems)
    for target in glossary_links(cells):
        assert target[len(LINK_TARGET):] in TERMS, f"{path.name}: link to unknown term {target}"


def test_every_glossary_term_is_used_in_a_module():
    used = set()
    for path in NOTEBOOKS:
        used |= {t[len(LINK_TARGET):] for t in glossary_links(module_cells(path))}
    assert set(TERMS) - used == set(), "glossary terms no module links"


# ---------------------------------------------------------------------------------- the built book


@pytest.mark.book
def test_glossary_links_resolve_in_the_built_book(book_html):
    """The glossary page's term anchors are exactly TERMS, and every glossary link on a module page
    lands on one of them."""
    terms = _built_terms(book_html)
    assert terms == set(TERMS), (sorted(terms - set(TERMS)), sorted(set(TERMS) - terms))
    for path in NOTEBOOKS:
        page = book_html / "notebooks" / f"{path.stem}.html"
        doc = lxml_html.parse(str(page))
        hrefs = [a.get("href") for a in doc.iter("a") if "glossary.html#" in (a.get("href") or "")]
        expected = len(glossary_links(module_cells(path)))
        assert len(hrefs) == expected, f"{page.name}: {len(hrefs)} glossary links in HTML, {expected} in the notebook"
        for href in hrefs:
            target, _, anchor = href.partition("#")
            assert (page.parent / target).resolve() == (book_html / "book" / "glossary.html").resolve(), href
            assert anchor in terms, f"{page.name}: {href} has no term"
