"""The LibreOffice processes amoor starts: how they are told ready, how they end.

``Instance`` is one running ``soffice --headless``: its launcher and
``soffice.bin`` form one process group (started with ``start_new_session``),
ended together.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Instance:
    """The running LibreOffice: its process, the pipe it listens on, the document it keeps open."""

    process: subprocess.Popen[bytes]
    pipe: str
    keep_open: Path

    @property
    def _lock_file(self) -> Path:
        return self.keep_open.with_name(f".~lock.{self.keep_open.name}#")

    def _pipe_files(self) -> list[Path]:
        getuid = getattr(os, "getuid", None)  # POSIX: /tmp/OSL_PIPE_<uid>_<name>
        if getuid is None:
            return []
        return [Path(folder, f"OSL_PIPE_{getuid()}_{self.pipe}") for folder in ("/tmp", "/var/tmp")]

    def ready(self) -> bool:
        """The kept-open document is loaded (LibreOffice locked it), or the pipe listens.

        Both names are new at each start, so a leftover of a killed instance
        never passes for a ready one.
        """
        return self._lock_file.exists() or any(path.exists() for path in self._pipe_files())

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """End LibreOffice (its launcher and soffice.bin, one process group)."""
        process = self.process
        if process.poll() is None:
            signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                signal_group(process, signal.SIGKILL)
                process.wait(timeout=10)
        for path in (*self._pipe_files(), self._lock_file, self.keep_open):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    killpg = getattr(os, "killpg", None)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if killpg is not None:
            killpg(process.pid, signum)  # the group of our own child, started with setsid
        else:  # Windows
            process.kill()
