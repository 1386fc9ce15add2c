"""The importer's file readers (`plansite.importer.sources.read_source`): every format to paragraphs
and tables with merged cells shared, every unreadable file to an `ImportFailure` in Chinese."""
from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zlib

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from odf import table as odftable, text as odftext
from odf.opendocument import OpenDocumentText
from odf.style import ListLevelProperties
from odf.text import ListLevelStyleBullet, ListLevelStyleNumber, ListStyle

from plansite import downloads, pipeline, table as table_mod
from plansite.config import load_config
from plansite.importer.source import ImportFailure, Para, Table
from plansite.importer.sources import read_source
from support import REPO


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def failure(path) -> ImportFailure:
    """The ImportFailure reading `path` raises (any other exception fails the test)."""
    with pytest.raises(ImportFailure) as caught:
        read_source(path)
    exc = caught.value
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.message), exc.message
    assert exc.hint, exc.message
    return exc


def tables(source) -> list[Table]:
    return [b for b in source.blocks if isinstance(b, Table)]


def paras(source) -> list[str]:
    return [b.text for b in source.blocks if isinstance(b, Para)]


# ---------------------------------------------------------------- .docx

def docx_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_vertically_merged_column_is_one_cell_object_in_each_row_it_covers(tmp_path):
    d = docx.Document()
    d.add_paragraph("肆、計畫內容")
    t = d.add_table(rows=4, cols=3)
    for c, title in enumerate(["工作要項", "具體作法", "業務單位"]):
        t.cell(0, c).text = title
    t.cell(1, 0).text = "一、完備基礎服務項目"
    for r in (1, 2, 3):
        t.cell(r, 1).text = f"作法{r}"
        t.cell(r, 2).text = "秘書室"
    t.cell(1, 0).merge(t.cell(3, 0))
    d.add_paragraph("伍、預期效益")
    source = read_source(write(tmp_path, "plan.docx", docx_bytes(d)))

    assert source.kind == "docx"
    assert isinstance(source.blocks[0], Para) and source.blocks[0].text == "肆、計畫內容"
    assert isinstance(source.blocks[1], Table) and source.blocks[2].text == "伍、預期效益"
    rows = source.blocks[1].rows
    assert [len(row) for row in rows] == [3, 3, 3, 3]
    assert rows[1][0] is rows[2][0] is rows[3][0]
    assert rows[1][0].paras == ["一、完備基礎服務項目"]      # the continuation cells' empty paragraphs are not added
    assert rows[1][0].where == "表格 1 第 2 列第 1 欄"
    assert len({id(rows[r][1]) for r in (1, 2, 3)}) == 3
    assert [rows[r][1].text for r in (1, 2, 3)] == ["作法1", "作法2", "作法3"]


def test_docx_spanning_cell_and_nested_table_and_dropped_empty_paragraphs(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "一、基礎服務（20分）"
    cell = t.cell(1, 1)
    cell.text = "作法"
    cell.add_paragraph("")
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "內層一"
    inner.cell(0, 1).text = "內層二"
    source = read_source(write(tmp_path, "span.docx", docx_bytes(d)))
    rows = tables(source)[0].rows
    assert rows[0][0] is rows[0][1] is rows[0][2]
    assert rows[0][0].paras == ["一、基礎服務（20分）"]
    assert rows[1][1].paras == ["作法", "內層一", "內層二"]
    assert rows[1][0].paras == []


CJK_NUMBERING = f"""
<w:abstractNum {nsdecls('w')} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="taiwaneseCountingThousand"/><w:lvlText w:val="%1、"/>
    <w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="taiwaneseCountingThousand"/><w:lvlText w:val="(%2)"/>
    <w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum>"""
BARE_NUMBERING = f"""
<w:abstractNum {nsdecls('w')} w:abstractNumId="91">
  <w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl>
  <w:lvl w:ilvl="1"><w:numFmt w:val="decimal"/></w:lvl>
  <w:lvl w:ilvl="2"><w:numFmt w:val="lowerLetter"/></w:lvl>
</w:abstractNum>"""


def numbered(d, text, num_id, level):
    p = d.add_paragraph(text)
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))
    return p


