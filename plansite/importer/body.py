"""The measures of one table cell or one sub-item's run of text: headings, numbered measures,
sub-lists, responsible units and deadlines, from lines as a document gives them."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .draft import Block, Measure, clean

# 1.  1、 1．  2.1  (1)  （1）  ①  1)
_NUM = re.compile(r"^\s*(?:(?P<dotted>\d+[.．]\d+)(?![\d])[.．、]?|(?P<num>\d+)\s*[.．、](?!\d)|"
                  r"[（(](?P<paren>\d+)[)）]|(?P<circled>[①-⑳])|(?P<close>\d+)[)）])\s*")
_SENTENCE_END = re.compile(r"[。！？；;：:]\s*$")
DEADLINE = re.compile(r"^(?:\d{2,3}\s*[/／.年-]\s*\d{1,2}(?:\s*[/／.月-]\s*\d{1,2}\s*日?)?|\d{4}-\d{2}-\d{2}|"
                      r"全年|全年度|持續辦理|隨時辦理|每月|每季|每年)$")
UNIT_SUFFIX = re.compile(r"^[\u4e00-\u9fff()（）]{1,14}(?:組|科|課|室|股|中心|所|隊|處|局|站|館|會|部|院|團|小組)$")
_UNIT_SPLIT = re.compile(r"[、，,／/\s]+")


@dataclass(frozen=True)
class Mark:
    kind: str        # dotted | num | paren | circled | close
    number: str
    rest: str


def mark_of(text: str) -> Mark | None:
    m = _NUM.match(text)
    if not m:
        return None
    for kind in ("dotted", "num", "paren", "circled", "close"):
        if m.group(kind):
            number = m.group(kind)
            if kind == "circled":
                number = str(ord(number) - ord("①") + 1)
            return Mark(kind, number, text[m.end():])
    return None


class Units:
    """The agency's unit names, and what looks like one."""

    def __init__(self, known: list[str]) -> None:
        self.known = list(known)
        self._folded = {clean(k): k for k in known}

    def name(self, text: str) -> str | None:
        """The unit named by `text` (no number), or None."""
        text = clean(text).strip("。.，,")
        if text in self._folded:
            return self._folded[text]
        if 2 < len(text) <= 16 and UNIT_SUFFIX.match(text):
            return text
        return None

    def names(self, text: str, strict: bool = False) -> list[str]:
        """All units in one line (「行政課 服務課」, 「1.成人保護組」), or [] if it is not a unit line."""
        mark = mark_of(text)
        body = mark.rest if mark and mark.kind in ("num", "paren", "close", "circled") else text
        body = body.strip()
        if not body:
            return []
        whole = self.name(body) if not strict else self._folded.get(clean(body))
        if whole:
            return [whole]
        parts = [p for p in _UNIT_SPLIT.split(body) if p]
        if len(parts) > 1:
            names = [self.name(p) if not strict else self._folded.get(clean(p)) for p in parts]
            if all(names):
                return names
        return []


def take_units(lines: list[tuple[str, str]], i: int, units: Units, after_complete: bool) -> tuple[list[str], int]:
    """Units starting at line i (a unit name may be broken over two or three lines); ([], i) if none."""
    text = lines[i][0]
    strict = not after_complete
    found = units.names(text, strict=strict)
    if found:
        return found, i + 1
    # 「5.綜合規劃及行」「政組」: join with the next lines while the join still could be a unit
    joined = text
    for j in range(i + 1, min(i + 3, len(lines))):
        if mark_of(lines[j][0]):
            break
        joined += lines[j][0].strip()
        found = units.names(joined, strict=strict)
        if found:
            return found, j + 1
    return [], i


def parse_paragraphs(paras: list[str]) -> list[Block]:
    """One table cell of a word processor's document: every paragraph is whole (never a broken line).
    Unnumbered paragraphs before the first measure are the heading (and intro); after a measure,
    an unnumbered paragraph is that measure's next paragraph."""
    block = Block()
    measure: Measure | None = None
    paras = [p.strip() for p in paras if p.strip()]
    for k, text in enumerate(paras):
        mk = mark_of(text)
        if mk and mk.kind in ("paren", "circled", "close") and measure is not None:
            measure.subs.append([mk.rest])
        elif mk:
            measure = Measure([mk.rest], number=mk.number)
            block.measures.append(measure)
        elif measure is not None:
            measure.more.append(text)
        elif k + 1 < len(paras) and not block.heading:
            block.heading.append(text)
        elif k + 1 < len(paras) and mark_of(paras[k + 1]):
            block.intro.append(text)
        else:
            measure = Measure([text])
            block.measures.append(measure)
    return [block] if block.measures or block.heading else []


