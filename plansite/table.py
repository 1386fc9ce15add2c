"""The plan's content table as rows and cells, so templates only display.

The columns are the plan's own (plan.columns: declared in the plan's order and words, or
the framework's default). One tbody per pillar. The pillar is a row-group header spanning
its rows, the item a row header spanning its rows; when the plan puts pillar and item in
one column (工作要領), the pillar is a full-width header row opening its tbody instead.
Each data cell lists the ids of its column and row headers in `headers`, for screen
readers that mishandle rowspan. A pillar's tbody ends with a row linking back to the
plan's table of contents (page only, not the downloads).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import STATUSES, Column, Group, Measure, Plan, Unit


def pillar_anchor(code: str) -> str:
    """The id of a pillar's rows in a plan's table (p3); the site model links to it, templates never build it."""
    return f"p{code}"


def item_anchor(code: str) -> str:
    """The id of a framework item's row in a plan's table (i3-2 for item 3.2)."""
    return "i" + code.replace(".", "-")

HIERARCHY = ("item", "focus", "sub")        # the framework levels, always the leftmost columns
PER_MEASURE = ("deadline", "result")        # built-in columns with one value per measure


@dataclass
class Cell:
    kind: str      # pillar | pillar-row | item | sub | opening-item | focus | empty | measures | units | deadline
    #                | result | extra
    id: str = ""
    rowspan: int = 1
    colspan: int = 1
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
    status: str = ""            # result cells: 完成 / 部分完成 / 未完成 / 持續辦理 or ""


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
    keys: list[str] = field(default_factory=list)   # column keys, in order

    @property
    def wide(self) -> bool:
        """Label columns wider than the 32em the stylesheet's 47em switch allows for (every seed plan fits):
        the page then keeps the stacked layout up to a 62em box, and prints smaller."""
        widths = {"item": 9, "focus": 8 if self.scored else 14, "sub": 8, "unit": 9, "deadline": 7, "result": 12}
        return sum(widths.get(k, 10) for k in self.keys if k != "measure") > 32


def column_id(key: str) -> str:
    return f"c-{key}" if key in Column.BUILT_IN else f"c-x-{key}"


def visible_columns(plan: Plan) -> list[Column]:
    """The columns the table shows: every declared one, or the framework's default order minus empty ones."""
    if plan.declared_columns:
        # results are added at year end, after the plan was signed: their column comes last unless placed
        if plan.has_results and not any(c.key == "result" for c in plan.columns):
            return list(plan.columns) + [Column("result", "執行成效")]
        return list(plan.columns)
    scored = len(plan.framework.levels) > 2
    everything = list(plan.measures())
    has_units = not plan.note and (any(m.units for *_, m in everything)
                                   or bool(plan.opening and (plan.opening.units or any(m.units for m in plan.opening.measures))))
    used = {"item": True, "focus": True, "sub": scored, "measure": True, "unit": has_units,
            "deadline": any(m.deadline for *_, m in everything),
            "result": any(m.result or m.status for *_, m in everything)}
    return [c for c in plan.columns if used.get(c.key, False)]


