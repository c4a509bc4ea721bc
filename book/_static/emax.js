/* Recovery Science: the no-kernel version of Module 1's schematic receptor model.
 *
 * The model's pure functions (Hill/Emax effect, Gaddum competitive antagonist, a partial agonist
 * added on top of a full agonist at the same receptors) match
 * recovery_science/receptor.py; tests/test_node_emax.py runs them in Node against the Python
 * model. The parameters are not written here: recovery_science.receptor.explorer_html embeds
 * data/tools/receptor.json's model in the page (data-rs-emax) and renders the sliders' ranges
 * from it, disabled, under a "run this cell" notice (.rs-run-notice) for an unrun notebook in
 * JupyterLab. In a page this file removes the notice, enables the sliders, redraws three SVG
 * panels when the sliders move and sets window.RecoveryEmax; in Node, require() returns the same functions and touches no DOM.
 * Schematic and unitless: not doses of any real drug.
 */
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.RecoveryEmax = api;
    api.start();
  }
})(this, function () {
  "use strict";

  /* ---------------------------------------------------------------- the model (pure) */

  function effectWithAntagonist(c, kd, efficacy, a, ka, n) {
    var x = Math.pow(c / kd, n);
    return efficacy * x / (1 + x + a / ka);
  }

  function ec50WithAntagonist(kd, a, ka, n) {
    return kd * Math.pow(1 + a / ka, 1 / n);
  }

  /* A partial agonist (cp, kp, ep) added to a full agonist already present (cf, kf, ef), both
   * competing for one site, Hill coefficient 1: net effect = ef * occ_f + ep * occ_p. */
  function effectPartialOnFull(cp, kp, ep, cf, kf, ef) {
    var xp = cp / kp, xf = cf / kf;
    if (ef === undefined) ef = 1;
    return (ef * xf + ep * xp) / (1 + xf + xp);
  }

  /* The partial agonist's concentration at which the net effect has made half of its change. */
  function partialDisplacementMidpoint(cf, kf, kp) {
    return kp * (1 + cf / kf);
  }

  /* The "on top" summary line (recovery_science.receptor.on_top_summary says the same). */
  function onTopSummary(model, eff, level, ratio) {
    var kd = model.kd, kp = kd / ratio;
    var alone = effectPartialOnFull(0, kp, eff, level * kd, kd, 1);
    var mid = partialDisplacementMidpoint(level * kd, kd, kp);
    var midEqual = partialDisplacementMidpoint(level * kd, kd, kd);
    return "Full agonist alone (c/Kd = " + level.toFixed(1) + "): effect " + alone.toFixed(2) + ". " +
      "Adding the partial agonist (efficacy " + eff.toFixed(2) + "; Kd " + kp.toFixed(2) + ", affinity ratio " +
      ratio.toFixed(0) + ") moves the net effect from " + alone.toFixed(2) + " toward " + eff.toFixed(2) + "; " +
      "half of that change comes at a partial-agonist concentration of " + mid.toFixed(2) +
      " (with equal affinity: " + midEqual.toFixed(2) + ").";
  }

  /* What the summary line says for the sliders' values (model: data/tools/receptor.json's). */
  function summary(model, eff, a) {
    var kd = model.kd;
    var ec50 = ec50WithAntagonist(kd, a, model.antagonist_kd, model.hill);
    return "Maximum effect of the second agonist: " + eff.toFixed(2) + " of the full agonist. " +
      "EC50 of the full agonist with the antagonist: " + ec50.toFixed(2) + " (without it: " + kd.toFixed(2) +
      "), a " + (ec50 / kd).toFixed(1) + "-fold shift.";
  }

  /* ---------------------------------------------------------------- DOM: drawing */

  var SVG = "http://www.w3.org/2000/svg";
  var W = 340, H = 230, L = 46, R = 12, T = 14, B = 40;   // panel size and margins
  var SUPERSCRIPT = { "-": "\u207B", "0": "\u2070", "1": "\u00B9", "2": "\u00B2", "3": "\u00B3", "4": "\u2074",
    "5": "\u2075", "6": "\u2076", "7": "\u2077", "8": "\u2078", "9": "\u2079" };

  function node(tag, attrs, text) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function power(e) {
    if (e === 0) return "1";
    return "10" + String(e).split("").map(function (ch) { return SUPERSCRIPT[ch]; }).join("");
  }

  function Panel(svg, axis) {
    this.svg = svg;
    this.min = axis.min;
    this.max = axis.max;
  }

  Panel.prototype.px = function (logc) { return L + (logc - this.min) / (this.max - this.min) * (W - L - R); };
  Panel.prototype.py = function (y) { return T + (1 - y) * (H - T - B); };

  Panel.prototype.axes = function (title, xlabel) {
    var svg = this.svg, self = this;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.appendChild(node("line", { x1: L, y1: this.py(0), x2: W - R, y2: this.py(0), class: "rs-emax-axis" }));
    svg.appendChild(node("line", { x1: L, y1: this.py(0), x2: L, y2: this.py(1.05), class: "rs-emax-axis" }));
    for (var e = Math.ceil(this.min); e <= this.max; e++) {
      svg.appendChild(node("line", { x1: this.px(e), y1: this.py(0), x2: this.px(e), y2: this.py(0) + 4, class: "rs-emax-axis" }));
      svg.appendChild(node("text", { x: this.px(e), y: this.py(0) + 15, "text-anchor": "middle", class: "rs-emax-tick" }, power(e)));
    }
    [0, 0.5, 1].forEach(function (v) {
      svg.appendChild(node("text", { x: L - 6, y: self.py(v) + 4, "text-anchor": "end", class: "rs-emax-tick" }, String(v)));
    });
    svg.appendChild(node("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", class: "rs-emax-label" },
      xlabel));
    svg.appendChild(node("text", { x: L + 4, y: T + 2, class: "rs-emax-label" }, title));
  };

  Panel.prototype.curve = function (fn, cls) {
    var pts = [];
    for (var i = 0; i <= 120; i++) {
      var logc = this.min + (this.max - this.min) * i / 120;
      pts.push(this.px(logc).toFixed(1) + "," + this.py(fn(Math.pow(10, logc))).toFixed(1));
    }
    this.svg.appendChild(node("polyline", { points: pts.join(" "), class: "rs-emax-curve " + cls, fill: "none" }));
  };

  function sliderValue(box, name) {
    var input = box.querySelector(".rs-emax-" + name);
    var value = parseFloat(input.value);
    box.querySelector(".rs-emax-" + name + "-out").textContent = value.toFixed(parseInt(input.getAttribute("data-decimals"), 10));
    return value;
  }

  function draw(box, params) {
    var m = params.model;
    var eff = sliderValue(box, "efficacy");
    var a = sliderValue(box, "antagonist");
    var left = new Panel(box.querySelector(".rs-emax-left"), params.concentration_log10);
    var right = new Panel(box.querySelector(".rs-emax-right"), params.concentration_log10);
    function agonist(efficacy, antagonist) {
      return function (c) { return effectWithAntagonist(c, m.kd, efficacy, antagonist, m.antagonist_kd, m.hill); };
    }
    var xlabel = "Agonist concentration (log scale; Kd = " + m.kd + ")";
    left.axes("Full agonist vs second agonist", xlabel);
    left.curve(agonist(1, 0), "rs-emax-full");
    left.curve(agonist(eff, 0), "rs-emax-partial");
    right.axes("Full agonist with antagonist", xlabel);
    right.curve(agonist(1, 0), "rs-emax-full");
    right.curve(agonist(1, a), "rs-emax-shifted");
    box.querySelector(".rs-emax-summary").textContent = summary(m, eff, a);
    // The "on top" panel; an older stored output without its sliders keeps the first two panels working.
    if (box.querySelector(".rs-emax-ontop") && box.querySelector(".rs-emax-full_level")) drawOnTop(box, params, eff);
  }

  /* A partial agonist added on top of a full agonist: the full agonist alone (flat), and the net
   * effect against the partial agonist's concentration, with equal affinity and with the slider's. */
  function drawOnTop(box, params, eff) {
    var m = params.model;
    var level = sliderValue(box, "full_level");
    var ratio = sliderValue(box, "affinity");
    var panel = new Panel(box.querySelector(".rs-emax-ontop"), params.concentration_log10);
    function net(kp) {
      return function (c) { return effectPartialOnFull(c, kp, eff, level * m.kd, m.kd, 1); };
    }
    panel.axes("Partial agonist added to full agonist", "Partial agonist concentration (log scale)");
    panel.curve(function () { return effectPartialOnFull(0, 1, eff, level * m.kd, m.kd, 1); }, "rs-emax-full");
    panel.curve(net(m.kd), "rs-emax-equal");
    panel.curve(net(m.kd / ratio), "rs-emax-net");
    box.querySelector(".rs-emax-ontop-summary").textContent = onTopSummary(m, eff, level, ratio);
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
    Array.prototype.forEach.call(document.querySelectorAll(".rs-emax"), function (box) {
      if (box.__rsEmax) return;
      box.__rsEmax = true;
      whenReady(box, function () { setUp(box); });
    });
  }

  function setUp(box) {
    var params = JSON.parse(box.getAttribute("data-rs-emax"));
    // The stored HTML says "run this cell" and disables the sliders (an unrun notebook in
    // JupyterLab shows it without this script); here the sliders work, so drop both.
    Array.prototype.forEach.call(box.querySelectorAll(".rs-run-notice"), function (notice) {
      notice.parentNode.removeChild(notice);
    });
    Array.prototype.forEach.call(box.querySelectorAll("input[type=range]"), function (input) {
      input.disabled = false;
      input.addEventListener("input", function () { draw(box, params); });
    });
    box.classList.add("rs-ready");
    draw(box, params);
  }

  function start() {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  }

  return {
    effectWithAntagonist: effectWithAntagonist,
    ec50WithAntagonist: ec50WithAntagonist,
    summary: summary,
    effectPartialOnFull: effectPartialOnFull,
    partialDisplacementMidpoint: partialDisplacementMidpoint,
    onTopSummary: onTopSummary,
    init: init,
    start: start
  };
});
