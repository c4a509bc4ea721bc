/* Recovery Science: the "My progress" page (book/progress.md).
 *
 * Reads every module's stored answers in this browser (localStorage, "recovery-science:v2:<bank>",
 * the stored format 2 of quiz.js; a format-1 record is read as quiz.js migrates it), grades each
 * answer again against the bank as it is (the page embeds the banks' questions, made at build time
 * by recovery_science/progress.py), and shows module and course scores and the objectives not yet
 * mastered, each linking to the section that teaches it. It resets a module or everything (after
 * asking), exports the records as JSON and CSV (DEVELOPING.md, "Progress export"), and imports a
 * JSON export: a file that is not a valid export is refused as a whole and changes nothing.
 *
 * Everything above "DOM" is pure (no document, no window): tests/test_progress_node.py runs it in
 * Node. Grading, parsing and the score rule are quiz.js's own (window.RecoveryQuiz, or require()).
 * Text from storage or a file is never parsed as HTML: it is inserted with textContent.
 */
/* global require */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory(require("./quiz.js"));
  } else {
    root.RecoveryProgress = factory(root.RecoveryQuiz);
    root.RecoveryProgress.start();
  }
})(this, function (Quiz) {
  "use strict";

  var EXPORT_FORMAT = "recovery-science-progress";
  var EXPORT_VERSION = 1;
  var STORED_FORMAT = 2;
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var HEX16 = /^[0-9a-f]{16}$/;
  var ISO_UTC = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?Z$/;
  var RECORD_KEYS = ["objective", "attempts", "response", "verdict", "revealed", "first_attempt", "last_attempt",
                     "revealed_at"];
  var CSV_COLUMNS = ["student", "exported", "bank", "bank_version", "saved", "question", "objective", "attempts",
                     "response", "verdict", "revealed", "first_attempt", "last_attempt", "revealed_at"];
  var MAX_STUDENT = 100;

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }
  function isObject(x) { return x !== null && typeof x === "object" && !Array.isArray(x); }
  function isTime(t) { return typeof t === "string" && ISO_UTC.test(t) && !isNaN(Date.parse(t)); }

  /* ---------------------------------------------------------------- summaries (pure) */

  /* One module's records as its quiz would show them: parsed (malformed records dropped) and
   * graded again against the bank. stored: {v2: text or null, v1: text or null}. */
  function moduleRecords(mod, stored) {
    var read = Quiz.readStored(stored ? stored.v2 : null, stored ? stored.v1 : null, mod.questions);
    return Quiz.restoreRecords(mod.questions, read.records).records;
  }

  function scores(rec) { return !!rec && rec.verdict === "correct" && !rec.revealed; }

  /* "Mastered": the objective has questions, and every one of them is answered correctly (graded
   * again now) without the answer having been shown. */
  function summarizeModule(mod, stored) {
    var records = moduleRecords(mod, stored);
    var byObjective = {};
    mod.objectives.forEach(function (o) { byObjective[o.id] = { total: 0, correct: 0 }; });
    var out = { bank: mod.bank, title: mod.title, url: mod.url, quiz_url: mod.quiz_url, total: mod.questions.length,
                score: 0, answered: 0, revealed: 0, objectives: [] };
    mod.questions.forEach(function (q) {
      var rec = has(records, q.id) ? records[q.id] : null;
      if (rec && rec.attempts > 0) out.answered++;
      if (rec && rec.revealed) out.revealed++;
      if (scores(rec)) out.score++;
      if (q.objective !== null && q.objective !== undefined && has(byObjective, q.objective)) {
        byObjective[q.objective].total++;
        if (scores(rec)) byObjective[q.objective].correct++;
      }
    });
    mod.objectives.forEach(function (o) {
      var c = byObjective[o.id];
      out.objectives.push({ id: o.id, text: o.text, url: o.url, total: c.total, correct: c.correct,
                            mastered: c.total > 0 && c.correct === c.total });
    });
    out.mastered = out.objectives.filter(function (o) { return o.mastered; }).length;
    return out;
  }

  /* The course: every module's summary and the totals. stored: {bank id: {v2, v1}}. */
  function summarize(course, stored) {
    var modules = course.modules.map(function (m) {
      return summarizeModule(m, has(stored, m.bank) ? stored[m.bank] : null);
    });
    var sum = function (k) { return modules.reduce(function (a, m) { return a + m[k]; }, 0); };
    return { modules: modules, score: sum("score"), total: sum("total"), answered: sum("answered"),
             revealed: sum("revealed"), mastered: sum("mastered"),
             objectives: modules.reduce(function (a, m) { return a + m.objectives.length; }, 0) };
  }

  /* ---------------------------------------------------------------- export (pure) */

  function cleanStudent(student) {
    if (typeof student !== "string") return null;
    var s = student.split("").map(function (c) {
      var n = c.charCodeAt(0);
      return n < 32 || n === 127 ? " " : c;   /* control characters (a pasted line break) */
    }).join("").trim().slice(0, MAX_STUDENT);
    return s === "" ? null : s;
  }

  /* The export: every bank with stored answers, as its format-2 record (malformed question records
   * dropped, as quiz.js drops them; the verdict is the stored one, which a reader grades again). */
  function exportData(course, stored, student, now) {
    var banks = {};
    course.modules.forEach(function (m) {
      var s = has(stored, m.bank) ? stored[m.bank] : null;
      if (!s) return;
      var read = Quiz.readStored(s.v2, s.v1, m.questions);
      if (Object.keys(read.records).length === 0) return;
      var raw = null;
      if (!read.migrated) { try { raw = JSON.parse(s.v2); } catch (e) { raw = null; } }
      var version = raw && HEX16.test(raw.bank_version) ? raw.bank_version : m.version;
      var saved = raw && isTime(raw.saved) ? raw.saved : now;
      banks[m.bank] = Quiz.storedRecord(m.bank, version, m.questions, read.records, saved);
    });
    return { format: EXPORT_FORMAT, version: EXPORT_VERSION, exported: now, student: cleanStudent(student),
             banks: banks };
  }

  function csvField(value) {
    var s;
    if (value === null || value === undefined) s = "";
    else if (Array.isArray(value)) s = value.join(";");
    else s = String(value);
    return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  /* One row per stored question record (banks and questions in key order), RFC 4180, CRLF. */
  function toCSV(data) {
    var lines = [CSV_COLUMNS.join(",")];
    Object.keys(data.banks).sort().forEach(function (bankId) {
      var b = data.banks[bankId];
      Object.keys(b.questions).sort().forEach(function (qid) {
        var r = b.questions[qid];
        var row = { student: data.student, exported: data.exported, bank: bankId, bank_version: b.bank_version,
                    saved: b.saved, question: qid };
        RECORD_KEYS.forEach(function (k) { row[k] = r[k]; });
        lines.push(CSV_COLUMNS.map(function (c) { return csvField(row[c]); }).join(","));
      });
    });
    return lines.join("\r\n") + "\r\n";
  }

  /* ---------------------------------------------------------------- import (pure) */

  function fail(message) { return { ok: false, message: message, banks: {}, skipped: [] }; }

  /* Why a format-2 question record is not valid (the JSON Schema's rules), or "". */
  function recordProblem(rec) {
    if (!isObject(rec)) return "is not a record";
    var keys = Object.keys(rec);
    for (var i = 0; i < keys.length; i++) {
      if (RECORD_KEYS.indexOf(keys[i]) === -1) return "has an unknown field \u201c" + keys[i] + "\u201d";
    }
    for (var j = 0; j < RECORD_KEYS.length; j++) {
      if (!has(rec, RECORD_KEYS[j])) return "has no \u201c" + RECORD_KEYS[j] + "\u201d";
    }
    if (rec.objective !== null && typeof rec.objective !== "string") return "has a wrong objective";
    if (typeof rec.attempts !== "number" || !isFinite(rec.attempts) || rec.attempts < 0 ||
        Math.floor(rec.attempts) !== rec.attempts) return "has a wrong number of attempts";
    var r = rec.response;
    if (!(r === null || typeof r === "string" ||
          (Array.isArray(r) && r.every(function (x) { return typeof x === "string"; })))) return "has a wrong response";
    if ([null, "correct", "incorrect"].indexOf(rec.verdict) === -1) return "has a wrong verdict";
    if (typeof rec.revealed !== "boolean") return "has a wrong \u201crevealed\u201d";
    var times = ["first_attempt", "last_attempt", "revealed_at"];
    for (var k = 0; k < times.length; k++) {
      if (rec[times[k]] !== null && !isTime(rec[times[k]])) return "has a wrong time in " + times[k];
    }
    return "";
  }

  /* Why a bank's format-2 record is not valid, or "". */
  function bankProblem(bankId, b) {
    if (!isObject(b)) return "is not a record";
    var allowed = ["version", "bank", "bank_version", "saved", "questions"];
    var keys = Object.keys(b);
    for (var i = 0; i < keys.length; i++) {
      if (allowed.indexOf(keys[i]) === -1) return "has an unknown field \u201c" + keys[i] + "\u201d";
    }
    if (b.version !== STORED_FORMAT) return "is not in the stored format 2";
    if (b.bank !== bankId) return "names another quiz inside";
    if (typeof b.bank_version !== "string" || !HEX16.test(b.bank_version)) return "has a wrong bank version";
    if (!isTime(b.saved)) return "has a wrong save time";
    if (!isObject(b.questions)) return "has no questions";
    var qids = Object.keys(b.questions);
    for (var j = 0; j < qids.length; j++) {
      if (!SLUG.test(qids[j])) return "has a wrong question id";
      var p = recordProblem(b.questions[qids[j]]);
      if (p) return "question \u201c" + qids[j] + "\u201d " + p;
    }
    return "";
  }

  /* A progress file's text, checked as a whole. {ok: true, banks: {bank id: record to store},
   * skipped: [bank ids this book has no quiz for], message} or {ok: false, message} (nothing to
   * store). Never trusted beyond the format: the quiz pages grade every answer again. */
  function parseImport(text, course) {
    var NOT_OURS = "This file is not a Recovery Science progress export. Nothing was changed.";
    if (typeof text !== "string") return fail(NOT_OURS);
    var data;
    try { data = JSON.parse(text.replace(/^\uFEFF/, "")); } catch (e) {
      return fail("This file is not valid JSON, so it cannot be a progress export. Nothing was changed.");
    }
    if (!isObject(data) || data.format !== EXPORT_FORMAT) return fail(NOT_OURS);
    if (data.version !== EXPORT_VERSION) {
      return fail("This progress file has format version " + JSON.stringify(data.version) +
                  ", which this book cannot read (it reads version " + EXPORT_VERSION + "). Nothing was changed.");
    }
    if (!isObject(data.banks)) return fail("This progress file has no quiz answers. Nothing was changed.");
    var known = {};
    course.modules.forEach(function (m) { known[m.bank] = true; });
    var banks = {};
    var skipped = [];
    var ids = Object.keys(data.banks).sort();
    for (var i = 0; i < ids.length; i++) {
      var problem = SLUG.test(ids[i]) ? bankProblem(ids[i], data.banks[ids[i]]) : "is not a quiz id";
      if (problem) {
        return fail("This progress file is damaged: the answers for \u201c" + ids[i] + "\u201d " + problem +
                    ". Nothing was changed.");
      }
      if (has(known, ids[i])) banks[ids[i]] = data.banks[ids[i]];
      else skipped.push(ids[i]);
    }
    var n = Object.keys(banks).length;
    if (n === 0) {
      return fail(ids.length ? "This progress file has answers only for quizzes this book does not have. " +
                               "Nothing was changed." : "This progress file has no quiz answers. Nothing was changed.");
    }
    var message = "Imported your answers for " + n + (n === 1 ? " quiz" : " quizzes") + ".";
    if (skipped.length) message += " Skipped quizzes this book does not have: " + skipped.join(", ") + ".";
    return { ok: true, message: message, banks: banks, skipped: skipped };
  }

  /* ---------------------------------------------------------------- DOM */

  var V2 = Quiz.STORAGE_PREFIX;
  var V1 = Quiz.V1_PREFIX;

  function openStorage() {
    try {
      var s = window.localStorage;
      s.getItem(V2 + "probe");
      return s;
    } catch (e) { return null; }
  }

  function get(storage, key) {
    if (!storage) return null;
    try { return storage.getItem(key); } catch (e) { return null; }
  }

  function readAll(storage, course) {
    var out = {};
    course.modules.forEach(function (m) { out[m.bank] = { v2: get(storage, V2 + m.bank), v1: get(storage, V1 + m.bank) }; });
    return out;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(cls, label) {
    var b = el("button", cls, label);
    b.type = "button";
    return b;
  }

  function link(href, text) {
    var a = el("a", "", text);
    a.href = href;
    return a;
  }

  /* A button that asks first, inline ("Clear answers" / "Keep answers"), as the quiz's Reset does. */
  function confirmed(label, question, onConfirm) {
    var box = el("div", "rs-reset");
    var start = button("rs-reset-start", label);
    var ask = el("div", "rs-confirm");
    ask.setAttribute("role", "group");
    ask.setAttribute("aria-label", question);
    ask.hidden = true;
    ask.appendChild(el("span", "", question));
    var yes = button("rs-confirm-yes", "Clear answers");
    var no = button("rs-confirm-no", "Keep answers");
    ask.appendChild(yes);
    ask.appendChild(no);
    start.addEventListener("click", function () { start.hidden = true; ask.hidden = false; no.focus(); });
    no.addEventListener("click", function () { ask.hidden = true; start.hidden = false; start.focus(); });
    yes.addEventListener("click", function () { onConfirm(); });
    box.appendChild(start);
    box.appendChild(ask);
    return box;
  }

  function download(name, type, text) {
    var blob = new Blob([text], { type: type });
    var url = URL.createObjectURL(blob);
    var a = el("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function Page(results, transfer, course, storage) {
    this.course = course;
    this.storage = storage;
    this.results = results;
    this.transfer = transfer;
    this.status = el("p", "rs-progress-status");
    this.status.setAttribute("role", "status");
    this.buildTransfer();
    this.render();
    results.classList.add("rs-ready");
  }

  Page.prototype.say = function (text) { this.status.textContent = text; };

  Page.prototype.remove = function (banks) {
    var s = this.storage;
    banks.forEach(function (b) {
      try { s.removeItem(V2 + b); s.removeItem(V1 + b); } catch (e) { /* blocked: nothing stored */ }
    });
  };

  /* Stores every bank's record, or none: on a failure the old entries are put back. */
  Page.prototype.write = function (banks) {
    var s = this.storage;
    var ids = Object.keys(banks);
    var before = ids.map(function (b) { return [get(s, V2 + b), get(s, V1 + b)]; });
    try {
      ids.forEach(function (b) { s.setItem(V2 + b, JSON.stringify(banks[b])); s.removeItem(V1 + b); });
      return true;
    } catch (e) {
      ids.forEach(function (b, i) {
        try {
          if (before[i][0] === null) s.removeItem(V2 + b); else s.setItem(V2 + b, before[i][0]);
          if (before[i][1] !== null) s.setItem(V1 + b, before[i][1]);
        } catch (e2) { /* nothing more can be done */ }
      });
      return false;
    }
  };

  Page.prototype.render = function () {
    var self = this;
    var sum = summarize(this.course, readAll(this.storage, this.course));
    var box = this.results;
    box.textContent = "";
    if (!this.storage) {
      box.appendChild(el("p", "rs-progress-warning",
        "This browser is not letting the book store anything, so there are no saved answers to show."));
    }
    var course = el("p", "rs-progress-course");
    course.appendChild(document.createTextNode("Whole course: "));
    course.appendChild(el("strong", "rs-course-score", sum.score + " of " + sum.total + " questions correct"));
    course.appendChild(document.createTextNode("; " + sum.mastered + " of " + sum.objectives + " objectives mastered" +
      (sum.revealed ? "; " + sum.revealed + (sum.revealed === 1 ? " answer" : " answers") + " shown, not scored" : "") +
      "."));
    box.appendChild(course);
    sum.modules.forEach(function (m) {
      var sec = el("section", "rs-progress-module");
      sec.setAttribute("data-rs-bank", m.bank);
      sec.setAttribute("aria-label", m.title);
      var h = el("h3", "");
      h.appendChild(link(m.url, m.title));
      sec.appendChild(h);
      var line = el("p", "rs-module-score");
      line.appendChild(document.createTextNode("Score: "));
      line.appendChild(el("strong", "rs-score", m.score + " of " + m.total));
      line.appendChild(document.createTextNode(" correct; " + m.answered + " answered; " +
        m.revealed + (m.revealed === 1 ? " answer" : " answers") + " shown; " + m.mastered + " of " +
        m.objectives.length + " objectives mastered. "));
      line.appendChild(link(m.quiz_url, "Go to the quiz"));
      sec.appendChild(line);
      var open = m.objectives.filter(function (o) { return !o.mastered; });
      if (open.length) {
        sec.appendChild(el("p", "rs-open-label", "Not mastered yet (each links to the section that teaches it):"));
        var list = el("ul", "rs-open");
        open.forEach(function (o) {
          var li = el("li", "");
          li.setAttribute("data-rs-objective", o.id);
          li.appendChild(link(o.url, o.id + ": " + o.text));
          li.appendChild(document.createTextNode(" (" + o.correct + " of " + o.total + " correct)"));
          list.appendChild(li);
        });
        sec.appendChild(list);
      } else {
        sec.appendChild(el("p", "rs-all-mastered", "Every objective of this module is mastered."));
      }
      if (m.answered || m.revealed) {
        sec.appendChild(confirmed("Reset this module", "Clear your answers to this module\u2019s quiz?", function () {
          self.remove([m.bank]);
          self.render();
          self.say("Your answers to " + m.title + " were cleared.");
        }));
      }
      box.appendChild(sec);
    });
    if (sum.answered || sum.revealed) {
      box.appendChild(confirmed("Reset everything", "Clear your answers to every quiz in this book?", function () {
        self.remove(self.course.modules.map(function (m) { return m.bank; }));
        self.render();
        self.say("All your answers were cleared.");
      }));
    }
    box.appendChild(this.status);
  };

  Page.prototype.buildTransfer = function () {
    var self = this;
    var box = this.transfer;
    box.textContent = "";
    var name = el("input", "rs-student");
    name.type = "text";
    name.id = "rs-student";
    name.maxLength = MAX_STUDENT;
    name.autocomplete = "off";
    var label = el("label", "", "Name or student number (optional, added to the file only)");
    label.htmlFor = name.id;
    var row = el("p", "rs-export");
    row.appendChild(label);
    row.appendChild(name);
    box.appendChild(row);
    var buttons = el("p", "rs-export-buttons");
    var json = button("rs-export-json", "Download JSON");
    var csv = button("rs-export-csv", "Download CSV");
    buttons.appendChild(json);
    buttons.appendChild(csv);
    box.appendChild(buttons);
    function current() {
      return exportData(self.course, readAll(self.storage, self.course), name.value, new Date().toISOString());
    }
    function stamp(data) { return "recovery-science-progress-" + data.exported.slice(0, 10); }
    json.addEventListener("click", function () {
      var data = current();
      download(stamp(data) + ".json", "application/json", JSON.stringify(data, null, 2) + "\n");
    });
    csv.addEventListener("click", function () {
      var data = current();
      download(stamp(data) + ".csv", "text/csv", toCSV(data));
    });
    var file = el("input", "rs-import");
    file.type = "file";
    file.id = "rs-import";
    file.accept = ".json,application/json";
    var flabel = el("label", "", "Import a progress file (a JSON file downloaded here); it replaces the answers of the quizzes it holds");
    flabel.htmlFor = file.id;
    var irow = el("p", "rs-import-row");
    irow.appendChild(flabel);
    irow.appendChild(file);
    box.appendChild(irow);
    var msg = el("p", "rs-import-status");
    msg.setAttribute("role", "status");
    box.appendChild(msg);
    file.addEventListener("change", function () {
      var f = file.files && file.files[0];
      if (!f) return;
      var reader = new FileReader();
      reader.onload = function () {
        var res = parseImport(String(reader.result), self.course);
        if (res.ok && !self.write(res.banks)) {
          res = fail("This browser did not let the page store the answers. Nothing was changed.");
        }
        msg.textContent = res.message;
        msg.className = "rs-import-status " + (res.ok ? "rs-ok" : "rs-error");
        file.value = "";
        self.render();
      };
      reader.onerror = function () { msg.textContent = "The file could not be read. Nothing was changed."; };
      reader.readAsText(f);
    });
  };

  function init() {
    var results = document.getElementById("rs-progress-results");
    var transfer = document.getElementById("rs-progress-transfer");
    var data = document.getElementById("rs-progress-data");
    if (!results || !transfer || !data || results.__rsProgress) return null;
    try {
      results.__rsProgress = new Page(results, transfer, JSON.parse(data.textContent), openStorage());
    } catch (e) {
      if (window.console) console.warn("Recovery Science progress page could not start:", e);
      return null;
    }
    return results.__rsProgress;
  }

  function start() {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
    else init();
  }

  return {
    EXPORT_FORMAT: EXPORT_FORMAT,
    EXPORT_VERSION: EXPORT_VERSION,
    CSV_COLUMNS: CSV_COLUMNS,
    summarize: summarize,
    summarizeModule: summarizeModule,
    exportData: exportData,
    toCSV: toCSV,
    parseImport: parseImport,
    init: init,
    start: start
  };
});
