"""docxtpl templates prepared once per process, then rendered many times.

docxtpl (the template language, and the reference: the output must be its
output) spends most of a render on work that depends on the template alone:
``patch_xml`` (the regular expressions that turn Word's XML into Jinja
source), Jinja compiling that source, python-docx reading the package, and
the whole package serialised and deflated again on save. A
:class:`PreparedTemplate` does that work once:

- the template is read once by docxtpl/python-docx (the *master*);
- the body, each header and footer, the footnotes are patched by docxtpl's
  own ``get_xml``/``get_part_xml`` and ``patch_xml``, and the Jinja source of
  every part (and of the core properties docxtpl renders) is compiled once,
  in a :class:`PreparedEnvironment`;
- every entry of the template's zip is kept as stored (deflated bytes).

Each render (:meth:`PreparedTemplate.start`) is a :class:`Rendering`: a
``DocxTemplate`` whose ``render()`` is docxtpl's own, on a *fork* of the
master package — new python-docx objects for the parts a render changes
(package, main document, headers, footers, footnotes, core properties:
relationships copied, XML shared read-only, the core properties copied),
the template's other parts shared as they are. docxtpl's steps run
unchanged: ``render_xml_part`` (rendering, Listing and RichText),
``fix_tables``, ``fix_docpr_ids``, ``map_tree``, its headers and footers,
``render_footnotes``, ``render_properties`` (which shortens, as before, a
property longer than Word holds); an ``InlineImage`` adds its
relationship and image part to the fork, as it does to a fresh document.
What depends on the template alone is answered from the preparation, by
overriding ``build_xml`` (the body patched), ``patch_xml`` (the headers,
footers and footnotes patched) and ``init_docx`` (nothing to read); and
``resolve_listing`` is given only the paragraphs it changes.

:meth:`Rendering.package` writes the package in python-docx's order, with
the entries of package.py (:func:`~pipeline.render.package.stable_entry`):
what the render made (document, headers, footers, core properties,
relationships, ``[Content_Types].xml``) is serialised and deflated, a
picture it added (PNG, JPEG: already compressed) stored as it is; every part
shared with the template (styles, numbering, theme, fonts, settings, the
template's media…) is copied as stored, not inflated, parsed, serialised and
deflated again. For a template saved by python-docx (the bundled ones) the
bytes are docxtpl's followed by ``stable_package``, added pictures apart;
for one saved by Word, the copied parts keep Word's bytes where docxtpl
would have re-serialised the same XML.

What this relies on beyond docxtpl's documented API (docxtpl is pinned
< 0.21, python-docx < 2; tests/test_prepared_render.py compares the output
with plain docxtpl's on every example):

- docxtpl's ``DocxTemplate.render()`` calling ``init_docx`` (through
  ``render_init``), ``build_xml``, ``render_xml_part``, ``resolve_listing``,
  ``get_headers_footers``, ``get_part_xml``, ``patch_xml``,
  ``map_headers_footers_xml``, ``render_properties`` and
  ``render_footnotes`` as 0.20 does; ``render_xml_part`` handing Jinja the
  string :func:`_jinja_source` reproduces (if that changes, a part is
  compiled at each render: still right, only slower, and counted by
  ``PreparedEnvironment.compiled_at_render``); ``resolve_listing`` working
  paragraph by paragraph (``_PARAGRAPH_SPAN``); its attributes
  ``current_rendering_part`` and ``docx_ids_index``, and python-docx's
  private ``Document._part`` it uses;
- python-docx's private ``docx.opc.pkgwriter._ContentTypesItem``
  (``[Content_Types].xml`` from the parts, as ``PackageWriter`` writes it),
  and ``Package.after_unmarshal`` (gathers the fork's image parts);
- zipfile's private writing state: see
  :func:`~pipeline.render.package.write_stored`.

Not supported (the project uses none): docxtpl's subdocuments (they merge
styles and numbering into parts shared with the template) and the
``replace_pic``/``replace_media``/``replace_embedded``/``replace_zipname``
post-processing.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Mapping, MutableMapping
from io import BytesIO
from pathlib import Path
from typing import IO, Any

import jinja2
from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PACKAGE_URI
from docx.opc.part import Part, XmlPart
from docx.opc.pkgwriter import _ContentTypesItem
from docx.package import Package
from docxtpl import DocxTemplate, Listing
from jinja2 import nodes

from pipeline.render.contents import Outline
from pipeline.render.package import (
    ZIP_EPOCH,
    Stored,
    fit_property,
    stable_entry,
    stored_entries,
    write_stored,
)

# The core properties docxtpl renders with Jinja (DocxTemplate.render_properties).
_RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_PARAGRAPH = re.compile(r"<w:p([ >])")
# A paragraph, as DocxTemplate.resolve_listing finds them; and what it changes in one.
_PARAGRAPH_SPAN = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_LISTING = re.compile("[\t\a\n\f]")
# Pictures a render adds, already compressed: stored as they are (package.stable_entry).
_COMPRESSED = frozenset({"image/png", "image/jpeg", "image/gif"})
# Templates kept prepared in one process (about 6 MB each): the six bundled ones and
# a workspace's own copy of each.
_CACHE_SIZE = 12


def _multiline(value: Any) -> Listing:
    """Line breaks of a cell become line breaks in Word (text still escaped)."""
    return Listing(str(value))


class PreparedEnvironment(jinja2.Environment):
    """A Jinja environment in which each prepared source is compiled once.

    ``from_string`` (what docxtpl calls for every part at every render)
    returns the template compiled by :meth:`prepare` for the same source;
    any other source is compiled as usual, and counted.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, jinja2.Template] = {}
        self.compiled_at_render = 0  # sources compiled by from_string: none, once prepared

    def prepare(self, source: str) -> None:
        """Compile ``source`` now (a syntax error is raised here)."""
        if source not in self._compiled:
            self._compiled[source] = super().from_string(source)

    def from_string(
        self,
        source: str | nodes.Template,
        globals: MutableMapping[str, Any] | None = None,
        template_class: type[jinja2.Template] | None = None,
    ) -> jinja2.Template:
        if isinstance(source, str) and globals is None and template_class is None:
            compiled = self._compiled.get(source)
            if compiled is not None:
                return compiled
        self.compiled_at_render += 1
        return super().from_string(source, globals, template_class)


