"""Keep the notebooks' stored outputs fresh: ``make book`` re-executes exactly the stale ones.

The book renders the outputs stored in each notebook without running it. So that an edit to a
bank, a dataset or the package reaches the book, ``notebooks/manifest.json`` records for each
notebook the SHA-256 of:

- ``code``: its code cells (markdown edits do not need a re-run);
- ``inputs``: each file its metadata declares in ``metadata.recovery_science.inputs`` (paths from
  the repository root: its bank, its datasets, ``book/references.bib``, ...);
- ``package``: every ``recovery_science/**/*.py``, by content, in sorted path order;
- ``environment``: ``requirements.lock`` (library versions change outputs);
- ``outputs``: the outputs it stored when it last ran, so a figure or table edited by hand, or a
  notebook saved from an unfinished run, shows up as stale too.

A notebook is stale when any of these differ. ``make book`` (this module with no options)
re-executes the stale notebooks in place and updates their entries; ``make notebooks``
(``--all``) re-executes every one; ``--check`` only reports. While a notebook runs, its kernel
records every file under the repository it reads (``recovery_science.tools.readlog``); a read
that its metadata does not declare stops the run, so the declared inputs cannot miss one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from pathlib import Path, PurePosixPath

import nbformat
from nbclient.exceptions import CellExecutionError

MANIFEST = "notebooks/manifest.json"
NOTEBOOK_GLOB = "notebooks/*.ipynb"
PACKAGE = "recovery_science"
LOCK = "requirements.lock"
HINT = "run `make book` to re-execute it"
# Reads under the repository that need no declaration: the package (its own hash), the
# virtualenv, byte-code caches and JupyterLab checkpoints.
_UNDECLARED_OK = (".venv/", f"{PACKAGE}/", ".git/")


class FreshnessError(Exception):
    """A problem with a notebook's declared inputs or the manifest: one line, naming the file."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def code_hash(nb) -> str:
    return _sha(_json([c.source for c in nb.cells if c.cell_type == "code"]))


def outputs_hash(nb) -> str:
    return _sha(_json([
        {"execution_count": c.get("execution_count"), "outputs": c.get("outputs", [])}
        for c in nb.cells if c.cell_type == "code"
    ]))


def package_hash(root: Path) -> str:
    files = sorted(p.relative_to(root).as_posix() for p in (root / PACKAGE).rglob("*.py"))
    return _sha("".join(f"{name}\0{_sha((root / name).read_bytes())}\n" for name in files).encode())


def environment_hash(root: Path) -> str:
    lock = root / LOCK
    return _sha(lock.read_bytes()) if lock.is_file() else "no requirements.lock"


def declared_inputs(nb, name: str, root: Path) -> list[str]:
    """The notebook's ``metadata.recovery_science.inputs``, checked: relative paths to files."""
    inputs = nb.metadata.get("recovery_science", {}).get("inputs")
    if inputs is None:
        raise FreshnessError(
            f"{name}: metadata.recovery_science.inputs is missing; "
            "list the files it reads (its bank, datasets, book/references.bib)"
        )
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        raise FreshnessError(
            f"{name}: metadata.recovery_science.inputs must be a list of paths from the repository root"
        )
    for item in inputs:
        pure = PurePosixPath(item)
        if pure.is_absolute() or ".." in pure.parts:
            raise FreshnessError(
                f"{name}: input '{item}' must be a path from the repository root, like data/quizzes/01-biology.yaml"
            )
        if not (root / item).is_file():
            raise FreshnessError(f"{name}: input '{item}' in metadata.recovery_science.inputs does not exist")
    return sorted(set(inputs))


def fingerprint(root: Path, name: str, nb=None) -> dict:
    """The manifest entry for notebook ``name`` (a path from ``root``) as it is now."""
    nb = nb if nb is not None else nbformat.read(root / name, as_version=4)
    return {
        "code": code_hash(nb),
        "inputs": {i: _sha((root / i).read_bytes()) for i in declared_inputs(nb, name, root)},
        "package": package_hash(root),
        "environment": environment_hash(root),
        "outputs": outputs_hash(nb),
    }


