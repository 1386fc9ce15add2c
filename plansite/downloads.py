"""Open-data downloads of each plan and of the whole site: JSON, CSV (UTF-8 with BOM), ODS, ODT.

Rows: one per measure (具體作法), in document order, with the opening row first.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from . import markdown, odf_stream
from .model import Agency, Plan
from .site import FIELDS, number_label
from .table import visible_columns

SCHEMA_VERSION = 1
COLUMNS = [name for name, _text in FIELDS]   # the whole site's CSV/ODS: the same columns for every plan


@dataclass
class Record:
    """One measure (具體作法) with everything a download row needs, in document order."""
    pillar_code: str
    pillar: str
    item_code: str
    item: str
    group: str
    number: str
    text: str
    units: str
    deadline: str
    status: str
    result: str
    extra: dict[str, str]


def records(plan: Plan) -> list[Record]:
    out = []
    o = plan.opening
    if o and not o.pillar:
        out += [_record(m, "", o.title, "", o.focus, "") for m in o.measures]
    for pillar in plan.pillars:
        if o and o.pillar == pillar.code:   # the opening as the pillar's sub-item (一)
            out += [_record(m, pillar.code, pillar.title, "", o.title, "") for m in o.measures]
        for item in pillar.items:
            for group in item.groups:
                out += [_record(m, pillar.code, pillar.title, item.code, item.title, group.heading) for m in group.measures]
    return out


def _record(m, pillar_code, pillar, item_code, item, group) -> Record:
    return Record(pillar_code, pillar, item_code, item, group, m.number, m.plain,
                  "、".join(u.name for u in m.units), m.deadline, m.status, markdown.plain_text(m.result) if m.result else "",
                  {k: markdown.plain_text(v) for k, v in m.extra.items()})


def site_table(plans: list[Plan]) -> tuple[list[str], list[list[str]]]:
    """The whole site's rows under the standard columns, then every extra column title any plan declares."""
    extras = site_extras(plans)
    return COLUMNS + extras, [row for plan in plans for row in site_rows(plan, extras)]


def site_extras(plans: list[Plan]) -> list[str]:
    """The whole site's extra columns: every extra column title any plan declares, in first-seen order."""
    extras: list[str] = []
    for plan in plans:
        for col in plan.columns:
            if col.extra and col.title not in extras:
                extras.append(col.title)
    return extras


def site_rows(plan: Plan, extras: list[str]) -> list[list[str]]:
    """One plan's rows of the whole-site table (site_table), under the site's extra columns."""
    agency = plan.agency
    base = [agency.full_name, agency.slug, str(plan.year), plan.title]
    approval = "；".join(plan.approval.lines) if plan.approval else ""
    titles = {c.key: c.title for c in plan.columns if c.extra}
    rows = []
    for r in records(plan):
        by_title = {titles[k]: v for k, v in r.extra.items()}
        rows.append(base + [r.pillar_code, r.pillar, r.item_code, r.item, r.group, r.number, r.text, r.units,
                            r.deadline, r.status, r.result, approval] + [by_title.get(t, "") for t in extras])
    return rows


def plan_table(plan: Plan) -> tuple[list[str], list[list[str]]]:
    """One plan's rows under its own columns, in its order and words, after the columns that identify a row."""
    fw = plan.framework
    cols = visible_columns(plan)
    keys = [c.key for c in cols]
    header = ["機關", "機關代稱", "年度", "計畫名稱"] + (["核備"] if plan.approval else []) + ["構面代碼", "服務項目代碼"]
    getters = []
    for col in cols:
        if col.key in ("item", "focus") and ("item" in keys) != ("focus" in keys):   # one column holds both
            header += [f"{col.title}（{fw.levels[0].name}）", col.title]
            getters += [lambda r: r.pillar, lambda r: r.item]
            continue
        if col.key == "measure":
            recs = records(plan)
            if "sub" not in keys and any(r.group for r in recs):
                header.append("分組")
                getters.append(lambda r: r.group)
            header.append("編號")
            getters.append(lambda r: r.number)
        if col.key == "result":
            header.append("執行狀態")
            getters.append(lambda r: r.status)
        header.append(col.title)
        getters.append(_getter(col.key))
    agency = plan.agency
    base = [agency.full_name, agency.slug, str(plan.year), plan.title] + (
        ["；".join(plan.approval.lines)] if plan.approval else [])
    rows = [base + [r.pillar_code, r.item_code] + [g(r) for g in getters] for r in records(plan)]
    return header, rows