def test_docx_automatic_numbering_is_written_into_the_text(tmp_path):
    d = docx.Document()
    numbering = d.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    for xml, abstract_id, num_id in ((CJK_NUMBERING, 90, 90), (BARE_NUMBERING, 91, 91)):
        node = parse_xml(xml)
        if first_num is not None:
            first_num.addprevious(node)      # abstractNum definitions come before the num elements
        else:
            numbering.append(node)
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                                   f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'))
    numbered(d, "計畫依據", 90, 0)
    numbered(d, "法規", 90, 1)
    numbered(d, "細目", 90, 2)
    numbered(d, "細目二", 90, 2)
    numbered(d, "函示", 90, 1)
    numbered(d, "計畫目標", 90, 0)
    numbered(d, "重新起算", 90, 1)
    numbered(d, "甲", 91, 0)
    numbered(d, "乙", 91, 1)
    numbered(d, "丙", 91, 2)
    d.add_paragraph("清單樣式", style="List Number")   # numbering through the style, from the default template
    source = read_source(write(tmp_path, "numbers.docx", docx_bytes(d)))
    assert paras(source)[:10] == ["一、計畫依據", "(一)法規", "1. 細目", "2. 細目二", "(二)函示", "二、計畫目標",
                                  "(一)重新起算", "1. 甲", "(1) 乙", "a. 丙"]
    assert paras(source)[10].endswith("清單樣式") and paras(source)[10][0].isdigit()
    assert [b.where for b in source.blocks][:2] == ["第 1 段", "第 2 段"]


def test_a_corrupted_docx_says_it_looks_like_a_damaged_word_document(tmp_path):
    d = docx.Document()
    d.add_paragraph("內容" * 200)
    data = docx_bytes(d)
    exc = failure(write(tmp_path, "cut.docx", data[: len(data) // 2]))
    assert "Word 文件" in exc.message and "損壞" in exc.message
    # a whole ZIP without the main part
    buf = io.BytesIO()
    with zipfile_writer(buf) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("docProps/app.xml", "<x/>")
    exc = failure(write(tmp_path, "parts.docx", buf.getvalue()))
    assert "word/document.xml" in exc.message
    # the main part is there but is not XML
    buf = io.BytesIO()
    with zipfile_writer(buf) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document")
    exc = failure(write(tmp_path, "xml.docx", buf.getvalue()))
    assert "Word 文件（.docx）" in exc.message


def zipfile_writer(buf):
    import zipfile

    return zipfile.ZipFile(buf, "w")


@pytest.fixture(scope="module")
def soffice_profile(tmp_path_factory):
    # scripts/test.sh installs libreoffice-writer-nogui; a missing soffice fails here, never skips
    assert shutil.which("soffice"), "LibreOffice (soffice) is not installed: run scripts/test.sh"
    return tmp_path_factory.mktemp("lo-profile")


def test_a_legacy_doc_file_is_refused_with_save_as_advice(tmp_path, soffice_profile):
    d = docx.Document()
    d.add_paragraph("114年度提升服務計畫")
    source = write(tmp_path, "plan.docx", docx_bytes(d))
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={soffice_profile.as_uri()}",
                    "--convert-to", "doc", "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=120)
    legacy = tmp_path / "out" / "plan.doc"
    assert legacy.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    exc = failure(legacy)
    assert "舊版 Word 文件（.doc" in exc.message
    assert "另存新檔" in exc.hint and ".docx" in exc.hint
    renamed = write(tmp_path, "renamed.docx", legacy.read_bytes())     # the content decides, not the name
    assert "舊版 Word 文件" in failure(renamed).message


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors, every stream padded to 4096 bytes)."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat = [fat_sector, end]                     # sector 0: the FAT, sector 1: the directory
    entries = [("Root Entry", 5, 1, end, 0)]
    data = b""
    for index, (name, content) in enumerate(streams.items()):
        content = content.ljust(4096, b"\0")
        start, count = len(fat), len(content) // 512
        fat += list(range(start + 1, start + count)) + [end]
        nxt = index + 2 if index + 1 < len(streams) else free
        entries.append((name, 2, free, start, len(content), nxt))
        data += content
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0))
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    directory = b""
    for entry in entries:
        name, kind, child, start, size = entry[:5]
        right = entry[5] if len(entry) > 5 else free
        encoded = (name + "\0").encode("utf-16-le")
        directory += (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                      + struct.pack("<III", free, right, child) + b"\0" * 36 + struct.pack("<IQ", start, size))
    directory = directory.ljust(512, b"\0")
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    return header + fat_bytes + directory + data


