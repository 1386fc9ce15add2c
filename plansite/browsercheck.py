"""Browser-based checks (axe-core in Chromium, the Nu HTML Checker), shared by the tests and `check --a11y`.

- launch_chromium(playwright): Debian's Chromium, headless, driven by Playwright.
- serve_directory(path): a throwaway static HTTP server on 127.0.0.1.
- axe_violations(page): run the pinned axe-core in the page.
- vnu_errors(paths): run the pinned Nu Html Checker (vnu.jar) over HTML files.
- format_violations(...), format_vnu_errors(...): readable failure messages.

The npm tools come from node_modules/ at the repository root, installed by
scripts/test.sh (npm ci) at the versions pinned in package-lock.json.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import threading
import urllib.parse
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence, Union

REPO_ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = REPO_ROOT / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_SETUP_HINT = "run scripts/test.sh once (it installs Debian packages and runs npm ci)"

PathLike = Union[str, "os.PathLike[str]"]


# --------------------------------------------------------------------------
# Chromium


def launch_chromium(playwright, **kwargs):
    """Launch Debian's Chromium headless through Playwright and return the Browser.

    ``playwright`` is the object from ``sync_playwright().start()`` (or the
    ``with sync_playwright() as p`` value). Extra keyword arguments go to
    ``playwright.chromium.launch``. Set CHROMIUM=/path to use another binary.
    """
    if not os.access(CHROMIUM, os.X_OK):
        raise FileNotFoundError(f"Chromium not found at {CHROMIUM}: {_SETUP_HINT}")
    args = CHROMIUM_ARGS + list(kwargs.pop("args", []))
    kwargs.setdefault("headless", True)
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args, **kwargs)


# --------------------------------------------------------------------------
# Static HTTP server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".json": "application/json",
        ".webmanifest": "application/manifest+json",
        ".svg": "image/svg+xml",
        ".woff2": "font/woff2",
    }

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass

    def end_headers(self):
        # Every test sees the files as they are on disk now.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that drops a connection mid-response is not a test failure.
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, socket.timeout)):
            return
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_directory(path: PathLike) -> Iterator[str]:
    """Serve ``path`` over HTTP on 127.0.0.1 on a free port, in a background thread.

    Yields the base URL, e.g. ``"http://127.0.0.1:41234/"``; the server is shut
    down and its socket closed when the ``with`` block ends.
    """
    root = Path(path)
    if not root.is_dir():
        raise NotADirectoryError(f"not a directory: {root}")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"serve_directory:{port}",
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------
# axe-core


@functools.lru_cache(maxsize=1)
def _axe_source() -> str:
    if not AXE_JS.is_file():
        raise FileNotFoundError(f"axe-core not found at {AXE_JS}: {_SETUP_HINT}")
    return AXE_JS.read_text(encoding="utf-8")


_AXE_RUN = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    help_url: v.helpUrl,
    tags: v.tags,
    nodes: v.nodes.map((n) => ({
      target: n.target,
      html: n.html,
      summary: n.failureSummary || '',
    })),
  }));
}
"""


def _selector(target) -> str:
    # axe gives a list of selectors; nested lists step into iframes/shadow roots.
    if isinstance(target, str):
        return target
    return " >>> ".join(_selector(t) for t in target)


