"""`python build.py serve`: build, serve the output on 127.0.0.1, rebuild when a source changes.

Polling (twice a second) keeps this dependency-free and works the same on Windows, macOS
and Linux. A failed rebuild prints the problems and keeps serving the last good build.
"""
from __future__ import annotations

import errno
import functools
import http.server
import pathlib
import sys
import threading
import time

from . import pipeline
from .config import Config
from .errors import BuildFailed


def _snapshot(paths: list[pathlib.Path]) -> dict[str, float]:
    state: dict[str, float] = {}
    for root in paths:
        if root.is_file():
            state[str(root)] = root.stat().st_mtime_ns
        elif root.is_dir():
            for path in root.rglob("*"):
                if path.is_file():
                    state[str(path)] = path.stat().st_mtime_ns
    return state


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - http.server's name
        pass

    def send_error(self, code, message=None, explain=None):
        if code == 404:
            page = pathlib.Path(self.directory) / "404.html"
            if page.is_file():
                body = page.read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        super().send_error(code, message, explain)


def _rebuild(config: Config, report_problems) -> bool:
    try:
        report = pipeline.build(config, qr=bool(config.base_url), pdf=False)
    except BuildFailed as exc:
        report_problems(exc.problems)
        print("建置失敗，網站仍顯示上一次成功的版本；修正後會自動重新建置。 Build failed; serving the last good build.",
              file=sys.stderr, flush=True)
        return False
    report_problems(report.problems)
    print(f"已更新：{report.pages} 頁，{report.seconds:.2f} 秒。 Rebuilt.", flush=True)
    return True


def serve(config: Config, port: int, report_problems) -> int:
    out = config.path("output")
    if not config.base_url:
        print("警告：site.toml 沒有設定 base_url，預覽中不顯示 QR Code；正式建置前請設定。 "
              "No base URL: QR codes are left out of the preview.", file=sys.stderr)
    print("預覽不產生 PDF；PDF 在 python build.py build 時產生。 PDFs are made by `build` only.", file=sys.stderr)
    _rebuild(config, report_problems)
    out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=str(out))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            print(f"錯誤：連接埠 {port} 已被其他程式使用；請改用 --port 指定其他連接埠，例如 --port {port + 1}。"
                  f" Port {port} is in use.", file=sys.stderr)
            return 1
        raise
    # http.server serves whatever directory exists at request time; after an atomic swap
    # the handler's path string points at the new build.
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"預覽網址：http://127.0.0.1:{port}/ （按 Ctrl+C 結束） Serving, Ctrl+C to stop.", flush=True)
    watched = [config.path("plans"), config.path("frameworks"), config.path("templates"), config.path("static"),
               config.root / "site.toml", pathlib.Path(__file__).resolve().parent.parent / "schema"]
    state = _snapshot(watched)
    try:
        while True:
            time.sleep(0.5)
            now = _snapshot(watched)
            if now != state:
                state = now
                _rebuild(config, report_problems)
    except KeyboardInterrupt:
        print("\n已停止預覽。 Stopped.")
    finally:
        server.shutdown()
    return 0
