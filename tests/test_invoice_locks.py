"""Every command that writes an engagement's pieces takes the engagement's turn.

A credit note, a payment or a reminder numbers or writes into the same folder and
register as a build of that engagement: while another process holds the
engagement's lock (a build writing its documents), the command waits for it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.build import build
from pipeline.invoicing.document import InvoiceKind
from pipeline.invoicing.ledger import Ledger
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, ROOT, TODAY

STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)  # « À émettre »: issued

# Another process: takes the lock, says so, holds it until told to let go.
HOLD = """
import sys, time
from pathlib import Path
from filelock import FileLock
lock, ready, release = FileLock(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
with lock:
    ready.touch()
    while not release.exists():
        time.sleep(0.05)
"""


def _credit_notes(workspace: Workspace) -> list[str]:
    return [
        r.number for r in Ledger.of(workspace).list_invoices() if r.kind is InvoiceKind.CREDIT_NOTE
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        # The credit note is made with its Factur-X PDF: LibreOffice, when it is installed.
        pytest.param(
            ["facture", "avoir", "{number}", "--motif", "Erreur de destinataire"],
            marks=pytest.mark.libreoffice,
        ),
        ["facture", "payée", "{number}"],
    ],
    ids=["avoir", "paiement"],
)
def test_a_command_on_an_issued_invoice_waits_for_the_engagement_held_elsewhere(
    workspace: Workspace, tmp_path: Path, command: list[str]
) -> None:
    issued = build(STOPPED, workspace, TODAY)
    number, reference = issued.invoice_number, issued.engagement.mission.reference
    assert number is not None
    ready, release = tmp_path / "ready", tmp_path / "release"
    lock = workspace.engagement_lock(reference).lock_file
    holder = subprocess.Popen([sys.executable, "-c", HOLD, lock, str(ready), str(release)])
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert time.monotonic() < deadline, "the holder never took the lock"
            time.sleep(0.05)
        args = [a.format(number=number) for a in command]
        waiting = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "-w", str(workspace.root), *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(3)
        assert waiting.poll() is None, waiting.communicate()  # still waiting for its turn
        assert _credit_notes(workspace) == []
        assert Ledger.of(workspace).get(number) is not None
        release.touch()
        out, err = waiting.communicate(timeout=180)
    finally:
        release.touch()
        holder.wait(timeout=30)
    assert waiting.returncode == 0, out + err
    if command[1] == "avoir":
        assert len(_credit_notes(workspace)) == 1
    else:
        assert "Paiement de" in out
