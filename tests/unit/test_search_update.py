"""The search index brought up to date after an edit (plansite/search_update.py): after each kind of
wording edit the files are exactly those a whole build makes, only the files holding changed terms
are made again, and every edit it cannot follow (documents added, removed or moved, a shard count that
changes, a previous file missing or damaged) makes the whole index instead. Through `build` too: the
published index after an edit is the one a build into a fresh folder writes."""
from __future__ import annotations

import dataclasses
import json
import pathlib
import re
import shutil
import sys

import pytest

from plansite import config as config_mod, pipeline, search, search_update, site as site_mod
from plansite.errors import Problems
from plansite.synonyms import load_synonyms
from support import REPO, seed_config

sys.path.insert(0, str(REPO / "benchmarks"))
import scale  # noqa: E402 - the benchmark's generator

CODE = "test-program"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    config = config_mod.load_config(seed_config(tmp_path_factory.mktemp("search-update")))
    model = site_mod.build_site(pipeline.check(config).content, config)
    return search.collect(model.plans, load_synonyms(REPO / "synonyms.yaml", Problems()))


def whole(index: search.SearchIndex) -> tuple[dict[str, bytes], search_update.IndexRecord]:
    files = dict(search_update.whole(index, CODE))
    return files, files.pop(None)


def edited(index: search.SearchIndex, changes: dict[int, dict]) -> search.SearchIndex:
    """The index with these documents' fields replaced (document number -> {field: value})."""
    docs = list(index.docs)
    for number, fields in changes.items():
        docs[number] = dataclasses.replace(docs[number], **fields)
    return dataclasses.replace(index, docs=docs)


def measure_of(index: search.SearchIndex, plan: int, nth: int = 0) -> int:
    """The number of the plan's nth document with some text."""
    return [i for i, d in enumerate(index.docs) if d.plan == plan and len(d.text) > 12][nth]


def updated(before: search.SearchIndex, after: search.SearchIndex):
    old, record = whole(before)
    found = search_update.update(after, record, CODE, old.get)
    return old, found


def assert_as_whole(before: search.SearchIndex, after: search.SearchIndex) -> dict[str, bytes]:
    """The update's files, every other file kept from before, are exactly the whole index of `after`."""
    old, found = updated(before, after)
    assert found is not None, "a wording edit is followed, not made whole"
    changed, record = found
    want, want_record = whole(after)
    assert sorted(record.files) == sorted(want)
    got = {path: changed.get(path, old[path]) for path in record.files}
    assert [p for p in want if got[p] != want[p]] == []
    assert record == want_record
    return changed


