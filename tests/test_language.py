"""Person-first, non-stigmatizing language in everything students and instructors read: book pages,
notebook cells and their stored outputs, banks, data, README, and the course's own UI strings in
Python and JavaScript. The terms follow the fact sheet's "Avoid | Use instead" table (NIDA Words
Matter); see recovery_science/language.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recovery_science import language
from recovery_science.language import TERMS, find_terms, plain_avoid

ROOT = Path(__file__).resolve().parents[1]
FILES = language.course_files(ROOT)


def test_scope_covers_every_kind_of_course_text():
    rels = {str(p.relative_to(ROOT)) for p in FILES}
    for expected in ("book/intro.md", "book/language.md", "notebooks/01-biology-of-opioid-dependence.ipynb",
                     "data/quizzes/01-biology.yaml", "data/README.md", "README.md",
                     "recovery_science/quiz/static.py", "recovery_science/quiz/widget.py", "book/_static/quiz.js"):
        assert expected in rels, expected
    # vendored code and styles are not ours; the vendor folder's README (ours) is read like any page
    assert not any("vendor" in r and not r.endswith("README.md") for r in rels)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_no_stigmatizing_terms(path):
    problems = [line for text in language.texts_of(path, ROOT) for line in text.hits()]
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------- the checker itself: flagged

FLAGGED = {
    "addict": ["Most addicts relapse.", "an Addict in recovery", "a former addict", "a reformed addict"],
    "user": ["heroin users", "a heavy user", "Users often share needles.", "injection drug users",
             "a user of heroin"],
    "abuser": ["opioid abusers", "a substance abuser", "drug abusers"],
    "junkie": ["a junkie", "the junkies", "a junky"],
    "abuse": ["history of drug abuse", "Substance abuse treatment", "substance-abuse treatment",
              "heroin abuse", "opioid abuse", "prescription opioid abuse", "prescription drug abuse",
              "abusing opioids", "abuse of prescription painkillers", "drugs of abuse", "abuse potential",
              "alcohol abuse"],
    "dependence (as a diagnosis)": ["diagnosed with opioid dependence", "patients with opioid dependence",
                                    "treatment of opioid dependence", "she has opioid dependence",
                                    "an opioid dependence diagnosis", "people with heroin dependence"],
    "habit": ["a drug habit", "his heroin habit", "kick the habit", "feed a habit", "habits"],
    "clean/dirty (test result)": ["a clean urine test", "She tested clean.", "a dirty drug screen",
                                  "results came back dirty", "the urine screen was clean",
                                  "a clean tox screen", "tests dirty", "dirty UDS"],
    "clean (a person)": ["She has been clean for two years.", "he stayed clean", "getting clean",
                         "clean and sober", "two years clean", "clean time", "the patient is clean",
                         "clean since 2019", "staying clean"],
    "replacement/substitution therapy": ["methadone replacement therapy", "opioid substitution treatment",
                                         "opioid substitution therapy", "a substitute drug",
                                         "replacement medication"],
    "replacing one drug with another": ["just replacing one drug with another",
                                        "swapping one drug for another", "trading one addiction for another"],
    "relapse": ["a relapse", "he relapsed", "relapsing", "relapse rates"],
    "treatment failure": ["a treatment failure", "treatment-failure rates"],
    "detox": ["a week in detox", "detoxing at home", "detox centre"],
    "victim": ["overdose victims", "a victim of heroin", "victims of addiction"],
    "MAT (medication-assisted treatment)": ["MAT programs", "medication-assisted treatment",
                                            "Medication-Assisted Treatment (MAT)", "medication assisted therapy"],
}


def test_every_term_has_flagged_examples_and_a_source():
    assert set(FLAGGED) == set(TERMS)
    for name, term in TERMS.items():
        assert term.source, name


@pytest.mark.parametrize("term, sentence", [(t, s) for t, ss in FLAGGED.items() for s in ss])
def test_checker_flags(term, sentence):
    assert term in {h.term for h in find_terms(sentence)}, sentence


# ----------------------------------------------------------------- the checker itself: allowed

ALLOWED = [
    # proper names: organisations, laws, named therapies, references.bib titles and authors
    "National Institute on Drug Abuse (NIDA)", "the Substance Abuse and Mental Health Services Administration",
    "National\nInstitute on Drug Abuse", "Center for Substance Abuse Treatment",
    "Journal of Substance Abuse Treatment", "National Institute on Alcohol Abuse and Alcoholism",
    "the MAT Act", "the MATE Act's 8 hours of training", "Mainstreaming Addiction Treatment Act",
    "Relapse Prevention (Marlatt)",
    "Mortality risk during and after opioid substitution treatment: systematic review and meta-analysis "
    "of cohort studies", "NIDA's report Heroin Abuse and Addiction",
    "https://nida.nih.gov/research-topics/heroin/heroin-abuse-addiction", "see drugabuse.gov/about",
    # terms shown in order to correct them, in each accepted form
    "Say {avoid}`addict`, no: say person with OUD.", "{avoid}`clean` / {avoid}`dirty` (test results)",
    "{avoid}`replacement therapy`", "the myth that medication {avoid}`replaces one drug with another`",
    '<del class="rs-avoid" title="term to avoid">clean</del> urine test',
    "a ~~heavy user~~ person who uses drugs", plain_avoid("a drug habit"), plain_avoid("relapse"),
    "the urine screen was " + plain_avoid("clean"),
    # a phrase people say, mentioned in quotation marks
    "NIDA lists 'user' among the labels to avoid", "a colleague calls it “swapping one drug for another”",
    "‘habit’ suggests a choice", 'Which is person-first: "a heavy user" or "a person who uses drugs"?',
    # harm reduction
    "clean equipment", "clean needles and syringes", "get clean needles from a syringe service program",
    "keep clean syringes", "stay clean water", "clean injection supplies",
    # other senses
    "child abuse and neglect", "survivors of sexual abuse", "victims of violence", "victims of crime",
    "habit learning in the dorsal striatum", "may be habit-forming", "nicotine replacement therapy",
    "the user interface", "the browser's user agent", "user-select: none",
    "a negative urine test", "the person's home was clean", "replacement of the battery",
    "a person with opioid use disorder", "a person who uses drugs", "return to use", "withdrawal management",
    "detoxification", "opioid agonist treatment", "physical dependence is not OUD", "Biology of opioid dependence",
    "abstinent", "in recovery", "tested negative", "a mat on the floor", "addiction", "addictive drugs",
    "a clean dataset", "clean the data", "abusive relationships",
]


@pytest.mark.parametrize("sentence", ALLOWED)
def test_checker_allows(sentence):
    assert not find_terms(sentence), (sentence, find_terms(sentence))


@pytest.mark.parametrize("sentence", [
    "NIDA's advice to heavy users' families",  # apostrophes do not open a quotation
    "the patients' relapse",
    "“" + "a long paragraph that goes on and on about people " * 2 + "who relapse” is too long to be a mention",
    "\"a relapse\nover two lines\"",
])
def test_quotation_marks_do_not_hide_more_than_a_short_mention(sentence):
    assert find_terms(sentence), sentence


def test_yaml_and_json_are_read_as_the_strings_they_hold(tmp_path):
    bank = tmp_path / "b.yaml"
    bank.write_text('id: x\noptions:\n  - text: "a heavy user"\n  - text: "“a heavy user”"\n'
                    "  - feedback: 'say person who uses drugs'\n")
    hits = [p.split(": '")[0] for t in language.texts_of(bank, tmp_path) for p in t.hits()]
    assert hits == ["b.yaml, line 3"]  # YAML's own quotes are syntax; the curly ones are a mention
    data = tmp_path / "d.json"
    data.write_text('{"label": "heavy users", "note": "fine"}')
    assert len([p for t in language.texts_of(data, tmp_path) for p in t.hits()]) == 1


def test_hits_name_the_line():
    text = "Line one.\nLine two.\nThe patient relapsed.\n"
    assert [(h.term, h.line, h.text) for h in find_terms(text)] == [("relapse", 3, "relapsed")]


def test_allowed_markup_keeps_line_numbers():
    text = "{avoid}`addict`\n<del\nclass='rs-avoid'>junkie</del>\nNational\nInstitute on Drug Abuse\naddicts"
    assert [h.line for h in find_terms(text)] == [6]


# ----------------------------------------------------------------- the readers

def test_html_output_is_read_as_visible_text():
    html = ('<div id="rsq-relapse-clean-test" class="addict">\n<p title="heroin users">Fine</p>\n'
            '<del class="rs-avoid">junkie</del>\n<script type="application/json">{"feedback": "a relapse"}</script>'
            '<img alt="overdose victims"></div>')
    text = language.html_text(html)
    assert [(h.term, h.line) for h in find_terms(text)] == [("user", 2), ("relapse", 4), ("victim", 4)]


def test_notebook_cells_and_stored_outputs_are_read(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "source": ["Fine.\n", "An addict."], "metadata": {}},
        {"cell_type": "code", "source": "show()", "metadata": {}, "execution_count": 1, "outputs": [
            {"output_type": "stream", "name": "stdout", "text": ["ok\n", "a relapse\n"]},
            {"output_type": "display_data", "metadata": {}, "data": {
                "text/plain": "ok", "text/html": ["<p>ok</p>\n", "<p>junkies</p>"], "image/png": "addict"}},
        ]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps(nb))
    problems = [p for t in language.notebook_texts(path, "x.ipynb") for p in t.hits()]
    assert [p.split(":")[0] for p in problems] == [
        "x.ipynb cell 0, line 2", "x.ipynb cell 1 output 0 (text/plain), line 2",
        "x.ipynb cell 1 output 1 (text/html), line 2"]


def test_python_ui_strings_are_read_but_not_docstrings(tmp_path):
    path = tmp_path / "m.py"
    path.write_text('"""Module docstring: addicts."""\n\ndef f():\n    """About relapse."""\n'
                    '    # a comment about junkies\n    return f"Welcome, {1} heavy user"\n')
    texts = language.python_strings(path, "m.py")
    assert [p.split(": '")[0] for t in texts for p in t.hits()] == ["m.py string, line 6"]


def test_js_ui_strings_are_read_but_not_comments(tmp_path):
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    path = tmp_path / "q.js"
    path.write_text('// addicts in a comment\nvar re = /relapse/;\nvar a = "fine";\n'
                    'var b = `a ${a}\n heavy user`;\nvar c = \'detox\';\n')
    hits = [p.split(": '")[0] for t in language.js_strings([path], tmp_path) for p in t.hits()]
    assert hits == ["q.js string, line 5", "q.js string, line 6"]


def test_bibliography_names_are_only_those_that_need_allowing():
    names = language.bibliography_names()
    assert "Heroin Abuse and Addiction" in names
    assert "National Institute on Drug Abuse" in names
    assert "Heroin" not in names  # a bare title would hide "heroin abuse"
    assert find_terms("heroin abuse")
