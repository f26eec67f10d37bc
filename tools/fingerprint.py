"""The fingerprint of what amoor makes of its examples: one sha256 per output.

Every bundled example is built, on a fixed day, into a fresh workspace whose seller
is the tests' fictitious firm (so the example « À émettre » is issued), without
LibreOffice (no page numbers, no PDF: what LibreOffice does is not amoor's bytes).
The fingerprint lists the sha256 of every ``.docx`` and ``.xlsx`` written and of
the Factur-X XML of every issued invoice (made from the register, as amoor makes it).

A restructuring that must not change behaviour (issue 21) is checked by comparing
the fingerprint before and after: ``tests/test_fingerprint.py`` compares with
``tests/data/fingerprints.json``; when an output is meant to change, refresh it::

    python tools/fingerprint.py > tests/data/fingerprints.json
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY = date(2026, 11, 25)


def fingerprint(day: date = DAY) -> dict[str, str]:
    """``{output: sha256}`` of every example's outputs, built on ``day``."""
    from pipeline.build import build
    from pipeline.config import set_seller
    from pipeline.invoicing.facturx import invoice_xml
    from pipeline.invoicing.ledger import Ledger
    from pipeline.workspace import Workspace, init_workspace
    from tests.conftest import EXAMPLES, TEST_FIRM

    with tempfile.TemporaryDirectory(prefix="amoor-fingerprint-") as temp:
        workspace = init_workspace(Path(temp) / "espace")
        set_seller(workspace.config_path, TEST_FIRM)
        workspace = Workspace.open(workspace.root)
        for example in EXAMPLES:
            build(example, workspace, day)
        sources = {p.name for p in EXAMPLES}
        outputs = {
            path.relative_to(workspace.outbox).as_posix(): path.read_bytes()
            for path in sorted(workspace.outbox.rglob("*"))
            if path.suffix in (".docx", ".xlsx") and path.name not in sources
        }
        for record in Ledger.of(workspace).list_invoices():
            outputs[f"{record.number} (Factur-X).xml"] = invoice_xml(record.invoice)
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(outputs.items())}


if __name__ == "__main__":
    json.dump(fingerprint(), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
