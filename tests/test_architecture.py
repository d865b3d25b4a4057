"""The package's shape, kept by tests: imports run one way (readers → model → facts → engine → rules →
findings → renderers, orchestration on top), no module imports itself round a circle, only the engine
adapter touches durable-rules, and every package is installed."""

from __future__ import annotations

import ast
import tomllib

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "checker"

# Lowest first. A module may import from its own layer or a lower one, never from a higher one.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("checker", "checker.errors", "checker.safefile", "checker.yamlio", "checker.quantity", "checker.stated",
              "checker.i18n", "checker.memo", "checker.display", "checker.patterns",
              "checker.output", "checker.pool", "checker.progress")),
    ("model", ("checker.model", "checker.findings", "checker.sections", "checker.inputs")),
    ("readers", ("checker.readers",)),
    ("facts", ("checker.facts",)),
    ("engine", ("checker.engine",)),
    ("rules", ("checker.rulebook",)),
    ("check", ("checker.results", "checker.check")),
    ("results", ("checker.packed", "checker.gate", "checker.store", "checker.cache")),
    ("renderers", ("checker.render", "checker.annotate")),
    ("orchestration", ("checker.walk", "checker.batch", "checker.joining", "checker.dask_executor", "checker.config", "checker.run",
                       "checker.parsing",
                       "checker.annotating")),
    ("service", ("checker.serve", "checker.service")),
    ("command line", ("checker.cli",)),
]


def _module(path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Every module's imports of other jxcheck modules (a package's submodule when it is one) and of
    durable-rules (as "durable")."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            else:
                continue
            for t in targets:
                if t.startswith("durable"):
                    deps.add("durable")
                elif t.split(".")[0] == "checker" and t != name:
                    deps.add(t)
        graph[name] = deps
    return graph


def _layer(module: str) -> int:
    best = (-1, -1)  # (length of the matching prefix, layer)
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            # the root package ("checker": its version) holds nothing else: a module must be placed itself
            if (module == p or (p != "checker" and module.startswith(p + "."))) and len(p) > best[0]:
                best = (len(p), i)
    assert best[1] >= 0, f"{module} is in no layer: add it to LAYERS"
    return best[1]


GRAPH = _imports()


def test_every_module_has_a_layer():
    for module in GRAPH:
        _layer(module)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_one_way(module):
    here = _layer(module)
    upward = sorted(d for d in GRAPH[module] if d != "durable" and _layer(d) > here)
    assert not upward, (f"{module} ({LAYERS[here][0]}) imports from a higher layer: "
                        + ", ".join(f"{d} ({LAYERS[_layer(d)][0]})" for d in upward))


def test_no_import_cycles():
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(GRAPH.get(m, ())):
            if d == "durable":
                continue
            if state.get(d) == 1:
                cycle = stack[stack.index(d):] + [d]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m)


def test_only_the_engine_adapter_imports_durable_rules():
    users = sorted(m for m, deps in GRAPH.items() if "durable" in deps)
    assert users and all(m.startswith("checker.engine") for m in users), users


def test_every_package_is_installed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    packages = {_module(p) for p in PACKAGE.rglob("__init__.py")}
    assert packages <= listed, f"packages missing from pyproject.toml: {sorted(packages - listed)}"


def test_rules_are_compiled_once(monkeypatch, capsys):
    """Loading compiles each rule once; building the engine (here and in workers, which receive the rules
    pickled with their compiled form) compiles nothing again."""
    import checker.rulebook.load as load
    from checker.cli import main
    from checker.rulebook import bundled_rules_dir, load_rules

    calls: list[str] = []
    compile_rule = load.compile_rule
    monkeypatch.setattr(load, "compile_rule", lambda rule_id, patterns: calls.append(rule_id)
                        or compile_rule(rule_id, patterns))
    n = len(load_rules([bundled_rules_dir()]))
    calls.clear()
    assert main(["check", str(ROOT / "fixtures" / "seed_yongzhou_2021.txt"), "--no-config", "--no-cache", "-j", "0",
                 "-q", "--format", "json"]) == 1
    capsys.readouterr()
    assert sorted(calls) == sorted(set(calls)) and len(calls) == n