def _getter(key: str):
    simple = {"item": "pillar", "focus": "item", "sub": "group", "measure": "text", "unit": "units",
              "deadline": "deadline", "result": "result"}
    if key in simple:
        return lambda r: getattr(r, simple[key])
    return lambda r: r.extra.get(key, "")


def columns_data(plan: Plan) -> list[dict]:
    """The table's columns as the plan shows them, for the JSON downloads."""
    return [{"key": c.key, "title": c.title} for c in visible_columns(plan)]


def agency_data(agency: Agency) -> dict:
    data = {"name": agency.name, "full_name": agency.full_name, "government": agency.government,
            "units": [{"name": u.name, "slug": u.slug} for u in agency.units]}
    if agency.parents:   # as agency.yaml writes it: one level as text, several as a list, top first
        data["parent"] = agency.parents[0] if len(agency.parents) == 1 else list(agency.parents)
    if agency.contact:
        data["contact"] = dict(agency.contact)
    return data


def plan_json(plan: Plan, schema_url: str) -> bytes:
    """The plan exactly as validated (plan.schema.json), with its agency (agency.schema.json) and table columns."""
    doc = {"schema": schema_url, "schema_version": SCHEMA_VERSION, "agency_slug": plan.agency.slug,
           "agency": agency_data(plan.agency), "plan": plan.raw, "columns": columns_data(plan)}
    return _json(doc)


def bundle_json(plans: list[Plan], schema_url: str) -> bytes:
    """Every plan as plan_json gives it, in one file (plans.json)."""
    return bundle_from([bundle_entry(p) for p in plans], schema_url)


def bundle_entry(plan: Plan) -> bytes:
    """One plan's part of bundle_json, as it stands in that file (indented under "plans"): the whole
    file is these parts joined, so an unchanged plan's part can be kept from the last build."""
    entry = json.dumps({"agency_slug": plan.agency.slug, "agency": agency_data(plan.agency), "plan": plan.raw,
                        "columns": columns_data(plan)}, ensure_ascii=False, sort_keys=True, indent=2)
    return ("    " + entry.replace("\n", "\n    ")).encode("utf-8")   # JSON text holds no raw newline but these


def bundle_from(entries, schema_url: str) -> bytes:
    """bundle_json from its plans' parts (bundle_entry), the bytes json.dumps gives for the whole."""
    return b"".join(bundle_pieces(entries, schema_url))


def bundle_pieces(entries, schema_url: str):
    """bundle_from's bytes in pieces, each plan's part as it comes (the file is written as it is joined)."""
    tail = (f'"schema": {json.dumps(schema_url, ensure_ascii=False)},\n  "schema_version": {SCHEMA_VERSION}\n}}\n'
            ).encode("utf-8")
    first = True
    for entry in entries:
        if first and not entry:
            continue
        yield (b'{\n  "plans": [\n' if first else b",\n") + entry
        first = False
    yield b'{\n  "plans": [],\n  ' + tail if first else b"\n  ],\n  " + tail


def _json(doc) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")


def csv_bytes(header: list[str], all_rows: list[list[str]]) -> bytes:
    return b"\xef\xbb\xbf" + csv_rows([header, *all_rows])   # BOM: Excel on Windows reads UTF-8


def csv_rows(rows: list[list[str]]) -> bytes:
    """Rows as CSV lines (csv_bytes is the BOM and these, header first)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def ods_bytes(header: list[str], all_rows: list[list[str]], title: str) -> bytes:
    return spreadsheet(title, [("具體作法", header, all_rows)])


def spreadsheet(title: str, sheets: list[tuple[str, list[str], list[list[str]]]]) -> bytes:
    """An ODS file: one sheet per (name, bold header row, rows); a "\n" in a value starts a new paragraph.

    Streamed as XML by odf_stream, byte for byte what odfpy's element tree wrote, far faster."""
    return odf_stream.spreadsheet(title, sheets)


_HEADINGS = "".join(
    f'<style:style style:name="Heading_20_{level}" style:display-name="Heading {level}" style:family="paragraph"'
    f' style:default-outline-level="{level}"><style:text-properties fo:font-size="{size}" fo:font-weight="bold"'
    f' style:font-size-asian="{size}" style:font-weight-asian="bold"/><style:paragraph-properties'
    ' fo:margin-top="0.3cm" fo:margin-bottom="0.2cm"/></style:style>'
    for level, size in ((1, "16pt"), (2, "13pt"), (3, "12pt")))
