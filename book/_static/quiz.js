/* Recovery Science: the static quiz front (no kernel, no server).
 *
 * Makes the HTML that recovery_science.quiz.static renders interactive. Grading follows the rules
 * written down in recovery_science/quiz/grading.py (and DEVELOPING.md) rule for rule, and what a
 * question shows follows recovery_science/quiz/feedback.py's view(): tests/test_node_grading.py
 * runs this file in Node on tests/grading_cases.json and on generated responses, against the
 * Python twins. Everything above "DOM" below is pure (no document, no window), so Node can
 * require() this file; in a page it starts the quizzes and sets window.RecoveryQuiz.
 *
 * The stored HTML has no form and no button (an unrun notebook shows it in JupyterLab): this file
 * enables the inputs, adds the buttons (type="button"), and removes the "Run this cell" notice.
 * Options come in the order the HTML gives (fixed in Python); nothing here reshuffles them.
 *
 * Answers are kept in localStorage under "recovery-science:v2:<bank id>" in the stored format 2
 * (DEVELOPING.md, "Stored answers"); a format-1 record ("recovery-science:v1:<bank id>") is
 * migrated once and then removed. The quiz still works when storage is blocked or holds garbage,
 * and a stored verdict is never trusted: saved answers are graded again on load.
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

  var STORAGE_PREFIX = "recovery-science:v2:";
  var V1_PREFIX = "recovery-science:v1:";
  var FORMAT = 2;
  var EPSILON = 1e-9;
  var NUMBER = /^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)$/;
  var OUTSIDE_BMP = /[\uD800-\uDFFF]/;   /* any surrogate: a character above U+FFFF, or a lone one */
  var ASCII_SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;
  var MSG_CHOOSE_ONE = "Choose an answer, then press Check.";
  var MSG_CHOOSE_SOME = "Select at least one option, then press Check.";
  var MSG_NUMBER = "Enter a number such as 4.5 or 4,5 (digits only, no thousands separators).";
  var HEADINGS = { correct: "Correct.", incorrect: "Not quite.", invalid: "Not checked.", revealed: "Answer shown." };
  var NOT_SCORED = "You saw the answer, so this question does not count towards your score.";
  var ISO_UTC = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?Z$/;
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

  function result(status, feedback, message, outcome, missing) {
    return { status: status, feedback: feedback || [], message: message || "", outcome: outcome || "",
             missing: missing || 0 };
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
    var missing = 0;
    var feedback = [];
    q.options.forEach(function (o) {
      if (!!chosen[o.id] !== !!o.correct) exact = false;
      if (o.correct && !chosen[o.id]) missing++;
      if (chosen[o.id]) feedback.push(o.feedback);
    });
    return result(exact ? "correct" : "incorrect", feedback, "", "", missing);
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

  /* How each kind of input is read, set and stored. The DOM functions take the question's element. */
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
    single: { input: "radio", grade: gradeSingle, per_option: false },
    multiple: { input: "checkbox", grade: gradeMultiple, per_option: true },
    truefalse: { input: "radio", grade: gradeTrueFalse, per_option: false },
    numeric: { input: "number", grade: gradeNumeric, per_option: false }
  };

  function questionType(type) {
    if (!has(TYPES, type)) throw new Error("unknown question type " + type);
    return TYPES[type];
  }

  function inputOf(q) { return INPUTS[questionType(q.type).input]; }

  function grade(q, response) { return questionType(q.type).grade(q, response); }

  /* ---------------------------------------------------------------- what a question shows (pure) */

  /* The twin of recovery_science/quiz/feedback.py: the same rules, the same outputs. */
  function trimVerdict(heading, text) {
    var words = heading.replace(/\.+$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    var m = new RegExp("^" + words + "[.:,][ ]+(?=\\S)", "i").exec(text);
    if (!m) return text;
    var rest = text.slice(m[0].length);
    return rest.charAt(0).toUpperCase() + rest.slice(1);
  }

  function missingText(n) {
    if (!(n > 0)) return "";
    return n === 1 ? "1 correct option is still missing." : n + " correct options are still missing.";
  }

  function attemptsText(n) { return n ? "Attempts: " + n : ""; }

  function shownText(revealed) {
    return revealed ? " (" + revealed + " answer" + (revealed === 1 ? "" : "s") + " shown, not scored)" : "";
  }

  function scoreText(score, total, revealed) {
    return "Score: " + score + " of " + total + " correct" + shownText(revealed);
  }

  /* What one question shows: q is the page's question data, rec its record (or null), res the
   * result on screen (null after Try again, on a fresh page or after Reset). */
  function view(q, rec, res) {
    var revealed = !!(rec && rec.revealed);
    var attempts = rec ? rec.attempts : 0;
    var status = res ? res.status : (revealed ? "revealed" : "");
    var out = {
      status: status, heading: has(HEADINGS, status) ? HEADINGS[status] : "", message: "", items: [],
      missing: "", answer: revealed ? q.reveal.slice() : [], explain: false, note: revealed ? NOT_SCORED : "",
      retry: !!res && res.status === "incorrect",
      show_answer: attempts > 0 && !revealed && !(rec && rec.verdict === "correct"),
      attempts: attemptsText(attempts)
    };
    if (res && res.status === "invalid") {
      out.message = res.message;
    } else if (res) {
      var heading = out.heading;
      var labels = res.feedback.map(function () { return ""; });
      if (questionType(q.type).per_option) {
        var chosen = rec && Array.isArray(rec.response) ? rec.response : [];
        var found = q.options.filter(function (o) { return chosen.indexOf(o.id) !== -1; })
          .map(function (o) { return o.text; });
        if (found.length === res.feedback.length) labels = found;
      }
      out.items = res.feedback.map(function (f, i) { return { label: labels[i], text: trimVerdict(heading, f) }; });
      out.missing = res.status === "incorrect" ? missingText(res.missing || 0) : "";
    }
    out.explain = revealed || (!!res && res.status === "correct");
    return out;
  }

  /* ---------------------------------------------------------------- stored answers (pure) */

  var VERDICTS = { correct: true, incorrect: true };

  function isCount(n) { return typeof n === "number" && isFinite(n) && n >= 0 && Math.floor(n) === n; }

  function isTime(t) { return t === null || (typeof t === "string" && ISO_UTC.test(t) && !isNaN(Date.parse(t))); }

  function blank(q) {
    return { objective: q.objective === undefined ? null : q.objective, attempts: 0, response: null, verdict: null,
             revealed: false, first_attempt: null, last_attempt: null, revealed_at: null };
  }

  function questionsOf(raw) {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
    var qs = raw.questions;
    return qs && typeof qs === "object" && !Array.isArray(qs) ? qs : null;
  }

  /* Format-1 records ({version: 1, questions: {qid: {attempts, latest, response}}}) from their
   * stored text; anything malformed is dropped, never trusted. */
  function parseRecords(text, questions) {
    var records = {};
    var raw;
    try { raw = JSON.parse(text); } catch (e) { return records; }
    var qs = questionsOf(raw);
    if (!qs) return records;
    questions.forEach(function (q) {
      var rec = has(qs, q.id) ? qs[q.id] : null;
      if (!rec || typeof rec !== "object") return;
      if (!isCount(rec.attempts)) return;
      var latest = rec.latest === null || rec.latest === undefined ? null : rec.latest;
      if (latest !== null && !has(VERDICTS, latest)) return;
      var response = rec.response === undefined ? null : rec.response;
      if (response !== null && !inputOf(q).storable(response)) return;
      records[q.id] = { attempts: rec.attempts, latest: latest, response: response };
    });
    return records;
  }

  /* Format 1 to format 2: what v1 knew is kept; v1 had no reveal and no times (null). */
  function migrateV1(text, questions) {
    var old = parseRecords(text, questions);
    var records = {};
    questions.forEach(function (q) {
      if (!has(old, q.id)) return;
      var rec = blank(q);
      rec.attempts = old[q.id].attempts;
      rec.response = old[q.id].response;
      rec.verdict = old[q.id].latest;
      records[q.id] = rec;
    });
    return records;
  }

  /* Format-2 records from their stored text; a malformed record is dropped, never trusted. The
   * objective is the bank's own; the verdict is checked again by restoreRecords. */
  function parseStored(text, questions) {
    var records = {};
    var raw;
    try { raw = JSON.parse(text); } catch (e) { return records; }
    var qs = questionsOf(raw);
    if (!qs || raw.version !== FORMAT) return records;
    questions.forEach(function (q) {
      var rec = has(qs, q.id) ? qs[q.id] : null;
      if (!rec || typeof rec !== "object" || Array.isArray(rec)) return;
      var verdict = rec.verdict === undefined ? null : rec.verdict;
      var response = rec.response === undefined ? null : rec.response;
      var times = ["first_attempt", "last_attempt", "revealed_at"];
      if (!isCount(rec.attempts) || typeof rec.revealed !== "boolean") return;
      if (verdict !== null && !has(VERDICTS, verdict)) return;
      if (response !== null && !inputOf(q).storable(response)) return;
      if (!times.every(function (k) { return isTime(rec[k] === undefined ? null : rec[k]); })) return;
      var out = blank(q);
      out.attempts = rec.attempts;
      out.response = response;
      out.verdict = verdict;
      out.revealed = rec.revealed;
      times.forEach(function (k) { out[k] = rec[k] === undefined ? null : rec[k]; });
      records[q.id] = out;
    });
    return records;
  }

  /* A bank's records from what storage holds: the format-2 text, else the format-1 text
   * migrated (migrated: true, so the page saves format 2 and removes the old key). */
  function readStored(v2Text, v1Text, questions) {
    if (typeof v2Text === "string") return { records: parseStored(v2Text, questions), migrated: false };
    if (typeof v1Text === "string") return { records: migrateV1(v1Text, questions), migrated: true };
    return { records: {}, migrated: false };
  }

  function scoreOf(questions, records) {
    var score = 0;
    questions.forEach(function (q) {
      if (has(records, q.id) && records[q.id].verdict === "correct" && !records[q.id].revealed) score++;
    });
    return score;
  }

  function revealedOf(questions, records) {
    return questions.filter(function (q) { return has(records, q.id) && records[q.id].revealed; }).length;
  }

  /* Records as a reload shows them: every saved answer is graded again, and that result, never
   * the stored verdict, decides what is shown and scored (the bank's key may have changed since,
   * and a stored record may have been edited). Returns {records, results, score}; results[qid]
   * is the result to show, or null for a question with no saved answer. */
  function restoreRecords(questions, saved) {
    var records = {};
    var results = {};
    questions.forEach(function (q) {
      if (!has(saved, q.id)) return;
      var rec = {};
      Object.keys(saved[q.id]).forEach(function (k) { rec[k] = saved[q.id][k]; });
      var res = rec.response === null ? null : grade(q, rec.response);
      rec.verdict = res === null || res.status === "invalid" ? null : res.status;
      records[q.id] = rec;
      results[q.id] = res;
    });
    return { records: records, results: results, score: scoreOf(questions, records) };
  }

  /* One Check: the record after a graded answer (an invalid answer changes nothing). */
  function recordAttempt(q, rec, response, res, now) {
    var out = blank(q);
    if (rec) Object.keys(rec).forEach(function (k) { out[k] = rec[k]; });
    if (res.status === "invalid") return out;
    out.attempts += 1;
    out.response = response;
    out.verdict = res.status;
    out.first_attempt = out.first_attempt || now;
    out.last_attempt = now;
    return out;
  }

  /* Show answer: revealed for good, with the time of the first reveal. */
  function revealRecord(q, rec, now) {
    var out = blank(q);
    if (rec) Object.keys(rec).forEach(function (k) { out[k] = rec[k]; });
    if (!out.revealed) { out.revealed = true; out.revealed_at = now; }
    return out;
  }

  /* The stored format 2 of a bank's records (JSON-ready). */
  function storedRecord(bankId, bankVersion, questions, records, now) {
    var qs = {};
    questions.forEach(function (q) { if (has(records, q.id)) qs[q.id] = records[q.id]; });
    return { version: FORMAT, bank: bankId, bank_version: bankVersion, saved: now, questions: qs };
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

  function getItem(storage, key) {
    try { return storage.getItem(key); } catch (e) { return null; }
  }

  function loadRecords(storage, bankId, questions) {
    if (!storage) return { records: {}, migrated: false };
    return readStored(getItem(storage, STORAGE_PREFIX + bankId), getItem(storage, V1_PREFIX + bankId), questions);
  }

  /* Saves format 2; true when it was written. */
  function saveRecords(storage, data, records) {
    if (!storage) return false;
    try {
      var record = storedRecord(data.bank, data.version, data.questions, records, new Date().toISOString());
      storage.setItem(STORAGE_PREFIX + data.bank, JSON.stringify(record));
      return true;
    } catch (e) { return false; /* quota or blocked: keep working without saving */ }
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

  function button(cls, label, title) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = label;
    if (title) b.title = title;
    return b;
  }

  function Quiz(container, storage) {
    var dataNode = container.querySelector("script.rs-quiz-data");
    var self = this;
    this.container = container;
    this.data = JSON.parse(dataNode.textContent);
    this.storage = storage;
    this.questions = {};
    this.nodes = {};
    this.results = {};
    this.data.questions.forEach(function (q) {
      self.questions[q.id] = q;
      self.nodes[q.id] = container.querySelector('.rs-q[data-rs-qid="' + q.id + '"]');
    });
    var loaded = loadRecords(storage, this.data.bank, this.data.questions);
    this.records = loaded.records;
    if (loaded.migrated && saveRecords(storage, this.data, this.records)) {
      try { storage.removeItem(V1_PREFIX + this.data.bank); } catch (e) { /* keep the old key */ }
    }
    this.build();
    this.restore();
    var notice = container.querySelector(".rs-run-notice");
    if (notice) notice.parentNode.removeChild(notice);
    var old = container.querySelector(".rs-quiz-note");
    if (old) old.parentNode.removeChild(old);
    var note = el("p", "rs-quiz-note", storage
      ? "Your answers are checked in this browser and saved in it only (no account, no server)."
      : "This browser is not letting the page save answers: they will be lost when you leave the page.");
    var head = container.querySelector(".rs-quiz-score");
    head.parentNode.insertBefore(note, head.nextSibling);
    container.classList.add("rs-ready");
  }

  /* Buttons (type="button": nothing submits), input events, and the quiet Reset at the end. */
  Quiz.prototype.build = function () {
    var self = this;
    Object.keys(this.nodes).forEach(function (qid) {
      var node = self.nodes[qid];
      node.querySelector("fieldset").disabled = false;
      var actions = node.querySelector(".rs-actions");
      actions.textContent = "";   /* an older stored output may still hold buttons of its own */
      var check = button("rs-check", "Check");
      var retry = button("rs-retry", "Try again", "Clear your answer and try again");
      var show = button("rs-show", "Show answer", "Show the answer (this question will not count towards your score)");
      retry.hidden = true;
      show.hidden = true;
      actions.appendChild(check);
      actions.appendChild(retry);
      actions.appendChild(show);
      actions.appendChild(el("span", "rs-attempts"));
      check.addEventListener("click", function () { self.check(qid); });
      retry.addEventListener("click", function () { self.tryAgain(qid); });
      show.addEventListener("click", function () { self.reveal(qid); });
      var text = node.querySelector('input[type="text"]');
      if (text) {
        text.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter") { ev.preventDefault(); self.check(qid); }
        });
      }
    });
    var foot = this.container.querySelector(".rs-quiz-foot");
    if (!foot) {
      foot = el("div", "rs-quiz-foot");
      this.container.appendChild(foot);
    }
    var reset = button("rs-reset-all", "Reset quiz", "Clear every answer to this quiz");
    var confirmBox = el("div", "rs-confirm");
    confirmBox.setAttribute("role", "group");
    confirmBox.setAttribute("aria-label", "Confirm reset");
    confirmBox.hidden = true;
    confirmBox.appendChild(el("span", "rs-confirm-text", "Clear all your answers to this quiz? This cannot be undone."));
    var yes = button("rs-reset-yes", "Clear answers");
    var no = button("rs-reset-no", "Keep answers");
    confirmBox.appendChild(yes);
    confirmBox.appendChild(no);
    foot.appendChild(reset);
    foot.appendChild(confirmBox);
    reset.addEventListener("click", function () { confirmBox.hidden = false; reset.hidden = true; no.focus(); });
    no.addEventListener("click", function () { confirmBox.hidden = true; reset.hidden = false; reset.focus(); });
    yes.addEventListener("click", function () {
      confirmBox.hidden = true;
      reset.hidden = false;
      self.resetAll();
      reset.focus();
    });
  };

  Quiz.prototype.response = function (qid) {
    return inputOf(this.questions[qid]).read(this.nodes[qid]);
  };

  Quiz.prototype.setResponse = function (qid, value) {
    inputOf(this.questions[qid]).write(this.nodes[qid], value);
  };

  Quiz.prototype.record = function (qid) { return has(this.records, qid) ? this.records[qid] : null; };

  Quiz.prototype.check = function (qid) {
    var q = this.questions[qid];
    var response = this.response(qid);
    var res = grade(q, response);
    if (res.status !== "invalid") {
      this.records[qid] = recordAttempt(q, this.record(qid), response, res, new Date().toISOString());
      saveRecords(this.storage, this.data, this.records);
    }
    this.results[qid] = res;
    this.show(qid);
    this.updateScore();
    return res;
  };

  /* Try again: clears the answer and the feedback; the record (attempts, latest answer) stays. */
  Quiz.prototype.tryAgain = function (qid) {
    this.results[qid] = null;
    this.setResponse(qid, null);
    this.show(qid);
    var first = this.nodes[qid].querySelector("input");
    if (first) first.focus();
  };

  Quiz.prototype.reveal = function (qid) {
    this.records[qid] = revealRecord(this.questions[qid], this.record(qid), new Date().toISOString());
    saveRecords(this.storage, this.data, this.records);
    this.show(qid);
    this.updateScore();
    var box = this.nodes[qid].querySelector(".rs-feedback");
    box.setAttribute("tabindex", "-1");
    box.focus();
  };

  Quiz.prototype.resetAll = function () {
    var self = this;
    this.records = {};
    this.results = {};
    saveRecords(this.storage, this.data, this.records);
    Object.keys(this.nodes).forEach(function (qid) { self.setResponse(qid, null); self.show(qid); });
    this.updateScore();
  };

  Quiz.prototype.restore = function () {
    var self = this;
    var restored = restoreRecords(this.data.questions, this.records);
    this.records = restored.records;
    this.results = restored.results;
    Object.keys(this.nodes).forEach(function (qid) {
      if (has(self.records, qid)) self.setResponse(qid, self.records[qid].response);
      self.show(qid);
    });
    this.updateScore();
  };

  /* Draws what view() says; nothing here decides what to show. */
  Quiz.prototype.show = function (qid) {
    var q = this.questions[qid];
    var node = this.nodes[qid];
    var v = view(q, this.record(qid), has(this.results, qid) ? this.results[qid] : null);
    var box = node.querySelector(".rs-feedback");
    node.querySelector(".rs-attempts").textContent = v.attempts;
    node.querySelector(".rs-retry").hidden = !v.retry;
    node.querySelector(".rs-show").hidden = !v.show_answer;
    node.classList.remove("rs-correct", "rs-incorrect", "rs-invalid", "rs-revealed");
    box.textContent = "";
    if (!v.status) return;
    node.classList.add("rs-" + v.status);
    box.appendChild(el("p", "rs-verdict", v.heading));
    if (v.message) box.appendChild(el("p", "rs-message", v.message));
    if (v.items.length) {
      var list = el("ul", "rs-option-feedback");
      v.items.forEach(function (item) {
        var li = el("li", "");
        if (item.label) {
          appendRich(li.appendChild(el("strong", "rs-option-label")), item.label);
          li.appendChild(document.createTextNode(": "));
        }
        appendRich(li, item.text);
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    if (v.missing) box.appendChild(el("p", "rs-missing", v.missing));
    if (v.answer.length) {
      box.appendChild(el("p", "rs-answer-label", v.answer.length === 1 ? "The answer:" : "The correct options:"));
      var answers = el("ul", "rs-answer");
      v.answer.forEach(function (a) { answers.appendChild(el("li", "", a)); });
      box.appendChild(answers);
    }
    if (v.explain) {
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
    }
    if (v.note) box.appendChild(el("p", "rs-not-scored", v.note));
  };

  Quiz.prototype.updateScore = function () {
    var score = scoreOf(this.data.questions, this.records);
    var revealed = revealedOf(this.data.questions, this.records);
    this.container.querySelector(".rs-score").textContent = String(score);
    var shown = this.container.querySelector(".rs-shown");
    if (shown) shown.textContent = shownText(revealed);
    return score;
  };

  function init() {
    var storage = openStorage();
    Array.prototype.forEach.call(document.querySelectorAll(".rs-quiz"), function (node) {
      if (node.__rsQuiz !== undefined) return;
      node.__rsQuiz = null;
      whenReady(node, function () {
        try {
          node.__rsQuiz = new Quiz(node, storage);
        } catch (e) {
          if (window.console) console.warn("Recovery Science quiz could not start:", e);
        }
      });
    });
  }

  // Fast on a phone (issue 13; quiz.css): while a page loads, its sections off screen are not laid
  // out (content-visibility). Once it has loaded, they are laid out a few at a time when the browser
  // is idle, so that every section soon has its real size and place (for scrolling, links within
  // the page and anything that measures it) without one long task.
  //
  // Work that measures the whole page waits for them: afterLayout(f) runs f when the browser is
  // idle after the last section is laid out. The theme's script reads the size of every code block
  // and output once the page has loaded (to give the scrollable ones a tab stop); run then, it lays
  // every section out at once, one long task on a phone. recovery_science.sphinxext (patch_theme_js)
  // hands that work to afterLayout.
  var laidOut = false;
  var waiting = [];
  // Each section is laid out inside the idle period (offsetHeight), as many as the period has time
  // for, so that a slow or rarely idle browser still finishes soon (the timeout), and a tool that
  // measures the page (axe, in Lighthouse) does not meet sections still at their placeholder size.
  function idle(f) {
    if (window.requestIdleCallback) return window.requestIdleCallback(f, {timeout: 500});
    return window.setTimeout(f, 1);
  }
  function afterLayout(f) {
    if (laidOut) idle(f);
    else waiting.push(f);
  }
  function layOutSections() {
    // sections whose quiz or tool waits for them stay until they come near the screen (whenReady)
    var rest = Array.prototype.filter.call(document.querySelectorAll(SECTION), function (section) {
      return !waits(section);
    });
    function next(deadline) {
      var section;
      do {
        section = rest.shift();
        if (!section) {
          laidOut = true;
          waiting.splice(0).forEach(idle);
          window.setTimeout(releaseRest, REST_AFTER);
          return;
        }
        section.classList.add("rs-laid-out");
        void section.offsetHeight;
      } while (deadline && !deadline.didTimeout && deadline.timeRemaining() > 10);
      idle(next);
    }
    idle(next);
  }


  // Controls put in place section by section (issue 13). Chromium's form scan asks of every input,
  // select and textarea whether it can take focus, which lays out the section around it even while
  // content-visibility skips that section: with the quiz's and the tools' controls in the page, a
  // phone laid out most of a module page in one long task as it loaded. In the book each of those
  // controls is held in a <template class="rs-control"> (recovery_science.sphinxext,
  // defer_controls). whenReady(node, f) puts the controls of node's section in place and then runs
  // f (the quiz or tool starting): at once where the section is not skipped (a wide screen, or a
  // section on or near the screen), otherwise when it comes near the screen, before the page is
  // printed, or a few seconds after the idle pass above (releaseRest), which leaves such a section
  // alone: laying it out means laying out and starting its quiz or tool, one long task. The scripts
  // of the tools call it too.
  // inSkippedSection(el) says whether el's section is still skipped, so that the theme's tab-stop
  // pass (recovery_science.sphinxext, patch_theme_js) does not lay it out by reading its sizes.
  var SECTION = ".bd-article > section > section";
  var NEAR = 0.5;  // "near the screen": within half a screen's height of it
  var watcher = null;
  function materialize(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("template.rs-control"), function (t) {
      t.parentNode.replaceChild(t.content, t);
    });
  }
  function release(section) {
    if (section.__rsReady) return;
    section.__rsReady = true;
    section.classList.add("rs-laid-out");
    if (watcher) watcher.unobserve(section);
    materialize(section);
    (section.__rsWaiting || []).splice(0).forEach(function (f) { f(); });
  }
  function waits(section) {  // a quiz or tool in it waits for its controls
    return !!(section.__rsWaiting && section.__rsWaiting.length);
  }
  function skipped(section) {
    return !section.__rsReady && !section.classList.contains("rs-laid-out") &&
      window.getComputedStyle(section).contentVisibility === "auto";
  }
  function inSkippedSection(el) {
    var section = el.closest(SECTION);
    return !!section && skipped(section);
  }
  function farOff(section) {
    var box = section.getBoundingClientRect(), h = window.innerHeight;
    return box.top > (1 + NEAR) * h || box.bottom < -NEAR * h;
  }
  function whenReady(node, f) {
    var section = node.closest ? node.closest(SECTION) : null;
    if (!section || !window.IntersectionObserver || !skipped(section) || !farOff(section)) {
      if (section) release(section);
      else materialize(node);
      f();
      return;
    }
    (section.__rsWaiting = section.__rsWaiting || []).push(f);
    watcher = watcher || new window.IntersectionObserver(function (entries) {
      entries.forEach(function (entry) { if (entry.isIntersecting) release(entry.target); });
    }, {rootMargin: NEAR * 100 + "% 0px"});
    watcher.observe(section);
  }
  function releaseAll() {
    Array.prototype.forEach.call(document.querySelectorAll(SECTION), release);
  }
  // A reader who moves by form controls (a screen reader's list of them) or by Tab should find
  // every quiz and tool without scrolling to it first: a few seconds after the idle pass, the
  // sections still waiting are put in place too, one per idle period.
  var REST_AFTER = 3000;
  function releaseRest() {
    var section = Array.prototype.filter.call(document.querySelectorAll(SECTION), waits)[0];
    if (section) {
      release(section);
      idle(releaseRest);
    }
  }

  function start() {
    window.addEventListener("beforeprint", releaseAll);
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
    if (document.readyState === "complete") {
      layOutSections();
    } else {
      window.addEventListener("load", layOutSections);
    }
  }

  return {
    EPSILON: EPSILON,
    STORAGE_PREFIX: STORAGE_PREFIX,
    V1_PREFIX: V1_PREFIX,
    HEADINGS: HEADINGS,
    NOT_SCORED: NOT_SCORED,
    TYPES: TYPES,
    INPUTS: INPUTS,
    afterLayout: afterLayout,
    whenReady: whenReady,
    inSkippedSection: inSkippedSection,
    grade: grade,
    parseNumber: parseNumber,
    trimVerdict: trimVerdict,
    missingText: missingText,
    attemptsText: attemptsText,
    scoreText: scoreText,
    view: view,
    parseRecords: parseRecords,
    migrateV1: migrateV1,
    parseStored: parseStored,
    readStored: readStored,
    restoreRecords: restoreRecords,
    recordAttempt: recordAttempt,
    revealRecord: revealRecord,
    storedRecord: storedRecord,
    scoreOf: scoreOf,
    revealedOf: revealedOf,
    loadRecords: loadRecords,
    init: init,
    start: start
  };
});
