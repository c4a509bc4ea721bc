"""The live front (ipywidgets, driven headless) and the static front's HTML."""

from __future__ import annotations

import functools
import json
import re

import ipywidgets as widgets
import pytest

from recovery_science.quiz import QuizDisplay, load_bank, quiz_widget
from recovery_science.quiz.schema import parse_bank
from recovery_science.quiz.static import render_html, render_text


@functools.cache
def _bank():
    """Module 0's bank, loaded inside the tests that use it (a broken bank fails them, not collection)."""
    return load_bank("00-how-this-course-works")


@pytest.fixture()
def quiz():
    return quiz_widget(_bank())


def _score(quiz) -> str:
    return re.sub(r"<[^>]+>", "", quiz.score.value)


def test_widget_kinds(quiz):
    kinds = {w.question.type: type(w.answer) for w in quiz.questions}
    assert kinds == {"single": widgets.RadioButtons, "truefalse": widgets.RadioButtons,
                     "multiple": widgets.VBox, "numeric": widgets.Text}
    assert _score(quiz) == f"Score: 0 of {len(_bank().questions)} correct"


def test_right_answer_by_clicking_check(quiz):
    w = quiz.question("helpline-number")
    w.answer.value = "a"          # as a student picks the radio button
    w.check.click()               # and presses Check
    assert "Correct." in w.feedback.value
    assert "free, confidential" in w.feedback.value                   # option feedback
    assert "Explanation." in w.feedback.value                         # explanation
    assert "Source:" in w.feedback.value and "National Helpline" in w.feedback.value  # formatted source
    assert w.attempts.value == "Attempts: 1"
    assert _score(quiz).startswith("Score: 1 of")


def _shown(widget) -> bool:
    return widget.layout.display != "none"


def test_before_any_attempt_only_check_shows(quiz):
    for w in quiz.questions:
        assert _shown(w.check) and not _shown(w.retry) and not _shown(w.show_answer), w.question.id
        assert not _shown(w.feedback) and w.attempts.value == ""


def test_wrong_then_try_again_then_right(quiz):
    w = quiz.question("helpline-number")
    w.answer.value = "b"
    w.check.click()
    assert "Not quite." in w.feedback.value and "911 is for emergencies" in w.feedback.value
    # the wrong option's feedback only: the explanation and source wait for a right answer
    assert "Explanation." not in w.feedback.value and "Source:" not in w.feedback.value
    assert _shown(w.retry) and _shown(w.show_answer)
    assert _score(quiz).startswith("Score: 0 of")
    w.retry.click()
    assert w.answer.value is None and w.feedback.value == "" and not _shown(w.feedback)
    assert not _shown(w.retry) and _shown(w.show_answer)
    w.answer.value = "a"
    w.check.click()
    assert "Explanation." in w.feedback.value and "Source:" in w.feedback.value
    assert not _shown(w.retry) and not _shown(w.show_answer)
    assert _score(quiz).startswith("Score: 1 of") and w.attempts.value == "Attempts: 2"


def test_show_answer_reveals_and_the_question_never_scores(quiz):
    w = quiz.question("rate-2020")
    quiz.answer("rate-2020", "25")
    w.show_answer.click()
    assert "Answer shown." not in w.feedback.value  # the wrong attempt's verdict stays on screen
    assert "The answer:" in w.feedback.value and "21.4 deaths per 100,000" in w.feedback.value
    assert "Explanation." in w.feedback.value and "Source:" in w.feedback.value
    assert "does not count towards your score" in w.feedback.value
    assert not _shown(w.show_answer)
    assert _score(quiz) == f"Score: 0 of {len(_bank().questions)} correct (1 answer shown, not scored)"
    assert quiz.answer("rate-2020", "21.4").status == "correct"
    assert "Correct." in w.feedback.value and "does not count towards your score" in w.feedback.value
    assert _score(quiz).startswith("Score: 0 of")
    w.try_again()
    assert "Answer shown." in w.feedback.value and "The answer:" in w.feedback.value
    rec = quiz.stored()["questions"]["rate-2020"]
    assert rec["revealed"] and rec["verdict"] == "correct" and rec["attempts"] == 2 and rec["revealed_at"]


