"""Check a Word template before a build trips on it: ``amoor templates check``.

What a firm restyling a template in Word can break, found with the Word
paragraph where it is:

- a tag Jinja cannot read (``{{ mission.reference }``, an ``{% if %}`` never
  closed, an unknown filter). The XML is prepared exactly as docxtpl prepares
  it for rendering (``DocxTemplate.patch_xml``), with a new line before each
  paragraph (as ``render_xml_part`` does) and before each tag, so Jinja's line
  number names the tag; the n-th such tag is then found in the raw XML's
  paragraphs, whose text is what the firm sees in Word. After an error the
  faulty tag is blanked and the part read again: every error is reported, not
  only the first;
- a tag Word cut into runs of different formatting, or across a link, a
  tracked change or a paragraph: found in the raw XML, before docxtpl glues
  the pieces together (keeping the first one's formatting, or merging two
  paragraphs); an ``{%p … %}`` tag sharing its paragraph with text docxtpl
  would drop;
- a name or a dotted path that none of the contexts of the documents using
  the template supplies (``template_data.py``; the contexts come from
  ``templates.py``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from lxml import etree

from pipeline.render.docx import Context
from pipeline.render.prepared import environment
from pipeline.render.template_data import unknown_names

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PROPERTIES = ("title", "subject", "author", "identifier", "comments", "language")
_BLOCKS = {"if", "for", "macro", "call", "filter", "block", "with", "autoescape", "raw", "trans"}
_DELIMITERS = re.compile(r"\{[{%#]|[}%#]\}")
_CLOSING = {"{{": "}}", "{%": "%}", "{#": "#}"}
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
# Run properties Word changes by itself (spelling, language): not a change of formatting.
_NOISE = {f"{W}lang", f"{W}noProof", f"{W}rPrChange", f"{W}webHidden"}


class Severity(StrEnum):
    PROBLEM = "Problème"
    REMARK = "Remarque"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str  # French, a whole sentence
    where: str = ""  # « corps du document », « en-tête »…
    paragraph: str = ""  # the Word paragraph's text


def check_template(path: Path, contexts: Sequence[Context] | None) -> list[Finding]:
    """Every problem of one template; ``contexts`` None: the data is not checked."""
    from docxtpl import DocxTemplate

    try:
        template = DocxTemplate(path)
        template.init_docx()
        parts = list(_parts(template))
    except Exception as error:  # python-docx raises many kinds on a damaged file
        return [
            Finding(
                Severity.PROBLEM,
                f"Le fichier n'est pas un document Word lisible ({type(error).__name__}) : "
                f"restaurez-le, ou supprimez-le pour utiliser le modèle fourni.",
            )
        ]
    env = environment()
    findings: list[Finding] = []
    for part in parts:
        if part.xml is not None:
            findings += _split_tags(part)
        tree = _syntax(env, part, findings)
        if tree is not None and contexts:
            findings += _data(env, part, tree, contexts)
    return findings


@dataclass(frozen=True)
class _Part:
    """One XML part of the template (body, a header…), as Jinja reads it and as Word holds it."""

    where: str
    source: str  # docxtpl's patched XML, a new line before each paragraph and each tag
    xml: etree._Element | None  # the raw XML, before docxtpl's patching
    text: str = ""  # a part that is plain text (a document property)

    @cached_property
    def tags(self) -> list[tuple[str, str]]:
        """(tag, text of its Word paragraph), for every tag of the raw part, in order."""
        found = []
        paragraphs = [] if self.xml is None else [_text(p) for p in self.xml.iter(f"{W}p")]
        for paragraph in paragraphs or [self.text]:
            found += [(_key(tag), paragraph) for tag in _TAG.findall(paragraph)]
        return found

    def paragraph(self, lineno: int | None) -> str:
        """The Word paragraph holding the tag that starts Jinja's line ``lineno``."""
        lines = self.source.split("\n")
        if lineno is None or not 1 <= lineno <= len(lines):
            return ""
        line = lines[lineno - 1]
        tag = _TAG.match(line)
        if tag is not None:
            key = _key(tag.group())
            # The n-th such tag of the source is the n-th of the raw part: docxtpl moves
            # {%tr %} tags out of their row, but keeps them in order.
            nth = sum(1 for before in lines[: lineno - 1] if _starts_with(before, key))
            same = [paragraph for tag_key, paragraph in self.tags if tag_key == key]
            if nth < len(same):
                return _plain(same[nth])
        return _plain(html.unescape(re.sub(r"<[^>]+>", "", line)))


