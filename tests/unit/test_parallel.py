"""Downloads and pages made by several processes: the same bytes, the same order, and an editor's
problem found in a worker reported as if one process had found it."""
from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
from support import REPO, seed_config

from plansite import parallel
from plansite.errors import BuildFailed, Pos, Problems

def _squares(state, start, stop):
    return [(state, n * n, os.getpid()) for n in range(start, stop)]


@pytest.mark.parametrize("count", [0, 1, 39, 40, 41, 97, 400])
@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_chunks_come_back_in_order(count, jobs):
    made = parallel.run_chunked(_squares, "s", count, jobs)
    assert [(s, n) for s, n, _pid in made] == [("s", n * n) for n in range(count)]
    workers = {pid for _s, _n, pid in made}
    assert count == 0 or (os.getpid() in workers) == (jobs == 1 or count < parallel.MIN_ITEMS)


def _fails_at_50(state, start, stop):
    if start <= 50 < stop:
        problems = Problems()
        problems.error(Pos(pathlib.Path("plans/x/114.yaml"), 3, 5), "模板錯誤", "請修正")
        raise BuildFailed(problems)
    return list(range(start, stop))


def test_a_problem_found_in_a_worker_arrives_whole():
    with pytest.raises(BuildFailed) as caught:
        parallel.run_chunked(_fails_at_50, None, 100, 2)
    [problem] = caught.value.problems.errors
    assert (problem.pos.line, problem.pos.col, problem.message, problem.hint) == (3, 5, "模板錯誤", "請修正")


def _pid_and(value):
    return lambda: (os.getpid(), value)


@pytest.mark.parametrize("jobs", [1, 2])
def test_background_work_gives_its_result_from_a_worker_of_its_own(jobs):
    work = parallel.Background(_pid_and([1, "二", b"3"]), jobs)
    pid, value = work.result()
    assert value == [1, "二", b"3"]
    assert (pid == os.getpid()) == (jobs == 1 or parallel.default_jobs() == 1)


def _fails():
    problems = Problems()
    problems.error(Pos(pathlib.Path("search/synonyms.yaml"), 2, 1), "同義詞錯誤", "請修正")
    raise BuildFailed(problems)


def test_a_problem_found_in_background_work_arrives_whole():
    with pytest.raises(BuildFailed) as caught:
        parallel.Background(_fails, 2).result()
    [problem] = caught.value.problems.errors
    assert (problem.pos.line, problem.message, problem.hint) == (2, "同義詞錯誤", "請修正")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_a_worker_cannot_write_is_reported_naming_the_output_path(tmp_path, jobs):
    """Workers write the largest files into the staging folder themselves (write.Stage.put)."""
    from plansite import write

    stage = write.Stage(tmp_path / "_site", tmp_path / "no-static")
    try:
        (stage.staging / "open-data").write_text("a file where a folder must go", encoding="utf-8")
        with pytest.raises(write.OutputError) as caught:
            parallel.Background(lambda: stage.put("open-data/plans.csv", b"x"), jobs).result()
        assert isinstance(caught.value.error, OSError)
        assert caught.value.error.filename == str(tmp_path / "_site" / "open-data/plans.csv")
        assert parallel.Background(lambda: stage.put("search/meta.json", b"{}"), jobs).result() == 2
        stage.claim(["search/meta.json"])
        with pytest.raises(BuildFailed):   # no path twice
            stage.claim(["search/META.json"])
    finally:
        stage.abort()


def _build(config: pathlib.Path, out: pathlib.Path, jobs: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(config), "build", "--out", str(out),
                           "--no-pdf", "--quiet", "--jobs", jobs, "--base-url", "https://plans.example.gov.tw/"],
                          capture_output=True, text=True, cwd=config.parent)


def _digest(folder: pathlib.Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_seed_site_is_the_same_from_one_or_three_processes(tmp_path):
    config = seed_config(tmp_path)
    one, three = _build(config, tmp_path / "one", "1"), _build(config, tmp_path / "three", "3")
    assert one.returncode == 0 and three.returncode == 0, one.stderr + three.stderr
    assert one.stderr == three.stderr
    assert _digest(tmp_path / "one") == _digest(tmp_path / "three")


def test_a_template_error_in_a_worker_names_the_template(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    (templates / "pages/unit.html").write_text(
        "{% extends 'base.html' %}{% block content %}{{ nope.nothing }}{% endblock %}", encoding="utf-8")
    config = seed_config(tmp_path, paths={"templates": templates.as_posix()})
    result = _build(config, tmp_path / "out", "2")
    assert result.returncode == 1
    assert "pages/unit.html" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_jobs_must_be_a_whole_number_from_1(tmp_path):
    result = _build(seed_config(tmp_path), tmp_path / "out", "0")
    assert result.returncode == 2 and "1 到 64" in result.stderr and "Traceback" not in result.stderr


def _seed_pairs():
    from plansite import frameworks, load

    problems = Problems()
    content = load.load_content(REPO / "plans", frameworks.load_frameworks(REPO / "frameworks", problems), problems)
    # the seed agencies have one plan each: compare every two plans of one framework instead
    return [(a, b) for a in content.plans for b in content.plans if a is not b and a.framework is b.framework]


def _shape(diff):
    def moves(found):
        return [(id(m.old), id(m.new), m.source, m.target, m.segments) for m in found]

    return [(i.code, i.title, i.same, [id(m) for m in i.added], [id(m) for m in i.dropped],
             [(id(c.old), id(c.new), c.segments) for c in i.changed], moves(i.moved_in), moves(i.moved_out))
            for i in diff.items], diff.sections_changed


def test_comparisons_from_workers_hold_this_process_measures():
    from plansite import compare

    pairs = _seed_pairs() * 4   # enough pairs to go to the workers
    assert len(pairs) >= parallel.MIN_ITEMS
    made = compare.diff_all(pairs, jobs=2)
    assert [_shape(d) for d in made] == [_shape(compare.diff_plans(old, new)) for old, new in pairs]
    assert any(i.changed or i.added or i.dropped for d in made for i in d.items)
    assert any(i.moved_in for d in made for i in d.items)   # different agencies' plans: some measures match across items


def test_background_work_left_unfinished_is_stopped_at_once():
    """A build that fails while the search index is being made leaves at once: close() stops the worker."""
    import time

    started = time.monotonic()
    work = parallel.Background(lambda: time.sleep(120), 2)
    work.close()
    assert time.monotonic() - started < 20
