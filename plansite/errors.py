"""Positions in source files and the problems found there; messages are formatted only here."""
from __future__ import annotations

import pathlib
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Pos:
    """A 1-based place in a source file."""

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
    """A wrong or missing value in site.toml or on the command line."""
