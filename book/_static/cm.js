/* Recovery Science: the no-kernel version of Module 3's contingency-management voucher simulator.
 *
 * The pure functions at the top (the schedule's earnings, the typed-sequence parser, the
 * mulberry32 generator with explicit uint32 arithmetic, the simulation, the fixed-value
 * comparison, the costs and the summary lines) match recovery_science/cm.py step for step;
 * tests/test_node_cm.py runs them in Node against the Python ones. The rules are written in
 * data/tools/cm.json ("semantics") and in cm.py's docstring. The parameters are not written
 * here: recovery_science.cm.explorer_html embeds the data file's schedule and example sequence in
 * the page (data-rs-cm) and renders the controls' ranges from it, disabled, under a "run this
 * cell" notice (.rs-run-notice) for an unrun notebook in JupyterLab. In a page this file removes
 * the notice, enables the controls, redraws the chart, the table and the summary when they change
 * and sets window.RecoveryCM; in Node, require() returns the same functions and touches no DOM.
 * Illustrative amounts: not a published schedule.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.RecoveryCM = api;
    api.start();
  }
})(this, function () {
  "use strict";

  var RESULTS = ["neg", "pos", "missed"];
  var SCHEDULE_KEYS = ["start", "increment", "bonus", "bonus_every", "reset", "recovery_after"];
  var UINT32 = 4294967295;

  /* ---------------------------------------------------------------- validation (pure) */

  function isNumber(v) { return typeof v === "number" && isFinite(v); }
  function isWhole(v) { return isNumber(v) && Math.floor(v) === v; }

  function validateSchedule(s) {
    if (s === null || typeof s !== "object" || Array.isArray(s)) {
      throw new Error("schedule must be an object with " + SCHEDULE_KEYS.join(", "));
    }
    SCHEDULE_KEYS.forEach(function (key) {
      if (!Object.prototype.hasOwnProperty.call(s, key)) throw new Error("schedule is missing " + key);
    });
    ["start", "increment", "bonus"].forEach(function (key) {
      if (!isNumber(s[key]) || s[key] < 0) throw new Error(key + " must be a finite number >= 0");
    });
    if (!isWhole(s.bonus_every) || s.bonus_every < 1) throw new Error("bonus_every must be a whole number >= 1");
    if (!isWhole(s.recovery_after) || s.recovery_after < 0) throw new Error("recovery_after must be a whole number >= 0");
    if (typeof s.reset !== "boolean") throw new Error("reset must be true or false");
    return { start: s.start, increment: s.increment, bonus: s.bonus, bonus_every: s.bonus_every,
      reset: s.reset, recovery_after: s.recovery_after };
  }

  function validateResults(results) {
    if (!Array.isArray(results)) throw new Error('results must be a list of "neg", "pos" or "missed"');
    results.forEach(function (r, i) {
      if (RESULTS.indexOf(r) < 0) {
        var shown = typeof r === "string" ? ' (got "' + r + '")' : "";
        throw new Error("result " + (i + 1) + ' must be "neg", "pos" or "missed"' + shown);
      }
    });
    return results.slice();
  }

  function wholeIn(name, v, low, high) {
    if (!isWhole(v) || v < low || (high !== undefined && v > high)) {
      throw new Error(name + " must be a whole number " + (high !== undefined ? "from " + low + " to " + high : ">= " + low));
    }
    return v;
  }

  function probability(name, v) {
    if (!isNumber(v) || v < 0 || v > 1) throw new Error(name + " must be a number from 0 to 1");
    return v;
  }

  /* ---------------------------------------------------------------- the schedule (pure) */

  /* What the schedule pays at each visit and the running total (the rules: cm.py's docstring). */
  function earnings(schedule, results) {
    var s = validateSchedule(schedule);
    results = validateResults(results);
    var step = 0, run = 0, saved = -1, since = 0, total = 0, k = s.recovery_after;
    var earned = [], cumulative = [];
    results.forEach(function (r) {
      var e;
      if (r === "neg") {
        e = s.start + s.increment * step;
        run += 1;
        if (s.bonus > 0 && run % s.bonus_every === 0) e = e + s.bonus;
        step += 1;
        if (saved >= 0) {
          since += 1;
          if (since >= k) {
            if (saved > step) step = saved;
            saved = -1;
            since = 0;
          }
        }
      } else {
        e = 0;
        run = 0;
        if (s.reset) {
          if (k > 0) {
            saved = Math.max(saved, step);
            since = 0;
          }
          step = 0;
        }
      }
      total = total + e;
      earned.push(e);
      cumulative.push(total);
    });
    return { earned: earned, cumulative: cumulative };
  }

  var TOKENS = { neg: "neg", n: "neg", pos: "pos", p: "pos", missed: "missed", m: "missed" };

  function isAscii(text) {
    for (var i = 0; i < text.length; i++) { if (text.charCodeAt(i) > 0x7f) return false; }
    return true;
  }

  /* A typed sequence: neg, pos, missed (or n, p, m, any case), separated by spaces, commas,
   * semicolons or new lines (cm.py's parse_results). */
  function parseResults(text) {
    if (typeof text !== "string") throw new Error("the sequence must be text");
    var out = [];
    text.split(/[ \t\r\n,;]+/).filter(function (t) { return t.length > 0; }).forEach(function (token, i) {
      var key = isAscii(token) ? token.toLowerCase() : token;
      if (!Object.prototype.hasOwnProperty.call(TOKENS, key)) {
        throw new Error('"' + token + '" (result ' + (i + 1) + ") is not a result: use neg, pos or missed (or n, p, m)");
      }
      out.push(TOKENS[key]);
    });
    return out;
  }

  /* ---------------------------------------------------------------- the generator (pure) */

  /* The low 32 bits of a * b for uint32 a and b, exactly (every partial product is below 2^53). */
  function mul32(a, b) {
    var al = a & 0xffff, ah = a >>> 16;
    return (al * b + ((ah * b) & 0xffff) * 65536) >>> 0;
  }

  function Mulberry32(seed) { this.state = seed >>> 0; }

  Mulberry32.prototype.next = function () {
    this.state = (this.state + 0x6D2B79F5) >>> 0;
    var t = this.state;
    t = mul32((t ^ (t >>> 15)) >>> 0, (t | 1) >>> 0);
    t = (t ^ ((t + mul32((t ^ (t >>> 7)) >>> 0, (t | 61) >>> 0)) >>> 0)) >>> 0;
    return (t ^ (t >>> 14)) >>> 0;
  };

  function checkSeed(seed) { return wholeIn("seed", seed, 0, UINT32); }

  function mulberry32(seed, count) {
    var gen = new Mulberry32(checkSeed(seed)), out = [];
    count = wholeIn("count", count, 0);
    for (var i = 0; i < count; i++) out.push(gen.next());
    return out;
  }

  function drawVisits(gen, visits, pNeg, pMissed) {
    var out = [];
    for (var i = 0; i < visits; i++) {
      var u1 = gen.next() / 4294967296;
      var u2 = gen.next() / 4294967296;
      out.push(u1 < pMissed ? "missed" : (u2 < pNeg ? "neg" : "pos"));
    }
    return out;
  }

  function simulateResults(seed, visits, pNeg, pMissed) {
    var gen = new Mulberry32(checkSeed(seed));
    visits = wholeIn("visits", visits, 0);
    if (pMissed === undefined) pMissed = 0;
    return drawVisits(gen, visits, probability("p_negative", pNeg), probability("p_missed", pMissed));
  }

  function last(values) { return values.length ? values[values.length - 1] : 0; }

  function cohortCosts(schedule, seed, participants, visits, pNeg, pMissed) {
    validateSchedule(schedule);
    var gen = new Mulberry32(checkSeed(seed));
    var n = wholeIn("participants", participants, 1);
    visits = wholeIn("visits", visits, 0);
    if (pMissed === undefined) pMissed = 0;
    pNeg = probability("p_negative", pNeg);
    pMissed = probability("p_missed", pMissed);
    var totals = [];
    for (var i = 0; i < n; i++) totals.push(last(earnings(schedule, drawVisits(gen, visits, pNeg, pMissed)).cumulative));
    return totals;
  }

  /* ---------------------------------------------------------------- comparison (pure) */

  function allNegative(visits) {
    var out = [];
    for (var i = 0; i < visits; i++) out.push("neg");
    return out;
  }

  function maxTotal(schedule, visits) {
    return last(earnings(schedule, allNegative(wholeIn("visits", visits, 0))).cumulative);
  }

  function fixedEquivalent(schedule, visits) {
    visits = wholeIn("visits", visits, 0);
    var value = visits > 0 ? maxTotal(schedule, visits) / visits : 0;
    return { start: value, increment: 0, bonus: 0, bonus_every: 1, reset: false, recovery_after: 0 };
  }

  function count(results, kind) {
    return results.filter(function (r) { return r === kind; }).length;
  }

  function comparison(schedule, results) {
    var s = validateSchedule(schedule);
    results = validateResults(results);
    var fixed = fixedEquivalent(s, results.length);
    var negatives = count(results, "neg");
    return {
      visits: results.length,
      negatives: negatives,
      positives: count(results, "pos"),
      missed: count(results, "missed"),
      escalating: earnings(s, results),
      fixed: earnings(fixed, results),
      fixed_value: fixed.start,
      max_total: maxTotal(s, results.length),
      unbroken: maxTotal(s, negatives)
    };
  }

  /* $1,234.50: to the cent (toFixed), thousands separated by commas (cm.py's money). */
  function money(value) {
    var parts = value.toFixed(2).split(".");
    return "$" + parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",") + "." + parts[1];
  }

  function summaryText(cmp) {
    if (cmp.visits === 0) return "No visits: type a sequence of results or simulate one.";
    return cmp.visits + " visits: " + cmp.negatives + " negative, " + cmp.positives + " positive, " +
      cmp.missed + " missed. Escalating schedule: " + money(last(cmp.escalating.cumulative)) +
      "; the same " + cmp.negatives + " negative tests in one unbroken run would earn " + money(cmp.unbroken) +
      ". Fixed schedule (" + money(cmp.fixed_value) + " per negative test): " + money(last(cmp.fixed.cumulative)) +
      ", however the negative tests fall. Both pay at most " + money(cmp.max_total) +
      " (a negative test at every visit).";
  }

  function mean(values) {
    var sum = 0;
    values.forEach(function (v) { sum = sum + v; });
    return sum / values.length;
  }

  function costText(cmp, participants, cohort) {
    var n = wholeIn("participants", participants, 1);
    var a = last(cmp.escalating.cumulative), b = last(cmp.fixed.cumulative);
    var text = "Cost for " + n + " participants with exactly this sequence: escalating " + money(a * n) +
      ", fixed " + money(b * n) + ".";
    if (cohort) {
      var ma = mean(cohort.escalating), mb = mean(cohort.fixed);
      text += " Expected cost from " + cohort.simulated + " simulated participants (seed " + cohort.seed +
        ", p(negative) " + cohort.p_negative.toFixed(2) + ", p(missed) " + cohort.p_missed.toFixed(2) + "): " +
        "escalating " + money(ma) + " per participant, " + money(ma * n) + " for " + n + "; " +
        "fixed " + money(mb) + " per participant, " + money(mb * n) + " for " + n + ".";
    }
    return text;
  }

  function cohort(schedule, seed, simulated, visits, pNeg, pMissed) {
    var fixed = fixedEquivalent(schedule, visits);
    return {
      simulated: simulated, seed: seed, p_negative: pNeg, p_missed: pMissed,
      escalating: cohortCosts(schedule, seed, simulated, visits, pNeg, pMissed),
      fixed: cohortCosts(fixed, seed, simulated, visits, pNeg, pMissed)
    };
  }

  /* The chart's text alternative (cm.py's alt_text says the same). */
  function altText(cmp, perWeek) {
    var weeks = Math.ceil(cmp.visits / perWeek);
    return "Line chart of cumulative voucher earnings in US dollars against week, over " + cmp.visits +
      " visits (" + perWeek + " a week, " + weeks + " weeks): " + cmp.negatives + " negative, " + cmp.positives +
      " positive and " + cmp.missed + " missed tests, the positive and missed ones marked along the bottom. " +
      "The escalating schedule ends at " + money(last(cmp.escalating.cumulative)) + " and the fixed schedule (" +
      money(cmp.fixed_value) + " per negative test) at " + money(last(cmp.fixed.cumulative)) +
      "; both would reach " + money(cmp.max_total) + " with a negative test at every visit. " +
      "The escalating line is flat after each positive or missed test and climbs steeply during long runs " +
      "of negative tests.";
  }

  /* ---------------------------------------------------------------- DOM: drawing */

  var SVG = "http://www.w3.org/2000/svg";
  var W = 640, H = 280, L = 64, R = 14, T = 16, B = 44;
  var NAMES = { neg: "negative", pos: "positive", missed: "missed" };

  function svgNode(tag, attrs, text) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function drawChart(svg, results, cmp, perWeek) {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var weeks = Math.max(Math.ceil(cmp.visits / perWeek), 1);
    var top = Math.max(cmp.max_total, 1), low = -0.08 * top, high = top * 1.08;
    function px(week) { return L + week / weeks * (W - L - R); }
    function py(y) { return T + (high - y) / (high - low) * (H - T - B); }
    svg.appendChild(svgNode("line", { x1: L, y1: py(0), x2: W - R, y2: py(0), class: "rs-cm-axis" }));
    svg.appendChild(svgNode("line", { x1: L, y1: py(low), x2: L, y2: py(high), class: "rs-cm-axis" }));
    var every = weeks > 16 ? Math.ceil(weeks / 12) : 1;
    for (var w = 0; w <= weeks; w += every) {
      svg.appendChild(svgNode("line", { x1: px(w), y1: py(low), x2: px(w), y2: py(low) + 4, class: "rs-cm-axis" }));
      svg.appendChild(svgNode("text", { x: px(w), y: py(low) + 16, "text-anchor": "middle", class: "rs-cm-tick" }, String(w)));
    }
    [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
      var y = f * top;
      svg.appendChild(svgNode("text", { x: L - 6, y: py(y) + 4, "text-anchor": "end", class: "rs-cm-tick" },
        "$" + Math.round(y)));
    });
    svg.appendChild(svgNode("line", { x1: L, y1: py(top), x2: W - R, y2: py(top), class: "rs-cm-max" }));
    svg.appendChild(svgNode("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", class: "rs-cm-label" },
      "Week (" + perWeek + " visits a week)"));
    svg.appendChild(svgNode("text", { x: L + 6, y: py(top) - 4, class: "rs-cm-label" },
      "Cumulative earnings (US $); top line: the maximum, " + money(cmp.max_total)));
    ["escalating", "fixed"].forEach(function (which) {
      var pts = [px(0).toFixed(1) + "," + py(0).toFixed(1)];
      cmp[which].cumulative.forEach(function (c, i) {
        pts.push(px((i + 1) / perWeek).toFixed(1) + "," + py(c).toFixed(1));
      });
      svg.appendChild(svgNode("polyline", { points: pts.join(" "), fill: "none", class: "rs-cm-line rs-cm-" + which }));
    });
    results.forEach(function (r, i) {
      if (r === "neg") return;
      svg.appendChild(svgNode("text", { x: px((i + 1) / perWeek), y: py(low / 2) + 5, "text-anchor": "middle",
        class: "rs-cm-mark rs-cm-mark-" + r }, r === "pos" ? "|" : "\u00d7"));
    });
  }

  function drawTable(tbody, results, cmp, perWeek) {
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    results.forEach(function (r, i) {
      var tr = document.createElement("tr");
      [String(i + 1), String(Math.floor(i / perWeek) + 1), NAMES[r], money(cmp.escalating.earned[i]),
        money(cmp.escalating.cumulative[i]), money(cmp.fixed.earned[i]), money(cmp.fixed.cumulative[i])]
        .forEach(function (text) {
          var td = document.createElement("td");
          td.textContent = text;
          tr.appendChild(td);
        });
      tbody.appendChild(tr);
    });
  }

  function q(box, cls) { return box.querySelector(".rs-cm-" + cls); }

  function sliderValue(box, name) {
    var input = q(box, name);
    var value = parseFloat(input.value);
    q(box, name + "-out").textContent = value.toFixed(parseInt(input.getAttribute("data-decimals"), 10));
    return value;
  }

  function numberInput(box, name) {
    var text = q(box, name).value.trim();
    return /^\d+$/.test(text) ? parseInt(text, 10) : NaN;
  }

  function readSchedule(box) {
    return validateSchedule({
      start: sliderValue(box, "start"), increment: sliderValue(box, "increment"), bonus: sliderValue(box, "bonus"),
      bonus_every: sliderValue(box, "bonus_every"), recovery_after: sliderValue(box, "recovery_after"),
      reset: q(box, "reset").checked
    });
  }

  function showError(box, message) {
    q(box, "error").textContent = message;
    q(box, "sequence").setAttribute("aria-invalid", message ? "true" : "false");
  }

  function draw(box, params) {
    var perWeek = params.visits_per_week;
    var schedule = readSchedule(box);
    var visits = sliderValue(box, "visits"), pNeg = sliderValue(box, "p_negative"), pMissed = sliderValue(box, "p_missed");
    var results;
    try {
      results = parseResults(q(box, "sequence").value);
      if (results.length > params.max_visits) throw new Error("at most " + params.max_visits + " results, please");
    } catch (e) {
      showError(box, e.message);
      return;
    }
    showError(box, "");
    var cmp = comparison(schedule, results);
    var chart = q(box, "chart");
    drawChart(chart, results, cmp, perWeek);
    chart.setAttribute("aria-label", altText(cmp, perWeek));
    drawTable(box.querySelector(".rs-cm-table tbody"), results, cmp, perWeek);
    q(box, "summary").textContent = summaryText(cmp);
    var seed = numberInput(box, "seed"), n = numberInput(box, "participants");
    var costLine = q(box, "cost");
    if (!(seed >= 0 && seed <= UINT32)) {
      costLine.textContent = "The seed must be a whole number from 0 to 4294967295.";
    } else if (!(n >= 1)) {
      costLine.textContent = "The number of participants must be a whole number of at least 1.";
    } else {
      costLine.textContent = costText(cmp, n, cohort(schedule, seed, params.simulated_participants, visits, pNeg, pMissed));
    }
  }

  // quiz.js (loaded first) puts the controls of a box's section in place, then starts it, when the
  // section is near the screen or laid out (RecoveryQuiz.whenReady); without quiz.js, at once.
  function whenReady(box, f) {
    if (window.RecoveryQuiz) return window.RecoveryQuiz.whenReady(box, f);
    Array.prototype.forEach.call(box.querySelectorAll("template.rs-control"), function (t) {
      t.parentNode.replaceChild(t.content, t);
    });
    return f();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".rs-cm"), function (box) {
      if (box.__rsCm) return;
      box.__rsCm = true;
      whenReady(box, function () { setUp(box); });
    });
  }

  function setUp(box) {
    var params = JSON.parse(box.getAttribute("data-rs-cm"));
    // The stored HTML says "run this cell" and disables the controls (an unrun notebook in
    // JupyterLab shows it without this script); here they work, so drop both.
    Array.prototype.forEach.call(box.querySelectorAll(".rs-run-notice"), function (notice) {
      notice.parentNode.removeChild(notice);
    });
    function redraw() { draw(box, params); }
    Array.prototype.forEach.call(box.querySelectorAll("input, textarea, button"), function (el) {
      el.disabled = false;
      if (el.tagName === "BUTTON") return;
      el.addEventListener(el.type === "checkbox" ? "change" : "input", redraw);
    });
    q(box, "simulate").addEventListener("click", function () {
      var seed = numberInput(box, "seed");
      if (!(seed >= 0 && seed <= UINT32)) {
        showError(box, "The seed must be a whole number from 0 to 4294967295.");
        return;
      }
      q(box, "sequence").value = simulateResults(seed, sliderValue(box, "visits"), sliderValue(box, "p_negative"),
        sliderValue(box, "p_missed")).join(" ");
      redraw();
    });
    q(box, "example").addEventListener("click", function () {
      q(box, "sequence").value = params.default_sequence;
      redraw();
    });
    box.classList.add("rs-ready");
    redraw();
  }

  function start() {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  }

  return {
    validateSchedule: validateSchedule,
    earnings: earnings,
    parseResults: parseResults,
    mulberry32: mulberry32,
    simulateResults: simulateResults,
    cohortCosts: cohortCosts,
    maxTotal: maxTotal,
    fixedEquivalent: fixedEquivalent,
    comparison: comparison,
    money: money,
    summaryText: summaryText,
    costText: costText,
    cohort: cohort,
    altText: altText,
    init: init,
    start: start
  };
});
