"""The plan's content table as rows and cells, so templates only display.

One tbody per pillar. The pillar is a row-group header spanning its rows, the item a
row header spanning its rows; each data cell lists the ids of its column and row
headers in `headers`, for screen readers that mishandle rowspan. A pillar's tbody ends
with a row linking back to the plan's table of contents (page only, not the downloads).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import Group, Measure, Plan, Unit


@dataclass
class Cell:
    kind: str                   # pillar | item | sub | opening-item | focus | measures | units | deadline
    id: str = ""
    rowspan: int = 1
    headers: str = ""
    label: str = ""             # the column title, shown before the cell on phones
    pillar: object = None
    item: object = None
    group: Group | None = None
    heading: str = ""
    intro: str = ""
    measures: list[Measure] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    text: str = ""


@dataclass
class Body:
    id: str
    rows: list[list[Cell]]
    back_to_toc: bool = False    # a pillar: the page adds a 回到目錄 row after its rows


@dataclass
class Table:
    columns: list[tuple[str, str]]   # (id, title)
    bodies: list[Body]
    has_units: bool
    has_deadline: bool
    scored: bool


def build_table(plan: Plan) -> Table:
    fw = plan.framework
    scored = len(fw.levels) > 2
    has_units = not plan.note and any(m.units for *_, m in plan.measures())
    has_deadline = any(m.deadline for *_, m in plan.measures())
    cols = [("c-item", plan.columns.get("item", fw.levels[0].name)),
            ("c-focus", plan.columns.get("focus", fw.levels[1].name))]
    if scored:
        cols.append(("c-sub", plan.columns.get("sub", fw.levels[2].name)))
    cols.append(("c-measure", plan.columns.get("measure", "具體作法")))
    if has_units:
        cols.append(("c-unit", plan.columns.get("unit", "負責單位")))
    if has_deadline:
        cols.append(("c-deadline", plan.columns.get("deadline", "完成期限")))
    label = dict(cols)
    bodies: list[Body] = []

    if plan.opening:
        o = plan.opening
        row = [Cell("opening-item", id="p0", label=label["c-item"], text=o.title),
               Cell("focus", id="p0-f", headers="c-focus p0", label=label["c-focus"], text=o.focus)]
        if scored:
            row.append(Cell("empty", headers="c-sub p0", label=label["c-sub"]))
        row.append(Cell("measures", headers="c-measure p0 p0-f", label=label["c-measure"], measures=o.measures))
        if has_units:
            row.append(Cell("units", headers="c-unit p0 p0-f", label=label["c-unit"], units=o.units))
        if has_deadline:
            row.append(Cell("deadline", headers="c-deadline p0 p0-f", label=label["c-deadline"]))
        bodies.append(Body("p0", [row]))

    for pillar in plan.pillars:
        pid = f"p{pillar.code}"
        rows: list[list[Cell]] = []
        for item in pillar.items:
            iid = f"i{item.code.replace('.', '-')}"
            item_rows: list[list[Cell]] = []
            groups = item.groups or [Group("", "", None, "", [], [], item.pos)]
            for group in groups:
                gid = f"g{group.code.replace('.', '-')}" if group.code else ""
                row_headers = f"{pid} {iid}" + (f" {gid}" if gid else "")
                chunks = _chunks(group, has_units, has_deadline)
                for n, (measures, units, deadline) in enumerate(chunks):
                    row: list[Cell] = []
                    if scored and n == 0 and group.heading:
                        row.append(Cell("sub", id=gid, rowspan=len(chunks), label=label["c-sub"], group=group,
                                        heading=group.heading))
                    elif scored and n == 0:
                        row.append(Cell("empty", rowspan=len(chunks), headers=f"c-sub {pid} {iid}", label=label["c-sub"]))
                    first = n == 0
                    row.append(Cell("measures", headers=f"c-measure {row_headers}", label=label["c-measure"],
                                    group=group, measures=measures,
                                    heading=group.heading if first and not scored else "",
                                    intro=group.intro if first else ""))
                    if has_units:
                        row.append(Cell("units", headers=f"c-unit {row_headers}", label=label["c-unit"], units=units))
                    if has_deadline:
                        row.append(Cell("deadline", headers=f"c-deadline {row_headers}", label=label["c-deadline"],
                                        text=deadline))
                    item_rows.append(row)
            item_rows[0].insert(0, Cell("item", id=iid, rowspan=len(item_rows), label=label["c-focus"], item=item,
                                        pillar=pillar, intro=item.intro))
            rows.extend(item_rows)
        rows[0].insert(0, Cell("pillar", id=pid, rowspan=len(rows), label=label["c-item"], pillar=pillar))
        bodies.append(Body(pid, rows, back_to_toc=True))
    return Table(columns=cols, bodies=bodies, has_units=has_units, has_deadline=has_deadline, scored=scored)


def _chunks(group: Group, has_units: bool, has_deadline: bool):
    """Rows for one group: one row when units and deadline are shared, else one per measure."""
    if not group.measures:
        return [([], [], "")]
    if not has_deadline and (group.units or not has_units):
        return [(group.measures, group.units, "")]
    return [([m], m.units, m.deadline) for m in group.measures]
