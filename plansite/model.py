"""The plan data as typed values: frameworks, agencies and their units, plans.

Every value that came from a file carries the Pos it came from, so later checks
can point editors at the right line.
"""
from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass, field
from functools import cached_property

from . import yamlfile
from .errors import Pos


# ---- frameworks -------------------------------------------------------------

@dataclass(frozen=True)
class Level:
    name: str          # 構面, 服務項目, 次執行指標 …
    numbering: str     # cjk | cjk-paren | arabic | none


@dataclass
class FrameworkNode:
    code: str
    title: str
    depth: int                      # 0 = pillar, 1 = item, 2 = sub-indicator
    points: int | None = None
    children: list["FrameworkNode"] = field(default_factory=list)
    parent: "FrameworkNode | None" = field(default=None, repr=False)
    index: int = 0                  # 1-based position among its siblings


@dataclass
class Framework:
    id: str
    name: str
    description: str
    levels: list[Level]
    measure_numbering: str          # arabic | parent-dotted
    columns: dict[str, str]
    roots: list[FrameworkNode]
    nodes: dict[str, FrameworkNode]  # by code
    path: pathlib.Path
    digest: str = field(default="", repr=False, compare=False)   # of the file's text (Doc.digest)


@dataclass
class Crosswalk:
    """Which pillars or items of two framework editions speak of the same thing, as people decided and
    wrote in frameworks/crosswalks/*.yaml (never guessed). Each pair joins nodes of the same depth."""
    between: tuple[Framework, Framework]    # the file's from and to
    basis: str                      # who decided, on what grounds: shown beside the correspondences
    pairs: list[tuple[Framework, FrameworkNode, Framework, FrameworkNode]]
    path: pathlib.Path
    digest: str = field(default="", repr=False, compare=False)

    def counterparts(self, fw: Framework, node: FrameworkNode) -> list[tuple[Framework, FrameworkNode]]:
        """The other edition's nodes paired with `node` of `fw`, in the file's order."""
        found = [(f2, n2) for f1, n1, f2, n2 in self.pairs if f1 is fw and n1 is node]
        found += [(f1, n1) for f1, n1, f2, n2 in self.pairs if f2 is fw and n2 is node]
        return found


# ---- agencies -------------------------------------------------------------

@dataclass
class Unit:
    name: str
    slug: str
    description: str
    pos: Pos


LOCAL_GOVERNMENT = re.compile(r"[縣市](政府|議會)$")   # 高雄市政府, 澎湖縣政府; anything else is central


def is_local_government(name: str) -> bool:
    """True for a city or county government (縣市政府); False for a ministry or other 中央機關 (交通部)."""
    return bool(LOCAL_GOVERNMENT.search(name))


@dataclass
class Agency:
    slug: str
    name: str
    full_name: str
    government: str                 # 高雄市政府, 澎湖縣政府, or a ministry: 交通部
    parents: list[str]              # the levels between government and agency, top first: [民用航空局]
    contact: dict[str, str]
    units: list[Unit]
    path: pathlib.Path
    plans: list["Plan"] = field(default_factory=list)  # filled by the site model, newest first
    digest: str = field(default="", repr=False, compare=False)   # of agency.yaml's text (Doc.digest)

    def unit(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)

    @property
    def parent(self) -> str:
        """The immediate parent's short name (民用航空局), or "" when the agency sits right under its government."""
        return self.parents[-1] if self.parents else ""

    @property
    def parent_full_name(self) -> str:
        """The immediate parent's full name, as agencies write it: 交通部民用航空局 (or "" without a parent)."""
        return self.government + "".join(self.parents) if self.parents else ""

    @property
    def chain(self) -> list[str]:
        """Government, parents and the agency itself: [交通部, 民用航空局, 臺南航空站]."""
        return [self.government, *self.parents, self.name]

    @property
    def is_central(self) -> bool:
        return not is_local_government(self.government)


# ---- plans ----------------------------------------------------------------

@dataclass
class Section:
    title: str
    body: str
    has_content: bool
    pos: Pos

    @property
    def short_title(self) -> str:
        """The title without the trailing colon some agencies write (計畫依據：)."""
        return self.title.rstrip("：:").strip()


STATUSES = ("完成", "部分完成", "未完成", "持續辦理")   # 執行成效 status, in this order everywhere
STATUS_CLASS = dict(zip(STATUSES, ("done", "partial", "not-done", "ongoing")))