def _starts_with(line: str, key: str) -> bool:
    tag = _TAG.match(line)
    return tag is not None and _key(tag.group()) == key


def _key(tag: str) -> str:
    """A tag as docxtpl leaves it for Jinja (no p/tr/tc/r prefix, straight quotes), spaceless."""
    tag = html.unescape(tag)
    tag = re.sub(r"^\{([{%])(?:p|tr|tc|r)\s", r"{\1 ", tag)
    for curly, straight in (("‘", "'"), ("’", "'"), ("“", '"'), ("”", '"')):
        tag = tag.replace(curly, straight)
    return "".join(tag.split())


def _text(paragraph: etree._Element) -> str:
    """The paragraph's own text (not that of a text box inside it)."""
    return "".join(t.text or "" for t in _pieces(paragraph))


def _pieces(paragraph: etree._Element) -> list[etree._Element]:
    return [t for t in paragraph.iter(f"{W}t") if _owner(t) is paragraph]


def _owner(element: etree._Element) -> etree._Element | None:
    return next(element.iterancestors(f"{W}p"), None)


def _parts(template: Any) -> Iterator[_Part]:
    body = template.docx._element.body
    yield _Part("corps du document", _lines(template.patch_xml(template.get_xml())), body)
    for uri, where in ((template.HEADER_URI, "en-tête"), (template.FOOTER_URI, "pied de page")):
        for _, part in template.get_headers_footers(uri):
            raw = template.get_part_xml(part)
            yield _Part(where, _lines(template.patch_xml(raw)), etree.fromstring(raw.encode()))
    for part in template.docx.part.package.parts:
        if part.content_type.endswith(".footnotes+xml"):
            raw = part.blob.decode("utf-8")
            tree = etree.fromstring(part.blob)
            yield _Part("notes de bas de page", _lines(template.patch_xml(raw)), tree)
    core = template.docx.core_properties
    for name in PROPERTIES:
        text = getattr(core, name) or ""
        if "{" in text:
            yield _Part(f"propriétés du document ({name})", _lines(text), None, text)


def _lines(xml: str) -> str:
    """A new line before each paragraph, as docxtpl's ``render_xml_part`` does, and before
    each tag: Jinja's line number then names the tag itself."""
    return re.sub(r"(?=\{[{%#])", "\n", re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))


