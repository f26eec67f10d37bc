"""Prepared templates (pipeline/render/prepared.py) render what plain docxtpl renders.

The reference is what ``render_docx`` did before templates were prepared:
``DocxTemplate(path)``, ``render(context, jinja_env, autoescape=True)``, the
document dated, ``save()``, then ``stable_package``. The prepared renderer
must give the same package, byte for byte, but for one chosen difference: a
picture the render adds (an already compressed PNG) is stored, not deflated;
and render_docx then fills the table of contents (contents.py), which the
reference does on docxtpl's rendered document too.
Checked on every deliverable and invoice of every example workbook, and on a
template made here with loops, table rows, conditions, pictures (the
template's own and added ones, in the body and in a header), footers,
footnotes and core properties holding tags.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import jinja2
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docxtpl import DocxTemplate, Listing, RichText

from pipeline.analysis.overview import analyse
from pipeline.analysis.pricing import price_engagement
from pipeline.build import DELIVERABLES, Deliverable
from pipeline.config import load_config
from pipeline.errors import RenderError
from pipeline.installation import bundled
from pipeline.invoicing.billing import draft_invoice
from pipeline.render.contents import Outline, fill_table_of_contents
from pipeline.render.docx import Picture, _prepare, render_docx
from pipeline.render.invoice_context import invoice_context
from pipeline.render.package import midnight, stable_package, stored_entries
from pipeline.render.prepared import PreparedTemplate, prepared_template
from pipeline.workbook.reader import read_workbook
from pipeline.workbook.sniff import read_source
from tests.conftest import EXAMPLES, TODAY

FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def plain_docxtpl(template: Path, context: dict[str, Any], dated: date | None) -> bytes:
    """The reference: docxtpl alone, as render_docx used it before preparation."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters["multiline"] = lambda value: Listing(str(value))
    document = DocxTemplate(template)
    document.render(_prepare(context, document), jinja_env=env, autoescape=True)
    fill_table_of_contents(document.docx.element, Outline.of(document.docx.styles.element))
    properties = document.docx.core_properties
    if dated is not None:
        properties.created = properties.modified = midnight(dated)
    buffer = BytesIO()
    document.save(buffer)
    return stable_package(buffer.getvalue(), properties.modified)


def pictures_stored(package: bytes, template: Path) -> bytes:
    """``package`` with the pictures its template lacks stored rather than deflated."""
    own = set(zipfile.ZipFile(template).namelist())
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            added = info.filename.startswith("word/media/") and info.filename not in own
            target.writestr(info, source.read(info), zipfile.ZIP_STORED if added else None)
    return out.getvalue()


def expected(template: Path, context: dict[str, Any], dated: date | None = None) -> bytes:
    return pictures_stored(plain_docxtpl(template, context, dated), template)


def entries(package: bytes) -> list[tuple[str, bytes]]:
    """Every entry of a package, in order, with its content."""
    with zipfile.ZipFile(BytesIO(package)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG picture of one colour (8-bit RGB)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checked = kind + data
        return struct.pack(">I", len(data)) + checked + struct.pack(">I", zlib.crc32(checked))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# --- every deliverable and invoice of every example --------------------------------


def example_cases() -> list[tuple[str, Path, dict[str, Any], date | None]]:
    """(name, template, context, date) for every .docx an example workbook gives."""
    config = load_config(bundled("amoor.toml"))
    templates = bundled("templates_docx")
    cases: list[tuple[str, Path, dict[str, Any], date | None]] = []
    for workbook in EXAMPLES:
        engagement = read_workbook(read_source(workbook), workbook.name)
        analysis = analyse(engagement)
        for deliverable in DELIVERABLES[engagement.offer]:
            if isinstance(deliverable, Deliverable):
                context = deliverable.full_context(engagement, analysis, config, TODAY)
                name = f"{workbook.stem}: {deliverable.template}"
                cases.append((name, templates / deliverable.template, context, TODAY))
        offer = engagement.offer
        pricing = price_engagement(engagement, config.catalogue[offer], config.seller)
        draft = draft_invoice(engagement, pricing, config.seller, TODAY)
        for invoice in (draft, replace(draft, number="F-2026-0042")):
            context = invoice_context(invoice, demo=config.demo)
            name = f"{workbook.stem}: facture {invoice.number or 'proforma'}"
            cases.append((name, templates / "facture.docx", context, None))
    return cases


@pytest.fixture(scope="module")
def examples() -> list[tuple[str, Path, dict[str, Any], date | None]]:
    return example_cases()


@pytest.mark.slow
def test_every_example_deliverable_and_invoice_is_docxtpl_s_package(
    examples: list[tuple[str, Path, dict[str, Any], date | None]],
) -> None:
    assert len(examples) >= 3 * len(EXAMPLES)
    different = [
        name
        for name, template, context, dated in examples
        if render_docx(template, context, dated=dated) != expected(template, context, dated)
    ]
    assert different == []


@pytest.mark.slow
def test_the_examples_xml_parts_are_docxtpl_s(
    examples: list[tuple[str, Path, dict[str, Any], date | None]],
) -> None:
    """Said part by part: the same entries in the same order, the same XML."""
    for name, template, context, dated in examples:
        ours = entries(render_docx(template, context, dated=dated))
        theirs = entries(plain_docxtpl(template, context, dated))
        assert [n for n, _ in ours] == [n for n, _ in theirs], name
        for (part, mine), (_, reference) in zip(ours, theirs, strict=True):
            assert mine == reference, f"{name}: {part}"


def test_a_rendered_cahier_copies_the_template_s_parts_and_stores_its_charts(
    examples: list[tuple[str, Path, dict[str, Any], date | None]],
) -> None:
    name, template, context, dated = next(c for c in examples if "cahier_des_charges" in c[0])
    rendered = render_docx(template, context, dated=dated)
    ours, source = stored_entries(rendered), stored_entries(template.read_bytes())
    for part in ("word/styles.xml", "word/theme/theme1.xml", "word/media/image1.png"):
        assert ours[part] == source[part], part
    with zipfile.ZipFile(BytesIO(rendered)) as archive:
        added = [i for i in archive.infolist() if i.filename not in source]
    charts = [i for i in added if i.filename.startswith("word/media/")]
    assert len(charts) >= 2, name
    assert all(chart.compress_type == zipfile.ZIP_STORED for chart in charts)
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in added if i not in charts)


