"""What a template reads that no context supplies: names and dotted paths.

Names come from ``jinja2.meta.find_undeclared_variables``; dotted paths
(``mission.reference``, ``s.name`` inside ``{% for s in stakeholders %}``) from
Jinja's own syntax tree, loop variables followed into the list they iterate.
A path that only some contexts hold is fine (a guarded branch); one that no
context can tell about (an empty list, a value made by a filter) is not
reported: only what is surely missing is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import meta, nodes

from pipeline.render.docx import Context


def unknown_names(
    tree: nodes.Template, contexts: Sequence[Context], globals_: set[str]
) -> list[tuple[str, int | None]]:
    """(name or path as the template spells it, its line) for what no context supplies."""
    known = set().union(*(context.keys() for context in contexts)) | globals_
    unknown: list[tuple[str, int | None]] = []
    for name in sorted(meta.find_undeclared_variables(tree) - known):
        lineno = next(
            (n.lineno for n in tree.find_all(nodes.Name) if n.name == name and n.ctx == "load"),
            None,
        )
        unknown.append((name, lineno))
    reported: set[tuple[str, ...]] = set()
    for use in _Paths(globals_).collect(tree):
        path = use.path
        if len(path) < 2 or path[0] not in known - globals_ or path in reported:
            continue
        if _supplied(contexts, path) is False:
            reported.add(path)
            unknown.append((use.spelled, use.lineno))
    return unknown


@dataclass(frozen=True)
class _Use:
    path: tuple[str, ...]  # from the context's root: ("stakeholders", "[]", "name")
    spelled: str  # as the template writes it: "s.name"
    lineno: int


def _spelled(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return str(node.name)
    if isinstance(node, nodes.Getattr):
        return f"{_spelled(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return f"{_spelled(node.node)}[{node.arg.value!r}]"
    return "…"


class _Paths:
    """The dotted paths a template reads, loop variables followed into their lists.

    ``{% for s in stakeholders %}{{ s.name }}`` reads ``stakeholders[].name``
    (``[]``: any element). A value made by a filter, a call or an unknown
    construct has no path: nothing is said about it.
    """

    def __init__(self, globals_: set[str]) -> None:
        self.globals = globals_
        self.found: list[_Use] = []

    def collect(self, tree: nodes.Template) -> list[_Use]:
        for child in tree.body:
            self._visit(child, {})
        return self.found

    def _visit(self, node: nodes.Node, scope: dict[str, tuple[str, ...] | None]) -> None:
        if isinstance(node, nodes.For):
            self._visit(node.iter, scope)
            inner = dict(scope, loop=None)
            base = self._path(node.iter, scope)
            self._bind(node.target, None if base is None else (*base, "[]"), inner)
            for child in [*node.body, *([node.test] if node.test else [])]:
                self._visit(child, inner)
            for child in node.else_:
                self._visit(child, scope)
        elif isinstance(node, nodes.Assign):
            self._visit(node.node, scope)
            self._bind(node.target, self._path(node.node, scope), scope)
        elif isinstance(node, nodes.Macro | nodes.CallBlock | nodes.AssignBlock | nodes.With):
            inner = dict(scope)
            for target in node.find_all(nodes.Name):
                if target.ctx in ("param", "store"):
                    inner[target.name] = None
            for child in node.iter_child_nodes():
                self._visit(child, inner)
        elif isinstance(node, nodes.Test) and node.name in ("defined", "undefined"):
            return
        elif isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            path = self._path(node, scope)
            if path is None:
                for child in node.iter_child_nodes():
                    self._visit(child, scope)
                return
            self.found.append(_Use(path, _spelled(node), node.lineno))
            if isinstance(node, nodes.Getitem):
                self._visit(node.arg, scope)
        else:
            for child in node.iter_child_nodes():
                self._visit(child, scope)

    def _bind(
        self, target: nodes.Node, path: tuple[str, ...] | None, scope: dict[str, Any]
    ) -> None:
        if isinstance(target, nodes.Name):
            scope[target.name] = path
        else:  # a tuple unpacked (k, v): what each holds is not followed
            for name in target.find_all(nodes.Name):
                scope[name.name] = None

    def _path(self, node: nodes.Node, scope: Mapping[str, Any]) -> tuple[str, ...] | None:
        if isinstance(node, nodes.Name):
            if node.name in scope:
                bound: tuple[str, ...] | None = scope[node.name]
                return bound
            return None if node.name in self.globals else (node.name,)
        if isinstance(node, nodes.Getattr):
            base = self._path(node.node, scope)
            return None if base is None else (*base, node.attr)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            base = self._path(node.node, scope)
            key = node.arg.value
            if base is None or not isinstance(key, str | int):
                return None
            return (*base, key if isinstance(key, str) else "[]")
        return None


def _supplied(values: Sequence[Any], path: tuple[str, ...]) -> bool | None:
    """True when some value holds the path, False when none does, None when none can tell."""
    results = [_holds(value, path) for value in values]
    if True in results:
        return True
    return False if False in results else None


def _holds(value: Any, path: tuple[str, ...]) -> bool | None:
    if not path:
        return True
    head, rest = path[0], path[1:]
    if head == "[]":
        if isinstance(value, list | tuple):
            return _supplied(value, rest)
        return None
    if isinstance(value, Mapping) and head in value:
        return _holds(value[head], rest)
    # A method or an attribute Jinja falls back to (dict.items, str.upper) is there too.
    return hasattr(value, head)
