"""Checks a schema cannot express, the editor warnings, and generated numbering."""
from __future__ import annotations

import re

from .errors import Pos, Problem, Problems
from .model import Agency, Plan
from .yamlfile import Doc

_HTML = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?\s*>|<!--")
_SCRIPT_URL = re.compile(r"\]\(\s*(javascript|vbscript|data):", re.I)
_TYPED_NUMBER = re.compile(r"^\s*(?:[壹貳參肆伍陸柒捌玖拾]+、|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")


def check_text(doc: Doc) -> list[Problem]:
    """Every string in the file: no HTML or script, no typed section or item numbers in titles."""
    found: list[Problem] = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, path + (key,))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                walk(child, path + (i,))
        elif isinstance(value, str):
            match = _HTML.search(value) or _SCRIPT_URL.search(value)
            if match:
                found.append(Problem(_inner_pos(doc, path, match.group(0)),
                                     f"文字中不能使用 HTML 或程式碼（「{match.group(0)[:30]}」）。",
                                     "網站會以純文字顯示內容；粗體、清單、連結請用 Markdown 寫法。 No HTML in text."))
            elif _typed_number(path, value):
                found.append(Problem(doc.pos(path), f"請不要自行輸入編號（「{_typed_number(path, value)}」）。",
                                     "章節與項目編號會依順序自動產生。 Numbers are generated from order."))

    walk(doc.data, ())
    return found


_MEASURE_NUMBER = re.compile(r"^\s*(?:\d+(?:\.\d+)+\s*|\d+[、．.](?!\d)|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）])")


def _typed_number(path, value: str) -> str:
    """The number an editor typed at the start of a title, heading or measure, or ''."""
    if not path:
        return ""
    if path[-1] in ("title", "heading"):
        match = _TYPED_NUMBER.match(value)
    elif "measures" in path and (isinstance(path[-1], int) or path[-1] == "text"):
        match = _MEASURE_NUMBER.match(value)
    else:
        match = None
    return match.group(0).strip() if match else ""


def _inner_pos(doc: Doc, path, needle: str) -> Pos:
    """The line and column of `needle` inside the value at `path`, when it can be found."""
    start = doc.pos(path)
    for offset, line in enumerate(doc.lines[start.line - 1:start.line + 400]):
        col = line.find(needle)
        if col >= 0:
            return Pos(start.path, start.line + offset, col + 1)
    return start


def number_plan(plan: Plan) -> None:
    """Generate group and measure numbers from order, following the framework's levels."""
    fw = plan.framework
    sub_numbered = len(fw.levels) > 2 and fw.levels[2].numbering != "none"
    for pillar in plan.pillars:
        for item in pillar.items:
            for index, group in enumerate(item.groups, 1):
                if sub_numbered and group.code and len(item.groups) > 1:
                    group.number = str(fw.nodes[group.code].index)
                many = len(group.measures) > 1
                for i, measure in enumerate(group.measures, 1):
                    if fw.measure_numbering == "parent-dotted" and group.number:
                        measure.number = f"{group.number}.{i}"
                    elif many:
                        measure.number = str(i)
                first = group.measures[0].units if group.measures else []
                if group.measures and all(m.units == first for m in group.measures):
                    group.units = first
    if plan.opening and len(plan.opening.measures) > 1:
        for i, measure in enumerate(plan.opening.measures, 1):
            measure.number = str(i)


def check_plan(plan: Plan, doc: Doc, problems: Problems) -> None:
    """Editor warnings for one plan: missing pillars and items, measures without units, empty sections."""
    present = {p.code for p in plan.pillars} | {i.code for p in plan.pillars for i in p.items}
    for root in plan.framework.roots:
        if root.code not in present:
            problems.warn(doc.pos(("content", "pillars")),
                          f"計畫沒有{plan.framework.levels[0].name}「{root.code} {root.title}」的具體作法。",
                          "若本年度確實沒有，請忽略此警告。")
            continue
        for child in root.children:
            if child.code not in present:
                problems.warn(_pillar_pos(plan, root.code, doc),
                              f"計畫沒有{plan.framework.levels[1].name}「{child.code} {child.title[:20]}…」的具體作法。",
                              "若本年度確實沒有，請忽略此警告。")
    for pillar in plan.pillars:
        for item in pillar.items:
            if not any(g.measures for g in item.groups):
                problems.warn(item.pos, f"{plan.framework.levels[1].name}「{item.code}」沒有任何具體作法。",
                              "請在 measures 下列出具體作法。")
    for _, _, _, measure in plan.measures():
        if not measure.units:
            problems.warn(measure.pos, "這項具體作法沒有負責單位。", "請加上 units，或在上一層（分組、項目）指定。")
    for section in plan.sections:
        if not section.body.strip() and not section.has_content:
            problems.warn(section.pos, f"章節「{section.title}」沒有內容。", "請填寫 body，或刪除這個章節。")


def _pillar_pos(plan: Plan, code: str, doc: Doc) -> Pos:
    for pillar in plan.pillars:
        if pillar.code == code:
            return pillar.pos
    return doc.pos(("content", "pillars"))


def check_site(agencies: list[Agency], plans: list[Plan], problems: Problems) -> None:
    """Warnings across files: a plan older than its agency's latest one."""
    for agency in agencies:
        if not agency.plans:
            continue
        latest = agency.plans[0].year
        for plan in agency.plans[1:]:
            problems.warn(Pos(plan.path, 1, 1),
                          f"這是{agency.name} {plan.year} 年的計畫，比最新的 {latest} 年舊。",
                          f"若要修改今年的計畫，請編輯 plans/{agency.slug}/{latest}.yaml。")
    names: dict[str, Agency] = {}
    for agency in agencies:
        if agency.full_name in names:
            problems.error(Pos(agency.path, 1, 1),
                           f"機關全銜「{agency.full_name}」與 plans/{names[agency.full_name].slug}/ 重複。",
                           "同一機關只能有一個目錄。")
        names[agency.full_name] = agency