def build_table(plan: Plan) -> Table:
    cols = visible_columns(plan)
    keys = [c.key for c in cols]
    label = {c.key: c.title for c in cols}
    scored = len(plan.framework.levels) > 2
    shared = ("item" in keys) != ("focus" in keys)          # pillar and item in one column
    head_key = "item" if "item" in keys else "focus"
    per_measure = any(k in PER_MEASURE or c.extra for k, c in zip(keys, cols))
    has_units = "unit" in keys
    bodies: list[Body] = []

    def tail(measures, units, row_headers):
        """The measure cell's neighbours after the hierarchy columns, in the plan's order."""
        one = measures[0] if len(measures) == 1 and per_measure else None
        out = []
        for col in cols:
            h = _ids(column_id(col.key), row_headers)
            if col.key in HIERARCHY or col.key == "measure":
                continue
            if col.key == "unit":
                out.append(Cell("units", headers=h, label=col.title, units=units))
            elif col.key == "deadline":
                out.append(Cell("deadline", headers=h, label=col.title, text=one.deadline if one else ""))
            elif col.key == "result":
                out.append(Cell("result", headers=h, label=col.title, text=one.result if one else "",
                                status=one.status if one else ""))
            else:
                out.append(Cell("extra", headers=h, label=col.title, text=one.extra.get(col.key, "") if one else ""))
        return out

    def measure_rows(group: Group, row_headers: str, sub_header: str, heading_in_cell: bool):
        chunks = _chunks(group, has_units, per_measure)
        rows = []
        for n, (measures, units) in enumerate(chunks):
            row: list[Cell] = []
            if "sub" in keys and n == 0:
                if group.heading:
                    row.append(Cell("sub", id=sub_header, rowspan=len(chunks), label=label["sub"], group=group,
                                    heading=group.heading))
                else:
                    row.append(Cell("empty", rowspan=len(chunks), headers=_ids("c-sub", row_headers), label=label["sub"]))
            first = n == 0
            row.append(Cell("measures", headers=_ids("c-measure", row_headers, sub_header),
                            label=label["measure"], group=group, measures=measures,
                            heading=group.heading if first and heading_in_cell else "",
                            intro=group.intro if first else ""))
            row.extend(tail(measures, units, _ids(row_headers, sub_header)))
            rows.append(row)
        return rows

    opening_rows: list[list[Cell]] = []        # an opening placed in a pillar as its sub-item (一)
    if plan.opening:
        o = plan.opening
        same = all(m.units == o.units for m in o.measures)
        group = Group("", "", None, "", o.measures, o.units if same else [], None)
        if o.pillar:
            host = pillar_anchor(o.pillar)
            opening_rows = measure_rows(group, _ids(host, "p0"), "", True)
            opening_rows[0].insert(0, Cell("opening-sub", id="p0", rowspan=len(opening_rows), headers=host if shared else "",
                                           label=label[head_key if shared else "focus"], text=o.title, intro=o.focus))
        else:
            focus_col = "focus" in keys and not shared
            heads = ("p0" if o.title else "") + (" p0-f" if focus_col and o.focus else "")
            rows = measure_rows(group, heads.strip(), "", True)
            if o.title or (shared and o.focus):
                lead = [Cell("opening-item", id="p0", rowspan=len(rows), label=label[head_key], text=o.title,
                             intro=o.focus if shared else "")]
            else:  # the plan's first row has no title: an empty cell, nothing invented
                lead = [Cell("empty", rowspan=len(rows), headers=column_id(head_key), label=label[head_key])]
            if focus_col:
                lead.append(Cell("focus", id="p0-f", rowspan=len(rows), headers="c-focus" + (" p0" if o.title else ""),
                                 label=label["focus"], text=o.focus) if o.focus else
                            Cell("empty", rowspan=len(rows), headers="c-focus", label=label["focus"]))
            rows[0] = lead + rows[0]
            bodies.append(Body("p0", rows))

    for pillar in plan.pillars:
        pid = pillar_anchor(pillar.code)
        rows: list[list[Cell]] = []
        for item in pillar.items:
            iid = item_anchor(item.code)
            item_rows: list[list[Cell]] = []
            groups = item.groups or [Group("", "", None, "", [], [], item.pos)]
            for group in groups:
                gid = f"g{group.code.replace('.', '-')}" if group.code and "sub" in keys else ""
                item_rows.extend(measure_rows(group, f"{pid} {iid}", gid, "sub" not in keys))
            item_rows[0].insert(0, Cell("item", id=iid, rowspan=len(item_rows), label=label[head_key if shared else "focus"],
                                        item=item, pillar=pillar, intro=item.intro,
                                        headers=pid if shared else ""))
            rows.extend(item_rows)
        if opening_rows and pillar.code == plan.opening.pillar:
            rows = opening_rows + rows
        if shared:
            rows.insert(0, [Cell("pillar-row", id=pid, colspan=len(cols), label=label[head_key], pillar=pillar)])
        elif rows:
            rows[0].insert(0, Cell("pillar", id=pid, rowspan=len(rows), label=label["item"], pillar=pillar))
        else:  # a draft's pillar without items yet
            rows = [[Cell("pillar", id=pid, label=label["item"], pillar=pillar)]
                    + [Cell("empty", headers=f"{column_id(k)} {pid}", label=label[k]) for k in keys[1:]]]
        bodies.append(Body(pid, rows, back_to_toc=True))
    return Table(columns=[(column_id(c.key), c.title) for c in cols], bodies=bodies, has_units=has_units,
                 has_deadline="deadline" in keys, scored=scored, keys=keys)


def _ids(*parts: str) -> str:
    """A headers attribute: the non-empty ids, space-separated."""
    return " ".join(p for p in parts if p)


def _chunks(group: Group, has_units: bool, per_measure: bool):
    """Rows for one group: one row when units are shared and no column differs per measure, else one per measure."""
    if not group.measures:
        return [([], group.units)]
    if not per_measure and (group.units or not has_units):
        return [(group.measures, group.units)]
    return [([m], m.units) for m in group.measures]


@dataclass
class ResultRow:
    label: str                  # the pillar as the plan numbers it, or 合計
    counts: list[int]           # per STATUSES, then 未填
    total: int


def results_summary(plan: Plan, pillar_label) -> list[ResultRow]:
    """Per pillar, how many measures are 完成 / 部分完成 / 未完成 / 持續辦理 / not reported; then the total.

    Empty when the plan carries no results. `pillar_label(pillar)` gives the pillar's visible name.
    """
    if not plan.has_results:
        return []
    out = []
    totals = [0] * (len(STATUSES) + 1)
    for pillar in plan.pillars:
        counts = [0] * (len(STATUSES) + 1)
        for item in pillar.items:
            for group in item.groups:
                for m in group.measures:
                    counts[STATUSES.index(m.status) if m.status else len(STATUSES)] += 1
        totals = [a + b for a, b in zip(totals, counts)]
        out.append(ResultRow(pillar_label(pillar), counts, sum(counts)))
    out.append(ResultRow("合計", totals, sum(totals)))
    return out
