"""`python build.py serve`: build, serve on 127.0.0.1, rebuild on change, reload the browser.

- Edits are noticed through the operating system's file notifications (watchfiles; `_changes`).
- Every served HTML page gets a small script that listens on /__plansite/events (server-sent
  events) and reloads the tab after each rebuild.
- The preview is built into its own folder: a temporary one (removed when serve stops, also on
  Ctrl+C, SIGTERM or an error), or the one given with --out. Never into the publish folder
  (paths.output, `_site/`): the preview skips the downloads, and a `build` followed by `serve`
  must leave the published site exactly as `build` wrote it.
- A failed rebuild keeps the last good build in the preview folder; the browser shows an error
  page (file:line:column, the line with a marker, the hint) until the file is fixed.
- Parsed files are cached by modification time (PreviewCache), and preview skips the slow
  downloads (PDF, ODT, ODS). A rebuild renders only the pages whose content changed and compares
  only edited plans again (plansite/incremental.py); the search index is written when the search
  page first asks for it after a rebuild (State.ready_search_index).
"""
from __future__ import annotations

import collections
import contextlib
import errno
import functools
import http.server
import itertools
import pathlib
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator, MutableMapping
from typing import Any

import jinja2

from . import parallel, pipeline, search, write
from .heap import Heap
from .errors import BuildFailed, ConfigError, Pos, Problems, display_path, os_error_problem

LIVERELOAD_JS = b"""(function () {
  var last = null;
  function connect() {
    var source = new EventSource("/__plansite/events?page=" + encodeURIComponent(window.location.pathname));
    source.onmessage = function (event) {
      if (last !== null && event.data !== last) { window.location.reload(); }
      last = event.data;
    };
    source.onerror = function () { source.close(); setTimeout(connect, 1000); };
  }
  connect();
})();
"""
SCRIPT_TAG = b'<script src="/__plansite/livereload.js"></script>'


class State:
    """What the server shows: the build version and, after a failed build, its problems."""

    def __init__(self) -> None:
        self.version = 0
        self.problems: Problems | None = None
        self.changed = threading.Condition()
        self.building = threading.Lock()       # a rebuild, or the search index being written
        self.search_index = None               # writes the last good build's search index, until it is asked for
        self._open: collections.Counter[str] = collections.Counter()   # out paths of pages open in a tab

    def watch(self, out_path: str, delta: int) -> None:
        """A tab showing `out_path` connected (+1) or left (-1)."""
        with self.changed:
            self._open[out_path] += delta
            if self._open[out_path] <= 0:
                del self._open[out_path]

    def open_pages(self) -> set[str]:
        with self.changed:
            return set(self._open)

    def ready_search_index(self) -> None:
        """The search index is written when a page first asks for it after a rebuild, not on every edit:
        at 1,000 plans it takes seconds, and an editor checks a page far more often than searches."""
        with self.building:
            write, self.search_index = self.search_index, None
            if write is not None:
                write()

    def publish(self, problems: Problems | None) -> None:
        with self.changed:
            self.version += 1
            self.problems = problems
            self.changed.notify_all()


