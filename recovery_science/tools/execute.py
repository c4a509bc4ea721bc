"""Execute notebooks top to bottom and store their outputs in place.

``make book`` and ``make notebooks`` call this through ``recovery_science.tools.freshness``,
which also keeps ``notebooks/manifest.json``; ``python -m recovery_science.tools.execute NB...``
only executes.

Each notebook runs in a fresh ``python3`` kernel with its own folder as the working directory,
exactly as strict nbval runs it, so the stored outputs are what nbval will compare against.
After the run:

- widget state is dropped (nbclient needs it during the run to route Output-widget messages);
- widget views (``application/vnd.jupyter.widget-view+json``) are dropped from every output:
  they cannot work without a kernel, and their random model ids would change the file on every
  run. nbval does not compare that mimetype, so strict nbval passes with or without it. The book
  renders each output's ``text/html`` and a live kernel displays the widget again.

The kernel gets CurveZMQ transport encryption (its kernelspec supports it; without it ipykernel
warns once per notebook) and ``PYDEVD_DISABLE_FILE_VALIDATION=1`` (the debugger's
frozen-modules warning on some Pythons).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widget_views(nb) -> None:
    """Remove widget views and widget state from a notebook (in place)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        for out in cell.outputs:
            if "data" in out:
                out["data"].pop(WIDGET_VIEW, None)
        cell.outputs = [o for o in cell.outputs if "data" not in o or o["data"]]


def _client(nb, path: Path, timeout: int, read_log: Path | None, root: Path | None) -> NotebookClient:
    extra = []
    if read_log is not None:
        code = (
            "import recovery_science.tools.readlog as _rs_readlog; "
            f"_rs_readlog.install({str(read_log)!r}, {str(root)!r}); del _rs_readlog"
        )
        extra.append(f"--IPKernelApp.exec_lines={code}")
    encrypt = "auto"
    try:
        import zmq

        if not zmq.has("curve"):
            encrypt = "disabled"
    except ImportError:  # pragma: no cover
        encrypt = "disabled"
    return NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True, record_timing=False, extra_arguments=extra,
        config=Config({"KernelManager": {"transport_encryption": encrypt}}),
    )


def execute(path: Path, timeout: int = 120, read_log: Path | None = None, root: Path | None = None) -> float:
    """Run ``path`` in a fresh kernel and store its outputs; return the seconds it took.

    With ``read_log`` (and ``root``), the kernel appends to ``read_log`` every file under
    ``root`` it opens for reading (see ``recovery_science.tools.readlog``), and imports the
    course package from ``root`` (``PYTHONPATH``). The notebook file
    is only written when every cell ran without error.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = _client(nb, path, timeout, read_log, root)
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    if root is not None:  # the kernel imports the package of the repository being executed
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    client.execute(env=env)
    elapsed = time.perf_counter() - start
    strip_widget_views(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    for name in argv:
        seconds = execute(Path(name))
        print(f"{name}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