def test_a_password_protected_office_file_says_so(tmp_path):
    encrypted = compound_file({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x10" * 64})
    exc = failure(write(tmp_path, "secret.docx", encrypted))
    assert "密碼保護" in exc.message
    assert "另存新檔" in exc.hint


# ---------------------------------------------------------------- .odt

def odt_bytes(document) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_odt_spanned_and_covered_cells_repeats_and_lists(tmp_path):
    d = OpenDocumentText()
    numbers = ListStyle(name="Numbers")
    for level, fmt, prefix, suffix in ((1, "一, 二, 三, ...", "", "、"), (2, "1", "(", ")")):
        style = ListLevelStyleNumber(level=level, numformat=fmt, numprefix=prefix, numsuffix=suffix)
        style.addElement(ListLevelProperties())
        numbers.addElement(style)
    bullets = ListStyle(name="Bullets")
    bullets.addElement(ListLevelStyleBullet(level=1, bulletchar="•"))
    d.automaticstyles.addElement(numbers)
    d.automaticstyles.addElement(bullets)
    d.text.addElement(odftext.H(outlinelevel=1, text="壹、計畫依據"))
    d.text.addElement(odftext.P(text=""))

    def make_list(style, items):
        lst = odftext.List(stylename=style) if style else odftext.List()
        for text, children in items:
            item = odftext.ListItem()
            item.addElement(odftext.P(text=text))
            if children:
                item.addElement(make_list(None, [(c, None) for c in children]))
            lst.addElement(item)
        return lst

    d.text.addElement(make_list("Numbers", [("依據甲", ["細則一", "細則二"]), ("依據乙", None)]))
    d.text.addElement(make_list(None, [("未定樣式", ["第二層"])]))
    d.text.addElement(make_list("Bullets", [("項目符號", None)]))

    t = odftable.Table(name="計畫內容")
    t.addElement(odftable.TableColumn(numbercolumnsrepeated=3))

    def row(*cells):
        tr = odftable.TableRow()
        for cell in cells:
            tr.addElement(cell)
        t.addElement(tr)

    def cell(text="", **attrs):
        c = odftable.TableCell(**attrs)
        if text:
            for line in text.split("\n"):
                c.addElement(odftext.P(text=line))
        return c

    row(cell("工作要項"), cell("具體作法"), cell("業務單位"), cell(numbercolumnsrepeated=1024))
    row(cell("一、完備基礎服務", numberrowsspanned=3), cell("作法一\n\n作法一續"), cell("秘書室"))
    row(odftable.CoveredTableCell(), cell("作法二"), cell("民政課"))
    row(odftable.CoveredTableCell(), cell("作法三", numbercolumnsspanned=2), odftable.CoveredTableCell())
    row(cell("重複", numbercolumnsrepeated=2), cell("尾"))
    empty = odftable.TableRow(numberrowsrepeated=1048576)
    empty.addElement(cell(numbercolumnsrepeated=1024))
    t.addElement(empty)
    d.text.addElement(t)
    source = read_source(write(tmp_path, "plan.odt", odt_bytes(d)))

    assert source.kind == "odt"
    assert paras(source) == ["壹、計畫依據", "一、依據甲", "(1) 細則一", "(2) 細則二", "二、依據乙",
                             "1. 未定樣式", "(1) 第二層", "項目符號"]
    rows = tables(source)[0].rows
    assert [len(r) for r in rows] == [3, 3, 3, 3, 3, 3]         # padding columns and rows trimmed, one empty row kept
    assert rows[1][0] is rows[2][0] is rows[3][0]
    assert rows[1][0].paras == ["一、完備基礎服務"] and rows[1][0].where == "表格 1 第 2 列第 1 欄"
    assert rows[1][1].paras == ["作法一", "作法一續"]
    assert rows[3][1] is rows[3][2] and rows[3][1].text == "作法三"
    assert rows[4][0] is not rows[4][1] and rows[4][0].text == rows[4][1].text == "重複"


@pytest.fixture(scope="module")
def seed_plans():
    config = load_config(REPO / "site.toml")
    return {plan.agency.slug: plan for plan in pipeline.check(config).content.plans}


def test_the_sites_own_odt_comes_back_as_a_grid_with_shared_pillar_cells(tmp_path, seed_plans):
    plan = seed_plans["penghu-social-affairs"]
    built = table_mod.build_table(plan)
    source = read_source(write(tmp_path, "site.odt", downloads.odt_bytes(plan, built)))
    table = tables(source)[0]
    assert {len(row) for row in table.rows} == {len(built.columns)}
    assert [c.text for c in table.rows[0]] == [title for _, title in built.columns]
    pillar = table.rows[1][0]
    covered = [r for r, row in enumerate(table.rows) if row[0] is pillar]
    assert len(covered) > 3 and covered == list(range(1, 1 + len(covered)))   # one cell down the pillar's rows
    assert pillar.text.startswith("基礎服務")
    assert paras(source)[0] == plan.full_title


def test_a_damaged_odt_is_reported_as_an_odt(tmp_path):
    d = OpenDocumentText()
    d.text.addElement(odftext.P(text="內容" * 500))
    data = odt_bytes(d)
    assert "ODT" in failure(write(tmp_path, "cut.odt", data[: len(data) - 200])).message
    buf = io.BytesIO()
    with zipfile_writer(buf) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content")
    assert "ODT 文件" in failure(write(tmp_path, "broken.odt", buf.getvalue())).message


# ---------------------------------------------------------------- PDF

def pdf_bytes(pages: list[list[tuple]]) -> bytes:
    """A PDF drawn by hand: ("text", x, top, string) in a CID font whose ToUnicode maps each
    code to the same code point (so Kangxi radicals come out as such), ("box", x0, top, x1, bottom)
    stroked rectangles (pdfplumber's table rules). A4, 10 pt text, coordinates from the top."""
    height = 842
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    highs = sorted({ord(ch) >> 8 for page in pages for item in page if item[0] == "text" for ch in item[3]})
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (UCS) /Supplement 0 >> def /CMapName /Test-UCS def /CMapType 2 def 1 begincodespacerange "
            f"<0000> <FFFF> endcodespacerange {len(highs)} beginbfrange "
            + " ".join(f"<{h:02X}00> <{h:02X}FF> <{h:02X}00>" for h in highs)
            + " endbfrange endcmap CMapName currentdict /CMap defineresource pop end end").encode()
    to_unicode = add(b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream")
    descriptor = add(b"<< /Type /FontDescriptor /FontName /TestCJK /Flags 4 /FontBBox [0 -120 1000 880] "
                     b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
    cid = add(b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /TestCJK /CIDSystemInfo << /Registry (Adobe) "
              b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor %d 0 R /DW 1000 >>" % descriptor)
    font = add(b"<< /Type /Font /Subtype /Type0 /BaseFont /TestCJK /Encoding /Identity-H "
               b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (cid, to_unicode))
    page_ids = []
    pages_id = len(objects) + 2 * len(pages) + 1
    for page in pages:
        ops = []
        for item in page:
            if item[0] == "text":
                _, x, top, string = item
                code = "".join(f"{ord(ch):04X}" for ch in string)
                ops.append(f"BT /F1 10 Tf {x} {height - top - 9} Td <{code}> Tj ET")
            else:
                _, x0, top, x1, bottom = item
                ops.append(f"0.5 w {x0} {height - bottom} {x1 - x0} {bottom - top} re S")
        stream = zlib.compress("\n".join(ops).encode())
        content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (pages_id, content, font)))
    add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % p for p in page_ids), len(page_ids)))
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref)
    return bytes(out)


