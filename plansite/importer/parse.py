"""From a read document (paragraphs and tables) to a draft plan.

Two routes share one vocabulary: a document with real tables (.docx, .odt, a PDF with ruled
tables) is mapped cell by cell through its header row's column titles; a document that is
only lines (text saved from a PDF or web page) is read as a stream in which the framework's
own wording marks where each pillar and sub-item begins. Whatever neither route can place
goes to `Draft.unplaced` with its position.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from ..model import Framework, FrameworkNode
from .body import DEADLINE, Units, mark_of, parse_body, parse_paragraphs
from .draft import Block, Draft, Measure, Node, Opening, Section, Unplaced, clean, join_lines
from .source import Cell, ImportFailure, Para, Source, Table

SECTION = re.compile(r"^\s*[-•]?\s*(?P<n>[壹貳參肆伍陸柒捌玖拾]+)\s*[、.．]\s*(?P<rest>.*)$")
CJK_ITEM = re.compile(r"^\s*[-•]?\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[)）])\s*")
CJK_PILLAR = re.compile(r"^\s*[-•]?\s*[一二三四五六七八九十]+\s*[、.．]")
ARABIC_ITEM = re.compile(r"^\s*[-•]?\s*(?:\d+\s*[.．、](?!\d)|[（(]\d+[)）])\s*")
POINTS = re.compile(r"[（(]\s*(\d+)\s*分\s*[)）]")
PAGE_NUMBER = re.compile(r"^\s*(?:第\s*\d+\s*頁(?:\s*[，,]?\s*共\s*\d+\s*頁)?|[-－—]\s*\d+\s*[-－—]|\d{1,3}|"
                         r"\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)\s*$", re.IGNORECASE)
YEAR_TITLE = re.compile(r"(?P<year>\d{2,3})\s*年度?\s*(?P<rest>.*計畫.*)$")
ROC_DATE = re.compile(r"(?:中華)?(?:民國)?\s*(\d{2,3})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
OPENING = "訂定「提升服務計畫」"
TABLE_CAPTION = re.compile(r"^附表|^單位.{0,6}[：:]|計畫內容(?:（[^）]*）)?$")   # lines above a table: caption, note
CONTENT_TITLE = re.compile(r"計畫內容|實施內容|執行內容|工作項目|附表|實施方式|執行方式")

# Column titles agencies use, by the plan format's column key.
COLUMN_WORDS = {
    "item": ("工作要項", "執行要項", "執行策略", "實施策略", "工作要領", "推動策略", "構面", "策略", "服務構面"),
    "focus": ("工作重點", "執行重點", "執行指標", "推動方法", "服務項目", "推動重點", "具體措施", "工作項目"),
    "sub": ("次執行指標",),
    "measure": ("具體作法", "具體推動作法", "具體做法", "執行內容", "作法", "實施內容", "辦理方式", "推動作法"),
    "unit": ("業務單位", "執行單位", "主辦單位", "承辦單位", "負責單位", "權責單位", "協辦單位", "辦理單位"),
    "deadline": ("完成期限", "預定完成期限", "完成時間", "執行期程", "辦理期程", "預定進度", "期程", "時程"),
    "result": ("執行成效", "辦理情形", "執行情形", "執行成果", "辦理成效"),
}
HEADER_WORDS = {w for words in COLUMN_WORDS.values() for w in words} | {"預期效益", "備註"}


def squash(text: str) -> str:
    """For comparing wording: width-folded, no whitespace, no points."""
    text = unicodedata.normalize("NFKC", text)
    text = POINTS.sub("", text)
    return re.sub(r"\s+", "", text)


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def column_key(title: str) -> str | None:
    t = squash(title)
    for key, words in COLUMN_WORDS.items():
        if t in words:
            return key
    for key, words in COLUMN_WORDS.items():
        if any(w in t for w in words if len(w) >= 3):
            return key
    return None


def is_header_line(text: str) -> list[str] | None:
    """The table's column-title row as one line (「工作要項 工作重點 業務單位」), else None."""
    words = [w for w in re.split(r"[\s|]+", text.strip()) if w]
    if len(words) >= 2 and all(squash(w) in HEADER_WORDS for w in words):
        return words
    return None


# ---- framework wording ----------------------------------------------------------

@dataclass
class TitleMatch:
    node: FrameworkNode
    title: str          # the wording as written, without numbering or points
    points: int | None
    end: tuple[int, int]   # (token index, char offset in that token) just after the title
    score: float


