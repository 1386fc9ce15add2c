"""What the last good build of an output folder was made from: a build whose inputs did not change
and whose output nobody touched is not redone (`.cache/`, safe to delete, never published).

The fingerprint covers every input that can change a byte of the site: plans, frameworks,
templates, static files, schemas, site settings and command options, this program's own code and
data, the versions of the packages that write output, and (for PDFs) the Chromium binary. The
output is checked too: the same files with the same sizes and modification times as the build left.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import pathlib
import sys
from dataclasses import dataclass

from .errors import Pos, Problem, Problems

PACKAGE = pathlib.Path(__file__).resolve().parent
FORMAT = 1
_PACKAGES = ("Jinja2", "MarkupSafe", "markdown-it-py", "PyYAML", "segno", "pypng", "jsonschema", "fastjsonschema")


@dataclass(frozen=True)
class DraftRef:
    """A plan left out as draft, as the last build reported it."""
    path: pathlib.Path


def _tree(folder: pathlib.Path):
    if folder.is_file():
        yield folder
    elif folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                yield path


def fingerprint(config, options: dict, extra_files=()) -> str:
    """A hash of everything the build reads; any change of a byte gives another value."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    add("code", code_key().encode())   # this program, its schemas and the packages that write output
    add("options", json.dumps(options, sort_keys=True, default=str).encode())
    add("config", json.dumps(config.values, sort_keys=True, default=str).encode())
    roots = [config.path(key) for key in ("plans", "frameworks", "templates", "static", "a11y_record", "synonyms")]
    roots += list(map(pathlib.Path, extra_files))
    for root in roots:
        add("root", str(root).encode())
        for path in _tree(root):
            add(str(path.relative_to(root) if path != root else path.name), path.read_bytes())
    return digest.hexdigest()


def _outputs(out: pathlib.Path) -> dict[str, list[int]]:
    """Every file under `out` by its path there (with /): [size, modification time in ns]."""
    found: dict[str, list[int]] = {}
    folders = [(str(out), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, prefix + entry.name + "/"))
                else:
                    stat = entry.stat()
                    found[prefix + entry.name] = [stat.st_size, stat.st_mtime_ns]
    return found


class BuildStamp:
    """The record of the last good build into one output folder, under <project>/.cache/."""

    def __init__(self, config, options: dict, extra_files=()) -> None:
        self.out = config.path("output")
        key = hashlib.sha256(str(self.out).encode()).hexdigest()[:16]
        self.path = config.root / ".cache" / f"build-{key}.json"
        self.fingerprint = fingerprint(config, options, extra_files)

    def replay(self) -> dict | None:
        """The last build's report (pages, files, problems, drafts) if nothing changed since, else None."""
        try:
            stamp = json.loads(self.path.read_text(encoding="utf-8"))
            if stamp.get("fingerprint") != self.fingerprint or not self.out.is_dir():
                return None
            if _outputs(self.out) != stamp["outputs"]:
                return None
            problems = Problems()
            for p in stamp["problems"]:
                problems.add(Problem(Pos(pathlib.Path(p["path"]), p["line"], p["col"]), p["message"], p["hint"],
                                     p["severity"], p["blocking"]))
            return {"problems": problems, "pages": stamp["pages"], "files": stamp["files"],
                    "drafts": [DraftRef(pathlib.Path(d)) for d in stamp["drafts"]]}
        except (OSError, ValueError, KeyError, TypeError):
            return None   # no stamp yet, or one from another version: build

    def record(self, pages: int, files: int, problems: Problems, drafts) -> None:
        """Remember this good build; a cache that cannot be written only costs the next build time."""
        stamp = {"fingerprint": self.fingerprint, "pages": pages, "files": files,
                 "drafts": [str(d.path) for d in drafts], "outputs": _outputs(self.out),
                 "problems": [{"path": str(p.pos.path), "line": p.pos.line, "col": p.pos.col, "message": p.message,
                               "hint": p.hint, "severity": p.severity, "blocking": p.blocking}
                              for p in problems.items]}
        write_json(self.path, stamp)

    def forget(self) -> None:
        try:
            self.path.unlink()
        except OSError:
            pass


def write_json(path: pathlib.Path, value) -> None:
    """A record under .cache/, replaced atomically; any file-system trouble only costs time next build."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / ".gitignore").write_text("*\n", encoding="utf-8")
        temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temp.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
        os.replace(temp, path)
    except OSError:
        pass


_CODE_KEY: list[str] = []


def code_key() -> str:
    """A hash of this program (code, data, schemas) and the packages that write output."""
    if not _CODE_KEY:
        digest = hashlib.sha256(str(FORMAT).encode() + sys.version.encode())
        for name in _PACKAGES:
            try:
                digest.update(f"{name}={importlib.metadata.version(name)}".encode())
            except importlib.metadata.PackageNotFoundError:
                digest.update(name.encode())
        for root in (PACKAGE, PACKAGE.parent / "schema"):
            for path in _tree(root):
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
        _CODE_KEY.append(digest.hexdigest())
    return _CODE_KEY[0]


class FileCache:
    """Made bytes kept under <project>/.cache/<name>/ by a key of everything they were made from.

    `get` gives what was stored for a key, or None; `put` stores atomically (several worker
    processes may write at once, each its own keys); `prune` keeps only the keys a build used, so
    the folder never grows past one site's worth. Any file-system trouble only costs time."""

    def __init__(self, root: pathlib.Path, name: str) -> None:
        self.folder = root / ".cache" / name

    @staticmethod
    def key(*parts: bytes | str) -> str:
        digest = hashlib.sha256(code_key().encode())
        for part in parts:
            data = part if isinstance(part, bytes) else part.encode()
            digest.update(len(data).to_bytes(8, "big") + data)
        return digest.hexdigest()

    def get(self, key: str) -> list[tuple[list, bytes]] | None:
        """The stored entries: (a small JSON-able header, bytes) each; None when absent or unreadable.
        A plain format, never pickle: a planted cache file can give wrong bytes, never run code."""
        try:
            raw = (self.folder / key).read_bytes()
            head, _newline, body = raw.partition(b"\n")
            entries, at = [], 0
            for header, size in json.loads(head):
                entries.append((header, body[at:at + size]))
                at += size
            return entries if at == len(body) else None
        except (OSError, ValueError, TypeError):
            return None

    def has(self, key: str) -> bool:
        return (self.folder / key).is_file()

    def put(self, key: str, entries: list[tuple[list, bytes]]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            head = json.dumps([[header, len(data)] for header, data in entries], ensure_ascii=False).encode()
            temp = self.folder / f".{key}.{os.getpid()}.tmp"
            temp.write_bytes(head + b"\n" + b"".join(data for _header, data in entries))
            os.replace(temp, self.folder / key)
        except OSError:
            pass

    def prune(self, used: set[str]) -> None:
        try:
            for path in self.folder.iterdir():
                if path.name not in used:
                    path.unlink()
        except OSError:
            pass
