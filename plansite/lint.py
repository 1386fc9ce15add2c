"""Checks a schema cannot express, the editor warnings, and generated numbering."""
from __future__ import annotations

import re
import unicodedata

from .errors import WARNING, Pos, Problem, Problems
from .model import Agency, Plan
from .yamlfile import Doc

_HTML = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*([\s/][^<>]*)?>|<!--")   # <svg/onload=…> too
_SCRIPT_URL = re.compile(r"\]\(\s*(javascript|vbscript|data):", re.I)
# Bidi embeddings, overrides and isolates reorder how a line displays (a reversed 「網址」, "Trojan Source");
# zero-width characters hide inside words and break search. A BOM opening the file is stripped before this.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060\ufeff]")
_INVISIBLE_NAMES = {0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING",
                    0x202C: "POP DIRECTIONAL FORMATTING", 0x202D: "LEFT-TO-RIGHT OVERRIDE",
                    0x202E: "RIGHT-TO-LEFT OVERRIDE", 0x2066: "LEFT-TO-RIGHT ISOLATE",
                    0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE",
                    0x2069: "POP DIRECTIONAL ISOLATE", 0x200B: "ZERO WIDTH SPACE", 0x200C: "ZERO WIDTH NON-JOINER",
                    0x200D: "ZERO WIDTH JOINER", 0x2060: "WORD JOINER", 0xFEFF: "ZERO WIDTH NO-BREAK SPACE"}
# Markdown link destinations (inline, autolink, reference definition) with a URL scheme
_LINK_SCHEME = re.compile(r"\]\(\s*<?([A-Za-z][A-Za-z0-9+.-]*):|<([A-Za-z][A-Za-z0-9+.-]{1,31}):[^\s<>]*>"
                          r"|^ {0,3}\[[^\]]+\]:\s*<?([A-Za-z][A-Za-z0-9+.-]*):", re.M)
LINK_SCHEMES = ("http", "https", "mailto", "tel")
_TYPED_NUMBER = re.compile(r"^\s*(?:[壹貳參肆伍陸柒捌玖拾]+、|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])")


def check_text(doc: Doc) -> list[Problem]:
    """Every string in the file: no HTML or script, no typed section or item numbers in titles."""
    found: list[Problem] = []
    for path, value in _strings(doc.data, ()):
        match = _HTML.search(value) or _SCRIPT_URL.search(value)
        invisible = _INVISIBLE.search(value)
        scheme = next((m for m in _link_schemes(value) if m.group(m.lastindex).lower() not in LINK_SCHEMES), None)
        if invisible:
            char = invisible.group(0)
            found.append(Problem(_inner_pos(doc, path, char),
                                 f"文字中有看不見的控制字元 U+{ord(char):04X}（{_INVISIBLE_NAMES[ord(char)]}）。",
                                 "這種字元會讓文字反向顯示或藏在字與字之間，讀者看到的與檔案內容不同；"
                                 "多半是從網頁或 PDF 複製時帶進來的，請刪除它（編輯器中可能看不見，"
                                 "可把游標移到所指的行與欄，按左右鍵確認）。 Remove the invisible bidi or zero-width character."))
        elif match:
            found.append(Problem(_inner_pos(doc, path, match.group(0)),
                                 f"文字中不能使用 HTML 或程式碼（「{match.group(0)[:30]}」）。",
                                 "網站會以純文字顯示內容；粗體、清單、連結請用 Markdown 寫法。 No HTML in text."))
        elif scheme:
            written = scheme.group(scheme.lastindex) + ":"
            found.append(Problem(_inner_pos(doc, path, written),
                                 f"連結只能用 https://、http://、mailto: 或 tel:（這裡是「{written}」）。",
                                 "請改成網頁網址（https://…）、電子郵件（mailto:…）或電話（tel:…）；"
                                 "其他種類的連結讀者無法開啟，也可能不安全。 Links may only use http(s), mailto or tel."))
        elif _several_units(path, value):
            parts = _several_units(path, value)
            found.append(Problem(doc.pos(path), f"單位名稱「{value}」看起來是好幾個單位寫成一個名稱。",
                                 f"每個單位請各寫一筆（name 與 slug），例如先寫「- name: {parts[0]}」，"
                                 f"再另起一筆「- name: {parts[1]}」。 One unit per entry.", WARNING))
        elif _typed_number(path, value):
            found.append(Problem(doc.pos(path), f"請不要自行輸入編號（「{_typed_number(path, value)}」）。",
                                 "章節與項目編號會依順序自動產生。 Numbers are generated from order."))
    return found