def environment() -> PreparedEnvironment:
    """The Jinja environment of every render (and of the template check).

    A name the data lacks is an error (``StrictUndefined``), never a silent
    blank; autoescape is on (``&`` and ``<`` typed by a consultant stay text).
    """
    env = PreparedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters["multiline"] = _multiline
    return env


def _jinja_source(patched: str) -> str:
    """The source ``DocxTemplate.render_xml_part`` gives Jinja for a patched part."""
    return _PARAGRAPH.sub(r"\n<w:p\1", patched)


class PreparedTemplate:
    """One template, prepared: patched, compiled, its package read and its entries kept.

    Never changed once made: each render works on a fork of its own.
    Raises what docxtpl, python-docx, zipfile and Jinja raise on a bad
    template (``jinja2.TemplateSyntaxError`` for a malformed tag).
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.environment = environment()
        master = DocxTemplate(BytesIO(data))
        master.init_docx()
        self._package = master.docx.part.package
        self._main = master.docx.part
        self._patched: dict[str, str] = {}  # docxtpl's source of a part → patch_xml of it
        self.body = self._patch(master, master.get_xml())
        self.outline = Outline.of(master.docx.styles.element)  # what fills its contents
        for uri in (master.HEADER_URI, master.FOOTER_URI):
            for _, part in master.get_headers_footers(uri):
                self._patch(master, master.get_part_xml(part))
        footnotes = [part for part in self._package.iter_parts() if part.content_type == _FOOTNOTES]
        for part in footnotes:
            self._patch(master, part.blob.decode("utf-8"))
        core = master.docx.core_properties  # made by python-docx if the template has none
        for name in _RENDERED_PROPERTIES:
            self.environment.prepare(getattr(core, name))
        # The main document's element, its body emptied: each render's copy takes the
        # rendered body (docxtpl's map_tree), the part's own element stays the template's.
        self._shell = copy.deepcopy(master.docx.element)
        del self._shell.body[:]
        self._core = self._package.part_related_by(RT.CORE_PROPERTIES)
        self._forked = self._parts_a_render_changes(footnotes)
        self._shared = {p for p in self._package.iter_parts() if p not in self._forked}
        self._stored = stored_entries(data)

    def _patch(self, master: Any, source: str) -> str:
        patched: str = master.patch_xml(source)
        self._patched[source] = patched
        self.environment.prepare(_jinja_source(patched))
        return patched

    def patched(self, source: str) -> str | None:
        """docxtpl's ``patch_xml(source)`` when ``source`` is one of the template's parts."""
        return self._patched.get(source)

    def _parts_a_render_changes(self, footnotes: list[Any]) -> dict[Any, None]:
        """The master's parts each render gets its own of (ordered, as a dict's keys).

        Those docxtpl renders, and any part related to one of them (so that the
        fork's graph of relationships reaches only the render's own).
        """
        forked: dict[Any, None] = dict.fromkeys([self._main, self._core, *footnotes])
        for rel in self._main.rels.values():
            if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER):
                forked[rel.target_part] = None
        parts = list(self._package.iter_parts())
        while extra := [
            part
            for part in parts
            if part not in forked
            and any(not r.is_external and r.target_part in forked for r in part.rels.values())
        ]:
            forked.update(dict.fromkeys(extra))
        return forked

    def start(self) -> Rendering:
        """A new render of this template: docxtpl's ``DocxTemplate`` on a fork of the package."""
        package = Package()
        forks = {part: self._fork(part, package) for part in self._forked}

        def target(rel: Any) -> Any:
            if rel.is_external:
                return rel.target_ref
            return forks.get(rel.target_part, rel.target_part)

        for rel in self._package.rels.values():
            package.load_rel(rel.reltype, target(rel), rel.rId, rel.is_external)
        for part, fork in forks.items():
            for rel in part.rels.values():
                fork.load_rel(rel.reltype, target(rel), rel.rId, rel.is_external)
        package.after_unmarshal()  # type: ignore[no-untyped-call]  # gathers the image parts
        return Rendering(self, Document(copy.deepcopy(self._shell), forks[self._main]))

    def _fork(self, part: Any, package: Any) -> Any:
        """A part of its own for a render: same name, type and content, new relationships."""
        if isinstance(part, XmlPart):
            # The template's element, read-only (python-docx's next_id reads it while
            # docxtpl renders the part); the core properties are set: a copy.
            element = copy.deepcopy(part.element) if part is self._core else part.element
            return type(part)(part.partname, part.content_type, element, package)
        return Part(part.partname, part.content_type, part.blob, package)

    def shared(self, part: Any) -> Stored | None:
        """The template's stored entry of ``part``, when a render shares it with the template."""
        return self._stored.get(part.partname.membername) if part in self._shared else None

    def shared_rels(self, part: Any) -> Stored | None:
        """The stored relationships of a part shared with the template (never changed)."""
        return self._stored.get(part.partname.rels_uri.membername) if part in self._shared else None


