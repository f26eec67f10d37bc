"""The three-way update on small Word documents made with python-docx (pipeline/tracked)."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from docx.document import Document as WordDocument
from lxml import etree

from pipeline.tracked.merge import Update, update
from pipeline.tracked.package import TrackingError
from pipeline.tracked.review import accept_all, paragraphs_text, reject_all
from pipeline.tracked.units import W, visible_text, w

DAY = date(2026, 11, 25)


def document(*paragraphs: str, table: list[list[str]] | None = None) -> WordDocument:
    made = docx.Document()
    for text in paragraphs:
        made.add_paragraph(text)
    if table is not None:
        grid = made.add_table(rows=0, cols=len(table[0]))
        for row in table:
            cells = grid.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
    return made


def data(made: WordDocument) -> bytes:
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


def opened(result: Update) -> WordDocument:
    return docx.Document(io.BytesIO(result.data))


def accepted(result: Update) -> list[str]:
    return paragraphs_text(accept_all(opened(result).element))


def rejected(result: Update) -> list[str]:
    return paragraphs_text(reject_all(opened(result).element))


def texts(made: WordDocument) -> list[str]:
    return paragraphs_text(data_root(made))


def data_root(made: WordDocument) -> etree._Element:
    return docx.Document(io.BytesIO(data(made))).element


def comments(result: Update) -> list[str]:
    return [c.text for c in opened(result).comments]


def test_words_changed_in_a_paragraph_left_alone_are_revisions_inside_it() -> None:
    base = document("Parties prenantes recensées : 35.", "Fin.")
    new = document("Parties prenantes recensées : 36.", "Fin.")
    edited = document("Parties prenantes recensées : 35.", "Fin.", "Ajout de la consultante.")
    result = update(data(base), data(edited), data(new), DAY)
    assert (result.changes, result.conflicts, result.not_carried) == (1, 0, ())
    xml = opened(result).element
    assert [visible_text(d) for d in xml.iter(w("del"))] == [""]  # w:delText, not w:t
    assert [t.text for t in xml.iter(w("delText"))] == ["35"]
    assert [visible_text(i) for i in xml.iter(w("ins"))] == ["36"]
    assert accepted(result) == [
        "Parties prenantes recensées : 36.",
        "Fin.",
        "Ajout de la consultante.",
    ]
    assert rejected(result) == texts(edited)


def test_the_consultants_formatting_is_kept_and_new_words_take_it_too() -> None:
    """Inserted words take the formatting of the words they replace (a 9 pt cell stays
    9 pt): the new version's uniform look is the template's, the consultant's is theirs."""
    base = document("Le scénario S2 est recommandé.")
    new = document("Le scénario S4 est retenu.")
    edited = document("Le scénario S2 est recommandé.")
    edited.paragraphs[0].runs[0].bold = True  # the consultant made it bold, no text changed
    new.paragraphs[0].runs[0].italic = True
    result = update(data(base), data(edited), data(new), DAY)
    root = opened(result).element
    kept = [r for r in root.iter(w("r")) if r.getparent().tag == w("p")]
    assert kept and all(r.find(f"{w('rPr')}/{w('b')}") is not None for r in kept)
    inserted = [r for i in root.iter(w("ins")) for r in i.iter(w("r"))]
    assert [visible_text(r) for r in inserted] == ["S4", "retenu"]
    assert all(r.find(f"{w('rPr')}/{w('b')}") is not None for r in inserted)
    assert all(r.find(f"{w('rPr')}/{w('i')}") is None for r in inserted)


def test_a_word_the_new_version_sets_apart_keeps_its_own_formatting() -> None:
    base = document("Le scénario S2 est recommandé.")
    edited = document("Le scénario S2 est recommandé.")
    new = docx.Document()
    paragraph = new.add_paragraph("Le scénario ")
    paragraph.add_run("S4").bold = True
    paragraph.add_run(" est recommandé.")
    result = update(data(base), data(edited), data(new), DAY)
    inserted = [r for i in opened(result).element.iter(w("ins")) for r in i.iter(w("r"))]
    assert [visible_text(r) for r in inserted] == ["S4"]
    assert inserted[0].find(f"{w('rPr')}/{w('b')}") is not None


