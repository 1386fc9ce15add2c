"""The page states plans in their own shape bring (tests/fixtures/shapes), in real Chromium:
the 草稿 banner of the preview, the results column and summary, a six-column table at 375 px,
pillar and item in one column; axe, the Nu HTML Checker, the mark's markup checks, reflow,
target size, and the printed PDF's text."""
from __future__ import annotations

import re
import subprocess

import pytest

import tools
from plansite import a11y, wcag22
from plansite.a11y_report import OVERFLOW
from support import FIXTURES, SEED_CONTACT, make_project

pytestmark = pytest.mark.browser

PAGES = ["agencies/six-columns/114/", "agencies/six-columns/115/", "agencies/three-columns/114/",
         "agencies/three-columns/113/", "agencies/three-columns/114/compare/",
         "agencies/six-columns/", "agencies/three-columns/", "overview/"]   # overview: results by status


@pytest.fixture(scope="module")
def shapes_preview(tmp_path_factory):
    """The shapes plans as the preview shows them (drafts included), with PDFs."""
    from plansite import pipeline
    from plansite.config import load_config

    tmp = tmp_path_factory.mktemp("shapes-preview")
    root = make_project(tmp, plans_from=FIXTURES / "shapes" / "plans")
    contact = "".join(f'{key} = "{value}"\n' for key, value in SEED_CONTACT.items())
    with (root / "site.toml").open("a", encoding="utf-8") as toml:
        toml.write("[contact]\n" + contact)
    config = load_config(root / "site.toml").with_overrides(**{"paths.output": str(tmp / "out")})
    report = pipeline.build(config, drafts=True)
    assert not report.problems.errors
    return tmp / "out"


@pytest.fixture(scope="module")
def shapes_url(shapes_preview):
    with tools.serve_directory(shapes_preview) as base:
        yield base


@pytest.mark.parametrize("width", (375, 1280))
def test_axe_finds_nothing_on_the_new_page_states(browser, shapes_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
    page = context.new_page()
    report = {}
    for rel in PAGES:
        page.goto(shapes_url + rel)
        violations = tools.axe_violations(page)
        if violations:
            report[f"{rel} @ {width}px"] = violations
    context.close()
    assert not report, tools.format_axe_report(report)


def test_nu_checker_and_markup_checks_pass_on_the_new_page_states(shapes_preview):
    files = [shapes_preview / rel / "index.html" for rel in PAGES]
    errors = tools.vnu_errors(files)
    assert not errors, tools.format_vnu_errors(errors, root=shapes_preview)
    findings = [f for rel in PAGES for f in a11y.check_page(rel, (shapes_preview / rel / "index.html").read_text(encoding="utf-8"))]
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize("css_width, scale", [(320, 1), (375, 1), (640, 2)], ids=["320px", "375px", "1280px-200%"])
def test_six_columns_reflow_without_scrolling_and_keep_targets_large(browser, shapes_url, css_width, scale):
    context = browser.new_context(viewport={"width": css_width, "height": 800}, device_scale_factor=scale)
    page = context.new_page()
    problems = []
    for rel in PAGES:
        page.goto(shapes_url + rel)
        extra = page.evaluate(OVERFLOW)
        if extra > 0:
            problems.append(f"{rel}: {extra}px wider than the window")
        _count, small = wcag22.small_targets(page)
        problems += [f"{rel}: {s}" for s in small]
    # the six-column table stacks each cell under its column title on a phone
    page.goto(shapes_url + PAGES[0])
    stacked = page.evaluate("getComputedStyle(document.querySelector('.ps-table td')).display")
    context.close()
    assert not problems, "\n".join(problems)
    assert stacked == "block"   # even 640 CSS px (1280 px at 200%) is narrower than the 62em switch


def test_six_columns_are_a_real_table_on_a_wide_screen(browser, shapes_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(shapes_url + PAGES[0])
    display = page.evaluate("getComputedStyle(document.querySelector('.ps-table td')).display")
    titles = page.evaluate("[...document.querySelectorAll('.ps-table thead th')].map(th => th.textContent.trim())")
    context.close()
    assert display == "table-cell"
    assert titles == ["實施策略", "推動方法", "具體推動作法", "完成期限", "執行單位", "預期效益", "執行成效"]


def test_the_draft_banner_is_the_first_thing_in_main_and_in_the_title(browser, shapes_url):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(shapes_url + PAGES[1])
    first = page.evaluate("document.querySelector('main article').firstElementChild.textContent.trim()")
    title = page.title()
    context.close()
    assert first.startswith("草稿：本計畫尚未定稿") and title.startswith("【草稿】")


def _pdf_text(site, rel) -> str:
    pdf = next((site / rel).glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def test_printed_pdfs_carry_the_declared_columns_approval_and_results_in_order(shapes_preview):
    six = _pdf_text(shapes_preview, PAGES[0])
    assert "114年03月05日測航字第1140000001號函核備" in six and "114年07月01日修訂" in six
    header = [six.index(t) for t in ("實施策略", "推動方法", "具體推動作法", "完成期限", "執行單位", "預期效益", "執行成效")]
    assert header == sorted(header)
    row = [six.index(t, header[-1]) for t in ("訂定旅客服務標準作業流程並公告於航站網站。", "114/06/30", "航務組",
                                              "旅客查詢一次到位。", "完成", "已於114年5月公告標準作業流程6項。")]
    assert row == sorted(row)
    assert "執行成效統計" in six
    three = _pdf_text(shapes_preview, PAGES[2])
    assert [three.index(t) for t in ("工作要領", "工作重點", "業務單位")] == sorted(three.index(t) for t in ("工作要領", "工作重點", "業務單位"))
    assert "114年02月22日修訂" in three and "一、完備基礎服務項目，注重服務特性差異化" in three


def test_a_six_column_table_stacks_up_to_a_wider_box_than_a_three_column_one(browser, shapes_url):
    # 900 px: the table's box is about 54em, past the 47em switch of narrower tables but short of 62em
    context = browser.new_context(viewport={"width": 900, "height": 900})
    page = context.new_page()
    shown = {}
    for rel in (PAGES[0], PAGES[2]):
        page.goto(shapes_url + rel)
        shown[rel] = page.evaluate("getComputedStyle(document.querySelector('.ps-table td')).display")
    context.close()
    assert shown == {PAGES[0]: "block", PAGES[2]: "table-cell"}