def _strings(value, path: tuple):
    """Every string in a document with its path, in document order. (A module function: a closure
    calling itself is a reference cycle, which kept each file's Doc alive until the cycle collector
    came by, and plansite/heap.py pauses that collector while plans load.)"""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, path + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _strings(child, path + (i,))
    elif isinstance(value, str):
        yield path, value


_UNIT_SEPARATORS = re.compile(r"[、，,；;]")


def _link_schemes(value: str):
    """Every Markdown link destination that names a scheme (javascript:, file:, https: …)."""
    return _LINK_SCHEME.finditer(value)


def _several_units(path, value: str) -> list[str]:
    """agency.yaml's units[i].name holding several names (「航務組、業務組」), split; else []."""
    if len(path) != 3 or path[0] != "units" or path[2] != "name":
        return []
    parts = [part.strip() for part in _UNIT_SEPARATORS.split(value) if part.strip()]
    return parts if len(parts) > 1 else []


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


def number_plan(plan: Plan, single: bool | None = None) -> None:
    """Generate group and measure numbers from order, following the framework's levels. A lone measure
    (the only one in its group) gets no number, as in every seed plan's document, unless the plan sets
    numbering: {single_measure: true} (`single`, read from plan.raw when not given)."""
    fw = plan.framework
    if single is None:
        single = (plan.raw.get("numbering") or {}).get("single_measure") is True
    sub_numbered = len(fw.levels) > 2 and fw.levels[2].numbering != "none"
    for pillar in plan.pillars:
        for item in pillar.items:
            for index, group in enumerate(item.groups, 1):
                if sub_numbered and group.code and len(item.groups) > 1:
                    group.number = str(fw.nodes[group.code].index)
                numbered = len(group.measures) > 1 or single
                for i, measure in enumerate(group.measures, 1):
                    if numbered and fw.measure_numbering == "parent-dotted" and group.number:
                        measure.number = f"{group.number}.{i}"
                    elif numbered:
                        measure.number = str(i)
                first = group.measures[0].units if group.measures else []
                if group.measures and all(m.units == first for m in group.measures):
                    group.units = first
    if plan.opening and (len(plan.opening.measures) > 1 or single):
        for i, measure in enumerate(plan.opening.measures, 1):
            measure.number = str(i)


def check_plan(plan: Plan, doc: Doc, problems: Problems) -> None:
    """Editor warnings for one plan: missing pillars and items (unless listed in known_gaps), measures
    without units, empty sections, text an import left unplaced."""
    gaps = _known_gaps(plan, doc, problems)
    present = {p.code for p in plan.pillars} | {i.code for p in plan.pillars for i in p.items}
    for root in plan.framework.roots:
        if root.code not in present:
            if root.code not in gaps:
                problems.warn(doc.pos(("content", "pillars")),
                              f"計畫沒有{plan.framework.levels[0].name}「{root.code} {root.title}」的具體作法。",
                              _gap_hint(root.code))
            continue
        for child in root.children:
            if child.code not in present and not gaps & {child.code, root.code}:
                problems.warn(_pillar_pos(plan, root.code, doc),
                              f"計畫沒有{plan.framework.levels[1].name}「{child.code} {child.title[:20]}…」的具體作法。",
                              _gap_hint(child.code))
    for pillar in plan.pillars:
        for item in pillar.items:
            if not any(g.measures for g in item.groups) and not gaps & {item.code, pillar.code}:
                problems.warn(item.pos, f"{plan.framework.levels[1].name}「{item.code}」沒有任何具體作法。",
                              "請在 measures 下列出具體作法；若原計畫書確實沒有，請在計畫檔最上層加上"
                              f" known_gaps: [\"{item.code}\"]。")
    unit_column = not plan.declared_columns or any(c.key == "unit" for c in plan.columns)
    for _, _, _, measure in plan.measures():
        if not measure.units and unit_column and not measure.no_units:
            problems.warn(measure.pos, "這項具體作法沒有負責單位。",
                          "請加上 units，或在上一層（分組、項目）指定；若計畫書確實沒有寫負責單位，請寫 units: []，此警告就不再出現。")
    for section in plan.sections:
        if not section.body.strip() and not section.has_content:
            problems.warn(section.pos, f"章節「{section.title}」沒有內容。", "請填寫 body，或刪除這個章節。")
    for entry in plan.unplaced:
        source = f"（來源：{entry.source}）" if entry.source else ""
        problems.warn(entry.pos, f"匯入時未歸位的文字{source}：『{_excerpt(entry.text)}』",
                      "請把這段文字移到計畫的正確位置（章節、構面、項目或作法），確認後刪除這一筆 unplaced。")


