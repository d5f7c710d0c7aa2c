"""The layout's rules that import-linter cannot state: module size, one job said in a
docstring, no import cycle, and Whoosh's private API only behind its wall."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("indexer", "searchweb")
MODULES = sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
WALL = ROOT / "indexer" / "whoosh_internals"

# Whoosh modules whose documented classes and functions the project may use anywhere.
PUBLIC_WHOOSH = {"whoosh.index", "whoosh.fields", "whoosh.analysis", "whoosh.query",
                 "whoosh.scoring", "whoosh.lang", "whoosh.filedb.filestore"}


# url_for's own keywords, the only "_name=" arguments expected outside the wall.
FLASK_URL_KEYWORDS = {"_external", "_anchor", "_scheme", "_method"}


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", MODULES, ids=_relative)
def test_module_is_short_and_says_its_job(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 400
    docstring = ast.get_docstring(ast.parse(source))
    assert docstring and docstring.strip(), "the module's first docstring line says its one job"


def test_index_facade_stays_small():
    tree = ast.parse((ROOT / "indexer" / "searching" / "index.py").read_text(encoding="utf-8"))
    [index] = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Index"]
    assert index.end_lineno - index.lineno + 1 < 250


def test_no_import_cycle():
    graph = grimp.build_graph(*PACKAGES)
    cycles = []
    for importer in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(importer):
            chain = graph.find_shortest_chain(importer=imported, imported=importer)
            if chain:
                cycles.append(" -> ".join((importer, *chain)))
    assert cycles == []


def _whoosh_uses(path: Path) -> list[str]:
    """Imports of Whoosh modules outside the public set, and private attributes read from
    anything but the module's own objects (``self``, ``cls``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "whoosh":
            found += [f"from whoosh import {a.name}" for a in node.names
                      if f"whoosh.{a.name}" not in PUBLIC_WHOOSH]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh."):
            if node.module not in PUBLIC_WHOOSH:
                found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names
                      if a.name.startswith("whoosh.") and a.name not in PUBLIC_WHOOSH]
        elif (isinstance(node, ast.Attribute) and node.attr.startswith("_")
              and not node.attr.startswith("__")
              and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls", "os"))):
            found.append(f".{node.attr}")
        elif (isinstance(node, ast.keyword) and (node.arg or "").startswith("_")
              and node.arg not in FLASK_URL_KEYWORDS):
            found.append(f"{node.arg}=")
    return found


@pytest.mark.parametrize("path", [p for p in MODULES if WALL not in p.parents], ids=_relative)
def test_whoosh_private_api_only_behind_the_wall(path):
    assert _whoosh_uses(path) == []


def test_the_wall_check_sees_private_uses():
    uses = _whoosh_uses(WALL / "segments.py")
    assert "from whoosh.writing import ..." in uses and "_lk=" in uses and "._commit_toc" in uses