class Wording:
    """Finds where a framework's pillar or sub-item title begins in a stream of tokens."""

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.nodes = [n for n in framework.nodes.values()]
        self.squashed = {n.code: squash(n.title) for n in self.nodes}

    def candidates(self, head: str, marked: bool, expected: list[FrameworkNode]) -> list[FrameworkNode]:
        out = [n for n in expected]
        for n in self.nodes:
            t = self.squashed[n.code]
            if n not in out and head and (t.startswith(head[:2]) or (len(head) >= 2 and head[:2] in t[:5])):
                out.append(n)
        return out if (marked or len(out) > len(expected)) else [n for n in out if self.squashed[n.code].startswith(head[:2])]

    def match(self, tokens: list[str], i: int, offset: int, expected: list[FrameworkNode]) -> TitleMatch | None:
        first = tokens[i][offset:]
        marker = CJK_ITEM.match(first) or ARABIC_ITEM.match(first)
        start = marker.end() if marker else 0
        # characters of the stream with their (token, offset) positions
        chars: list[tuple[str, int, int]] = []
        t, o = i, offset + start
        while t < len(tokens) and len(chars) < 160:
            text = tokens[t]
            if t > i and (mark_of(text) or CJK_ITEM.match(text)):
                break   # a title never runs into the next numbered line
            while o < len(text):
                ch = unicodedata.normalize("NFKC", text[o])
                if not ch.isspace():
                    chars.extend((c, t, o) for c in ch)
                o += 1
            t, o = t + 1, 0
            if t - i > 30:
                break
        stream = "".join(c for c, _, _ in chars)
        boundaries = {k for k in range(1, len(chars)) if chars[k][1] != chars[k - 1][1]} | {len(chars)}
        head = POINTS.sub("", stream)[:4]
        best: TitleMatch | None = None
        for node in self.candidates(head, bool(marker), expected):
            target = self.squashed[node.code]
            if not target:
                continue
            if similarity(POINTS.sub("", stream)[:4], target[:4]) < 0.5:
                continue   # a title starts where its first words are; never swallows text before it
            found = self._best_end(stream, target, boundaries)
            if found is None:
                continue
            end, score = found
            threshold = 0.8 if len(target) > 6 else 0.9
            if node in expected:
                threshold -= 0.08
            if score < threshold or (best and best.score >= score):
                continue
            if _foreign_run(POINTS.sub("", stream[:end]), target):
                continue   # another cell's words inside the title: the gapped reading places it better
            # take trailing points 「（20 分）」 that follow the title
            rest = stream[end:]
            pm = re.match(r"[（(](\d+)分[)）]", rest)
            points = None
            if pm:
                points = int(pm.group(1))
                end += pm.end()
            sm = re.match(r"[（(][^()（）]{1,10}[)）]", stream[end:])
            if sm and not re.match(r"[（(]\d+分", sm.group(0)) and not re.fullmatch(r"[（(][一二三四五六七八九十]+[)）]", sm.group(0)):
                end += sm.end()   # 「…公平使用（服務零落差）」: the agency's own tag belongs to the title
            if end >= len(chars):
                pos = (chars[-1][1] + 1, 0)
            else:
                pos = (chars[end][1], chars[end][2])
            written = _original(tokens, (i, offset + start), pos)
            pw = POINTS.search(written)
            if pw:
                points = int(pw.group(1))
                written = POINTS.sub("", written)
            best = TitleMatch(node, written, points, pos, score)
        return best

    @staticmethod
    def _best_end(stream: str, target: str, boundaries: set[int]) -> tuple[int, float] | None:
        """Where the title ends: at the end of a line (or cell), or inside one only right after the
        title's own last character (「…方式。」 followed by the next column's words)."""
        plain = POINTS.sub(lambda m: "\0" * len(m.group(0)), stream)
        limit = min(len(stream), int(len(target) * 1.35) + 6)
        lo = max(1, int(len(target) * 0.7))
        best = None
        matcher = difflib.SequenceMatcher(None, "", target, autojunk=False)
        for end in range(lo, limit + 1):
            if end < len(stream) and end > lo and plain[end - 1] == "\0":
                continue
            candidate = plain[:end].replace("\0", "")
            if not candidate or (end not in boundaries and candidate[-1] != target[-1]):
                continue
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() < 0.75 or matcher.quick_ratio() < 0.75:
                continue
            score = matcher.ratio()
            if best is None or score > best[1] + 1e-9:
                best = (end, score)
        return best


def _foreign_run(candidate: str, target: str) -> bool:
    """True when the candidate holds five or more characters in a row that the title does not have
    there (an agency rewords a word or two; five foreign characters are another cell's text)."""
    covered = [False] * len(candidate)
    for a, _, size in difflib.SequenceMatcher(None, candidate, target, autojunk=False).get_matching_blocks():
        if size >= 2:   # a lone shared character (服, 務) is chance, not the title
            covered[a:a + size] = [True] * size
    run = longest = 0
    for c in covered:
        run = 0 if c else run + 1
        longest = max(longest, run)
    return longest >= 5


