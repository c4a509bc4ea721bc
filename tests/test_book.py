"""The real book, built from clean with warnings as errors, checked page by page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from recovery_science.bib import bib_keys

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.book
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def _pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts)


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_book_builds_without_warnings(book_build):
    assert book_build["returncode"] == 0, book_build["log"][-5000:]
    assert "WARNING" not in book_build["log"] and "ERROR" not in book_build["log"], book_build["log"][-5000:]


def test_expected_pages(book_html):
    names = {str(p.relative_to(book_html)) for p in _pages(book_html)}
    for page in ("book/intro.html", "book/help.html", "book/bibliography.html", "book/language.html",
                 "book/for-instructors.html", "notebooks/00-how-this-course-works.html",
                 "notebooks/01-biology-of-opioid-dependence.html"):
        assert page in names


def test_every_page_has_the_notice_help_and_favicon(book_html):
    for page in _pages(book_html):
        soup = _soup(page)
        if soup.find("meta", attrs={"http-equiv": "Refresh"}):
            continue  # index.html redirect
        banner = soup.select_one(".bd-header-announcement")
        assert banner is not None, f"{page.name}: no announcement banner"
        text = banner.get_text(" ", strip=True)
        assert "not medical advice" in text and "1-800-662-4357" in text and "988" in text, page
        icon = soup.find("link", rel="icon")
        assert icon is not None, f"{page.name}: no favicon link"
        assert (page.parent / icon["href"]).resolve().is_file(), f"{page.name}: favicon missing"


def test_site_root_favicon(book_html):
    assert (book_html / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_no_page_loads_anything_from_another_site(book_html):
    for page in _pages(book_html):
        soup = _soup(page)
        for tag, attr in (("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                          ("audio", "src"), ("video", "src"), ("embed", "src"), ("object", "data")):
            for el in soup.find_all(tag):
                url = el.get(attr)
                assert not (url and EXTERNAL.match(url)), f"{page.relative_to(book_html)}: <{tag} {attr}={url}>"
        for el in soup.find_all("link"):
            rel = " ".join(el.get("rel", []))
            if any(r in rel for r in ("stylesheet", "preload", "icon", "modulepreload", "prefetch", "manifest")):
                assert not EXTERNAL.match(el.get("href", "")), f"{page.relative_to(book_html)}: {el}"
        # sphinx-thebe (always on in Jupyter Book 1) names its CDN URL in an inline script, but loads
        # it only from a "Live Code" button, which this book does not enable: check that instead.
        assert soup.select_one(".thebe-launch-button, button[onclick*=initThebe]") is None, page.name
        inline = " ".join(s.get_text() for s in soup.find_all(["script", "style"])
                          if "THEBE_JS_URL" not in s.get_text())
        assert not re.search(r"https?://[^\s'\"]*\.(?:js|css|woff2?)\b", inline), f"{page.name}: inline load"
    for css in (book_html / "_static").rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^)'\"]+)", css.read_text(errors="ignore")):
            assert not EXTERNAL.match(url), f"{css.name}: url({url})"
        assert not re.search(r"@import\s+(url\()?['\"]?https?:", css.read_text(errors="ignore")), css.name


def test_bibliography_lists_every_entry(book_html):
    soup = _soup(book_html / "book" / "bibliography.html")
    ids = {el["id"] for el in soup.select("[id^=cite-]")}
    assert {f"cite-{k}" for k in bib_keys()} <= ids


def test_every_footnote_reference_has_its_footnote(book_html):
    for page in _pages(book_html):
        soup = _soup(page)
        for ref in soup.select("a.footnote-reference"):
            target = ref["href"].lstrip("#")
            assert soup.find(id=target) is not None, f"{page.name}: {target}"


NOTEBOOK_PAGES = ["notebooks/00-how-this-course-works.html", "notebooks/01-biology-of-opioid-dependence.html"]


@pytest.mark.parametrize("rel", NOTEBOOK_PAGES)
def test_notebook_citations_link_to_their_entry_on_the_page(book_html, rel):
    """A module's citations are author-year links to its References list, as in JupyterLab."""
    from recovery_science.bib import citation_label

    main = _soup(book_html / rel).select_one("[role=main]")
    links = main.select("a[href^='#ref-']")
    assert len(links) >= 5
    for link in links:
        key = link["href"].removeprefix("#ref-")
        entry = main.find(id=f"ref-{key}")
        assert entry is not None, f"{rel}: no References entry for {key}"
        assert link.get_text() == citation_label(key)
        assert entry.find_next("strong").get_text() == f"{citation_label(key)}."
    assert "footcite" not in main.get_text() and not main.select("a.footnote-reference")


