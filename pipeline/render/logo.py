"""The firm's logo on the covers and the invoices, not amoor's.

The shipped templates carry amoor's logo, an ordinary picture (« Logo du
cabinet »). A firm with another name would send documents under amoor's mark, so
the template a workspace renders with is derived from the shipped one:

- ``[vendeur] logo = "logo.png"`` in amoor.toml: every picture of amoor's logo
  becomes the firm's, at the same width, its height following the picture's
  proportions (no taller than :data:`MAX_HEIGHT_EMU`);
- no logo given and a firm not named amoor: amoor's logo is left out;
- a template whose logo a firm already replaced in Word is left as it is: only
  the picture whose bytes are amoor's own (:data:`SHIPPED_LOGO`) is touched.
"""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from lxml import etree

from pipeline.atomic import atomic_write
from pipeline.png import png_size
from pipeline.render.package import with_parts
from pipeline.workspace import Workspace

# sha256 of tools/assets/logo-amoor.png, the picture the shipped templates hold.
SHIPPED_LOGO = "37c075233ec6e992293f68ccf9add0a09ede9733fa6515be2de0fd0945c6123f"
MAX_HEIGHT_EMU = 1_080_000  # 3 cm
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_STORIES = ("word/document.xml", "word/header", "word/footer")


def firm_template(workspace: Workspace, name: str) -> Path:
    """The template documents are rendered with: the workspace's (Workspace.template), its
    amoor logo made the firm's, kept in ``.amoor/modeles/`` (state.py) when it differs."""
    template = workspace.template(name)
    stat = template.stat()
    config = workspace.config
    return _firm_template(
        template,
        stat.st_mtime_ns,
        stat.st_size,
        config.seller.name,
        config.logo,
        workspace.state.templates,
    )


@lru_cache(maxsize=64)
def _firm_template(
    template: Path, mtime_ns: int, size: int, firm: str, logo: bytes | None, folder: Path
) -> Path:
    """``template`` with the firm's logo, written once into ``folder`` when it differs;
    the cache key holds what it depends on."""
    del mtime_ns, size  # in the key: a template edited in place is read again
    data = template.read_bytes()
    derived = with_firm_logo(data, firm, logo)
    if derived is data:
        return template
    target = folder / f"{hashlib.sha256(derived).hexdigest()[:16]}-{template.name}"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, derived)
    return target


def is_amoor(firm: str) -> bool:
    """Whether the configured firm is amoor itself, whose logo the templates carry."""
    return firm.casefold().split(" ", 1)[0] == "amoor"


def with_firm_logo(template: bytes, firm: str, logo: bytes | None) -> bytes:
    """``template`` (a .docx) with amoor's logo made the firm's: replaced by ``logo``
    (PNG bytes), or left out when the firm is not amoor and gives none; ``template``
    itself when there is nothing to change."""
    if logo is None and is_amoor(firm):
        return template
    with zipfile.ZipFile(BytesIO(template)) as package:
        names = package.namelist()
        shipped = {
            name
            for name in names
            if name.startswith("word/media/")
            and hashlib.sha256(package.read(name)).hexdigest() == SHIPPED_LOGO
        }
        if not shipped:
            return template
        changed: dict[str, bytes] = {}
        for story in (n for n in names if n.startswith(_STORIES) and n.endswith(".xml")):
            edited = _with_logo(package, story, shipped, logo)
            if edited is not None:
                changed.update(edited)
        if logo is not None:
            changed.update(dict.fromkeys(shipped, logo))
    # Without a logo, amoor's picture is left out with every relationship naming it.
    return with_parts(template, changed, left_out=shipped if logo is None else ())


def _with_logo(
    package: zipfile.ZipFile, story: str, shipped: set[str], logo: bytes | None
) -> dict[str, bytes] | None:
    """The story's XML with its pictures of amoor's logo resized to ``logo``, or removed
    with their relationships (its rels part too then); None when it holds none."""
    folder, name = posixpath.split(story)
    rels_name = f"{folder}/_rels/{name}.rels"
    if rels_name not in package.namelist():
        return None
    rels = etree.fromstring(package.read(rels_name))
    logo_ids = {
        rel.get("Id")
        for rel in rels.iter(f"{{{_RELS}}}Relationship")
        if posixpath.normpath(posixpath.join(folder, rel.get("Target", ""))) in shipped
    }
    if not logo_ids:
        return None
    root = etree.fromstring(package.read(story))
    size = png_size(logo) if logo is not None else None
    found = False
    for blip in list(root.iter(f"{{{_A}}}blip")):
        if blip.get(f"{{{_R}}}embed") not in logo_ids:
            continue
        drawing = next((a for a in blip.iterancestors() if a.tag == f"{{{_W}}}drawing"), None)
        if drawing is None:
            continue
        found = True
        if logo is None:
            run = drawing.getparent()
            if run is not None and run.getparent() is not None:
                run.getparent().remove(run)
        elif size is not None:
            _resize(drawing, size)
    if not found:
        return None
    edited = {story: _xml(root)}
    if logo is None:
        for rel in list(rels):
            if rel.get("Id") in logo_ids:
                rels.remove(rel)
        edited[rels_name] = _xml(rels)
    return edited


def _xml(root: etree._Element) -> bytes:
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return xml


def _resize(drawing: etree._Element, size: tuple[int, int]) -> None:
    """The picture's frame kept at its width, its height to the logo's proportions."""
    extent = next(drawing.iter(f"{{{_WP}}}extent"), None)
    if extent is None:
        return
    width = int(extent.get("cx", "0"))
    height = width * size[1] // size[0]
    if height > MAX_HEIGHT_EMU:
        width, height = MAX_HEIGHT_EMU * size[0] // size[1], MAX_HEIGHT_EMU
    for box in (extent, *drawing.iter(f"{{{_A}}}ext")):
        box.set("cx", str(width))
        box.set("cy", str(height))
