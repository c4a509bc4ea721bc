"""The purged stylesheets keep every rule a page can use (issue 13; recovery_science.sphinxext,
purge_css), and the patched theme script still gives scrollable blocks their tab stop.

After the build, PurgeCSS drops from the theme's and the extensions' stylesheets every rule that no
page names; it reads the pages as text. Here the browser checks it on real pages, after their
scripts have run (quizzes built, search results listed, copy buttons added): each stylesheet as
the theme shipped it (kept in ``css-whole/`` next to the html folder) is parsed, unapplied, and
every one of its selectors that matches an element of the page, in the light or the dark colour
mode, must still be in the purged stylesheet the page loaded, in the same @media or @supports
block. States that cannot be matched at rest (:hover, :focus and the like, ::before and the other
pseudo-elements) are set aside for the match, so their rules are checked too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browserutil import QUIZ_PAGES, goto, reach_all

from recovery_science import sphinxext

pytestmark = pytest.mark.browser

MODULE_2 = QUIZ_PAGES["02-withdrawal"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}
SCROLLABLE = "pre, .cell_output > .output, .pst-scrollable-table-container"
PAGES = (QUIZ_PAGES["01-biology"], QUIZ_PAGES["03-behavioural"], "book/glossary.html", "search.html?q=naloxone")

# (whole) => the selectors of the whole stylesheets that match an element of the page in either
# colour mode, as "file | @media… | selector", with those missing from the loaded (purged) ones
MISSING_JS = r"""(whole) => {
  const STATE = new RegExp('::?(' + [
    'hover', 'focus', 'focus-visible', 'focus-within', 'active', 'visited', 'target', 'placeholder-shown',
    'autofill', 'disabled', 'enabled', 'checked', 'indeterminate', 'invalid', 'valid', 'open', 'popover-open',
    'modal', 'fullscreen', 'before', 'after', 'marker', 'placeholder', 'selection', 'backdrop',
    'file-selector-button', 'first-letter', 'first-line', '-webkit-[a-z-]+', '-moz-[a-z-]+', '-ms-[a-z-]+',
  ].join('|') + ')(\([^()]*\))?', 'g');
  const split = (text) => {
    const out = []; let depth = 0, start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (c === ',' && depth === 0) { out.push(text.slice(start, i).trim()); start = i + 1; }
    }
    out.push(text.slice(start).trim());
    return out;
  };
  const walk = (rules, context, visit) => {
    for (const rule of rules) {
      if (rule.selectorText !== undefined) visit(context, rule.selectorText);
      else if (rule.cssRules) {
        const condition = rule.conditionText || (rule.media && rule.media.mediaText) || rule.name || '';
        walk(rule.cssRules, context + ' ' + condition, visit);
      }
    }
  };
  const file = (href) => decodeURIComponent(new URL(href).pathname.split('/_static/')[1] || '');
  const loaded = new Set();
  for (const sheet of document.styleSheets) {
    if (!sheet.href) continue;
    walk(sheet.cssRules, '', (context, text) => {
      for (const s of split(text)) loaded.add(file(sheet.href) + ' |' + context + ' | ' + s);
    });
  }
  const missing = new Set();
  const root = document.documentElement, theme = root.dataset.theme, mode = root.dataset.mode;
  for (const colour of ['light', 'dark']) {
    root.dataset.theme = colour; root.dataset.mode = colour;
    for (const [name, text] of Object.entries(whole)) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      walk(sheet.cssRules, '', (context, selectorText) => {
        for (const s of split(selectorText)) {
          const key = name + ' |' + context + ' | ' + s;
          if (loaded.has(key) || missing.has(key)) continue;
          const bare = s.replace(STATE, '').replace(/(^|[\s>+~])(?=[\s>+~]|$)/g, '$1*').trim() || '*';
          let hit = false;
          try { hit = document.querySelector(bare) !== null; } catch (e) { hit = false; }
          if (hit) missing.add(key);
        }
      });
    }
  }
  root.dataset.theme = theme; root.dataset.mode = mode;
  return {loaded: loaded.size, missing: Array.from(missing)};
}"""

# the page has settled: every section laid out (quiz.js), every quiz and tool started
SETTLED_JS = """() => document.readyState === 'complete'
  && !document.querySelector('.bd-article > section > section:not(.rs-laid-out)')
  && !document.querySelector('.rs-run-notice')"""


@pytest.fixture(scope="module")
def whole_css(book_html) -> dict[str, str]:
    """The purged stylesheets as shipped, by their path under _static."""
    folder = Path(book_html).parent / sphinxext.WHOLE_CSS_DIR
    found = {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in folder.rglob("*.css")}
    if not found:
        pytest.fail(f"no whole stylesheets in {folder}: was the book built without PurgeCSS (npm ci)?")
    return found


def test_the_theme_stylesheets_are_purged(book_html, whole_css):
    static = Path(book_html) / "_static"
    assert "styles/pydata-sphinx-theme.css" in whole_css
    for rel, text in whole_css.items():
        assert len((static / rel).read_text(encoding="utf-8")) <= len(text), rel
    theme = (static / "styles/pydata-sphinx-theme.css").read_text(encoding="utf-8")
    assert len(theme) < 0.6 * len(whole_css["styles/pydata-sphinx-theme.css"])
    # rules Bootstrap needs at run time, whatever the pages say
    for selector in (".tooltip", ".bs-tooltip-auto", ".dropdown-menu.show", ".collapsing", ".fade"):
        assert selector in theme, selector


@pytest.mark.parametrize("rel", PAGES)
def test_every_rule_a_page_uses_survives_the_purge(browser, book_server, whole_css, rel):
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.set_default_timeout(20_000)
        goto(page, book_server, rel)
        reach_all(page)
        page.wait_for_function(SETTLED_JS)
        if rel.startswith("search.html"):
            page.wait_for_selector("#search-results li")
        elif rel.startswith("notebooks/"):
            page.wait_for_selector("button.copybtn", state="attached")
        found = page.evaluate(MISSING_JS, whole_css)
        assert found["loaded"] > 1000
        assert not found["missing"], f"{len(found['missing'])} rules purged that {rel} uses: {found['missing'][:10]}"
    finally:
        context.close()


def test_scrollable_blocks_get_a_tab_stop_once_laid_out(browser, book_server):
    """The theme's tab stops (a keyboard user can scroll a wide table or code block) still come,
    after quiz.js has laid out the sections (patch_theme_js), on a phone where they were skipped:
    first in the sections laid out in idle time, leaving those whose quiz or tool waits for a reader
    (reading their sizes would lay them out), then in those too once reached."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        goto(page, book_server, MODULE_2)
        waiting = ".bd-article > section > section:not(.rs-laid-out)"
        page.wait_for_function(f"() => Array.from(document.querySelectorAll('.rs-laid-out :is({SCROLLABLE})'))"
                               ".every(el => el.hasAttribute('tabindex'))")
        left = page.evaluate(f"() => Array.from(document.querySelectorAll('{waiting} :is({SCROLLABLE})'))"
                             ".map(el => el.hasAttribute('tabindex'))")
        assert left and not any(left), "the first pass read sizes in a section still skipped"
        reach_all(page)
        page.wait_for_function(SETTLED_JS)
        page.wait_for_function(f"() => Array.from(document.querySelectorAll('{SCROLLABLE}'))"
                               ".every(el => el.hasAttribute('tabindex'))")
        stops = page.evaluate(f"() => Array.from(document.querySelectorAll('{SCROLLABLE}')).map(el => [el.tabIndex, "
                              "el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight])")
        assert stops and any(scrolls for _, scrolls in stops) and not all(scrolls for _, scrolls in stops)
        assert all(tab == (0 if scrolls else -1) for tab, scrolls in stops)
    finally:
        context.close()


def test_the_theme_script_patch_applies_once_and_says_when_it_cannot(book_html):
    import pydata_sphinx_theme

    installed = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "scripts"
                 / "pydata-sphinx-theme.js")
    original = installed.read_text(encoding="utf-8")
    patched, misses = sphinxext.patch_theme_js(original)
    assert misses == [] and patched != original
    assert "RecoveryQuiz.afterLayout" in patched and "rsStops" in patched and "inSkippedSection" in patched
    assert sphinxext.patch_theme_js(patched) == (patched, [])  # a rebuild leaves it as it is
    built = (Path(book_html) / "_static" / "scripts" / "pydata-sphinx-theme.js").read_text(encoding="utf-8")
    assert built == patched
    changed = original.replace('window.addEventListener("load",', 'window.addEventListener("pageshow",')
    assert sphinxext.patch_theme_js(changed) == (changed, ["the first tab-stop pass"])
