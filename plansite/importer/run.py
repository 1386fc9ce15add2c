"""`python build.py import FILE --agency SLUG`: read, parse, write a draft plan, report.

The draft is always written with `draft: true` (never published by accident), never over
an existing file, and is checked at once like any plan. Units the agency does not list yet
are added to its agency.yaml with a comment, so the draft loads, and listed in the report.
"""
from __future__ import annotations

import json
import pathlib
import re
from dataclasses import dataclass, field

import yaml

from ..errors import Problems, display_path
from ..frameworks import load_frameworks
from ..load import _load_agency
from ..model import Agency, Framework
from .draft import Draft, to_data
from .parse import choose_framework, parse
from .source import ImportFailure, Source


@dataclass
class ImportResult:
    source: Source
    draft: Draft
    target: pathlib.Path
    framework: Framework
    framework_scores: dict[str, float]
    units_matched: list[str] = field(default_factory=list)
    units_added: list[str] = field(default_factory=list)

    def counts(self) -> list[dict]:
        """Measures per pillar and sub-item, in document order."""
        rows = []
        for pillar in self.draft.pillars:
            rows.append({"code": pillar.code, "title": pillar.title,
                         "measures": sum(len(b.measures) for b in pillar.blocks),
                         "items": [{"code": it.code, "title": it.title,
                                    "measures": sum(len(b.measures) for b in it.blocks)} for it in pillar.children]})
        return rows

    def as_json(self) -> dict:
        d = self.draft
        return {
            "file": display_path(self.source.path), "kind": self.source.kind,
            "plan": display_path(self.target), "framework": self.framework.id,
            "framework_scores": {k: round(v, 3) for k, v in sorted(self.framework_scores.items())},
            "year": d.year, "title": d.title,
            "sections": [s.title for s in d.sections],
            "opening": bool(d.opening),
            "pillars": self.counts(),
            "measures": sum(1 for _ in d.measures()),
            "units": {"matched": self.units_matched, "added_to_agency": self.units_added},
            "unplaced": [{"text": u.text, "source": u.source} for u in d.unplaced],
            "repairs": list(d.repairs),
        }


def run_import(plans_dir: pathlib.Path, frameworks_dir: pathlib.Path, file: pathlib.Path, agency_slug: str,
               year: int | None = None, framework_id: str | None = None) -> ImportResult:
    from .sources import read_source  # noqa: PLC0415 (python-docx, odfpy and pdfplumber load only here)

    agency_dir = plans_dir / agency_slug
    if not (agency_dir / "agency.yaml").is_file():
        known = sorted(p.parent.name for p in plans_dir.glob("*/agency.yaml"))
        raise ImportFailure(f"找不到機關「{agency_slug}」（{display_path(agency_dir / 'agency.yaml')} 不存在）。",
                            "請先執行 python build.py new-agency 建立機關；已有的機關："
                            + ("、".join(known) if known else "（無）") + "。")
    problems = Problems()
    agency = _load_agency(agency_dir, problems, None)
    frameworks = load_frameworks(frameworks_dir, problems)
    if agency is None or problems.errors:
        first = next((p for p in problems.items if p.is_error), None)
        raise ImportFailure(f"機關或計畫架構的資料有錯誤，無法匯入：{first}" if first else "機關資料無法讀取。",
                            "請先修正上面的錯誤（python build.py check 會列出全部）。")
    if not file.is_file():
        raise ImportFailure(f"找不到檔案 {display_path(file)}。", "請確認路徑與檔名。")
    source = read_source(file)
    scores: dict[str, float]
    if framework_id:
        if framework_id not in frameworks:
            raise ImportFailure(f"沒有代稱為「{framework_id}」的計畫架構。",
                                f"frameworks/ 裡有：{'、'.join(sorted(frameworks))}；新的架構請用 python build.py new-framework 建立。")
        framework = frameworks[framework_id]
        _, scores = choose_framework(source, frameworks)
    else:
        framework, scores = choose_framework(source, frameworks)
        if framework is None:
            listed = "、".join(f"{fid}（{score:.0%}）" for fid, score in sorted(scores.items()))
            raise ImportFailure("看不出這份計畫依據哪一個計畫架構：表格的構面與項目文字和 frameworks/ 裡的架構都對不上"
                                f"（找到的比例：{listed or '無'}）。",
                                "若是已有的架構，請加 --framework 代稱；若是新的架構（例如新一屆政府服務獎），請先用 "
                                "python build.py new-framework 代稱 建立架構檔，寫好構面與項目後再匯入。")
    names = [agency.name, agency.full_name or "", agency.government, *agency.parents]
    draft = parse(source, framework, [u.name for u in agency.units], names)
    if year is not None:
        draft.year = year
    if draft.year is None:
        raise ImportFailure("文件裡找不到計畫的年度（例如「114年度提升服務計畫」）。", "請加上 --year 民國年，例如 --year 115。")
    if not draft.title:
        draft.title = f"{draft.year}年度提升服務計畫"
        draft.repairs.append("文件裡找不到計畫標題，先以「…年度提升服務計畫」代替，請改成文件上的標題。")
    target = agency_dir / f"{draft.year}.yaml"
    if target.exists():
        raise ImportFailure(f"{display_path(target)} 已經存在，不會覆寫。",
                            "若要重新匯入，請先把原檔改名或刪除；或加 --year 指定另一個年度。")
    result = ImportResult(source, draft, target, framework, scores)
    _settle_units(result, agency)
    text = plan_yaml(draft, source)
    target.write_text(text, encoding="utf-8")
    return result


