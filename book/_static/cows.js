/* Recovery Science: the no-kernel version of Module 2's COWS scorer (Clinical Opiate Withdrawal
 * Scale, Wesson & Ling 2003). Teaching tool, not for clinical use.
 *
 * The scorer's pure functions (pulse mapping, allowed points per item with the same rejection
 * messages, bands, the whole-scale evaluation and the vignette comparison) match
 * recovery_science/cows.py; tests/test_node_cows.py runs them in Node against the Python ones.
 * The scale is not written here: recovery_science.cows.scorer_html / vignettes_html embed
 * data/tools/cows.json (and a vignette from data/tools/cows-vignettes.yaml) in the page
 * (data-rs-cows) and render the controls from it, disabled, under a "run this cell" notice
 * (.rs-run-notice) for an unrun notebook in JupyterLab. In a page this file removes the notice,
 * enables the controls, keeps the total live and, for a vignette, shows the worked answer only
 * once every item has a score; it sets window.RecoveryCows. In Node, require() returns the same
 * functions and touches no DOM.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.RecoveryCows = api;
    api.start();
  }
})(this, function () {
  "use strict";

  /* ---------------------------------------------------------------- the scorer (pure) */

  function item(scale, id) {
    for (var i = 0; i < scale.items.length; i++) {
      if (scale.items[i].id === id) return scale.items[i];
    }
    throw new Error("COWS has no item called '" + id + "'");
  }

  /* How a value appears in a message (cows.py's _shown says the same). */
  function shown(value) {
    if (typeof value === "string") return value.trim();
    if (value === null || value === undefined) return "";
    if (typeof value === "boolean") return String(value);
    if (typeof value === "number") return isFinite(value) ? String(value) : "not a number";
    return "not a number";
  }

  /* A whole number from a number or a string of digits; null otherwise. */
  function whole(value) {
    if (typeof value === "number") return Number.isInteger(value) ? value : null;
    if (typeof value === "string" && /^[0-9]+$/.test(value.trim())) return parseInt(value.trim(), 10);
    return null;
  }

  function orList(values) {
    var words = values.map(String);
    return words.length > 1 ? words.slice(0, -1).join(", ") + " or " + words[words.length - 1] : words[0];
  }

  function allowedPoints(it) {
    if (it.kind === "pulse") return it.pulse_points.map(function (r) { return r.points; });
    return it.options.map(function (o) { return o.points; });
  }

  function empty(value) {
    return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
  }

  function pulsePoints(scale, bpm) {
    var it = item(scale, "pulse");
    var lo = it.accepted_bpm.min, hi = it.accepted_bpm.max, label = it.label;
    if (empty(bpm)) throw new Error(label + ": no value entered yet. Enter the pulse in beats per minute.");
    var n = whole(bpm);
    if (n === null) {
      throw new Error(label + ': "' + shown(bpm) + '" is not a whole number. Enter the pulse in beats per minute, ' +
        "a whole number from " + lo + " to " + hi + ".");
    }
    if (n < lo || n > hi) {
      throw new Error(label + ": " + n + " beats per minute is outside what this tool accepts (" + lo + " to " + hi + ").");
    }
    for (var i = 0; i < it.pulse_points.length; i++) {
      var row = it.pulse_points[i];
      if (row.max_bpm === null || n <= row.max_bpm) return row.points;
    }
    throw new Error("the pulse table has no open last row");
  }

  function itemPoints(scale, id, value) {
    var it = item(scale, id);
    if (it.kind === "pulse") return pulsePoints(scale, value);
    var allowed = allowedPoints(it);
    if (empty(value)) throw new Error(it.label + ": no score chosen yet. Allowed: " + orList(allowed) + ".");
    var n = whole(value);
    if (n === null || allowed.indexOf(n) < 0) {
      throw new Error(it.label + ": " + shown(value) + " is not a score this item allows. Allowed: " + orList(allowed) + ".");
    }
    return n;
  }

  /* itemPoints without throwing: {points: n} or {error: message}. */
  function check(scale, id, value) {
    try {
      return { points: itemPoints(scale, id, value) };
    } catch (e) {
      return { error: e.message };
    }
  }

  function band(scale, total) {
    var n = whole(total);
    if (n === null || n < 0 || n > scale.max_total) {
      throw new Error("A COWS total is a whole number from 0 to " + scale.max_total + "; got " + (shown(total) || "nothing") + ".");
    }
    for (var i = 0; i < scale.bands.length; i++) {
      if (scale.bands[i].min <= n && n <= scale.bands[i].max) return scale.bands[i];
    }
    throw new Error("no band holds " + n);
  }

  /* All items: {points, total, band} or {errors, points} (cows.py's evaluate). */
  function evaluate(scale, values) {
    var ids = scale.items.map(function (it) { return it.id; });
    var points = {}, errors = {}, bad = false;
    Object.keys(values).sort().forEach(function (key) {
      if (ids.indexOf(key) < 0) { errors[key] = "COWS has no item called '" + key + "'"; bad = true; }
    });
    ids.forEach(function (id) {
      var r = check(scale, id, values[id]);
      if (r.error !== undefined) { errors[id] = r.error; bad = true; } else { points[id] = r.points; }
    });
    if (bad) return { errors: errors, points: points };
    var total = 0;
    ids.forEach(function (id) { total += points[id]; });
    return { points: points, total: total, band: band(scale, total).id };
  }

  function workedValues(vig) {
    var out = {};
    Object.keys(vig.worked).forEach(function (k) { out[k] = k === "pulse" ? vig.worked[k].bpm : vig.worked[k].points; });
    return out;
  }

  /* A student's values against a vignette's worked answer; nothing of the worked answer until
   * every item has an allowed value (cows.py's compare). */
  function compare(scale, values, vig) {
    var mine = evaluate(scale, values);
    if (mine.errors) return { complete: false, errors: mine.errors };
    var worked = evaluate(scale, workedValues(vig));
    if (worked.errors) throw new Error("the worked answer of " + vig.id + " is not a valid scoring");
    var differences = [];
    scale.items.forEach(function (it) {
      if (mine.points[it.id] !== worked.points[it.id]) {
        differences.push({ item: it.id, label: it.label, yours: mine.points[it.id], worked: worked.points[it.id],
          reason: vig.worked[it.id].reason });
      }
    });
    return { complete: true, total: mine.total, band: mine.band, worked_total: worked.total,
      worked_band: worked.band, differences: differences, explanation: vig.explanation };
  }

  function bandText(scale, id) {
    for (var i = 0; i < scale.bands.length; i++) {
      if (scale.bands[i].id === id) return scale.bands[i].label + " (" + scale.bands[i].range + ")";
    }
    throw new Error("no band called " + id);
  }

  /* The live total line (cows.py's total_text). */
  function totalText(scale, result) {
    var n = scale.items.length;
    if (result.errors) {
      var done = 0, sum = 0;
      Object.keys(result.points).forEach(function (k) { done += 1; sum += result.points[k]; });
      return "Scored " + done + " of " + n + " items; total so far " + sum + ". Score every item to see the band.";
    }
    return "Total " + result.total + " of " + scale.max_total + ": " + bandText(scale, result.band) + ".";
  }

  /* ---------------------------------------------------------------- DOM */

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function values(box) {
    var out = {};
    Array.prototype.forEach.call(box.querySelectorAll(".rs-cows-input"), function (input) {
      out[input.getAttribute("data-item")] = input.value;
    });
    return out;
  }

  function update(box, scale) {
    var result = evaluate(scale, values(box));
    Array.prototype.forEach.call(box.querySelectorAll(".rs-cows-input"), function (input) {
      var id = input.getAttribute("data-item");
      var message = result.errors && result.errors[id];
      // an item not yet touched is not an error to show; a rejected value is
      var show = message && !empty(input.value) ? message : "";
      box.querySelector("#" + input.id + "-err").textContent = show;
      if (show) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    });
    box.querySelector(".rs-cows-total").textContent = totalText(scale, result);
  }

  function showFeedback(box, scale, vig) {
    var out = box.querySelector(".rs-cows-feedback");
    var result = compare(scale, values(box), vig);
    while (out.firstChild) out.removeChild(out.firstChild);
    if (!result.complete) {
      var missing = scale.items.filter(function (it) { return result.errors[it.id] !== undefined; })
        .map(function (it) { return it.label; });
      out.appendChild(el("p", "Score every item first. Still to do: " + missing.join(", ") + "."));
      box.classList.remove("rs-cows-checked");
      return;
    }
    var p = el("p");
    p.appendChild(document.createTextNode("Your total: "));
    p.appendChild(el("strong", String(result.total), "rs-cows-yours"));
    p.appendChild(document.createTextNode(", " + bandText(scale, result.band) + ". Worked total: "));
    p.appendChild(el("strong", String(result.worked_total), "rs-cows-worked"));
    p.appendChild(document.createTextNode(", " + bandText(scale, result.worked_band) + "."));
    out.appendChild(p);
    if (result.differences.length) {
      var ul = el("ul", undefined, "rs-cows-differences");
      result.differences.forEach(function (d) {
        ul.appendChild(el("li", d.label + ": you gave " + d.yours + ", the worked answer gives " + d.worked + ". " + d.reason));
      });
      out.appendChild(ul);
    } else {
      out.appendChild(el("p", "Your points match the worked answer on every item."));
    }
    out.appendChild(el("p", result.explanation, "rs-cows-explanation"));
    box.classList.add("rs-cows-checked");
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
    Array.prototype.forEach.call(document.querySelectorAll(".rs-cows"), function (box) {
      if (box.__rsCows) return;
      box.__rsCows = true;
      whenReady(box, function () { setUp(box); });
    });
  }

  function setUp(box) {
    var data = JSON.parse(box.getAttribute("data-rs-cows"));
    var scale = data.scale, vig = data.vignette;
    // The stored HTML says "run this cell" and disables the controls (an unrun notebook in
    // JupyterLab shows it without this script); here they work, so drop both.
    Array.prototype.forEach.call(box.querySelectorAll(".rs-run-notice"), function (notice) {
      notice.parentNode.removeChild(notice);
    });
    Array.prototype.forEach.call(box.querySelectorAll(".rs-cows-input"), function (input) {
      input.disabled = false;
      input.addEventListener("input", function () { update(box, scale); });
      input.addEventListener("change", function () { update(box, scale); });
    });
    var button = box.querySelector("button.rs-cows-check");
    if (button && vig) {
      button.disabled = false;
      button.addEventListener("click", function () { showFeedback(box, scale, vig); });
    }
    box.classList.add("rs-ready");
    update(box, scale);
  }

  function start() {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  }

  return {
    pulsePoints: pulsePoints,
    itemPoints: itemPoints,
    check: check,
    band: band,
    evaluate: evaluate,
    workedValues: workedValues,
    compare: compare,
    bandText: bandText,
    totalText: totalText,
    init: init,
    start: start
  };
});
