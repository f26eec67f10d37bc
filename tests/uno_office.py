"""Run by the Python that can ``import uno``, not by amoor's: a real LibreOffice edits a document.

The tests' harness (``tests/office.py``) runs ``python3 uno_office.py`` and writes ONE JSON
request on its standard input::

    {"pipe": "amoor-office-…", "source": "/abs/in.docx", "target": "/abs/out.docx" or null,
     "format": "docx" | "odt" | null, "author": "Claire Martin" or null,
     "steps": [{"op": "track", "on": true}, {"op": "replace", "old": "…", "new": "…"},
               {"op": "read"}]}

The script connects to the LibreOffice listening on that pipe (``--accept=pipe,name=…;urp;``,
retried for 15 s: the pipe opens a moment after soffice starts), opens ``source``, applies the
steps in order, saves a copy to ``target`` when one is given (``docx``: filter « MS Word 2007
XML », ``odt``: « writer8 »; by default from the target's extension), closes the document and
prints ONE JSON answer: ``{"ok": true, "reads": [...], "stored_with_layout": true}``, one read
per ``read`` step, or ``{"ok": false, "error": "…"}``. A request without ``source`` only checks
that LibreOffice answers. Only the standard library and ``uno``: this file never imports amoor.

The steps: ``read`` (``styles``: true adds each paragraph's style); ``replace`` (old, new: the
first occurrence, even mid-paragraph); ``set_paragraph`` (starts_with, text); ``insert_after``
(starts_with, texts: new paragraphs of the same style); ``delete_row`` (containing);
``bold`` (text); ``page_break_before`` (starts_with); ``comment`` (on, text, author);
``track`` (on: the document's ``RecordChanges``); ``accept_all`` and ``reject_all`` (the
dispatcher's ``.uno:AcceptAllTrackedChanges`` / ``.uno:RejectAllTrackedChanges``, what Edit ▸
Track Changes ▸ Accept All / Reject All run). A read gives ``paragraphs`` (every paragraph's
text in reading order, a table's cells row by row where the table stands), ``tables`` (per
table, per row, each cell's text), ``redlines`` (type, author, date, text) and ``comments``
(author, content, date, anchor: the commented text).

What LibreOffice 7.4 « nogui » does, and why the script is built this way
-------------------------------------------------------------------------
*A view of a document holding a comment kills LibreOffice.* Debian's
``libreoffice-writer-nogui`` ships no dialog descriptions (no
``share/config/soffice.cfg/modules/swriter/ui/*.ui``), and Writer draws each comment in the
margin in a small window built from ``annotation.ui``. Loading a .docx with a ``w:comment``
through ``loadComponentFromURL(url, "_blank", 0, (Hidden=True,))``: the call returns, then
the next event LibreOffice handles builds that window, ``InterimItemWindow`` throws
``NoSuchElementException`` and soffice aborts (« Fatal exception: Signal 6 »; the script sees
« Binary URP bridge disposed »). Inserting a comment into a document that has a view does the
same. Hiding comments does not help: with ``/org.openoffice.Office.Writer/Content/Display/Note``
off soffice survives, but the load fails (``loadComponentFromURL`` returns None); the view's
``ShowAnnotations`` off, inserting one still kills it.

*So the document is a model, and a view comes only when needed, comments out.* Every document
is loaded as a model only: ``createInstance("com.sun.star.text.TextDocument")``, then
``XLoadable.load`` with the filter named (without ``FilterName`` the load is refused). No
frame, no layout, no margin windows: comments load, are read, added and saved without harm.
Two things need a view:

- ``accept_all`` / ``reject_all``: the redline API (``getRedlines()``) only describes tracked
  changes; in LibreOffice 7.4's UNO API nothing accepts or rejects one but the view's
  commands, through the frame's dispatcher;
- saving: LibreOffice's .docx export reads the layout for some things. Without one, it drops
  the first page's own header and footer (``w:titlePg``) of a generated deliverable, writes
  no ``w:zoom`` and zero statistics in ``docProps/app.xml``. Saved with a view, the 15-page
  Cahier des charges is byte for byte (document, styles, settings) what LibreOffice writes
  when it opens the file in a frame and saves it.

The view (``_View``) is attached to the very model, in a hidden frame
(``com.sun.star.frame.TaskCreator``; ``createViewController``, then model, controller and frame
introduced to each other as LibreOffice's loader does; the layout is made at once), and taken
away after. Taking a model's last view away closes the model: a close listener
(``_KeepModel``) vetoes that, and the script closes the document itself at the end. For
accepting or rejecting, the comments are first taken out, tracking off (comments are not
tracked changes): each one's author, initials, text, date and state are kept, its range is
marked with a bookmark; the command is dispatched; each comment is put back at its bookmark's
end, under its old name. Removing a comment through the API leaves its range (its annotation
mark) behind, which the .docx export would write as a comment of no text: the comment put back
under that name takes that range again, so nothing dangles. A comment whose range went with the
text the acceptance (or rejection) deleted is gone, as in LibreOffice. Only a comment's plain
text comes back, not its character formatting.

A document holding comments is saved without a view (``stored_with_layout`` false in the
answer): the layout-dependent details above are then missing from the .docx.

*A model without a view cannot search.* ``findFirst`` needs a layout (the cursor it moves is
checked against the layout's frames): on a model it finds nothing. So the script searches
itself: a paragraph's text portions (``TextPortionType`` « Text ») are joined, the string
looked for there, a cursor put on the match (``goRight`` counts characters without a
layout). An occurrence never spans a field, a footnote or a comment's end.

*What LibreOffice does through the API, as it does:* ``delete_row`` (``removeByIndex``) is not
recorded even with tracking on (LibreOffice 7.4 records a row deletion only from its menu:
the dispatcher's ``.uno:DeleteRows`` fails on a hidden view); a comment added with tracking
on records its anchor as an insertion (put ``comment`` before ``track`` for an untracked
one); a paragraph's page break is not recorded. A document saved with tracking on opens with
tracking on.

*Speed.* Each new remote object costs about a millisecond (pyuno asks for its types), and a
15-page deliverable has some 600 table cells: tables are read whole (``getDataArray``), a
cell's paragraph fetched only when a step needs it (or ``styles`` are asked for).

The author of tracked changes is LibreOffice's user name, set before the document is loaded
(``/org.openoffice.UserProfile/Data``: ``givenname``, ``sn``), at every request: a request
without an author sets it empty, and LibreOffice writes « Unknown Author ». Documents are
loaded with ``MacroExecutionMode`` NEVER_EXECUTE and without updating links.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import time
import traceback
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import uno
import unohelper
from com.sun.star.util import CloseVetoException, XCloseListener

CONNECT_SECONDS = 15.0
NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode
NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode
STORE_FILTERS = {"docx": "MS Word 2007 XML", "odt": "writer8"}
LOAD_FILTERS = {
    ".docx": "MS Word 2007 XML",
    ".odt": "writer8",
    ".doc": "MS Word 97",
    ".rtf": "Rich Text Format",
    ".fodt": "OpenDocument Text Flat XML",
}
COMMANDS = {
    "accept_all": ".uno:AcceptAllTrackedChanges",
    "reject_all": ".uno:RejectAllTrackedChanges",
}
# What a comment keeps while a view is attached (those its field has: older LibreOffice
# versions lack some).
COMMENT_PROPERTIES = ("Author", "Initials", "Content", "DateTimeValue", "Resolved")
STASH_MARK = "__uno_office_comment_"
CELL_NAME = re.compile(r"([A-Za-z]+)(\d+)")


class RequestError(Exception):
    """The request cannot be done (text not found, unknown step…): its message is the answer."""


def _property(name: str, value: Any) -> Any:
    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name = name
    prop.Value = value
    return prop


# -- LibreOffice ----------------------------------------------------------------------------


def _connect(pipe: str) -> Any:
    """The remote component context; the pipe may open a moment after LibreOffice starts."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _service(ctx: Any, name: str) -> Any:
    return ctx.ServiceManager.createInstanceWithContext(name, ctx)


