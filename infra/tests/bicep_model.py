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
# JSON files the templates and scripts read, kept beside the parse trees under these keys (paths
# relative to infra/) so that a test can also hand a check a broken copy of them.
DATA_FILES = ("graph-permissions.json", "tables.json", "../host.json")

_PARSER = pycep.BicepParser()


def bicep_files() -> list[Path]:
    return sorted(INFRA.rglob("*.bicep"))


def rel(path: Path) -> str:
    return path.relative_to(INFRA).as_posix()


def parse_text(text: str) -> dict:
    return _PARSER.parse(text=text)


def load_templates(overrides: dict[str, str] | None = None) -> dict[str, dict]:
    """Parse every .bicep file under infra/, keyed by path relative to infra/, plus the JSON
    files of DATA_FILES (parsed) under their keys.

    `overrides` replaces the text of some files (used to prove that a check can fail)."""
    overrides = overrides or {}
    trees = {}
    for path in bicep_files():
        key = rel(path)
        text = overrides.get(key, path.read_text())
        trees[key] = parse_text(text)
    for key in DATA_FILES:
        trees[key] = json.loads(overrides.get(key, (INFRA / key).read_text()))
    return trees


def bicep_trees(trees: dict[str, dict]) -> dict[str, dict]:
    """Only the parse trees of .bicep files."""
    return {k: v for k, v in trees.items() if k.endswith(".bicep")}


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
    for file, tree in bicep_trees(trees).items():
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
        if kind == "map":
            lam = params["arg_2"]["detail"]
            items = evaluate(params["arg_1"], env)
            return [evaluate(lam["expression"], {**env, lam["var_1"]: item}) for item in items]
        if kind == "union":
            merged: dict = {}
            for key in sorted(params, key=lambda k: int(k.rsplit("_", 1)[1])):
                part = evaluate(params[key], env)
                if not isinstance(part, dict):
                    raise EvaluationError("union() of non-objects is not supported here")
                merged.update(part)
            return merged
        if kind == "concat":
            out: list = []
            for key in sorted(params, key=lambda k: int(k.rsplit("_", 1)[1])):
                out += evaluate(params[key], env)
            return out
        raise EvaluationError(f"unsupported function {kind}")
    # An object literal.
    return {unquote(k): evaluate(v, env) for k, v in node.items()}


def partial_evaluate(node: Any, env: dict[str, Any], variables: dict[str, Any], _seen: frozenset = frozenset()) -> Any:
    """Resolve what can be resolved (variables of the file, conditionals whose condition `evaluate`
    can decide, union() of objects) and keep everything else as parse nodes. Used to see what a
    resource body becomes for one set of parameter values without evaluating references such as
    `plan.id`."""
    def again(item: Any) -> Any:
        return partial_evaluate(item, env, variables, _seen)

    if isinstance(node, str):
        if node in variables and node not in _seen:
            return partial_evaluate(variables[node]["value"], env, variables, _seen | {node})
        return node
    if isinstance(node, list):
        return [again(item) for item in node]
    if not isinstance(node, dict):
        return node
    if is_op(node, "conditional"):
        ops = node["operator"]["operands"]
        try:
            decided = evaluate(ops["condition"], env)
        except (EvaluationError, KeyError, TypeError):
            return {k: again(v) for k, v in node.items()}
        return again(ops["true_value"] if decided else ops["false_value"])
    if is_fn(node, "union"):
        params = node["function"]["parameters"]
        parts = [again(params[k]) for k in sorted(params, key=lambda k: int(k.rsplit("_", 1)[1]))]
        if all(isinstance(p, dict) and "operator" not in p and "function" not in p for p in parts):
            merged: dict = {}
            for part in parts:
                merged.update(part)
            return merged
        return {k: again(v) for k, v in node.items()}
    return {k: again(v) for k, v in node.items()}


def bicep_string(text: str) -> str:
    """The value of a Bicep string literal as pycep keeps it (escape sequences left as written)."""
    escapes = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", "$": "$"}
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in escapes:
            out.append(escapes[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)
