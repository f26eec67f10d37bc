"""French identifiers' check digits: a SIREN or SIRET is Luhn-valid (INSEE)."""

from __future__ import annotations


def luhn_ok(digits: str) -> bool:
    """Whether the string of digits ``digits`` passes the Luhn check."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0