def _set_author(ctx: Any, author: str | None) -> None:
    """LibreOffice's user name, which tracked changes carry: « Claire Martin » → Claire, Martin."""
    given, _, surname = (author or "").strip().partition(" ")
    provider = _service(ctx, "com.sun.star.configuration.ConfigurationProvider")
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess",
        (_property("nodepath", "/org.openoffice.UserProfile/Data"),),
    )
    access.setPropertyValue("givenname", given)
    access.setPropertyValue("sn", surname.strip())
    access.commitChanges()


def _load_filter(ctx: Any, path: Path) -> str:
    known = LOAD_FILTERS.get(path.suffix.lower())
    if known:
        return known
    detection = _service(ctx, "com.sun.star.document.TypeDetection")
    kind = detection.queryTypeByURL(uno.systemPathToFileUrl(str(path)))
    if kind:
        for item in detection.getByName(kind):
            if item.Name == "PreferredFilter" and item.Value:
                return str(item.Value)
    raise RequestError(f"format inconnu de LibreOffice : {path.name}")


def _load(ctx: Any, path: Path) -> Any:
    """The document as a model only: no frame, no view, no layout (see the docstring)."""
    if not path.is_file():
        raise RequestError(f"fichier introuvable : {path}")
    document = _service(ctx, "com.sun.star.text.TextDocument")
    document.load(
        (
            _property("URL", uno.systemPathToFileUrl(str(path))),
            _property("FilterName", _load_filter(ctx, path)),
            _property("MacroExecutionMode", NEVER_EXECUTE),
            _property("UpdateDocMode", NO_UPDATE),
            _property("ReadOnly", False),
        )
    )
    return document