def test_rows_added_and_removed_by_the_update_keep_the_row_the_consultant_removed() -> None:
    table = [["N°", "Nom"], ["1", "Mme Lemercier"], ["2", "M. Morvan"], ["3", "Mme Ferhat"]]
    base = document("Registre", table=table)
    new = document("Registre", table=[*table[:2], table[3], ["4", "Collectif ambulant"]])
    edited = document("Registre", table=[table[0], table[1], table[2]])  # Ferhat removed
    result = update(data(base), data(edited), data(new), DAY)
    text = accepted(result)
    assert "Collectif ambulant" in text  # added by the update
    assert "M. Morvan" not in text  # removed by the update
    assert "Mme Ferhat" not in text  # removed by the consultant, and the update agreed
    assert rejected(result) == texts(edited)
    root = opened(result).element
    marks = [m.getparent().getparent() for m in root.iter(w("ins"), w("del"))]
    rows = [m for m in marks if m.tag == w("tr")]
    assert len(rows) == 2  # one row inserted, one deleted, as rows (w:trPr)


def test_a_row_both_sides_changed_keeps_the_consultants_and_the_update_in_a_comment() -> None:
    table = [["N°", "Nom", "Niveau"], ["1", "Mme Lemercier", "Consulter"]]
    base = document("Registre", table=table)
    new = document("Registre", table=[table[0], ["1", "Mme Lemercier", "Co-décider"]])
    edited = document("Registre", table=[table[0], ["1", "Mme Lemercier", "Informer"]])
    result = update(data(base), data(edited), data(new), DAY)
    assert result.conflicts == 1
    # Accepting everything still says one thing: the consultant's; the update is in the comment.
    assert accepted(result) == texts(edited)
    assert rejected(result) == texts(edited)
    (said,) = comments(result)
    assert "« Consulter »" in said and "« Co-décider »" in said


def test_what_the_consultant_deleted_stays_deleted_and_a_comment_says_what_changed() -> None:
    base = document("Premier.", "Le budget est de 420 000 € HT.", "Dernier.")
    new = document("Premier.", "Le budget est de 450 000 € HT.", "Dernier.")
    edited = document("Premier.", "Dernier.")
    result = update(data(base), data(edited), data(new), DAY)
    assert result.conflicts == 1 and result.changes == 0
    assert accepted(result) == ["Premier.", "Dernier."]
    (said,) = comments(result)
    assert "Vous aviez supprimé « Le budget est de 420 000 € HT. »" in said
    assert "450 000" in said


def test_what_the_update_deletes_but_the_consultant_changed_stays_with_a_comment() -> None:
    base = document("Premier.", "Atelier enfants pendant les ateliers adultes.", "Dernier.")
    new = document("Premier.", "Dernier.")
    edited = document(
        "Premier.", "Atelier enfants pendant les ateliers adultes, au centre.", "Dernier."
    )
    result = update(data(base), data(edited), data(new), DAY)
    assert result.conflicts == 1
    assert accepted(result) == texts(edited) == rejected(result)
    (said,) = comments(result)
    assert "La mise à jour supprime ce passage" in said


def test_a_change_the_consultant_made_too_is_not_repeated() -> None:
    base = document("Date : 25 novembre 2026.")
    new = document("Date : 30 novembre 2026.")
    edited = document("Date : 30 novembre 2026.")
    result = update(data(base), data(edited), data(new), DAY)
    assert (result.changes, result.conflicts) == (0, 0)


def test_a_new_paragraph_style_is_a_tracked_formatting_change() -> None:
    base = document("Recommandation")
    new = document("Recommandation")
    new.paragraphs[0].style = new.styles["Heading 2"]
    edited = document("Recommandation")
    result = update(data(base), data(edited), data(new), DAY)
    assert result.changes == 1
    root = opened(result).element
    (change,) = root.iter(w("pPrChange"))
    assert change.get(w("author")) == "amoor"
    assert opened(result).paragraphs[0].style.name == "Heading 2"
    back = reject_all(root)
    style = back.find(f".//{w('pStyle')}")
    assert style is None or style.get(w("val")) != "Heading2"


