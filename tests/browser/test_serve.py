"""`python build.py serve` as an editor uses it: edit, see the page reload; break a file, see the
error page; fix it, see the page come back. The server process is stopped after each test."""
from __future__ import annotations

import contextlib
import hashlib
import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest

import tools

pytestmark = pytest.mark.browser

PLAN = "plans/kaohsiung-senior-center/113.yaml"
PAGE = "agencies/kaohsiung-senior-center/113/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(tmp_path, port=None, root=None, lines=None, env=None):
    """serve on a copy of the seed plans (or on the project `root`); `lines` collects what it printed
    up to the address line (the preview folder is named there); `env` is the process environment."""
    sys.path.insert(0, str(tools.REPO_ROOT / "tests"))
    from support import make_project

    root = root or make_project(tmp_path, plans_from=tools.REPO_ROOT / "plans")
    port = port or free_port()
    process = subprocess.Popen([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(root / "site.toml"),
                                "serve", "--port", str(port)], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        line = ""
        while "預覽網址" not in line:
            line = process.stdout.readline()
            if lines is not None:
                lines.append(line)
            assert line or process.poll() is None, "serve stopped before serving"
            assert time.monotonic() < deadline, "serve did not start"
        yield root, f"http://127.0.0.1:{port}/", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(url: str) -> bytes:
    """The raw bytes the server sends (the error page comes with status 500)."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        return error.read()


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def preview_folder(lines) -> pathlib.Path:
    """The folder serve said it builds the preview into."""
    named = [line for line in lines if line.startswith("預覽資料夾：")]
    assert len(named) == 1, lines
    return pathlib.Path(named[0].removeprefix("預覽資料夾：").split("（")[0].split(" Preview")[0].strip())


def test_edit_reload_error_page_and_recovery(browser, tmp_path):
    lines = []
    with serving(tmp_path, lines=lines) as (root, base, _process):
        page = browser.new_page()
        page.goto(base + PAGE)
        assert page.get_by_text("於1樓大廳設置意見箱。").count() == 1
        # an edit shows by itself: the page reloads without the editor touching the browser
        edit(root / PLAN, "於1樓大廳設置意見箱。", "於1樓大廳設置意見箱及線上表單。")
        page.get_by_text("於1樓大廳設置意見箱及線上表單。").wait_for(timeout=10000)
        # a broken file shows the error page, with file:line:column, the line and a hint
        edit(root / PLAN, "title: 113年度", 'title: "113年度')
        page.get_by_role("heading", name="檔案有錯誤，預覽尚未更新").wait_for(timeout=10000)
        body = page.inner_text("main")
        assert "plans/kaohsiung-senior-center/113.yaml 第 3 行第 8 欄" in body
        assert "引號沒有成對" in body and "建議" in body
        assert page.locator("pre mark").inner_text() == '"'
        assert tools.axe_violations(page) == []
        error_html = tmp_path / "error-page.html"
        error_html.write_bytes(_get(base + PAGE))
        assert tools.vnu_errors([error_html]) == {}
        # the last good build stays in the preview folder
        preview = preview_folder(lines)
        assert "於1樓大廳設置意見箱及線上表單。" in (preview / PAGE / "index.html").read_text(encoding="utf-8")
        # fixing it brings the page back by itself
        edit(root / PLAN, 'title: "113年度', "title: 113年度")
        page.get_by_text("於1樓大廳設置意見箱及線上表單。").wait_for(timeout=10000)
        assert "113年度提升服務工作計畫" in page.locator("h1").inner_text()
        page.close()


def test_an_unknown_unit_shows_with_its_suggestion(browser, tmp_path):
    with serving(tmp_path) as (root, base, _process):
        page = browser.new_page()
        page.goto(base + PAGE)
        edit(root / PLAN, "units: [服務課]", "units: [服務科]")
        page.get_by_role("heading", name="檔案有錯誤，預覽尚未更新").wait_for(timeout=10000)
        assert "不認得的單位「服務科」" in page.inner_text("main")
        assert "您是不是要寫「服務課」" in page.inner_text("main")
        page.close()


def test_a_port_in_use_gets_a_clear_message(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        sys.path.insert(0, str(tools.REPO_ROOT / "tests"))
        from support import make_project

        root = make_project(tmp_path)
        result = subprocess.run([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(root / "site.toml"),
                                 "serve", "--port", str(port)], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"連接埠 {port} 已被其他程式使用" in result.stderr and "Traceback" not in result.stderr


def test_a_draft_shows_in_the_preview_with_its_banner(browser, tmp_path):
    with serving(tmp_path) as (root, base, process):
        new = subprocess.run([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(root / "site.toml"),
                              "new", "kaohsiung-senior-center"], cwd=root, capture_output=True, text=True)
        assert new.returncode == 0 and "draft: true" in new.stdout, new.stdout + new.stderr
        _wait_for(base + "agencies/kaohsiung-senior-center/114/", "ps-draft")   # picked up by itself
        _rebuilt(process)   # and the rest of the site after it: no reload will come while the page is read
        page = browser.new_page()
        page.goto(base + "agencies/kaohsiung-senior-center/114/")
        assert page.locator(".ps-draft").inner_text().startswith("草稿：本計畫尚未定稿")
        assert page.title().startswith("【草稿】")
        page.goto(base + "agencies/kaohsiung-senior-center/")
        assert page.get_by_text("114年度提升服務工作計畫（草稿）").count() == 1
        assert tools.axe_violations(page) == []
        page.close()


def _files(folder: pathlib.Path) -> dict[str, str]:
    """Every file under `folder` by relative path, with its sha256; folders end in «/»."""
    return {p.relative_to(folder).as_posix() + ("/" if p.is_dir() else ""):
            "" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*"))}


def _rebuilt(process) -> str:
    """serve's next 已更新 line: the whole rebuild is written (the page being edited comes first)."""
    while True:
        line = process.stdout.readline()
        assert line, "serve stopped"
        if line.startswith("已更新"):
            return line


def _wait_for(url: str, text: str, timeout: float = 20) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        body = _get(url)
        if text.encode() in body:
            return body
        assert time.monotonic() < deadline, f"{url} never showed «{text}»"
        time.sleep(0.2)


def test_serve_after_build_leaves_the_published_site_as_build_wrote_it(tmp_path):
    """The preview builds into its own temporary folder: `_site/` keeps every download `build` wrote,
    byte for byte, through serve's start-up build, a rebuild after an edit and the stop."""
    from support import make_project

    root = make_project(tmp_path, plans_from=tools.REPO_ROOT / "plans")
    build = subprocess.run([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(root / "site.toml"),
                            "build", "--quiet"], cwd=root, capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    site = root / "_site"
    built = _files(site)
    assert any(path.endswith(".ods") for path in built) and any(path.endswith(".odt") for path in built)
    assert any(path.endswith(".csv") for path in built) and any(path.endswith(".json") for path in built)
    temp = tmp_path / "tmp"   # serve's temporary folder goes here, so the test can see it is removed
    temp.mkdir()
    lines = []
    with serving(tmp_path, root=root, lines=lines, env={**os.environ, "TMPDIR": str(temp)}) as (_root, base, process):
        preview = preview_folder(lines)
        assert preview.parent == temp and preview.is_dir()
        home = _get(base)
        assert b'<script src="/__plansite/livereload.js"></script>' in home
        page = _wait_for(base + PAGE, "於1樓大廳設置意見箱。")
        assert b"/__plansite/livereload.js" in page
        plan = root / PLAN
        original = plan.read_bytes()
        edit(plan, "於1樓大廳設置意見箱。", "於1樓大廳設置意見箱及線上表單。")
        _wait_for(base + PAGE, "於1樓大廳設置意見箱及線上表單。")   # rebuilt
        assert "於1樓大廳設置意見箱及線上表單。" in (preview / PAGE / "index.html").read_text(encoding="utf-8")
        plan.write_bytes(original)
        _wait_for(base + PAGE, "於1樓大廳設置意見箱。")
        assert _files(site) == built
    assert process.returncode is not None
    assert not preview.exists() and list(temp.iterdir()) == [], "serve left its preview folder behind"
    assert _files(site) == built, "serve changed the published folder"


def test_the_preview_search_finds_what_an_edit_just_wrote(browser, tmp_path):
    """The preview writes its search index when the search page first asks for it after a rebuild
    (plansite/serve.py State.ready_search_index): a word typed into a plan is found right after saving."""
    with serving(tmp_path) as (root, base, _process):
        page = browser.new_page()
        shards = {}
        page.on("response", lambda r: shards.update({r.url: r.headers.get("cache-control")}) if "/search/" in r.url
                and r.url.endswith(".json") else None)
        page.goto(base + "search/")
        page.fill("#search-q", "芋筍節")
        page.press("#search-q", "Enter")
        page.wait_for_function("() => /筆結果/.test(document.getElementById('search-status').textContent)")
        # the browser may not keep a shard from before the edit: the result's text would be the old one
        assert any("/search/d/" in url for url in shards), shards
        assert set(shards.values()) == {"no-store"}, shards
        plan = root / "plans" / "kaohsiung-jiasian-district" / "114.yaml"
        edit(plan, "芋筍節", "芋筍節暨山城音樂會")
        _wait_for(base + "agencies/kaohsiung-jiasian-district/114/", "山城音樂會")
        page.close()   # its own reload after the edit would race a navigation made from here
        page = browser.new_page()
        page.goto(base + "search/")
        page.fill("#search-q", "山城音樂會")
        page.press("#search-q", "Enter")
        page.wait_for_function("() => /筆結果|沒有找到/.test(document.getElementById('search-status').textContent)")
        assert "共找到 1 筆結果" in page.inner_text("#search-status")
        assert "山城音樂會" in page.locator("#search-results li mark").first.inner_text()
        page.close()
