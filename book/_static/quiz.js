/* Recovery Science: the static quiz front (no kernel, no server).
 *
 * Makes the HTML that recovery_science.quiz.static renders interactive. Grading follows the rules
 * written down in recovery_science/quiz/grading.py (and DEVELOPING.md) rule for rule:
 * tests/test_node_grading.py runs this file in Node on tests/grading_cases.json and on generated
 * responses, against the Python grader. Everything above "DOM" below is pure (no document, no
 * window), so Node can require() this file; in a page it starts the quizzes and sets
 * window.RecoveryQuiz.
 *
 * Answers, attempts and scores are kept in localStorage under "recovery-science:v1:<bank id>",
 * keyed by the stable question ids; the quiz still works when storage is blocked or holds
 * garbage, and a stored status is never trusted: saved answers are graded again on load.
 * Bank text is never parsed as HTML: it is inserted with textContent.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.RecoveryQuiz = api;
    api.start();
  }
})(this, function () {
  "use strict";

  var STORAGE_PREFIX = "recovery-science:v1:";
  var EPSILON = 1e-9;
  var NUMBER = /^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)$/;
  var OUTSIDE_BMP = /[\uD800-\uDFFF]/;   /* any surrogate: a character above U+FFFF, or a lone one */
  var ASCII_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
  var MSG_CHOOSE_ONE = "Choose an answer, then press Check.";
  var MSG_CHOOSE_SOME = "Select at least one option, then press Check.";
  var MSG_NUMBER = "Enter a number such as 4.5 or 4,5 (digits only, no thousands separators).";
  var HEADINGS = { correct: "Correct.", incorrect: "Not quite.", invalid: "Not checked." };
  var AVOID = /\{avoid\}`([^`]+)`/g;

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  /* ---------------------------------------------------------------- grading rules (pure) */

  function finite(x) { return isFinite(x) ? x : null; }

  /* A typed number (or a number) as a finite number; null when it is not one. */
  function parseNumber(value) {
    if (typeof value === "number") return finite(value);
    if (typeof value !== "string") return null;
    if (OUTSIDE_BMP.test(value)) return null;
    var s = value.normalize("NFKC").replace(ASCII_SPACE, "");
    if (!NUMBER.test(s)) return null;
    return finite(parseFloat(s.replace(",", ".")));
  }

  /* A true/false response: true/false or exactly "true"/"false". */
  function asBool(value) {
    if (value === true || value === false) return value;
    if (value === "true" || value === "false") return value === "true";
    return null;
  }

  function findOption(q, id) {
    for (var i = 0; i < q.options.length; i++) {
      if (q.options[i].id === id) return q.options[i];
    }
    return null;
  }

  /* A multiple-select response as a set of option ids, or null when it is not one. */
  function optionIds(q, value) {
    if (!Array.isArray(value) || value.length === 0) return null;
    var chosen = Object.create(null);
    for (var i = 0; i < value.length; i++) {
      if (typeof value[i] !== "string" || findOption(q, value[i]) === null) return null;
      chosen[value[i]] = true;
    }
    return chosen;
  }

  function result(status, feedback, message, outcome) {
    return { status: status, feedback: feedback || [], message: message || "", outcome: outcome || "" };
  }

  function gradeSingle(q, response) {
    var chosen = typeof response === "string" ? findOption(q, response) : null;
    if (chosen === null) return result("invalid", [], MSG_CHOOSE_ONE);
    return result(chosen.correct ? "correct" : "incorrect", [chosen.feedback]);
  }

  function gradeMultiple(q, response) {
    var chosen = optionIds(q, response);
    if (chosen === null) return result("invalid", [], MSG_CHOOSE_SOME);
    var exact = true;
    var feedback = [];
    q.options.forEach(function (o) {
      if (!!chosen[o.id] !== !!o.correct) exact = false;
      if (chosen[o.id]) feedback.push(o.feedback);
    });
    return result(exact ? "correct" : "incorrect", feedback);
  }

  function gradeTrueFalse(q, response) {
    var value = asBool(response);
    if (value === null) return result("invalid", [], MSG_CHOOSE_ONE);
    var fb = value ? q.feedback.if_true : q.feedback.if_false;
    return result(value === q.answer ? "correct" : "incorrect", [fb]);
  }

  function gradeNumeric(q, response) {
    var x = parseNumber(response);
    if (x === null) return result("invalid", [], MSG_NUMBER);
    var slack = q.tolerance + EPSILON * Math.max(1, Math.abs(q.answer));
    if (x < q.answer - slack) return result("incorrect", [q.feedback.low], "", "low");
    if (x > q.answer + slack) return result("incorrect", [q.feedback.high], "", "high");
    return result("correct", [q.feedback.correct], "", "correct");
  }

  /* ---------------------------------------------------------------- per-type table */

  /* How each kind of input is read, set and stored. The DOM functions take the question's form. */
  function checkedValues(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input:checked")).map(function (i) { return i.value; });
  }

  function setChecked(form, value) {
    var chosen = Array.isArray(value) ? value : (value === null || value === undefined ? [] : [value]);
    Array.prototype.forEach.call(form.querySelectorAll("input"), function (input) {
      input.checked = chosen.indexOf(input.value) !== -1;
    });
  }

  function isString(r) { return typeof r === "string"; }

  var INPUTS = {
    radio: {
      read: function (form) { var v = checkedValues(form); return v.length ? v[0] : null; },
      write: setChecked,
      storable: isString
    },
    checkbox: {
      read: checkedValues,
      write: setChecked,
      storable: function (r) { return Array.isArray(r) && r.every(isString); }
    },
    number: {
      read: function (form) { return form.querySelector('input[type="text"]').value; },
      write: function (form, value) {
        form.querySelector('input[type="text"]').value = value === null || value === undefined ? "" : value;
      },
      storable: isString
    }
  };

  /* One entry per question type, keyed like recovery_science/quiz/types.py's TYPES. */
  var TYPES = {
    single: { input: "radio", grade: gradeSingle },
    multiple: { input: "checkbox", grade: gradeMultiple },
    truefalse: { input: "radio", grade: gradeTrueFalse },
    numeric: { input: "number", grade: gradeNumeric }
  };

  function questionType(type) {
    if (!has(TYPES, type)) throw new Error("unknown question type " + type);
    return TYPES[type];
  }

  function inputOf(q) { return INPUTS[questionType(q.type).input]; }

  function grade(q, response) { return questionType(q.type).grade(q, response); }

  /* ---------------------------------------------------------------- saved records (pure) */

  var STATUSES = { correct: true, incorrect: true };

  /* A bank's saved records from their stored text; anything malformed is dropped, never trusted. */
  function parseRecords(text, questions) {
    var records = {};
    var raw;
    try { raw = JSON.parse(text); } catch (e) { return records; }
    if (!raw || typeof raw !== "object" || !raw.questions || typeof raw.questions !== "object") return records;
    questions.forEach(function (q) {
      var rec = has(raw.questions, q.id) ? raw.questions[q.id] : null;
      if (!rec || typeof rec !== "object") return;
      var attempts = rec.attempts;
      if (typeof attempts !== "number" || !isFinite(attempts) || attempts < 0 || Math.floor(attempts) !== attempts) return;
      var latest = rec.latest === null || rec.latest === undefined ? null : rec.latest;
      if (latest !== null && !has(STATUSES, latest)) return;
      var response = rec.response === undefined ? null : rec.response;
      if (response !== null && !inputOf(q).storable(response)) return;
      records[q.id] = { attempts: attempts, latest: latest, response: response };
    });
    return records;
  }

  function scoreOf(questions, records) {
    var score = 0;
    questions.forEach(function (q) {
      if (has(records, q.id) && records[q.id].latest === "correct") score++;
    });
    return score;
  }

  /* Records as a reload shows them: every saved answer is graded again, and that result, never
   * the stored status, decides what is shown and scored (the bank's key may have changed since,
   * and a stored record may have been edited). Returns {records, results, score}; results[qid]
   * is the result to show, or null for a question with no saved answer. */
  function restoreRecords(questions, saved) {
    var records = {};
    var results = {};
    questions.forEach(function (q) {
      if (!has(saved, q.id)) return;
      var rec = saved[q.id];
      var res = rec.response === null ? null : grade(q, rec.response);
      records[q.id] = {
        attempts: rec.attempts,
        latest: res === null || res.status === "invalid" ? null : res.status,
        response: rec.response
      };
      results[q.id] = res;
    });
    return { records: records, results: results, score: scoreOf(questions, records) };
  }

  /* ---------------------------------------------------------------- DOM: storage */

  function openStorage() {
    try {
      var s = window.localStorage;
      var probe = STORAGE_PREFIX + "probe";
      s.setItem(probe, "1");
      s.removeItem(probe);
      return s;
    } catch (e) {
      return null;
    }
  }

  function loadRecords(storage, bankId, questions) {
    if (!storage) return {};
    var text;
    try { text = storage.getItem(STORAGE_PREFIX + bankId); } catch (e) { return {}; }
    return parseRecords(text, questions);
  }

  function saveRecords(storage, bankId, records) {
    if (!storage) return;
    try {
      storage.setItem(STORAGE_PREFIX + bankId, JSON.stringify({ version: 1, questions: records }));
    } catch (e) { /* quota or blocked: keep working without saving */ }
  }

  /* ---------------------------------------------------------------- DOM: rendering helpers */

  /* Text with {avoid}`term` markup, as DOM nodes (never innerHTML). */
  function appendRich(parent, text) {
    var last = 0;
    String(text).replace(AVOID, function (match, term, offset) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      var del = document.createElement("del");
      del.className = "rs-avoid";
      del.title = "term to avoid";
      del.textContent = term;
      parent.appendChild(del);
      last = offset + match.length;
      return match;
    });
    parent.appendChild(document.createTextNode(String(text).slice(last)));
    return parent;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) appendRich(node, text);
    return node;
  }

  function contentRoot() {
    var root = document.documentElement.getAttribute("data-content_root");
    if (root === null && typeof DOCUMENTATION_OPTIONS !== "undefined" && DOCUMENTATION_OPTIONS.URL_ROOT) {
      root = DOCUMENTATION_OPTIONS.URL_ROOT;
    }
    return root === null ? "" : root;
  }

  /* ---------------------------------------------------------------- one quiz */

  function Quiz(container, storage) {
    var dataNode = container.querySelector("script.rs-quiz-data");
    this.container = container;
    this.data = JSON.parse(dataNode.textContent);
    this.storage = storage;
    this.questions = {};
    this.forms = {};
    var self = this;
    this.data.questions.forEach(function (q) {
      self.questions[q.id] = q;
      self.forms[q.id] = container.querySelector('form[data-rs-qid="' + q.id + '"]');
    });
    this.records = loadRecords(storage, this.data.bank, this.data.questions);
    this.bind();
    this.restore();
    container.classList.add("rs-ready");
    var note = container.querySelector(".rs-quiz-note");
    if (note) {
      note.textContent = storage
        ? "Your answers are checked in this browser and saved in it only (no account, no server)."
        : "This browser is not letting the page save answers: they will be lost when you leave the page.";
    }
  }

  Quiz.prototype.bind = function () {
    var self = this;
    Object.keys(this.forms).forEach(function (qid) {
      var form = self.forms[qid];
      form.addEventListener("submit", function (ev) { ev.preventDefault(); self.check(qid); });
      form.querySelector(".rs-retry").addEventListener("click", function () { self.tryAgain(qid); });
    });
    var resetAll = this.container.querySelector(".rs-reset-all");
    if (resetAll) resetAll.addEventListener("click", function () { self.resetAll(); });
  };

  Quiz.prototype.response = function (qid) {
    return inputOf(this.questions[qid]).read(this.forms[qid]);
  };

  Quiz.prototype.setResponse = function (qid, value) {
    inputOf(this.questions[qid]).write(this.forms[qid], value);
  };

  Quiz.prototype.check = function (qid) {
    var q = this.questions[qid];
    var response = this.response(qid);
    var res = grade(q, response);
    if (res.status !== "invalid") {
      var rec = has(this.records, qid) ? this.records[qid] : { attempts: 0, latest: null, response: null };
      rec.attempts += 1;
      rec.latest = res.status;
      rec.response = response;
      this.records[qid] = rec;
      saveRecords(this.storage, this.data.bank, this.records);
    }
    this.show(qid, res);
    this.updateScore();
    return res;
  };

  Quiz.prototype.tryAgain = function (qid) {
    if (has(this.records, qid)) { this.records[qid].latest = null; this.records[qid].response = null; }
    saveRecords(this.storage, this.data.bank, this.records);
    this.setResponse(qid, null);
    this.show(qid, null);
    this.updateScore();
    var first = this.forms[qid].querySelector("input");
    if (first) first.focus();
  };

  Quiz.prototype.resetAll = function () {
    var self = this;
    this.records = {};
    saveRecords(this.storage, this.data.bank, this.records);
    Object.keys(this.forms).forEach(function (qid) { self.setResponse(qid, null); self.show(qid, null); });
    this.updateScore();
  };

  Quiz.prototype.restore = function () {
    var self = this;
    var restored = restoreRecords(this.data.questions, this.records);
    this.records = restored.records;
    Object.keys(restored.records).forEach(function (qid) {
      self.setResponse(qid, restored.records[qid].response);
      self.show(qid, restored.results[qid]);
    });
    this.updateScore();
  };

  Quiz.prototype.show = function (qid, res) {
    var q = this.questions[qid];
    var form = this.forms[qid];
    var box = form.querySelector(".rs-feedback");
    var rec = has(this.records, qid) ? this.records[qid] : null;
    form.querySelector(".rs-attempts").textContent = rec && rec.attempts ? "Attempts: " + rec.attempts : "";
    form.classList.remove("rs-correct", "rs-incorrect", "rs-invalid");
    box.textContent = "";
    if (!res) return;
    form.classList.add("rs-" + res.status);
    box.appendChild(el("p", "rs-verdict", HEADINGS[res.status]));
    if (res.status === "invalid") {
      box.appendChild(el("p", "rs-message", res.message));
      return;
    }
    var list = el("ul", "rs-option-feedback");
    res.feedback.forEach(function (f) { list.appendChild(el("li", "", f)); });
    box.appendChild(list);
    var expl = el("p", "rs-explanation");
    expl.appendChild(el("strong", "", "Explanation. "));
    appendRich(expl, q.explanation);
    box.appendChild(expl);
    var src = el("p", "rs-source");
    src.appendChild(el("strong", "", "Source: "));
    var link = document.createElement("a");
    link.href = contentRoot() + this.data.bibliography + "#cite-" + q.source.key;
    link.textContent = q.source.text;
    src.appendChild(link);
    box.appendChild(src);
  };

  Quiz.prototype.updateScore = function () {
    var score = scoreOf(this.data.questions, this.records);
    this.container.querySelector(".rs-score").textContent = String(score);
    return score;
  };

  function init() {
    var storage = openStorage();
    var quizzes = [];
    Array.prototype.forEach.call(document.querySelectorAll(".rs-quiz"), function (node) {
      if (node.__rsQuiz) return;
      try {
        node.__rsQuiz = new Quiz(node, storage);
        quizzes.push(node.__rsQuiz);
      } catch (e) {
        if (window.console) console.warn("Recovery Science quiz could not start:", e);
      }
    });
    return quizzes;
  }

  function start() {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  }

  return {
    EPSILON: EPSILON,
    TYPES: TYPES,
    INPUTS: INPUTS,
    grade: grade,
    parseNumber: parseNumber,
    parseRecords: parseRecords,
    restoreRecords: restoreRecords,
    scoreOf: scoreOf,
    loadRecords: loadRecords,
    init: init,
    start: start
  };
});
