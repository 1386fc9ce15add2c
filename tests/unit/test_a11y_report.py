"""The 115.11 self-assessment (plansite/a11y_report.py) from check results: pure functions, no browser."""
from __future__ import annotations

import io
import re

import pytest

from plansite import a11y_report as report
from support import REPO

CHECK_IDS = {"markup", "vnu"} | {i for i, _ in report.BROWSER_CHECKS}


def clean_sections() -> list[report.Section]:
    return [report.Section("markup", "標記", 40), report.Section("vnu", "HTML", 40)] + \
        [report.Section(i, t, 80) for i, t in report.BROWSER_CHECKS]


@pytest.mark.parametrize("spec, count", [("115.11", 55), ("110.07", 50)])
def test_every_a_and_aa_criterion_of_each_edition_gets_a_row(spec, count):
    rows = report.assess(clean_sections(), spec)
    ids = [r.id for r in rows]
    assert len(rows) == count == len(set(ids))
    assert {r.level for r in rows} == {"A", "AA"}
    assert ("4.1.1" in ids) == (spec == "110.07")
    assert ("2.4.11" in ids) == (spec == "115.11")
    counts = report.summary(rows)
    assert counts["未通過"] == counts["未執行"] == 0 and sum(counts.values()) == count


def test_the_new_115_11_items_carry_their_manual_codes_and_proof():
    rows = {r.id: r for r in report.assess(clean_sections())}
    expected = {"2.4.11": ["FA2241100E"], "2.5.7": ["FA2250700E"], "2.5.8": ["CS2250800E"], "3.2.6": ["GN1320600E"],
                "3.3.7": ["GN1330700E"], "3.3.8": ["HM2330800E", "FA2330801E"]}
    for cid, codes in expected.items():
        assert rows[cid].manual_codes == codes and rows[cid].machine_codes == [], cid
        assert rows[cid].tests, f"{cid} names the tests that prove it"
    assert rows["2.4.11"].result == "通過" and "鍵盤與焦點 80 頁次" in rows["2.4.11"].evidence
    assert rows["2.5.8"].result == "通過" and "目標尺寸 80 頁次" in rows["2.5.8"].evidence
    assert rows["2.5.7"].result == rows["3.3.8"].result == "不適用"


def test_a_coded_finding_fails_only_its_criterion_and_an_uncoded_one_every_criterion_of_its_check():
    sections = clean_sections()
    sections[0].findings.append(report.Finding("x.html: HM1110100C 圖片缺少 alt", frozenset({"1.1.1"})))
    focus = next(s for s in sections if s.id == "focus")
    focus.findings.append(report.Finding("x.html（375 px）: 焦點被遮蔽"))
    rows = {r.id: r for r in report.assess(sections)}
    assert rows["1.1.1"].result == "未通過" and rows["1.1.1"].problems == 1
    assert rows["1.3.1"].result == "通過", "markup's coded finding belongs to 1.1.1 only"
    assert rows["2.4.11"].result == "未通過" and rows["2.4.7"].result == "未通過"


def test_a_check_that_could_not_run_is_not_a_pass():
    sections = clean_sections()
    next(s for s in sections if s.id == "axe").skipped = "找不到 Chromium"
    rows = {r.id: r for r in report.assess(sections)}
    assert rows["1.4.3"].result == "未執行"


def test_axe_tags_and_detection_codes_map_to_criteria():
    assert report._axe_criteria(["cat.color", "wcag2aa", "wcag143", "wcag2411"]) == ["1.4.3", "2.4.11"]
    codes = report._code_map(report.load_spec("115.11"))
    assert report._criteria_of_codes("a.html: HM1130101C 表格標頭", codes) == {"1.3.1"}


def test_the_markdown_report_and_the_spreadsheet_hold_the_same_rows():
    sections = clean_sections()
    rows = report.assess(sections, "110.07")
    text = report.format_report(REPO / "_site", sections, rows, "110.07", "2026-11-25")
    table = [l for l in text.splitlines() if re.match(r"\| \d\.\d+\.\d+ ", l)]
    assert len(table) == 50 and any(l.startswith("| 4.1.1 ") for l in table)
    assert "網站無障礙規範（110.07）" in text and "檢查日期：2026-11-25" in text

    from odf import opendocument, table as odftable, teletype

    doc = opendocument.load(io.BytesIO(report.ods_bytes(sections, rows, "110.07", "2026-11-25")))
    sheet = doc.spreadsheet.getElementsByType(odftable.Table)[0]
    ids = [teletype.extractText(r.getElementsByType(odftable.TableCell)[0]) for r in sheet.getElementsByType(odftable.TableRow)]
    assert ids[1:] == [r.id for r in rows]


def test_the_evidence_covers_every_criterion_with_known_checks_and_tests_that_exist():
    evidence = report.load_evidence()
    criteria = {c["id"] for spec in report.SPECS for c in report.load_spec(spec)["criteria"]}
    assert set(evidence) == criteria
    for cid, entry in evidence.items():
        assert set(entry.get("checks", [])) <= CHECK_IDS, cid
        assert entry.get("how") or entry.get("not_applicable"), cid
        for test in entry.get("tests", []):
            path, _, name = test.partition("::")
            assert (REPO / path).is_file(), f"{cid}: {path}"
            if name:
                assert f"def {name}(" in (REPO / path).read_text(encoding="utf-8"), f"{cid}: {test}"