def test_verdict_is_not_printed_twice():
    """Bank feedback that starts with the verdict ("Not quite. That would be ...") is shown once."""
    bank = load_bank("01-biology")
    quiz = quiz_widget(bank)
    quiz.answer("dsm-severity-case", "c")
    text = re.sub(r"<[^>]+>", " ", quiz.question("dsm-severity-case").feedback.value)
    assert text.count("Not quite") == 1 and "tolerance is excluded only" in text
    quiz.answer("synthetic-fold-2015-2020", "5.7")
    text = re.sub(r"<[^>]+>", " ", quiz.question("synthetic-fold-2015-2020").feedback.value)
    assert text.count("Correct") == 1 and "17.8 / 3.1" in text


def test_multiple_select_needs_exact_set_and_gives_feedback_per_option(quiz):
    w = quiz.question("accurate-phrases")
    q = w.question
    text = {o.id: o.text for o in q.options}
    quiz.answer(q.id, ["a"])
    assert "Not quite." in w.feedback.value and w.feedback.value.count("<li>") == 1
    assert "2 correct options are still missing." in w.feedback.value
    assert text["a"] in w.feedback.value and text["b"] not in w.feedback.value  # how many, never which
    quiz.answer(q.id, ["a", "b", "c"])
    assert "Correct." in w.feedback.value and w.feedback.value.count("<li>") == 3
    assert "missing" not in w.feedback.value
    quiz.answer(q.id, ["a", "b", "c", "d"])
    assert "Not quite." in w.feedback.value and w.feedback.value.count("<li>") == 4
    assert "missing" not in w.feedback.value and text["d"] in w.feedback.value
    quiz.answer(q.id, ["a", "b", "d"])
    assert "1 correct option is still missing." in w.feedback.value
    assert w.attempts.value == "Attempts: 4"


def test_reset_quiz_is_plain_and_last_and_clears_everything(quiz):
    assert quiz.children[-1] is quiz.reset_all and quiz.reset_all.description == "Reset quiz"
    assert quiz.reset_all.button_style == "" and "Reset" not in quiz.score.value
    quiz.answer("helpline-number", "a")
    quiz.answer("rate-2020", "25")
    quiz.question("rate-2020").show_answer.click()
    quiz.reset_all.click()
    assert _score(quiz) == f"Score: 0 of {len(_bank().questions)} correct"
    assert quiz.stored()["questions"] == {}
    for w in quiz.questions:
        assert w.feedback.value == "" and w.attempts.value == "" and not _shown(w.show_answer)


def test_widget_spacing_is_at_most_about_a_line():
    """Issue 7: no large gaps between questions. Each question's margin is under one line, and
    parts with nothing to show (feedback, Try again, Show answer) take no room at all."""
    quiz = quiz_widget(_bank())
    for w in quiz.questions:
        top, right, bottom, left = (w.layout.margin or "0 0 0 0").split()
        assert top == "0" and float(bottom.removesuffix("em")) <= 1.0
        assert w.feedback.layout.display == "none"
        prompt = w.children[0].value
        assert prompt.startswith('<p style="margin:0">')


def test_numeric_accepts_comma_and_rejects_blank(quiz):
    w = quiz.question("rate-2020")
    w.answer.value = "   "
    w.check.click()
    assert "Not checked." in w.feedback.value and w.attempts.value == ""
    w.answer.value = "25"
    w.check.click()
    assert "Too high" in w.feedback.value
    w.answer.value = "21,4"
    w.check.click()
    assert "Correct." in w.feedback.value and w.attempts.value == "Attempts: 2"


def test_truefalse(quiz):
    result = quiz.answer("lifeline-988", False)
    assert result.status == "incorrect"
    assert quiz.answer("lifeline-988", True).status == "correct"


def test_display_object_outside_a_kernel_has_no_widget_view():
    bundle = QuizDisplay(_bank())._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/plain"] == render_text(_bank())


