/* A long-lived Node process for the tests: one JSON request per line on stdin, one JSON answer
 * per line on stdout. Request: {"module": "<path of a UMD file>", "fn": "<exported name>",
 * "args": [...]} (an export that is not a function is returned as JSON, functions left out) or {"module": ..., "fn": ..., "batch": [[...args], ...]} to call it once per
 * argument list. Answer: {"ok": value} (batch: a list of values) or {"error": "message"}.
 * JSON has no infinity or NaN: a number that is not finite travels as {"$float": "inf" |
 * "-inf" | "nan"}, both ways (tests/browserutil.py encodes and decodes the Python side).
 */
"use strict";

var path = require("path");
var readline = require("readline");

var modules = {};

function load(file) {
  var full = path.resolve(file);
  if (!modules[full]) modules[full] = require(full);
  return modules[full];
}

function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === "object") {
    var keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$float") {
      return { inf: Infinity, "-inf": -Infinity, nan: NaN }[value.$float];
    }
    var out = {};
    keys.forEach(function (k) { out[k] = decode(value[k]); });
    return out;
  }
  return value;
}

function encode(value) {
  if (typeof value === "number" && !isFinite(value)) {
    return { $float: isNaN(value) ? "nan" : (value > 0 ? "inf" : "-inf") };
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === "object") {
    var out = {};
    Object.keys(value).forEach(function (k) { out[k] = encode(value[k]); });
    return out;
  }
  return value;
}

var rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on("line", function (line) {
  var answer;
  try {
    var req = JSON.parse(line);
    var fn = load(req.module)[req.fn];
    if (fn === undefined) throw new Error(req.module + " exports nothing called " + req.fn);
    if (typeof fn !== "function") {
      answer = { ok: encode(JSON.parse(JSON.stringify(fn))) };   /* a value: its JSON (functions left out) */
    } else if (req.batch) {
      answer = { ok: encode(req.batch.map(function (args) { return fn.apply(null, decode(args)); })) };
    } else {
      answer = { ok: encode(fn.apply(null, decode(req.args))) };
    }
  } catch (e) {
    answer = { error: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