def _cjk_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12 (pillar and sub-item numbers)."""
    digits = "一二三四五六七八九"
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + digits.index(text[1]) + 1
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.index(tens) + 1) * 10 + (digits.index(ones) + 1 if ones else 0)
    return digits.index(text) + 1 if text in digits else 0


def _original(tokens: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    """The text as written between two (token, offset) positions, lines joined."""
    parts = []
    for t in range(start[0], min(end[0], len(tokens) - 1) + 1):
        a = start[1] if t == start[0] else 0
        b = end[1] if t == end[0] else len(tokens[t])
        parts.append(tokens[t][a:b])
    return join_lines(parts)


# ---- header and sections -----------------------------------------------------------

class Document:
    """Header and numbered sections, fed paragraph by paragraph."""

    def __init__(self, draft: Draft, agency_names: list[str], whole_paragraphs: bool = False) -> None:
        self.draft = draft
        self.whole_paragraphs = whole_paragraphs   # a word processor's paragraphs are never broken lines
        self.agency_names = [squash(n) for n in agency_names if n]
        self.section: Section | None = None

    def header(self, text: str, where: str) -> None:
        t = clean(text)
        if not t:
            return
        if self._approval(t):
            return
        m = YEAR_TITLE.search(t)
        if m and not self.draft.title:
            self.draft.year = int(m.group("year"))
            self.draft.title = clean(t[m.start():])
            before = squash(t[:m.start()])
            if before and not any(before in n or n in before for n in self.agency_names):
                self.draft.unplaced.append(Unplaced(clean(t[:m.start()]), where))
            return
        if any(squash(t) in n or n in squash(t) for n in self.agency_names) or squash(t) in ("高雄市政府", "附表", "附件"):
            return
        self.draft.unplaced.append(Unplaced(t, where))

    def _approval(self, t: str) -> bool:
        if not re.search(r"核備|核定|備查|修訂|修正", t) or not ROC_DATE.search(t) or len(t) > 80:
            return False
        dates = list(ROC_DATE.finditer(t))
        if re.search(r"核備|核定|備查", t) and not self.draft.approval:
            y, mo, d = dates[0].groups()
            approval = {"date": f"{int(y)}/{int(mo):02d}/{int(d):02d}"}
            doc = re.search(r"\S*字第\s*\S+?\s*號", t[dates[0].end():])
            if doc:
                approval["document"] = clean(doc.group(0))
            action = re.search(r"函?(?:核備|核定|備查)", t)
            if action:
                approval["action"] = action.group(0)
            self.draft.approval = approval
            for extra in dates[1:]:
                y, mo, d = extra.groups()
                self.draft.revisions.append(f"{int(y)}/{int(mo):02d}/{int(d):02d}")
            return True
        for extra in dates:
            y, mo, d = extra.groups()
            self.draft.revisions.append(f"{int(y)}/{int(mo):02d}/{int(d):02d}")
        return True

    def start_section(self, title: str, rest: str, where: str) -> Section:
        title = clean(title)
        body = ""
        m = re.match(r"^(.*?[：:])(.+)$", title)
        if m and len(m.group(1)) <= 16:
            title, body = m.group(1), m.group(2)
        self.section = Section(title)
        self.draft.sections.append(self.section)
        if body:
            self.section.lines.append((0, body.strip()))
        return self.section

    def line(self, text: str, where: str) -> None:
        t = clean(re.sub(r"^\s*[-•]\s+", "", text))
        if not t:
            return
        if self.section is None:
            self.header(t, where)
            return
        lines = self.section.lines
        m = CJK_ITEM.match(t)
        if m and re.match(r"^\s*[-•]?\s*[一二三四五六七八九十]", t):
            lines.append((1, t[m.end():]))
            return
        if m:
            lines.append((2, t[m.end():]))
            return
        m = ARABIC_ITEM.match(t)
        if m:
            depth = 2 if any(d == 1 for d, _ in lines) else 1
            if re.match(r"^\s*[（(]", t):
                depth = min(3, depth + 1)
            lines.append((depth, t[m.end():]))
            return
        if lines and not self.whole_paragraphs and not TABLE_CAPTION.search(t):
            depth, previous = lines[-1]
            if not re.search(r"[。！？：:]$", previous) and not TABLE_CAPTION.search(previous):
                lines[-1] = (depth, join_lines([previous, t]))
                return
        lines.append((0, t))


# ---- the content table from a stream of lines -------------------------------------------

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
        n = _cjk_number(m.group("top") or m.group("sub"))
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
        loose: list[Measure] = []
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
        del loose


# ---- the content table from a grid ------------------------------------------------------------

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


# ---- the whole document ---------------------------------------------------------------

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
    """A text table's header names its columns; a measure column is implied when the header has none."""
    keys = [k for k, _ in draft.columns]
    if keys and "measure" not in keys:
        # the seeds' three columns (工作要項 工作重點 業務單位): measures sit in the focus column's space
        pass
    if not draft.columns:
        draft.columns = [(k, t) for k, t in framework.columns.items()]


__all__ = ["parse", "choose_framework", "ImportFailure"]