def test_static_html_is_deterministic_and_complete():
    html_a, html_b = render_html(_bank()), render_html(load_bank("00-how-this-course-works"))
    assert html_a == html_b
    for q in _bank().questions:
        assert f'id="rsq-{_bank().id}-{q.id}"' in html_a
    data_script = re.search(r'<script type="application/json" class="rs-quiz-data">(.*?)</script>', html_a, re.S)
    data = json.loads(data_script.group(1))
    assert [q["id"] for q in data["questions"]] == [q.id for q in _bank().questions]
    assert all(q["source"]["text"] for q in data["questions"])
    # every input has a label
    for input_id in re.findall(r'<input [^>]*id="([^"]+)"', html_a):
        assert f'<label for="{input_id}"' in html_a


@pytest.mark.parametrize("bank_id", ["00-how-this-course-works", "01-biology"])
def test_stored_html_cannot_submit_or_navigate(bank_id):
    """In an unrun notebook JupyterLab shows this HTML: no form, nothing that submits or
    navigates, inputs disabled (quiz.js enables them), and a notice saying what to do."""
    out = render_html(load_bank(bank_id))
    lowered = out.lower()
    for needle in ("<form", 'type="submit"', "<button", "<a ", "formaction", "onclick", "href="):
        assert needle not in lowered, needle
    assert lowered.count("<fieldset disabled>") == len(load_bank(bank_id).questions)
    assert ('<p class="rs-run-notice rs-search-skip">Run this cell to use the quiz here (JupyterLab), '
            "or answer it in the course book.</p>") in out
    assert out.count('role="group"') == len(load_bank(bank_id).questions)