def _settle_units(result: ImportResult, agency: Agency) -> None:
    """Units named in the document: the agency's own, or new ones appended to agency.yaml."""
    named: list[str] = []
    for _, _, block, m in result.draft.measures():
        for u in block.units + m.units:
            if u not in named:
                named.append(u)
    if result.draft.opening:
        for b in result.draft.opening.blocks:
            named.extend(u for u in b.units if u not in named)
    known = {u.name for u in agency.units}
    result.units_matched = [u for u in named if u in known]
    result.units_added = [u for u in named if u not in known]
    if not result.units_added:
        return
    path = agency.path if agency.path.name == "agency.yaml" else agency.path / "agency.yaml"
    text = path.read_text(encoding="utf-8")
    slugs = set(re.findall(r"slug:\s*([\w-]+)", text))
    lines = []
    n = 1
    for name in result.units_added:
        while f"unit-{n}" in slugs:
            n += 1
        slugs.add(f"unit-{n}")
        lines.append(f"  - name: {name}\n    slug: unit-{n}   # 匯入時新增：請確認名稱，並把代稱改成有意義的英文")
    block = "\n".join(lines) + "\n"
    if re.search(r"^units:\s*\[\s*\]\s*$", text, flags=re.M):
        text = re.sub(r"^units:\s*\[\s*\]\s*$", "units:", text, flags=re.M)
    if not re.search(r"^units:", text, flags=re.M):
        text = text.rstrip("\n") + "\nunits:\n"
    # append after the units list (agency.yaml keeps units last in what new-agency writes)
    text = text.rstrip("\n") + "\n" + block
    path.write_text(text, encoding="utf-8")


# ---- YAML in the hand-written style -------------------------------------------------

def _scalar(value) -> str:
    if isinstance(value, _Code) or (isinstance(value, str) and re.fullmatch(r"[\d./]+", value)):
        return f'"{value}"'   # codes and dates always quoted, as editors write them
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if re.fullmatch(r"[\w\u3000-\u9fff\uff00-\uffef（）「」『』、，。；：！？%．・~\-/()+&, ]+", text) \
            and not re.match(r"^[-\d\s~&!%,/]|^(true|false|null|yes|no|on|off)$", text, flags=re.I) \
            and ": " not in text and not text.endswith(":") and not text.startswith((" ", "-")) and text == text.strip():
        return text
    return json.dumps(text, ensure_ascii=False)


