"""A document as Word writes it back after opening and saving it, without an edit.

There is no Word here: this rewrites a .docx amoor made into the markup Word is
documented to write for the same content (ECMA-376 part 1 and [MS-DOCX]):

- revision-save ids: ``w:rsidR``/``w:rsidRDefault``/``w:rsidRPr`` on paragraphs and
  runs, and runs split where the editing sessions differ (the same formatting on
  both halves, 17.3.2.25);
- ``w14:paraId``/``w14:textId`` on every paragraph, under ``mc:Ignorable="w14"``
  ([MS-DOCX] 2.6.2);
- ``w:proofErr`` around a word the spelling checker flagged (17.13.8.1);
- the ``_GoBack`` bookmark where the cursor was (17.13.6.2);
- ``w:lastRenderedPageBreak`` where the last layout broke a page (17.3.3.13);
- empty ``w:rPr``; ``xml:space`` only where spaces need it;
- the table of contents updated (« Mettre à jour les champs »): the field's cached
  result is one paragraph per heading, in ``w:sdt`` of the « Table of Contents »
  gallery, the field beginning in the first entry and ending in the last.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def as_word_saves_it(data: bytes, *, toc_control: bool = True) -> bytes:
    """``data`` (a .docx) as Word writes it back once opened and saved, unchanged; the table
    of contents in a content control (``toc_control``) or as bare paragraphs."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    root = etree.fromstring(parts["word/document.xml"])
    root = _with_word_namespaces(root)
    ids = (f"{n:08X}" for n in itertools.count(0x00A1B2C3, 7919))
    for number, p in enumerate(list(root.iter(w("p")))):
        p.set(f"{{{W14}}}paraId", next(ids))
        p.set(f"{{{W14}}}textId", "77777777")
        p.set(w("rsidR"), "00C41A2B")
        p.set(w("rsidRDefault"), "00C41A2B")
        for run in list(p.iter(w("r"))):
            _split(run, number)
        if number % 7 == 3:
            first = p.find(w("r"))
            if first is not None:
                first.insert(
                    1 if first.find(w("rPr")) is not None else 0,
                    etree.Element(w("lastRenderedPageBreak")),
                )
        if number % 11 == 5:
            _proof_error(p)
    _go_back(root)
    _update_table_of_contents(root, toc_control)
    parts["word/document.xml"] = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return out.getvalue()


def _with_word_namespaces(root: etree._Element) -> etree._Element:
    """The root declaring w14 and mc, with ``mc:Ignorable="w14"`` as Word writes it."""
    nsmap = dict(root.nsmap)
    nsmap.update({"w14": W14, "mc": MC})
    made = etree.Element(root.tag, nsmap=nsmap)
    made.attrib.update(root.attrib)
    made.set(f"{{{MC}}}Ignorable", "w14")
    for child in root:
        made.append(child)
    return made


_WORD = re.compile(r"\s*\S+\s*")


def _split(run: etree._Element, number: int) -> None:
    """A run of several words cut in two, as two editing sessions leave it."""
    texts = run.findall(w("t"))
    if len(texts) != 1 or len(run) > 2:
        return
    words = _WORD.findall(texts[0].text or "")
    if len(words) < 2:
        _tidy(texts[0])
        return
    cut = 1 + number % (len(words) - 1)
    head, tail = "".join(words[:cut]), "".join(words[cut:])
    texts[0].text = head
    _tidy(texts[0])
    second = etree.Element(w("r"))
    second.set(w("rsidRPr"), "00D52E19")
    properties = run.find(w("rPr"))
    second.append(
        etree.fromstring(etree.tostring(properties))
        if properties is not None
        else etree.Element(w("rPr"))
    )
    text = etree.SubElement(second, w("t"))
    text.text = tail
    _tidy(text)
    run.addnext(second)


def _tidy(text: etree._Element) -> None:
    value = text.text or ""
    if value != value.strip():
        text.set(XML_SPACE, "preserve")
    elif XML_SPACE in text.attrib:
        del text.attrib[XML_SPACE]


def _proof_error(p: etree._Element) -> None:
    runs = [r for r in p if r.tag == w("r") and r.find(w("t")) is not None]
    if not runs:
        return
    start, end = etree.Element(w("proofErr")), etree.Element(w("proofErr"))
    start.set(w("type"), "spellStart")
    end.set(w("type"), "spellEnd")
    runs[0].addprevious(start)
    runs[0].addnext(end)


def _go_back(root: etree._Element) -> None:
    body = root.find(w("body"))
    assert body is not None
    paragraphs = [p for p in body if p.tag == w("p") and p.find(w("r")) is not None]
    where = paragraphs[len(paragraphs) // 2]
    start, end = etree.Element(w("bookmarkStart")), etree.Element(w("bookmarkEnd"))
    start.set(w("id"), "0")
    start.set(w("name"), "_GoBack")
    end.set(w("id"), "0")
    where.append(start)
    where.append(end)


def _update_table_of_contents(root: etree._Element, control: bool) -> None:
    """The TOC field's cached result made of the document's headings, in an sdt."""
    body = root.find(w("body"))
    assert body is not None
    field = next(
        (
            p
            for p in body
            if p.tag == w("p") and any("TOC" in (i.text or "") for i in p.iter(w("instrText")))
        ),
        None,
    )
    if field is None:
        return
    headings = [
        "".join(t.text or "" for t in p.iter(w("t")))
        for p in body.iter(w("p"))
        if (style := p.find(f"{w('pPr')}/{w('pStyle')}")) is not None
        and style.get(w("val")) in ("Heading1", "Heading2")
    ]
    instruction = next(i.text for i in field.iter(w("instrText")))
    entries = []
    for number, heading in enumerate(headings or ["Sommaire"]):
        p = etree.Element(w("p"))
        properties = etree.SubElement(p, w("pPr"))
        etree.SubElement(properties, w("pStyle")).set(w("val"), "TOC1")
        if number == 0:
            _field_char(p, "begin")
            run = etree.SubElement(p, w("r"))
            instr = etree.SubElement(run, w("instrText"))
            instr.text = instruction
            instr.set(XML_SPACE, "preserve")
            _field_char(p, "separate")
        run = etree.SubElement(p, w("r"))
        etree.SubElement(run, w("t")).text = heading
        etree.SubElement(run, w("tab"))
        etree.SubElement(run, w("t")).text = str(3 + number)
        entries.append(p)
    _field_char(entries[-1], "end")
    # The field's paragraphs as amoor wrote them (its entries, up to the field's end) give
    # way to Word's.
    spanned = [field]
    depth = _open_fields(field)
    while depth > 0 and (following := spanned[-1].getnext()) is not None:
        spanned.append(following)
        depth += _open_fields(following)
    if not control:
        for p in entries:
            field.addprevious(p)
        for p in spanned:
            body.remove(p)
        return
    sdt = etree.Element(w("sdt"))
    gallery = etree.SubElement(
        etree.SubElement(etree.SubElement(sdt, w("sdtPr")), w("docPartObj")), w("docPartGallery")
    )
    gallery.set(w("val"), "Table of Contents")
    content = etree.SubElement(sdt, w("sdtContent"))
    for p in entries:
        content.append(p)
    field.addprevious(sdt)
    for p in spanned:
        body.remove(p)


def _open_fields(p: etree._Element) -> int:
    kinds = [c.get(w("fldCharType")) for c in p.iter(w("fldChar"))]
    return kinds.count("begin") - kinds.count("end")


def _field_char(p: etree._Element, kind: str) -> None:
    etree.SubElement(etree.SubElement(p, w("r")), w("fldChar")).set(w("fldCharType"), kind)