class PreviewCache(MutableMapping):
    """What the preview keeps from one rebuild to the next, as named attributes:

    - `parsed`: each framework, agency and plan file parsed and schema-checked, by
      (path, kind, mtime_ns, size) -> (document, problems), filled by load.read_doc; and the
      objects made from them: ("framework-object", path) and ("agency-folder", path), so an
      unchanged agency folder is not read again (load._agency_folder);
    - `environment`: the one Jinja environment, so templates compile once;
    - `written`: what the preview folder holds after the last good build (path -> bytes), so a
      rebuild rewrites only the files that changed (write.update).
    - `memo` (key "incremental"): the comparisons, QR images and page keys of the last build
      (plansite/incremental.py Memo), so a rebuild re-renders only what an edit touched.
    - `docs` (key "doc-store"): <project>/.cache/docs (load.DocStore), where `build` keeps parsed
      files: the preview's first build reads unchanged files from there instead of parsing them.

    The pipeline and the loaders take `cache: dict | None` and use it as a mapping (the keys
    "jinja-environment", "written", "incremental", "doc-store" and the parsed files' tuples), so this class is that mapping
    over the attributes; their signatures stay as they are. Keys it does not know are kept in
    `other`, so a new cache entry in the pipeline still works.
    """

    NAMED = {"jinja-environment": "environment", "written": "written", "incremental": "memo",
             "doc-store": "docs"}   # key -> attribute

    def __init__(self) -> None:
        self.parsed: dict[tuple, tuple] = {}
        self.environment: Any = None
        self.written: dict[str, bytes] | None = None
        self.memo: Any = None
        self.docs: Any = None
        self.other: dict[Any, Any] = {}

    def _named(self) -> dict[str, Any]:
        return {key: getattr(self, name) for key, name in self.NAMED.items() if getattr(self, name) is not None}

    def __getitem__(self, key):
        if key in self.NAMED:
            value = getattr(self, self.NAMED[key])
            if value is None:
                raise KeyError(key)
            return value
        return (self.parsed if isinstance(key, tuple) else self.other)[key]

    def __setitem__(self, key, value) -> None:
        if key in self.NAMED:
            setattr(self, self.NAMED[key], value)
        else:
            (self.parsed if isinstance(key, tuple) else self.other)[key] = value

    def __delitem__(self, key) -> None:
        if key in self.NAMED:
            self[key]   # noqa: B018 - KeyError when not set, as a dict would
            self[key] = None
        else:
            del (self.parsed if isinstance(key, tuple) else self.other)[key]

    def __iter__(self) -> Iterator:
        yield from self._named()
        yield from self.parsed
        yield from self.other

    def __len__(self) -> int:
        return len(self._named()) + len(self.parsed) + len(self.other)


def _changes(folders: list[pathlib.Path], files: list[pathlib.Path]) -> Iterator[None]:
    """Once when the watch is in place, then once per batch of edits under `folders` or to one of `files`.

    The folders are watched through the operating system's change notifications (watchfiles: inotify,
    FSEvents, ReadDirectoryChangesW), which cost nothing while nobody edits and report a save within
    about 0.1 s; a batch closes 50 ms after its last write (editors save in several writes). Edits made
    during a rebuild come in the next batch. The single files (site.toml and the synonym list, which
    sit beside folders that are not watched) are compared by modification time on each 0.2 s tick.
    """
    import watchfiles  # noqa: PLC0415 - only the preview watches files

    def stamps() -> list:
        out = []
        for path in files:
            try:
                found = path.stat()
                out.append((found.st_mtime_ns, found.st_size))
            except OSError:
                out.append(None)
        return out

    seen = stamps()
    watched = [str(folder) for folder in folders if folder.is_dir()]
    ticks = watchfiles.watch(*watched, step=50, rust_timeout=200, yield_on_timeout=True, raise_interrupt=True) \
        if watched else iter(lambda: time.sleep(0.2) or set(), None)
    first = next(ticks)   # the watcher starts on its first tick
    yield None            # ready: from here no edit is missed
    for changed in itertools.chain([first], ticks):
        now = stamps()
        if changed or now != seen:
            seen = now
            yield None


def error_page(env: jinja2.Environment, problems: Problems, site_name: str) -> bytes:
    views = []
    for p in (p for p in problems.sorted() if p.is_error):   # warnings stay in the terminal
        view = {"severity": p.severity, "path": display_path(p.pos.path), "line": p.pos.line, "col": p.pos.col,
                "message": p.message, "hint": p.hint, "is_error": p.is_error, "excerpt": ""}
        try:
            lines = p.pos.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        if 1 <= p.pos.line <= len(lines):
            line = lines[p.pos.line - 1].replace("\t", "→")
            col = min(max(p.pos.col - 1, 0), len(line))
            view.update(excerpt=line, excerpt_before=line[:col], excerpt_at=line[col:col + 1] or " ",
                        excerpt_after=line[col + 1:])
        views.append(view)
    return env.get_template("serve/error.html").render(problems=views, site_name=site_name).encode("utf-8")


