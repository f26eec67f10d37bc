"""The Python that drives LibreOffice through UNO, for the deliverables' PDFs.

The amoor virtualenv never imports ``uno`` (Debian's module is built for
Debian's Python only): ``uno_export.py`` runs under a Python that can, found
here — LibreOffice's own on Windows and macOS, the system's with Debian's
``python3-uno``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path


def find_uno_python(soffice: str) -> str | None:
    """A Python interpreter that can ``import uno`` for this LibreOffice, or None.

    LibreOffice's own first (Windows: ``program/python.exe``; macOS:
    ``Contents/Resources/python``), then the system's (Debian: ``python3-uno``).
    """
    program = Path(soffice).resolve().parent
    candidates: list[Path] = [
        program / "python.exe",
        program / "python",
        program.parent / "Resources" / "python",
    ]
    on_path = shutil.which("python3")
    if on_path:
        candidates.append(Path(on_path))
    candidates += [Path(sys.base_prefix) / "bin" / "python3", Path("/usr/bin/python3")]
    seen: set[Path] = set()
    for candidate in candidates:
        if candidate in seen or not candidate.is_file():
            continue
        seen.add(candidate)
        if _imports_uno(str(candidate)):
            return str(candidate)
    return None


@cache
def _imports_uno(python: str) -> bool:
    try:
        done = subprocess.run(
            [python, "-c", "import uno"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
            env=clean_environment(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def clean_environment() -> dict[str, str]:
    """Our environment without what would make another Python load our packages."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH")}
