"""The libyaml fast route (yamlfile._load_events) gives exactly the Doc of the Python route, and
leaves every file it is unsure of to the Python route, whose messages editors see."""
from __future__ import annotations

import pathlib

import pytest
import yaml

from plansite import yamlfile
from plansite.errors import PlanError

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILES = sorted(p for folder in ("plans", "frameworks", "tests/fixtures") for p in (ROOT / folder).rglob("*.yaml"))

pytestmark = pytest.mark.skipif(not yamlfile._LIBYAML, reason="PyYAML built without libyaml: only the Python route runs")


def _python_route(path: pathlib.Path):
    """yamlfile.load with the fast route switched off: the reference."""
    original = yamlfile._load_events
    yamlfile._load_events = lambda *args: None
    try:
        return yamlfile.load(path)
    except PlanError as exc:
        return exc
    finally:
        yamlfile._load_events = original


def _same(a, b) -> None:
    if isinstance(a, PlanError) or isinstance(b, PlanError):
        assert isinstance(a, PlanError) and isinstance(b, PlanError)
        assert a.problem == b.problem
        return
    assert a.data == b.data
    assert [type(v) for v in _leaves(a.data)] == [type(v) for v in _leaves(b.data)]
    assert a.value_pos == b.value_pos
    assert a.key_pos == b.key_pos


def _leaves(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _leaves(value)
    elif isinstance(data, list):
        for value in data:
            yield from _leaves(value)
    else:
        yield data


def test_the_project_has_yaml_files_to_compare():
    assert len(FILES) > 100


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_routes_read_every_project_file_alike(path):
    try:
        fast = yamlfile.load(path)
    except PlanError as exc:
        fast = exc
    _same(fast, _python_route(path))


TRICKY = {
    "anchor": "a: &x 1\nb: *x\n",
    "tag": "a: !!str 5\n",
    "local tag": "a: !thing 5\n",
    "non-specific tag": "a: ! 5\n",
    "merge": "base: {a: 1}\nc:\n  <<: {a: 1}\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "number key": "1: a\n",
    "null key": "null: a\n~: b\n",
    "bool key": "true: a\n",
    "quoted number key": "'1': a\n",
    "list key": "[a]: b\n",
    "comment eats text": "a: 公告 #1 與 #2\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "empty": "# only a comment\n",
    "scalar root": "just text\n",
    "deep": "a: " + "[" * 45 + "]" * 45 + "\n",
    "depth 39": "a: " + "[" * 38 + "]" * 38 + "\n",
    "flow": "a: [1, {b: 'c', d: \"e\"}, null, ~, true, 1.5, 0x1f, 2025-01-15, no]\n",
    "block scalars": "a: |\n  line 1\n  line 2\nb: >-\n  folded\n  text\n",
    "crlf": "a: 1\r\nb:\r\n  - x\r\n  - y\r\n",
    "nel": "a: x\x85b: y\n",
    "line separator": "a: x\u2028y\n",
    "control": "a: x\x07y\n",
    "bom inside": "a: x\ufeffy\n",
    "unclosed quote": "a: 'x\nb: 2\n",
    "bad indent": "a:\n  b: 1\n   c: 2\n",
    "colon": "a: b: c\n",
    "nbsp and wide": "title: 提升服務\u00a0計畫 ＃1\nunits: [行政課, 服務課]\n",
    "empty values": "a:\nb: []\nc: {}\nd: ''\n",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_both_routes_agree_on_tricky_yaml(name, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes(TRICKY[name].encode("utf-8"))
    try:
        fast = yamlfile.load(path)
    except PlanError as exc:
        fast = exc
    _same(fast, _python_route(path))


def test_the_fast_route_reads_a_real_plan_and_bails_on_an_alias(tmp_path):
    plan = ROOT / "plans" / next(p.name for p in (ROOT / "plans").iterdir() if p.is_dir())
    path = next(plan.glob("1*.yaml"))
    text = yamlfile.read_text(path)
    assert yamlfile._load_events(path, text, text.splitlines()) is not None
    aliased = tmp_path / "a.yaml"
    assert yamlfile._load_events(aliased, "a: &x 1\nb: *x\n", ["a: &x 1", "b: *x"]) is None
    assert yaml.__with_libyaml__


_INSERTS = list(":-#\"'[]{},?|>%@`!&* \n0123456789+") + [
    ": ", " #", "- ", "\n  ", "\n- ", "? ", "---\n", "...\n", "  ", "\n\n", "|#", ">-", "|2", "|+", "\\",
    "\\n", "\r\n", "\r", "\t", "\ufeff", "\u3000", "\x85", "&a ", "*a", "!!str "]


def test_whatever_the_fast_route_accepts_the_python_route_reads_alike(tmp_path):
    """Thousands of small corruptions of real plans (the typos editors make, and worse): the fast
    route either bails out or gives exactly the Python route's Doc; it never passes a file PyYAML refuses."""
    import random

    rng = random.Random(20261204)
    texts = ["".join(p.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)[:40]) for p in FILES]
    path = tmp_path / "plan.yaml"
    fast_count = 0
    for _round in range(1500):
        text = rng.choice(texts)
        for _edit in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(_INSERTS) + text[at:]
        fast = yamlfile._load_events(path, text, text.splitlines())
        if fast is None:
            continue
        fast_count += 1
        path.write_bytes(text.encode("utf-8"))
        reference = _python_route(path)
        assert not isinstance(reference, PlanError), (text, reference.problem)
        assert (fast.data, fast.value_pos, fast.key_pos) == (reference.data, reference.value_pos, reference.key_pos), text
    assert fast_count > 300   # the fast route did read most corrupted files