class _Handler(http.server.SimpleHTTPRequestHandler):
    state: State
    env: jinja2.Environment
    site_name: str

    def log_message(self, format, *args):  # noqa: A002 - http.server's name
        pass

    def end_headers(self):
        # Every preview response, files served by http.server included: without it the browser may keep a
        # search shard or stylesheet from before an edit (heuristic caching from Last-Modified).
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):  # noqa: N802 - http.server's name
        path = self.path.split("?", 1)[0]
        if path == "/__plansite/livereload.js":
            return self._send(200, "text/javascript; charset=utf-8", LIVERELOAD_JS)
        if path == "/__plansite/events":
            return self._events()
        if search.is_index_file(path.lstrip("/")):
            try:
                self.state.ready_search_index()
            except (BuildFailed, OSError) as exc:
                print(f"無法產生預覽的搜尋索引：{exc}", file=sys.stderr, flush=True)
        problems = self.state.problems
        if problems is not None and (path.endswith("/") or path.endswith(".html")):
            return self._send(500, "text/html; charset=utf-8", error_page(self.env, problems, self.site_name))
        target = pathlib.Path(self.translate_path(path))
        if target.is_dir():
            target = target / "index.html"
        if target.suffix == ".html":
            status = 200
            if not target.is_file():
                target, status = pathlib.Path(self.directory) / "404.html", 404
            if target.is_file():
                body = target.read_bytes().replace(b"</body>", SCRIPT_TAG + b"\n</body>", 1)
                return self._send(status, "text/html; charset=utf-8", body)
        return super().do_GET()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        page = out_path(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("page", [""])[0])
        self.state.watch(page, +1)
        seen = None
        try:
            while True:
                with self.state.changed:
                    if seen == self.state.version:
                        self.state.changed.wait(timeout=10)
                    version = self.state.version
                message = f"data: {version}\n\n" if version != seen else ": keep-alive\n\n"
                self.wfile.write(message.encode())
                self.wfile.flush()
                seen = version
        except (BrokenPipeError, ConnectionResetError):
            return
        finally:
            self.state.watch(page, -1)


