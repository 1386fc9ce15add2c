"""PDF of each plan, printed from its page with the print stylesheet by Chromium (headless CLI).

Chromium embeds the CJK font subset and tags the text, so the PDF has a real text layer in
reading order. The two timestamps Chromium writes are replaced by the plan's own date, so the
same input gives the same bytes. Without Chromium the build goes on and says what to install.
"""
from __future__ import annotations

import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw"]
INSTALL_HINT = "請安裝 Chromium 以產生 PDF（Debian／Ubuntu：sudo apt install chromium；或以環境變數 PLANSITE_CHROMIUM 指定路徑）。"


def find_chromium() -> str | None:
    """PLANSITE_CHROMIUM when set (and then only it: a wrong path is reported, not silently replaced),
    else the first Chromium on PATH."""
    chosen = os.environ.get("PLANSITE_CHROMIUM")
    if chosen:
        return shutil.which(chosen)
    for candidate in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(candidate):
            return path
    return None


@dataclass
class PrintReport:
    printed: int = 0          # pages Chromium printed in this build
    reused: int = 0           # pages whose PDF came from the cache: same page, styles, fonts and Chromium
    seconds: float = 0.0      # wall time spent printing

    @property
    def seconds_per_page(self) -> float:
        return self.seconds / self.printed if self.printed else 0.0


def cached_print(pages: dict[str, bytes], static_dir: pathlib.Path, dates: dict[str, str], chromium: str,
                 cache_dir: pathlib.Path | None) -> tuple[dict[str, bytes], PrintReport]:
    """print_pages, but a page whose printed input did not change takes its PDF from `cache_dir`
    (content-addressed: the page's bytes, its date, every static file, this module and Chromium)."""
    report = PrintReport()
    if cache_dir is None:
        started = time.monotonic()
        out = print_pages(pages, static_dir, dates, chromium)
        report.printed, report.seconds = len(out), time.monotonic() - started
        return out, report
    common = hashlib.sha256()
    for part in _chromium_identity(chromium) + [pathlib.Path(__file__).read_bytes()]:
        common.update(part if isinstance(part, bytes) else str(part).encode())
    for path in sorted(static_dir.rglob("*")) if static_dir.is_dir() else []:
        if path.is_file():
            common.update(path.relative_to(static_dir).as_posix().encode() + b"\0" + path.read_bytes())
    keys = {}
    for path, data in pages.items():
        key = common.copy()
        key.update(path.encode() + b"\0" + dates.get(path, "").encode() + b"\0" + data)
        keys[path] = key.hexdigest()
    out: dict[str, bytes] = {}
    for path, key in keys.items():
        try:
            out[path] = (cache_dir / f"{key}.pdf").read_bytes()
        except OSError:
            continue
    missing = {path: data for path, data in pages.items() if path not in out}
    report.reused = len(out)
    if missing:
        started = time.monotonic()
        printed = print_pages(missing, static_dir, dates, chromium)
        report.printed, report.seconds = len(printed), time.monotonic() - started
        out.update(printed)
    try:   # keep exactly this build's PDFs: the cache never grows past one site's worth
        cache_dir.mkdir(parents=True, exist_ok=True)
        for path, key in keys.items():
            target = cache_dir / f"{key}.pdf"
            if not target.is_file():
                temp = target.with_suffix(".tmp")
                temp.write_bytes(out[path])
                os.replace(temp, target)
        wanted = {f"{key}.pdf" for key in keys.values()}
        for old in cache_dir.glob("*.pdf"):
            if old.name not in wanted:
                old.unlink()
    except OSError:
        pass   # a cache that cannot be written only costs the next build time
    return {path: out[path] for path in sorted(out)}, report


FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/etc/fonts")


def _chromium_identity(chromium: str) -> list:
    """Chromium's binary and the installed fonts (a package adding or replacing fonts changes a
    folder's date): what else decides a printed page's bytes."""
    found = []
    for path in [os.path.realpath(chromium)] + [d for top in FONT_DIRS for d, _dirs, _files in os.walk(top)]:
        try:
            stat = os.stat(path)
            found.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            found.append(path)
    return found


def print_pages(pages: dict[str, bytes], static_dir: pathlib.Path, dates: dict[str, str],
                chromium: str) -> dict[str, bytes]:
    """{out_path of an HTML page: PDF bytes}. `dates` gives each page's PDF date as YYYY-MM-DD."""
    with tempfile.TemporaryDirectory(prefix="plansite-pdf-") as tmp:
        root = pathlib.Path(tmp)
        shutil.copytree(static_dir, root / "static")
        for path, data in pages.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_bytes(data)

        def one(item):
            index, path = item
            target = root / f"{index}.pdf"
            cmd = [chromium, *FLAGS, f"--user-data-dir={root / f'profile-{index}'}", f"--print-to-pdf={target}",
                   (root / path).as_uri()]
            result = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
            if result.returncode != 0 or not target.is_file():
                raise RuntimeError(f"Chromium 無法產生 {path} 的 PDF：{result.stderr.strip()[-300:]}")
            return path, _stable_node_ids(_fix_dates(target.read_bytes(), dates.get(path, "2000-01-01")))

        with ThreadPoolExecutor(max_workers=2) as pool:
            return dict(pool.map(one, enumerate(sorted(pages))))


def _fix_dates(pdf: bytes, day: str) -> bytes:
    stamp = f"D:{day.replace('-', '')}000000+08'00'".encode()   # same length as Chromium's, offsets unchanged

    def replace(match):
        new = b"/" + match.group(1) + b" (" + stamp + b")"
        return new if len(new) == len(match.group(0)) else match.group(0)   # never shift xref offsets

    return re.sub(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)", replace, pdf)


_NODE_ID = re.compile(rb"\(node(\d{8})\)")


def _stable_node_ids(pdf: bytes) -> bytes:
    """Renumber the tagged PDF's structure-element ids (node00000158 …) 1, 2, 3 … in their own order.

    Chromium takes them from its DOM node counter, which now and then counts one node more (timing),
    shifting every id and so the bytes of an otherwise identical PDF. The mapping keeps the order (the
    IDTree's names stay sorted) and the width (no xref offset moves).
    """
    ids = sorted({int(m.group(1)) for m in _NODE_ID.finditer(pdf)})
    new = {old: b"(node%08d)" % index for index, old in enumerate(ids, 1)}
    return _NODE_ID.sub(lambda m: new[int(m.group(1))], pdf)
