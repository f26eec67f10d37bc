"""Atomic writes: readers see the old bytes or the new, never half of a file.

A temp file in the target's folder, written, fsynced, then ``os.replace``d
over the target. A writer killed half-way leaves its temp file, named after
its pid: :func:`remove_stale_temp_files` removes those whose writer is gone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)

# « .~amoor-<pid>-<random>.tmp »: a file being written; its writer's pid tells a leftover.
TEMP_PREFIX = ".~amoor-"


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new bytes only."""
    # Created like any file (the umask applies: shared deliverables stay readable),
    # exclusively, under a name no one else uses, in the target's folder.
    temp = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(8)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def remove_stale_temp_files(root: Path) -> int:
    """Remove the temp files that writers killed half-way left under ``root``; how many.

    A temp file is stale when the process that wrote it is gone (its pid is in
    its name), or when its name holds no pid (older versions of amoor). No
    clock is read: a file's age would compare the file system's time with ours.
    """
    import psutil

    removed = 0
    for folder, _, files in os.walk(root):
        for name in files:
            if not (name.startswith(TEMP_PREFIX) and name.endswith(".tmp")):
                continue
            path = Path(folder, name)
            writer = name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
            try:
                if not writer.isdigit() or not psutil.pid_exists(int(writer)):
                    path.unlink()
                    removed += 1
            except OSError:
                continue
    if removed:
        log.warning("removed %d stale temp file(s) under %s", removed, root)
    return removed
