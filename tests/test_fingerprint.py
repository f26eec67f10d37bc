"""Every example's outputs, byte for byte, as recorded (tools/fingerprint.py).

A change of structure must leave them identical; a change meant to alter a
document refreshes the record (``python tools/fingerprint.py >
tests/data/fingerprints.json``) and the diff shows which outputs moved.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA
from tools.fingerprint import fingerprint


@pytest.mark.slow
def test_every_example_output_is_the_recorded_bytes() -> None:
    recorded = json.loads((DATA / "fingerprints.json").read_text(encoding="utf-8"))
    made = fingerprint()
    assert sorted(made) == sorted(recorded)
    changed = [name for name in made if made[name] != recorded[name]]
    assert changed == [], f"sorties changées : {changed}"