def _store(ctx: Any, document: Any, target: Path, kind: str) -> bool:
    """Save a copy as ``kind``; whether a view (and its layout) was there, as when a user saves.

    LibreOffice's .docx export reads the layout for some things (whether the first page has its
    own header and footer, ``w:titlePg``; the zoom; the statistics): with a view, the file is
    the one a user opening and saving the document gets. A document holding a comment is saved
    without: a view of it would kill LibreOffice nogui (see the docstring).
    """
    if kind not in STORE_FILTERS:
        raise RequestError(f"format d'enregistrement inconnu : {kind!r} (docx ou odt)")
    target.parent.mkdir(parents=True, exist_ok=True)
    url = uno.systemPathToFileUrl(str(target))
    store = (_property("FilterName", STORE_FILTERS[kind]), _property("Overwrite", True))
    if _annotations(document):
        document.storeToURL(url, store)
        return False
    with _View(ctx, document):
        document.storeToURL(url, store)
    return True


class _KeepModel(unohelper.Base, XCloseListener):  # type: ignore[misc]
    """Vetoes the close that taking the last view away asks for, while ``active``."""

    def __init__(self) -> None:
        self.active = True

    def queryClosing(self, event: Any, gets_ownership: bool) -> None:  # UNO names it
        if self.active:
            raise CloseVetoException("uno_office: the model outlives its view", self)

    def notifyClosing(self, event: Any) -> None:  # UNO names it
        pass

    def disposing(self, event: Any) -> None:
        pass


# -- walking the document -------------------------------------------------------------------


def _enumerate(container: Any) -> Iterator[Any]:
    enumeration = container.createEnumeration()
    while enumeration.hasMoreElements():
        yield enumeration.nextElement()


class _Paragraph:
    """A paragraph's text, its UNO object fetched only when a step needs it.

    Each new remote object costs about a millisecond (pyuno asks for its types), and a
    15-page deliverable has some 600 table cells: a cell's text comes with its table's
    (``getDataArray``), its paragraph only when wanted.
    """

    def __init__(self, text: str, element: Any = None, cell: tuple[Any, str] | None = None):
        self.text = text
        self._element = element
        self._cell = cell

    @property
    def element(self) -> Any:
        if self._element is None:
            assert self._cell is not None
            table, name = self._cell
            self._element = table.getCellByName(name).createEnumeration().nextElement()
        return self._element


Table = tuple[Any, list[tuple[int, str, str]]]  # the table, its cells: (row, name, text)


def _cell_texts(table: Any) -> list[tuple[int, str, str]]:
    """Each cell of ``table``, row by row: its row (0-based), its name, its text."""
    names = table.getCellNames()
    texts: list[Any] = []
    with contextlib.suppress(Exception):  # a table with merged cells has no data array
        texts = [value for row in table.getDataArray() for value in row]
    if len(texts) != len(names) or not all(isinstance(value, str) for value in texts):
        texts = [table.getCellByName(name).getString() for name in names]
    cells = []
    for name, text in zip(names, texts, strict=True):
        match = CELL_NAME.match(name)
        cells.append((int(match.group(2)) - 1 if match else 0, name, text))
    return cells


