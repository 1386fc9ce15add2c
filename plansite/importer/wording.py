"""The vocabulary both routes share: numbering, column titles, and where a framework's pillar or
sub-item title begins and ends in a stream of lines (fuzzy, so agencies' small rewording still matches)."""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from ..model import Framework, FrameworkNode
from .body import mark_of
from .draft import join_lines

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


def cjk_number(text: str) -> int:
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


