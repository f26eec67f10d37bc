"""French typography, in the data and in the templates' own text."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from pipeline.formats import long_date
from pipeline.text import french_spacing

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates_docx").glob("*.docx"))
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("l'atelier d'aujourd'hui", "l’atelier d’aujourd’hui"),
        ("Objet : la place", f"Objet{NBSP}: la place"),
        ("Vraiment ? Oui ! Bien ; merci", f"Vraiment{NNBSP}? Oui{NNBSP}! Bien{NNBSP}; merci"),
        ("« Bonjour »", f"«{NBSP}Bonjour{NBSP}»"),
        ("«Bonjour»", f"«{NBSP}Bonjour{NBSP}»"),  # the missing spaces are added
        ("50 % et 3 000 €", f"50{NNBSP}% et 3{NNBSP}000{NBSP}€"),
        ("10:30, https://example.org", "10:30, https://example.org"),  # no space typed: as is
        ("o'brien@example.org", "o'brien@example.org"),
        ("31 000 habitants, 1 200 000 €", f"31{NNBSP}000 habitants, 1{NNBSP}200{NNBSP}000{NBSP}€"),
        ("en 2026 100 personnes", "en 2026 100 personnes"),  # not one figure
        ("arrêté n° 87", f"arrêté n°{NBSP}87"),  # an e-mail address stays usable
        ("'cité' et l' ", "'cité' et l' "),  # a quote is not an elision
    ],
)
def test_french_spacing(typed: str, printed: str) -> None:
    assert french_spacing(typed) == printed


def test_french_spacing_is_idempotent() -> None:
    text = "« l'enjeu » : 40 % ; 1 200 € !"
    assert french_spacing(french_spacing(text)) == french_spacing(text)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 12, 1), "1er décembre 2026"),
        (date(2026, 12, 11), "11 décembre 2026"),
        (date(2027, 1, 21), "21 janvier 2027"),
    ],
)
def test_the_first_of_the_month_is_written_1er(day: date, text: str) -> None:
    assert long_date(day) == text


def _template_text(template: Path) -> str:
    """The literal text of a template (document, headers, footers), tags removed."""
    with zipfile.ZipFile(template) as archive:
        parts = [
            n
            for n in archive.namelist()
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", n)
        ]
        xml = "".join(archive.read(n).decode("utf-8") for n in parts)
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    texts = ["".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs]
    return "\n".join(re.sub(r"\{[{%#].*?[}%#]\}", "X", t) for t in texts)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_the_templates_own_text_is_french_typography(template: Path) -> None:
    text = _template_text(template).replace("&apos;", "'")
    assert not re.search(r"[^\W\d_]'[^\W\d_]", text), "typewriter apostrophe in the template"
    assert not re.search(r" [:;?!»]", text), "breaking space before : ; ? ! or »"
    assert not re.search(r"« ", text), "breaking space after «"