def test_the_consultants_own_revisions_stay_theirs() -> None:
    base = document("Un.", "Deux.")
    new = document("Un.", "Deux, modifié.")
    edited = document("Un.", "Deux.")
    paragraph = edited.paragraphs[0]._p
    theirs = etree.SubElement(paragraph, w("ins"))
    theirs.set(w("id"), "1")
    theirs.set(w("author"), "Inès Roussel")
    run = etree.SubElement(theirs, w("r"))
    etree.SubElement(run, w("t")).text = " Ajout suivi."
    result = update(data(base), data(edited), data(new), DAY)
    root = opened(result).element
    authors = [m.get(w("author")) for m in root.iter(w("ins"), w("del"))]
    assert "Inès Roussel" in authors and "amoor" in authors
    ids = [m.get(w("id")) for m in root.iter(w("ins"), w("del"))]
    assert len(ids) == len(set(ids))
    assert paragraphs_text(reject_all(root, "amoor")) == texts(edited)


def test_a_changed_header_is_listed_as_not_carried() -> None:
    base, new, edited = document("Texte."), document("Texte."), document("Texte.")
    new.sections[0].header.paragraphs[0].text = "Nouvel en-tête"
    new.add_paragraph("Ajout.")
    result = update(data(base), data(edited), data(new), DAY)
    assert any(item.startswith("Les en-têtes ont changé") for item in result.not_carried)
    assert accepted(result) == ["Texte.", "Ajout."]


def test_a_document_that_is_not_word_is_refused_in_french() -> None:
    base = data(document("Texte."))
    with pytest.raises(TrackingError, match="le document modifié ne s'ouvre pas"):
        update(base, b"pas un docx", base, DAY)


def _tracked(paragraph: etree._Element, tag: str, text: str, author: str, number: int) -> None:
    """A revision of ``author`` appended to ``paragraph``: inserted or deleted text."""
    mark = etree.SubElement(paragraph, w(tag))
    mark.set(w("id"), str(number))
    mark.set(w("author"), author)
    mark.set(w("date"), "2026-11-20T10:00:00Z")
    run = etree.SubElement(mark, w("r"))
    etree.SubElement(run, w("delText" if tag == "del" else "t")).text = text


def test_the_consultants_pending_deletion_does_not_stop_the_update() -> None:
    """Their tracked deletion is text to everyone's check but their own: the update
    rejects only its revisions and compares with their document read as it is."""
    base = document("Un.", "Deux.", "Trois : 35.")
    new = document("Un.", "Deux.", "Trois : 36.")
    edited = document("Un.", "Deux.", "Trois : 35.")
    _tracked(edited.paragraphs[1]._p, "del", " Phrase retirée par la cliente.", "Claire Martin", 7)
    result = update(data(base), data(edited), data(new), DAY)
    assert (result.changes, result.conflicts) == (1, 0)
    root = opened(result).element
    (theirs,) = [m for m in root.iter(w("del")) if m.get(w("author")) == "Claire Martin"]
    assert theirs.get(w("date")) == "2026-11-20T10:00:00Z"
    assert [t.text for t in theirs.iter(w("delText"))] == [" Phrase retirée par la cliente."]
    assert accepted(result) == ["Un.", "Deux.", "Trois : 36."]
    everything_rejected = paragraphs_text(reject_all(root))
    assert everything_rejected == ["Un.", "Deux. Phrase retirée par la cliente.", "Trois : 35."]


def test_a_passage_under_the_consultants_review_is_a_conflict_not_rewritten() -> None:
    base = document("Parties prenantes recensées : 35.", "Fin.")
    new = document("Parties prenantes recensées : 36.", "Fin.")
    edited = document("Parties prenantes recensées : 35.", "Fin.")
    _tracked(edited.paragraphs[0]._p, "ins", " (liste à revoir)", "Claire Martin", 3)
    result = update(data(base), data(edited), data(new), DAY)
    assert (result.changes, result.conflicts) == (0, 1)
    (said,) = comments(result)
    assert "Parties prenantes recensées : 36." in said
    assert accepted(result) == ["Parties prenantes recensées : 35. (liste à revoir)", "Fin."]


