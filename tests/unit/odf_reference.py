"""The odfpy routes the site used before odf_stream, kept as the references the streamed writers are
compared with (tests/unit/test_ods_writer.py, test_odt_writer.py). Never used by the site."""
from __future__ import annotations

import io
import zipfile

from odf import dc, element, opendocument, style, table as odftable, text as odftext
from odf.opendocument import OpenDocument

from plansite import frameworks, load, odf_stream
from plansite.downloads import _cell_text, _paragraphs
from plansite.errors import Problems
from plansite.model import Plan
from plansite.site import number_label


def assert_same_package(new: bytes, old: bytes) -> None:
    """Two ODF files are byte-identical; if not, the failure names the first differing member."""
    if new != old:
        a, b = zipfile.ZipFile(io.BytesIO(new)), zipfile.ZipFile(io.BytesIO(old))
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name).decode() == b.read(name).decode(), name
    assert new == old


def plans(plans_dir):
    """The plans of a folder, loaded without error (the seeds, the shape fixtures)."""
    from support import REPO  # noqa: PLC0415 - tests/ is on the path when tests run

    problems = Problems()
    content = load.load_content(plans_dir, frameworks.load_frameworks(REPO / "frameworks", problems), problems)
    assert not problems.errors
    return content.plans


def fresh_namespaces(write, warm_plan):
    """Run `write` with odfpy's namespace table as a build leaves it after its first ODT.

    odfpy declares on each root element every namespace the process has met so far (a class-level
    table, in first-use order), so its bytes depend on what ran before: the first document of a
    process lacks three unused declarations (chart, draw, presentation) in styles.xml. A build writes
    a plan's ODT first; the streamed writers declare all namespaces in the order that leaves."""
    from plansite.table import build_table  # noqa: PLC0415

    saved = dict(element.Element.namespaces)
    element.Element.namespaces.clear()
    try:
        odt_bytes(warm_plan, build_table(warm_plan))
        return write()
    finally:
        element.Element.namespaces.clear()
        element.Element.namespaces.update(saved)


def odt_bytes(plan: Plan, table) -> bytes:
    """The plan as a text document: title, numbered section headings, lists, and a real table."""
    doc = opendocument.OpenDocumentText()
    _meta(doc, plan.full_title)
    h_styles = {}
    for level, size in ((1, "16pt"), (2, "13pt"), (3, "12pt")):
        st = style.Style(name=f"Heading_20_{level}", displayname=f"Heading {level}", family="paragraph",
                         defaultoutlinelevel=str(level))
        st.addElement(style.TextProperties(fontsize=size, fontweight="bold", fontsizeasian=size, fontweightasian="bold"))
        st.addElement(style.ParagraphProperties(margintop="0.3cm", marginbottom="0.2cm"))
        doc.styles.addElement(st)
        h_styles[level] = st
    cell_style = style.Style(name="Cell", family="table-cell")
    cell_style.addElement(style.TableCellProperties(border="0.5pt solid #000000", padding="0.1cm"))
    head_style = style.Style(name="HeadCell", family="table-cell")
    head_style.addElement(style.TableCellProperties(border="0.5pt solid #000000", padding="0.1cm",
                                                    backgroundcolor="#e6e6e6"))
    doc.automaticstyles.addElement(cell_style)
    doc.automaticstyles.addElement(head_style)

    body = doc.text
    body.addElement(odftext.H(outlinelevel=1, stylename=h_styles[1], text=plan.full_title))
    for line in plan.approval.lines if plan.approval else []:
        body.addElement(odftext.P(text=line))
    tabled = False
    for index, section in enumerate(plan.sections, 1):
        body.addElement(odftext.H(outlinelevel=2, stylename=h_styles[2], text=f"{number_label(index, 'cjk-upper')}{section.title}"))
        for para in _paragraphs(section.body):
            body.addElement(odftext.P(text=para))
        if section.has_content:
            body.addElement(_odt_table(table, plan, cell_style, head_style, doc))
            tabled = True
    if not tabled:
        body.addElement(odftext.H(outlinelevel=2, stylename=h_styles[2], text="附表：計畫內容"))
        if plan.note:
            body.addElement(odftext.P(text=plan.note))
        body.addElement(_odt_table(table, plan, cell_style, head_style, doc))
    return _save(doc)