def _walk(text: Any, tables: list[Table] | None = None) -> Iterator[_Paragraph]:
    """Every paragraph of ``text`` in reading order, a table's cells (row by row) where the
    table stands; each table met (with its cells) appended to ``tables``, a table inside a cell
    after the table holding it."""
    for element in _enumerate(text):
        kind = element.getImplementationName()
        if kind == "SwXParagraph":
            yield _Paragraph(element.getString(), element=element)
        elif kind == "SwXTextTable":
            cells = _cell_texts(element)
            if tables is not None:
                tables.append((element, cells))
            for _, name, cell_text in cells:
                if "\n" in cell_text:  # several paragraphs, or a table: walked for real
                    yield from _walk(element.getCellByName(name), tables)
                else:
                    yield _Paragraph(cell_text, cell=(element, name))


def _paragraph_starting(document: Any, prefix: str) -> Any:
    for paragraph in _walk(document.getText()):
        if paragraph.text.startswith(prefix):
            return paragraph.element
    raise RequestError(f"aucun paragraphe ne commence par {prefix!r}")


def _find_in(paragraph: Any, needle: str) -> Any | None:
    """A cursor selecting the first ``needle`` of ``paragraph``'s text portions, or None."""
    pieces: list[tuple[int, Any, str]] = []
    joined = ""
    for portion in _enumerate(paragraph):
        piece = portion.getString()
        if portion.TextPortionType == "Text":
            pieces.append((len(joined), portion, piece))
            joined += piece
        else:  # a field, a footnote, a comment's end: never inside a match
            joined += "\0" * max(len(piece), 1)
    at = joined.find(needle)
    if at < 0:
        return None

    def cursor_at(offset: int, at_end: bool) -> Any:
        for start, portion, piece in pieces:
            inside = start <= offset < start + len(piece)
            if inside or (at_end and offset == start + len(piece)):
                cursor = portion.getText().createTextCursorByRange(portion.getStart())
                if offset > start:
                    cursor.goRight(offset - start, False)
                return cursor
        raise AssertionError("offset outside the text portions")

    found = cursor_at(at, at_end=False)
    found.gotoRange(cursor_at(at + len(needle), at_end=True).getStart(), True)
    return found


def _find(document: Any, needle: str) -> Any:
    """The first occurrence of ``needle`` in reading order (``findFirst`` needs a layout)."""
    if not needle:
        raise RequestError("texte à chercher vide")
    for paragraph in _walk(document.getText()):
        if needle in paragraph.text:
            found = _find_in(paragraph.element, needle)
            if found is not None:
                return found
    raise RequestError(f"texte introuvable : {needle!r}")


def _date(value: Any) -> str:
    if value is None:
        return ""
    return (
        f"{value.Year:04d}-{value.Month:02d}-{value.Day:02d}"
        f"T{value.Hours:02d}:{value.Minutes:02d}:{value.Seconds:02d}"
    )


def _now() -> Any:
    now = datetime.now()
    value = uno.createUnoStruct("com.sun.star.util.DateTime")
    value.Year, value.Month, value.Day = now.year, now.month, now.day
    value.Hours, value.Minutes, value.Seconds = now.hour, now.minute, now.second
    return value


def _annotations(document: Any) -> list[Any]:
    """The comments in the document (a removed one may linger, anchorless, in the list)."""
    return [
        field
        for field in _enumerate(document.getTextFields())
        if field.supportsService("com.sun.star.text.textfield.Annotation")
        and field.getAnchor() is not None
    ]


def _redline_text(redline: Any) -> str:
    try:
        start, end = redline.RedlineStart, redline.RedlineEnd
        cursor = start.getText().createTextCursorByRange(start)
        cursor.gotoRange(end, True)
        return str(cursor.getString())
    except Exception:  # a change of a table row, of a paragraph's properties…
        return ""


