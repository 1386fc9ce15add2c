"""Creating files for editors: next year's plan from the latest one, and a new agency.

Text-level edits keep the editor's comments and layout; the result is validated like any file.
"""
from __future__ import annotations

import json
import pathlib
import re
from dataclasses import dataclass, field

from .errors import ConfigError
from .load import SLUG

YEAR_LINE = re.compile(r"^year:\s*(\d+)\s*(#.*)?$", re.M)
TITLE_LINE = re.compile(r"^(title:\s*)(.*)$", re.M)
DEADLINE = re.compile(r"^(\s*(?:-\s+)?deadline:\s*[\"']?)(\d{2,3})(/\d{1,2}/\d{1,2})", re.M)
PUBLISHED = re.compile(r"^published:.*\n", re.M)
DRAFT_LINE = re.compile(r"^draft:.*\n", re.M)


def _drop_keys(text: str, keys: tuple[str, ...], top_level: bool) -> tuple[str, int]:
    """Remove `key: …` lines (and their indented continuation) for the given keys; (text, lines removed)."""
    pattern = re.compile(r"^(\s*)(?:- )?(" + "|".join(keys) + r"):" if not top_level else r"^()(" + "|".join(keys) + r"):")
    out, removed, skip_deeper = [], 0, None
    for line in text.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip(" "))
        if skip_deeper is not None:
            if line.strip() and indent <= skip_deeper:
                skip_deeper = None
            else:
                removed += 1
                continue
        match = pattern.match(line)
        if match and not line.lstrip().startswith("- "):
            removed += 1
            skip_deeper = indent
            continue
        out.append(line)
    return "".join(out), removed


@dataclass
class NewPlan:
    source: pathlib.Path
    target: pathlib.Path
    changes: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)   # lines that still mention the old year


def _agency_dir(plans_dir: pathlib.Path, slug: str) -> pathlib.Path:
    directory = plans_dir / slug
    if not SLUG.fullmatch(slug) or not (directory / "agency.yaml").is_file():
        known = sorted(p.name for p in plans_dir.iterdir() if (p / "agency.yaml").is_file()) if plans_dir.is_dir() else []
        raise ConfigError(f"錯誤：找不到機關「{slug}」。已有的機關代稱：{'、'.join(known) or '（無）'}。"
                          f" Unknown agency; use python build.py new-agency to create one.")
    return directory


def new_plan(plans_dir: pathlib.Path, slug: str, year: int | None = None) -> NewPlan:
    """Write plans/<slug>/<year>.yaml from the agency's latest plan; never overwrite."""
    directory = _agency_dir(plans_dir, slug)
    years = sorted(int(p.stem) for p in directory.glob("*.yaml") if p.stem.isdigit())
    if not years:
        raise ConfigError(f"錯誤：機關「{slug}」還沒有任何計畫可以複製；請參考 README 的範例建立第一份計畫。")
    old = years[-1]
    new = year if year is not None else old + 1
    if not 80 <= new <= 200:
        raise ConfigError(f"錯誤：年度 {new} 不是合理的民國年。")
    source = directory / f"{old}.yaml"
    target = directory / f"{new}.yaml"
    if target.exists():
        raise ConfigError(f"錯誤：{target} 已經存在，不會覆寫。若要重新開始，請先自行刪除或改名該檔案。"
                          f" Refusing to overwrite {target.name}.")
    text = source.read_text(encoding="utf-8-sig")
    result = NewPlan(source, target)
    shift = new - old

    text, count = YEAR_LINE.subn(lambda m: f"year: {new}" + (f" {m.group(2)}" if m.group(2) else ""), text, count=1)
    if count:
        result.changes.append(f"year：{old} → {new}")

    def title(m):
        value = m.group(2).replace(f"{old}年", f"{new}年")
        if value != m.group(2):
            result.changes.append(f"title：{m.group(2).strip()} → {value.strip()}")
        return m.group(1) + value

    text = TITLE_LINE.sub(title, text, count=1)
    moved = 0

    def deadline(m):
        nonlocal moved
        moved += 1
        return f"{m.group(1)}{int(m.group(2)) + shift}{m.group(3)}"

    text = DEADLINE.sub(deadline, text)
    if moved:
        result.changes.append(f"完成期限：{moved} 個往後移 {shift} 年")
    if PUBLISHED.search(text):
        text = PUBLISHED.sub("", text)
        result.changes.append("published：已移除（新計畫尚未公告，公告後請填寫）")
    text, dropped = _drop_keys(text, ("approval", "revisions"), top_level=True)
    if dropped:
        result.changes.append("approval、revisions：已移除（新計畫尚未核備）")
    text, dropped = _drop_keys(text, ("result", "status"), top_level=False)
    if dropped:
        result.changes.append(f"執行成效：已移除 {dropped} 行 result／status（新年度尚未執行）")
    text = DRAFT_LINE.sub("", text)
    text, count = re.subn(r"^(year:.*\n)", r"\1draft: true\n", text, count=1, flags=re.M)
    if count:
        result.changes.append("draft: true：新計畫是草稿，預覽看得到、建置時不發布；定稿後刪除這一行")
    for number, line in enumerate(text.splitlines(), 1):
        if re.search(rf"(?<!\d){old}(?!\d)", line):   # comments too: they often describe last year
            result.review.append(f"{target.name}:{number}: {line.strip()}")
    target.write_text(text, encoding="utf-8")
    return result