# --- a template made here --------------------------------------------------------------

LOGO = png(40, 20, (200, 30, 30))


def make_template(path: Path, *, version: str = "1") -> Path:
    """A template with loops, a table row loop, conditions, pictures, header, footer,
    footnotes and core properties holding tags."""
    document = docx.Document()
    properties = document.core_properties
    properties.title = "Rapport {{ titre }}"
    properties.subject = "Pour {{ ville }}"
    properties.author = "{{ auteur }}"
    properties.comments = "{% if confidentiel %}Confidentiel{% else %}Public{% endif %}"
    section = document.sections[0]
    section.header.paragraphs[0].text = "En-tête {{ titre }} {{ logo_en_tete }}"
    footer = "Pied de page {{ ville }}{% if confidentiel %} — confidentiel{% endif %}"
    section.footer.paragraphs[0].text = footer
    document.add_picture(BytesIO(LOGO))  # the template's own picture
    document.add_paragraph(f"Version {version} pour {{{{ ville }}}} & {{{{ auteur }}}}")
    document.add_paragraph("{%p for point in points %}")
    document.add_paragraph("{{ loop.index }}. {{ point }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p if confidentiel %}")
    document.add_paragraph("Détail : {{ detail|multiline }}")
    document.add_paragraph("{%p else %}")
    document.add_paragraph("Rien de confidentiel.")
    document.add_paragraph("{%p endif %}")
    table = document.add_table(rows=4, cols=2)
    for row, texts in zip(
        table.rows,
        [
            ("Nom", "Valeur"),
            ("{%tr for ligne in lignes %}", ""),
            ("{{ ligne.nom }}", "{% if ligne.valeur %}{{ ligne.valeur }}{% else %}—{% endif %}"),
            ("{%tr endfor %}", ""),
        ],
        strict=True,
    ):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    document.add_paragraph("{{ graphique }}")
    document.add_paragraph("{{ second_graphique }} et {{r riche }}")
    part = document.part
    footnotes = Part(
        PackURI("/word/footnotes.xml"),
        FOOTNOTES,
        (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
            '<w:footnote w:id="1"><w:p><w:r><w:t>Note : {{ note }}</w:t></w:r></w:p></w:footnote>'
            "</w:footnotes>"
        ).encode(),
        part.package,
    )
    part.relate_to(footnotes, RT.FOOTNOTES)
    document.save(path)
    return path


def context(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "titre": "d'étape",
        "ville": "Saint-Aubin < Brumes",
        "auteur": "amoor SAS",
        "confidentiel": True,
        "points": ["Premier : l'atelier", "Deuxième ; la restitution", "Troisième"],
        "detail": "Ligne une\nLigne deux\tavec tabulation",
        "lignes": [{"nom": "Budget", "valeur": "5 000 €"}, {"nom": "Durée", "valeur": ""}],
        "logo_en_tete": Picture(png(30, 10, (20, 90, 200)), 1.5, "Logo de la commune"),
        "graphique": Picture(png(120, 80, (10, 160, 60)), 8.0, "Carte des parties prenantes"),
        "second_graphique": Picture(LOGO, 3.0, "Le logo, déjà dans le modèle"),
        "riche": RichText("en gras", bold=True),
        "note": "une note de bas de page",
    }
    return values | changes


@pytest.fixture
def template(tmp_path: Path) -> Path:
    return make_template(tmp_path / "modele.docx")


