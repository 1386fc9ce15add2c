"""PDF of each plan, printed from its page with the print stylesheet by Chromium (headless CLI).

Chromium embeds the CJK font subset and tags the text, so the PDF has a real text layer in
reading order. The two timestamps Chromium writes are replaced by the plan's own date, so the
same input gives the same bytes. Without Chromium the build goes on and says what to install.
"""
from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

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