def cells(top, bottom, *columns):
    """Boxes and first-line text for one table row: columns are (x0, x1, text or None for no box)."""
    items = []
    for x0, x1, text in columns:
        items.append(("box", x0, top, x1, bottom))
        for n, line in enumerate((text or "").split("\n")):
            if line:
                items.append(("text", x0 + 4, top + 4 + 14 * n, line))
    return items


A, B, C, D = 50, 150, 400, 520       # column rules


def two_page_table() -> bytes:
    """A plan table over two pages as Chromium prints it: page text inside the table frame,
    a pillar cell over three rows, a row split by the page break, the header repeated."""
    title = ("text", 60, 30, "⾼雄市政府測試計畫")
    page1 = [title, title,                                          # printed twice, on two layers
             ("box", A, 50, D, 120), ("text", A + 4, 60, "壹、計畫依據"), ("text", A + 4, 80, "⼀、市府實施計畫。"),
             *cells(120, 140, (A, B, "工作要項"), (B, C, "具體作法"), (C, D, "業務單位")),
             ("box", A, 140, B, 800), ("text", A + 4, 144, "一、完備基礎服務"),
             *cells(140, 300, (B, C, "作法一"), (C, D, "秘書室")),
             *cells(300, 800, (B, C, "作法二第一行\n作法二第二行"), (C, D, "民政課")),
             ("text", 280, 810, "第 1 頁，共 2 頁")]
    page2 = [*cells(50, 70, (A, B, "工作要項"), (B, C, "具體作法"), (C, D, "業務單位")),
             ("box", A, 70, B, 200),
             *cells(70, 100, (B, C, "作法二第三行"), (C, D, None)),
             *cells(100, 200, (B, C, "作法三"), (C, D, "社會課")),
             ("text", 60, 220, "伍、預期效益"),
             ("text", 280, 810, "第 2 頁，共 2 頁")]
    return pdf_bytes([page1, page2])


