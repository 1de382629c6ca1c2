"""The import graph draws the architecture (docs/architecture.md): a folder of api/ uses only the
folders below it, modules import each other without cycles, and no module under api/ passes
300 lines. Pure file reading: no app."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

API = Path(__file__).resolve().parent.parent / "api"
# Each layer, and the layers it may import. `base` is config, extensions, metrics, models, problems, urls.
MAY_USE = {
    "rules": set(),
    "base": {"rules"},
    "read": {"rules", "base"},
    "write": {"rules", "base", "read"},
    "middleware": {"rules", "base", "read"},
    "routes": {"rules", "base", "read", "write", "middleware"},
    "pages": {"rules", "base", "read"},
    "factory": {"rules", "base", "read", "write", "middleware", "routes", "pages"},
}


def module_of(path: Path) -> str:
    parts = list(path.relative_to(API.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "factory"
    return parts[1] if parts[1] in MAY_USE else "base"


MODULES = {module_of(path): path for path in sorted(API.rglob("*.py"))}


def imports(module: str) -> set[str]:
    """The api modules `module` imports (`from api.x import y` counts api.x.y when it is a module)."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "api":
            for name in [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]:
                if name in MODULES and name != module:
                    found.add(name)
    return found


GRAPH = {module: imports(module) for module in MODULES}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_layers_below_it(module):
    upward = {target for target in GRAPH[module]
              if layer_of(target) != layer_of(module) and layer_of(target) not in MAY_USE[layer_of(module)]}
    assert not upward, f"{module} ({layer_of(module)}) imports {sorted(upward)}: move the shared piece down"


def test_modules_import_each_other_without_cycles():
    # A package's __init__ importing its own modules is not a cycle worth naming.
    edges = {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in GRAPH.items()}
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                pytest.fail("import cycle: " + " -> ".join([*path[path.index(target):], target]))
            if target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])


def test_the_check_sees_an_upward_import():
    assert "routes" not in MAY_USE["read"] and layer_of("api.routes.countries") == "routes"
    assert layer_of("api.models") == "base" and layer_of("api") == "factory"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_passes_300_lines(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= 300, f"{MODULES[module]} has {lines} lines: split it by concern"


def test_the_top_level_stays_small():
    top = [path.name for path in API.glob("*.py")]
    assert len(top) <= 15, top
