"""`python build.py check --a11y`: every accessibility check the test suite runs, on a built site,
and the self-assessment an agency attaches to its 無障礙標章 application.

1. run(site) runs the automated checks (Section per check, with how many pages × widths it covered).
2. assess(sections, spec) lays them over the spec's A/AA criteria (plansite/data/a11y-spec-*.yaml)
   with how the site meets each one (plansite/data/a11y-evidence.yaml): passed / failed / manual /
   not applicable, with the criterion's detection codes.
3. format_report (Markdown), ods_bytes (ODS) and record (the JSON the 無障礙聲明 page reads).
"""
from __future__ import annotations

import datetime
import json
import pathlib
import re
from dataclasses import dataclass, field

import yaml

from . import a11y

DATA = pathlib.Path(__file__).resolve().parent / "data"
SPECS = ("115.11", "110.07")
WIDTHS = (375, 1280)
REFLOW = ((320, 1, "320 px"), (640, 2, "200%"), (320, 4, "400%"))
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
CLIPPED = """() => [...document.querySelectorAll('body *')].filter(el => {
  const s = getComputedStyle(el);
  if (!['hidden', 'clip'].includes(s.overflowX) && !['hidden', 'clip'].includes(s.overflowY)) return false;
  if (s.clipPath && s.clipPath.startsWith('inset(50%')) return false;   // visually hidden on purpose
  if (el.closest('thead') && s.position === 'absolute') return false;
  return el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
}).map(el => el.outerHTML.slice(0, 120))"""
CODE = re.compile(r"\b[A-Z]{2}[1-3]\d{6}[CE]\b")
AXE_TAG = re.compile(r"^wcag(\d)(\d)(\d+)$")


@dataclass
class Finding:
    text: str
    criteria: frozenset = frozenset()   # WCAG ids it belongs to; empty: every criterion its check covers


@dataclass
class Section:
    id: str                            # the check's id, as plansite/data/a11y-evidence.yaml names it
    title: str
    checked: int = 0                   # pages × widths (or pages) checked
    unit: str = "頁次"
    findings: list[Finding] = field(default_factory=list)
    skipped: str = ""                  # why this part could not run


def run(site: pathlib.Path, language: str = "zh-Hant-TW", progress=print, spec: str = "115.11") -> list[Section]:
    """Every automated check on every page of a built site."""
    code_map = _code_map(load_spec(spec))
    pages, markup = a11y.check_site(site, language)
    sections = [Section("markup", "無障礙標章標記檢查（導盲磚、跳到主要內容、表格、連結、圖片、id、CSS 字級）", pages,
                        findings=[Finding(f, _criteria_of_codes(f, code_map)) for f in markup])]
    try:
        from playwright.sync_api import sync_playwright

        from . import browsercheck, wcag22
    except ImportError:
        reason = "未安裝 Playwright；請先執行 scripts/test.sh（或 pip install -r requirements-test.txt）。"
        return sections + [Section(i, t, skipped=reason) for i, t in BROWSER_CHECKS]
    rels = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    progress(f"Nu HTML Checker：檢查 {len(rels)} 頁…")
    vnu = Section("vnu", "HTML 語法（Nu HTML Checker）")
    try:
        errors = browsercheck.vnu_errors(site)
        vnu.checked = len(rels)
        vnu.findings = [Finding(f"{p.relative_to(site).as_posix()}: {m}") for p, ms in sorted(errors.items()) for m in ms]
    except (FileNotFoundError, OSError, RuntimeError) as exc:
        vnu.skipped = f"無法執行：{exc}"
    sections.append(vnu)
    checks = {i: Section(i, t) for i, t in BROWSER_CHECKS}
    positions: dict[str, tuple | None] = {}      # page -> where 聯絡我們 sits (3.2.6)
    try:
        with sync_playwright() as p, browsercheck.serve_directory(site) as base:
            browser = browsercheck.launch_chromium(p)
            for width in WIDTHS:
                progress(f"axe-core、鍵盤、焦點、目標尺寸、文字間距：{width} px 寬，{len(rels)} 頁…")
                # bypass_csp: the text-spacing probe is a user stylesheet (as a reader's browser extension
                # applies it), which the page's Content-Security-Policy does not govern
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-TW", bypass_csp=True)
                context.add_init_script(wcag22.INIT_SCRIPT)
                page = context.new_page()
                for rel in rels:
                    _check_page(page, base, rel, width, checks, positions if width == WIDTHS[-1] else None)
                context.close()
            for css_width, scale, label in REFLOW:
                progress(f"版面重排：{label}…")
                context = browser.new_context(viewport={"width": css_width, "height": 800}, device_scale_factor=scale)
                page = context.new_page()
                for rel in rels:
                    page.goto(base + rel)
                    checks["reflow"].checked += 1
                    extra = page.evaluate(OVERFLOW)
                    if extra > 0:
                        checks["reflow"].findings.append(Finding(f"{rel}（{label}）: 超出視窗 {extra} px"))
                context.close()
            browser.close()
        _help_consistency(checks["help"], positions)
    except FileNotFoundError as exc:
        for section in checks.values():
            section.skipped = f"無法執行：{exc}"
    return sections + list(checks.values())


