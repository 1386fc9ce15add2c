"""The content table of a document with real tables (.docx, .odt, a PDF with ruled tables)."""
from __future__ import annotations

import re

from ..model import Framework
from .body import Units, mark_of, parse_body, parse_paragraphs
from .draft import Block, Draft, Node, Opening, Unplaced, clean, join_lines
from .source import Cell, Table
from .wording import ARABIC_ITEM, CJK_ITEM, OPENING, TitleMatch, Wording, column_key, similarity, squash


class GridTable:
    """The content table of a document with real tables: cells mapped by column title."""

    def __init__(self, draft: Draft, framework: Framework, units: Units, visual_lines: bool) -> None:
        self.draft = draft
        self.framework = framework
        self.wording = Wording(framework)
        self.units = units
        self.visual = visual_lines

    def header_row(self, table: Table) -> tuple[int, list[str | None], list[str]] | None:
        for r, row in enumerate(table.rows[:4]):
            titles = [clean(c.text) for c in row]
            keys = [column_key(t) for t in titles]
            if sum(1 for k in keys if k) >= 2:
                return r, keys, titles
        return None

    def parse(self, table: Table) -> bool:
        found = self.header_row(table)
        if found is None:
            return False
        r0, keys, titles = found
        seen: set[str] = set()
        head = table.rows[r0]
        for c, (key, title) in enumerate(zip(keys, titles)):
            if key is None or key in seen:
                # a header cell spanning two columns (工作重點 over item title and measures) or a
                # blank header: the measures' column, when the table has none of its own
                spanned = c > 0 and head[c] is head[c - 1]
                if (spanned or not title) and "measure" not in seen and "measure" not in keys[c + 1:]:
                    key, title = "measure", ""
                    titles[c] = title
                elif key is None:
                    key = f"col{c + 1}"
                else:
                    key = f"{key}{c + 1}"
                if not title and key != "measure":
                    title = titles[c] = f"欄{c + 1}"
            keys[c] = key
            if key not in seen:
                self.draft.columns.append((key, title))
            seen.add(key)
        header = [squash(t) for t in titles]
        pillar: Node | None = None
        item: Node | None = None
        last: dict[int, Cell] = {}
        for r in range(r0 + 1, len(table.rows)):
            row = table.rows[r]
            if [squash(c.text) for c in row] == header:
                self.draft.repairs.append(f"{row[0].where}：重複的表頭列已略過。")
                continue
            new = {c: cell for c, cell in enumerate(row) if last.get(c) is not cell}
            distinct = {id(cell) for cell in row}
            if len(distinct) == 1 and len(row) > 1:
                # a full-width row: a pillar in a table whose pillar and item share a column
                pillar = self._node(row[0], depth=0) or pillar
                item = None
                last = dict(enumerate(row))
                continue
            label_cols = [c for c, k in enumerate(keys) if k in ("item", "focus", "sub")]
            block = Block()
            target = None
            for c in label_cols:
                if c not in new or not new[c].text.strip():
                    continue
                key = keys[c]
                cell = new[c]
                if key == "item":
                    if squash(cell.text).startswith("訂定") and similarity(squash(cell.text)[:len(OPENING)], squash(OPENING)) > 0.8:
                        self.draft.opening = Opening(title=join_lines(cell.paras))
                        target = self.draft.opening
                        pillar = item = None
                        continue
                    node = self._node(cell, depth=0)
                    if node is not None:
                        if node is not pillar:
                            pillar, item = node, None
                        # pillar and item in one cell: 「一、…」 then 「(一)…」
                        child = self._child_in_same_cell(cell)
                        if child is not None:
                            same = next((c for c in pillar.children if c.code == child.code), None)
                            item = same or child
                            if same is None:
                                pillar.children.append(child)
                    elif "focus" not in keys:
                        item = self._item(cell, pillar)
                elif key == "focus":
                    if isinstance(target, Opening):
                        target.focus = join_lines(cell.paras)
                        continue
                    item = self._item(cell, pillar)
                elif key == "sub":
                    node = self._match(cell.text, depth=2)
                    block.code = node.node.code if node else ""
                    block.heading = [join_lines(self._strip_mark(cell.paras))]
            if target is None:
                target = item or pillar
            measure_cells = [c for c, k in enumerate(keys) if k == "measure"]
            if not measure_cells:
                measure_cells = [c for c, k in enumerate(keys) if k not in ("item", "focus", "sub", "unit", "deadline", "result") and not k.startswith(("item", "focus", "unit"))][:1]
            for c in measure_cells:
                if c in new and new[c].text.strip():
                    if self.visual:
                        blocks = _visual_cell(new[c])
                    else:
                        blocks = parse_paragraphs(new[c].paras)
                    if block.code and blocks:
                        for b in blocks:
                            block.measures.extend(b.measures)
                        blocks = [block]
                    elif block.heading and blocks:
                        blocks[0].heading = block.heading + blocks[0].heading
                    self._attach(target, blocks, row, keys, new)
        return True

    def _attach(self, target, blocks: list[Block], row, keys, new) -> None:
        unit_names: list[str] = []
        deadline = ""
        extras: dict[str, str] = {}
        for c, key in enumerate(keys):
            # units, deadline and extra columns apply to every row they span (a unit cell merged
            # down a group's rows); the label and measure columns were read where they begin
            cell = row[c] if c < len(row) else None
            if cell is None or not cell.text.strip():
                continue
            if key.startswith("unit"):
                for p in cell.paras:
                    found = self.units.names(p) or [clean(re.sub(r"^\s*\d+\s*[.．、]\s*", "", p))]
                    unit_names.extend(found)
            elif key.startswith("deadline"):
                deadline = join_lines(cell.paras)
            elif key in ("item", "focus", "sub", "measure") or key.startswith(("item", "focus", "measure")):
                continue
            else:
                extras[key] = join_lines(cell.paras)
        for b in blocks:
            b.units.extend(u for u in unit_names if u not in b.units)
            for m in b.measures:
                if deadline and not m.deadline:
                    m.deadline = deadline
                for k, v in extras.items():
                    m.extra.setdefault("result" if k == "result" else k, v)
        if target is None:
            for b in blocks:
                for m in b.measures:
                    self.draft.unplaced.append(Unplaced(m.text, row[0].where))
            return
        if target.blocks and target.blocks[-1].code and blocks and blocks[0].code == target.blocks[-1].code:
            target.blocks[-1].measures.extend(blocks[0].measures)
            blocks = blocks[1:]
        target.blocks.extend(blocks)

    @staticmethod
    def _strip_mark(paras: list[str]) -> list[str]:
        out = []
        for p in paras:
            m = CJK_ITEM.match(p) or ARABIC_ITEM.match(p)
            out.append(p[m.end():] if m else p)
        return out

    def _match(self, text: str, depth: int, parent: Node | None = None) -> TitleMatch | None:
        nodes = [n for n in self.wording.nodes if n.depth == depth
                 and (parent is None or n.code.startswith(parent.code + "."))]
        match = self.wording.match([text], 0, 0, nodes)
        if match and match.node.depth == depth:
            return match
        return None

    def _node(self, cell: Cell, depth: int) -> Node | None:
        m = self._match(cell.text if not self.visual else join_lines(cell.paras), depth)
        if m is None:
            return None
        same = next((p for p in self.draft.pillars if p.code == m.node.code), None)
        if same is not None:
            return same   # the pillar's cell repeated on a new page, or its row split by a page break
        node = Node(m.node.code, clean(m.title), m.points, where=cell.where)
        self.draft.pillars.append(node)
        return node

    def _child_in_same_cell(self, cell: Cell) -> Node | None:
        paras = cell.paras
        for k, p in enumerate(paras[1:], 1):
            if re.match(r"^\s*[（(][一二三四五六七八九十]+[)）]", p):
                text = join_lines(paras[k:])
                m = self._match(text, depth=1)
                if m:
                    return Node(m.node.code, clean(m.title), m.points, where=cell.where)
        return None

    def _item(self, cell: Cell, pillar: Node | None) -> Node | None:
        text = join_lines(cell.paras) if self.visual else cell.text
        m = self._match(text, 1, pillar)
        if m is None:
            m = self._match(text, 1)
        if m is None:
            self.draft.unplaced.append(Unplaced(clean(cell.text), cell.where))
            return None
        holder = pillar
        if holder is None or not m.node.code.startswith(holder.code + "."):
            root = m.node.parent
            holder = next((p for p in self.draft.pillars if p.code == root.code), None)
            if holder is None:
                holder = Node(root.code, root.title, root.points)
                self.draft.pillars.append(holder)
        same = next((c for c in holder.children if c.code == m.node.code), None)
        if same is not None:
            return same
        node = Node(m.node.code, clean(m.title), m.points, where=cell.where)
        holder.children.append(node)
        return node


def _visual_cell(cell: Cell) -> list[Block]:
    """A PDF cell's visual lines. A first line clearly shorter than the cell's full lines, with no
    sentence end, followed by more text, is the group's heading (服務資訊公開透明 above its measure)."""
    lines = [p for p in cell.paras if p.strip()]
    widest = max((len(clean(p)) for p in lines), default=0)
    first = clean(lines[0]) if lines else ""
    if len(lines) >= 2 and not mark_of(first) and len(first) < 0.6 * widest and not re.search(r"[。！？；;：:，,]$", first):
        blocks = parse_body([(p, cell.where) for p in lines[1:]], None)
        if blocks and not blocks[0].heading:
            blocks[0].heading = [lines[0]]
            return blocks
    return parse_body([(p, cell.where) for p in lines], None)


