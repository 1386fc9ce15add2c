#!/usr/bin/env python3
"""Build times and peak memory on the seed site: full build (with PDFs), without PDFs, and the
preview server's rebuild after an edit (cached parsing, no downloads).

    .venv/bin/python benchmarks/build.py [--runs 3]
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plansite import pipeline  # noqa: E402
from plansite.config import load_config  # noqa: E402


def timed(label: str, runs: int, action) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    print(f"{label}: median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, {runs} runs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(ROOT / "site.toml").with_overrides(**{
            "site.base_url": "https://example.gov.tw/plans/", "paths.output": str(Path(tmp) / "_site")})
        timed("full build with PDFs", args.runs, lambda: pipeline.build(config))
        timed("build without PDFs", args.runs, lambda: pipeline.build(config, pdf=False))
        cache: dict = {}
        pipeline.build(config, pdf=False, downloads=False, cache=cache)
        timed("preview rebuild (warm cache)", max(args.runs, 5),
              lambda: pipeline.build(config, pdf=False, downloads=False, cache=cache))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB (Chromium runs as a separate process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
