"""Fast on a phone (issue 13): nothing blocks the first paint, and everything deferred still works.

recovery_science/sphinxext.py (``fast_head``) defers every theme and course script, writes
documentation_options.js inline, keeps Sphinx's search scripts and index to the search page, drops
the theme's script preloads and links basic.css directly. These tests check the built pages and
then, in Chromium at a phone's size, that what was deferred still works: the quiz and the Emax tool
become interactive, the colour mode is set before the first paint (no flash) and its button
switches it, the sidebar opens, search finds pages, copy buttons and collapsible admonitions work,
the launch (Binder) menu opens and the progress page starts. No timing is asserted here: how soon
the quiz is usable after the first paint is printed by ``benchmarks/run.py ready``.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from browserutil import QUIZ_PAGES, built_pages, goto, open_page, reach
from bs4 import BeautifulSoup

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
MODULE_0 = QUIZ_PAGES["00-how-this-course-works"]
MODULE_1 = QUIZ_PAGES["01-biology"]
SEARCH_ONLY = re.compile(r"(_static/searchtools\.js|_static/language_data\.js|searchindex\.js)")


def _benchmarks():
    spec = importlib.util.spec_from_file_location("rs_benchmarks_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


READY_JS = _benchmarks().READY_JS


def _head(book_html: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((book_html / rel).read_text(encoding="utf-8"), "html.parser").head


@pytest.fixture(scope="module")
def pages(book_html) -> list[str]:
    return [p for p in built_pages(book_html) if p != "index.html"]  # index.html only redirects


def test_no_script_in_head_blocks_the_first_paint(book_html, pages):
    problems = []
    for rel in pages:
        head = _head(book_html, rel)
        scripts = head.find_all("script")
        first = scripts[0]
        if not (first.get("src") is None and "dataset.mode" in first.get_text()):
            problems.append(f"{rel}: the colour-mode script is not the first script in <head>")
        for script in scripts:
            src = script.get("src")
            if src and not (script.has_attr("defer") or script.has_attr("async")):
                problems.append(f"{rel}: <script src={src}> blocks parsing")
            if src and "documentation_options.js" in src:
                problems.append(f"{rel}: documentation_options.js is fetched, not inline")
            if src and SEARCH_ONLY.search(src) and rel != "search.html":
                problems.append(f"{rel}: loads {src} (search page only)")
        if head.find("link", rel="preload", attrs={"as": "script"}):
            problems.append(f"{rel}: preloads a script")
        if head.find("link", href=re.compile(r"styles/theme\.css")):
            problems.append(f"{rel}: links theme.css (an @import of basic.css: one more round trip)")
        if not head.find("link", href=re.compile(r"(^|/)_static/basic\.css")):
            problems.append(f"{rel}: no basic.css")
        if "const DOCUMENTATION_OPTIONS" not in str(head):
            problems.append(f"{rel}: DOCUMENTATION_OPTIONS is not defined in <head>")
    assert not problems, "\n".join(problems)
    search = _head(book_html, "search.html")
    order = [s.get("src", "") for s in search.find_all("script", src=True)]
    names = [next((n for n in ("searchtools", "searchindex", "sphinx_highlight") if n in s), "") for s in order]
    # sphinx_highlight.js between them: after Search is defined (or it would highlight an earlier
    # query in the search page), before the index runs the query (which needs it)
    assert names.index("searchtools") < names.index("sphinx_highlight") < names.index("searchindex"), order


def test_each_tool_script_loads_only_where_its_tool_is(book_html, pages):
    """emax.js, cows.js and cm.js load on the pages that have their tool and nowhere else; quiz.js
    on every page (progress.js uses it)."""
    tools = {"emax.js": "rs-emax", "cows.js": "rs-cows", "cm.js": "rs-cm"}
    found = {name: [] for name in tools}
    for rel in pages:
        soup = BeautifulSoup((book_html / rel).read_text(encoding="utf-8"), "html.parser")
        srcs = [s.get("src", "") for s in soup.head.find_all("script", src=True)]
        assert any("_static/quiz.js" in s for s in srcs), f"{rel}: no quiz.js"
        for name, cls in tools.items():
            has_tool = soup.body.select_one(f".{cls}") is not None
            loads = any(re.search(rf"_static/{re.escape(name)}(\?|$)", s) for s in srcs)
            assert has_tool == loads, f"{rel}: tool {cls} {'present' if has_tool else 'absent'}, {name} loaded: {loads}"
            if loads:
                found[name].append(rel)
    assert found == {"emax.js": [MODULE_1], "cows.js": ["notebooks/02-withdrawal-management.html"],
                     "cm.js": ["notebooks/03-behavioural-therapies.html"]}, found


def test_the_theme_scripts_wait_for_the_first_paint_on_every_page(book_html, pages):
    """bootstrap.js and the theme's script are marked rs-after-paint on every page
    (sphinxext.theme_after_paint), with the inline script that puts them back after the first
    paint at the end of <body>."""
    problems = []
    for rel in pages:
        soup = BeautifulSoup((book_html / rel).read_text(encoding="utf-8"), "html.parser")
        theme = {s.get("src", ""): s.get("type") for s in soup.find_all("script")
                 if re.search(r"_static/scripts/(bootstrap|pydata-sphinx-theme)\.js", s.get("src", ""))}
        if len(theme) != 2 or set(theme.values()) != {"rs-after-paint"}:
            problems.append(f"{rel}: {theme}")
        last = soup.body.find_all("script")[-1]
        if last.get("src") or "rs-after-paint" not in last.get_text():
            problems.append(f"{rel}: the last script of <body> does not run them")
    assert not problems, problems


# when each theme script was put into the page, next to the first paint
AFTER_PAINT_JS = r"""(() => {
  const seen = window.__rsAfterPaint = {paint: null, scripts: {}};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-paint') seen.paint = e.startTime;
  }).observe({type: 'paint', buffered: true});
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      const m = n.tagName === 'SCRIPT' && !n.type && /scripts\/(bootstrap|pydata-sphinx-theme)\.js/.exec(n.src || '');
      if (m) seen.scripts[m[1]] = performance.now();
    }
  }).observe(document, {subtree: true, childList: true});
})();"""


def test_the_theme_scripts_run_after_the_first_paint(browser, book_server):
    with open_page(browser, book_server, **PHONE) as (context, page, watch):
        context.add_init_script(AFTER_PAINT_JS)
        goto(page, book_server, MODULE_1, wait_until="load")
        seen = page.evaluate("window.__rsAfterPaint")
        assert seen["paint"] is not None and set(seen["scripts"]) == {"bootstrap", "pydata-sphinx-theme"}, seen
        assert seen["paint"] < seen["scripts"]["bootstrap"] <= seen["scripts"]["pydata-sphinx-theme"], seen
        assert page.evaluate("typeof window.bootstrap") == "object"
        assert watch.errors() == set()


def test_theme_stylesheet_has_no_icon_font_glyph_rules(book_html):
    css = (book_html / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert not re.search(r"\.fa-(xmark|bars|github|magnifying-glass):{1,2}before\{", css)
    assert ".bd-sidebar-primary" in css and "[data-theme=dark]" in css, "the rest of the theme is kept"


def _open(browser, book_server, rel, **kwargs):
    return open_page(browser, book_server, **{**PHONE, **kwargs})


@pytest.mark.parametrize("rel", [MODULE_0, MODULE_1])
def test_quiz_and_tools_become_interactive(browser, book_server, book_html, rel):
    """The readiness probe the benchmark uses jumps to the page's last quiz or tool as the page
    loads and sees it become interactive after the first contentful paint was recorded, with no
    page error; every other quiz and tool starts when a reader reaches it; and every section left
    unlaid-out while the page loaded (content-visibility, quiz.css) is laid out in the end."""
    with _open(browser, book_server, rel) as (context, page, watch):
        context.add_init_script(READY_JS)
        goto(page, book_server, rel, wait_until="load")
        page.wait_for_function("() => window.__rsTiming.ready !== null && window.__rsTiming.fcp !== null")
        timing = page.evaluate("() => window.__rsTiming")
        soup = BeautifulSoup((book_html / rel).read_text(encoding="utf-8"), "html.parser")
        boxes = soup.select(".rs-quiz, .rs-emax")
        assert timing["widgets"] >= 1 and timing["target"], timing
        for box in boxes:
            reach(page, f"#{box['id']}" if box.get("id") else f".{box['class'][0]}")
        assert page.locator(".rs-run-notice").count() == 0
        assert page.locator("fieldset[disabled]").count() == 0
        assert page.locator(".rs-quiz button.rs-check").count() >= 1
        if rel == MODULE_1:
            assert page.locator(".rs-emax.rs-ready input[type=range]:enabled").count() >= 1
        # sections skipped while the page loaded (quiz.css) are all laid out once reached
        page.wait_for_function("""() => {
            const all = document.querySelectorAll('.bd-article > section > section');
            return all.length > 3 && Array.from(all).every(s => s.classList.contains('rs-laid-out')
                && getComputedStyle(s).contentVisibility === 'visible');
        }""")
        assert not watch.errors(), watch.errors()


@pytest.mark.parametrize("mode", ["dark", "light"])
def test_colour_mode_is_set_before_the_first_paint_and_switches(browser, book_server, mode):
    with _open(browser, book_server, MODULE_1, color_scheme="light" if mode == "dark" else "dark") as (
            context, page, watch):
        context.add_init_script(f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');")
        context.add_init_script(READY_JS)
        goto(page, book_server, MODULE_1, wait_until="load")
        page.wait_for_function("() => window.__rsTiming.firstFrameTheme !== null")
        assert page.evaluate("() => window.__rsTiming.firstFrameTheme") == mode, "the page would flash"
        before = page.evaluate("() => document.documentElement.dataset.theme")
        page.locator(".theme-switch-button:visible").first.click()
        page.wait_for_function("(m) => document.documentElement.dataset.mode !== m", arg=mode)
        after = page.evaluate("() => [document.documentElement.dataset.mode, localStorage.getItem('mode')]")
        assert before == mode and after[0] == after[1] != mode
        assert not watch.errors(), watch.errors()


def test_sidebar_opens_on_a_phone(browser, book_server):
    with _open(browser, book_server, MODULE_0) as (_, page, watch):
        goto(page, book_server, MODULE_0, wait_until="load")
        page.locator(".primary-toggle:visible").first.click()
        dialog = page.locator("#pst-primary-sidebar-modal")
        dialog.wait_for(state="visible")
        assert dialog.evaluate("d => d.open")
        assert dialog.locator("a", has_text="Module 1").count() >= 1
        assert not watch.errors(), watch.errors()


def test_search_button_and_search_page_find_pages(browser, book_server):
    """The search button (no search script on the page) leads to the search page, which finds
    pages and does not highlight the words of an earlier search in itself; the page a hit opens
    highlights the query (Sphinx's highlighting, which runs where Search is not loaded)."""
    earlier = ("if (location.pathname.endsWith('/search.html') && !sessionStorage.getItem('rs-earlier')) {"
               " localStorage.setItem('sphinx_highlight_terms', 'search');"
               " sessionStorage.setItem('rs-earlier', '1'); }")
    with _open(browser, book_server, MODULE_1) as (context, page, watch):
        context.add_init_script(earlier)
        goto(page, book_server, MODULE_1, wait_until="networkidle")
        assert not [u for u in watch.requests if SEARCH_ONLY.search(u)], "a module page fetched the search index"
        page.locator(".search-button__button:visible").first.click()
        field = page.locator("#pst-search-dialog input[type=search]")
        field.fill("naloxone")
        field.press("Enter")
        page.wait_for_url("**/search.html?q=naloxone*")
        page.wait_for_selector("#search-results li a")
        hits = page.eval_on_selector_all("#search-results li a", "els => els.map(a => a.getAttribute('href'))")
        assert any("glossary" in h for h in hits), hits
        page.wait_for_timeout(200)  # sphinx_highlight.js highlights after a 10 ms timeout
        stale = page.evaluate("""() => Array.from(document.querySelectorAll('span.highlighted'))
            .filter(s => !s.closest('#search-results')).map(s => s.textContent)""")
        assert not stale, f"the search page highlighted an earlier query: {stale}"
        page.locator("#search-results li a[href*='glossary']").first.click()
        page.wait_for_url("**/glossary.html*")
        page.locator("span.highlighted", has_text=re.compile("naloxone", re.I)).first.wait_for(state="attached")
        assert not watch.errors(), watch.errors()


def test_copy_buttons_collapsible_admonitions_and_launch_menu(browser, book_server, book_html):
    """Copy buttons appear on code cells; togglebutton folds a dropdown admonition (none is in the
    book today: one is added to the served page) and opens it on click; the launch menu opens."""
    html = (book_html / MODULE_1).read_text(encoding="utf-8")
    extra = ('<div class="admonition dropdown" id="rs-test-dropdown"><p class="admonition-title">More</p>'
             '<p id="rs-test-hidden">Folded text</p></div>')
    html = html.replace('<section id="what-we-learned">', extra + '<section id="what-we-learned">', 1)
    assert "rs-test-dropdown" in html
    with _open(browser, book_server, MODULE_1) as (_, page, watch):
        page.route(f"{book_server}/{MODULE_1}", lambda route: route.fulfill(
            status=200, body=html, headers={"Content-Type": "text/html; charset=utf-8"}))
        goto(page, book_server, MODULE_1, wait_until="load")
        assert page.locator("button.copybtn").count() >= 1
        hidden = page.locator("#rs-test-hidden")
        button = page.locator("#rs-test-dropdown button.toggle-button")
        button.wait_for(state="attached")
        assert not hidden.is_visible()
        button.click()
        hidden.wait_for(state="visible")
        launch = page.locator(".dropdown-launch-buttons button.dropdown-toggle")
        launch.click()
        binder = page.locator(".dropdown-launch-buttons a[href*='mybinder.org']")
        binder.wait_for(state="visible")
        assert not watch.errors(), watch.errors()


def test_progress_page_starts(browser, book_server):
    with _open(browser, book_server, "book/progress.html") as (_, page, watch):
        goto(page, book_server, "book/progress.html", wait_until="load")
        page.locator(".rs-ready").first.wait_for(state="attached")
        assert not watch.errors(), watch.errors()
