"""The plan an import produces, before it is written as YAML: small typed pieces.

Parsers (text lines or table grids) fill a `Draft`; `to_data` turns it into the plan
format's data (the same shape an editor writes by hand, marked `draft: true`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_SPACE_NEAR_CJK = re.compile(rf"\s+(?=[{CJK}])|(?<=[{CJK}])\s+")


def clean(text: str) -> str:
    """One line of running text: whitespace collapsed, none left beside Chinese characters."""
    text = re.sub(r"\s+", " ", text).strip()
    return _SPACE_NEAR_CJK.sub("", text)


def join_lines(lines: list[str]) -> str:
    """Visual lines of one paragraph joined: no space between Chinese, one between Latin words."""
    out = ""
    for line in lines:
        line = clean(line)
        if not line:
            continue
        if out and re.match(r"[A-Za-z0-9]", line[0]) and re.search(r"[A-Za-z0-9.,;:]$", out):
            out += " "
        out += line
    return out


@dataclass
class Measure:
    lines: list[str]                       # first line, continuation lines (joined)
    more: list[str] = field(default_factory=list)         # further paragraphs of the same measure
    subs: list[list[str]] = field(default_factory=list)   # sub-list entries, each its lines
    number: str = ""                       # the number written in the source ("1", "2.1"), if any
    deadline: str = ""
    units: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        head = "\n\n".join([join_lines(self.lines)] + [clean(p) for p in self.more if clean(p)])
        if not self.subs:
            return head
        subs = "\n".join(f"{i}. {join_lines(s)}" for i, s in enumerate(self.subs, 1))
        return f"{head}\n\n{subs}" if head else subs


@dataclass
class Block:
    """A run of measures sharing units: a group under a heading, or the measures of a row."""

    heading: list[str] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)     # a sentence between heading and measures
    measures: list[Measure] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    code: str = ""                          # a framework code at group level (scored frameworks)
    heading_open: bool = field(default=False, repr=False)   # a heading still waiting for its first measure


@dataclass
class Node:
    code: str
    title: str
    points: int | None = None
    blocks: list[Block] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    where: str = ""


@dataclass
class Opening:
    title: str = ""
    focus: str = ""
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Section:
    title: str
    lines: list[tuple[int, str]] = field(default_factory=list)   # (list depth, text); depth 0 = paragraph
    content: bool = False

    @property
    def body(self) -> str:
        out: list[str] = []
        counters = [0, 0, 0]
        for depth, text in self.lines:
            if depth == 0:
                if out and out[-1] and not out[-1].startswith(" "):
                    out.append("")
                out.append(text)
                counters = [0, 0, 0]
                continue
            counters[depth - 1] += 1
            for deeper in range(depth, 3):
                counters[deeper] = 0
            indent = "   " * (depth - 1)
            out.append(f"{indent}{counters[depth - 1]}. {text}")
        return "\n".join(out).strip() + ("\n" if len(out) > 1 else "")


@dataclass
class Unplaced:
    text: str
    source: str


@dataclass
class Draft:
    framework: str = ""
    year: int | None = None
    title: str = ""
    approval: dict = field(default_factory=dict)
    revisions: list[str] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)   # (key, title) in the document's order
    sections: list[Section] = field(default_factory=list)
    note: str = ""                          # a line above the table (單位(機關)：社會處)
    opening: Opening | None = None
    pillars: list[Node] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    units_seen: list[str] = field(default_factory=list)

    def measures(self):
        """(pillar, item, block, measure) for every measure, in order."""
        for pillar in self.pillars:
            for item in [pillar] + pillar.children:
                for block in item.blocks:
                    for m in block.measures:
                        yield pillar, item, block, m


# ---- to the plan format -------------------------------------------------------

DEFAULT_TITLES = {"measure": "具體作法", "result": "執行成效"}


def _units(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        if name and name not in out:
            out.append(name)
    return out


def _measure_data(m: Measure, with_units: bool):
    extra = {k: v for k, v in m.extra.items() if v}
    if not (m.deadline or extra or (with_units and m.units)):
        return m.text
    out: dict = {"text": m.text}
    if with_units and m.units:
        out["units"] = _units(m.units)
    if m.deadline:
        out["deadline"] = m.deadline
    out.update(extra)
    return out


def _blocks_data(blocks: list[Block], target: dict) -> None:
    """Measures of an item (or the opening): plain, per-measure units, or groups with headings."""
    blocks = [b for b in blocks if b.measures or b.heading]
    if not blocks:
        return
    for b in blocks:
        if b.intro and not b.heading:
            b.heading, b.intro = b.intro, []
    headed = any(b.heading or b.code for b in blocks)
    if not headed and len(blocks) == 1:
        b = blocks[0]
        target["measures"] = [_measure_data(m, with_units=bool(m.units and not b.units)) for m in b.measures]
        if b.units:
            target["units"] = _units(b.units)
        return
    if not headed:
        # one block per row: measures keep their own units
        measures = []
        for b in blocks:
            for m in b.measures:
                if b.units and not m.units:
                    m.units = list(b.units)
                measures.append(_measure_data(m, with_units=True))
        target["measures"] = measures
        return
    groups = []
    for b in blocks:
        group: dict = {}
        if b.code:
            group["code"] = b.code
        if b.heading:
            group["heading"] = join_lines(b.heading)
        if b.intro:
            group["intro"] = join_lines(b.intro)
        group["measures"] = [_measure_data(m, with_units=bool(m.units and not b.units)) for m in b.measures]
        if b.units:
            group["units"] = _units(b.units)
        groups.append(group)
    target["groups"] = groups


def to_data(draft: Draft) -> dict:
    data: dict = {}
    if draft.year is not None:
        data["year"] = draft.year
    data["title"] = draft.title
    data["framework"] = draft.framework
    data["draft"] = True
    if draft.approval:
        data["approval"] = dict(draft.approval)
    if draft.revisions:
        data["revisions"] = list(draft.revisions)
    columns = [(k, t) for k, t in draft.columns if t and DEFAULT_TITLES.get(k) != t]
    if columns:
        data["columns"] = {k: t for k, t in columns}
    sections = []
    for s in draft.sections:
        entry: dict = {"title": s.title}
        if s.content:
            entry["content"] = True
        elif s.lines:
            entry["body"] = s.body
        sections.append(entry)
    if sections:
        data["sections"] = sections
    content: dict = {}
    if draft.note:
        content["note"] = draft.note
    if draft.opening:
        op: dict = {"title": draft.opening.title}
        if draft.opening.focus:
            op["focus"] = draft.opening.focus
        blocks = draft.opening.blocks
        if len(blocks) > 1 or any(b.heading or b.intro for b in blocks):
            # the opening row has no groups: headings go to unplaced, measures keep their units
            for b in blocks:
                for line in b.heading + b.intro:
                    draft.unplaced.append(Unplaced(line, "開頭列"))
                for m in b.measures:
                    m.units = m.units or list(b.units)
            merged = Block(measures=[m for b in blocks for m in b.measures])
            shared = {tuple(m.units) for m in merged.measures}
            if len(shared) == 1:
                merged.units = list(shared.pop())
                for m in merged.measures:
                    m.units = []
            blocks = [merged]
        _blocks_data(blocks, op)
        content["opening"] = op
    if draft.note:
        m = re.search(r"單位[^：:]*[：:]\s*(\S{2,12})$", draft.note)
        if m and re.search(r"(處|局|科|課|室|組|所|中心)$", m.group(1)):
            content["units"] = [m.group(1)]
    pillars = []
    for p in draft.pillars:
        pd: dict = {"code": p.code, "title": p.title}
        if p.points is not None:
            pd["points"] = p.points
        if p.blocks:
            # the format has no measures directly under a pillar: keep the text, unplaced
            for b in p.blocks:
                for line in b.heading + b.intro:
                    draft.unplaced.append(Unplaced(line, p.where))
                for m in b.measures:
                    draft.unplaced.append(Unplaced(m.text, p.where))
            p.blocks = []
        _blocks_data(p.blocks, pd)
        items = []
        for it in p.children:
            idd: dict = {"code": it.code, "title": it.title}
            if it.points is not None:
                idd["points"] = it.points
            _blocks_data(it.blocks, idd)
            items.append(idd)
        if items:
            pd["items"] = items
        pillars.append(pd)
    content["pillars"] = pillars
    data["content"] = content
    if draft.unplaced:
        data["unplaced"] = [{"text": u.text, "source": u.source} if u.source else {"text": u.text}
                            for u in draft.unplaced if u.text.strip()]
    return data
