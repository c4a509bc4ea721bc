/* Recovery Science: the static quiz front (no kernel, no server).
 *
 * Makes the HTML that recovery_science.quiz.static renders interactive. Grading follows
 * recovery_science/quiz/grading.py rule for rule; tests/grading_cases.json runs against both.
 * Answers, attempts and scores are kept in localStorage under "recovery-science:v1:<bank id>",
 * keyed by the stable question ids; the quiz still works when storage is blocked or holds
 * garbage. Bank text is never parsed as HTML: it is inserted with textContent.
 */
(function () {
  "use strict";

  var STORAGE_PREFIX = "recovery-science:v1:";
  var EPSILON = 1e-9;
  var NUMBER = /^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;
  var MSG_CHOOSE_ONE = "Choose an answer, then press Check.";
  var MSG_CHOOSE_SOME = "Select at least one option, then press Check.";
  var MSG_NUMBER = "Enter a number such as 4.5 or 4,5 (digits only, no thousands separators).";
  var HEADINGS = { correct: "Correct.", incorrect: "Not quite.", invalid: "Not checked." };
  var AVOID = /\{avoid\}`([^`]+)`/g;

  /* ---------------------------------------------------------------- grading (pure) */

  function parseNumber(text) {
    if (typeof text === "number") return isFinite(text) ? text : null;
    if (typeof text !== "string") return null;
    var s = text.trim();
    if (!NUMBER.test(s)) return null;
    return parseFloat(s.replace(",", "."));
  }

  function asBool(response) {
    if (response === true || response === false) return response;
    if (typeof response === "string") {
      var s = response.trim().toLowerCase();
      if (s === "true") return true;
      if (s === "false") return false;
    }
    return null;
  }

  function result(status, feedback, message, outcome) {
    return { status: status, feedback: feedback || [], message: message || "", outcome: outcome || "" };
  }

  function grade(q, response) {
    var i;
    if (q.type === "single") {
      for (i = 0; i < q.options.length; i++) {
        if (q.options[i].id === response) {
          return result(q.options[i].correct ? "correct" : "incorrect", [q.options[i].feedback]);
        }
      }
      return result("invalid", [], MSG_CHOOSE_ONE);
    }
    if (q.type === "multiple") {
      if (typeof response === "string") response = [response];
      var chosen = {};
      var nChosen = 0;
      (Array.isArray(response) ? response : []).forEach(function (r) {
        q.options.forEach(function (o) {
          if (o.id === r && !chosen[r]) { chosen[r] = true; nChosen++; }
        });
      });
      if (nChosen === 0) return result("invalid", [], MSG_CHOOSE_SOME);
      var exact = true;
      var feedback = [];
      q.options.forEach(function (o) {
        if (!!chosen[o.id] !== !!o.correct) exact = false;
        if (chosen[o.id]) feedback.push(o.feedback);
      });
      return result(exact ? "correct" : "incorrect", feedback);
    }
    if (q.type === "truefalse") {
      var value = asBool(response);
      if (value === null) return result("invalid", [], MSG_CHOOSE_ONE);
      var fb = value ? q.feedback.if_true : q.feedback.if_false;
      return result(value === q.answer ? "correct" : "incorrect", [fb]);
    }
    if (q.type === "numeric") {
      var x = parseNumber(response);
      if (x === null) return result("invalid", [], MSG_NUMBER);
      var slack = q.tolerance + EPSILON * Math.max(1, Math.abs(q.answer));
      if (x < q.answer - slack) return result("incorrect", [q.feedback.low], "", "low");
      if (x > q.answer + slack) return result("incorrect", [q.feedback.high], "", "high");
      return result("correct", [q.feedback.correct], "", "correct");
    }
    throw new Error("unknown question type " + q.type);
  }

  /* ---------------------------------------------------------------- storage */

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

  var STATUSES = { correct: true, incorrect: true };

  function validResponse(q, r) {
    if (r === null || r === undefined) return true;
    if (q.type === "multiple") {
      return Array.isArray(r) && r.every(function (x) { return typeof x === "string"; });
    }
    return typeof r === "string";
  }

  /* Read a bank's saved records; anything malformed is dropped, never trusted. */
  function loadRecords(storage, bankId, questions) {
    var records = {};
    if (!storage) return records;
    var raw;
    try { raw = JSON.parse(storage.getItem(STORAGE_PREFIX + bankId)); } catch (e) { return records; }
    if (!raw || typeof raw !== "object" || !raw.questions || typeof raw.questions !== "object") return records;
    questions.forEach(function (q) {
      var rec = raw.questions[q.id];
      if (!rec || typeof rec !== "object") return;
      var attempts = rec.attempts;
      if (typeof attempts !== "number" || !isFinite(attempts) || attempts < 0 || Math.floor(attempts) !== attempts) return;
      var latest = rec.latest === null || rec.latest === undefined ? null : rec.latest;
      if (latest !== null && !STATUSES[latest]) return;
      if (!validResponse(q, rec.response)) return;
      records[q.id] = { attempts: attempts, latest: latest, response: rec.response === undefined ? null : rec.response };
    });
    return records;
  }

  function saveRecords(storage, bankId, records) {
    if (!storage) return;
    try {
      storage.setItem(STORAGE_PREFIX + bankId, JSON.stringify({ version: 1, questions: records }));
    } catch (e) { /* quota or blocked: keep working without saving */ }
  }

  /* ---------------------------------------------------------------- rendering helpers */

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
    var q = this.questions[qid];
    var form = this.forms[qid];
    if (q.type === "numeric") return form.querySelector('input[type="text"]').value;
    var checked = Array.prototype.slice.call(form.querySelectorAll("input:checked")).map(function (i) { return i.value; });
    if (q.type === "multiple") return checked;
    return checked.length ? checked[0] : null;
  };

  Quiz.prototype.setResponse = function (qid, value) {
    var q = this.questions[qid];
    var form = this.forms[qid];
    if (q.type === "numeric") {
      form.querySelector('input[type="text"]').value = value === null ? "" : value;
      return;
    }
    var chosen = Array.isArray(value) ? value : (value === null ? [] : [value]);
    Array.prototype.forEach.call(form.querySelectorAll("input"), function (input) {
      input.checked = chosen.indexOf(input.value) !== -1;
    });
  };

  Quiz.prototype.check = function (qid) {
    var q = this.questions[qid];
    var response = this.response(qid);
    var res = grade(q, response);
    if (res.status !== "invalid") {
      var rec = this.records[qid] || { attempts: 0, latest: null, response: null };
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
    var rec = this.records[qid];
    if (rec) { rec.latest = null; rec.response = null; }
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
    Object.keys(this.records).forEach(function (qid) {
      var rec = self.records[qid];
      if (rec.response !== null) {
        // Re-grade what was saved: the bank may have changed since (ids are stable, keys may not be),
        // and a stored status is never trusted over the answer it claims to describe.
        var res = grade(self.questions[qid], rec.response);
        rec.latest = res.status === "invalid" ? null : res.status;
        self.setResponse(qid, rec.response);
        self.show(qid, res);
      } else {
        self.show(qid, null);
      }
    });
    this.updateScore();
  };

  Quiz.prototype.show = function (qid, res) {
    var q = this.questions[qid];
    var form = this.forms[qid];
    var box = form.querySelector(".rs-feedback");
    var rec = this.records[qid];
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
    var self = this;
    var score = 0;
    this.data.questions.forEach(function (q) {
      var rec = self.records[q.id];
      if (rec && rec.latest === "correct") score++;
    });
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

  window.RecoveryQuiz = { grade: grade, parseNumber: parseNumber, loadRecords: loadRecords, init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
