"""What produced a deliverable: its recipe and the digest of its inputs.

Each deliverable amoor writes is recorded in its folder's manifest with a
*recipe* (what kind of document, from which template) and the digest of its
inputs: the workbook's bytes, the template's bytes, the part of the
configuration it reads, and the pipeline's version (its distribution version
and the digest of its code). A rebuild compares the recorded digest with the
one the inputs have now: equal, the deliverable is up to date and the
workbook is not even opened.

The configuration a document reads depends on its kind: the Word and Excel
deliverables print the seller's name only; a proforma invoice prices the
engagement (catalogue) and prints the whole seller, and so does a *priced*
deliverable (a cahier des charges states the fee as the invoice does). So a
catalogue change rebuilds the proformas and the priced deliverables only; an
issued invoice is never rebuilt (its bytes come from the ledger, see
invoicing/billing.py).

« Today » is not an input: a rebuild dates the documents it rebuilds, and
leaves an up-to-date document with the date it was made on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from pipeline.manifest import digest
from pipeline.render.logo import firm_template
from pipeline.workspace import Workspace

_PACKAGE = Path(__file__).resolve().parent

DOCUMENT = "document"  # a Word deliverable, from a template
WORKBOOK = "workbook"  # an Excel deliverable, from code only
PROFORMA = "proforma"  # a draft invoice, from a template and the catalogue
PRICED = "priced"  # a Word deliverable stating the fee: a template and the catalogue
KINDS = (DOCUMENT, WORKBOOK, PROFORMA, PRICED)
PRICE_READERS = (PROFORMA, PRICED)  # the kinds that read the whole configuration


@dataclass(frozen=True)
class Recipe:
    """What kind of document, and from which template (``""`` when none)."""

    kind: str
    template: str = ""

    def text(self) -> str:
        return f"{self.kind}:{self.template}"

    @classmethod
    def parse(cls, text: str) -> Recipe | None:
        kind, _, template = text.partition(":")
        return cls(kind, template) if kind in KINDS else None


@cache
def pipeline_version() -> str:
    """The distribution's version and the digest of the package's code, computed once."""
    try:
        version = metadata.version("amoor-pipeline")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        version = "0"
    code = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        code.update(path.relative_to(_PACKAGE).as_posix().encode())
        code.update(path.read_bytes())
    return f"{version}+{code.hexdigest()[:16]}"


@dataclass
class Inputs:
    """The digests of a workspace's inputs, each file read once (one per run, one per worker)."""

    workspace: Workspace
    _templates: dict[str, str] = field(default_factory=dict)
    _config: dict[str, str] = field(default_factory=dict)

    def template(self, name: str) -> str:
        if name not in self._templates:
            self._templates[name] = digest(firm_template(self.workspace, name).read_bytes())
        return self._templates[name]

    def config(self, kind: str) -> str:
        if kind not in self._config:
            config = self.workspace.config
            read = repr(config) if kind in PRICE_READERS else config.seller.name
            self._config[kind] = digest(read.encode("utf-8"))
        return self._config[kind]

    def of(self, recipe: Recipe, workbook: str) -> str:
        """The digest of everything that produces a ``recipe`` document from ``workbook``
        (the digest of the workbook's bytes). A missing template raises OSError."""
        parts = [
            recipe.text(),
            workbook,
            self.template(recipe.template) if recipe.template else "",
            self.config(recipe.kind),
            pipeline_version(),
        ]
        return digest("\n".join(parts).encode("utf-8"))
