"""Write the output atomically: a sibling staging folder, then one swap."""
from __future__ import annotations

import errno
import os
import pathlib
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass

from .errors import BuildFailed, Pos, Problems


class OutputError(Exception):
    """Writing the output folder failed (no permission, disk full, a file in the way): `error` is the
    OSError, naming the output path the editor knows. Kept apart from errors reading the input."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(frozen=True)
class KeptFile:
    """A file the previous output holds and this build keeps as it is (Stage.add links it): its bytes
    were just checked (a page against its recorded `digest`, incremental.file_digest; a download or QR
    image from the cache against the bytes it must hold: `holds`), so they are not read again."""
    path: str
    digest: str | None = None     # pages only
    size: int = 0


@dataclass(frozen=True)
class WrittenFile:
    """A page a worker process forked from the build has already written into the staging folder
    (Stage.put; render.render_pages with `stage`): the build checks its path and keeps its digest
    (incremental.file_digest), and the bytes never travel back to the build process."""
    path: str
    digest: str


def holds(old: pathlib.Path, data: bytes) -> bool:
    """Whether `old` is a regular file (never a symbolic link) holding exactly `data`."""
    try:
        found = old.lstat()
        return stat.S_ISREG(found.st_mode) and found.st_size == len(data) and old.read_bytes() == data
    except OSError:
        return False


class Stage:
    """A staging folder beside `out_dir`, filled as the build makes its files and swapped in by
    `commit` only when everything is written; `abort` (or leaving a `with` block by an exception)
    removes it and leaves the previous output untouched.

    Files are written as they come, so a build never holds the whole site in memory. Two files
    claiming one path (case-insensitively, for Windows and macOS hosts) or a path leaving the folder
    is an error (BuildFailed), never a silent overwrite. A file identical to the previous output's
    becomes a hard link to it. `digests` holds incremental.file_digest of every page (.html) written."""

    def __init__(self, out_dir: pathlib.Path, static_dir: pathlib.Path) -> None:
        self.out_dir = out_dir.resolve()
        self.digests: dict[str, str] = {}
        self.count = 0
        self._seen: set[str] = set()
        self._made: set[pathlib.Path] = set()
        if self.out_dir.exists() and not self.out_dir.is_dir():   # never swap a directory in for the user's file
            raise OutputError(NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(self.out_dir)))
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            self.staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.staging-",
                                                         dir=self.out_dir.parent))
        except OSError as exc:
            raise OutputError(_named(exc, self.out_dir)) from None
        try:
            if static_dir.is_dir():
                self.add([_Static("static/" + p.relative_to(static_dir).as_posix(), p)
                          for p in sorted(static_dir.rglob("*")) if p.is_file()])
        except BaseException:
            self.abort()
            raise
        self.digests, self.count = {}, 0   # the build's own files are counted, as the build reports them

    def __enter__(self) -> "Stage":
        return self

    def __exit__(self, kind, _value, _trace) -> None:
        if kind is not None:
            self.abort()

    def add(self, files) -> None:
        """Write these files (objects with .path and .data) into the staging folder."""
        from .incremental import file_digest  # noqa: PLC0415 - incremental imports the site model

        for f in files:
            path = f.path
            _check_path(path, self._seen)
            if type(f) is KeptFile:   # already checked: linked, not read again
                if path.endswith(".html"):
                    self.digests[path] = f.digest
                self.count += 1
                self.keep(path)
                continue
            if type(f) is WrittenFile:   # written by a worker: a path claimed twice still fails here
                self.digests[path] = f.digest
                self.count += 1
                continue
            data = f.data
            if path.endswith(".html"):
                self.digests[path] = file_digest(data)
            self.count += 1
            self.put(path, data)

    def put(self, path: str, data: bytes) -> int:
        """Write one file, checked and counted by `claim`, not here: a worker process forked from the
        build writes a large file itself instead of sending it back (assets, the search index). Its size."""
        try:
            target = self._target(path)
            if not _link_unchanged(self.out_dir / path, target, data):
                target.write_bytes(data)
        except OSError as exc:
            raise OutputError(_named(exc, self.out_dir / path)) from None
        return len(data)

    def put_pieces(self, path: str, pieces) -> int:
        """`put` for a file written piece by piece as its pieces are made (the whole-site plans.csv and
        plans.json, 150 MB each at 5,000 plans, never held whole in memory). Its size."""
        return self.put_written(path, lambda out: sum(map(out.write, pieces)))

    def put_written(self, path: str, write) -> int:
        """`put` for a file that write(file) writes into a seekable binary file (the whole site's
        plans.ods, whose zip headers are filled in after its content). Its size."""
        try:
            with open(self._target(path), "wb") as out:
                return write(out)
        except OSError as exc:
            raise OutputError(_named(exc, self.out_dir / path)) from None

    def keep(self, path: str) -> None:
        """The previous output's file for `path`, known to be unchanged (a hard link, or a copy where the
        file system cannot link); checked and counted by `claim`, like `put`."""
        try:
            target = self._target(path)
            try:
                os.link(self.out_dir / path, target, follow_symlinks=False)
            except (OSError, NotImplementedError):
                shutil.copyfile(self.out_dir / path, target, follow_symlinks=False)
        except OSError as exc:
            raise OutputError(_named(exc, self.out_dir / path)) from None

    def _target(self, path: str) -> pathlib.Path:
        """Where `path` goes in the staging folder, its folder made (BuildFailed for a path leaving it)."""
        if not _inside(path):
            _check_path(path, set())   # the problem, raised
        target = self.staging / path
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        return target

    def claim(self, paths) -> None:
        """Check and count files a worker wrote (`put`): no path twice, none that is not a page's."""
        for path in paths:
            assert not path.endswith(".html"), "pages are added here, with their digests"
            _check_path(path, self._seen)
            self.count += 1

    def commit(self) -> None:
        try:
            _swap(self.staging, self.out_dir)
        except OSError as exc:
            self.abort()
            raise OutputError(_named(exc, self.out_dir)) from None
        self.staging = None

    def abort(self) -> None:
        """Remove the staging folder (nothing once committed)."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


class _Static:
    """A file of the static folder, read when it is written."""

    def __init__(self, path: str, source: pathlib.Path) -> None:
        self.path, self.source = path, source

    @property
    def data(self) -> bytes:
        return self.source.read_bytes()


def publish(out_dir: pathlib.Path, files, static_dir: pathlib.Path) -> None:
    """Fill a staging folder beside `out_dir` and swap it in only when everything is written (Stage).
    File-system errors are raised as OSError, naming the output path, for the caller to report.
    A bad path is refused before anything is created."""
    seen: set[str] = set()
    for f in files:
        _check_path(f.path, seen)
    try:
        with Stage(out_dir, static_dir) as stage:
            stage.add(files)
            stage.commit()
    except OutputError as exc:
        raise exc.error from None


def _link_unchanged(old: pathlib.Path, target: pathlib.Path, data: bytes) -> bool:
    """Give `target` the previous output's file when it holds exactly `data` (a hard link: no copy);
    False when it differs, is missing, or the file system cannot link, and the bytes are written."""
    try:
        if not holds(old, data):   # a regular file only: never link through a symbolic link the folder holds
            return False
        os.link(old, target, follow_symlinks=False)
        return True
    except (OSError, NotImplementedError):
        return False


def _named(exc: OSError, path: pathlib.Path) -> OSError:
    """The same error, naming the output path the editor knows rather than a random staging name."""
    return type(exc)(exc.errno, exc.strerror, str(path))


def update(out_dir: pathlib.Path, files, static_dir: pathlib.Path, previous: dict[str, bytes] | None) -> dict[str, bytes]:
    """The preview's write: after a successful build, replace only the files that changed (each
    atomically) and remove the ones no longer made. Returns what the output now holds."""
    wanted = _collect(files, static_dir, checked=previous or {})
    if previous is None or not out_dir.is_dir():
        publish(out_dir, files, static_dir)
        return wanted
    for rel, data in wanted.items():
        target = out_dir / rel
        if previous.get(rel) != data or not target.is_file():
            _replace(target, data)
    for rel in set(previous) - set(wanted):
        (out_dir / rel).unlink(missing_ok=True)
    return wanted


def put(out_dir: pathlib.Path, files) -> None:
    """The preview's first pages of a rebuild, written ahead of the rest (which `update` then writes):
    each file replaced atomically, nothing removed."""
    seen: set[str] = set()
    for f in files:
        _check_path(f.path, seen)
        _replace(out_dir / f.path, f.data)


def _replace(target: pathlib.Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _collect(files, static_dir: pathlib.Path, checked=()) -> dict[str, bytes]:
    """Every output file by path: the static folder under static/, then the built files. A path in
    `checked` (the preview's last good build) is known to stay inside the folder; duplicates are
    looked for on every path."""
    wanted: dict[str, bytes] = {}
    seen: set[str] = set()
    items = [("static/" + p.relative_to(static_dir).as_posix(), p.read_bytes())
             for p in sorted(static_dir.rglob("*")) if p.is_file()] if static_dir.is_dir() else []
    for path, data in items + [(f.path, f.data) for f in files]:
        _check_path(path, seen, inside=path in checked)
        wanted[path] = data
    return wanted


def _check_path(path: str, seen: set[str], inside: bool = False) -> None:
    """A path inside the output folder (or known to be: `inside`), not yet claimed (case-insensitively,
    for Windows and macOS hosts); it is then added to `seen`. BuildFailed otherwise."""
    if not inside and not _inside(path):
        problems = Problems()
        problems.error(Pos(pathlib.Path(path)), f"輸出路徑「{path!r}」會寫到網站輸出資料夾之外，已拒絕寫入。",
                       "請檢查機關、單位與架構代稱只用小寫英文字母、數字與連字號。 Output path escapes the site folder.")
        raise BuildFailed(problems)
    if path.lower() in seen:
        problems = Problems()
        problems.error(Pos(pathlib.Path(path)), f"兩個頁面使用同一個網址「{path}」。",
                       "請檢查機關或單位代稱是否重複。 Two pages claim one URL.")
        raise BuildFailed(problems)
    seen.add(path.lower())


def _inside(path: str) -> bool:
    """A relative path that stays inside the output folder on any host: no absolute path, drive,
    backslash, «..» or «.» part, empty part, or control character."""
    parts = path.split("/")
    return (bool(path) and not path.startswith("/") and "\\" not in path and ":" not in parts[0]
            and all(part not in ("", ".", "..") for part in parts)
            and _CONTROL.search(path) is None)


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _swap(staging: pathlib.Path, out_dir: pathlib.Path) -> None:
    os.chmod(staging, 0o755)
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