def test_a_paragraph_added_last_in_a_cell_leaves_no_empty_paragraph_when_rejected() -> None:
    """The last paragraph mark of a cell cannot be removed: the update marks the one before,
    as Word does, so that rejecting gives the cell back exactly."""
    table = [["Calendrier"], ["Annonce : 2 février."]]
    base = document("Tableau", table=table)
    new = document("Tableau", table=table)
    new.tables[0].rows[1].cells[0].add_paragraph("Restitution : 11 avril.")
    edited = document("Tableau", table=table)
    result = update(data(base), data(edited), data(new), DAY)
    assert result.changes == 1
    root = opened(result).element
    cell = root.findall(f".//{w('tc')}")[1]
    first, last = cell.findall(w("p"))
    assert first.find(f"{w('pPr')}/{w('rPr')}/{w('ins')}") is not None  # the mark before
    assert last.find(f"{w('pPr')}/{w('rPr')}/{w('ins')}") is None  # the cell's own last mark
    assert rejected(result) == texts(edited)
    assert accepted(result) == texts(new)


def test_a_paragraph_removed_last_in_a_cell_leaves_no_empty_paragraph_when_accepted() -> None:
    table = [["Calendrier"], ["Annonce : 2 février."]]
    base = document("Tableau", table=table)
    base.tables[0].rows[1].cells[0].add_paragraph("Restitution : 11 avril.")
    edited = document("Tableau", table=table)
    edited.tables[0].rows[1].cells[0].add_paragraph("Restitution : 11 avril.")
    new = document("Tableau", table=table)
    result = update(data(base), data(edited), data(new), DAY)
    assert result.changes == 1
    assert accepted(result) == texts(new)
    assert rejected(result) == texts(edited)


def test_a_page_break_stays_a_page_break_when_the_words_around_it_change() -> None:
    def cover(day: str) -> WordDocument:
        made = docx.Document()
        paragraph = made.add_paragraph("Date : ")
        paragraph.add_run(day)
        paragraph.add_run().add_break(docx.enum.text.WD_BREAK.PAGE)
        made.add_paragraph("Table des matières")
        return made

    base, edited, new = (
        cover("25 novembre 2026"),
        cover("25 novembre 2026"),
        cover("2 décembre 2026"),
    )
    result = update(data(base), data(edited), data(new), DAY)
    assert result.changes == 1
    root = opened(result).element
    (page,) = list(root.iter(w("br")))
    assert page.get(w("type")) == "page"
    assert not any(local_name(a) in ("ins", "del") for a in page.iterancestors())
    assert accepted(result)[0] == "Date : 2 décembre 2026\f"
    assert rejected(result) == texts(edited)


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def test_a_renamed_style_is_the_same_style() -> None:
    """LibreOffice gives Word's « caption » the id Caption1: the passage is not hand-edited."""
    base = document("Fiche d'identité", "35 parties prenantes.")
    base.paragraphs[0].style = base.styles["Caption"]
    new = document("Fiche d'identité", "36 parties prenantes.")
    new.paragraphs[0].style = new.styles["Caption"]
    edited = document("Fiche d'identité", "35 parties prenantes.")
    edited.paragraphs[0].style = edited.styles["Caption"]
    edited.styles["Caption"].element.set(w("styleId"), "Caption1")
    edited.paragraphs[0]._p.pPr.find(w("pStyle")).set(w("val"), "Caption1")
    for p in edited.paragraphs[1:]:  # the default style written out, as LibreOffice does
        p._p.get_or_add_pPr().insert(
            0, etree.fromstring(f'<w:pStyle xmlns:w="{W}" w:val="Normal"/>')
        )
    result = update(data(base), data(edited), data(new), DAY)
    assert (result.changes, result.conflicts) == (1, 0)
    assert accepted(result) == ["Fiche d'identité", "36 parties prenantes."]


def test_another_document_under_the_deliverables_name_is_left_alone() -> None:
    lines = [f"Clause {n} du cahier : engagement de la collectivité n° {n}." for n in range(20)]
    base = document(*lines)
    new = document(*lines, "Clause ajoutée.")
    other = document(*[f"Note de réunion {n} : sans rapport." for n in range(20)])
    with pytest.raises(TrackingError, match="n'est pas une version de ce livrable"):
        update(data(base), data(other), data(new), DAY)
