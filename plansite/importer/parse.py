"""From a read document (paragraphs and tables) to a draft plan.

Two routes share one vocabulary: a document with real tables (.docx, .odt, a PDF with ruled
tables) is mapped cell by cell through its header row's column titles; a document that is
only lines (text saved from a PDF or web page) is read as a stream in which the framework's
own wording marks where each pillar and sub-item begins. Whatever neither route can place
goes to `Draft.unplaced` with its position.
"""
from __future__ import annotations

import re

from ..model import Framework
from .document import Document
from .draft import Draft, Unplaced, clean
from .grid_table import GridTable
from .source import ImportFailure, Para, Source, Table
from .text_table import TextTable
from .body import Units
from .wording import (CJK_ITEM, CONTENT_TITLE, PAGE_NUMBER, SECTION, column_key, is_header_line,
                      squash)


def choose_framework(source: Source, frameworks: dict[str, Framework]) -> tuple[Framework | None, dict[str, float]]:
    """The framework whose pillar and item wording the document carries most of.

    Scored by the characters of the framework's titles found in the document (a title counts when
    it is there whole, or both its halves are, allowing small rewording), so that long, distinctive
    titles outweigh short ones another framework shares (服務便捷). The scores returned are the
    share of each framework's titles found. None when no framework has at least one long title's
    worth of wording (30 characters) in the document."""
    text = squash("".join(b.text if isinstance(b, Para) else "".join(c.text for row in b.rows for c in row)
                          for b in source.blocks))
    scores: dict[str, float] = {}
    weight: dict[str, int] = {}
    for fid, fw in frameworks.items():
        titles = [t for t in (squash(n.title) for n in fw.nodes.values() if n.depth <= 1) if t]
        if not titles:
            continue
        found = [t for t in titles if t in text or (t[:len(t) // 2] in text and t[len(t) // 2:] in text)]
        scores[fid] = len(found) / len(titles)
        weight[fid] = sum(len(t) for t in found)
    if not weight:
        return None, scores
    best = max(weight, key=lambda f: (weight[f], scores[f], f))
    return (frameworks[best] if weight[best] >= 30 else None), scores


def parse(source: Source, framework: Framework, unit_names: list[str], agency_names: list[str]) -> Draft:
    draft = Draft(framework=framework.id)
    draft.repairs.extend(source.repairs)
    units = Units(unit_names)
    doc = Document(draft, agency_names, whole_paragraphs=source.kind in ("docx", "odt"))
    has_deadline = "deadline" in framework.columns
    text_table: TextTable | None = None
    in_table = False
    grids_done = False
    dropped_headers = 0
    dropped_pages = 0
    blocks = []
    for b in source.blocks:
        if isinstance(b, Para) and "\n" in b.text:
            blocks.extend(Para(line, b.where) for line in b.text.split("\n"))
        else:
            blocks.append(b)
    after_table = False
    content_titled = any(isinstance(b, Para) and (m := SECTION.match(b.text)) and CONTENT_TITLE.search(m.group("rest"))
                         for b in blocks)
    for block in blocks:
        if isinstance(block, Table):
            grid = GridTable(draft, framework, units, visual_lines=source.kind == "pdf")
            if grid.parse(block):
                grids_done = True
                after_table = True
                _take_table_caption(draft, doc)
                _mark_content(draft, doc)
                continue
            for row in block.rows:
                seen = set()
                for cell in row:
                    if id(cell) in seen:
                        continue
                    seen.add(id(cell))
                    for p in cell.paras:
                        if doc.section is not None and not in_table:
                            doc.line(p, cell.where)
                        else:
                            draft.unplaced.append(Unplaced(clean(p), cell.where))
            continue
        text, where = block.text, block.where
        if not text.strip():
            continue
        if PAGE_NUMBER.match(text) and (in_table or doc.section is not None):
            dropped_pages += 1
            continue
        header = is_header_line(text.replace("\t", " "))
        if header:
            if not draft.columns:
                for w in header:
                    key = column_key(w) or f"col{len(draft.columns) + 1}"
                    draft.columns.append((key, w))
                in_table = True
                if text_table is None:
                    text_table = TextTable(draft, framework, units, has_deadline or any(k == "deadline" for k, _ in draft.columns))
                if doc.section is not None and doc.section.lines and doc.section.lines[-1][0] == 0 \
                        and re.search(r"[：:]", doc.section.lines[-1][1]) and len(doc.section.lines[-1][1]) <= 30:
                    draft.note = doc.section.lines.pop()[1]
                _mark_content(draft, doc)
            else:
                dropped_headers += 1
            continue
        sm = SECTION.match(text)
        if sm and len(clean(sm.group("rest"))) <= 40:
            if in_table and text_table is not None:
                in_table = False
            doc.start_section(sm.group("rest"), "", where)
            after_table = False
            continue
        if after_table:
            # between the content table and the next numbered section: notes under the table, or a
            # page's furniture; not clearly part of any section, so the editor decides
            draft.unplaced.append(Unplaced(clean(text), where))
            continue
        if not in_table and doc.section is not None and not grids_done and text_table is None \
                and CJK_ITEM.match(text) and _starts_pillar(text, framework) \
                and (CONTENT_TITLE.search(doc.section.title) or not content_titled):
            in_table = True
            text_table = TextTable(draft, framework, units, has_deadline)
            _mark_content(draft, doc)
        if not in_table and text_table is None and doc.section is not None and squash(text).startswith("訂定") \
                and "提升" in squash(text) and not grids_done and any(s.title.startswith("計畫內容") for s in draft.sections[-1:]):
            in_table = True
            text_table = TextTable(draft, framework, units, has_deadline)
            _mark_content(draft, doc)
        if in_table and text_table is not None:
            text_table.add(text, where)
        else:
            doc.line(text, where)
    if text_table is not None:
        text_table.parse()
    if source.kind in ("text", "pdf"):
        broken = sum(1 for *_, m in draft.measures() if len(m.lines) > 1 or any(len(sub) > 1 for sub in m.subs))
        if broken:
            draft.repairs.append(f"{broken} 項具體作法原本斷成多行（文字跨行或跨頁），已接成一段；"
                                 "中文之間的斷行與對齊空白已去掉，英數字之間保留一個空白。")
    if dropped_headers:
        draft.repairs.append(f"表格跨頁重複的表頭「{' '.join(t for _, t in draft.columns)}」{dropped_headers} 次，已略過。")
    if dropped_pages:
        draft.repairs.append(f"頁碼 {dropped_pages} 行已略過。")
    _finish_columns(draft, framework)
    return draft


def _take_table_caption(draft: Draft, doc: Document) -> None:
    """Lines just above the table that belong to it: a note (單位(機關)：社會處) and a caption (附表：計畫內容)."""
    lines = doc.section.lines if doc.section is not None else []
    while lines and lines[-1][0] == 0:
        text = lines[-1][1]
        if (re.match(r"^附表", text) and len(text) <= 20) or \
                (re.search(r"計畫內容(?:（[^）]*）)?$", text) and len(text) <= 80):
            lines.pop()
            draft.repairs.append(f"「{text}」是表格的標題，沒有另外放進章節。")
        elif re.search(r"[：:]", text) and len(text) <= 30 and not draft.note:
            draft.note = lines.pop()[1]
        else:
            break


def _mark_content(draft: Draft, doc: Document) -> None:
    """The table's place: the section titled 計畫內容 (when it has no text of its own), else
    the section it appears in (when that one has none), else after the sections (the default)."""
    if any(s.content for s in draft.sections):
        return
    titled = [s for s in draft.sections if CONTENT_TITLE.search(s.title)]
    for s in titled or [doc.section]:
        if s is not None and not s.lines:
            s.content = True
            return


def _starts_pillar(text: str, framework: Framework) -> bool:
    body = squash(CJK_ITEM.sub("", text, count=1))[:4]
    return any(squash(r.title).startswith(body[:3]) for r in framework.roots if body)


def _finish_columns(draft: Draft, framework: Framework) -> None:
    """A document whose table had no header row gets the framework's column titles."""
    if not draft.columns:
        draft.columns = [(k, t) for k, t in framework.columns.items()]


__all__ = ["parse", "choose_framework", "ImportFailure"]