class Rendering(DocxTemplate):  # type: ignore[misc]  # docxtpl ships no types
    """One render of a prepared template: docxtpl's ``render()``, once.

    Core properties rendered longer than Word holds (255 characters) are
    shortened (package.fit_property): they are metadata.
    """

    def __init__(self, prepared: PreparedTemplate, document: Any) -> None:
        super().__init__(BytesIO(prepared.data))
        self.prepared = prepared
        self.docx = document

    def init_docx(self, reload: bool = True) -> None:
        """The fork is this render's document: nothing to read."""
        if self.is_rendered:
            raise RuntimeError("A Rendering renders once: start another from its template.")

    def build_xml(self, context: Mapping[str, Any], jinja_env: Any = None) -> str:
        """docxtpl's build_xml, the body's ``get_xml()`` and ``patch_xml()`` prepared."""
        xml: str = self.render_xml_part(self.prepared.body, self.docx._part, context, jinja_env)
        return xml

    def patch_xml(self, src_xml: str) -> str:
        """docxtpl's patch_xml, prepared for the template's headers, footers and footnotes."""
        patched = self.prepared.patched(src_xml)
        return patched if patched is not None else str(super().patch_xml(src_xml))

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's resolve_listing, given only the paragraphs it changes.

        It turns the tabs, line and page breaks of a ``Listing`` (``\\t \\a \\n
        \\f``) into Word's XML, paragraph by paragraph (the paragraphs of
        ``_PARAGRAPH_SPAN``, its expression), and leaves a paragraph without any
        as it is. Called on each paragraph holding one, it gives the same XML,
        without its three expressions for every paragraph, run and text of the
        others (most of a document).
        """
        listing = super().resolve_listing

        def paragraph(match: re.Match[str]) -> str:
            found = match.group(0)
            return str(listing(found)) if _LISTING.search(found) else found

        return _PARAGRAPH_SPAN.sub(paragraph, xml)

    def render_properties(
        self, context: Mapping[str, Any], jinja_env: jinja2.Environment | None = None
    ) -> None:
        env = jinja_env or jinja2.Environment()
        properties = self.docx.core_properties
        for name in _RENDERED_PROPERTIES:
            rendered = env.from_string(getattr(properties, name)).render(context)
            setattr(properties, name, fit_property(rendered))

    def new_subdoc(self, docpath: Any = None) -> Any:
        raise NotImplementedError("Subdocuments are not supported by prepared templates.")

    def package(self) -> bytes:
        """The rendered ``.docx``, its entries dated by its core properties' « modified »."""
        replaced = (self.crc_to_new_media, self.crc_to_new_embedded, self.zipname_to_replace)
        if any(replaced) or self.pics_to_replace:
            raise NotImplementedError("docxtpl's replace_* are not supported here.")
        when = self.docx.core_properties.modified or ZIP_EPOCH
        package = self.docx.part.package
        parts = package.parts
        out = BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:

            def put(name: str, data: bytes, *, compressed: bool = False) -> None:
                archive.writestr(stable_entry(name, when, compressed=compressed), data)

            def keep(name: str, stored: Stored) -> None:
                write_stored(archive, stable_entry(name, when), stored)

            # python-docx's PackageWriter order: content types, package rels, each part
            # followed by its relationships.
            types = _ContentTypesItem.from_parts(parts)  # type: ignore[no-untyped-call]
            put("[Content_Types].xml", types.blob)
            put(PACKAGE_URI.rels_uri.membername, package.rels.xml)
            for part in parts:
                entry, rels = part.partname.membername, part.partname.rels_uri.membername
                if (stored := self.prepared.shared(part)) is not None:
                    keep(entry, stored)
                elif part is self.docx.part:
                    put(entry, serialize_part_xml(self.docx.element))
                else:
                    put(entry, part.blob, compressed=part.content_type in _COMPRESSED)
                if not len(part.rels):
                    continue
                if (stored := self.prepared.shared_rels(part)) is not None:
                    keep(rels, stored)
                else:
                    put(rels, part.rels.xml)
        return out.getvalue()

    def save(self, filename: str | Path | IO[bytes], *args: Any, **kwargs: Any) -> None:
        """The package written to ``filename`` (a path or a file).

        Never docxtpl's save: python-docx would write the fork's document part,
        whose element is the template's, not the rendered one.
        """
        data = self.package()
        if isinstance(filename, str | Path):
            Path(filename).write_bytes(data)
        else:
            filename.write(data)


_cache: OrderedDict[bytes, PreparedTemplate] = OrderedDict()
_cache_lock = threading.Lock()


def prepared_template(path: Path) -> PreparedTemplate:
    """The template at ``path``, prepared once per process for each content it has had.

    Keyed by the file's content (SHA-256): a template changed on disk is
    prepared again; the same bytes under two names are prepared once.
    """
    data = path.read_bytes()
    key = hashlib.sha256(data).digest()
    with _cache_lock:
        prepared = _cache.get(key)
        if prepared is not None:
            _cache.move_to_end(key)
            return prepared
    prepared = PreparedTemplate(data)  # outside the lock: another template may be read meanwhile
    with _cache_lock:
        _cache[key] = prepared
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return prepared
