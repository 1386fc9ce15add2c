"""The preview's incremental rebuild (plansite/incremental.py): after each kind of edit an editor
makes, the preview folder holds exactly what a preview built from scratch holds, byte for byte,
while an edit to one plan renders only the pages that show it."""
from __future__ import annotations

import os
import pathlib
import re
import shutil
import sys

import pytest

from plansite import pipeline, serve
from plansite.config import load_config
from plansite.errors import BuildFailed
from support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import scale  # noqa: E402 - the benchmark's generator: 3 agencies, 5 years each, every page kind


def _files(folder: pathlib.Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Preview:
    """A preview kept across edits, as `serve` keeps one."""

    def __init__(self, toml: pathlib.Path, out: pathlib.Path) -> None:
        self.toml, self.out, self.cache = toml, out, serve.PreviewCache()

    def build(self, cache=None) -> pipeline.Report:
        config = load_config(self.toml).with_overrides(**{"paths.output": str(self.out)})
        try:
            report = pipeline.build(config, qr=True, pdf=False, downloads=False, drafts=True,
                                    cache=self.cache if cache is None else cache)
        except BuildFailed as exc:
            print(*(f"{p.pos}: {p.message}" for p in exc.problems.items), sep="\n")
            raise
        report.finish()   # the search index, as the preview writes it when the search page asks
        return report


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("incremental")
    toml, _plan = scale.make_project(root, 15)
    project = toml.parent
    shutil.copytree(REPO / "templates", project / "templates")
    text = toml.read_text(encoding="utf-8")
    toml.write_text(re.sub(r'templates = ".*"', 'templates = "templates"', text), encoding="utf-8")
    return project


def _same_as_fresh(preview: Preview, tmp_path: pathlib.Path) -> None:
    fresh = Preview(preview.toml, tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}")
    fresh.build()
    got, want = _files(preview.out), _files(fresh.out)
    assert sorted(got) == sorted(want)
    differ = [path for path in want if got[path] != want[path]]
    assert not differ, f"{len(differ)} files differ from a fresh build, e.g. {differ[:5]}"


def _edit(path: pathlib.Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_every_kind_of_edit_leaves_the_preview_as_a_fresh_build(project, tmp_path, monkeypatch):
    from plansite import search_update

    preview = Preview(project / "site.toml", tmp_path / "preview")
    first = preview.build()
    made_whole = []
    whole = search_update.whole
    monkeypatch.setattr(search_update, "whole", lambda *args: made_whole.append(1) or whole(*args))
    memo = preview.cache["incremental"]
    assert len(memo.rendered) == first.pages
    agencies = sorted(p for p in (project / "plans").iterdir())
    plans = sorted(agencies[1].glob("1*.yaml"))
    newest, oldest = plans[-1], plans[0]

    # a measure's wording: its plan, comparison, agency, unit and pillar pages change, nothing else
    text = newest.read_text(encoding="utf-8")
    measure = re.search(r"^ +- text: (.{6})", text, flags=re.M) or re.search(r"^ +- (\S{6})", text, flags=re.M)
    assert measure, "the generated plan has a measure to edit"
    _edit(newest, measure.group(1), measure.group(1) + "（修訂）")
    edited = preview.build()
    others = [path for path in memo.rendered if path.startswith("agencies/") and path != "agencies/index.html" and
              not path.startswith(f"agencies/{agencies[1].name}/")]
    assert not others, f"other agencies' pages were rendered again: {others}"
    pillars = [path for path in memo.rendered if re.fullmatch(r"frameworks/six-pillars/[\d-]+/index.html", path)]
    assert 1 <= len(pillars) <= 2, pillars   # the measure's item and its pillar
    assert f"agencies/{agencies[1].name}/{newest.stem}/index.html" in memo.rendered
    assert len(memo.rendered) < edited.pages / 2, (len(memo.rendered), edited.pages)
    # the search index was brought up to date (search_update), not made whole
    assert not made_whole and preview.cache["search-record"] is not None
    _same_as_fresh(preview, tmp_path)

    # nothing changed: only the pages that show the whole site are rendered again
    whole_site = sum(1 for page in _model_pages(preview) if page.sources is None)
    preview.build()
    assert len(memo.rendered) == whole_site

    steps = [
        lambda: _edit(newest, "title: ", "title: 修訂版", 1),                                   # the plan's title
        lambda: _edit(agencies[0] / "agency.yaml", "full_name: ", "full_name: 新", 1),          # an agency's name
        lambda: _edit(project / "frameworks" / "six-pillars.yaml", "title: 完備基礎服務項目", "title: 完備基本服務項目"),
        lambda: oldest.unlink(),                                                                 # a year removed
        lambda: _add_year(newest, 120),                                                          # a year added
        lambda: _edit(project / "templates" / "partials" / "_footer.html", "版權所有", "著作權所有"),  # a template
        lambda: _edit(project / "site.toml", 'name = "', 'name = "新'),                            # site.toml
    ]
    for step in steps:
        step()
        preview.build()
        _same_as_fresh(preview, tmp_path)


def _add_year(plan: pathlib.Path, year: int) -> None:
    shutil.copy(plan, plan.with_name(f"{year}.yaml"))
    _edit(plan.with_name(f"{year}.yaml"), f"year: {plan.stem}", f"year: {year}")


def test_a_failed_rebuild_in_between_leaves_the_next_one_right(project, tmp_path):
    preview = Preview(project / "site.toml", tmp_path / "preview")
    preview.build()
    plan = sorted(sorted((project / "plans").iterdir())[2].glob("1*.yaml"))[-1]
    good = plan.read_text(encoding="utf-8")
    plan.write_text(good + "\n  broken: [\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        preview.build()
    plan.write_text(good.replace("title: ", "title: 重新", 1), encoding="utf-8")
    preview.build()
    _same_as_fresh(preview, tmp_path)


def _model_pages(preview: Preview):
    from plansite import site  # noqa: PLC0415

    config = load_config(preview.toml)
    report = pipeline.check(config)
    return site.build_site(report.content, config).pages


def _published_build(toml: pathlib.Path, out: pathlib.Path, fresh: bool = False, progress=lambda _m: None):
    config = load_config(toml).with_overrides(**{"paths.output": str(out)})
    if fresh:   # no record of an earlier build: every page rendered
        for old in (toml.parent / ".cache").glob("*.json"):
            old.unlink()
    return pipeline.build(config, qr=True, pdf=False, progress=progress)


def test_build_takes_unchanged_pages_from_the_published_site_and_equals_a_fresh_build(project, tmp_path):
    """`build` keeps each page's key and the digest of its bytes beside the output folder
    (.cache/pages-*.json): an unchanged page is read back from the published site instead of being
    rendered, and a file changed there since is rendered again."""
    from plansite import incremental  # noqa: PLC0415

    toml, out = project / "site.toml", tmp_path / "site"
    _published_build(toml, out)
    agencies = sorted((project / "plans").iterdir())
    plan = sorted(agencies[0].glob("1*.yaml"))[-1]
    _edit(plan, "title: ", "title: 再修訂", 1)
    record = incremental.PublishedPages(project, out.resolve())
    assert record.digests, "the first build recorded its pages"
    tampered = out / "agencies" / agencies[2].name / "index.html"
    tampered.write_bytes(tampered.read_bytes().replace(b"</main>", b"<p>injected</p></main>"))
    # a page changed in place with its size and modification time kept: its change time gives it away
    quiet = out / "agencies" / agencies[2].name / sorted(agencies[2].glob("1*.yaml"))[0].stem / "index.html"
    before = quiet.stat()
    text = quiet.read_bytes()
    assert b"<main" in text
    quiet.write_bytes(text.replace(b"<main", b"<MAIN", 1))
    os.utime(quiet, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (quiet.stat().st_size, quiet.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    rendered: list[str] = []
    real = incremental.Memo.render_changed

    def spy(self, *args, **kwargs):
        files = real(self, *args, **kwargs)
        rendered.extend(self.rendered)
        return files

    incremental.Memo.render_changed = spy
    said: list[str] = []
    try:
        report = _published_build(toml, out, progress=said.append)
    finally:
        incremental.Memo.render_changed = real
    reused = report.pages - len(rendered)
    assert f"頁面：{len(rendered)} 頁重新產生，{reused} 頁內容未變，沿用上次發布的檔案。" in " ".join(said)
    assert f"agencies/{agencies[2].name}/index.html" in rendered   # its bytes no longer match the record
    assert quiet.relative_to(out).as_posix() in rendered
    assert not [p for p in rendered if p.startswith(f"agencies/{agencies[1].name}/")]
    assert f"agencies/{agencies[0].name}/{plan.stem}/index.html" in rendered and len(rendered) < report.pages
    got = _files(out)
    _published_build(toml, tmp_path / "fresh", fresh=True)
    want = _files(tmp_path / "fresh")
    assert sorted(got) == sorted(want)
    assert [path for path in want if got[path] != want[path]] == []


def test_crosswalk_edits_leave_the_preview_as_a_fresh_build(tmp_path):
    """A pillar page shows the other framework edition's answers (frameworks/crosswalks/): editing the
    crosswalk, or a plan of the other edition, renders those pages again."""
    from support import seed_config  # noqa: PLC0415

    project = tmp_path / "seed"
    project.mkdir()
    for folder in ("plans", "frameworks"):
        shutil.copytree(REPO / folder, project / folder)
    toml = seed_config(project, site={"base_url": "https://example.gov.tw/plans/"})
    text = toml.read_text(encoding="utf-8")
    for folder in ("plans", "frameworks"):
        text = text.replace(f'{folder} = "{(REPO / folder).as_posix()}"', f'{folder} = "{folder}"')
    toml.write_text(text, encoding="utf-8")
    crosswalk = project / "frameworks" / "crosswalks" / "gsa-2--six-pillars.yaml"
    penghu = project / "plans" / "penghu-social-affairs"
    preview = Preview(toml, tmp_path / "preview")
    preview.build()
    memo = preview.cache["incremental"]

    _edit(crosswalk, 'to: ["3.1", "3.2"]', 'to: ["3.2"]')            # 服務便捷 no longer pairs with 三(一)
    preview.build()
    for page in ("frameworks/six-pillars/3-1/index.html", "frameworks/gsa-2/2-1/index.html"):
        assert page in memo.rendered, page
    assert "agencies/penghu-social-affairs/107/index.html" not in memo.rendered
    _same_as_fresh(preview, tmp_path)

    steps = [
        lambda: _edit(penghu / "agency.yaml", "full_name: ", "full_name: 新", 1),          # named on six-pillar pages
        lambda: _edit(penghu / "107.yaml", "                - text: 連結勞動部勞動力發展署「1955勞工諮詢申訴專線」。\n"
                      '                  deadline: "107/12/31"\n', ""),                    # a measure fewer in 2.1
        lambda: _edit(crosswalk, "basis: ", "basis: 修訂："),                                # the basis shown
        lambda: crosswalk.unlink(),                                                          # no correspondences
    ]
    for step in steps:
        step()
        preview.build()
        _same_as_fresh(preview, tmp_path)
