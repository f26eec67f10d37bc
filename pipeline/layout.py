"""Lay out: the rendered documents as LibreOffice paginates them, before they are written.

A page number is known only once a document is laid out, and amoor has no layout
engine of its own: LibreOffice, kept warm for the whole run (libreoffice.py),
opens each rendered ``.docx`` that holds a table of contents, updates its indexes
and tells the page of each entry; render/contents.py writes those numbers into
amoor's own document, which is what gets written and recorded (its digest, its base
for tracked updates). The PDF copies (``--pdf``) are made in the same visit.

Without LibreOffice, or with ``numeros_de_page = false`` in ``[documents]``, the
tables keep their heading texts without page numbers, and nothing is said: Word's
« Mettre à jour la table » adds them. A PDF copy that cannot be made is said.

Measured on the 2-core machine of docs/performance.md (LibreOffice 7.4, warm):
0.57 s to load, lay out and update a 22-page Cahier, 0.23 s for a 10-page Kit.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.errors import AmoorError
from pipeline.invoicing.billing import PdfService, Placed
from pipeline.render.contents import has_table_of_contents, number_entries


def lay_out(
    placed: list[Placed], pdf: PdfService | None, *, numbered: bool, with_pdf: bool
) -> tuple[list[Placed], tuple[str, ...]]:
    """``placed`` with the page numbers of each table of contents (``numbered``) and,
    ``with_pdf``, each ``.docx`` followed by its PDF unless it has one (an issued
    invoice: Factur-X); French notices for what could not be done."""
    names = {(item.folder, item.document.name) for item in placed}
    asked: dict[int, tuple[bool, bool]] = {}  # id(item) -> (page numbers, PDF)
    for item in placed:
        if not item.document.name.endswith(".docx"):
            continue
        pages = numbered and has_table_of_contents(item.document.data)
        wants_pdf = with_pdf and (item.folder, _pdf_name(item.document.name)) not in names
        if pages or wants_pdf:
            asked[id(item)] = (pages, wants_pdf)
    if not asked:
        return placed, ()
    wanted = [item for item in placed if id(item) in asked]
    try:
        laid_out = (
            pdf.lay_out([(item.document.data, asked[id(item)][1]) for item in wanted])
            if pdf is not None
            else None
        )
    except AmoorError as error:
        return placed, (f"{error} Les .docx sont prêts.",)
    if laid_out is None:
        if not with_pdf:
            return placed, ()  # heading texts without page numbers: nothing to say
        notice = pdf.export_notice if pdf is not None and pdf.export_notice else "PDF désactivé."
        return placed, (notice,)
    done = dict(zip(map(id, wanted), laid_out, strict=True))
    together = []
    for item in placed:
        result = done.get(id(item))
        if result is None:
            together.append(item)
            continue
        document = item.document
        if asked[id(item)][0]:
            document = replace(document, data=number_entries(document.data, result.contents))
        together.append(Placed(item.folder, document))
        if result.pdf is not None:
            copy = replace(
                document, name=_pdf_name(document.name), data=result.pdf, follows=document.name
            )
            together.append(Placed(item.folder, copy))
    return together, ()


def _pdf_name(docx_name: str) -> str:
    return docx_name.removesuffix(".docx") + ".pdf"
