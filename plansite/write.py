"""Write the output atomically: a sibling staging folder, then one swap."""
from __future__ import annotations

import errno
import os
import pathlib
import shutil
import stat
import tempfile

from .errors import BuildFailed, Pos, Problems


def publish(out_dir: pathlib.Path, files, static_dir: pathlib.Path) -> None:
    """Fill a staging folder beside `out_dir` and swap it in only when everything is written.

    Two files claiming one path is an error, never a silent overwrite. On any failure the
    previous output stays untouched and the staging folder is removed; file-system errors
    (no permission, disk full, a file in the way) are raised as OSError for the caller to report.
    """
    wanted = _collect(files, static_dir)
    out_dir = out_dir.resolve()
    if out_dir.exists() and not out_dir.is_dir():   # never swap a directory in for the user's file
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(out_dir))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.staging-", dir=out_dir.parent))
    except OSError as exc:
        raise _named(exc, out_dir) from None
    try:
        made: set[str] = set()
        for rel, data in wanted.items():
            target = staging / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if _link_unchanged(out_dir / rel, target, data):
                continue
            try:
                target.write_bytes(data)
            except OSError as exc:
                raise _named(exc, out_dir / rel) from None
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _link_unchanged(old: pathlib.Path, target: pathlib.Path, data: bytes) -> bool:
    """Give `target` the previous output's file when it holds exactly `data` (a hard link: no copy);
    False when it differs, is missing, or the file system cannot link, and the bytes are written."""
    try:
        found = old.lstat()   # a regular file only: never link through a symbolic link the folder holds
        if not stat.S_ISREG(found.st_mode) or found.st_size != len(data) or old.read_bytes() != data:
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
    wanted = _collect(files, static_dir)
    if previous is None or not out_dir.is_dir():
        publish(out_dir, files, static_dir)
        return wanted
    for rel, data in wanted.items():
        target = out_dir / rel
        if previous.get(rel) != data or not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{target.name}.tmp")
            try:
                temp.write_bytes(data)
                os.replace(temp, target)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
    for rel in set(previous) - set(wanted):
        (out_dir / rel).unlink(missing_ok=True)
    return wanted


def _collect(files, static_dir: pathlib.Path) -> dict[str, bytes]:
    """Every output file by path: the static folder under static/, then the built files.
    Two files on one path (case-insensitively, for Windows and macOS hosts) is an error."""
    wanted: dict[str, bytes] = {}
    seen: set[str] = set()
    items = [("static/" + p.relative_to(static_dir).as_posix(), p.read_bytes())
             for p in sorted(static_dir.rglob("*")) if p.is_file()] if static_dir.is_dir() else []
    for path, data in items + [(f.path, f.data) for f in files]:
        if not _inside(path):
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
        wanted[path] = data
    return wanted


def _inside(path: str) -> bool:
    """A relative path that stays inside the output folder on any host: no absolute path, drive,
    backslash, «..» or «.» part, empty part, or control character."""
    parts = path.split("/")
    return (bool(path) and not path.startswith("/") and "\\" not in path and ":" not in parts[0]
            and all(part not in ("", ".", "..") for part in parts)
            and not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path))


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
