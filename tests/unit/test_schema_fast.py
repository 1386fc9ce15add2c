"""The compiled validator (fastjsonschema) passes exactly the files jsonschema passes: it only
short-cuts "valid", so a file it wrongly passed would publish a broken plan unexplained."""
from __future__ import annotations

import copy
import pathlib
import random

import pytest

from plansite import schema, yamlfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _kind(path: pathlib.Path) -> str | None:
    if path.parent.name == "crosswalks":
        return "crosswalk"
    if path.parent.name == "frameworks" or path.name.endswith(".framework.yaml"):
        return "framework"
    if path.name == "agency.yaml" or path.name.endswith(".agency.yaml"):
        return "agency"
    return "plan"


def _docs():
    out = []
    for folder in ("plans", "frameworks", "tests/fixtures"):
        for path in sorted((ROOT / folder).rglob("*.yaml")):
            try:
                out.append((path, _kind(path), yamlfile.load(path).data))
            except Exception:   # unreadable YAML never reaches the schema
                continue
    return out


DOCS = _docs()


def _jsonschema_valid(data, name: str) -> bool:
    return next(iter(schema.validator(name).iter_errors(data)), None) is None


def test_there_are_valid_and_invalid_files_to_compare():
    verdicts = [_jsonschema_valid(data, name) for _path, name, data in DOCS]
    assert verdicts.count(True) > 20 and verdicts.count(False) > 20


@pytest.mark.parametrize("name", ["plan", "agency", "framework", "crosswalk"])
def test_both_validators_agree_on_every_project_file(name):
    for path, kind, data in DOCS:
        if kind == name:
            assert schema.is_valid(data, name) == _jsonschema_valid(data, name), path


def _paths(data, here=()):
    yield here
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, here + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, here + (index,))


_REPLACEMENTS = [5, -1, "", "x", "admin\n", None, True, [], {}, ["x"], {"zz": 1}, 1.5, "2025-13-45"]


def _mutate(data, path, rng):
    data = copy.deepcopy(data)
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    if isinstance(parent, dict) and rng.random() < 0.3:
        del parent[key]
    elif isinstance(parent, dict) and rng.random() < 0.2:
        parent["zz_unknown"] = "x"
    else:
        parent[key] = rng.choice(_REPLACEMENTS)
    return data


@pytest.mark.parametrize("name", ["plan", "agency", "framework", "crosswalk"])
def test_both_validators_agree_on_mutated_files(name):
    rng = random.Random(20261204)
    valid = [data for _path, kind, data in DOCS if kind == name and _jsonschema_valid(data, name)]
    assert valid
    compared = invalid = 0
    for round_ in range(600 if name == "plan" else 300):
        data = valid[round_ % len(valid)]
        paths = [p for p in _paths(data) if p]
        mutated = _mutate(data, rng.choice(paths), rng)
        expected = _jsonschema_valid(mutated, name)
        assert schema.is_valid(mutated, name) == expected
        compared += 1
        invalid += not expected
    assert invalid > compared // 3   # the mutations do break files