def test_pdf_table_over_two_pages_is_one_grid_with_mended_text(tmp_path):
    source = read_source(write(tmp_path, "plan.pdf", two_page_table()))
    assert source.kind == "pdf"
    assert paras(source) == ["高雄市政府測試計畫", "壹、計畫依據", "一、市府實施計畫。",
                             "第 1 頁，共 2 頁", "伍、預期效益", "第 2 頁，共 2 頁"]
    assert [type(b).__name__ for b in source.blocks] == ["Para"] * 3 + ["Table"] + ["Para"] * 3
    rows = tables(source)[0].rows
    assert [[c.text for c in row] for row in rows] == [
        ["工作要項", "具體作法", "業務單位"],
        ["一、完備基礎服務", "作法一", "秘書室"],
        ["一、完備基礎服務", "作法二第一行\n作法二第二行\n作法二第三行", "民政課"],
        ["一、完備基礎服務", "作法三", "社會課"]]
    assert rows[1][0] is rows[2][0] is rows[3][0]               # the pillar cell, over the page break too
    assert rows[2][1].paras == ["作法二第一行", "作法二第二行", "作法二第三行"]   # visual lines, not joined
    assert rows[3][1].where == "表格 1 第 4 列第 2 欄（第 2 頁）"
    repairs = "\n".join(source.repairs)
    assert "第 1 頁：2 個康熙部首" in repairs and "「⾼」改為「高」" in repairs
    assert "第 1 頁：重疊印出的重複文字已去掉（共 9 個字元）" in repairs
    assert "第 1–2 頁：跨頁的表格已合併為表格 1，略去 1 個重複的表頭列" in repairs
    assert "第 2 頁：跨頁斷開的表格列已接回上一頁" in repairs
    assert "第 1 頁：表格框線內整列橫跨的文字" in repairs


