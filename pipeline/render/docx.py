"""Render a docxtpl template with a context into ``.docx`` bytes.

Autoescape is on (``&`` and ``<`` typed by a consultant stay text), a name the
data lacks is an error at build time (``StrictUndefined``), never a silent
blank, and strings are cleaned of XML-illegal characters before rendering.

The same template, context and date give the same bytes (package.py): the
document is dated ``dated`` (the build date: the day its cover says it was
made), or, without one, keeps the dates of its template. Core properties
(title, subject…) too long for Word are shortened with « … »: they are metadata.

Each template is prepared once per process (prepared.py: docxtpl's tag
clean-up and the Jinja compile of every part, the package read once), then
rendered by docxtpl as many times as needed, the parts it does not change
copied as stored. The table of contents is then filled with the document's
headings (contents.py).
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from html import escape
from io import BytesIO
from pathlib import Path
from typing import Any

import jinja2
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage

from pipeline.errors import RenderError
from pipeline.render.chart_cache import Chart, ChartCache
from pipeline.render.contents import fill_table_of_contents
from pipeline.render.package import midnight
from pipeline.render.prepared import PreparedTemplate, prepared_template
from pipeline.text import clean_text, french_spacing

# What a template receives: pre-formatted French strings, lists, dicts, pictures.
Context = dict[str, Any]


@dataclass(frozen=True)
class Picture:
    """A PNG to place in a document, at a given width: bytes, or a chart still to draw."""

    source: bytes | Chart
    width_cm: float
    description: str  # alternative text, and what golden contexts show instead of bytes

    @property
    def png(self) -> bytes:
        """The PNG bytes, the chart drawn now (no cache) when it is one."""
        return self.source if isinstance(self.source, bytes) else self.source.draw()

    def drawn(self, charts: ChartCache | None) -> bytes:
        """The PNG bytes, a chart taken from ``charts`` (drawn there when new)."""
        if isinstance(self.source, bytes) or charts is None:
            return self.png
        return charts.png(self.source)


class _DescribedImage(InlineImage):  # type: ignore[misc]  # docxtpl ships no types
    """An inline image with alternative text (``descr``), read by screen readers."""

    def __init__(self, document: DocxTemplate, picture: Picture, png: bytes) -> None:
        super().__init__(document, BytesIO(png), width=Cm(picture.width_cm))
        self.description = picture.description

    def _insert_image(self) -> str:
        xml: str = super()._insert_image()
        described = f'<wp:docPr descr="{escape(self.description, quote=True)}" '
        return xml.replace("<wp:docPr ", described, 1)


def _prepare(value: Any, document: DocxTemplate, charts: ChartCache | None = None) -> Any:
    """A copy of a context for Word: strings cleaned for XML and spaced the French way,
    pictures made inline images (charts taken from ``charts``, drawn when new)."""
    if isinstance(value, str):
        return french_spacing(clean_text(value))
    if isinstance(value, Picture):
        return _DescribedImage(document, value, value.drawn(charts))
    if isinstance(value, Mapping):
        return {k: _prepare(v, document, charts) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_prepare(v, document, charts) for v in value]
    return value


def render_docx(
    template: Path,
    context: Mapping[str, Any],
    *,
    dated: date | None = None,
    charts: ChartCache | None = None,
) -> bytes:
    """The rendered document as bytes; nothing is written to disk but new charts.

    ``dated``: the day the document is created and modified (core properties,
    zip entries); without it, the template's own dates are kept. ``charts``:
    where the charts of the context are kept once drawn (without it, each is
    drawn).
    """
    prepared = _prepared(template)
    document = prepared.start()
    try:
        document.render(
            _prepare(context, document, charts), jinja_env=prepared.environment, autoescape=True
        )
    except jinja2.UndefinedError as exc:
        raise RenderError(
            f"Le modèle « {template.name} » utilise une donnée inconnue ({exc.message}). "
            f"Vérifiez l'orthographe de la balise {{{{ … }}}} dans le modèle Word."
        ) from exc
    except jinja2.TemplateSyntaxError as exc:  # compiled at render: a source not prepared
        raise _malformed(template, exc) from exc
    fill_table_of_contents(document.docx.element, prepared.outline)
    if dated is not None:
        properties = document.docx.core_properties
        properties.created = properties.modified = midnight(dated)
    return document.package()


def _prepared(template: Path) -> PreparedTemplate:
    """The template prepared (once per process for each content), or a French RenderError."""
    if not template.is_file():
        raise RenderError(
            f"Modèle introuvable : {template}. Restaurez-le depuis le dossier templates_docx "
            f"d'origine ou supprimez la copie locale pour utiliser le modèle fourni."
        )
    try:
        return prepared_template(template)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RenderError(
            f"Le modèle « {template} » est illisible (ce n'est plus un document Word valide). "
            f"Restaurez-le depuis une sauvegarde, ou supprimez-le de l'espace de travail pour "
            f"utiliser le modèle fourni avec amoor."
        ) from exc
    except jinja2.TemplateSyntaxError as exc:
        raise _malformed(template, exc) from exc


def _malformed(template: Path, exc: jinja2.TemplateSyntaxError) -> RenderError:
    return RenderError(
        f"Le modèle « {template.name} » contient une balise mal formée ({exc.message}). "
        f"Dans Word, retapez la balise d'un seul tenant, sans mise en forme au milieu."
    )