def notebooks(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.glob(NOTEBOOK_GLOB))


def load_manifest(root: Path) -> dict:
    path = root / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FreshnessError(
            f"{MANIFEST}, line {exc.lineno}: not valid JSON ({exc.msg}); delete it and run `make notebooks`"
        ) from None
    entries = data.get("notebooks") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise FreshnessError(f"{MANIFEST}: no 'notebooks' mapping; delete it and run `make notebooks`")
    return entries


def write_manifest(root: Path, entries: dict) -> None:
    data = {
        "about": "Written by `make book` and `make notebooks` (recovery_science/tools/freshness.py): "
                 "SHA-256 of each notebook's code cells, declared inputs, the course package, "
                 "requirements.lock and its stored outputs. Do not edit by hand.",
        "notebooks": entries,
    }
    (root / MANIFEST).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def stale_reasons(recorded: dict | None, now: dict) -> list[str]:
    """Why a notebook whose manifest entry is ``recorded`` is stale now (empty: it is fresh)."""
    if not recorded:
        return [f"it has no entry in {MANIFEST} (a new notebook?)"]
    reasons = []
    if recorded.get("code") != now["code"]:
        reasons.append("its code cells changed")
    old, new = recorded.get("inputs", {}), now["inputs"]
    for item in sorted(set(old) | set(new)):
        if item not in old:
            reasons.append(f"{item} was added to its inputs")
        elif item not in new:
            reasons.append(f"{item} was removed from its inputs")
        elif old[item] != new[item]:
            reasons.append(f"{item} changed")
    if recorded.get("package") != now["package"]:
        reasons.append(f"the course package ({PACKAGE}/**/*.py) changed")
    if recorded.get("environment") != now["environment"]:
        reasons.append(f"{LOCK} changed")
    # (with new code the outputs differ anyway; say so only when the code is unchanged)
    if recorded.get("outputs") != now["outputs"] and recorded.get("code") == now["code"]:
        reasons.append("its stored outputs are not the ones its last run recorded (edited or replaced?)")
    return reasons


def check(root: Path) -> dict[str, list[str]]:
    """Every notebook (and stale manifest entry) with the reasons it is stale; fresh ones map to []."""
    root = Path(root)
    entries = load_manifest(root)
    names = notebooks(root)
    result = {name: stale_reasons(entries.get(name), fingerprint(root, name)) for name in names}
    for gone in sorted(set(entries) - set(names)):
        result[gone] = [f"it is listed in {MANIFEST} but no longer exists"]
    return result


def message(name: str, reasons: list[str]) -> str:
    return f"{name} has stale outputs: {'; '.join(reasons)}; {HINT}"


def stale_message(root: Path, notebook: Path) -> str | None:
    """One line on why ``notebook`` is stale (for a failing nbval cell), or None if it is fresh."""
    root = Path(root).resolve()
    try:
        name = Path(notebook).resolve().relative_to(root).as_posix()
        reasons = stale_reasons(load_manifest(root).get(name), fingerprint(root, name))
    except ValueError:
        return None
    except FreshnessError as exc:
        return str(exc)
    return message(name, reasons) if reasons else None


DATASET_MANIFEST = "data/datasets.yaml"