def test_bibliography_page_and_book_pages_use_the_same_labels(book_html):
    from recovery_science.bib import citation_label

    for key, el in _bib_entry_html(book_html).items():
        label = el.select_one(".label") or el.find_previous(class_="label")
        assert _squash(label.get_text()).strip("[] ") == citation_label(key), key
    language = _soup(book_html / "book" / "language.html").select_one("[role=main]")
    cite = language.find("a", href=re.compile(r"bibliography\.html#cite-nida2021wordsmatter$"))
    assert cite is not None and cite.get_text() == "NIDA 2021"
    assert "(NIDA 2021)" in _squash(cite.parent.get_text()).replace("( ", "(").replace(" )", ")")


@pytest.mark.parametrize("rel", NOTEBOOK_PAGES)
def test_every_figure_has_alt_text(book_html, rel):
    main = _soup(book_html / rel).select_one("[role=main]")
    images = [img for img in main.select("img") if "_images/" in img.get("src", "")]
    if rel.endswith("01-biology-of-opioid-dependence.html"):
        assert len(images) >= 2
    for img in images:
        assert len(img.get("alt", "").strip()) >= 40, f"{rel}: {img.get('src')} has no alt text"


@pytest.mark.parametrize("rel", NOTEBOOK_PAGES)
def test_display_only_cells_hide_their_code_and_analysis_code_shows(book_html, rel):
    main = _soup(book_html / rel).select_one("[role=main]")
    code = " ".join(c.get_text() for c in main.select(".cell_input"))
    assert "show_quiz(" not in code and "receptor.explore()" not in code
    assert "load_dataset(" in code
    assert main.select_one(".rs-quiz") is not None


def test_notebook_pages_have_quiz_launch_button_and_no_raw_widget_repr(book_html):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].rstrip("/").split("github.com/")[1]
    for name in ("00-how-this-course-works", "01-biology-of-opioid-dependence"):
        page = book_html / "notebooks" / f"{name}.html"
        soup = _soup(page)
        assert soup.select_one(".rs-quiz script.rs-quiz-data") is not None, name
        assert soup.find("script", src=re.compile(r"_static/quiz\.js")) is not None
        binder = [a["href"] for a in soup.find_all("a", href=True) if "mybinder.org" in a["href"]]
        assert binder and f"/v2/gh/{repo}/" in binder[0] and f"notebooks/{name}.ipynb" in binder[0], binder
        assert "VBox(children" not in soup.get_text(), f"{name}: a widget repr leaked into the book"


def test_math_is_typeset_at_build_time_by_the_vendored_mathjax(book_html):
    """MathJax (npm: mathjax-full, in Node) typesets math into the page as SVG with its MathML
    (recovery_science.sphinxext): no math script runs in the browser. The vendored browser MathJax
    stays for a build without Node, and any page that still loads it loads the vendored copy."""
    math_pages = [p for p in _pages(book_html) if 'class="MathJax" jax="SVG"' in p.read_text()]
    assert math_pages, "module 1 shows the Emax model as an equation"
    for page in _pages(book_html):
        soup = _soup(page)
        srcs = [s.get("src", "") for s in soup.find_all("script") if "mathjax" in s.get("src", "").lower()]
        assert all("_static/vendor/mathjax/tex-chtml.js" in s for s in srcs), (page.name, srcs)
        if page in math_pages:
            assert not srcs, f"{page.name}: math typeset at build time needs no script"
            assert soup.select("mjx-container svg") and soup.select("mjx-assistive-mml math"), page.name
    assert (book_html / "_static" / "vendor" / "mathjax" / "tex-chtml.js").is_file()