BROWSER_CHECKS = (
    ("axe", "axe-core（WCAG 2.0/2.1/2.2 A、AA 與最佳實務）"),
    ("reflow", "版面重排：320 px 寬與 200%、400% 縮放時不需水平捲動"),
    ("spacing", "文字間距加大（行高 1.5、字距 0.12em）時內容不被裁切"),
    ("focus", "鍵盤操作：依序到達每個元素，焦點可見且不被遮蔽"),
    ("fragments", "頁內連結與跳到主要內容：目標在畫面內且不被遮蔽"),
    ("targets", "點選目標至少 24×24 CSS px（或間距足夠、位於文句中）"),
    ("help", "「聯絡我們」在每頁相同的相對位置"),
    ("interactions", "沒有拖曳操作、登入或密碼欄位、搜尋以外的表單"),
)


def _check_page(page, base: str, rel: str, width: int, checks: dict, positions: dict | None) -> None:
    """Every per-page browser check at one width; the width-independent ones when `positions` is given."""
    from . import browsercheck, wcag22

    where = f"{rel}（{width} px）"
    page.goto(base + rel)
    checks["axe"].checked += 1
    for v in browsercheck.axe_violations(page):
        ids = frozenset(_axe_criteria(v.get("tags", [])))
        checks["axe"].findings.append(Finding(f"{where}: {v['id']} {v['help']}：{', '.join(v['targets'][:3])}", ids))
    count, small = wcag22.small_targets(page)
    checks["targets"].checked += 1
    checks["targets"].findings += [Finding(f"{where}: {s}") for s in small]
    if positions is not None:
        checks["help"].checked += 1
        positions[rel] = wcag22.help_position(wcag22.help_links(page))
        checks["interactions"].checked += 1
        checks["interactions"].findings += [Finding(f"{rel}: {f}") for f in wcag22.interaction_findings(page)]
    stops = wcag22.tab_walk(page)
    checks["focus"].checked += 1
    order = [s.index for s in stops]
    if not stops or stops[0].text != "跳到主要內容":
        checks["focus"].findings.append(Finding(f"{where}: 第一個焦點不是「跳到主要內容」"))
    if order != sorted(order):
        checks["focus"].findings.append(Finding(f"{where}: 焦點順序與頁面順序不同"))
    if len(stops) != wcag22.focusable_count(page):
        checks["focus"].findings.append(Finding(f"{where}: 以 Tab 只到達 {len(stops)} 個可聚焦元素中的部分"))
    checks["focus"].findings += [Finding(f"{where}: 焦點被遮蔽 {s}") for s in wcag22.obscured(stops)]
    checks["focus"].findings += [Finding(f"{where}: 沒有可見的焦點外框 {s.describe()}") for s in stops if not s.indicator]
    checks["fragments"].checked += 1
    checks["fragments"].findings += [Finding(f"{where}: {f}") for f in wcag22.fragment_targets(page)]
    page.goto(base + rel)
    page.add_style_tag(content=TEXT_SPACING)
    checks["spacing"].checked += 1
    if page.evaluate(OVERFLOW) > 0:
        checks["spacing"].findings.append(Finding(f"{where}: 文字間距加大後需要水平捲動"))
    checks["spacing"].findings += [Finding(f"{where}: 文字被裁切 {c}") for c in page.evaluate(CLIPPED)]


