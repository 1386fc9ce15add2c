"""Starting a new framework edition (frameworks/<id>.yaml): a copy of an existing one, or a commented skeleton.

A framework is data: the file written here is a valid starting point, checked like any framework file,
which the editor then rewrites from the official document. Never overwrites.
"""
from __future__ import annotations

import json
import pathlib
import re
from dataclasses import dataclass, field

from .errors import ConfigError, Problem, Problems
from .frameworks import load_frameworks
from .load import SLUG

ID_LINE = re.compile(r"^id:.*$", re.M)
NAME_LINE = re.compile(r"^name:.*$", re.M)
DESCRIPTION = re.compile(r"^description:.*\n(?:[ \t]+.*\n)*", re.M)   # one line, or a folded block
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/framework.schema.json"
PLACEHOLDER_NAME = "新的計畫架構（請改成正式名稱）"

SKELETON = """{schema}
# {name}：計畫架構的標準文字。計畫檔寫 framework: {id} 採用這個架構，
# 計畫中每個構面、項目的 code 對應這裡的代碼。請依正式文件改寫以下內容。
id: {id}
name: {qname}
# description: 請填寫架構的來源（發布機關、日期、文號）與用途，例如「國家發展委員會○年○月○日函頒之…」。
levels:                       # 由上而下各層的名稱與編號方式（2 或 3 層）
  - name: 構面                # 第一層的名稱，例如 構面、執行策略、推動策略
    numbering: cjk            # cjk：一、二、；cjk-paren：(一)(二)；arabic：1. 2.；none：不編號
  - name: 服務項目            # 第二層的名稱，例如 服務項目、執行指標
    numbering: cjk-paren
measure_numbering: arabic     # 具體作法的編號：arabic（1. 2. 3.）或 parent-dotted（2.1、2.2）
columns:                      # 計畫內容表的預設欄名；各計畫可用自己的 columns 改寫
  item: 工作要項              # 第一層所在的欄
  focus: 工作重點             # 第二層所在的欄
  unit: 業務單位              # 負責單位的欄
items:                        # 代碼依順序編：第一層 "1"、"2"…，第二層 "1.1"、"1.2"…
  - code: "1"
    title: 第一項的標準文字（請改寫）
    items:
      - code: "1.1"
        title: 第一項之下第一個項目的標準文字（請改寫）
      - code: "1.2"
        title: 第一項之下第二個項目的標準文字（請改寫）
  - code: "2"
    title: 第二項的標準文字（請改寫）
    items:
      - code: "2.1"
        title: 第二項之下第一個項目的標準文字（請改寫）
"""


@dataclass
class NewFramework:
    target: pathlib.Path
    source: pathlib.Path | None                        # the framework copied, or None for the skeleton
    problems: list[Problem] = field(default_factory=list)   # what checking the new file found
    next_steps: list[str] = field(default_factory=list)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)   # a JSON string is a valid YAML double-quoted scalar


def _known(directory: pathlib.Path) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml")) if directory.is_dir() else []


def framework_text(new_id: str, name: str, source_text: str | None = None, source_id: str = "") -> str:
    """The new file's text: `source_text` with its id, name, description and header comment replaced,
    or the commented skeleton."""
    if source_text is None:
        return SKELETON.format(schema=SCHEMA_LINE, id=new_id, name=name, qname=_quote(name))
    lines = source_text.splitlines(keepends=True)
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)                    # the source's header describes the source, not the new edition
    body = "".join(lines)
    body = ID_LINE.sub(lambda m: f"id: {new_id}", body, count=1)
    body = NAME_LINE.sub(lambda m: f"name: {_quote(name)}", body, count=1)
    note = "# description: 請填寫架構的來源（發布機關、日期、文號）與用途。\n"
    body, found = DESCRIPTION.subn(lambda m: note, body, count=1)
    if not found:
        body = NAME_LINE.sub(lambda m: m.group(0) + "\n" + note.rstrip("\n"), body, count=1)
    header = (f"{SCHEMA_LINE}\n# {name}：由 frameworks/{source_id}.yaml 複製而來的計畫架構。計畫檔寫 framework: {new_id}\n"
              f"# 採用這個架構。請依正式文件改寫各層名稱（levels）、代碼與標準文字（items），以及配分（points，如有）。\n")
    return header + body


def new_framework(directory: pathlib.Path, new_id: str, name: str | None = None,
                  source_id: str | None = None) -> NewFramework:
    """Write frameworks/<new_id>.yaml from `source_id` or the skeleton, check it, and say what to edit next."""
    if not SLUG.fullmatch(new_id or ""):
        raise ConfigError(f"錯誤：架構代稱「{new_id}」只能用小寫英文字母、數字與連字號，例如 gsa-7。"
                          " The id must be lowercase letters, digits and hyphens.")
    if not directory.is_dir():
        raise ConfigError(f"錯誤：找不到架構目錄 {directory}（site.toml 的 paths.frameworks）。")
    target = directory / f"{new_id}.yaml"
    if target.exists():
        raise ConfigError(f"錯誤：{target} 已經存在，不會覆寫。若要重新開始，請先自行刪除或改名該檔案。"
                          f" Refusing to overwrite {target.name}.")
    source = None
    source_text = None
    if source_id is not None:
        source = directory / f"{source_id}.yaml"
        if not SLUG.fullmatch(source_id) or not source.is_file():
            raise ConfigError(f"錯誤：找不到架構「{source_id}」。已有的架構：{'、'.join(_known(directory)) or '（無）'}。"
                              " Unknown framework to copy.")
        source_text = source.read_text(encoding="utf-8-sig")
    title = (name or "").strip() or PLACEHOLDER_NAME
    target.write_text(framework_text(new_id, title, source_text, source_id or ""), encoding="utf-8")
    result = NewFramework(target, source, problems=check_file(directory, target))
    result.next_steps = _next_steps(new_id, title, source is not None)
    return result


def check_file(directory: pathlib.Path, target: pathlib.Path) -> list[Problem]:
    """The problems of one framework file, checked as `check` checks every framework."""
    problems = Problems()
    load_frameworks(directory, problems)
    return [p for p in problems.sorted() if p.pos.path.resolve() == target.resolve()]


def _next_steps(new_id: str, name: str, copied: bool) -> list[str]:
    steps = []
    if name == PLACEHOLDER_NAME:
        steps.append("name：改成架構的正式名稱（網站的架構頁、首頁都會顯示）。")
    else:
        steps.append(f"name：確認「{name}」是架構的正式名稱。")
    steps += [
        "description：取消註解，寫上架構的來源（發布機關、日期、文號）與用途。",
        "levels：各層的名稱（例如 構面、服務項目）與編號方式；網站的選單、標題與說明都用這些名稱。",
        "items：依正式文件逐項改寫代碼（依順序 1、1.1…）與標準文字" + ("，刪除或新增項目" if copied else "") + "。",
        "columns：計畫內容表的預設欄名。",
        f"在計畫檔寫 framework: {new_id} 採用這個架構（有計畫採用後，架構才會出現在網站上）。",
        "執行 python build.py check 檢查。",
    ]
    return steps
