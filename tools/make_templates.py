"""Build the docxtpl Word templates of amoor from code.

Usage::

    python tools/make_templates.py [--output-dir templates_docx]

Each template is a real Word document (named built-in styles, heading numbering
attached to the heading styles, a TOC field, header and footer with PAGE / NUMPAGES
fields, A4, French language) holding Jinja2 tags for docxtpl, built by one module of
``tools/templating/`` on the shared pieces of ``templating/common.py``. The firm may
then restyle them in Word: the rendering code only relies on the tags, never on the
look.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from docx.document import Document as DocumentObject
from templating.cahier import build_cahier_des_charges
from templating.facture import build_facture
from templating.kit import build_kit_communication
from templating.pistes import build_rapport_pistes
from templating.relance import build_relance
from templating.roi_guide import build_roi_guide
from templating.strategie import build_cahier_strategie

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT_DIR = REPO_ROOT / "templates_docx"

TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "cahier_des_charges.docx": build_cahier_des_charges,
    "facture.docx": build_facture,
    "cahier_strategie.docx": build_cahier_strategie,
    "rapport_pistes.docx": build_rapport_pistes,
    "kit_roi_guide.docx": build_roi_guide,
    "kit_communication.docx": build_kit_communication,
    "relance.docx": build_relance,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help="folder receiving the templates (default: templates_docx/)",
    )
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        target = args.output_dir / name
        buffer = io.BytesIO()
        build().save(buffer)
        target.write_bytes(_stable_zip(buffer.getvalue()))
        print(f"écrit : {target}")
    return 0


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed entry dates: regenerating changes no byte."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 5, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


if __name__ == "__main__":
    sys.exit(main())
