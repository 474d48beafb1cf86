"""The layering, read from the imports (issue 13): the core, the models, the services and the
journeys load without Flask (a worker or a script needs none of it), and no module imports,
even lazily, a module that imports it back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant", "dialogs", "forms")
FLASK_FREE = ("assistant.core", "assistant.models", "assistant.services", "dialogs")

LOAD_ALL = """
import importlib, pkgutil, sys
for name in PACKAGES:
    package = importlib.import_module(name)
    for found in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(found.name)
web = {"flask", "flask_login", "flask_babel", "flask_wtf", "wtforms"}
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in web)))
"""


def web_modules_loaded_by(packages: tuple[str, ...]) -> str:
    """Import every module of these packages in a fresh interpreter; the Flask modules loaded."""
    script = LOAD_ALL.replace("PACKAGES", repr(packages))
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_the_core_models_services_and_journeys_load_without_flask():
    assert web_modules_loaded_by(FLASK_FREE) == ""


def test_the_flask_check_sees_flask():
    assert "flask" in web_modules_loaded_by(("forms",)).split(",")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }


def import_graph() -> dict[str, set[str]]:
    """Module → the project's modules it imports, at the top or inside a function alike."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from a import b`: the module a.b if there is one, else a name of a
                candidates = [
                    f"{node.module}.{a.name}"
                    if f"{node.module}.{a.name}" in modules
                    else node.module
                    for a in node.names
                ]
            else:
                continue
            found.update(c for c in candidates if c in modules and c != name)
        graph[name] = found
    # importing a.b.c runs a/__init__ and a/b/__init__ too, but those are whatever they import
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_circle():
    assert circles(import_graph()) == []


def test_the_circle_check_sees_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert "assistant.core.text" in import_graph()["assistant.services.visits.booking"]