def parse_body(lines: list[tuple[str, str]], units: Units | None, deadlines: list[str] | None = None,
               blocks: list[Block] | None = None) -> list[Block]:
    """Blocks of measures from (text, where) lines. With `units`, unit lines are recognised and
    attached to the block they follow; date lines go to `deadlines` when a list is given."""
    blocks = blocks if blocks is not None else []
    block: Block | None = blocks[-1] if blocks else None
    measure: Measure | None = block.measures[-1] if block and block.measures else None
    state = "start"
    i = 0
    n = len(lines)

    def complete(m: Measure | None) -> bool:
        if m is None:
            return True
        last = (m.subs[-1] if m.subs else m.lines)[-1] if (m.subs or m.lines) else ""
        return bool(_SENTENCE_END.search(last))

    def next_marked(j: int) -> Mark | None:
        for k in range(j, min(j + 4, n)):
            mk = mark_of(lines[k][0])
            if mk:
                return mk
            if units and units.names(lines[k][0], strict=True):
                return None
        return None

    while i < n:
        text, where = lines[i]
        text = text.strip()
        if not text:
            i += 1
            continue
        if deadlines is not None and DEADLINE.match(clean(text)):
            deadlines.append(clean(text))
            i += 1
            continue
        if units is not None and block is not None and block.measures:
            found, j = take_units(lines, i, units, after_complete=complete(measure) or state == "units")
            if found:
                block.units.extend(found)
                state = "units"
                i = j
                continue
        mk = mark_of(text)
        if mk and mk.kind in ("paren", "circled", "close") and measure is not None and state in ("measure", "sub"):
            measure.subs.append([mk.rest])
            state = "sub"
            i += 1
            continue
        if mk:
            number = mk.number
            continues = bool(measure and measure.number and _follows(measure.number, number))
            if block is None or (block.units and not continues) or (number in ("1", "1.1") and block.measures
                                                                      and not block.heading_open):
                block = Block()
                blocks.append(block)
            block.heading_open = False
            measure = Measure([mk.rest], number=number)
            block.measures.append(measure)
            state = "measure"
            i += 1
            continue
        # an unnumbered line
        if measure is not None and state in ("measure", "sub") and not complete(measure):
            (measure.subs[-1] if state == "sub" else measure.lines).append(text)
            i += 1
            continue
        if state == "units" and measure is not None and not complete(measure):
            # a measure broken by a page break: its units came first
            measure.lines.append(text)
            i += 1
            continue
        if state == "heading" and block is not None and not block.measures:
            # more lines before the first measure: the heading's own last words, or an intro
            if not block.intro and not _SENTENCE_END.search(block.heading[-1]) and len(clean(text)) <= 12 \
                    and len(clean("".join(block.heading))) <= 16:
                block.heading.append(text)
            else:
                block.intro.append(text)
            i += 1
            continue
        ahead = next_marked(i + 1)
        short = clean(text)
        if ahead is not None and ahead.number in ("1", "1.1") and len(short) <= 60:
            block = Block(heading=[text])
            block.heading_open = True
            blocks.append(block)
            measure = None
            state = "heading"
            i += 1
            continue
        if measure is not None and measure.number and state in ("measure", "sub"):
            # a numbered list has no unnumbered entries: a further sentence of the same measure
            (measure.subs[-1] if state == "sub" else measure.lines).append(text)
            i += 1
            continue
        if block is None or block.units:
            block = Block()
            block.heading_open = False
            blocks.append(block)
        measure = Measure([text])
        block.measures.append(measure)
        state = "measure"
        i += 1
    return blocks


def _follows(previous: str, number: str) -> bool:
    try:
        if "." in previous or "．" in previous:
            a, b = re.split(r"[.．]", previous)
            c, d = re.split(r"[.．]", number) if re.search(r"[.．]", number) else (number, "0")
            return (a == c and int(d) == int(b) + 1) or (int(c) == int(a) + 1)
        return int(number) == int(previous) + 1
    except ValueError:
        return False

