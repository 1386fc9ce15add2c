#!/usr/bin/env python3
"""Lighthouse 12 scores, layout shift and largest paint on one page of each kind of the seed site.

Builds the seed site (no PDF), serves it on 127.0.0.1 and runs the pinned Lighthouse
(package.json; installed by scripts/test.sh) with Debian's Chromium on each page of
tests/support.py PAGE_KINDS, with Lighthouse's default mobile preset (simulated slow 4G, a
412 px wide phone). Prints a table, then the same figures as JSON. Nothing but localhost is
contacted.

    .venv/bin/python benchmarks/lighthouse.py [--kinds home plan …] [--json results.json]

Scores are 0–100; CLS is unitless (good ≤ 0.1); LCP in milliseconds (good ≤ 2500). "failing"
lists the audits of the four categories scoring under 0.9, Lighthouse's own pass mark.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from plansite import pipeline  # noqa: E402
from plansite.config import load_config  # noqa: E402
from support import PAGE_KINDS  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PASS = 0.9   # Lighthouse shows an audit as passed from this score on


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Plain static hosting. Unlike the tests' server (Cache-Control: no-store, which Lighthouse
    rightly flags as blocking the back/forward cache), it sends what a static host sends; it
    does not compress, so uses-text-compression reports what a host's gzip would save."""
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json"}

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@contextlib.contextmanager
def serve(directory: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def lighthouse(url: str, out: Path) -> dict:
    """One Lighthouse run on `url`; its JSON report (lhr)."""
    cmd = ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
           f"--only-categories={','.join(CATEGORIES)}", "--no-enable-error-reporting",
           "--disable-full-page-screenshot", f"--chrome-flags={' '.join(CHROME_FLAGS)}"]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(f"lighthouse failed on {url} (exit {result.returncode}):\n{result.stderr[-2000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def summary(lhr: dict) -> dict:
    audits = lhr["audits"]
    failing = set()
    for category in CATEGORIES:
        for ref in lhr["categories"][category]["auditRefs"]:
            audit = audits[ref["id"]]
            if audit.get("score") is not None and audit["scoreDisplayMode"] in ("binary", "numeric", "metricSavings") \
                    and audit["score"] < PASS:
                failing.add(ref["id"])
    if lhr.get("runtimeError"):
        failing.add(f"runtimeError:{lhr['runtimeError'].get('code')}")
    scores = {c: (round(lhr["categories"][c]["score"] * 100) if lhr["categories"][c]["score"] is not None else None)
              for c in CATEGORIES}
    return {**scores,
            "cls": round(audits["cumulative-layout-shift"].get("numericValue", float("nan")), 4),
            "lcp_ms": round(audits["largest-contentful-paint"].get("numericValue", float("nan"))),
            "failing": sorted(failing)}


def table(results: dict[str, dict]) -> str:
    head = f"{'kind':<14}{'perf':>5}{'a11y':>5}{'bp':>5}{'seo':>5}{'CLS':>8}{'LCP ms':>8}  failing audits"
    lines = [head, "-" * len(head)]
    for kind, r in results.items():
        lines.append(f"{kind:<14}{r['performance']!s:>5}{r['accessibility']!s:>5}{r['best-practices']!s:>5}"
                     f"{r['seo']!s:>5}{r['cls']:>8.4f}{r['lcp_ms']:>8}  {', '.join(r['failing']) or '-'}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", nargs="+", choices=sorted(PAGE_KINDS), default=list(PAGE_KINDS),
                        help="page kinds to measure (default: all of tests/support.py PAGE_KINDS)")
    parser.add_argument("--json", type=Path, help="also write the JSON to this file")
    args = parser.parse_args()
    if not LIGHTHOUSE.is_file():
        print(f"Lighthouse not found at {LIGHTHOUSE}: run scripts/test.sh once (npm ci).", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "_site"
        # published as an agency would: with a base URL and a contact (pages link to 聯絡我們)
        config = load_config(ROOT / "site.toml").with_overrides(**{
            "site.base_url": "https://example.gov.tw/plans/", "contact.email": "plans@example.gov.tw",
            "paths.output": str(site)})
        pipeline.build(config, pdf=False)
        results, problems = {}, {}
        with serve(site) as base:
            for kind in args.kinds:
                page = PAGE_KINDS[kind]
                if not (site / page).is_file():
                    problems[kind] = f"{page} is not in this build"
                    continue
                try:
                    results[kind] = {"page": page, **summary(lighthouse(base + page, Path(tmp) / f"{kind}.json"))}
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    problems[kind] = str(exc)
                    continue
                print(table({kind: results[kind]}).splitlines()[-1], file=sys.stderr, flush=True)
    version = json.loads((LIGHTHOUSE.parent.parent / "package.json").read_text(encoding="utf-8"))["version"]
    print(f"Lighthouse {version}, mobile preset (simulated throttling), Chromium at {CHROMIUM}")
    print(table(results))
    for kind, problem in problems.items():
        print(f"{kind}: not measured: {problem}")
    text = json.dumps({"lighthouse": version, "pages": results, "not_measured": problems}, ensure_ascii=False,
                      indent=2, sort_keys=True)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