def test_pdf_next_page_row_that_starts_after_a_finished_row_is_not_joined(tmp_path):
    page1 = [*cells(50, 70, (A, B, "工作要項"), (B, C, "具體作法"), (C, D, "業務單位")),
             ("box", A, 70, B, 800), ("text", A + 4, 74, "一、完備基礎服務"),
             *cells(70, 700, (B, C, "作法一"), (C, D, "秘書室")),
             ("box", B, 700, D, 800)]                              # empty space below the last row, in the pillar's frame
    page2 = [*cells(50, 70, (A, B, "工作要項"), (B, C, "具體作法"), (C, D, "業務單位")),
             *cells(70, 100, (A, B, None), (B, C, "作法二"), (C, D, "民政課"))]
    source = read_source(write(tmp_path, "rows.pdf", pdf_bytes([page1, page2])))
    rows = tables(source)[0].rows
    assert [[c.text for c in row] for row in rows] == [
        ["工作要項", "具體作法", "業務單位"],
        ["一、完備基礎服務", "作法一", "秘書室"],
        ["一、完備基礎服務", "作法二", "民政課"]]
    assert rows[1][0] is rows[2][0] and rows[1][1] is not rows[2][1]
    assert not any("跨頁斷開" in r for r in source.repairs)


def test_pdf_cell_cut_mid_sentence_goes_on_while_the_next_row_starts_afresh(tmp_path):
    """Word and LibreOffice draw every last-row cell to the page's end: only the text tells a
    merged cell cut mid-sentence (the item) from the new row beside it (measure, unit)."""
    a, b, c, d, e = 50, 120, 300, 480, 540
    header = cells(50, 70, (a, b, "工作要項"), (b, c, "工作重點"), (c, d, "具體作法"), (d, e, "業務單位"))
    page1 = [*header, *cells(70, 800, (a, b, "一、基礎服務"),
                             (b, c, "(三)注重服務人員的禮貌態度，提高民\n眾臨櫃洽公或網站使用的便利性，建置"),
                             (c, d, "1.推動宣導員工服務禮貌運動。"), (d, e, "秘書室"))]
    page2 = [*header, *cells(70, 200, (a, b, None), (b, c, "合宜的服務環境。"), (c, d, "2.推動起身招呼運動。"),
                             (d, e, "各課室"))]
    source = read_source(write(tmp_path, "cut.pdf", pdf_bytes([page1, page2])))
    rows = tables(source)[0].rows
    assert len(rows) == 3
    assert rows[1][0] is rows[2][0] and rows[1][1] is rows[2][1]
    assert rows[2][1].paras[-1] == "合宜的服務環境。"
    assert [c.text for c in rows[2][2:]] == ["2.推動起身招呼運動。", "各課室"]
    assert any(r.startswith("第 2 頁：跨頁斷開") for r in source.repairs)


def test_a_scanned_pdf_without_text_layer_is_refused(tmp_path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(buf, "PDF")
    exc = failure(write(tmp_path, "scan.pdf", buf.getvalue()))
    assert "掃描影像" in exc.message and "OCR" in exc.hint


def test_an_encrypted_pdf_asks_for_the_password_to_be_removed(tmp_path):
    import pypdf
    import pdfplumber

    plain = pdf_bytes([[("text", 60, 30, "計畫內容")]])
    for user, expect_failure in (("secret", True), ("", False)):
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(plain)))
        writer.encrypt(user_password=user, owner_password="owner", algorithm="AES-128")
        buf = io.BytesIO()
        writer.write(buf)
        path = write(tmp_path, f"locked-{bool(user)}.pdf", buf.getvalue())
        if expect_failure:
            exc = failure(path)
            assert "密碼" in exc.message and "移除密碼保護或另存為未加密的 PDF" in exc.hint
            with pdfplumber.open(path, password=user) as pdf:     # a real encrypted PDF, readable with its password
                assert "計畫內容" in pdf.pages[0].extract_text()
        else:                                                    # only an owner password: readable
            assert paras(read_source(path)) == ["計畫內容"]


