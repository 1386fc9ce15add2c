"""Positions in source files and the problems found there; messages are formatted only here."""
from __future__ import annotations

import pathlib
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True, slots=True)
class Pos:
    """A 1-based place in a source file. Slotted: a loaded plan holds one per value (650,000 at
    5,000 plans, 26 MB less than with a __dict__ each)."""

    path: pathlib.Path
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}:{self.col}"


def display_path(path: pathlib.Path) -> str:
    """Paths relative to the working directory when possible, with forward slashes."""
    try:
        rel = path.resolve().relative_to(pathlib.Path.cwd().resolve())
    except ValueError:
        rel = path
    return rel.as_posix()


ERROR = "錯誤"
WARNING = "警告"


@dataclass(frozen=True)
class Problem:
    """One error or warning, in Traditional Chinese, with an optional hint."""

    pos: Pos
    message: str
    hint: str = ""
    severity: str = ERROR
    blocking: bool = True   # False: later checks of the same file can still run (e.g. an unknown key)

    def __str__(self) -> str:
        text = f"{self.pos}: {self.severity}：{self.message}"
        if self.hint:
            text += f"\n    建議：{self.hint}"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class PlanError(Exception):
    """A single problem raised where collecting more is impossible (e.g. unreadable YAML)."""

    def __init__(self, pos: Pos, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.problem = Problem(pos, message, hint)


@dataclass
class Problems:
    """Every problem found in a run, errors and warnings together."""

    items: list[Problem] = field(default_factory=list)

    def error(self, pos: Pos, message: str, hint: str = "") -> None:
        self.items.append(Problem(pos, message, hint, ERROR))

    def warn(self, pos: Pos, message: str, hint: str = "") -> None:
        self.items.append(Problem(pos, message, hint, WARNING))

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.is_error]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (str(p.pos.path), p.pos.line, p.pos.col, p.message))


class BuildFailed(Exception):
    """Raised when a stage found errors; carries all of them."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(f"{len(problems.errors)} errors")
        self.problems = problems


class ConfigError(Exception):
    """A wrong or missing value in site.toml or on the command line: a message, or every located
    problem found (site.toml is checked whole, so all its mistakes are reported at once)."""

    def __init__(self, message: str = "", problems: list[Problem] | None = None) -> None:
        self.problems = list(problems or [])
        super().__init__(message or "\n".join(str(p) for p in self.problems))


# Why the operating system refused, by errno, in words an editor can act on.
_OS_REASONS = {
    "EACCES": "沒有權限（Permission denied）",
    "EPERM": "沒有權限（Operation not permitted）",
    "EROFS": "這個位置是唯讀的（Read-only file system）",
    "ENOSPC": "磁碟空間不足（No space left on device）",
    "EDQUOT": "超過磁碟配額（Disk quota exceeded）",
    "ENOTDIR": "路徑中有一段是檔案，不是資料夾（Not a directory）",
    "EEXIST": "已經有同名的檔案（File exists）",
    "ENOENT": "找不到這個檔案或資料夾，或無法在這裡建立（No such file or directory）",
    "EISDIR": "這是資料夾，不是檔案（Is a directory）",
    "ENAMETOOLONG": "路徑太長（File name too long）",
    "EMFILE": "同時開啟的檔案太多（Too many open files）",
    "EIO": "磁碟讀寫錯誤（Input/output error）",
}


def os_error_problem(exc: OSError, doing: str, hint: str) -> Problem:
    """A file-system error as a Problem: `doing` says what failed (e.g. 無法寫入網站輸出資料夾「_site」),
    the reason comes from the errno, and the position is the path the system named."""
    import errno as errno_names  # noqa: PLC0415

    name = errno_names.errorcode.get(exc.errno or 0, "")
    path = pathlib.Path(exc.filename) if isinstance(exc.filename, str) and exc.filename else pathlib.Path(".")
    blocker = _file_in_the_way(path) if name in ("ENOTDIR", "EEXIST") else None
    if blocker is not None:
        path, reason = blocker, f"「{display_path(blocker)}」是檔案，不是資料夾"
    else:
        reason = _OS_REASONS.get(name) or (exc.strerror or str(exc))
    return Problem(Pos(path), f"{doing}：{reason}。", hint)


def _file_in_the_way(path: pathlib.Path) -> pathlib.Path | None:
    """The first existing non-folder on the way to `path` (itself included), if any."""
    for candidate in [*reversed(path.parents), path]:
        if candidate.exists() and not candidate.is_dir():
            return candidate
    return None
