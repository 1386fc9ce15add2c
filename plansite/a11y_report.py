"""`python build.py check --a11y`: every accessibility check the test suite runs, on a built site,
as a report in Traditional Chinese an agency can attach to its 無障礙標章 application."""
from __future__ import annotations

import pathlib
from dataclasses import dataclass, field

from . import a11y

WIDTHS = (375, 1280)
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@dataclass
class Section:
    title: str
    checked: int                      # pages × widths (or files) checked
    findings: list[str] = field(default_factory=list)
    skipped: str = ""                 # why this part could not run


def run(site: pathlib.Path, language: str = "zh-Hant-TW", progress=print) -> list[Section]:
    pages, markup = a11y.check_site(site, language)
    sections = [Section("無障礙標章標記檢查（導盲磚、跳到主要內容、表格、連結、圖片、CSS 字級）", pages, markup)]
    try:
        from . import browsercheck
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "未安裝 Playwright；請先執行 scripts/test.sh（或 pip install -r requirements-test.txt）。"
        return sections + [Section("axe-core、Nu HTML Checker 與版面重排", 0, [], reason)]
    rels = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    progress(f"Nu HTML Checker：檢查 {len(rels)} 頁…")
    try:
        errors = browsercheck.vnu_errors(site)
        sections.append(Section("HTML 語法（Nu HTML Checker）", len(rels),
                                [f"{p.relative_to(site).as_posix()}: {m}" for p, ms in sorted(errors.items()) for m in ms]))
    except (FileNotFoundError, OSError, RuntimeError) as exc:
        sections.append(Section("HTML 語法（Nu HTML Checker）", 0, [], f"無法執行：{exc}"))
    try:
        with sync_playwright() as p, browsercheck.serve_directory(site) as base:
            browser = browsercheck.launch_chromium(p)
            axe = Section("axe-core（WCAG 2.0/2.1/2.2 A、AA 與最佳實務）", 0)
            reflow = Section("版面重排：320 px 寬與 200%、400% 縮放時不需水平捲動", 0)
            for width in WIDTHS:
                progress(f"axe-core：{width} px 寬，{len(rels)} 頁…")
                context = browser.new_context(viewport={"width": width, "height": 900})
                page = context.new_page()
                for rel in rels:
                    page.goto(base + rel)
                    axe.checked += 1
                    for v in browsercheck.axe_violations(page):
                        axe.findings.append(f"{rel}（{width} px）: {v['id']} {v['help']}：{', '.join(v['targets'][:3])}")
                context.close()
            for css_width, scale in ((320, 1), (640, 2), (320, 4)):
                progress(f"版面重排：{css_width} CSS px…")
                context = browser.new_context(viewport={"width": css_width, "height": 800}, device_scale_factor=scale)
                page = context.new_page()
                for rel in rels:
                    page.goto(base + rel)
                    reflow.checked += 1
                    extra = page.evaluate(OVERFLOW)
                    if extra > 0:
                        reflow.findings.append(f"{rel}（{css_width} CSS px）: 超出視窗 {extra} px")
                context.close()
            browser.close()
        sections += [axe, reflow]
    except FileNotFoundError as exc:
        sections.append(Section("axe-core 與版面重排", 0, [], f"無法執行：{exc}"))
    return sections


def format_report(site: pathlib.Path, sections: list[Section]) -> str:
    lines = [f"# 無障礙檢查報告：{site}", ""]
    total = sum(len(s.findings) for s in sections)
    for s in sections:
        if s.skipped:
            lines.append(f"## {s.title}：未執行\n\n{s.skipped}\n")
            continue
        verdict = "通過" if not s.findings else f"{len(s.findings)} 個問題"
        lines.append(f"## {s.title}：{verdict}（檢查 {s.checked} 項）\n")
        lines += [f"- {f}" for f in s.findings]
        if s.findings:
            lines.append("")
    skipped = [s for s in sections if s.skipped]
    lines.append(f"總結：{total} 個問題" + (f"，{len(skipped)} 項未執行" if skipped else "") + "。")
    lines.append("提醒：申請標章前仍須以 Freego 檢測，並以鍵盤與螢幕報讀軟體實際操作。")
    return "\n".join(lines) + "\n"
