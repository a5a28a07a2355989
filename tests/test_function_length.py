"""No function in src/ runs over 80 lines, except the declared template builders.

A long function does several jobs; split it into named helpers that say what each does. The
blueprint's builders are the one exception: each declares the resources of one capability,
property by property, the way a template reads, and cutting one would only scatter it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src"
LIMIT = 80

#: Declarative template builders allowed over the limit, by "module:function", each with why.
TEMPLATE_BUILDERS: dict[str, str] = {
    "appstack.blueprint.service:build": "the cluster, task definition, service, scaling and "
    "their logs, declared property by property",
    "appstack.blueprint.network:build": "the VPC, subnets, routes, gateways and endpoints, "
    "declared property by property",
    "appstack.blueprint.database:build": "the subnet group, parameter group, instance and its "
    "managed secret, declared property by property",
    "appstack.blueprint.database:restart_on_rotation": "the two roles, the runbook and the "
    "EventBridge rule of one restart, declared property by property",
    "appstack.blueprint.loadbalancer:build": "the load balancer, its listeners and target "
    "group, declared property by property",
    "appstack.blueprint.firewall:build": "the web ACL's rules, one declaration each",
}


def _functions(
    node: ast.AST, prefix: str = ""
) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function below `node`, nested ones and methods too, by qualified name."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield prefix + child.name, child
            yield from _functions(child, f"{prefix}{child.name}.")
        elif isinstance(child, ast.ClassDef):
            yield from _functions(child, f"{prefix}{child.name}.")
        else:
            yield from _functions(child, prefix)


def _module(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def long_functions(root: Path = SOURCE, limit: int = LIMIT) -> dict[str, int]:
    """Every function under `root` longer than `limit` lines (its `def` line to its last
    line, decorators aside), by "module:qualified name"."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, function in _functions(tree):
            length = (function.end_lineno or function.lineno) - function.lineno + 1
            if length > limit:
                found[f"{_module(path, root)}:{name}"] = length
    return found


def test_no_function_runs_over_80_lines_but_the_template_builders() -> None:
    too_long = {
        name: length for name, length in long_functions().items() if name not in TEMPLATE_BUILDERS
    }
    assert too_long == {}, "split these into named helpers: " + ", ".join(
        f"{name} ({length} lines)" for name, length in sorted(too_long.items())
    )


def test_every_allowed_builder_exists_and_is_still_long() -> None:
    """An allowance outlives its reason once the builder is gone or short: drop it then."""
    assert set(TEMPLATE_BUILDERS) <= set(long_functions())


def test_a_nested_function_over_the_limit_is_found(tmp_path: Path) -> None:
    body = "\n".join(f"            x{i} = {i}" for i in range(LIMIT))
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(
        f"class Holder:\n    def outer(self):\n        def inner():\n{body}\n"
    )
    found = long_functions(tmp_path)
    assert set(found) == {"pkg.mod:Holder.outer", "pkg.mod:Holder.outer.inner"}
    assert found["pkg.mod:Holder.outer.inner"] == LIMIT + 1


@pytest.mark.parametrize("lines", [LIMIT - 1, LIMIT])
def test_a_function_of_80_lines_or_fewer_is_fine(tmp_path: Path, lines: int) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(lines - 1))
    (tmp_path / "mod.py").write_text(f"def short():\n{body}\n")
    assert long_functions(tmp_path) == {}