def test_no_prose_is_typeset_as_math(book_html):
    """Prose caught between two "$" signs becomes math whose letters are one <mi> each: "and each
    further" read as the product a·n·d·e·a·c·h... (Module 3's amounts did this until they were
    escaped; tests/test_course_structure.py checks the sources). Real math here never has four
    letters in a row."""
    prose = []
    for page in _pages(book_html):
        for math in _soup(page).select("mjx-assistive-mml math"):
            run = 0
            for el in math.find_all(True):
                run = run + 1 if el.name == "mi" and len(el.get_text()) == 1 and not el.find_all(True) else (
                    run if el.find_all(True) else 0)
                if run >= 4:
                    prose.append(f"{page.name}: {math.get_text(' ', strip=True)[:80]!r}")
                    break
    assert not prose, "\n".join(prose)


def test_help_page(book_html):
    text = _soup(book_html / "book" / "help.html").get_text(" ", strip=True)
    for needle in ("1-800-662-4357", "988", "FindTreatment.gov", "911"):
        assert needle in text


# ---------------------------------------------------------------------------------- bibliography
def _bib_entries():
    from pybtex.database import parse_file

    from recovery_science.paths import bib_path

    return parse_file(str(bib_path()), bib_format="bibtex").entries


def _latex_text(value: str) -> str:
    """A field as the book prints it (LaTeX markup decoded, e.g. {X} -> X)."""
    from pybtex.richtext import Text

    return Text.from_latex(value).render_as("text")


def _plain(value: str) -> str:
    """A field's characters without LaTeX parsing: escapes undone, braces dropped. Unlike the
    LaTeX reading, a bare % stays text here, so a field that LaTeX cuts off does not match."""
    return re.sub(r"\\([%_&#$])", r"\1", value).replace("{", "").replace("}", "")


def _squash(text: str) -> str:
    return " ".join(text.split())


ACCESSED = re.compile(r"Accessed \d{4}-\d{2}-\d{2}")
URL_IN_TEXT = re.compile(r"https?://[^\s]+[^\s.,;)]")
# Names that keep their capitals wherever a title has them (BibTeX styles print titles in
# sentence case, so each must be braced in references.bib).
PROPER_NAMES = ("United States", "National Helpline", "CDC WONDER", "DSM-5-TR")


def test_no_bib_field_has_a_bare_percent():
    """In a .bib field a bare % starts a LaTeX comment and silently cuts the rest of the field."""
    bad = [f"{key}: field {name}" for key, entry in _bib_entries().items()
           for name, value in entry.fields.items() if re.search(r"(?<!\\)%", value)]
    assert not bad, "write \\% instead of %: " + "; ".join(bad)


def _bib_entry_html(book_html: Path) -> dict:
    soup = _soup(book_html / "book" / "bibliography.html")
    return {el["id"].removeprefix("cite-"): el for el in soup.select("[id^=cite-]")}


def test_bibliography_shows_every_url_doi_note_and_access_date(book_html):
    shown = _bib_entry_html(book_html)
    checked = {"url": 0, "doi": 0, "note": 0, "accessed": 0}
    for key, entry in _bib_entries().items():
        el = shown[key]
        hrefs = {a["href"] for a in el.find_all("a", href=True)}
        text = _squash(el.get_text())
        fields = entry.fields
        if "url" in fields:
            assert fields["url"] in hrefs, f"{key}: url {fields['url']} is not linked"
            checked["url"] += 1
        if "doi" in fields:
            assert f"https://doi.org/{fields['doi']}" in hrefs, f"{key}: doi {fields['doi']} is not linked"
            checked["doi"] += 1
        if "urldate" in fields:
            assert fields["urldate"] in text, f"{key}: urldate missing"
            checked["accessed"] += 1
        if "note" in fields:
            note = _squash(_plain(fields["note"]))
            assert note in text, f"{key}: the note is cut or missing: {note!r} not in {text!r}"
            for url in URL_IN_TEXT.findall(note):
                assert url in text, f"{key}: {url} missing"
            checked["note"] += 1
            if ACCESSED.search(note):
                assert ACCESSED.search(note).group() in text
                checked["accessed"] += 1
    assert checked["url"] >= 20 and checked["doi"] >= 4 and checked["accessed"] >= 15, checked


def test_braced_title_words_keep_their_capitals(book_html):
    from pybtex.richtext import Protected, Text

    shown = _bib_entry_html(book_html)
    checked = 0
    for key, entry in _bib_entries().items():
        title = entry.fields["title"]
        text = _squash(shown[key].get_text())
        parsed = Text.from_latex(title)
        whole = [p for p in parsed.parts if isinstance(p, Protected)]
        for part in whole:
            words = _squash(part.render_as("text"))
            assert words in text, f"{key}: braced {words!r} lost its capitals"
            checked += 1
        for name in PROPER_NAMES:
            if name in _latex_text(title):
                assert name in text, f"{key}: '{name}' is printed in lower case: brace it in references.bib"
    assert checked >= 5