@dataclass
class AgencyAnswers:
    slug: str
    name: str
    full_name: str
    government: str
    parent: str
    units: list[tuple[str, str]]   # (name, slug)


def check_answers(a: AgencyAnswers) -> list[str]:
    problems = []
    if not SLUG.fullmatch(a.slug or ""):
        problems.append(f"機關代稱「{a.slug}」只能用小寫英文字母、數字與連字號，例如 kaohsiung-senior-center。")
    for label, value in (("名稱", a.name), ("全銜", a.full_name), ("所屬政府", a.government)):
        if not value.strip():
            problems.append(f"{label}不能是空的。")
    if not a.units:
        problems.append("至少要有一個單位（--unit 名稱=代稱）。")
    seen_names, seen_slugs = set(), set()
    for name, slug in a.units:
        if not name.strip():
            problems.append("單位名稱不能是空的。")
        if not SLUG.fullmatch(slug or ""):
            problems.append(f"單位「{name}」的代稱「{slug}」只能用小寫英文字母、數字與連字號，例如 admin-section。")
        if name in seen_names:
            problems.append(f"單位名稱「{name}」重複。")
        if slug in seen_slugs:
            problems.append(f"單位代稱「{slug}」重複。")
        seen_names.add(name)
        seen_slugs.add(slug)
    return problems


def agency_yaml(a: AgencyAnswers) -> str:
    q = lambda s: json.dumps(s, ensure_ascii=False)   # a JSON string is a valid YAML double-quoted scalar
    lines = ["# yaml-language-server: $schema=../../schema/agency.schema.json",
             f"name: {q(a.name)}", f"full_name: {q(a.full_name)}", f"government: {q(a.government)}"]
    if a.parent.strip():
        lines.append(f"parent: {q(a.parent)}")
    lines.append("units:")
    for name, slug in a.units:
        lines += [f"  - name: {q(name)}", f"    slug: {slug}"]
    return "\n".join(lines) + "\n"


def new_agency(plans_dir: pathlib.Path, answers: AgencyAnswers) -> pathlib.Path:
    problems = check_answers(answers)
    if problems:
        raise ConfigError("\n".join(f"錯誤：{p}" for p in problems))
    directory = plans_dir / answers.slug
    if directory.exists():
        raise ConfigError(f"錯誤：{directory} 已經存在，不會覆寫。 Refusing to overwrite.")
    directory.mkdir(parents=True)
    path = directory / "agency.yaml"
    path.write_text(agency_yaml(answers), encoding="utf-8")
    return path