def _help_consistency(section: Section, positions: dict) -> None:
    """3.2.6: 聯絡我們 once on every page, at the same place counted from the end of the header and footer links."""
    section.findings += [Finding(f"{rel}: 頁首或頁尾沒有唯一的「聯絡我們」連結") for rel, pos in positions.items()
                         if pos is None]
    placed = sorted({pos[1] for pos in positions.values() if pos is not None})
    if len(placed) > 1:
        section.findings.append(Finding(f"「聯絡我們」在不同頁面的位置不同（倒數第 {'、'.join(map(str, placed))} 個連結）"))


def _axe_criteria(tags) -> list[str]:
    return [".".join(m.groups()) for m in (AXE_TAG.match(t) for t in tags) if m]


def _code_map(spec: dict) -> dict[str, str]:
    return {code: c["id"] for c in spec["criteria"] for code in c["codes"]}


def _criteria_of_codes(text: str, code_map: dict[str, str]) -> frozenset:
    return frozenset(code_map[c] for c in CODE.findall(text) if c in code_map)


# ---- the self-assessment ----

def load_spec(spec: str) -> dict:
    if spec not in SPECS:
        raise ValueError(f"unknown spec {spec}")
    return yaml.safe_load((DATA / f"a11y-spec-{spec}.yaml").read_text(encoding="utf-8"))


def load_evidence() -> dict:
    return yaml.safe_load((DATA / "a11y-evidence.yaml").read_text(encoding="utf-8"))


PASSED, FAILED, MANUAL, NOT_APPLICABLE, NOT_RUN = "通過", "未通過", "人工檢核", "不適用", "未執行"


@dataclass
class Row:
    id: str
    level: str
    title: str
    machine_codes: list[str]
    manual_codes: list[str]
    result: str
    evidence: str          # the automated checks with their counts
    how: str               # how the site meets it (or why it does not apply)
    tests: list[str]
    problems: int = 0


def assess(sections: list[Section], spec: str = "115.11") -> list[Row]:
    """One row per A/AA criterion of the spec: its result from the checks that cover it, or the manual evidence."""
    by_id = {s.id: s for s in sections}
    evidence = load_evidence()
    rows = []
    for criterion in load_spec(spec)["criteria"]:
        cid = criterion["id"]
        ev = evidence.get(cid, {})
        checks = [by_id[c] for c in ev.get("checks", []) if c in by_id]
        problems = sum(1 for s in checks for f in s.findings if not f.criteria or cid in f.criteria)
        skipped = [s for s in checks if s.skipped]
        if problems:
            result = FAILED
        elif skipped:
            result = NOT_RUN
        elif ev.get("not_applicable"):
            result = NOT_APPLICABLE
        elif checks:
            result = PASSED
        else:
            result = MANUAL
        how = ev.get("not_applicable") or ev.get("how", "")
        if ev.get("gap"):
            how += f"（注意：{ev['gap']}）"
        rows.append(Row(cid, criterion["level"], criterion["title"],
                        [c for c in criterion["codes"] if c.endswith("C")],
                        [c for c in criterion["codes"] if c.endswith("E")], result,
                        "；".join(f"{_short(s)} {s.checked} {s.unit}" for s in checks if not s.skipped),
                        how, list(ev.get("tests", [])), problems))
    return rows


_SHORT = {"markup": "標章標記", "vnu": "Nu HTML Checker", "axe": "axe-core", "reflow": "版面重排", "spacing": "文字間距",
          "focus": "鍵盤與焦點", "fragments": "頁內連結", "targets": "目標尺寸", "help": "聯絡我們位置",
          "interactions": "拖曳與表單"}


def _short(section: Section) -> str:
    return _SHORT.get(section.id, section.id)


def summary(rows: list[Row]) -> dict[str, int]:
    counts = {r: 0 for r in (PASSED, FAILED, MANUAL, NOT_APPLICABLE, NOT_RUN)}
    for row in rows:
        counts[row.result] += 1
    return counts


