"""Every .bicep file parses with two independent real parsers (no type checking: see README)."""

from __future__ import annotations

import json
import re

import pytest
import tree_sitter
import tree_sitter_bicep

from bicep_model import INFRA, bicep_files, load_templates, parse_text, rel

BICEP_FILES = bicep_files()
# tree-sitter-bicep 1.1.0 (the PyPI release) predates Bicep's `extension` statement
# (tree-sitter-grammars/tree-sitter-bicep issue #35). Those lines are checked on their own
# against bicepconfig.json and blanked before the grammar parses the rest of the file.
EXTENSION_LINE = re.compile(rb"^extension[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*$", re.MULTILINE)


def _ts_parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_bicep.language()))


def _ts_errors(source: bytes) -> list[str]:
    tree = _ts_parser().parse(source)
    errors = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            line = node.start_point[0] + 1
            errors.append(f"line {line}: {source[node.start_byte:node.end_byte][:60]!r}")
            continue
        stack.extend(node.children)
    return errors


def _configured_extensions() -> set[str]:
    return set(json.loads((INFRA / "bicepconfig.json").read_text())["extensions"])


def test_there_are_bicep_files():
    names = {rel(p) for p in BICEP_FILES}
    assert "main.bicep" in names and len(names) >= 8


@pytest.mark.parametrize("path", BICEP_FILES, ids=rel)
def test_tree_sitter_bicep_parses_without_error(path):
    source = path.read_bytes()
    configured = _configured_extensions()
    for match in EXTENSION_LINE.finditer(source):
        assert match.group(1).decode() in configured, f"extension {match.group(1)!r} is not in bicepconfig.json"
    blanked = EXTENSION_LINE.sub(lambda m: b" " * len(m.group(0)), source)
    assert _ts_errors(blanked) == []


def test_tree_sitter_reports_broken_bicep():
    assert _ts_errors(b"resource site 'Microsoft.Web/sites@2024-04-01' = {\n  name: 'x'\n") != []
    assert _ts_errors(b"param a string = 'x'\n") == []


@pytest.mark.parametrize("path", BICEP_FILES, ids=rel)
def test_pycep_parses_without_error(path):
    tree = parse_text(path.read_text())
    assert isinstance(tree, dict) and (tree.get("resources") or tree.get("modules"))


def test_pycep_reports_broken_bicep():
    with pytest.raises(Exception):
        parse_text("resource site 'Microsoft.Web/sites@2024-04-01' = {\n  name: 'x'\n")


def test_graph_extension_declared_where_graph_resources_are_used():
    configured = _configured_extensions()
    assert configured == {"microsoftGraphV1"}
    assert json.loads((INFRA / "bicepconfig.json").read_text())["extensions"]["microsoftGraphV1"].startswith(
        "br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:"
    )
    for file, tree in load_templates().items():
        uses_graph = any(r["type"].startswith("Microsoft.Graph/") for r in tree.get("resources", {}).values())
        assert ("microsoftGraphV1" in tree.get("extensions", {})) == uses_graph, file


def test_every_module_exists_and_gets_exactly_its_parameters():
    trees = load_templates()
    used = set()
    for file, tree in trees.items():
        for name, mod in tree.get("modules", {}).items():
            target = (INFRA / file).parent / mod["detail"]["path"]
            key = target.resolve().relative_to(INFRA).as_posix()
            assert key in trees, f"{file}: module {name} -> {key} does not exist"
            used.add(key)
            declared = trees[key].get("parameters", {})
            required = {p for p, d in declared.items() if d.get("default") is None}
            config = mod["config"]
            while "config" in config and ("loop_type" in config or "condition" in config):
                config = config["config"]
            passed = set(config.get("params", {}))
            assert passed <= set(declared), f"{file}: {name} passes unknown {sorted(passed - set(declared))}"
            assert required <= passed, f"{file}: {name} misses {sorted(required - passed)}"
    assert used == {k for k in trees if k.startswith("modules/")}, "a module file is never used"


def test_parameters_file_matches_main():
    trees = load_templates()
    declared = trees["main.bicep"]["parameters"]
    given = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    assert set(given) <= set(declared), sorted(set(given) - set(declared))
    required = {p for p, d in declared.items() if d.get("default") is None}
    assert required <= set(given)
    for name, entry in given.items():
        assert set(entry) == {"value"}, f"{name}: only plain values (no Key Vault references, no secrets)"