# ------------------------------------------------------------------------------ chrome and publishing
def test_site_root_has_nojekyll(book_html):
    # without it GitHub Pages (Jekyll) skips every folder starting with "_": no styles, no scripts
    assert (book_html / ".nojekyll").is_file()


def test_no_empty_general_index(book_html):
    assert not (book_html / "genindex.html").exists()
    for page in _pages(book_html):
        assert "genindex.html" not in page.read_text(encoding="utf-8"), page.relative_to(book_html)


def test_browser_tab_titles_do_not_repeat(book_html):
    titles = {}
    for page in _pages(book_html):
        soup = _soup(page)
        if soup.find("meta", attrs={"http-equiv": "Refresh"}):
            continue
        title = soup.title.get_text()
        parts = [p.strip() for p in re.split(r"\s[—-]\s", title)]
        assert len(parts) == len(set(parts)), f"{page.relative_to(book_html)}: <title>{title}</title>"
        titles[page.relative_to(book_html).as_posix()] = title
    assert titles["book/intro.html"] == "An open course on opioid use disorder — Recovery Science"


# ------------------------------------------------------------------------------------------ text
def _text(book_html: Path, rel: str) -> str:
    soup = _soup(book_html / rel)
    main = soup.select_one("[role=main]") or soup
    return _squash(main.get_text(" "))


def test_intro_describes_the_book_and_jupyterlab_accurately(book_html):
    text = _text(book_html, "book/intro.html")
    assert "static" not in text.lower(), "the sliders run in the book (emax.js), they are not static"
    assert "receptor model" in text and "sliders" in text and "no kernel" in text
    assert "ipywidgets" in text
    # the clone command uses the repository the book's buttons point to, not a placeholder
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert f"git clone {config['repository']['url'].rstrip('/')}.git" in text
    for page in _pages(book_html):
        assert "<repository URL>" not in page.read_text(encoding="utf-8"), page.name
    # Module 1 does have the no-kernel model the intro promises
    module1 = _soup(book_html / "notebooks" / "01-biology-of-opioid-dependence.html")
    assert module1.select_one(".rs-emax") is not None


@pytest.mark.parametrize("rel", ["book/intro.html", "book/help.html"])
def test_scope_is_the_united_states_with_a_pointer_elsewhere(book_html, rel):
    text = _text(book_html, rel)
    for needle in ("United States", "911", "988", "SAMHSA", "FDA", "DEA", "local emergency number",
                   "World Health Organization"):
        assert needle in text, f"{rel}: {needle!r}"
    soup = _soup(book_html / rel)
    assert soup.find("a", href=re.compile(r"bibliography\.html#cite-who2023overdose$")), rel


# Words that mark material on overdose signs or deaths; a page I own that uses them puts a
# content note first.
DISTRESSING = re.compile(r"pinpoint|\bdied\b|\bdeaths?\b", re.I)
OWN_PAGES = ["book/intro.html", "book/help.html", "book/privacy.html", "book/language.html",
             "book/for-instructors.html", "book/objectives.html", "book/accessibility.html", "book/credits.html"]


@pytest.mark.parametrize("rel", OWN_PAGES)
def test_content_note_comes_before_material_on_overdose_and_death(book_html, rel):
    soup = _soup(book_html / rel)
    main = soup.select_one("[role=main]")
    notes = [a for a in main.select("div.admonition")
             if _squash(a.select_one(".admonition-title").get_text()) == "Content note"]
    text = main.get_text(" ")
    hit = DISTRESSING.search(text)
    if rel in ("book/intro.html", "book/help.html"):
        assert hit and notes, f"{rel}: expected a content note"
    if not hit:
        return
    assert notes, f"{rel}: mentions {hit.group()!r} without a content note"
    note_at = text.index(notes[0].get_text(" "))
    assert note_at < hit.start(), f"{rel}: {hit.group()!r} comes before the content note"


