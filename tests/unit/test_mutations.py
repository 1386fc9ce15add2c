"""Property-based: the seed plans, mutated (keys deleted, items duplicated, values retyped, lists
reordered, the file truncated, lines deleted or repeated, characters injected: control, bidi, NUL,
YAML indicators), are either accepted or reported with located problems; the loader never raises.

Reproducible in CI: derandomized, no example database, no deadline (a slow machine is not a bug).
"""
from __future__ import annotations

import os
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from plansite import frameworks, load
from plansite.errors import Problems
from support import REPO

SEEDS = sorted((REPO / "plans").glob("*/1*.yaml"))
# about 10 s; set PLANSITE_MUTATIONS=5000 for a longer hunt (still derandomized: same examples every run)
EXAMPLES = int(os.environ.get("PLANSITE_MUTATIONS", "100"))

INJECTED = ["\x00", "\x07", "\x1b", "\x7f", "\r", "\t", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
            "\u2067", "\u2068", "\u2069", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\ufffe", "\ud7ff",
            "\U0001f600", ": ", " #", "- ", "[", "]", "{", "}", "&a ", "*a", "!!python/object ", "|", ">", "'", '"',
            "%", "@", "`", "---\n", "...\n", "\n", "\n  ", "<script>alert(1)</script>", "](javascript:alert(1))",
            "<<: ", "? ", "~", "0x1F", "1e9", "2025-01-15", "no", "null", "壹、", "（一）", "1. "]
RETYPED = [None, True, 0, -1, 10 ** 30, "", "文字", [], ["a"], {}, {"a": 1}, 1.5]


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    """One throwaway plans/ folder per seed (its agency.yaml and plan) and the real frameworks."""
    problems = Problems()
    fws = frameworks.load_frameworks(REPO / "frameworks", problems)
    assert not problems.errors
    out = {}
    for seed in SEEDS:
        plans = tmp_path_factory.mktemp("mutations") / "plans"
        (plans / seed.parent.name).mkdir(parents=True)
        shutil.copy(seed.parent / "agency.yaml", plans / seed.parent.name / "agency.yaml")
        out[seed] = plans
    return _Projects(fws, out)


class _Projects(tuple):
    def __new__(cls, fws, dirs):
        return super().__new__(cls, (fws, dirs))

    def __repr__(self) -> str:   # keeps a failure report short
        return "projects"


def _paths(value, path=()):
    """Every path into a loaded YAML value, the root included."""
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, path + (i,))


def _mutate_tree(data, draw) -> object:
    paths = [p for p in _paths(data) if p]
    path = draw(st.sampled_from(paths))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    op = draw(st.sampled_from(["delete", "duplicate", "retype", "reorder"]))
    if op == "delete":
        del parent[key]
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(key, parent[key])
    elif op == "duplicate":
        parent[f"{key}2" if isinstance(key, str) else key] = parent[key]
    elif op == "retype":
        parent[key] = draw(st.sampled_from(RETYPED))
    elif isinstance(parent[key], list):
        parent[key] = list(reversed(parent[key]))
    elif isinstance(parent[key], dict):
        parent[key] = dict(reversed(list(parent[key].items())))
    else:
        items = list(parent.items()) if isinstance(parent, dict) else None
        if items is not None:
            parent.clear()
            parent.update(reversed(items))
    return data


def _mutate_text(text: str, draw) -> str:
    op = draw(st.sampled_from(["truncate", "inject", "inject-text", "delete-line", "duplicate-line", "swap-lines"]))
    lines = text.splitlines(keepends=True)
    if op == "truncate" or not lines:
        return text[:draw(st.integers(0, len(text)))]
    if op in ("inject", "inject-text"):
        where = draw(st.integers(0, len(text)))
        what = draw(st.sampled_from(INJECTED)) if op == "inject" else draw(st.text(max_size=6))
        return text[:where] + what + text[where:]
    i = draw(st.integers(0, len(lines) - 1))
    if op == "delete-line":
        del lines[i]
    elif op == "duplicate-line":
        lines.insert(i, lines[i])
    else:
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],   # no shrinking: a failure prints its draws as found
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_seed_plan_is_accepted_or_reported_with_located_problems(projects, data):
    fws, plans_dirs = projects
    seed = data.draw(st.sampled_from(SEEDS), label="seed")
    text = seed.read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        if data.draw(st.booleans(), label="on the tree"):
            try:
                tree = yaml.safe_load(text)
            except yaml.YAMLError:
                tree = None
            if isinstance(tree, dict) and tree:
                text = yaml.safe_dump(_mutate_tree(tree, data.draw), allow_unicode=True, sort_keys=False)
                continue
        text = _mutate_text(text, data.draw)
    plans = plans_dirs[seed]
    target = plans / seed.parent.name / seed.name
    target.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    problems = Problems()
    load.load_content(plans, fws, problems)     # must not raise
    for problem in problems.items:
        assert problem.pos.line >= 1 and problem.pos.col >= 1, str(problem)
        assert problem.pos.path.is_relative_to(plans), str(problem)
        assert problem.message.strip(), problem
        assert str(problem).count("\n") <= 1 or "\n    建議：" in str(problem)
    for problem in problems.errors:
        assert problem.hint, f"an error without a hint: {problem}"