def _read(document: Any, styles: bool = False) -> dict[str, Any]:
    found: list[Table] = []
    paragraphs = list(_walk(document.getText(), found))
    tables = []
    for _, cells in found:
        rows: dict[int, list[str]] = {}
        for row, _, text in cells:
            rows.setdefault(row, []).append(text)
        tables.append([rows[row] for row in sorted(rows)])
    redlines = [
        {
            "type": redline.RedlineType,
            "author": redline.RedlineAuthor,
            "date": _date(redline.RedlineDateTime),
            "text": _redline_text(redline),
        }
        for redline in _enumerate(document.getRedlines())
    ]
    comments = [
        {
            "author": field.Author,
            "content": field.Content,
            "date": _date(field.DateTimeValue),
            "anchor": field.getAnchor().getString(),
        }
        for field in _annotations(document)
    ]
    answer = {
        "paragraphs": [paragraph.text for paragraph in paragraphs],
        "tables": tables,
        "redlines": redlines,
        "comments": comments,
    }
    if styles:  # a remote object per table cell: slower
        answer["styles"] = [paragraph.element.ParaStyleName for paragraph in paragraphs]
    return answer


# -- accepting, rejecting: a view for a moment ---------------------------------------------


class _Untracked:
    """Tracking off for the block, back as it was after. A class, not a generator: pyuno's
    exceptions refuse the ``__traceback__`` that ``contextlib.contextmanager`` sets."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.recording = False

    def __enter__(self) -> None:
        self.recording = bool(self.document.RecordChanges)
        self.document.RecordChanges = False

    def __exit__(self, *exc_info: object) -> None:
        self.document.RecordChanges = self.recording


def _stash_comments(document: Any) -> list[dict[str, Any]]:
    """Take every comment out, its anchor kept as a bookmark (a view would crash on it)."""
    stash = []
    with _Untracked(document):
        for index, field in enumerate(_annotations(document)):
            anchor = field.getAnchor()
            text = anchor.getText()
            mark = document.createInstance("com.sun.star.text.Bookmark")
            mark.setName(f"{STASH_MARK}{index}")
            text.insertTextContent(anchor, mark, True)
            info = field.getPropertySetInfo()
            kept = {
                name: field.getPropertyValue(name)
                for name in COMMENT_PROPERTIES
                if info.hasPropertyByName(name)
            }
            stash.append({"mark": mark.getName(), "name": field.Name, "properties": kept})
            text.removeTextContent(field)
    return stash


def _restore_comments(document: Any, stash: list[dict[str, Any]]) -> None:
    """Each comment back on its bookmark, unless its anchor went with deleted text."""
    marks = document.getBookmarks()
    with _Untracked(document):
        for item in stash:
            if not marks.hasByName(item["mark"]):
                continue
            mark = marks.getByName(item["mark"])
            anchor = mark.getAnchor()
            text = anchor.getText()
            cursor = text.createTextCursorByRange(anchor.getEnd())
            text.removeTextContent(mark)
            field = document.createInstance("com.sun.star.text.textfield.Annotation")
            for name, value in item["properties"].items():
                if value is not None:
                    field.setPropertyValue(name, value)
            # A point, under its old name: the comment's range (its annotation mark, which
            # removing the comment left behind) is its range again.
            field.Name = item["name"]
            text.insertTextContent(cursor, field, False)


class _View:
    """A view of the model, in a hidden frame, for the block: the layout is made at once.

    As LibreOffice's loader does: the model makes a controller for the frame, then model,
    controller and frame are introduced to each other. Taking the view away afterwards would
    close the model (its last view gone): ``_KeepModel`` vetoes that. The document must hold no
    comment meanwhile (LibreOffice nogui dies drawing one).
    """

    def __init__(self, ctx: Any, document: Any) -> None:
        self.ctx = ctx
        self.document = document
        self.frame: Any = None

    def __enter__(self) -> Any:
        creator = _service(self.ctx, "com.sun.star.frame.TaskCreator")
        self.frame = creator.createInstanceWithArguments(
            (
                _property("FrameName", f"uno_office_{time.monotonic_ns()}"),
                _property("MakeVisible", False),
            )
        )
        try:
            controller = self.document.createViewController("Default", (), self.frame)
            controller.attachModel(self.document)
            self.document.connectController(controller)
            self.frame.setComponent(controller.ComponentWindow, controller)
            controller.attachFrame(self.frame)
            self.document.setCurrentController(controller)
        except BaseException:
            self.__exit__()
            raise
        return self.frame

    def __exit__(self, *exc_info: object) -> None:
        with contextlib.suppress(Exception):
            self.frame.setComponent(None, None)  # the model's close is vetoed by _KeepModel
        with contextlib.suppress(Exception):
            self.frame.close(True)


def _dispatch(ctx: Any, document: Any, command: str) -> None:
    """Run a view's command: comments out, a view in, the command, the view out, comments back."""
    stash = _stash_comments(document)
    try:
        with _View(ctx, document) as frame:
            helper = _service(ctx, "com.sun.star.frame.DispatchHelper")
            helper.executeDispatch(frame, command, "", 0, ())
    finally:
        _restore_comments(document, stash)


