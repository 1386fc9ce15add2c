"""`build` and `check` keep parsed files in .cache/docs (load.DocStore): a file read back from there
is exactly the file parsed again, with every line and column; a damaged entry is parsed again; a
file with any problem is never kept, so its messages come every time."""
from __future__ import annotations

import pathlib

import pytest

from plansite import load, yamlfile
from plansite.errors import Problems
from support import FIXTURES, REPO


def _yaml_files() -> list[tuple[pathlib.Path, str]]:
    files = []
    for path in sorted((REPO / "plans").rglob("*.yaml")) + sorted((FIXTURES / "project" / "plans").rglob("*.yaml")):
        files.append((path, "agency" if path.name == "agency.yaml" else "plan"))
    files += [(path, "framework") for path in sorted((REPO / "frameworks").glob("*.yaml"))]
    files += [(path, "crosswalk") for path in sorted((REPO / "frameworks" / "crosswalks").glob("*.yaml"))]
    return files


def _same(got: yamlfile.Doc, want: yamlfile.Doc) -> None:
    assert got.data == want.data
    assert got.lines == want.lines
    assert list(got.value_pos.items()) == list(want.value_pos.items())
    assert list(got.key_pos.items()) == list(want.key_pos.items())


def test_a_stored_file_reads_back_exactly_as_parsed(tmp_path, monkeypatch):
    files = _yaml_files()
    assert len(files) > 12
    store = load.DocStore(tmp_path)
    for path, kind in files:
        store.read(path, kind, Problems())
    stored = len(list((tmp_path / ".cache" / "docs").iterdir()))
    assert stored >= len(files) - 2          # every file without a problem (a fixture plan may have one)

    def no_parsing(*_args, **_kwargs):
        raise AssertionError("parsed again")

    again = load.DocStore(tmp_path)
    hits = 0
    for path, kind in files:
        want = yamlfile.load(path)
        with monkeypatch.context() as patch:
            patch.setattr(yamlfile, "load", no_parsing)
            try:
                got = again.read(path, kind, Problems())
            except AssertionError:
                continue                     # a file with a problem: never stored
        hits += 1
        _same(got, want)
    assert hits == stored


def test_a_damaged_entry_is_parsed_again(tmp_path):
    path = REPO / "plans" / "penghu-social-affairs" / "107.yaml"
    load.DocStore(tmp_path).read(path, "plan", Problems())
    (entry,) = (tmp_path / ".cache" / "docs").iterdir()
    raw = entry.read_bytes()
    entry.write_bytes(raw.replace(b"[[", b"[[1,", 1))          # positions no longer fit the data
    _same(load.DocStore(tmp_path).read(path, "plan", Problems()), yamlfile.load(path))
    entry.write_bytes(b"not json")
    _same(load.DocStore(tmp_path).read(path, "plan", Problems()), yamlfile.load(path))


@pytest.mark.parametrize("old, new, message", [
    ("title: ", "titel: 誤植\ntitle: ", "不認得的欄位「titel」"),            # a warning
    ("year: 107", "year: 一百零七", "year"),                                  # an error
])
def test_a_file_with_a_problem_is_never_stored_and_says_so_every_time(tmp_path, old, new, message):
    plan = tmp_path / "107.yaml"
    plan.write_text((REPO / "plans/penghu-social-affairs/107.yaml").read_text(encoding="utf-8").replace(old, new, 1),
                    encoding="utf-8")
    for _ in range(2):
        problems = Problems()
        load.DocStore(tmp_path).read(plan, "plan", problems)
        assert any(message in p.message for p in problems.items), [p.message for p in problems.items]
    assert not (tmp_path / ".cache" / "docs").exists() or not list((tmp_path / ".cache" / "docs").iterdir())


def test_entries_no_run_used_are_removed(tmp_path):
    files = _yaml_files()[:3]
    with load.stored_docs(tmp_path):
        for path, kind in files:
            load.read_doc(path, kind, Problems())
    assert len(list((tmp_path / ".cache" / "docs").iterdir())) == 3
    with load.stored_docs(tmp_path):
        load.read_doc(*files[0], Problems())
    assert len(list((tmp_path / ".cache" / "docs").iterdir())) == 1


def test_the_preview_starts_from_the_files_a_build_parsed_and_still_reports_problems(tmp_path, monkeypatch):
    from plansite import pipeline, serve  # noqa: PLC0415
    from plansite.config import load_config  # noqa: PLC0415
    from support import make_project  # noqa: PLC0415

    root = make_project(tmp_path)
    config = load_config(root / "site.toml")
    built = pipeline.check(config)                       # `build` and `check` fill .cache/docs
    assert not built.problems.errors
    warned = sorted((str(p.pos), p.message) for p in built.problems.items)
    stored = len(list((root / ".cache" / "docs").iterdir()))
    assert stored > 3
    parsed: list[pathlib.Path] = []
    real = yamlfile.load

    def counted(path, *args):
        parsed.append(path)
        return real(path, *args)

    monkeypatch.setattr(yamlfile, "load", counted)
    cache = serve.PreviewCache()
    preview = pipeline.check(config, cache)              # what `serve` runs first
    assert sorted((str(p.pos), p.message) for p in preview.problems.items) == warned
    assert parsed == []           # the fixture's warning is about the plan's content: its file was stored too
    assert [p.title for p in preview.content.plans] == [p.title for p in built.content.plans]
    (root / "plans" / "test-agency" / "114.yaml").write_text(
        (root / "plans" / "test-agency" / "114.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = pipeline.check(config, cache)              # the next rebuild: the edited file only, the rest from memory
    assert [p.name for p in parsed] == ["114.yaml"]
    assert sorted((str(p.pos), p.message) for p in again.problems.items) == warned