def axe_violations(page, tags: Sequence[str] = AXE_TAGS) -> list[dict]:
    """Run axe-core on the page's current document and return its violations.

    Each violation is a dict:
      id        rule id, e.g. "image-alt"
      impact    "minor" | "moderate" | "serious" | "critical"
      help      one-line description of the rule
      help_url  Deque's page for the rule
      targets   CSS selector of every failing element
      html      HTML snippet of the first failing element
      nodes     every failing element: {"target", "html", "summary"}

    axe is injected through the DevTools protocol (page.evaluate), so a page's
    Content-Security-Policy does not block it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source() + "\n;true")
    raw = page.evaluate(_AXE_RUN, list(tags))
    violations = []
    for v in raw:
        nodes = [
            {"target": _selector(n["target"]), "html": n["html"], "summary": n["summary"]}
            for n in v["nodes"]
        ]
        violations.append(
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "help_url": v["help_url"],
                "tags": v["tags"],
                "targets": [n["target"] for n in nodes],
                "html": nodes[0]["html"] if nodes else "",
                "nodes": nodes,
            }
        )
    return violations


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_violations(violations: Sequence[Mapping], page: str = "") -> str:
    """A readable report of axe violations, naming the page, rule and elements.

    ``page`` is the URL or name of the page checked (shown in the heading).
    Returns "" when there are no violations.
    """
    if not violations:
        return ""
    where = f" on {page}" if page else ""
    lines = [f"axe: {len(violations)} rule(s) violated{where}:"]
    for v in violations:
        lines.append(f"  - {v['id']} [{v.get('impact') or '?'}] {v.get('help', '')}")
        nodes = v.get("nodes") or [
            {"target": t, "html": v.get("html", "") if i == 0 else ""}
            for i, t in enumerate(v.get("targets", []))
        ]
        for n in nodes:
            snippet = f"  {_shorten(n['html'])}" if n.get("html") else ""
            lines.append(f"      {n['target']}{snippet}")
        if v.get("help_url"):
            lines.append(f"      {v['help_url']}")
    return "\n".join(lines)


def format_axe_report(results: Mapping[str, Sequence[Mapping]]) -> str:
    """format_violations for many pages: {page: violations} -> one report."""
    return "\n".join(format_violations(v, page) for page, v in results.items() if v)


# --------------------------------------------------------------------------
# Nu Html Checker (vnu.jar)

# Keep each java command line far below Linux's limits (ARG_MAX is ~2 MB).
_VNU_MAX_ARGS_CHARS = 100_000
_VNU_MAX_FILES = 2_000


def _html_files(paths) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*.html") if q.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(f"vnu_errors: no such file: {p}")
    return files


def _batches(args: list[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for a in args:
        n = len(os.fsencode(a)) + 1
        if batch and (size + n > _VNU_MAX_ARGS_CHARS or len(batch) >= _VNU_MAX_FILES):
            yield batch
            batch, size = [], 0
        batch.append(a)
        size += n
    if batch:
        yield batch


def _vnu_command(files: list[str]) -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise FileNotFoundError(f"java not found on PATH (vnu.jar needs Java 17+): {_SETUP_HINT}")
    if not VNU_JAR.is_file():
        raise FileNotFoundError(f"vnu.jar not found at {VNU_JAR}: {_SETUP_HINT}")
    return [
        java,
        # Messages and file names are UTF-8 whatever the caller's locale.
        "-Dfile.encoding=UTF-8",
        "-Dsun.stdout.encoding=UTF-8",
        "-Dsun.stderr.encoding=UTF-8",
        "-Djava.awt.headless=true",
        "-jar",
        str(VNU_JAR),
        "--format",
        "json",
        "--errors-only",
        # --verbose lists each file checked on stdout; vnu skips a file it
        # cannot open without a word, so that list is checked below.
        "--verbose",
        *files,
    ]


def _parse_vnu_json(text: str) -> dict:
    # vnu writes its JSON report to stderr; the JVM may print lines before it
    # (e.g. "Picked up JAVA_TOOL_OPTIONS: ...").
    start = text.find('{"')
    if start < 0:
        raise RuntimeError(f"vnu printed no JSON report:\n{text[-2000:]}")
    report, _ = json.JSONDecoder().raw_decode(text[start:])
    return report


def _url_to_path(url: str) -> str:
    parsed = urllib.parse.urlparse(url)
    return urllib.parse.unquote(parsed.path)


def vnu_errors(paths: Union[PathLike, Iterable[PathLike]]) -> dict[Path, list[str]]:
    """Check HTML files with the Nu Html Checker; return error-level messages.

    ``paths``: HTML files, or directories (checked: every *.html under them).
    Returns ``{Path(file): ["line:col: message", ...]}`` for the files that
    have errors only (so ``{}`` means all valid); keys are ``Path`` of the
    paths as given. Warnings and info messages are not reported.

    All files go to ONE java process (more only if the command line would
    get too long): the JVM start costs about 1.5 s, each file little.
    Raises if a file is missing or vnu did not check every file.
    """
    files = _html_files(paths)
    if not files:
        return {}
    by_abs: dict[str, Path] = {}
    for f in files:
        by_abs[os.path.abspath(f)] = f
        by_abs.setdefault(os.path.realpath(f), f)

    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    errors: dict[Path, list[str]] = {}
    for batch in _batches(list(dict.fromkeys(os.path.abspath(f) for f in files))):
        proc = subprocess.run(
            _vnu_command(batch),
            capture_output=True,
            env=env,
            cwd=REPO_ROOT,
            timeout=1800,
        )
        stdout = proc.stdout.decode("utf-8", "replace")
        stderr = proc.stderr.decode("utf-8", "replace")
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"vnu exited with {proc.returncode}:\n{stderr[-4000:]}")
        report = _parse_vnu_json(stderr)

        checked = set(stdout.splitlines())
        unchecked = [f for f in batch if f not in checked]
        if unchecked:
            raise RuntimeError(
                "vnu did not check these files (unreadable?): " + ", ".join(unchecked)
            )

        for m in report.get("messages", []):
            if m.get("type") not in ("error", "non-document-error"):
                continue
            url = m.get("url")
            path = by_abs.get(_url_to_path(url)) if url else None
            if path is None:
                raise RuntimeError(f"vnu message for an unexpected document: {m}")
            line = m.get("firstLine", m.get("lastLine", "?"))
            col = m.get("firstColumn", m.get("lastColumn", "?"))
            errors.setdefault(path, []).append(f"{line}:{col}: {m.get('message', '')}")
    return errors


def format_vnu_errors(errors: Mapping[PathLike, Sequence[str]], root: PathLike | None = None) -> str:
    """A readable report of vnu_errors() results, one block per file.

    With ``root``, file names are shown relative to it. Returns "" when clean.
    """
    errors = {p: msgs for p, msgs in errors.items() if msgs}
    if not errors:
        return ""
    total = sum(len(m) for m in errors.values())
    lines = [f"vnu: {total} HTML error(s) in {len(errors)} file(s):"]
    for path, msgs in errors.items():
        name = Path(path)
        if root is not None:
            with contextlib.suppress(ValueError):
                name = Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
        lines.append(f"  {name}")
        lines.extend(f"    {msg}" for msg in msgs)
    return "\n".join(lines)
