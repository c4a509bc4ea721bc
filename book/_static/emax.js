/* Recovery Science: the no-kernel version of Module 1's schematic receptor model.
 *
 * A port of recovery_science/receptor.py (Hill/Emax effect, Gaddum competitive antagonist) that
 * redraws two SVG panels when the sliders move. tests/test_browser_emax.py checks it against the
 * Python model. Schematic and unitless: not doses of any real drug.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var W = 340, H = 230, L = 46, R = 12, T = 14, B = 40;   // panel size and margins
  var LOG_MIN = -3, LOG_MAX = 3;

  function effectWithAntagonist(c, kd, efficacy, a, ka, n) {
    var x = Math.pow(c / kd, n);
    return efficacy * x / (1 + x + a / ka);
  }

  function ec50WithAntagonist(kd, a, ka, n) {
    return kd * Math.pow(1 + a / ka, 1 / n);
  }

  function px(logc) { return L + (logc - LOG_MIN) / (LOG_MAX - LOG_MIN) * (W - L - R); }
  function py(y) { return T + (1 - y) * (H - T - B); }

  function node(tag, attrs, text) {
    var el = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function axes(svg, title) {
    svg.appendChild(node("line", { x1: L, y1: py(0), x2: W - R, y2: py(0), class: "rs-emax-axis" }));
    svg.appendChild(node("line", { x1: L, y1: py(0), x2: L, y2: py(1.05), class: "rs-emax-axis" }));
    for (var e = LOG_MIN; e <= LOG_MAX; e++) {
      svg.appendChild(node("line", { x1: px(e), y1: py(0), x2: px(e), y2: py(0) + 4, class: "rs-emax-axis" }));
      svg.appendChild(node("text", { x: px(e), y: py(0) + 15, "text-anchor": "middle", class: "rs-emax-tick" },
        e === 0 ? "1" : "10" + (e < 0 ? "\u207B" : "") + "\u00B9\u00B2\u00B3".charAt(Math.abs(e) - 1)));
    }
    [0, 0.5, 1].forEach(function (v) {
      svg.appendChild(node("text", { x: L - 6, y: py(v) + 4, "text-anchor": "end", class: "rs-emax-tick" }, String(v)));
    });
    svg.appendChild(node("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle", class: "rs-emax-label" },
      "Agonist concentration (log scale; Kd = 1)"));
    svg.appendChild(node("text", { x: L + 4, y: T + 2, class: "rs-emax-label" }, title));
  }

  function curve(svg, fn, cls) {
    var pts = [];
    for (var i = 0; i <= 120; i++) {
      var logc = LOG_MIN + (LOG_MAX - LOG_MIN) * i / 120;
      pts.push(px(logc).toFixed(1) + "," + py(fn(Math.pow(10, logc))).toFixed(1));
    }
    svg.appendChild(node("polyline", { points: pts.join(" "), class: "rs-emax-curve " + cls, fill: "none" }));
  }

  function draw(box, params) {
    var eff = parseFloat(box.querySelector(".rs-emax-efficacy").value);
    var a = parseFloat(box.querySelector(".rs-emax-antagonist").value);
    var kd = params.kd, ka = params.ka, n = params.n;
    box.querySelector(".rs-emax-efficacy-out").textContent = eff.toFixed(2);
    box.querySelector(".rs-emax-antagonist-out").textContent = a.toFixed(1);

    var left = box.querySelector(".rs-emax-left");
    var right = box.querySelector(".rs-emax-right");
    [left, right].forEach(function (svg) { while (svg.firstChild) svg.removeChild(svg.firstChild); });
    axes(left, "Full agonist vs second agonist");
    curve(left, function (c) { return effectWithAntagonist(c, kd, 1, 0, ka, n); }, "rs-emax-full");
    curve(left, function (c) { return effectWithAntagonist(c, kd, eff, 0, ka, n); }, "rs-emax-partial");
    axes(right, "Full agonist with antagonist");
    curve(right, function (c) { return effectWithAntagonist(c, kd, 1, 0, ka, n); }, "rs-emax-full");
    curve(right, function (c) { return effectWithAntagonist(c, kd, 1, a, ka, n); }, "rs-emax-shifted");

    var ec50 = ec50WithAntagonist(kd, a, ka, n);
    box.querySelector(".rs-emax-summary").textContent =
      "Maximum effect of the second agonist: " + eff.toFixed(2) + " of the full agonist. " +
      "EC50 of the full agonist with the antagonist: " + ec50.toFixed(2) + " (without it: " + kd.toFixed(2) +
      "), a " + (ec50 / kd).toFixed(1) + "-fold shift.";
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".rs-emax"), function (box) {
      if (box.__rsEmax) return;
      box.__rsEmax = true;
      var params = JSON.parse(box.getAttribute("data-rs-emax"));
      box.querySelectorAll("input[type=range]").forEach(function (input) {
        input.addEventListener("input", function () { draw(box, params); });
      });
      box.classList.add("rs-ready");
      draw(box, params);
    });
  }

  window.RecoveryEmax = { effectWithAntagonist: effectWithAntagonist, ec50WithAntagonist: ec50WithAntagonist, init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