def test_each_module_page_shows_its_last_reviewed_date_under_the_title(book_html):
    import datetime as dt
    import json

    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        day = dt.date.fromisoformat(json.loads(path.read_text())["metadata"]["recovery_science"]["last_reviewed"])
        main = _soup(book_html / "notebooks" / f"{path.stem}.html").select_one("[role=main]")
        first = main.find("h1").find_next("p")
        assert _squash(first.get_text()) == f"Last reviewed: {day.day} {day:%B} {day.year}.", path.name


def test_objectives_page_links_every_module(book_html):
    soup = _soup(book_html / "book" / "objectives.html")
    hrefs = {a["href"].split("#")[0] for a in soup.select("[role=main] a[href]")}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")):
        assert f"../notebooks/{path.stem}.html" in hrefs, path.name


def test_privacy_page_matches_what_the_book_stores(book_html):
    text = _text(book_html, "book/privacy.html")
    for page in ("book/help.html", "book/intro.html"):
        assert _soup(book_html / page).find("a", href="privacy.html"), f"{page} does not link the privacy page"
    # the storage key and the reset button the page names are the ones the quiz really uses
    prefix = re.search(r"STORAGE_PREFIX\s*=\s*\"([^\"]+)\"", (book_html / "_static" / "quiz.js").read_text())
    assert prefix, "quiz.js no longer names STORAGE_PREFIX"
    named = re.search(r"starts with (\S+?) ", text)
    assert named and prefix.group(1).startswith(named.group(1)), (named, prefix.group(1))
    # (the button is in the quiz's stored HTML, or quiz.js makes it)
    quiz_page = _soup(book_html / "notebooks" / "00-how-this-course-works.html")
    labels = {_squash(b.get_text()) for b in quiz_page.select(".rs-quiz button")}
    quiz_js = (book_html / "_static" / "quiz.js").read_text()
    assert "Reset quiz" in text and ("Reset quiz" in labels or '"Reset quiz"' in quiz_js), labels
    for needle in ("localStorage", "sends nothing", "site data"):
        assert needle in text, needle


# ----------------------------------------------------------------------------------- in Chromium
def _visible_search_controls(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll(
        '.search-button__button, input[type=search], form.bd-search')]
        .filter((el) => !el.closest('dialog') && el.checkVisibility())
        .map((el) => el.className)""")


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_one_search_control_and_it_finds_pages(browser, book_server, width):
    from browserutil import goto, open_page

    with open_page(browser, book_server, viewport={"width": width, "height": 900}) as (context, page, watch):
        goto(page, book_server, "book/language.html", wait_until="networkidle")
        controls = _visible_search_controls(page)
        assert len(controls) == 1, f"{width}px: {controls}"
        page.locator(".search-button__button:visible").first.click()
        field = page.locator("#pst-search-dialog input[type=search]")
        field.fill("naloxone")
        field.press("Enter")
        page.wait_for_url("**/search.html?q=naloxone*")
        page.wait_for_selector("#search-results li a")
        hits = page.eval_on_selector_all("#search-results li a", "els => els.map(a => a.href)")
        assert any(h.split("#")[0].endswith("book/help.html") for h in hits), hits
        assert not watch.outside_requests(), watch.outside_requests()


@pytest.mark.browser
def test_search_snippets_leave_out_button_labels(browser, book_server, book_html):
    """Sphinx's search page shows, for each hit, the page text around the query (its
    Search.htmlToText, called on the fetched page). Quiz buttons must not be part of it."""
    from browserutil import goto, open_page

    pages = [p for p in _pages(book_html) if _soup(p).select("[role=main] button")]
    if not pages:
        pytest.skip("no page's stored HTML has a button, so no snippet can pick up a button label")
    with open_page(browser, book_server) as (context, page, watch):
        goto(page, book_server, "search.html", wait_until="networkidle")
        for path in pages:
            rel = path.relative_to(book_html).as_posix()
            soup = _soup(path)
            main = soup.select_one("[role=main]")
            labels = {_squash(b.get_text()) for b in main.select("button") if _squash(b.get_text())}
            for el in main.select(".headerlink, script, style, button, .rs-search-skip"):
                el.decompose()
            expected = main.get_text()
            got = page.evaluate("""async (rel) => {
                const html = await (await fetch(rel)).text();
                return Search.htmlToText(html);
            }""", rel)
            for label in labels:
                assert got.count(label) == expected.count(label), f"{rel}: button label {label!r} in the snippet text"
            assert _squash(got) == _squash(expected), rel