# -- the steps ------------------------------------------------------------------------------


def _step(ctx: Any, document: Any, step: dict[str, Any], author: str | None) -> Any:
    op = step.get("op")
    if op == "read":
        return _read(document, styles=bool(step.get("styles")))
    if op == "replace":
        _find(document, step["old"]).setString(step["new"])
    elif op == "set_paragraph":
        _paragraph_starting(document, step["starts_with"]).setString(step["text"])
    elif op == "insert_after":
        paragraph = _paragraph_starting(document, step["starts_with"])
        style = paragraph.ParaStyleName
        text = paragraph.getText()
        cursor = text.createTextCursorByRange(paragraph.getEnd())
        breaking = uno.getConstantByName("com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK")
        for line in step["texts"]:
            text.insertControlCharacter(cursor, breaking, False)
            text.insertString(cursor, line, False)
            if cursor.ParaStyleName != style:
                cursor.ParaStyleName = style
    elif op == "delete_row":
        _delete_row(document, step["containing"])
    elif op == "bold":
        _find(document, step["text"]).CharWeight = uno.getConstantByName(
            "com.sun.star.awt.FontWeight.BOLD"
        )
    elif op == "page_break_before":
        paragraph = _paragraph_starting(document, step["starts_with"])
        paragraph.BreakType = uno.Enum("com.sun.star.style.BreakType", "PAGE_BEFORE")
    elif op == "comment":
        found = _find(document, step["on"])
        field = document.createInstance("com.sun.star.text.textfield.Annotation")
        field.Author = step.get("author") or author or ""
        field.Content = step["text"]
        field.DateTimeValue = _now()
        found.getText().insertTextContent(found, field, True)
    elif op == "track":
        document.RecordChanges = bool(step["on"])
    elif op in COMMANDS:
        _dispatch(ctx, document, COMMANDS[op])
    else:
        raise RequestError(f"étape inconnue : {step!r}")
    return None


def _delete_row(document: Any, containing: str) -> None:
    tables: list[Table] = []
    for _ in _walk(document.getText(), tables):
        pass
    for table, cells in tables:
        for row, _, text in cells:
            if containing in text:
                table.getRows().removeByIndex(row, 1)
                return
    raise RequestError(f"aucune ligne de tableau ne contient {containing!r}")


def _handle(request: dict[str, Any]) -> dict[str, Any]:
    ctx = _connect(request["pipe"])
    if not request.get("source"):
        return {"ok": True, "reads": []}  # LibreOffice answers
    _set_author(ctx, request.get("author"))
    document = _load(ctx, Path(request["source"]))
    keep = _KeepModel()
    document.addCloseListener(keep)
    try:
        reads = []
        for step in request.get("steps") or []:
            result = _step(ctx, document, step, request.get("author"))
            if step.get("op") == "read":
                reads.append(result)
        answer: dict[str, Any] = {"ok": True, "reads": reads}
        target = request.get("target")
        if target:
            kind = request.get("format") or ("odt" if target.lower().endswith(".odt") else "docx")
            answer["stored_with_layout"] = _store(ctx, document, Path(target), kind)
        return answer
    finally:
        keep.active = False
        with contextlib.suppress(Exception):
            document.removeCloseListener(keep)
        with contextlib.suppress(Exception):
            document.close(True)


def main() -> int:
    try:
        answer = _handle(json.load(sys.stdin))
    except RequestError as error:
        answer = {"ok": False, "error": str(error)}
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    print(json.dumps(answer, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
