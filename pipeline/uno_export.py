"""Run by LibreOffice's Python, not by amoor's: Word documents laid out, indexes updated.

``python uno_export.py`` reads one JSON request on its standard input::

    {"pipe": "amoor-…",
     "documents": [["/…/document-001.docx", "/…/document-001.pdf"],
                   ["/…/document-002.docx", null]],
     "filter": {"UseTaggedPDF": true}}

connects to the LibreOffice listening on that pipe (``--accept=pipe,name=…;urp;``)
and, for each document: loads it hidden, updates every index (tables of contents)
twice — the first pass lengthens the table, which may move the headings to later
pages —, reads the entries of its first table of contents with their page numbers,
exports it with ``writer_pdf_Export`` and the given filter data when a PDF is asked
for, and closes it. It prints one JSON line per document, ``{"ok": true,
"contents": [["1. Objet", "3"], …]}`` or ``{"error": "…"}``, and exits 0; it exits
3 when LibreOffice cannot be reached.

Only the standard library and ``uno``: this file never imports amoor (see
``pipeline/libreoffice.py``).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

import uno

CONNECT_SECONDS = 15.0
INDEX_PASSES = 2


def _property(name: str, value: Any) -> Any:
    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name = name
    prop.Value = value
    return prop


def _connect(pipe: str) -> Any:
    """The remote desktop; the pipe may open a moment after LibreOffice says it is up."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            remote = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return remote.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", remote)


def _lay_out(
    desktop: Any, source: str, target: str | None, filter_data: dict[str, Any]
) -> list[list[str]]:
    load = (_property("Hidden", True), _property("MacroExecutionMode", 0))  # NEVER_EXECUTE
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, load)
    if document is None:
        raise RuntimeError("LibreOffice ne sait pas ouvrir ce fichier")
    try:
        indexes = document.getDocumentIndexes()
        for _ in range(INDEX_PASSES):
            for position in range(indexes.getCount()):
                indexes.getByIndex(position).update()
        contents = _contents(indexes)
        if target is None:
            return contents
        data = uno.Any(
            "[]com.sun.star.beans.PropertyValue",
            tuple(_property(key, value) for key, value in filter_data.items()),
        )
        store = (_property("FilterName", "writer_pdf_Export"), _property("FilterData", data))
        uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(target), store))
        return contents
    finally:
        document.close(True)


def _contents(indexes: Any) -> list[list[str]]:
    """[text, page] of each entry of the first table of contents, as laid out.

    An entry is one paragraph, its text and its page number parted by the
    table's tab; a paragraph without a page number (the table's title) is left out.
    """
    for position in range(indexes.getCount()):
        index = indexes.getByIndex(position)
        if not index.supportsService("com.sun.star.text.ContentIndex"):
            continue
        entries = []
        for line in index.getAnchor().getString().splitlines():
            text, tab, page = line.rpartition("\t")
            if tab and page.strip():
                entries.append([text, page.strip()])
        return entries
    return []


def main() -> int:
    request = json.load(sys.stdin)
    try:
        desktop = _connect(request["pipe"])
    except Exception as error:
        print(f"LibreOffice injoignable : {error}", file=sys.stderr)
        return 3
    for source, target in request["documents"]:
        try:
            contents = _lay_out(desktop, source, target, request.get("filter", {}))
            answer: dict[str, Any] = {"ok": True, "contents": contents}
        except Exception as error:
            answer = {"error": str(error) or type(error).__name__}
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    # Straight out, without the interpreter's teardown: Python-UNO's bridge can crash
    # while it is torn down (SIGSEGV seen once in a suite of 840 tests), after every
    # answer was given.
    os._exit(code)