def _call_reads(root: Path, func: str, arg: str) -> list[str]:
    """The files a ``show_quiz("...")`` or ``load_dataset("...")`` call reads, from the root."""
    if func == "show_quiz":
        return [arg if arg.endswith((".yaml", ".yml")) else f"data/quizzes/{arg}.yaml"]
    file = f"{arg}.csv"
    manifest = root / DATASET_MANIFEST
    if not manifest.is_file():
        return [f"data/{file}"]
    import yaml

    try:
        entry = (yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get("datasets", {}).get(arg) or {}
        file = entry.get("file", file)
    except (yaml.YAMLError, AttributeError):
        pass
    return [DATASET_MANIFEST, f"data/{file}"]


def undeclared_calls(nb, name: str, root: Path) -> list[str]:
    """Files that ``show_quiz("...")`` / ``load_dataset("...")`` calls in the code read but the
    metadata does not declare (a quick check; the kernel's read log is the thorough one)."""
    declared = set(declared_inputs(nb, name, root))
    missing = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for func, arg in re.findall(r"\b(show_quiz|load_dataset)\(\s*['\"]([^'\"]+)['\"]", cell.source):
            for path in _call_reads(root, func, arg):
                if path not in declared:
                    missing.append(
                        f'{name}: {func}("{arg}") reads {path}, which metadata.recovery_science.inputs does not list'
                    )
    return missing


def undeclared_reads(log: Path, root: Path, declared: list[str]) -> list[str]:
    """Files under ``root`` in a kernel's read log that are neither declared nor exempt."""
    real_root = root.resolve()
    read = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            rel = Path(line).relative_to(real_root).as_posix()
        except ValueError:
            continue
        if rel.startswith(_UNDECLARED_OK) or "__pycache__/" in rel or ".ipynb_checkpoints/" in rel:
            continue
        read.add(rel)
    return sorted(read - set(declared))


def run(root: Path, name: str, timeout: int = 600) -> float:
    """Execute notebook ``name`` in place, check what it read, and return the seconds it took."""
    from .execute import execute

    nb = nbformat.read(root / name, as_version=4)
    declared = declared_inputs(nb, name, root)
    with tempfile.TemporaryDirectory(prefix="rs-reads-") as tmp:
        log = Path(tmp) / "reads.txt"
        log.touch()
        backup = (root / name).read_bytes()
        seconds = execute(root / name, timeout=timeout, read_log=log, root=root)
        extra = undeclared_reads(log, root, declared)
    if extra:
        (root / name).write_bytes(backup)  # keep the old outputs: the manifest must not bless this run
        it = "it" if len(extra) == 1 else "them"
        raise FreshnessError(
            f"{name} read {', '.join(extra)} but metadata.recovery_science.inputs does not list {it}; "
            f"add {it} to the notebook's metadata"
        )
    return seconds


def refresh(root: Path, everything: bool = False, out=print) -> list[str]:
    """Re-execute the stale notebooks (or all) and update the manifest; return those executed."""
    root = Path(root)
    entries = load_manifest(root)
    names = notebooks(root)
    for gone in set(entries) - set(names):
        del entries[gone]
    executed = []
    for name in names:
        before = fingerprint(root, name)
        if everything:
            reasons = ["`make notebooks` re-runs every notebook"]
        else:
            reasons = stale_reasons(entries.get(name), before)
        if not reasons:
            continue
        out(f"{name}: re-executing ({'; '.join(reasons)})")
        try:
            seconds = run(root, name)
        except CellExecutionError as exc:
            raise FreshnessError(
                f"{name}: a cell raised {exc.ename}: {exc.evalue}; its stored outputs were kept "
                "(run it in JupyterLab to see the traceback)"
            ) from None
        after = nbformat.read(root / name, as_version=4)
        entries[name] = {**before, "outputs": outputs_hash(after)}
        write_manifest(root, entries)
        executed.append(name)
        out(f"{name}: executed in {seconds:.1f} s")
    if not executed:
        out(f"notebooks: all {len(names)} up to date ({MANIFEST})")
    write_manifest(root, entries)
    return executed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m recovery_science.tools.freshness",
        description="Re-execute the notebooks whose code, declared inputs, course package or "
                    f"requirements.lock changed since {MANIFEST} was written, and update it.",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--all", action="store_true", help="re-execute every notebook (make notebooks)")
    group.add_argument("--check", action="store_true", help="only report stale notebooks; exit 1 if any")
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository (default: the current folder)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        if args.check:
            stale = {n: r for n, r in check(root).items() if r}
            for name, reasons in stale.items():
                print(message(name, reasons))
            return 1 if stale else 0
        start = time.perf_counter()
        refresh(root, everything=args.all)
        print(f"notebooks: done in {time.perf_counter() - start:.1f} s")
        return 0
    except FreshnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
