"""Architecture rules that hold for every module of pipeline/.

No façade: a name is imported from the module that defines it, never through a
module that re-exports it. ``from pipeline.x import name as name`` (or
``import x as x``) is how a module marks an import as re-exported for mypy, so no
module of pipeline/ writes it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PIPELINE = ROOT / "pipeline"


def _reexports(path: Path, root: Path) -> list[str]:
    """The imports of ``path`` that keep a name under that same name, as « file:line: import »."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    where = path.relative_to(root).as_posix()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            found += [
                f"{where}:{node.lineno}: from {module} import {a.name} as {a.asname}"
                for a in node.names
                if a.asname == a.name
            ]
        elif isinstance(node, ast.Import):
            found += [
                f"{where}:{node.lineno}: import {a.name} as {a.asname}"
                for a in node.names
                if a.asname == a.name
            ]
    return found


def test_no_module_of_the_pipeline_re_exports_a_name() -> None:
    modules = sorted(PIPELINE.rglob("*.py"))
    assert len(modules) > 100  # the whole package is read, not an empty folder
    reexports = [line for path in modules for line in _reexports(path, ROOT)]
    assert not reexports, (
        "Re-exported names: import each name from the module that defines it, and "
        "delete its re-export:\n" + "\n".join(reexports)
    )


def test_a_re_export_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    module = tmp_path / "pipeline" / "facade.py"
    module.parent.mkdir()
    module.write_text(
        "from pipeline.outbox import commit\n"
        "from pipeline.atomic import atomic_write as atomic_write\n"
        "import json as json\n"
        "from . import names as names\n"
        "from pipeline import names as n\n",
        encoding="utf-8",
    )
    assert _reexports(module, tmp_path) == [
        "pipeline/facade.py:2: from pipeline.atomic import atomic_write as atomic_write",
        "pipeline/facade.py:3: import json as json",
        "pipeline/facade.py:4: from . import names as names",
    ]


def test_no_module_of_the_pipeline_imports_itself_through_others() -> None:
    """No import cycle anywhere in ``pipeline/``, type-checking and in-function imports
    counted: a cycle hides which module is below which."""
    import grimp

    graph = grimp.build_graph("pipeline")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back is not None:
                cycles.append(" → ".join((module, *back)))
    assert cycles == [], "Import cycles:\n" + "\n".join(sorted(set(cycles)))
