"""The streamed ODS writer (plansite/odf_stream.py) gives byte for byte what odfpy's element tree gave."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
import odf_reference
from odf import opendocument, style, table as odftable, text as odftext
from support import REPO

from plansite import downloads, odf_stream


def reference_spreadsheet(title: str, sheets) -> bytes:
    """The odfpy route the site used before odf_stream (see odf_reference.fresh_namespaces)."""
    return odf_reference.fresh_namespaces(lambda: _odfpy_spreadsheet(title, sheets), SEED[0])


def _odfpy_spreadsheet(title: str, sheets) -> bytes:
    """downloads.spreadsheet as it was before odf_stream."""
    doc = opendocument.OpenDocumentSpreadsheet()
    odf_reference._meta(doc, title)
    bold = style.Style(name="Header", family="table-cell")
    bold.addElement(style.TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    for name, header, rows in sheets:
        sheet = odftable.Table(name=name)
        for i, row in enumerate([header] + rows):
            tr = odftable.TableRow()
            for value in row:
                cell = odftable.TableCell(valuetype="string", stylename=bold if i == 0 else None)
                for line in str(value).split("\n"):
                    cell.addElement(odftext.P(text=line))
                tr.addElement(cell)
            sheet.addElement(tr)
        doc.spreadsheet.addElement(sheet)
    return odf_reference._save(doc)



SEED = odf_reference.plans(REPO / "plans")
SHAPES = odf_reference.plans(REPO / "tests" / "fixtures" / "shapes" / "plans")


def _same(title, sheets):
    new, old = downloads.spreadsheet(title, sheets), reference_spreadsheet(title, sheets)
    odf_reference.assert_same_package(new, old)


def test_there_are_five_seed_plans_and_shape_fixtures():
    assert len(SEED) == 5 and SHAPES


@pytest.mark.parametrize("plan", SEED + SHAPES, ids=lambda p: f"{p.agency.slug}-{p.year}")
def test_each_plans_ods_is_byte_identical(plan):
    header, rows = downloads.plan_table(plan)
    _same(plan.full_title, [("具體作法", header, rows)])
    assert downloads.ods_bytes(header, rows, plan.full_title) == reference_spreadsheet(
        plan.full_title, [("具體作法", header, rows)])


@pytest.mark.parametrize("plans", [SEED, SHAPES, SEED + SHAPES], ids=["seed", "shapes", "both"])
def test_the_site_wide_ods_is_byte_identical(plans):
    header, rows = downloads.site_table(plans)
    _same("提升服務計畫公開網", [("具體作法", header, rows)])


@pytest.mark.parametrize("plans", [[], SEED[:1], SEED + SHAPES], ids=["none", "one", "all"])
def test_the_site_files_joined_from_each_plans_part_are_the_whole_files_bytes(plans):
    """plans.csv, plans.ods and plans.json are joined from each plan's part (kept for unchanged plans):
    the same bytes as each file made whole."""
    header, rows = downloads.site_table(plans)
    extras = downloads.site_extras(plans)
    assert header == downloads.COLUMNS + extras
    assert sum((downloads.site_rows(p, extras) for p in plans), []) == rows
    joined = b"\xef\xbb\xbf" + downloads.csv_rows([header]) + b"".join(
        downloads.csv_rows(downloads.site_rows(p, extras)) for p in plans)
    assert joined == downloads.csv_bytes(header, rows)
    # plans.ods: each plan's rows compressed apart and joined; every member the whole file's, byte for byte
    pieces = [odf_stream.deflated(odf_stream.rows_xml(downloads.site_rows(p, extras))) for p in plans]
    assert all(map(odf_stream.is_deflated, pieces))
    assert [odf_stream.inflated(p) for p in pieces] == [odf_stream.rows_xml(downloads.site_rows(p, extras)) for p in plans]
    joined_ods = zipfile.ZipFile(io.BytesIO(odf_stream.one_sheet("網", "具體作法", header, iter(pieces))))
    whole_ods = zipfile.ZipFile(io.BytesIO(downloads.ods_bytes(header, rows, "網")))
    assert joined_ods.testzip() is None   # every member's CRC-32 and length hold
    assert [(i.filename, i.compress_type, i.date_time, i.external_attr) for i in joined_ods.infolist()] == \
        [(i.filename, i.compress_type, i.date_time, i.external_attr) for i in whole_ods.infolist()]
    for name in whole_ods.namelist():
        assert joined_ods.read(name) == whole_ods.read(name), name
    table = opendocument.load(io.BytesIO(odf_stream.one_sheet("網", "具體作法", header, iter(pieces))))
    assert len(table.spreadsheet.getElementsByType(odftable.TableRow)) == len(rows) + 1
    url = "https://example.gov.tw/schema/plan-download.schema.json"
    whole = (json.dumps({"schema": url, "schema_version": downloads.SCHEMA_VERSION, "plans": [
        {"agency_slug": p.agency.slug, "agency": downloads.agency_data(p.agency), "plan": p.raw,
         "columns": downloads.columns_data(p)} for p in plans]},
        ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
    assert any("\\n" in e.decode() for e in map(downloads.bundle_entry, plans)) or len(plans) < 2  # text with line breaks
    assert downloads.bundle_json(plans, url) == whole


TRICKY = [
    "<b>&amp; \"quoted\" 'single' </b>", "a < b > c & d", "  leading", "trailing  ", "several     spaces",
    "one\ntwo", "\n", "\n\nthree blank\n", "tab\there", "\t", "carriage\rreturn", "crlf\r\nend", "",
    " ", "emoji 😀👍🏽 and 長照", "ZWJ 👩‍👩‍👧", "\x00\x01\x08\x0b\x0c\x1f\x7f\x85\x9f\ufffe\uffff\U0001fffe",
    "]]> <![CDATA[ x ]]>", "&#10; &amp; &lt;", "長" * 20000, "x\n" * 500,
]


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_tricky_cell_text_is_byte_identical(value):
    _same(value, [(value, [value, "h"], [[value], [value, value, ""], []])])


@pytest.mark.parametrize("name", ["plain", "it's", 'say "hi"', "both ' and \"", "a\nb\rc\td", "<&>", ""])
def test_sheet_names_are_quoted_like_odfpy(name):
    _same("t", [(name, ["h"], [["v"]])])


def test_every_code_point_in_one_cell():
    every = "".join(chr(c) for c in range(0x110000) if c != 10)
    _same("all", [("all", ["h"], [[every]])])


@pytest.mark.parametrize("sheets", [
    [], [("empty header", [], [["a", "b"]])], [("nothing", [], [])], [("one", ["h"], [])],
    [("first", [], []), ("second", ["h", "i"], [["1"]])], [("a", ["x"], [["1"]]), ("b", ["y"], [["2", 3]])],
], ids=range(6))
def test_sheet_shapes_are_byte_identical(sheets):
    _same("shapes", sheets)


def test_the_a11y_report_shape_with_two_sheets_is_byte_identical():
    _same("無障礙自評表 WCAG 2.2（2026-11-25）", [
        ("自評表", ["成功準則", "名稱", "結果", "證明的測試"], [["1.1.1", "非文字內容", "通過", "test_a\ntest_b"]]),
        ("自動檢查", ["檢查", "問題"], [["alt", ""], ["lang", "第一\n第二"]]),
    ])


def test_the_new_ods_reads_back_with_odfpy():
    header, rows = downloads.site_table(SEED)
    doc = opendocument.load(io.BytesIO(downloads.ods_bytes(header, rows, "t")))
    read = doc.spreadsheet.getElementsByType(odftable.TableRow)
    assert len(read) == len(rows) + 1


def test_the_site_wide_ods_written_into_a_file_piece_by_piece_is_the_same_bytes(tmp_path):
    """`build` writes plans.ods straight into the staging folder, filling in content.xml's zip header
    after its last piece (5,000 plans' sheet is never held whole): the bytes one_sheet gives."""
    header, _rows = downloads.site_table(SEED + SHAPES)
    extras = downloads.site_extras(SEED + SHAPES)
    pieces = [odf_stream.deflated(odf_stream.rows_xml(downloads.site_rows(p, extras))) for p in SEED + SHAPES]
    path = tmp_path / "plans.ods"
    with open(path, "wb") as out:
        size = odf_stream.write_one_sheet(out, "網", "具體作法", header, iter(pieces))
    assert path.read_bytes() == odf_stream.one_sheet("網", "具體作法", header, iter(pieces))
    assert size == path.stat().st_size
    with zipfile.ZipFile(path) as written:
        assert written.testzip() is None
        assert written.namelist()[:3] == ["mimetype", "styles.xml", "content.xml"]