class _NoExtra(dict):
    """The extra columns of a measure that has none: one empty dict shared by all of them (a dict
    each took 22 MB at 5,000 plans), which refuses changes; give a measure a new dict instead."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("Measure.extra is shared while empty: assign a new dict instead")

    __setitem__ = __delitem__ = __ior__ = update = setdefault = pop = popitem = clear = _refuse


NO_EXTRA = _NoExtra()


@dataclass
class Measure:
    text: str
    units: list[Unit]
    deadline: str
    pos: Pos
    number: str = ""                # generated: "1", "2.1" or "" when alone
    extra: dict[str, str] = field(default_factory=lambda: NO_EXTRA)   # extra column key -> text (預期效益 …)
    result: str = ""                # 執行成效 text, added at year end
    status: str = ""                # one of STATUSES, or ""
    no_units: bool = False          # units: [] here or above: the document names no unit, on purpose

    @cached_property
    def plain(self) -> str:
        """The text without Markdown, once per measure: downloads, comparisons and search all use it."""
        from .markdown import plain_text  # noqa: PLC0415 - model stays free of rendering imports

        return plain_text(self.text)


@dataclass(frozen=True)
class Column:
    """One column of the plan's content table, in the plan's order and words.

    key: item (pillar) | focus (framework item) | sub (third level) | measure | unit | deadline |
    result (執行成效) | any other key: an extra per-measure text column.
    """
    key: str
    title: str

    BUILT_IN = ("item", "focus", "sub", "measure", "unit", "deadline", "result")

    @property
    def extra(self) -> bool:
        return self.key not in self.BUILT_IN


@dataclass
class Approval:
    """The line agencies print under the title: 113年3月5日○○字第…號函核備; 107年02月22日修訂."""
    date: str                       # ROC date as written, 113/03/05
    document: str                   # 高市社秘字第1130000000號, or ""
    action: str                     # 函核備, 核定 …
    revisions: list[str]            # ROC dates as written

    @staticmethod
    def roc(date: str) -> str:
        """113/03/05 -> 113年03月05日, keeping the editor's digits."""
        y, m, d = date.split("/")
        return f"{y}年{m}月{d}日"

    @property
    def lines(self) -> list[str]:
        out = []
        if self.date:
            out.append(f"{self.roc(self.date)}{self.document}{self.action}")
        out += [f"{self.roc(r)}修訂" for r in self.revisions]
        return out


@dataclass
class Group:
    heading: str
    code: str                       # framework code of a sub-indicator, or ""
    points: int | None
    intro: str
    measures: list[Measure]
    units: list[Unit]               # when the group names its units once for all measures
    pos: Pos
    number: str = ""                # generated for numbered framework levels


@dataclass
class Item:
    code: str
    title: str                      # the agency's own wording
    points: int | None
    intro: str
    groups: list[Group]
    units: list[Unit]
    node: FrameworkNode
    pos: Pos
    index: int = 0                  # the number the plan shows: the framework's, +1 after an opening sub-item

    @property
    def measure_count(self) -> int:
        return sum(len(g.measures) for g in self.groups)


@dataclass
class Pillar:
    code: str
    title: str
    points: int | None
    items: list[Item]
    node: FrameworkNode
    pos: Pos


@dataclass
class Opening:
    title: str                      # the plan's own wording; nothing is invented
    focus: str
    measures: list[Measure]
    units: list[Unit]
    pillar: str = ""                # a pillar code: the opening is that pillar's first sub-item (一)


@dataclass
class Unplaced:
    """Text an import could not place in the plan (unplaced:), kept so nothing is lost; never published."""
    text: str
    source: str                     # where in the imported file it came from: 第 12 行, or ""
    pos: Pos


@dataclass
class Plan:
    agency: Agency
    year: int
    title: str
    framework: Framework
    published: str
    columns: list[Column]           # declared by the plan, or the framework's default order
    declared_columns: bool          # the plan lists its columns: show exactly those
    sections: list[Section]
    note: str
    opening: Opening | None
    pillars: list[Pillar]
    path: pathlib.Path
    raw_packed: bytes               # the validated data as deflated compact JSON, for the JSON download (`raw`)
    draft: bool = False
    approval: Approval | None = None
    unplaced: list[Unplaced] = field(default_factory=list)   # imported text still to be placed by the editor
    digest: str = field(default="", repr=False, compare=False)   # of the plan file's text (Doc.digest)

    @property
    def raw(self) -> dict:
        """The validated data (without unplaced text), unpacked from raw_packed at each use: a plan keeps
        its data as one deflated JSON text (yamlfile.pack), not as thousands of small objects."""
        return yamlfile.unpack(self.raw_packed)

    @raw.setter
    def raw(self, value: dict) -> None:
        self.raw_packed = yamlfile.pack(value)

    def column_title(self, key: str, default: str = "") -> str:
        return next((c.title for c in self.columns if c.key == key), default)

    @property
    def has_results(self) -> bool:
        return any(m.result or m.status for *_, m in self.measures())

    @property
    def full_title(self) -> str:
        return f"{self.agency.full_name}{self.title}"

    def measures(self):
        """Every measure with its pillar, item and group, in document order."""
        for pillar in self.pillars:
            for item in pillar.items:
                for group in item.groups:
                    for measure in group.measures:
                        yield pillar, item, group, measure
