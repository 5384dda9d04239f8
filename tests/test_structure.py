"""How the packages depend on each other: no import circle anywhere, and each folder's allowed direction.

Imports under `if TYPE_CHECKING:` count too: a circle that only type hints close is still a design
where two modules need each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("services", "telemetry", "ui", "locustfiles", "lab", "benchmarks")
# What each package may import of the others (itself always): the service and the registry build on
# telemetry's declarations and the lab's layout; telemetry and the layout on nothing of theirs.
ALLOWED = {
    "telemetry": {"lab"},
    "lab": {"services", "telemetry"},  # the console and launchers read settings of both
    "services": {"telemetry", "lab"},
    "ui": {"telemetry", "lab"},
    "locustfiles": {"lab"},
    "benchmarks": {"services", "telemetry", "lab", "locustfiles"},
}
# The service's image holds lab/layout.py of the lab, no more: the launchers and the console stay home.
NARROW = {
    ("telemetry", "lab"): {"lab.layout"},
    ("services", "lab"): {"lab.layout"},
    ("locustfiles", "lab"): {"lab.layout"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for package in PACKAGES for p in (REPO / package).rglob("*.py")}


def imports_of(module: str) -> set[str]:
    """First-party modules `module` imports (the deepest module each import names)."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        found.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_no_module_imports_itself_back() -> None:
    assert circles(GRAPH) == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_only_what_its_place_allows(package: str) -> None:
    wrong = []
    for module, imported in GRAPH.items():
        if module.split(".")[0] != package:
            continue
        for name in imported:
            other = name.split(".")[0]
            if other == package:
                continue
            narrow = NARROW.get((package, other))
            if other not in ALLOWED[package] or (narrow is not None and name not in narrow | {other}):
                wrong.append(f"{module} imports {name}")
    assert not wrong, "\n".join(wrong)
