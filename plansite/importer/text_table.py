"""The content table of a document that is only lines (text saved from a PDF or a web page)."""
from __future__ import annotations

import re
import unicodedata

from ..model import Framework, FrameworkNode
from .body import DEADLINE, Units, mark_of, parse_body
from .draft import Block, Draft, Node, Opening, Unplaced, clean, join_lines
from .wording import CJK_ITEM, CJK_PILLAR, OPENING, POINTS, TitleMatch, Wording, cjk_number, similarity, squash

# Columns run together on one line (「(三)考量服務對象 遠距科技服務… 成人保護組」): a space after two
# Chinese characters where the next piece starts with a list number or two more Chinese characters.
# Justified text (「程 與 作 業 方」「信 任、」) has single characters or punctuation beside its spaces.
_RUN_TOGETHER = re.compile(r"(?<=[\u4e00-\u9fff]{2})\s+(?=(?:[（(]?[一二三四五六七八九十]+[)）、]|[（(]?\d+[)）、.．](?!\d)|"
                           r"[\u4e00-\u9fff]{2}))")


class TextTable:
    """The content table of a document that is only lines."""

    def __init__(self, draft: Draft, framework: Framework, units: Units, deadlines: bool) -> None:
        self.draft = draft
        self.framework = framework
        self.wording = Wording(framework)
        self.units = units
        self.with_deadlines = deadlines
        self.tokens: list[str] = []
        self.wheres: list[str] = []

    def add(self, text: str, where: str) -> None:
        for part in text.split("\t"):
            for piece in _RUN_TOGETHER.split(part):
                if piece.strip():
                    self.tokens.append(piece.strip())
                    self.wheres.append(where)

    def parse(self) -> None:
        tokens, wheres = self.tokens, self.wheres
        pillar: Node | None = None
        target: Node | Opening | None = None
        body: list[tuple[str, str]] = []
        subs: list[FrameworkNode] = []
        i, offset = 0, 0

        def flush() -> None:
            nonlocal body
            if not body:
                return
            if target is None:
                for text, where in body:
                    self.draft.unplaced.append(Unplaced(text, where))
            else:
                self._place(target, body, subs)
            body = []

        while i < len(tokens):
            text = tokens[i][offset:]
            if not text.strip():
                i, offset = i + 1, 0
                continue
            expected = self._expected(pillar, target)
            match = self.wording.match(tokens, i, offset, expected) if self._may_start(text) else None
            if CJK_ITEM.match(text) and (match is None or self._cut_short(match)):
                # no match, or a title that stops short of its end: its rest may come after other
                # cells' text (a page break), which only the gapped reading puts back
                match = self._gapped(i, offset, expected) or match
            if match is None and self.draft.opening is None and pillar is None and squash(text).startswith("訂定"):
                end = self._opening_end(tokens, i)
                if end is not None:
                    flush()
                    title = join_lines(tokens[i:end[0]] + [tokens[end[0]][:end[1]]])
                    self.draft.opening = Opening(title=title)
                    target = self.draft.opening
                    i, offset = end
                    continue
            if match is None and CJK_ITEM.match(text):
                match = self._by_number(i, offset, pillar)
            if match is None and CJK_ITEM.match(text):
                # numbered like a pillar or sub-item (一、 (三)) but not the framework's wording: the
                # editor places it; as a measure it would carry a typed number the format refuses
                flush()
                self.draft.unplaced.append(Unplaced(clean(text), wheres[i]))
                i, offset = i + 1, 0
                continue
            if match is None:
                body.append((text, wheres[i]))
                i, offset = i + 1, 0
                continue
            flush()
            node = match.node
            new = Node(node.code, clean(match.title), match.points, where=wheres[i])
            if node.depth == 0:
                # a pillar met again (its title repeated after a page break) keeps one node
                pillar = next((p for p in self.draft.pillars if p.code == node.code), None)
                if pillar is None:
                    pillar = new
                    self.draft.pillars.append(pillar)
                target = pillar
                subs = []
            elif node.depth == 1:
                if pillar is None or not node.code.startswith(pillar.code + "."):
                    pillar = self._pillar_for(node)
                target = next((c for c in pillar.children if c.code == node.code), None)
                if target is None:
                    target = new
                    pillar.children.append(new)
                subs = []
            else:
                if not isinstance(target, Node) or target.code != node.parent.code:
                    subs = []
                    parent = node.parent
                    if pillar is None or not parent.code.startswith(pillar.code + "."):
                        pillar = self._pillar_for(parent)
                    holder = next((c for c in pillar.children if c.code == parent.code), None)
                    if holder is None:
                        holder = Node(parent.code, parent.title)
                        pillar.children.append(holder)
                        self.draft.repairs.append(f"{wheres[i]}：沒有找到「{parent.title}」的標題，依框架補上。")
                    target = holder
                subs.append(node)
            i, offset = match.end
        flush()

    def _cut_short(self, match: TitleMatch) -> bool:
        written, target = squash(match.title), self.wording.squashed[match.node.code]
        return len(written) <= len(target) - 5 and written[-2:] != target[-2:]

    def _by_number(self, i: int, offset: int, pillar: Node | None) -> TitleMatch | None:
        """An agency's own rewording of a pillar or sub-item: placed by its number (三、 is the third
        pillar, (二) the current pillar's second sub-item) when the framework has that one and the
        plan does not yet. Its title is the text up to the first full stop."""
        tokens = self.tokens
        first = tokens[i][offset:]
        m = re.match(r"^\s*[-•]?\s*(?:(?P<top>[一二三四五六七八九十]+)\s*[、.．]|[（(]\s*(?P<sub>[一二三四五六七八九十]+)\s*[)）])\s*",
                     first)
        if not m:
            return None
        n = cjk_number(m.group("top") or m.group("sub"))
        if m.group("top"):
            node = next((r for r in self.framework.roots if r.index == n), None)
            taken = {p.code for p in self.draft.pillars}
        else:
            parent = self.framework.nodes.get(pillar.code) if pillar else None
            node = next((c for c in parent.children if c.index == n), None) if parent else None
            taken = {c.code for c in pillar.children} if pillar else set()
        if node is None or node.code in taken:
            return None
        parts, j = [first[m.end():]], i
        while not re.search(r"[。]\s*$", parts[-1]) and j + 1 < len(tokens) and j - i < 4 \
                and not mark_of(tokens[j + 1]) and not CJK_ITEM.match(tokens[j + 1]):
            j += 1
            parts.append(tokens[j])
        written = join_lines(parts)
        self.draft.repairs.append(f"{self.wheres[i]}：「{written[:16]}…」與計畫架構的文字不同，依編號歸為 {node.code}"
                                  f"「{node.title[:12]}…」，請確認。")
        return TitleMatch(node, POINTS.sub("", written), None, (j + 1, 0), 0.5)

    def _gapped(self, i: int, offset: int, expected: list[FrameworkNode]) -> TitleMatch | None:
        """A title interrupted by other cells' text (a page break in the middle of a narrow cell):
        its pieces are taken out of the stream, the text between them stays in place."""
        tokens = self.tokens
        first = tokens[i][offset:]
        marker = CJK_ITEM.match(first)
        head = squash(first[marker.end():])
        if not head:
            return None
        for node in expected + [n for n in self.wording.nodes if n not in expected and n.depth > 0]:
            target = self.wording.squashed[node.code]
            if not target.startswith(head[:2]) or len(head) > len(target):
                continue
            if similarity(head, target[:len(head)]) < 0.8:
                continue
            pos, taken, skipped = len(head), [], 0
            for j in range(i + 1, min(len(tokens), i + 60)):
                piece = squash(tokens[j])
                if not piece:
                    continue
                ahead = target[pos:pos + len(piece)]
                completes = pos + len(piece) == len(target) and ahead == piece
                if completes or (len(piece) >= 2 and (ahead == piece or (len(piece) >= 4 and similarity(piece, ahead) >= 0.8))):
                    taken.append(j)
                    pos += len(piece)
                    if pos >= len(target):
                        break
                    continue
                if CJK_PILLAR.match(tokens[j]) or (node.depth > 0 and CJK_ITEM.match(tokens[j])):
                    break
                skipped += 1
                if skipped > 20:
                    break
            if pos < len(target) - 1 or not taken:
                continue
            written = join_lines([first[marker.end():]] + [tokens[j] for j in taken])
            self.draft.repairs.append(f"{self.wheres[i]}：「{written[:12]}…」的標題被跨頁的其他欄位文字隔開，已接回。")
            for j in reversed(taken):
                del tokens[j]
                del self.wheres[j]
            points = None
            return TitleMatch(node, POINTS.sub("", written), points, (i + 1, 0), 0.9)
        return None

    def _may_start(self, text: str) -> bool:
        return not DEADLINE.match(clean(text))

    def _expected(self, pillar: Node | None, target) -> list[FrameworkNode]:
        fw = self.framework
        roots = fw.roots
        out: list[FrameworkNode] = []
        if pillar is None:
            return roots[:1]
        node = fw.nodes.get(pillar.code)
        if node is None:
            return out
        done = {c.code for c in pillar.children}
        out += [c for c in node.children if c.code not in done][:1]
        if isinstance(target, Node) and target.code in fw.nodes:
            tn = fw.nodes[target.code]
            if tn.depth == 1:
                out += tn.children
        nxt = [r for r in roots if int(r.index) == node.index + 1]
        return out + nxt

    def _pillar_for(self, node: FrameworkNode) -> Node:
        root = node
        while root.parent is not None:
            root = root.parent
        for p in self.draft.pillars:
            if p.code == root.code:
                return p
        p = Node(root.code, root.title, root.points)
        self.draft.pillars.append(p)
        self.draft.repairs.append(f"沒有找到「{root.title}」的標題，依框架補上。")
        return p

    @staticmethod
    def _opening_end(tokens: list[str], i: int) -> tuple[int, int] | None:
        target = squash(OPENING)
        acc = ""
        for j in range(i, min(i + 8, len(tokens))):
            for k, ch in enumerate(tokens[j]):
                if ch.isspace():
                    continue
                acc += unicodedata.normalize("NFKC", ch)
                if len(acc) >= len(target) - 1 and similarity(acc, target) >= 0.85 and acc[-1] in "」畫":
                    rest = tokens[j][k + 1:].lstrip()
                    if acc[-1] == "畫" and rest.startswith("」"):
                        return (j, len(tokens[j]) - len(rest) + 1)
                    if acc[-1] == "畫" and not rest and j + 1 < len(tokens) and tokens[j + 1].lstrip().startswith("」"):
                        return (j + 1, tokens[j + 1].index("」") + 1)
                    return (j, k + 1)
                if len(acc) > len(target) + 2:
                    return None
        return None

    def _place(self, target, body: list[tuple[str, str]], subs: list[FrameworkNode]) -> None:
        deadlines: list[str] | None = [] if self.with_deadlines else None
        if isinstance(target, Opening):
            rest = list(body)
            if rest and not mark_of(rest[0][0]):
                # the opening's focus: its first sentence
                first = []
                while rest:
                    first.append(rest.pop(0)[0])
                    if re.search(r"。\s*$", first[-1]):
                        break
                if rest:
                    target.focus = join_lines(first)
                else:
                    rest = [(t, "") for t in first]
            target.blocks = parse_body(rest, self.units, deadlines, target.blocks)
            return
        if subs:
            target.blocks.extend(parse_body(body, self.units, deadlines, []))
            self._by_sub(target, subs)
        else:
            target.blocks = parse_body(body, self.units, deadlines, target.blocks)
        if deadlines:
            pending = [m for b in target.blocks for m in b.measures if not m.deadline]
            for m, d in zip(pending, deadlines):
                m.deadline = d
            for d in deadlines[len(pending):]:
                self.draft.unplaced.append(Unplaced(d, body[-1][1] if body else ""))

    def _by_sub(self, target: Node, subs: list[FrameworkNode]) -> None:
        """Scored frameworks: measures numbered 2.1, 2.2 belong to the item's second sub-indicator."""
        by_code: dict[str, Block] = {}
        order = []
        for b in target.blocks:
            if b.code:
                by_code[b.code] = b
                order.append(b)
        for b in list(target.blocks):
            if b.code:
                continue
            for m in b.measures:
                sub = None
                if m.number and re.match(r"\d+[.．]\d+", m.number):
                    k = int(re.split(r"[.．]", m.number)[0])
                    sub = next((s for s in subs if s.index == k), None)
                if sub is None:
                    empty = [s for s in subs if s.code not in by_code or not by_code[s.code].measures]
                    sub = empty[0] if empty else subs[-1]
                block = by_code.get(sub.code)
                if block is None:
                    block = Block(code=sub.code, heading=[sub.title])
                    by_code[sub.code] = block
                    order.append(block)
                block.measures.append(m)
                block.units.extend(u for u in b.units if u not in block.units)
        order.sort(key=lambda b: [int(x) for x in b.code.split(".")])
        target.blocks = order