def format_report(site: pathlib.Path, sections: list[Section], rows: list[Row], spec: str = "115.11",
                  date: str = "") -> str:
    info = load_spec(spec)
    counts = summary(rows)
    total = sum(len(s.findings) for s in sections)
    lines = [f"# 無障礙檢查報告與自評表：{info['name']}（WCAG {info['wcag']}）AA 等級", "",
             f"- 網站：{site}", f"- 檢查日期：{date or datetime.date.today().isoformat()}",
             f"- 頁數：{sections[0].checked} 頁；寬度 {' 與 '.join(f'{w} px' for w in WIDTHS)}", "",
             "## 自動檢查", ""]
    for s in sections:
        if s.skipped:
            lines.append(f"### {s.title}：未執行\n\n{s.skipped}\n")
            continue
        verdict = "通過" if not s.findings else f"{len(s.findings)} 個問題"
        lines.append(f"### {s.title}：{verdict}（檢查 {s.checked} 項）\n")
        lines += [f"- {f.text}" for f in s.findings]
        if s.findings:
            lines.append("")
    lines += ["", f"## 自評表：{info['name']} A 與 AA 等級 {len(rows)} 項成功準則", "",
              f"通過 {counts[PASSED]} 項（自動檢查）、人工檢核 {counts[MANUAL]} 項、不適用 {counts[NOT_APPLICABLE]} 項、"
              f"未通過 {counts[FAILED]} 項、未執行 {counts[NOT_RUN]} 項。", "",
              "| 成功準則 | 等級 | 機器檢測碼 | 人工檢測碼 | 結果 | 自動檢查（數量） | 本站做法 | 證明的測試 |",
              "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cells = [f"{r.id} {r.title}", r.level, " ".join(r.machine_codes) or "—", " ".join(r.manual_codes) or "—",
                 r.result + (f"（{r.problems} 個問題）" if r.problems else ""), r.evidence or "—", r.how or "—",
                 "<br>".join(f"`{t}`" for t in r.tests) or "—"]
        lines.append("| " + " | ".join(c.replace("|", "｜") for c in cells) + " |")
    skipped = [s for s in sections if s.skipped]
    lines += ["", f"總結：{total} 個問題" + (f"，{len(skipped)} 項未執行" if skipped else "") + "；"
              f"自評表 {len(rows)} 項中未通過 {counts[FAILED]} 項。",
              "提醒：申請標章前仍須以 Freego 檢測，並以鍵盤與螢幕報讀軟體實際操作；"
              "115.11 新增的項目都是人工檢測碼，Freego 無法檢測，請附上本自評表。"]
    return "\n".join(lines) + "\n"


def record(sections: list[Section], rows: list[Row], spec: str, date: str) -> dict:
    """What the 無障礙聲明 page shows: the same numbers as the report (a11y-check.json)."""
    return {
        "spec": spec, "date": date, "pages": sections[0].checked, "widths": list(WIDTHS),
        "problems": sum(len(s.findings) for s in sections),
        "checks": [{"id": s.id, "title": s.title, "checked": s.checked, "unit": s.unit,
                    "problems": len(s.findings), "skipped": bool(s.skipped)} for s in sections],
        "criteria": summary(rows), "criteria_total": len(rows),
    }


def record_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def ods_bytes(sections: list[Section], rows: list[Row], spec: str, date: str) -> bytes:
    """The self-assessment as a spreadsheet (ODF, the government document standard)."""
    from .downloads import spreadsheet

    return spreadsheet(f"無障礙自評表 {spec}（{date}）", [
        ("自評表", ["成功準則", "名稱", "等級", "機器檢測碼", "人工檢測碼", "結果", "問題數", "自動檢查（數量）", "本站做法",
                 "證明的測試"],
         [[r.id, r.title, r.level, " ".join(r.machine_codes), " ".join(r.manual_codes), r.result, str(r.problems),
           r.evidence, r.how, "\n".join(r.tests)] for r in rows]),
        ("自動檢查", ["檢查", "檢查數量", "單位", "問題數", "結果", "問題"],
         [[s.title, str(s.checked), s.unit, str(len(s.findings)),
           NOT_RUN if s.skipped else (PASSED if not s.findings else FAILED),
           s.skipped or "\n".join(f.text for f in s.findings[:200])] for s in sections]),
    ])
