"""The package's imports: no cycle, and each layer importing only the layers below it.

Every ``import`` and ``from ... import`` statement of every module under ``punchout/`` is
read from its syntax tree, wherever it stands: at the top, inside a function (the lazy
imports), or under ``if TYPE_CHECKING:``. ``from package import name`` counts as importing
the submodule when ``name`` is one, and otherwise the package. A package's ``__init__`` that
Python runs on the way to a submodule is not counted as imported.

The layers, lowest first: ``protocol`` (pure cXML and OCI), ``domain``, ``runtime``,
``web`` and ``cli``; ``printnow`` is the PrintNow client; ``devtools`` (the sandbox, the
buyer simulator, the demo) is not part of the product.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "punchout"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _known(name: str) -> str | None:
    """The module ``name`` names, or the innermost package of the project that holds it."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports_of(module: str) -> set[str]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(filter(None, (_known(alias.name) for alias in node.names)))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..y import z
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                target = submodule if submodule in MODULES else _known(base)
                if target:
                    found.add(target)
    found.discard(module)
    return found


GRAPH = {module: _imports_of(module) for module in MODULES}


def _cycles(graph: dict[str, set[str]]) -> Iterator[list[str]]:
    """One cycle (first module repeated at the end) for each group of modules that import
    each other (strongly connected components, Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    yield _cycle_through(graph, set(component))


def _cycle_through(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest path from the component's first module back to itself."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & component):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    raise AssertionError(f"{sorted(component)} is not a cycle")


def _layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _imports(where: Callable[[str, str], bool]) -> list[str]:
    """Each import ``where(module, imported)`` is true of, as a line."""
    return [
        f"{module} imports {target}"
        for module, targets in sorted(GRAPH.items())
        for target in sorted(targets)
        if where(module, target)
    ]


def test_the_graph_sees_the_lazy_imports() -> None:
    """The walk finds imports inside functions, under TYPE_CHECKING, and relative ones."""
    assert "punchout.devtools.demo" in GRAPH["punchout.cli.demo"]  # inside the command
    assert "punchout.domain.cart" in GRAPH["punchout.cli.buyer_view"]  # inside a function
    assert "punchout.domain.admin_screen" in GRAPH["punchout.cli.buyer_view"]  # TYPE_CHECKING
    assert "punchout.runtime.connector" in GRAPH["punchout.cli.common"]
    assert "punchout.domain.orders.checks" in GRAPH["punchout.domain.orders.placing"]  # .checks
    assert len(MODULES) > 100


def test_no_module_imports_itself_through_others() -> None:
    cycles = [" -> ".join(cycle) for cycle in _cycles(GRAPH)]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_a_cycle_is_found_and_printed() -> None:
    """The check can fail: a made-up graph with a cycle reports it, start to start."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}}
    assert list(_cycles(graph)) == [["a", "b", "c", "a"]]


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("protocol", {"domain", "runtime", "web", "cli"}),
        ("domain", {"web", "cli"}),
    ],
)
def test_a_layer_imports_none_above_it(layer: str, forbidden: set[str]) -> None:
    wrong = _imports(lambda module, target: _layer(module) == layer and _layer(target) in forbidden)
    assert not wrong, "\n".join(wrong)


def test_only_the_demo_command_imports_the_devtools() -> None:
    """The sandbox, the simulator and the demo are not part of the product: only the
    ``demo`` command loads them (when it runs)."""
    wrong = _imports(
        lambda module, target: (
            _layer(target) == "devtools"
            and _layer(module) != "devtools"
            and module != "punchout.cli.demo"
        )
    )
    assert not wrong, "\n".join(wrong)


def test_only_the_entry_points_import_the_command_line() -> None:
    """The app factory and everything below it know nothing of the ``punchout`` command."""
    wrong = _imports(
        lambda module, target: (
            _layer(target) == "cli" and _layer(module) != "cli" and module != "punchout.__main__"
        )
    )
    assert not wrong, "\n".join(wrong)
