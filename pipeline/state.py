"""What amoor keeps of its own under a workspace's ``.amoor/``: every path, named once.

::

    .amoor/
    ├── factures.sqlite3      the invoice register (invoicing/ledger.py)
    ├── depot.sqlite3         the drop folder's memory of what it processed (watch/processed.py)
    ├── depot.log             the drop folder's journal, in French (cli/watching.py)
    ├── amoor.log             the developers' log, in English (cli/app.py, rebuild_worker.py)
    ├── watch.lock, watch.pid one watcher per workspace (watch/watcher.py)
    ├── locks/<référence>.lock one process at a time per engagement (Workspace.engagement_lock)
    ├── bases/<sha256>.z      what amoor last wrote, for tracked updates (tracked/bases.py)
    ├── charts/<key>.png      the charts drawn, by their inputs (render/chart_cache.py)
    ├── modeles/              templates with the firm's logo (render/logo.firm_template)
    └── libreoffice/<n>/      LibreOffice profiles, one per running process (office_processes.py)

The modules named take their paths from here and nowhere else; a new file under
``.amoor/`` is a property of :class:`State` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

STATE_FOLDER = ".amoor"
_LOG = "amoor.log"
# The developers' log as French messages name it (« le détail est dans … »).
LOG_SHOWN = f"{STATE_FOLDER}/{_LOG}"


@dataclass(frozen=True)
class State:
    """The ``.amoor/`` folder of one workspace (``root``) and every path in it."""

    root: Path

    @classmethod
    def of(cls, workspace_root: Path) -> State:
        return cls(workspace_root / STATE_FOLDER)

    @property
    def ledger(self) -> Path:
        """The invoice register (SQLite)."""
        return self.root / "factures.sqlite3"

    @property
    def depot(self) -> Path:
        """The drop folder's memory of the files it processed (SQLite)."""
        return self.root / "depot.sqlite3"

    @property
    def depot_log(self) -> Path:
        """The drop folder's journal, one French line per event."""
        return self.root / "depot.log"

    @property
    def log(self) -> Path:
        """The developers' log (English, third-party warnings included)."""
        return self.root / _LOG

    @property
    def watch_lock(self) -> Path:
        """Held by the one watcher of the workspace."""
        return self.root / "watch.lock"

    @property
    def watch_pid(self) -> Path:
        """The running watcher's process id."""
        return self.root / "watch.pid"

    @property
    def locks(self) -> Path:
        """The engagements' locks, one file per Référence."""
        return self.root / "locks"

    @property
    def bases(self) -> Path:
        """What amoor last wrote for each deliverable, by digest (tracked/bases.py)."""
        return self.root / "bases"

    @property
    def charts(self) -> Path:
        """The charts drawn, by the hash of their inputs (render/chart_cache.py)."""
        return self.root / "charts"

    @property
    def templates(self) -> Path:
        """The templates as this firm renders them (its logo in place of amoor's)."""
        return self.root / "modeles"

    @property
    def libreoffice(self) -> Path:
        """LibreOffice profiles, one per running process, kept between runs."""
        return self.root / "libreoffice"
