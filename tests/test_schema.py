"""One JSON schema for every command: each `--json` document validates against the shipped schema, is strict
JSON (no bare NaN/Infinity), and `symspec schema` prints the schema."""

import json

import jsonschema
import pytest

from symspec.catalog import claims

COMMANDS = [("check", c["id"]) for c in claims()] + [
    ("check", "all"),
    ("falsify", "theorem1", "--max-points", "3"),
    ("falsify", "valid-conv", "--max-points", "2"),
    ("findings",),
    ("list",),
    ("derive", "conv", "--kernel", "3", "--padding", "zero", "--size", "4x4"),
    ("derive", "upsample", "--mode", "nearest", "--ratio", "2", "--size", "4x4"),
    ("audit", "examples.decoders:DCGANGenerator", "--input", "64x1x1"),
    ("experiment", "upsampling", "--images", "synthetic"),
    ("ledger",),
]


def strict(text):
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    from symspec.output.jsonout import schema_text

    doc = json.loads(schema_text())
    jsonschema.Draft202012Validator.check_schema(doc)
    return doc


def test_schema_command_prints_the_shipped_schema(run_cli, schema):
    r = run_cli("schema")
    assert r.code == 0 and json.loads(r.out) == schema


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_every_json_output_validates(run_cli, schema, args):
    r = run_cli(*args, "--json")
    assert r.code in (0, 1), r.err
    doc = strict(r.out)
    jsonschema.validate(doc, schema)
    assert doc["command"] == args[0]