def test_a_damaged_pdf_is_reported_as_a_pdf(tmp_path):
    exc = failure(write(tmp_path, "bad.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\n%%EOF\n" + b"\x00garbage" * 10))
    assert "PDF" in exc.message
    cut = two_page_table()
    exc = failure(write(tmp_path, "cut.pdf", cut[: len(cut) // 3]))
    assert "PDF" in exc.message


# ---------------------------------------------------------------- text and other files

def test_big5_text_file_is_read_line_by_line_with_blank_lines_kept(tmp_path):
    text = "高雄市政府\r\n114年度提升服務計畫\r\n\r\n壹、計畫依據\r\n"
    source = read_source(write(tmp_path, "plan.txt", text.encode("cp950")))
    assert source.kind == "text"
    assert [(b.text, b.where) for b in source.blocks] == [
        ("高雄市政府", "第 1 行"), ("114年度提升服務計畫", "第 2 行"), ("", "第 3 行"), ("壹、計畫依據", "第 4 行")]
    assert any("Big5" in r for r in source.repairs)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_unicode_text_with_bom_or_without_and_kangxi_radicals_mended(tmp_path, encoding):
    data = "⾼雄市⺠政局\r（一）說明：全形標點不變\r".encode(encoding)
    source = read_source(write(tmp_path, "plan.txt", data))
    assert paras(source) == ["高雄市民政局", "（一）說明：全形標點不變"]
    assert source.repairs == ["全文：2 個康熙部首或相容字元已改為一般漢字（如「⾼」改為「高」）；"
                              "2 Kangxi radical / compatibility characters replaced by ordinary ones."]


def test_seed_text_files_are_read_as_lines(tmp_path):
    for seed in sorted((REPO / "tests" / "seeds").glob("*.txt")):
        source = read_source(seed)
        assert source.kind == "text"
        assert len(source.blocks) == len(seed.read_text(encoding="utf-8").splitlines())


def test_a_saved_web_page_is_read_as_text_lines(tmp_path):
    page = ("<!DOCTYPE html><html><head><title>標題</title><style>p{color:red}</style></head><body>"
            "<h1>114年度提升服務計畫</h1><p>壹、計畫依據<br>一、市府計畫。</p><script>var x = '不要';</script>"
            "<ol><li>第一</li><li>第二</li></ol>"
            "<table><tr><th>工作要項</th><th>具體作法</th></tr><tr><td>一、基礎</td><td>作法 &amp; 說明</td></tr></table>"
            "</body></html>")
    source = read_source(write(tmp_path, "saved.html", page.encode("utf-8")))
    assert paras(source) == ["114年度提升服務計畫", "壹、計畫依據", "一、市府計畫。", "1. 第一", "2. 第二",
                             "工作要項\t具體作法", "一、基礎\t作法 & 說明"]
    assert any("網頁" in r for r in source.repairs)


@pytest.mark.parametrize("content", [b"", b"  \r\n\t\n", "\ufeff\u3000\n".encode("utf-8")])
def test_an_empty_file_is_refused(tmp_path, content):
    assert "空的" in failure(write(tmp_path, "empty.txt", content)).message


def test_binary_files_are_refused_naming_what_they_seem_to_be(tmp_path):
    exc = failure(write(tmp_path, "data.bin", bytes(range(256)) * 4))
    assert "不是文字檔" in exc.message or "無法以 UTF-8" in exc.message
    exc = failure(write(tmp_path, "nul.txt", b"abc\x00def\x00" * 20))
    assert "不是文字檔" in exc.message
    exc = failure(write(tmp_path, "bad.txt", "計畫".encode("utf-8") + b"\xff\xfe\xfa" + b"x" * 10))
    assert "第 7 個位元組" in exc.message
    assert "PNG 圖片" in failure(write(tmp_path, "scan.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 50)).message
    buf = io.BytesIO()
    with zipfile_writer(buf) as z:
        z.writestr("notes.txt", "x")
    assert "ZIP 壓縮檔" in failure(write(tmp_path, "files.zip", buf.getvalue())).message
    buf = io.BytesIO()
    with zipfile_writer(buf) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert "Excel" in failure(write(tmp_path, "plan.docx", buf.getvalue())).message
    assert "RTF" in failure(write(tmp_path, "plan.rtf", b"{\\rtf1\\ansi hello}")).message


def test_a_missing_file_is_an_import_failure(tmp_path):
    assert "無法開啟" in failure(tmp_path / "nowhere.docx").message