def _emit(value, indent: int, out: list[str], key: str | None = None) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, str) and "\n" in v:
                out.append(f"{pad}{k}: |")
                for line in v.rstrip("\n").split("\n"):
                    out.append(f"{pad}  {line}" if line else "")
            elif isinstance(v, list) and v and all(isinstance(x, str) and "\n" not in x for x in v) and k in ("units", "revisions"):
                out.append(f"{pad}{k}: [" + ", ".join(_scalar(x) for x in v) + "]")
            elif isinstance(v, (dict, list)):
                if not v:
                    out.append(f"{pad}{k}: " + ("{}" if isinstance(v, dict) else "[]"))
                    continue
                out.append(f"{pad}{k}:")
                _emit(v, indent + 2, out, k)
            else:
                out.append(f"{pad}{k}: {_scalar(v)}")
        return
    for v in value:
        if isinstance(v, dict):
            sub: list[str] = []
            _emit(v, indent + 2, sub)
            first = sub[0]
            out.append(f"{pad}- {first[indent + 2:]}")
            out.extend(sub[1:])
        elif isinstance(v, str) and "\n" in v:
            out.append(f"{pad}- |")
            for line in v.rstrip("\n").split("\n"):
                out.append(f"{pad}  {line}" if line else "")
        else:
            out.append(f"{pad}- {_scalar(v)}")


def plan_yaml(draft: Draft, source: Source) -> str:
    data = to_data(draft)
    head = [
        "# yaml-language-server: $schema=../../schema/plan.schema.json",
        f"# 由 python build.py import 從 {source.path.name} 匯入的草稿（draft: true，不會發布）。",
        "# 請逐段對照原始文件校對；unplaced 是沒有歸位的文字，處理完請刪除。確認無誤後刪除 draft: true 這一行。",
    ]
    body: list[str] = []
    _emit(_quote_codes(data), 0, body)
    text = "\n".join(head + body) + "\n"
    yaml.safe_load(text)   # the writer's own check: what we write must read back
    return text


class _Code(str):
    """A framework code: always quoted ("1.1"), as editors write them."""


def _quote_codes(value):
    if isinstance(value, dict):
        return {k: (_Code(v) if k == "code" else _quote_codes(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_quote_codes(v) for v in value]
    return value


def report_text(result: ImportResult) -> str:
    d = result.draft
    lines = [f"已匯入 {display_path(result.source.path)} → {display_path(result.target)}（草稿，draft: true）",
             f"計畫架構：{result.framework.name}（{result.framework.id}）；年度 {d.year}；標題「{d.title}」"]
    lines.append(f"章節 {len(d.sections)} 個：" + "、".join(s.title for s in d.sections))
    total = sum(1 for _ in d.measures())
    lines.append(f"具體作法共 {total} 項" + ("，另有開頭列「" + d.opening.title + "」" if d.opening else "") + "：")
    for p in result.counts():
        own = f"，直屬 {p['measures']} 項" if p["measures"] else ""
        lines.append(f"  {p['code']} {p['title']}{own}")
        for it in p["items"]:
            lines.append(f"    {it['code']} {it['title'][:24]}{'…' if len(it['title']) > 24 else ''}：{it['measures']} 項")
    lines.append(f"單位：對上 agency.yaml 的 {len(result.units_matched)} 個"
                 + (f"；新加入 agency.yaml 的 {len(result.units_added)} 個（請確認）：" + "、".join(result.units_added)
                    if result.units_added else "；沒有新單位"))
    if d.unplaced:
        lines.append(f"未歸位的文字 {len(d.unplaced)} 段（在計畫檔的 unplaced，check 會以警告列出）：")
        for u in d.unplaced[:20]:
            lines.append(f"  {u.source}：{u.text[:40]}")
        if len(d.unplaced) > 20:
            lines.append(f"  …另有 {len(d.unplaced) - 20} 段")
    else:
        lines.append("未歸位的文字：無")
    if d.repairs:
        lines.append(f"修補的擷取問題 {len(d.repairs)} 項：")
        lines.extend(f"  {r}" for r in d.repairs)
    lines.append("下一步：用 python build.py serve 預覽草稿，逐段對照原始文件校對。")
    return "\n".join(lines)
