"""Read the Bicep files of infra/ as parse trees (pycep-parser) and answer questions about them.

pycep-parser turns a .bicep file into JSON-like dicts. Its quirks, handled here:
- identifiers and string literals are both plain Python strings;
- a resource or module body is wrapped in {"loop_type", "condition", "config"} for a
  for-expression and in {"condition", "config"} for `if (...)`;
- object keys written in quotes keep their quotes;
- `a.b == c` is parsed as property_accessor(a, equals(b, c)); `evaluate` undoes that.
Because names and string literals look the same, `evaluate` must be given only the names an
expression really reads (a literal equal to a name in the environment would be resolved).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pycep

INFRA = Path(__file__).resolve().parents[1]
REPO = INFRA.parent
GRAPH_PERMISSIONS_FILE = INFRA / "graph-permissions.json"

_PARSER = pycep.BicepParser()


def bicep_files() -> list[Path]:
    return sorted(INFRA.rglob("*.bicep"))


def rel(path: Path) -> str:
    return path.relative_to(INFRA).as_posix()


def parse_text(text: str) -> dict:
    return _PARSER.parse(text=text)


def load_templates(overrides: dict[str, str] | None = None) -> dict[str, dict]:
    """Parse every .bicep file under infra/, keyed by path relative to infra/.

    `overrides` replaces the text of some files (used to prove that a check can fail)."""
    overrides = overrides or {}
    trees = {}
    for path in bicep_files():
        key = rel(path)
        text = overrides.get(key, path.read_text())
        trees[key] = parse_text(text)
    return trees


def graph_permissions() -> dict:
    return json.loads(GRAPH_PERMISSIONS_FILE.read_text())


def unquote(key: str) -> str:
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == "'" else key


def body(entry: dict) -> dict:
    """The object body of a resource or module, without loop/condition wrappers."""
    config = entry["config"]
    while isinstance(config, dict) and "config" in config and ("loop_type" in config or "condition" in config):
        config = config["config"]
    return config


def condition(entry: dict) -> Any:
    config = entry["config"]
    return config.get("condition") if isinstance(config, dict) else None


def loop(entry: dict) -> dict | None:
    config = entry["config"]
    return config.get("loop_type") if isinstance(config, dict) else None


def resources(tree: dict, type_: str | None = None, *, existing: bool | None = None) -> dict[str, dict]:
    found = {}
    for name, res in tree.get("resources", {}).items():
        if type_ is not None and res["type"] != type_:
            continue
        if existing is not None and res["existing"] != existing:
            continue
        found[name] = res
    return found


def all_resources(trees: dict[str, dict], type_: str, *, existing: bool | None = False) -> list[tuple[str, str, dict]]:
    out = []
    for file, tree in trees.items():
        for name, res in resources(tree, type_, existing=existing).items():
            out.append((file, name, res))
    return out


def variable(tree: dict, name: str) -> Any:
    return tree["variables"][name]["value"]


def parameter(tree: dict, name: str) -> dict:
    return tree["parameters"][name]


def walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def function_calls(node: Any) -> Iterator[tuple[str, dict]]:
    """Every function call in a subtree: (pycep function type, its node)."""
    for item in walk(node):
        if isinstance(item, dict):
            fn = item.get("function")
            if isinstance(fn, dict) and "type" in fn:
                yield fn["type"], fn
            op = item.get("operator")
            if isinstance(op, dict) and op.get("type") == "function_accessor":
                yield op["operands"].get("func_name", ""), op
            if isinstance(fn, dict) and fn.get("type") == "list_func":
                yield fn["parameters"].get("func_name", ""), fn


def strings(node: Any) -> Iterator[str]:
    for item in walk(node):
        if isinstance(item, str):
            yield item


def is_op(node: Any, type_: str) -> bool:
    return isinstance(node, dict) and isinstance(node.get("operator"), dict) and node["operator"].get("type") == type_


def is_fn(node: Any, type_: str) -> bool:
    return isinstance(node, dict) and isinstance(node.get("function"), dict) and node["function"].get("type") == type_


def accessor_path(node: Any) -> list[Any]:
    """`a.b.c` / `a[0].b` as a flat list ['a', 'b', 'c'] / ['a', 0, 'b']."""
    if isinstance(node, str):
        return [node]
    if is_op(node, "property_accessor") or is_op(node, "index_accessor"):
        ops = node["operator"]["operands"]
        return accessor_path(ops["operand_1"]) + accessor_path(ops["operand_2"])
    return [node]


class EvaluationError(Exception):
    pass


_BINARY = {
    "equals": lambda a, b: a == b,
    "not_equals": lambda a, b: a != b,
    "and": lambda a, b: bool(a) and bool(b),
    "or": lambda a, b: bool(a) or bool(b),
}


def evaluate(node: Any, env: dict[str, Any]) -> Any:
    """Evaluate a small Bicep expression subset (enough for the guards and filters here).

    A bare string is a name when `env` has it, otherwise a string literal."""
    if isinstance(node, (bool, int, float)) or node is None:
        return node
    if isinstance(node, str):
        return env.get(node, node) if node in env else node
    if isinstance(node, list):
        return [evaluate(item, env) for item in node]
    if "operator" in node:
        op = node["operator"]
        kind, ops = op["type"], op.get("operands", {})
        if kind == "property_accessor":
            target, member = ops["operand_1"], ops["operand_2"]
            # pycep binds `a.b == c` as a.(b == c): apply the accessor to the left operand.
            if isinstance(member, dict) and "operator" in member and member["operator"]["type"] in _BINARY:
                inner = member["operator"]
                left = {"operator": {"type": "property_accessor", "operands": {"operand_1": target, "operand_2": inner["operands"]["operand_1"]}}}
                return _BINARY[inner["type"]](evaluate(left, env), evaluate(inner["operands"]["operand_2"], env))
            base = evaluate(target, env)
            if isinstance(member, str):
                if not isinstance(base, dict) or member not in base:
                    raise EvaluationError(f"no member {member!r}")
                return base[member]
            raise EvaluationError(f"unsupported accessor {member!r}")
        if kind in _BINARY:
            return _BINARY[kind](evaluate(ops["operand_1"], env), evaluate(ops["operand_2"], env))
        if kind == "not":
            return not evaluate(ops["bool_value"], env)
        if kind == "conditional":
            branch = "true_value" if evaluate(ops["condition"], env) else "false_value"
            return evaluate(ops[branch], env)
        raise EvaluationError(f"unsupported operator {kind}")
    if "function" in node:
        fn = node["function"]
        kind, params = fn["type"], fn.get("parameters", {})
        if kind == "contains":
            return evaluate(params["item_to_find"], env) in evaluate(params["container"], env)
        if kind == "empty":
            return len(evaluate(params["item_to_test"], env)) == 0
        if kind == "starts_with":
            return str(evaluate(params["string_to_search"], env)).startswith(str(evaluate(params["string_to_find"], env)))
        if kind == "join":
            return str(evaluate(params["delimiter"], env)).join(evaluate(params["input_array"], env))
        if kind == "fail":
            raise EvaluationError("fail(): " + str(params.get("arg_1")))
        if kind == "filter":
            lam = params["expression"]["detail"]
            items = evaluate(params["input_array"], env)
            return [item for item in items if evaluate(lam["expression"], {**env, lam["var_1"]: item})]
        raise EvaluationError(f"unsupported function {kind}")
    # An object literal.
    return {unquote(k): evaluate(v, env) for k, v in node.items()}