def test_wording_edits_give_the_bytes_of_a_whole_build(index):
    doc = measure_of(index, 2)
    text = index.docs[doc].text
    cases = {
        "appended": {doc: {"text": text + "長照社工新詞彙"}},
        "shortened": {doc: {"text": text[: len(text) // 2]}},
        "repeated places": {doc: {"text": text + "長照長照長照長照"}},
        "full-width and spaces": {doc: {"text": "Ｌｉｎｅ 預約 " + text}},
        "two plans": {doc: {"text": text + "甲乙"}, measure_of(index, 4, 1): {"text": "丙丁戊"}},
        "only the row's label": {doc: {"context": "改過的標籤"}},
    }
    for name, change in cases.items():
        changed = assert_as_whole(index, edited(index, change))
        assert search.META in changed, name
        assert len(changed) < 120, f"{name}: only the shards of changed terms are made again ({len(changed)})"


def test_a_term_new_to_the_site_appears_and_leaves_again(index):
    doc = measure_of(index, 1)
    rare = "龘靐齉"   # in no plan
    with_rare = edited(index, {doc: {"text": index.docs[doc].text + rare}})
    changed = assert_as_whole(index, with_rare)
    assert any(rare.encode() in data for path, data in changed.items() if path.startswith("search/t/"))
    changed = assert_as_whole(with_rare, index)       # and edited away: the terms leave their shards
    assert not any(rare[0].encode() in data for path, data in changed.items() if not path.startswith("search/d/"))


def test_an_unchanged_index_only_remakes_meta(index):
    old, (changed, _record) = updated(index, index)
    assert changed == {search.META: old[search.META]}


@pytest.mark.parametrize("case", ["document added", "document removed", "other program", "plans reordered"])
def test_edits_that_move_documents_make_the_index_whole(index, case):
    old, record = whole(index)
    docs = list(index.docs)
    after, code = index, CODE
    if case == "document added":
        after = dataclasses.replace(index, docs=docs[:5] + [docs[5]] + docs[5:])
    elif case == "document removed":
        after = dataclasses.replace(index, docs=docs[:5] + docs[6:])
    elif case == "other program":
        code = "another-program"
    else:
        after = dataclasses.replace(index, plans=index.plans[1:] + index.plans[:1])
    assert search_update.update(after, record, code, old.get) is None


def test_a_missing_or_damaged_previous_file_makes_the_index_whole(index):
    doc = measure_of(index, 3)
    after = edited(index, {doc: {"text": index.docs[doc].text + "社工"}})
    old, record = whole(index)
    needed = search.doc_file(doc // search.DOC_SHARD)
    assert search_update.update(after, record, CODE, lambda path: None if path == needed else old[path]) is None
    assert search_update.update(after, None, CODE, old.get) is None


def test_a_shard_count_that_would_change_makes_the_index_whole(index):
    doc = measure_of(index, 0)
    many = "".join(chr(0x3400 + i) for i in range(20_000))       # CJK extension A: in no plan
    after = edited(index, {doc: {"text": many}})
    counts = json.loads(whole(index)[0][search.META])["shards"]
    assert json.loads(whole(after)[0][search.META])["shards"] != counts    # the premise
    assert updated(index, after)[1] is None


def test_many_edited_plans_make_the_index_whole(index, monkeypatch):
    changes = {i: {"text": d.text[:-2] + d.text[-1] + d.text[-2]} for i, d in enumerate(index.docs)
               if d.plan < len(index.plans) // 2 and len(d.text) > 2}
    counts = [json.loads(whole(i)[0][search.META])["shards"] for i in (index, edited(index, changes))]
    assert counts[0] == counts[1]     # the premise: the same shard counts
    assert updated(index, edited(index, changes))[1] is not None     # a small site: followed all the same
    monkeypatch.setattr(search_update, "MAX_CHANGED_FLOOR", 10)
    assert len(changes) > search_update.MAX_CHANGED_SHARE * len(index.docs)
    assert updated(index, edited(index, changes))[1] is None


def test_entries_read_back_as_they_were_written():
    assert search_update._ids(search._encode_postings([[3, 40, 70_000, 70_001]])) == [3, 40, 70_000, 70_001]
    places = {"甲乙丙": search.trigram_places("甲乙丙甲乙丙" * 3)["甲乙丙"], "丙甲乙": search.trigram_places("丙甲乙")["丙甲乙"]}
    entry = search._encode_positions([[2, 9], places["甲乙丙"], [40_000], places["丙甲乙"]])
    assert search_update._position_entries(entry) == [(2, places["甲乙丙"]), (9, places["甲乙丙"]),
                                                      (40_000, places["丙甲乙"])]


# ---- through `build`: the published index after edits -------------------------------------------

@pytest.fixture()
def project(tmp_path):
    toml, _plan = scale.make_project(tmp_path, 45)      # 45 plans: the index is made by a worker of its own
    return toml


def _build(toml: pathlib.Path, out: pathlib.Path) -> list[str]:
    config = config_mod.load_config(toml).with_overrides(**{"paths.output": str(out)})
    said: list[str] = []
    pipeline.build(config, pdf=False, progress=said.append)
    return said


def _index_files(folder: pathlib.Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted((folder / "search").rglob("*.json"))}


def test_build_updates_the_published_index_as_a_fresh_build_would(project, tmp_path):
    out = tmp_path / "site"
    _build(project, out)
    plan = next(p for p in sorted((project.parent / "plans").glob("*/1*.yaml")) if scale._EDITABLE.search(p.read_text("utf-8")))
    scale.edit_plan(plan, "長照新詞彙龘")
    said = _build(project, out)
    updates = [line for line in said if "Search index:" in line]
    assert updates and re.search(r"(\d+) files updated, (\d+) unchanged", updates[0])
    updated_count, kept = map(int, re.search(r"(\d+) files updated, (\d+) unchanged", updates[0]).groups())
    assert 0 < updated_count < kept
    fresh = tmp_path / "fresh"
    _build(project, fresh)
    assert _index_files(out) == _index_files(fresh)
    hits = search.lookup(search.Reader(lambda path: (out / path).read_bytes()), "新詞彙龘")
    assert hits.total == 1

    # a shard damaged in the published folder is not trusted: the whole index is made again
    shard = sorted((out / "search" / "t").glob("*.json"))[0]
    shard.write_bytes(b"{}")
    scale.edit_plan(plan, "再改")
    said = _build(project, out)
    assert not [line for line in said if "Search index:" in line]
    shutil.rmtree(fresh)
    _build(project, fresh)
    assert _index_files(out) == _index_files(fresh)
