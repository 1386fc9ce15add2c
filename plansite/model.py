"""The plan data as typed values: frameworks, agencies and their units, plans.

Every value that came from a file carries the Pos it came from, so later checks
can point editors at the right line.
"""
from __future__ import annotations

import pathlib
from dataclasses import dataclass, field

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


# ---- agencies -------------------------------------------------------------

@dataclass
class Unit:
    name: str
    slug: str
    description: str
    pos: Pos


@dataclass
class Agency:
    slug: str
    name: str
    full_name: str
    government: str
    parent: str
    contact: dict[str, str]
    units: list[Unit]
    path: pathlib.Path
    plans: list["Plan"] = field(default_factory=list)  # filled by the site model, newest first

    def unit(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)


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


@dataclass
class Measure:
    text: str
    units: list[Unit]
    deadline: str
    pos: Pos
    number: str = ""                # generated: "1", "2.1" or "" when alone


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
    title: str
    focus: str
    measures: list[Measure]
    units: list[Unit]


@dataclass
class Plan:
    agency: Agency
    year: int
    title: str
    framework: Framework
    published: str
    columns: dict[str, str]
    sections: list[Section]
    note: str
    opening: Opening | None
    pillars: list[Pillar]
    path: pathlib.Path
    raw: dict                       # the validated data, for the JSON download

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