def test_a_template_with_loops_tables_pictures_headers_footers_is_docxtpl_s(
    template: Path,
) -> None:
    for values in (context(), context(confidentiel=False, points=[], lignes=[])):
        assert render_docx(template, values, dated=TODAY) == expected(template, values, TODAY)
        assert render_docx(template, values) == expected(template, values)
    rendered = dict(entries(render_docx(template, context())))
    body = rendered["word/document.xml"].decode()
    assert "Saint-Aubin &lt; Brumes &amp; amoor SAS" in body  # autoescape
    assert "3. Troisième" in body and "Ligne deux" in body and "Durée" in body
    assert 'descr="Carte des parties prenantes"' in body
    assert "{{" not in body and "{%" not in body
    assert b"Logo de la commune" in rendered["word/header1.xml"]
    assert b"une note de bas de page" in rendered["word/footnotes.xml"]
    assert b"Rapport d\xe2\x80\x99\xc3\xa9tape" in rendered["docProps/core.xml"]  # spaced
    # The logo given again is the template's own picture: no second copy.
    assert sum(name.startswith("word/media/") for name in rendered) == 3


def test_one_preparation_renders_many_times_the_same_way(template: Path) -> None:
    prepared = PreparedTemplate(template.read_bytes())

    def render(values: dict[str, Any]) -> bytes:
        document = prepared.start()
        document.render(_prepare(values, document), jinja_env=prepared.environment, autoescape=True)
        return bytes(document.package())

    first = render(context())
    other = render(context(ville="Val-de-Brume", confidentiel=False))
    assert render(context()) == first != other
    assert first == expected(template, context())
    assert prepared.environment.compiled_at_render == 0  # compiled once, when prepared
    document = prepared.start()
    document.render(_prepare(context(), document), jinja_env=prepared.environment)
    saved = BytesIO()
    document.save(saved)  # docxtpl's way of asking for the package
    assert saved.getvalue() == first
    with pytest.raises(RuntimeError, match="renders once"):
        document.render(_prepare(context(), document), jinja_env=prepared.environment)


def test_a_template_changed_on_disk_is_prepared_again(template: Path, tmp_path: Path) -> None:
    first = prepared_template(template)
    assert prepared_template(template) is first
    assert b"Version 1" in dict(entries(render_docx(template, context())))["word/document.xml"]
    make_template(template, version="2")
    assert prepared_template(template) is not first
    body = dict(entries(render_docx(template, context())))["word/document.xml"]
    assert b"Version 2" in body and b"Version 1" not in body
    # The same bytes under another name: the same preparation.
    copy = tmp_path / "copie.docx"
    copy.write_bytes(template.read_bytes())
    assert prepared_template(copy) is prepared_template(template)


class Unseekable:
    """A file that can only be written: zipfile then follows each entry by a data
    descriptor (its sizes and CRC after the data), as streaming writers do."""

    def __init__(self) -> None:
        self.written = BytesIO()

    def write(self, data: bytes) -> int:
        return self.written.write(data)

    def flush(self) -> None:
        pass


def test_unchanged_parts_are_copied_as_stored_not_deflated_again(
    template: Path, tmp_path: Path
) -> None:
    """A template deflated at level 1, entries followed by data descriptors, keeps its
    level-1 bytes for the parts no render changes."""
    stream = Unseekable()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(stream, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info), zipfile.ZIP_DEFLATED, compresslevel=1)
    fast = tmp_path / "niveau-1.docx"
    fast.write_bytes(stream.written.getvalue())
    with zipfile.ZipFile(fast) as archive:
        assert all(info.flag_bits & 0x08 for info in archive.infolist())  # data descriptors
    theirs = stored_entries(fast.read_bytes())
    ours = stored_entries(render_docx(fast, context(), dated=TODAY))
    default = stored_entries(render_docx(template, context(), dated=TODAY))
    for part in ("word/styles.xml", "word/settings.xml", "word/theme/theme1.xml"):
        assert ours[part] == theirs[part], part
        assert ours[part].deflated != default[part].deflated, part  # truly level 1's bytes
    assert entries(render_docx(fast, context())) == entries(render_docx(template, context()))
    with zipfile.ZipFile(BytesIO(render_docx(fast, context()))) as archive:
        assert archive.testzip() is None


def test_unknown_data_and_malformed_tags_are_french_errors(tmp_path: Path) -> None:
    template = make_template(tmp_path / "modele.docx")
    values = context()
    del values["ville"]
    with pytest.raises(RenderError, match=r"utilise une donnée inconnue.*ville"):
        render_docx(template, values)
    broken = docx.Document()
    broken.add_paragraph("Bonjour {{ nom }")
    broken.save(tmp_path / "casse.docx")
    with pytest.raises(RenderError, match="contient une balise mal formée"):
        render_docx(tmp_path / "casse.docx", {"nom": "x"})
    (tmp_path / "pas-un-docx.docx").write_bytes(b"PK\x03\x04 pas un document")
    with pytest.raises(RenderError, match="est illisible"):
        render_docx(tmp_path / "pas-un-docx.docx", {})
