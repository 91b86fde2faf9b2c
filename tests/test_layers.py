"""The house stays clean: every import inside symspec (module level or inside a function) goes to a module of
the same or a lower layer, and the module graph has no cycle.  A new module must be placed in LAYERS."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "symspec"

# lowest first; a module may import its own layer and those above it in this list
LAYERS = [
    # primitives: errors, threads, parameter parsing, and the output layer's shared pieces (no symspec domain)
    [
        "symspec.errors",
        "symspec.interrupts",
        "symspec.runtime",
        "symspec.params",
        "symspec.output",
        "symspec.output.console",
        "symspec.output.table",
        "symspec.output.jsonout",
        "symspec.output.plots",
        "symspec.output.format",
    ],
    # the two sides of every check: SymPy transfers and torch layers / moment engines; verdict builders
    ["symspec.spectral", "symspec.numeric", "symspec.verdicts"],
    # the claim model, its public API and the registry that finds papers by name (never by import)
    ["symspec.claims", "symspec.api", "symspec.registry"],
    # what runs claims or real decoders
    [
        "symspec.falsify",
        "symspec.findings",
        "symspec.replay",
        "symspec.ledger",
        "symspec.experiments",
        "symspec.audit",
        "symspec.conditions",
    ],
    # the papers: metadata, claims stated with the public API, ledger rows and findings as
    # data, above the engine
    ["symspec.papers"],
    # renderers, one per command, and the generated catalog
    [
        "symspec.output.style",
        "symspec.output.check",
        "symspec.output.falsify",
        "symspec.output.findings",
        "symspec.output.derive",
        "symspec.output.ledger",
        "symspec.output.experiment",
        "symspec.output.norms",
        "symspec.output.audit",
        "symspec.output.catalog",
        "symspec.catalog",
        "symspec.preflight",
    ],
    # entry points: the CLI and the Python API
    [
        "symspec.cli",
        "symspec.__main__",
        "symspec",
        "symspec.testing",
        "symspec.output.generated",
    ],  # the documentation's generated blocks run commands
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    return imports_of(package, path.read_text(encoding="utf-8"))


def imports_of(package: str, source: str) -> set[str]:
    """Every symspec module a module of ``package`` imports, anywhere in its source, resolved to module names
    (``from .x import y`` -> ``x.y`` if that is a module, else ``x``)."""
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "symspec":
                continue
            for alias in node.names:
                full = f"{target}.{alias.name}"
                out.add(full if full in MODULES else target)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "symspec"}
    # importing symspec.a.b runs the package symspec.a's __init__ first (not an edge when symspec.a is the
    # importer's own package or above it: that package is initialised before the importer runs at all)
    own = {".".join(package.split(".")[:k]) for k in range(1, package.count(".") + 2)}
    return out | {".".join(m.split(".")[:k]) for m in out for k in range(2, m.count(".") + 1)} - own


MODULES = {module_name(p) for p in ROOT.rglob("*.py")}


def layer(module: str) -> int:
    """The layer of the longest LAYERS entry that is ``module`` or a package above it (the root package
    ``symspec`` itself only by name: a new top-level module must be placed)."""
    best = None
    for rank, names in enumerate(LAYERS):
        for entry in names:
            covers = module == entry or (entry != "symspec" and module.startswith(entry + "."))
            if covers and (best is None or len(entry) > len(best[1])):
                best = (rank, entry)
    assert best is not None, f"{module} is in no layer: add it to LAYERS in tests/test_layers.py"
    return best[0]


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports(p) - {module_name(p)} for p in ROOT.rglob("*.py")}


def test_every_import_goes_to_the_same_or_a_lower_layer():
    upward = [(src, dst) for src, targets in graph().items() for dst in targets if layer(dst) > layer(src)]
    assert not upward, upward


def test_the_module_graph_has_no_cycle():
    edges = graph()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges:
                continue
            if state.get(nxt) == 1:
                return path + [node, nxt]
            if nxt not in state and (found := visit(nxt, path + [node])):
                return found
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state:
            cycle = visit(start, [])
            assert cycle is None, " -> ".join(cycle)


def test_every_module_is_placed_in_a_layer():
    """A new module must be placed explicitly: nothing falls into a layer by being under the root package."""
    unplaced = []
    for module in sorted(MODULES):
        try:
            layer(module)
        except AssertionError:
            unplaced.append(module)
    assert not unplaced, unplaced
    assert layer("symspec") == len(LAYERS) - 1
    with pytest.raises(AssertionError, match="in no layer"):
        layer("symspec.brand_new_module")


def test_the_checker_sees_function_local_and_relative_imports():
    """The rule can fail: a claim module importing the CLI inside a function, three levels up, is upward."""
    found = imports_of(
        "symspec.papers.tang2023", "def f():\n    from ...cli import main\n    from . import common\n"
    )
    assert found == {"symspec.cli", "symspec.papers.tang2023.common"}
    # a submodule of another package also runs that package's __init__
    assert imports_of("symspec.output", "from ..audit.measure import db\n") == {
        "symspec.audit",
        "symspec.audit.measure",
    }
    assert layer("symspec.cli") > layer("symspec.papers.tang2023.theorem2")


def test_no_engine_module_imports_a_paper():
    """The engine finds papers through symspec.registry by name;
    nothing outside symspec/papers imports one."""
    edges = graph()
    importing = sorted(
        (src, dst)
        for src, targets in edges.items()
        if not src.startswith("symspec.papers")
        for dst in targets
        if dst == "symspec.papers" or dst.startswith("symspec.papers.")
    )
    assert not importing, importing
    # the rule can fail: a renderer importing a paper's module is caught
    found = imports_of("symspec.output", "from ..papers.odena2016 import overlap\n")
    assert "symspec.papers.odena2016.overlap" in found or "symspec.papers.odena2016" in found