def _odt_table(table, plan: Plan, cell_style, head_style, doc):
    t = odftable.Table(name="計畫內容")
    widths = {"c-item": 2.6, "c-focus": 3.4, "c-sub": 2.6, "c-unit": 2.6, "c-deadline": 2.2}
    wide = [cid for cid, _ in table.columns if cid not in widths]   # the measure, result and extra columns share the rest
    fixed = sum(widths.get(cid, 0) for cid, _ in table.columns)
    for index, (cid, _title) in enumerate(table.columns):
        col_style = style.Style(name=f"Col{index}", family="table-column")
        width = widths.get(cid, max(17.0 - fixed, 3.0 * len(wide)) / len(wide))
        col_style.addElement(style.TableColumnProperties(columnwidth=f"{width:.1f}cm"))
        doc.automaticstyles.addElement(col_style)
        t.addElement(odftable.TableColumn(stylename=col_style))
    header = odftable.TableHeaderRows()
    tr = odftable.TableRow()
    for _id, title in table.columns:
        cell = odftable.TableCell(stylename=head_style, valuetype="string")
        cell.addElement(odftext.P(text=title))
        tr.addElement(cell)
    header.addElement(tr)
    t.addElement(header)
    covered = [0] * len(table.columns)   # rows still covered by a rowspan, per column
    for body in table.bodies:
        for row in body.rows:
            tr = odftable.TableRow()
            cells = iter(row)
            skip = 0
            for col in range(len(table.columns)):
                if skip:
                    skip -= 1
                    tr.addElement(odftable.CoveredTableCell())
                    continue
                if covered[col]:
                    covered[col] -= 1
                    tr.addElement(odftable.CoveredTableCell())
                    continue
                cell = next(cells, None)
                if cell is None:
                    tr.addElement(odftable.TableCell(stylename=cell_style))
                    continue
                attrs = {"stylename": cell_style, "valuetype": "string"}
                if cell.rowspan > 1:
                    attrs["numberrowsspanned"] = cell.rowspan
                    covered[col] = cell.rowspan - 1
                if cell.colspan > 1:   # a pillar heading across the table: the next columns are covered
                    attrs["numbercolumnsspanned"] = cell.colspan
                    skip = cell.colspan - 1
                odf_cell = odftable.TableCell(**attrs)
                for line in _cell_text(cell, plan):
                    odf_cell.addElement(odftext.P(text=line))
                tr.addElement(odf_cell)
            t.addElement(tr)
    return t


def _meta(doc: OpenDocument, title: str) -> None:
    doc.meta.addElement(dc.Title(text=title))
    doc.meta.addElement(dc.Language(text="zh-TW"))


def _save(doc: OpenDocument) -> bytes:
    """The ODF package with fixed timestamps and generator, so identical input gives identical bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    source = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    members = []
    for info in source.infolist():
        data = source.read(info.filename)
        members.append((info.filename, _strip_volatile_meta(data) if info.filename == "meta.xml" else data))
    return odf_stream.package(members)


def _strip_volatile_meta(data: bytes) -> bytes:
    import re

    text = data.decode("utf-8")
    text = re.sub(r"<meta:creation-date>[^<]*</meta:creation-date>", "", text)
    text = re.sub(r"<dc:date>[^<]*</dc:date>", "", text)
    text = re.sub(r"<meta:generator>[^<]*</meta:generator>", "<meta:generator>plansite</meta:generator>", text)
    return text.encode("utf-8")
