"""The layout holds: apps import only downwards (madrasah ← kompetensi ← mutu ← laporan), also inside
functions; the only import cycles between modules of an app are the ones `docs/architecture.md`
explains; no module outside models and data tables passes 500 lines; no old flat module is back."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["madrasah", "kompetensi", "mutu", "laporan"]
LONG_ALLOWED = {"madrasah/models.py", "kompetensi/models.py", "kompetensi/instruments/seed_data.py"}


def _modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _imported(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module of the project that `module` imports, at module level or inside a function."""
    targets = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            names = [f"{origin}.{alias.name}" for alias in node.names] + [origin]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
    return targets


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {module: _imported(module, path, modules) for module, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected groups of more than one module, among the modules of one app."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other.split(".")[0] != node.split(".")[0]:
                continue
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def _explained_cycles() -> list[frozenset[str]]:
    text = (ROOT / "docs/architecture.md").read_text()
    section = text.split("<!-- cycles: the test reads this list -->")[1].split("<!-- /cycles -->")[0]
    return [
        frozenset(re.findall(r"`([a-z_.]+)`", line.split(":")[0]))
        for line in section.splitlines()
        if line.startswith("- ")
    ]


def test_apps_import_only_downwards_even_inside_functions():
    rank = {app: i for i, app in enumerate(APPS)}
    upwards = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if rank[target.split(".")[0]] > rank[module.split(".")[0]]
    )
    assert upwards == []


def test_the_only_import_cycles_inside_an_app_are_the_explained_ones():
    explained = _explained_cycles()
    assert explained, "docs/architecture.md lists the cycles that remain"
    unexplained = [sorted(group) for group in _cycles(_graph()) if not any(pair <= group for pair in explained)]
    assert unexplained == []


def test_templates_of_an_app_load_no_tag_library_of_an_app_above_it():
    libraries = {
        path.stem: path.relative_to(ROOT).parts[0]
        for app in APPS
        for path in (ROOT / app / "templatetags").glob("*.py")
    }
    rank = {app: i for i, app in enumerate(APPS)}
    upwards = []
    for app in APPS:
        for template in (ROOT / app / "templates").rglob("*.html"):
            for load in re.findall(r"{%\s*load\s+([^%]+)%}", template.read_text()):
                for library in load.split():
                    owner = libraries.get(library)
                    if owner and rank[owner] > rank[app]:
                        upwards.append(f"{template.relative_to(ROOT)} loads {library} ({owner})")
    assert upwards == []


def test_no_module_passes_500_lines_except_models_and_data_tables():
    long = sorted(
        f"{path.relative_to(ROOT)}: {count}"
        for path in _modules().values()
        if str(path.relative_to(ROOT)) not in LONG_ALLOWED
        and "management" not in path.parts
        and (count := len(path.read_text().splitlines())) > 500
    )
    assert long == []
