// ESLint (flat config) for the course's own JavaScript: the book's scripts run in the browser,
// the tests' scripts (tests/js, if any) run in Node. Vendored files (MathJax) are not ours.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["book/_static/vendor/**", "node_modules/**", "_build/**", ".venv/**"] },
  js.configs.recommended,
  {
    files: ["book/_static/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      // module: the scripts export their pure functions to Node; DOCUMENTATION_OPTIONS: set by Sphinx
      globals: { ...globals.browser, module: "readonly", DOCUMENTATION_OPTIONS: "readonly" },
    },
  },
  {
    files: ["tests/js/**/*.js", "tests/js/**/*.cjs"],
    languageOptions: { ecmaVersion: "latest", sourceType: "commonjs", globals: { ...globals.node } },
  },
  {
    files: ["tests/js/**/*.mjs", "eslint.config.mjs"],
    languageOptions: { ecmaVersion: "latest", sourceType: "module", globals: { ...globals.node } },
  },
  {
    rules: {
      eqeqeq: ["error", "always"],
      // ES5-style `catch (e) {}` needs a binding it may not use
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
    },
  },
];