def _plain(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- syntax


def _syntax(env: jinja2.Environment, part: _Part, findings: list[Finding]) -> nodes.Template | None:
    """The syntax tree of the part, once every faulty line is reported and blanked."""
    lines = part.source.split("\n")
    for _ in range(50):
        source = "\n".join(lines)
        try:
            tree = env.parse(source)
            env.compile(tree)  # unknown filters and tests show here
            return tree
        except jinja2.TemplateSyntaxError as error:
            lineno = error.lineno
            if error.message and error.message.startswith("Unexpected end of template"):
                lineno = _unclosed_block(env, source) or lineno
            findings.append(
                Finding(
                    Severity.PROBLEM,
                    f"Balise illisible : {_french(error.message or '')}",
                    part.where,
                    part.paragraph(lineno),
                )
            )
            if not 1 <= lineno <= len(lines):
                return None
            blanked = _TAG.sub("", lines[lineno - 1])
            if blanked == lines[lineno - 1]:
                return None
            lines[lineno - 1] = blanked
    return None


def _unclosed_block(env: jinja2.Environment, source: str) -> int | None:
    """The line of the innermost block (``{% if %}``, ``{% for %}``…) left open."""
    opened: list[int] = []
    after_begin = False
    try:
        for lineno, kind, value in env.lex(source):
            if kind == "block_begin":
                after_begin = True
                continue
            if kind == "whitespace":
                continue
            if after_begin and kind == "name":
                if value in _BLOCKS:
                    opened.append(lineno)
                elif value.startswith("end") and value != "endset" and opened:
                    opened.pop()
            after_begin = False
    except jinja2.TemplateSyntaxError:
        return None
    return opened[-1] if opened else None


_RETYPE = "Corrigez la balise dans Word (retapez-la d'un seul tenant si Word l'a coupée)."
# Jinja's messages, said in French, with what to do.
_TRANSLATIONS = (
    (
        r"Unexpected end of template\..*The innermost block that needs to be closed is '(\w+)'.*",
        "« {{% {0} … %}} » n'est jamais fermé : ajoutez « {{% end{0} %}} » là où le bloc finit "
        "(ou « {{%p end{0} %}} », seul dans son paragraphe).",
    ),
    (r"[Uu]nexpected end of template.*", "Un bloc ou une balise n'est jamais fermé."),
    (
        r"Encountered unknown tag '(end\w+)'.*",
        "« {{% {0} %}} » ne ferme aucun bloc ouvert : supprimez-le ou ouvrez le bloc avant.",
    ),
    (r"Encountered unknown tag '(\w+)'.*", "Balise inconnue « {{% {0} %}} ». " + _RETYPE),
    (r"No filter named '(.+)'.*", "Filtre inconnu « {0} » (après la barre « | »). " + _RETYPE),
    (r"No test named '(.+)'.*", "Test inconnu « {0} » (après « is »). " + _RETYPE),
    (r"expected token '(.+)', got '(.+)'", "« {0} » attendu, « {1} » trouvé. " + _RETYPE),
    (r"unexpected '(.+)'", "« {0} » inattendu. " + _RETYPE),
    (r"unexpected char '(.+)' at \d+", "Caractère inattendu « {0} ». " + _RETYPE),
)


def _french(message: str) -> str:
    for pattern, french in _TRANSLATIONS:
        found = re.fullmatch(pattern, message.strip(), flags=re.DOTALL)
        if found:
            return french.format(*found.groups())
    return f"{message} (message de Jinja). {_RETYPE}"


# --------------------------------------------------------------------------- split tags


def _split_tags(part: _Part) -> list[Finding]:
    assert part.xml is not None
    findings = []
    for paragraph in part.xml.iter(f"{W}p"):
        pieces = _pieces(paragraph)
        text = "".join(t.text or "" for t in pieces)
        if "{" not in text and "}" not in text:
            continue
        owner_of = [index for index, t in enumerate(pieces) for _ in t.text or ""]

        def finding(message: str, text: str = text) -> Finding:
            return Finding(Severity.PROBLEM, message, part.where, _plain(text))

        opening: tuple[str, int] | None = None
        for match in _DELIMITERS.finditer(text):
            mark = match.group()
            if mark in _CLOSING:
                if opening is not None:
                    findings.append(finding(_unclosed(text[opening[1] :])))
                opening = (mark, match.start())
            elif opening is None or _CLOSING[opening[0]] != mark:
                findings.append(finding(f"« {mark} » ferme une balise qui n'est pas ouverte."))
                opening = None
            else:
                start, end = opening[1], match.end()
                opening = None
                used = [pieces[i] for i in sorted(set(owner_of[start:end]))]
                problem = _cut(used, text[start:end], text)
                if problem:
                    findings.append(finding(problem))
        if opening is not None:
            findings.append(finding(_unclosed(text[opening[1] :])))
    return findings


def _unclosed(rest: str) -> str:
    return (
        f"La balise « {_plain(rest, 40)} » n'est pas fermée dans ce paragraphe : une balise "
        f"tient dans un seul paragraphe."
    )


def _cut(pieces: list[etree._Element], tag: str, paragraph: str) -> str:
    """What goes wrong with a tag spread over these ``w:t``, or an empty string."""
    if tag.startswith("{%p") and paragraph.strip() != tag.strip():
        return (
            f"La balise « {tag} » doit être seule dans son paragraphe : le reste du "
            f"paragraphe disparaîtrait du document. Placez le texte dans un autre paragraphe."
        )
    runs = [t.getparent() for t in pieces]
    if len({id(run.getparent()) for run in runs if run is not None}) > 1:
        return (
            f"La balise « {tag} » est à cheval sur un lien, une modification suivie ou un "
            f"champ Word : retapez-la d'un seul tenant, en dehors de ces éléments."
        )
    if len({_formatting(run) for run in runs if run is not None}) > 1:
        return (
            f"Word a coupé la balise « {tag} » en morceaux de mises en forme différentes : "
            f"retapez-la d'un seul tenant, sans mise en forme au milieu."
        )
    return ""


def _formatting(run: etree._Element) -> bytes:
    properties = run.find(f"{W}rPr")
    if properties is None:
        return b""
    kept = [child for child in properties if child.tag not in _NOISE]
    return b"".join(sorted(etree.tostring(child) for child in kept))


# --------------------------------------------------------------------------- data


def _data(
    env: jinja2.Environment, part: _Part, tree: nodes.Template, contexts: Sequence[Context]
) -> list[Finding]:
    return [
        Finding(
            Severity.PROBLEM,
            f"Donnée inconnue « {name} » : aucun des documents qui utilisent ce modèle ne la "
            f"fournit. Vérifiez l'orthographe de la balise.",
            part.where,
            part.paragraph(lineno),
        )
        for name, lineno in unknown_names(tree, contexts, set(env.globals))
    ]