def test_bank_text_is_escaped(monkeypatch):
    monkeypatch.setattr("recovery_science.quiz.static.format_reference", lambda key: "ref")
    evil = '<img src=x onerror="alert(1)"></script><script>alert(2)</script>'
    raw = {
        "id": "evil", "title": evil, "objectives": [{"id": "LO1", "text": "x"}],
        "questions": [
            {"id": f"q{i}", "type": "single", "level": "apply", "objective": "LO1", "prompt": evil,
             "explanation": evil, "source": "k",
             "options": [{"id": "a", "text": evil, "feedback": evil, "correct": True},
                         {"id": "b", "text": "{avoid}`clean` test", "feedback": "ok"}]}
            for i in range(2)
        ],
    }
    out = render_html(parse_bank(raw, "evil.json", None))
    assert "<img" not in out and "<script>alert" not in out
    assert out.count("<script") == 1  # only the JSON data block
    json_block = out.split('class="rs-quiz-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in json_block and ">" not in json_block
    assert '<del class="rs-avoid" title="term to avoid">clean</del> test' in out


def _right_and_wrong(q):
    """A keyed answer and a wrong one, as a student would enter them in the widget."""
    if q.type == "single":
        right = next(o.id for o in q.options if o.correct)
        return right, next(o.id for o in q.options if not o.correct)
    if q.type == "multiple":
        keyed = [o.id for o in q.options if o.correct]
        others = [o.id for o in q.options if not o.correct]
        return keyed, (keyed + others[:1]) if others else keyed[:-1]  # a superset, or a subset
    if q.type == "truefalse":
        return q.answer, not q.answer
    return f"{q.answer:g}".replace(".", ","), f"{q.answer + q.tolerance + 1:g}"


@pytest.mark.parametrize("bank_id", ["00-how-this-course-works", "01-biology"])
def test_every_question_of_every_bank_in_the_widget(bank_id):
    bank = load_bank(bank_id)
    quiz = quiz_widget(bank)
    for q in bank.questions:
        right, wrong = _right_and_wrong(q)
        assert quiz.answer(q.id, wrong).status == "incorrect", q.id
        w = quiz.question(q.id)
        assert "Not quite." in w.feedback.value and "Source:" not in w.feedback.value
        assert quiz.answer(q.id, right).status == "correct", q.id
        assert "Correct." in w.feedback.value and "Source:" in w.feedback.value
        assert w.attempts.value == "Attempts: 2"
    assert _score(quiz) == f"Score: {len(bank.questions)} of {len(bank.questions)} correct"


def test_widget_front_escapes_bank_text(monkeypatch):
    """Prompt, feedback, explanation and title reach the widget front's HTML as text: a bank
    holding <script> or <b> shows them literally (the widget renders ``widgets.HTML``)."""
    monkeypatch.setattr("recovery_science.quiz.widget.format_reference", lambda key: "Ref <i>x</i>")
    script, bold = "<script>alert(1)</script>", "<b>bold</b>"
    raw = {
        "id": "evil", "title": f"Title {bold}", "objectives": [{"id": "LO1", "text": "x"}],
        "questions": [
            {"id": "q1", "type": "single", "level": "apply", "objective": "LO1", "prompt": f"Prompt {script} {bold}",
             "explanation": f"Explain {script} {bold}", "source": "k",
             "options": [{"id": "a", "text": f"A {bold}", "feedback": f"Right {script} {bold}", "correct": True},
                         {"id": "b", "text": "B", "feedback": f"Wrong {bold}"}]},
            {"id": "q2", "type": "single", "level": "apply", "objective": "LO1", "prompt": "P", "explanation": "E",
             "source": "k", "options": [{"id": "a", "text": "A", "feedback": "F", "correct": True},
                                        {"id": "b", "text": "B", "feedback": "G"}]},
        ],
    }
    quiz = quiz_widget(parse_bank(raw, "evil.json", None))
    quiz.answer("q1", "a")
    w = quiz.question("q1")
    shown = [quiz.children[0].value, w.children[0].value, w.feedback.value]
    everything = "\n".join(shown)
    assert "<script>" not in everything and bold not in everything and "<i>x</i>" not in everything
    assert "Title &lt;b&gt;bold&lt;/b&gt;" in shown[0]
    assert "Prompt &lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in shown[1]
    for text in ("Right &lt;script&gt;", "Explain &lt;script&gt;", "Ref &lt;i&gt;x&lt;/i&gt;"):
        assert text in shown[2], text
    # option labels are plain widget descriptions (not HTML), the text kept as written
    assert f"A {bold}" in [label for label, _v in w.answer.options]
    # the answer Show answer reveals (an option's text) and per-option labels are escaped too
    quiz.answer("q1", "b")
    w.reveal()
    assert bold not in w.feedback.value and "<li>A &lt;b&gt;bold&lt;/b&gt;</li>" in w.feedback.value


def test_type_table_drives_both_fronts():
    """Every question type in the banks has one registry entry, and each front builds its input
    from that entry alone."""
    from recovery_science.quiz.types import TYPES

    kinds = {"radio": widgets.RadioButtons, "checkbox": widgets.VBox, "number": widgets.Text}
    quiz = quiz_widget(_bank())
    for w in quiz.questions:
        entry = TYPES[w.question.type]
        assert isinstance(w.answer, kinds[entry.input]), w.question.id
        if entry.input != "number":
            html_out = render_html(_bank())
            for oid, _text in entry.choices(w.question):
                assert f'id="rsq-{_bank().id}-{w.question.id}-{oid}" name="rsq-{_bank().id}-{w.question.id}" ' \
                       f'value="{oid}"' in html_out
                assert f'type="{entry.input}"' in html_out


def test_plain_text_keeps_a_term_to_avoid_marked():
    from recovery_science.language import find_terms
    from recovery_science.quiz.static import plain

    text = plain("the urine screen was {avoid}`clean`")
    assert text == "the urine screen was “clean” (term to avoid)"
    assert not find_terms(text) and find_terms("the urine screen was clean")


def test_quiz_sources_carry_the_same_author_year_label_as_the_bibliography():
    from recovery_science.bib import citation_label
    from recovery_science.quiz.static import client_question

    for q in _bank().questions:
        text = client_question(q)["source"]["text"]
        assert text.startswith(f"[{citation_label(q.source)}] "), text
    assert citation_label("nida2021wordsmatter") == "NIDA 2021"
