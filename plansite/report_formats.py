"""`check --format`: the problems as GitHub workflow commands, a GitLab Code Quality report, or JSON.

The text form stays in errors.Problem.__str__; these are for machines. Paths are relative to the
project root (the folder of site.toml, normally the repository root), with forward slashes, so the
forges can put each problem on its line of the pull or merge request. With `strict`, warnings block
like errors, so GitHub shows them as errors and GitLab as major.
"""
from __future__ import annotations

import hashlib
import json
import pathlib

from .errors import Problem, display_path

FORMATS = ("text", "github", "gitlab", "json")
GITLAB_REPORT = "gl-code-quality-report.json"


def relative_path(path: pathlib.Path, root: pathlib.Path) -> str:
    """`path` relative to `root` with forward slashes; outside `root`, as the text form shows it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return display_path(path)


def _blocks(problem: Problem, strict: bool) -> bool:
    return problem.is_error or strict


def _text(problem: Problem) -> str:
    return f"{problem.message} 建議：{problem.hint}" if problem.hint else problem.message


# GitHub's escaping (actions/toolkit, core/src/command.ts): data escapes %, \r, \n; properties also : and ,
def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(problems: list[Problem], root: pathlib.Path, strict: bool = False) -> str:
    """One workflow command per problem, e.g. `::error file=plans/a/114.yaml,line=3,col=15,title=…::…`."""
    lines = []
    for problem in problems:
        command = "error" if _blocks(problem, strict) else "warning"
        title = f"檢查{problem.severity}" + ("（--strict 視為錯誤）" if strict and not problem.is_error else "")
        properties = ",".join(f"{key}={_escape_property(str(value))}" for key, value in (
            ("file", relative_path(problem.pos.path, root)), ("line", problem.pos.line),
            ("col", problem.pos.col), ("title", title)))
        lines.append(f"::{command} {properties}::{_escape_data(_text(problem))}")
    return "".join(line + "\n" for line in lines)


def gitlab(problems: list[Problem], root: pathlib.Path, strict: bool = False) -> str:
    """A GitLab Code Quality report (a JSON array). Fingerprints hash the check, file and message (not
    the line, so an edit above a problem does not make it "new"), plus a counter for repeats."""
    issues, seen = [], {}
    for problem in problems:
        path = relative_path(problem.pos.path, root)
        check = "plansite/check/" + ("error" if problem.is_error else "warning")
        key = (check, path, problem.message)
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.sha256("\0".join([*key, str(seen[key])]).encode("utf-8")).hexdigest()
        issues.append({
            "description": _text(problem),
            "check_name": check,
            "fingerprint": fingerprint,
            "severity": "major" if _blocks(problem, strict) else "minor",
            "location": {"path": path, "lines": {"begin": problem.pos.line}},
        })
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


def json_report(problems: list[Problem], root: pathlib.Path, strict: bool = False,
                agencies: int | None = None, plans: int | None = None) -> str:
    """Every problem and the counts; `ok` is what the exit code says (false with errors, or warnings
    under --strict). `agencies` and `plans` are null when the files could not be loaded."""
    errors = sum(1 for p in problems if p.is_error)
    document = {
        "ok": not any(_blocks(p, strict) for p in problems),
        "strict": strict,
        "errors": errors,
        "warnings": len(problems) - errors,
        "agencies": agencies,
        "plans": plans,
        "problems": [{
            "file": relative_path(p.pos.path, root),
            "line": p.pos.line,
            "column": p.pos.col,
            "severity": "error" if p.is_error else "warning",
            "message": p.message,
            "hint": p.hint,
        } for p in problems],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
