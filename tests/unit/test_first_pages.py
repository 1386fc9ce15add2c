"""The preview shows the page being edited first (serve.FirstPages): after an edit to a plan, the
plan's page and every page open in a browser tab are written and their tabs reloaded before the rest
of the site is rendered (at 1,000 plans, pages listing every plan take most of a rebuild). The tabs
reload once, not again when the rest follows, unless the rest changes what they show."""
from __future__ import annotations

import pathlib
import sys

import pytest

from plansite import serve
from plansite.config import load_config
from support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import scale  # noqa: E402 - the benchmark's generator: agencies of five years each, every page kind


class Server:
    """serve's rebuild loop without the HTTP server: its state, cache and first pages."""

    def __init__(self, toml: pathlib.Path, out: pathlib.Path) -> None:
        self.toml, self.out = toml, out
        self.state, self.cache = serve.State(), serve.PreviewCache()
        self.first = serve.FirstPages(self.state, out)
        self.shown: list[dict] = []    # per first-pages write: what each file written held then, on disk
        show = self.first.show

        def watched_show(files):
            show(files)
            if files:
                self.shown.append({f.path: (out / f.path).read_bytes() for f in files})
        self.first.show = watched_show

    def rebuild(self) -> int:
        """One rebuild; returns how many times the tabs were told to reload."""
        before = self.state.version
        serve._rebuild(lambda: load_config(self.toml).with_overrides(**{"paths.output": str(self.out)}),
                       self.state, self.cache, lambda problems: None, first=self.first)
        assert self.state.problems is None
        return self.state.version - before


@pytest.fixture
def server(tmp_path):
    toml, plan = scale.make_project(tmp_path, 10)
    running = Server(toml, tmp_path / "preview")
    assert running.rebuild() == 1 and running.shown == []    # the start: nothing to show first
    return running, plan


def _page(plan: pathlib.Path) -> str:
    return f"agencies/{plan.parent.name}/{plan.stem}/index.html"


def test_an_edited_plan_page_is_written_and_reloaded_before_the_rest(server):
    running, plan = server
    text = scale.edit_plan(plan, "（先顯示）")
    assert running.rebuild() == 1            # one reload: when the plan's page was written
    assert list(running.shown[0]) == [_page(plan)]
    assert text in running.shown[0][_page(plan)].decode("utf-8")   # on disk when the tab reloaded
    unit_pages = [p for p in (running.out / "agencies" / plan.parent.name / "units").rglob("index.html")
                  if text in p.read_text(encoding="utf-8")]
    assert unit_pages    # the rest of the site followed in the same rebuild


def test_pages_open_in_a_tab_come_first_and_a_stylesheet_change_reloads_them_again(server, tmp_path):
    running, plan = server
    agency_page = f"agencies/{plan.parent.name}/index.html"
    running.state.watch(serve.out_path(f"/agencies/{plan.parent.name}/"), +1)   # a tab on the agency page
    running.state.watch(serve.out_path("/"), +1)                                 # and one on the home page
    scale.edit_plan(plan, "（分頁）")
    assert running.rebuild() == 1
    assert sorted(running.shown[-1]) == sorted([_page(plan), agency_page, "index.html"])
    # the stylesheet is written with the rest: the open tabs must reload once more to show it
    config = load_config(running.toml)
    css = config.path("static") / "site.css"
    static = tmp_path / "static"
    static.mkdir()
    (static / "site.css").write_bytes(css.read_bytes() + b"\n/* edited */\n")
    for name in (p for p in config.path("static").iterdir() if p.name != "site.css"):
        (static / name.name).symlink_to(name)
    text = running.toml.read_text(encoding="utf-8")
    running.toml.write_text(text.replace(f'static = "{config.values["paths.static"]}"', f'static = "{static}"'),
                            encoding="utf-8")
    assert running.rebuild() == 2
    assert sorted(running.shown[-1]) == sorted([agency_page, "index.html"])
    assert (running.out / "static" / "site.css").read_bytes().endswith(b"/* edited */\n")
    running.state.watch(serve.out_path("/"), -1)
    assert running.state.open_pages() == {agency_page}


@pytest.mark.parametrize("url, path", [("/", "index.html"), ("/agencies/", "agencies/index.html"),
                                       ("/agencies/x/110/", "agencies/x/110/index.html"), ("/404.html", "404.html"),
                                       ("/search/%E6%90%9C/", "search/搜/index.html")])
def test_a_tab_address_names_the_file_it_is_served_from(url, path):
    assert serve.out_path(url) == path