_ODT_STYLES = (odf_stream.PROLOGUE + f'<office:document-styles{odf_stream.XMLNS} office:version="1.2"><office:styles>'
               + _HEADINGS + "</office:styles><office:automatic-styles></office:automatic-styles>"
               "</office:document-styles>").encode("utf-8")
_CELL_STYLE = ('<style:style style:name="Cell" style:family="table-cell" style:display-name="Cell">'
               '<style:table-cell-properties fo:border="0.5pt solid #000000" fo:padding="0.1cm"/></style:style>')
_HEAD_STYLE = ('<style:style style:name="HeadCell" style:family="table-cell" style:display-name="HeadCell">'
               '<style:table-cell-properties fo:border="0.5pt solid #000000" fo:padding="0.1cm"'
               ' fo:background-color="#e6e6e6"/></style:style>')
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


def odt_bytes(plan: Plan, table) -> bytes:
    """The plan as a text document: title, numbered section headings, lists, and a real table.

    Written as ODF XML text (odf_stream), the bytes odfpy's element tree gave (tests/unit/test_odt_writer.py)."""
    body: list[str] = [_heading(1, plan.full_title)]
    body += [_p(line) for line in (plan.approval.lines if plan.approval else [])]
    tables: list[tuple[list[str], bool]] = []   # (column styles, body cells) of each table, in order
    tabled = False
    for index, section in enumerate(plan.sections, 1):
        body.append(_heading(2, f"{number_label(index, 'cjk-upper')}{section.title}"))
        body += [_p(para) for para in _paragraphs(section.body)]
        if section.has_content:
            body.append(_odt_table(table, plan, tables))
            tabled = True
    if not tabled:
        body.append(_heading(2, "附表：計畫內容"))
        if plan.note:
            body.append(_p(plan.note))
        body.append(_odt_table(table, plan, tables))
    # odfpy wrote the automatic styles a cell or column used, in the order they were made
    auto = [_CELL_STYLE] if any(cells for _cols, cells in tables) else []
    auto += [_HEAD_STYLE] if tables else []
    auto += [col for cols, _cells in tables for col in cols]
    content = "".join([odf_stream.PROLOGUE, f'<office:document-content{odf_stream.XMLNS} office:version="1.2">',
                       f"<office:automatic-styles>{''.join(auto)}</office:automatic-styles>" if auto
                       else "<office:automatic-styles/>",
                       "<office:body><office:text>", *body, "</office:text></office:body></office:document-content>"])
    return odf_stream.package([("mimetype", ODT_MIMETYPE.encode("utf-8")), ("styles.xml", _ODT_STYLES),
                               ("content.xml", content.encode("utf-8")), ("meta.xml", odf_stream.meta_xml(plan.full_title)),
                               ("META-INF/manifest.xml", odf_stream.manifest_xml(ODT_MIMETYPE))])


def _heading(level: int, value: str) -> str:
    start = f'<text:h text:outline-level="{level}" text:style-name="Heading_20_{level}"'
    return f"{start}>{odf_stream.text(value)}</text:h>" if value else start + "/>"


def _p(value: str) -> str:
    return f"<text:p>{odf_stream.text(value)}</text:p>" if value else "<text:p/>"


def _paragraphs(text: str) -> list[str]:
    """Markdown to plain paragraphs, list items prefixed with their number as the site shows it."""
    simple = markdown.simple_paragraph(text)
    if simple is not None:
        return [simple]
    lines = []
    numbers: list[int] = []
    for token in markdown.tokens(text):
        if token.type == "ordered_list_open":
            numbers.append(0)
        elif token.type == "ordered_list_close":
            numbers.pop()
        elif token.type == "list_item_open" and numbers:
            numbers[-1] += 1
            lines.append(["　" * (len(numbers) - 1) + _marker(len(numbers), numbers[-1])])
        elif token.type == "inline":
            if lines and isinstance(lines[-1], list):
                lines[-1] = lines[-1][0] + token.content
            else:
                lines.append(token.content)
    return [line if isinstance(line, str) else line[0] for line in lines]


_CJK = "一二三四五六七八九十"


def _marker(depth: int, n: int) -> str:
    cjk = _CJK[n - 1] if n <= 10 else str(n)
    return {1: f"{cjk}、", 2: f"({cjk})", 3: f"{n}.", 4: f"({n})"}.get(depth, f"{n}.")