def out_path(url_path: str) -> str:
    """The file a page address is served from: /agencies/x/ -> agencies/x/index.html, / -> index.html."""
    path = urllib.parse.unquote(url_path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


class FirstPages:
    """What a preview rebuild shows before the rest of the site (pipeline.build's `first`): the pages
    open in a browser tab and the page of each plan whose file changed. At 1,000 plans a rebuild takes
    about a second, most of it pages listing every plan (pillar, overview and sitemap pages); the page
    being edited is shown after about a third of it, and its tab reloads then."""

    def __init__(self, state: State, out: pathlib.Path) -> None:
        self.state, self.out = state, out
        self.digests: dict[pathlib.Path, str] = {}   # each plan file's text digest at the last rebuild
        self.shown: dict[str, bytes] = {}             # this rebuild's first pages, as written
        self.seconds = 0.0                            # when they were shown, after the rebuild started
        self.started = 0.0

    def begin(self) -> None:
        self.shown, self.seconds, self.started = {}, 0.0, time.monotonic()

    def pick(self, model) -> list:
        edited = {plan.path for plan in model.plans if self.digests.get(plan.path, plan.digest) != plan.digest}
        self.digests = {plan.path: plan.digest for plan in model.plans}
        open_pages = self.state.open_pages()
        return [page for page in model.pages if page.out_path in open_pages
                or (page.kind == "plan" and page.data.plan.path in edited)]

    def show(self, files: list) -> None:
        if not files:
            return
        try:
            write.put(self.out, files)
        except OSError as exc:
            raise write.OutputError(exc) from None
        self.shown = {f.path: f.data for f in files}
        self.seconds = time.monotonic() - self.started
        self.state.publish(None)

    def rest_is_seen(self, before: dict[str, bytes], after: dict[str, bytes]) -> bool:
        """After the rest of the rebuild is written: whether every open tab already shows it (it reloaded
        when the first pages were shown, and nothing it shows changed since), so it need not reload again."""
        if not self.shown:
            return False
        open_pages = self.state.open_pages()
        for path in set(before) | set(after):
            data = after.get(path)
            if data is not None and (before.get(path) is data or self.shown.get(path) == data
                                     or before.get(path) == data):
                continue
            if not path.endswith(".html") or path in open_pages:
                return False   # a stylesheet, a picture, or a page a tab shows
        return True


def _rebuild(load_config, state: State, cache: PreviewCache, report_problems, jobs: int = 1,
             heap: Heap | None = None, first: FirstPages | None = None) -> None:
    with state.building:   # never while the search index is being written into the same folder
        _rebuild_now(load_config, state, cache, report_problems, jobs, first)
        if heap is not None:
            heap.settle()


def _rebuild_now(load_config, state: State, cache: PreviewCache, report_problems, jobs: int,
                 first: FirstPages | None) -> None:
    started = time.monotonic()
    before = cache.written or {}
    if first is not None:
        first.begin()
    try:
        config = load_config()   # site.toml is watched too
        report = pipeline.build(config, qr=bool(config.base_url), pdf=False, downloads=False, cache=cache,
                                drafts=True, jobs=jobs, first=first)
    except ConfigError as exc:
        print(exc, file=sys.stderr, flush=True)
        problems = Problems()
        for problem in exc.problems:
            problems.add(problem)
        if not exc.problems:
            problems.error(Pos(pathlib.Path("site.toml")), str(exc).split("錯誤：", 1)[-1])
        state.publish(problems)
        return
    except BuildFailed as exc:
        report_problems(exc.problems)
        print("建置失敗：瀏覽器顯示錯誤頁，預覽保留上一次成功的版本；修正後會自動更新。"
              " Build failed; fix the file and the page comes back.", file=sys.stderr, flush=True)
        state.publish(exc.problems)
        return
    report_problems(report.problems)
    state.search_index = report.finish   # written when the search page asks for it (State.ready_search_index)
    memo = cache.get("incremental")
    redone = f"（重新產生 {len(memo.rendered)} 頁）" if memo is not None else ""
    ahead = f"；正在看與剛修改的 {len(first.shown)} 頁先在 {first.seconds:.2f} 秒更新" if first and first.shown else ""
    print(f"已更新：{report.pages} 頁{redone}，{time.monotonic() - started:.2f} 秒{ahead}。 Rebuilt.", flush=True)
    if first is None or not first.rest_is_seen(before, cache.written or {}):
        state.publish(None)


def _related(a: pathlib.Path, b: pathlib.Path) -> bool:
    return a == b or a.is_relative_to(b) or b.is_relative_to(a)


def _preview_folder(config, out: pathlib.Path | None) -> tuple[pathlib.Path, bool]:
    """The folder the preview is built into and whether it is a new temporary one (removed on exit).

    `out` (serve --out) is used unless the preview's writes could touch the publish folder, the
    project or the watched folders (equal to, inside or around any of them): then, with a warning,
    a temporary folder. Raises OSError when a temporary folder cannot be made."""
    if out is not None:
        out = out.resolve()
        guarded = [config.path("output"), config.path("plans"), config.path("frameworks"),
                   config.path("templates"), config.path("static")]
        if any(_related(out, path) for path in guarded) or config.root.resolve().is_relative_to(out):
            print(f"警告：--out「{display_path(out)}」是網站的發布資料夾、專案或 plans/ 等資料夾（或在其中、包含它們）；"
                  "預覽改建置在暫存資料夾，不會動到這些資料夾。 --out overlaps the publish or project folders: "
                  "using a temporary folder instead.", file=sys.stderr, flush=True)
        else:
            print(f"預覽資料夾：{out} Preview folder.", flush=True)
            return out, False
    folder = pathlib.Path(tempfile.mkdtemp(prefix="plansite-preview-"))
    print(f"預覽資料夾：{folder}（結束時刪除） Preview folder, removed on exit.", flush=True)
    return folder, True


def _remove_preview(folder: pathlib.Path) -> None:
    """The temporary preview folder, and the staging or old folders an interrupted write left beside it."""
    shutil.rmtree(folder, ignore_errors=True)
    for leftover in folder.parent.glob(f".{folder.name}.*"):
        shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (and SIGHUP: the terminal closed) stop serve like Ctrl+C, so the preview folder is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {}

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for name in names:
        try:
            previous[name] = signal.signal(getattr(signal, name), interrupt)
        except (OSError, ValueError):
            continue
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def serve(load_config, port: int, report_problems, out: pathlib.Path | None = None) -> int:
    """Serve until Ctrl+C. `load_config()` reads site.toml (with command-line overrides) afresh.

    The preview is built into `out` (serve --out) or a temporary folder, never into paths.output."""
    config = load_config()
    try:
        folder, temporary = _preview_folder(config, out)
    except OSError as exc:
        problems = Problems()
        problems.add(os_error_problem(exc, "無法建立預覽用的暫存資料夾",
                                      "請以 serve --out 指定可以寫入的資料夾。 Cannot create the preview folder."))
        report_problems(problems)
        return 1
    try:
        with _terminate_as_interrupt():
            return _serve(lambda: load_config().with_overrides(**{"paths.output": str(folder)}), folder, port,
                          report_problems)
    finally:
        if temporary:
            _remove_preview(folder)


def _serve(load_config, out: pathlib.Path, port: int, report_problems) -> int:
    from . import render  # noqa: PLC0415

    config = load_config()
    if not config.base_url:
        print("警告：site.toml 沒有設定 base_url，預覽中不顯示 QR Code；正式建置前請設定。 "
              "No base URL: QR codes are left out of the preview.", file=sys.stderr)
    print("預覽不產生 PDF、ODT、ODS 等下載檔；正式建置（python build.py build）才會產生。", file=sys.stderr)
    state, cache, heap = State(), PreviewCache(), Heap()
    first = FirstPages(state, out)
    # the first build runs before the server's thread starts, so it may fork workers; later ones do not
    _rebuild(load_config, state, cache, report_problems, jobs=parallel.default_jobs(), heap=heap, first=first)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        problems = Problems()
        problems.add(os_error_problem(exc, f"無法建立預覽資料夾「{display_path(out)}」",
                                      "請以 serve --out 指定可以寫入的資料夾。 Cannot create the preview folder."))
        report_problems(problems)
        return 1
    handler = type("Handler", (_Handler,), {"state": state, "env": render.environment(config),
                                            "site_name": config["site.name"]})
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(out)))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"錯誤：連接埠 {port} 已被其他程式使用；請改用 --port 指定其他連接埠，例如 --port {port + 1}。"
                  f" Port {port} is in use.", file=sys.stderr)
            return 1
        print(f"錯誤：無法使用連接埠 {port}（{exc.strerror or exc}）；請改用 --port 指定 1024 以上的其他連接埠，"
              f"例如 --port 8000。 Cannot listen on port {port}.", file=sys.stderr)
        return 1
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folders = [config.path("plans"), config.path("frameworks"), config.path("templates"), config.path("static")]
    try:
        changes = _changes(folders, [config.root / "site.toml", config.path("synonyms")])
        next(changes)   # watching before the address is shown, so an edit made right after is seen
        print(f"預覽網址：http://127.0.0.1:{port}/ （按 Ctrl+C 結束） Serving, Ctrl+C to stop.", flush=True)
        for _changed in changes:
            _rebuild(load_config, state, cache, report_problems, heap=heap, first=first)
    except KeyboardInterrupt:
        print("\n已停止預覽。 Stopped.")
    finally:
        server.shutdown()
        server.server_close()
    return 0
