"""Record which files a kernel reads, so a notebook cannot read an input it does not declare.

``make book`` starts each notebook's kernel with ``install(log, root)`` (IPython ``exec_lines``,
which runs before the first cell and does not count as an execution). An audit hook
(:pep:`578`) then appends the absolute path of every file opened for reading under ``root`` to
``log``, one per line. Kept free of heavy imports: it runs in every kernel that ``make book``
starts.
"""

from __future__ import annotations

import os
import sys

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _is_read(mode, flags) -> bool:
    if isinstance(mode, str):
        return not any(c in mode for c in "wax+")
    return isinstance(flags, int) and not flags & _WRITE_FLAGS


def install(log_path: str, root: str) -> None:
    root = os.path.realpath(root) + os.sep
    log = open(log_path, "a", encoding="utf-8")  # opened before the hook exists: no recursion

    def hook(event: str, args: tuple) -> None:
        if event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
            return
        mode = args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 else None
        if not _is_read(mode, flags):
            return
        path = os.path.realpath(os.fsdecode(args[0]))
        if path.startswith(root):
            log.write(path + "\n")
            log.flush()

    sys.addaudithook(hook)