def _cell_text(cell, plan: Plan) -> list[str]:
    if cell.kind in ("pillar", "pillar-row", "item", "sub"):
        fw = plan.framework
        if cell.kind in ("pillar", "pillar-row"):
            number = number_label(cell.pillar.node.index, fw.levels[0].numbering)
            return [number + cell.pillar.title + (f"（{cell.pillar.points}分）" if cell.pillar.points is not None else "")]
        if cell.kind == "item":
            number = number_label(cell.item.index, fw.levels[1].numbering)
            return [number + cell.item.title + (f"（{cell.item.points}分）" if cell.item.points is not None else "")]
        return [(f"{cell.group.number}." if cell.group.number else "") + cell.heading]
    if cell.kind == "opening-item":
        return [cell.text] + ([cell.intro] if cell.intro else [])
    if cell.kind == "opening-sub":
        return [number_label(1, plan.framework.levels[1].numbering) + cell.text] + ([cell.intro] if cell.intro else [])
    if cell.kind in ("focus", "deadline"):
        return [cell.text]
    if cell.kind == "result":
        return ([cell.status] if cell.status else []) + (_paragraphs(cell.text) if cell.text else [])
    if cell.kind == "extra":
        return _paragraphs(cell.text) if cell.text else [""]
    if cell.kind == "units":
        return [u.name for u in cell.units]
    if cell.kind == "measures":
        out = [cell.heading] if cell.heading else []
        out += _paragraphs(cell.intro) if cell.intro else []
        for m in cell.measures:
            paras = _paragraphs(m.text) or [""]
            prefix = f"{m.number}{'' if '.' in m.number else '.'}" if m.number else ""
            out += [prefix + paras[0]] + paras[1:]
        return out
    return [""]


def _odt_table(table, plan: Plan, tables: list) -> str:
    widths = {"c-item": 2.6, "c-focus": 3.4, "c-sub": 2.6, "c-unit": 2.6, "c-deadline": 2.2}
    wide = [cid for cid, _ in table.columns if cid not in widths]   # the measure, result and extra columns share the rest
    fixed = sum(widths.get(cid, 0) for cid, _ in table.columns)
    col_styles = []
    out = ['<table:table table:name="計畫內容">']
    for index, (cid, _title) in enumerate(table.columns):
        width = widths.get(cid, max(17.0 - fixed, 3.0 * len(wide)) / len(wide))
        col_styles.append(f'<style:style style:name="Col{index}" style:family="table-column" style:display-name="Col{index}">'
                          f'<style:table-column-properties style:column-width="{width:.1f}cm"/></style:style>')
        out.append(f'<table:table-column table:style-name="Col{index}"/>')
    out.append("<table:table-header-rows><table:table-row>")
    out += [f'<table:table-cell table:style-name="HeadCell" office:value-type="string">{_p(title)}</table:table-cell>'
            for _id, title in table.columns]
    out.append("</table:table-row></table:table-header-rows>")
    used_cell = False
    covered = [0] * len(table.columns)   # rows still covered by a rowspan, per column
    for body in table.bodies:
        for row in body.rows:
            cells = iter(row)
            skip = 0
            tr = []
            for col in range(len(table.columns)):
                if skip:
                    skip -= 1
                    tr.append("<table:covered-table-cell/>")
                    continue
                if covered[col]:
                    covered[col] -= 1
                    tr.append("<table:covered-table-cell/>")
                    continue
                used_cell = True
                cell = next(cells, None)
                if cell is None:
                    tr.append('<table:table-cell table:style-name="Cell"/>')
                    continue
                start = '<table:table-cell table:style-name="Cell" office:value-type="string"'
                if cell.rowspan > 1:
                    start += f' table:number-rows-spanned="{cell.rowspan}"'
                    covered[col] = cell.rowspan - 1
                if cell.colspan > 1:   # a pillar heading across the table: the next columns are covered
                    start += f' table:number-columns-spanned="{cell.colspan}"'
                    skip = cell.colspan - 1
                lines = _cell_text(cell, plan)
                tr.append(start + (">" + "".join(_p(line) for line in lines) + "</table:table-cell>" if lines else "/>"))
            out.append("<table:table-row>" + "".join(tr) + "</table:table-row>" if tr else "<table:table-row/>")
    out.append("</table:table>")
    tables.append((col_styles, used_cell))
    return "".join(out)
