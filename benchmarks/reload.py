#!/usr/bin/env python3
"""Edit-to-reload time of `python build.py serve` on the seed site, in headless Chromium.

Copies the seed plans to a temporary project, starts the preview server, opens a plan page,
then edits one measure N times and measures, each time, from the file write to the new text
showing in the page (which reloads by itself). Prints every figure and the median.

    .venv/bin/python benchmarks/reload.py [--edits 9]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "browser")]

from playwright.sync_api import sync_playwright  # noqa: E402

from plansite import browsercheck  # noqa: E402
from test_serve import PAGE, PLAN, serving  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=9)
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = browsercheck.launch_chromium(p)
        with serving(Path(tmp)) as (root, base, _process):
            page = browser.new_page()
            page.goto(base + PAGE)
            plan = root / PLAN
            text = plan.read_text(encoding="utf-8")
            current = "於1樓大廳設置意見箱。"
            for n in range(args.edits):
                new = f"於1樓大廳設置意見箱（第{n + 1}次修改）。"
                text = text.replace(current, new, 1)
                time.sleep(0.3)  # let the previous reload settle
                started = time.perf_counter()
                plan.write_text(text, encoding="utf-8")
                page.get_by_text(new).wait_for(timeout=10000)
                times.append(time.perf_counter() - started)
                current = new
                print(f"edit {n + 1}: {times[-1] * 1000:.0f} ms", flush=True)
        browser.close()
    print(f"median edit-to-reload: {statistics.median(times) * 1000:.0f} ms "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {len(times)} edits)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