def _excerpt(text: str, length: int = 30) -> str:
    """The first `length` characters of a text on one line, with 「…」 when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[:length] + "…"


def _gap_hint(code: str) -> str:
    return (f"若原計畫書確實沒有，請在計畫檔最上層加上 known_gaps: [\"{code}\"]（已有 known_gaps 時把代碼加進清單），"
            "此警告就不再出現。 List deliberate gaps in known_gaps.")


def _known_gaps(plan: Plan, doc: Doc, problems: Problems) -> set[str]:
    """The framework codes the plan acknowledges having no measures for (known_gaps), checked:
    a code the framework lacks is an error, a code the plan does have measures for is a warning."""
    fw = plan.framework
    levels = "或".join(level.name for level in fw.levels[:2])
    covered = {code for pillar, item, _, _ in plan.measures() for code in (pillar.code, item.code)}
    gaps: set[str] = set()
    for i, raw in enumerate(doc.data.get("known_gaps", [])):
        code, pos = str(raw), doc.pos(("known_gaps", i))
        node = fw.nodes.get(code)
        if node is None or node.depth > 1:
            choices = [c for c, n in fw.nodes.items() if n.depth <= 1 and c not in covered]
            problems.error(pos, f"known_gaps 的「{code}」不是架構「{fw.name}」的{levels}代碼。",
                           f"known_gaps 只列本計畫沒有具體作法的{levels}代碼"
                           + (f"，目前可列的有：{'、'.join(choices)}。" if choices else "。"))
        elif code in covered:
            problems.warn(pos, f"known_gaps 列了「{code}」，但計畫有{fw.levels[node.depth].name}「{code}」的具體作法。",
                          f"請從 known_gaps 刪除「{code}」（或確認具體作法是否寫錯位置）。 Listed gap is not a gap.")
        else:
            gaps.add(code)
    return gaps


def _pillar_pos(plan: Plan, code: str, doc: Doc) -> Pos:
    for pillar in plan.pillars:
        if pillar.code == code:
            return pillar.pos
    return doc.pos(("content", "pillars"))


def check_site(agencies: list[Agency], plans: list[Plan], problems: Problems) -> None:
    """Checks across files: two agency folders with one full name. (Past years are not warned about:
    the site publishes every year of an agency by design.)"""
    names: dict[str, Agency] = {}
    for agency in agencies:
        folded = unicodedata.normalize("NFKC", agency.full_name).casefold()   # full-width 「ＡＢＣ」 is 「ABC」
        if folded in names:
            problems.error(Pos(agency.path, 1, 1),
                           f"機關全銜「{agency.full_name}」與 plans/{names[folded].slug}/ 重複。",
                           "同一機關只能有一個目錄（全形與半形、大小寫不同仍算同一個名稱）。 Duplicate agency.")
        names[folded] = agency


def check_columns(plan: Plan, doc: Doc, problems: Problems) -> None:
    """A declared column list: the framework levels leftmost and in order, and every column used."""
    if not plan.declared_columns:
        return
    keys = [c.key for c in plan.columns]
    where = {c.key: doc.pos(("columns", i)) for i, c in enumerate(plan.columns)}
    if "item" not in keys and "focus" not in keys:
        problems.error(doc.pos(("columns",)), f"columns 清單沒有{plan.framework.levels[0].name}的欄（item 或 focus）。",
                       "表格第一欄放構面與服務項目：請加上「- item: 欄名」；若構面與服務項目在同一欄，只寫 item 即可。")
        return
    order = [k for k in ("item", "focus", "sub", "measure") if k in keys]
    if [k for k in keys if k in order] != order or keys[:len(order) - 1] != order[:-1]:
        problems.error(where[order[0]], "columns 的順序不對：item、focus、sub 必須是最左邊的欄，依序排列，再接 measure。",
                       f"請依序寫 {'、'.join(order)}，其他欄（單位、期限、預期效益…）放在 measure 之後。")
    everything = [m for *_, m in plan.measures()] + (plan.opening.measures if plan.opening else [])
    used = {"unit": any(m.units for m in everything) or bool(plan.opening and plan.opening.units),
            "deadline": any(m.deadline for m in everything),
            "result": any(m.result or m.status for m in everything),
            "sub": any(g.heading for p in plan.pillars for i in p.items for g in i.groups)}
    for col in plan.columns:
        if col.extra:
            in_use = any(col.key in m.extra for m in everything)
        else:
            in_use = used.get(col.key, True)
        if not in_use and not (col.key == "result" and plan.draft):
            problems.warn(where[col.key], f"宣告了「{col.title}」欄（{col.key}），但沒有任何具體作法填寫這一欄。",
                          f"這一欄在網頁上會是空白的；請在具體作法加上 {col.key}: …，或刪除這一行。")
