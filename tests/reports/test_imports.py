"""The report modules import each other in one direction only: no circle, not even one hidden in a function."""

from __future__ import annotations

import ast
from pathlib import Path

import inpres

PLUGINS = Path(inpres.__file__).resolve().parents[1]
PACKAGE = "inpres.reports"


def _modules() -> dict[str, Path]:
    folder = PLUGINS.joinpath(*PACKAGE.split("."))
    return {
        ".".join(p.relative_to(PLUGINS).with_suffix("").parts).removesuffix(".__init__"): p
        for p in folder.rglob("*.py")
    }


def _imports(name: str, source: str, modules: set[str], *, package: bool = False) -> set[str]:
    """Of `modules`, those that module `name` imports anywhere in its source, at the top or inside a function.

    Its own parent packages are left out: Python imports them before the module itself, whoever asks."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = name.split(".") if package else name.split(".")[:-1]
                base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
            found |= {base, *(f"{base}.{a.name}" for a in node.names)}
    parents = {name.rsplit(".", n)[0] for n in range(1, name.count(".") + 1)}
    return {m for m in found if m in modules and m != name and m not in parents}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    circles, path, done = [], [], set()

    def visit(m: str) -> None:
        path.append(m)
        for t in sorted(graph[m]):
            if t in path:
                circles.append([*path[path.index(t) :], t])
            elif t not in done:
                visit(t)
        path.pop()
        done.add(m)

    for m in sorted(graph):
        if m not in done:
            visit(m)
    return circles


def test_the_report_modules_import_each_other_without_a_circle():
    modules = _modules()
    graph = {
        name: _imports(name, path.read_text(encoding="utf-8"), set(modules), package=path.name == "__init__.py")
        for name, path in modules.items()
    }
    assert len(modules) > 5 and any(graph.values())  # the walk found the package and its imports
    assert _circles(graph) == []


def test_a_circle_is_found_even_through_a_function_level_import():
    source = "from p import b\n\ndef f():\n    from . import c\n    import p.d\n"
    assert _imports("p.a", source, {"p", "p.a", "p.b", "p.c", "p.d", "p.e"}) == {"p.b", "p.c", "p.d"}
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
