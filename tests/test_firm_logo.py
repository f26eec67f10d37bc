"""The firm's logo on the documents, never amoor's under another firm's name."""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from lxml import etree

from pipeline.build import build
from pipeline.errors import ConfigError
from pipeline.render.logo import SHIPPED_LOGO
from pipeline.workspace import Workspace
from tests.conftest import EXAMPLES, ROOT, TODAY

STOPPED = next(p for p in EXAMPLES if "arretee" in p.name)  # issues an invoice: cover + invoice
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def _png(width: int, height: int) -> bytes:
    """A real PNG picture, one colour (written by hand: no drawing library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x20\x40\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _logos(docx: Path) -> list[tuple[bytes, int, int]]:
    """(picture bytes, cx, cy) of each « Logo du cabinet » of a document's body."""
    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        found = []
        for drawing in root.iter("{*}drawing"):
            described = drawing.find(f".//{WP}docPr")
            if described is None or described.get("descr") != "Logo du cabinet":
                continue
            blip = next(drawing.iter("{*}blip"))
            embed = blip.get(
                "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
            )
            extent = drawing.find(f".//{WP}extent")
            assert extent is not None
            picture = package.read(f"word/{targets[embed]}")
            found.append((picture, int(extent.get("cx", "0")), int(extent.get("cy", "0"))))
    return found


def _built(workspace: Workspace) -> list[Path]:
    result = build(STOPPED, workspace, TODAY)
    assert result.commit is not None
    return [p for p in result.commit.written if p.suffix == ".docx"]


def _set_seller_key(workspace: Workspace, line: str) -> Workspace:
    config = workspace.config_path
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[vendeur]\n", f"[vendeur]\n{line}\n", 1), encoding="utf-8")
    return Workspace.open(workspace.root)


def test_the_shipped_logo_is_the_one_amoor_recognises() -> None:
    shipped = (ROOT / "tools" / "assets" / "logo-amoor.png").read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == SHIPPED_LOGO


def test_amoor_keeps_its_own_logo(workspace: Workspace) -> None:
    assert workspace.config.seller.name.startswith("amoor")
    documents = _built(workspace)
    logos = [logo for document in documents for logo in _logos(document)]
    assert len(logos) >= 2  # the cover and the invoice
    assert {hashlib.sha256(picture).hexdigest() for picture, _, _ in logos} == {SHIPPED_LOGO}


def test_another_firm_without_a_logo_sends_no_amoor_mark(workspace: Workspace) -> None:
    other = _set_seller_key(workspace, "")
    text = other.config_path.read_text(encoding="utf-8")
    other.config_path.write_text(
        text.replace(
            'raison_sociale = "amoor conseil (fictif, tests)"', 'raison_sociale = "Cité Conseil"'
        ),
        encoding="utf-8",
    )
    documents = _built(Workspace.open(workspace.root))
    assert len(documents) >= 3
    for document in documents:
        assert _logos(document) == [], document.name
        with zipfile.ZipFile(document) as package:
            pictures = [n for n in package.namelist() if n.startswith("word/media/")]
            assert all(
                hashlib.sha256(package.read(n)).hexdigest() != SHIPPED_LOGO for n in pictures
            )
            relations = b"".join(package.read(n) for n in package.namelist() if n.endswith(".rels"))
            assert all(n.removeprefix("word/").encode() in relations for n in pictures)


def test_a_configured_logo_takes_amoors_place_in_its_proportions(workspace: Workspace) -> None:
    logo = _png(40, 10)
    (workspace.root / "logo-cabinet.png").write_bytes(logo)
    configured = _set_seller_key(workspace, 'logo = "logo-cabinet.png"')

    documents = _built(configured)

    logos = [found for document in documents for found in _logos(document)]
    assert len(logos) >= 2
    for picture, cx, cy in logos:
        assert picture == logo
        assert abs(cy * 40 - cx * 10) <= 40  # 4:1, to the EMU


@pytest.mark.parametrize(
    ("content", "said"), [(None, "ne peut pas être lu"), (b"GIF89a", "n'est pas une image PNG")]
)
def test_a_logo_that_is_not_a_png_is_reported_with_its_key(
    workspace: Workspace, content: bytes | None, said: str
) -> None:
    if content is not None:
        (workspace.root / "logo.gif").write_bytes(content)
    configured = _set_seller_key(workspace, 'logo = "logo.gif"')
    with pytest.raises(ConfigError, match=rf"\[vendeur\] logo : .*{said}"):
        configured.config  # noqa: B018  (reading it is the check)


def test_the_png_helper_makes_a_picture_pillow_reads() -> None:
    from PIL import Image

    with Image.open(BytesIO(_png(40, 10))) as picture:
        assert picture.size == (40, 10)
