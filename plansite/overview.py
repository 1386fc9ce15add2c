"""Overview figures (issue 15): what a set of plans adds up to, as typed values for a chart and its table.

Pure: plans and the site model's URL functions in, frozen dataclasses out; nothing here builds a URL,
draws or renders. One counting rule everywhere: a plan's measures are the measures under its pillars
(the content table's rows below each pillar). The table's first row, 訂定「提升服務計畫」, belongs to
no pillar and is left out, as in the plan page's 執行成效統計. A measure naming two units counts for both.
Plans of different frameworks are never mixed in one pillar figure: there is one per framework.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from .model import STATUSES, Agency, Framework, FrameworkNode, Measure, Plan, Unit

UNREPORTED = "未填報"
TOP_UNITS = 10
TOP_DRAWN = 20           # a heat chart draws at most this many rows (the most measures); its table has all
DUE_LINKS = 12           # a plan's measures due in one month linked one by one up to this many, else per item
HEAT_LEVELS = 4          # shades above zero in the heat table (site.css .ps-heat--1 … --4)


@dataclass(frozen=True)
class Links:
    """The site model's URL and naming functions (plansite/site.py), passed in so this module builds
    no URL and imports nothing from the site model."""
    plan: Callable[[Plan], str]
    pillar_in_plan: Callable[[Plan, str], str]
    item_in_plan: Callable[[Plan, str], str]                   # a framework item's rows in a plan's table
    measures_in_plan: Callable[[Plan], Callable[[Measure], str]]   # plan -> (measure -> its own row in the plan)
    results_in_plan: Callable[[Plan], str]
    node: Callable[[Framework, FrameworkNode], str]
    unit: Callable[[Agency, Unit], str]
    node_label: Callable[[Framework, FrameworkNode], str]      # 三、強化服務量能，提升服務效率
    short_ref: Callable[[Framework, FrameworkNode], str]       # 三


@dataclass(frozen=True)
class Count:
    value: int
    url: str = ""            # the measures behind the number; "" when there is no single page for them
    level: int = 0           # heat shade, 0 (none) … HEAT_LEVELS (most)


@dataclass(frozen=True)
class Column:
    key: str                 # the header: 構面一, 基礎服務, 114年, 完成
    label: str               # the full wording: 一、完備基礎服務項目，注重服務特性差異化
    url: str = ""


@dataclass(frozen=True)
class Row:
    label: str               # the row header in the table: the agency's full name, a pillar
    short: str               # the same, short enough for a chart label
    url: str
    cells: tuple[Count, ...]
    total: int


@dataclass(frozen=True)
class Matrix:
    """Rows × columns of counts: the heat table, completion by status, an agency's pillars per year."""
    id: str                  # unique on its page; the chart's and the table's ids derive from it
    chart: str               # heat | stacked | grouped: how svgchart draws it; table: not drawn, a shaded table only
    title: str               # the chart's <title> and the table's <caption>
    description: str         # the chart's <desc>, also shown as the figure's text
    row_head: str            # the header of the row-label column: 機關, 構面
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    totals: tuple[int, ...]  # per column
    total: int
    drawn: tuple[int, ...] | None = None   # the rows the chart draws (indices, table order); None: all

    @property
    def legend(self) -> tuple[Column, ...]:
        """The columns whose header abbreviates their wording (構面一), to be spelled out under the table."""
        return tuple(c for c in self.columns if c.key != c.label)


@dataclass(frozen=True)
class ItemDue:
    """A plan's measures under one framework item that a bar counts: each linked (number as the plan
    shows it, its row), or, when the plan has more than DUE_LINKS in the bar, only the item's rows."""
    label: str                                  # 三(二), or the item's title where the level is unnumbered
    url: str                                    # the item's rows in the plan
    count: int
    measures: tuple[tuple[str, str], ...] = ()  # (1 or 2.1, url); () when linked per item


@dataclass(frozen=True)
class Holder:
    """A plan holding some of a bar's measures."""
    label: str                                  # 高雄市甲仙區公所 114 年
    url: str
    count: int
    items: tuple[ItemDue, ...]


@dataclass(frozen=True)
class Bar:
    label: str
    short: str
    value: int
    url: str = ""
    plans: tuple[Holder, ...] = ()              # where the counted measures are, to the measure where few


@dataclass(frozen=True)
class Bars:
    """One count per row: the units with most measures, deadlines per month."""
    id: str
    title: str
    description: str
    label_head: str          # 單位, 完成期限
    value_head: str          # 具體作法項數
    bars: tuple[Bar, ...]
    plans_head: str = ""     # a column listing the plans behind each row, when there is one
    chart: str = "bars"


Figure = Matrix | Bars


# ---- counting ---------------------------------------------------------------------------------

def pillar_counts(plan: Plan) -> dict[str, int]:
    """Measures per pillar code, in the plan's own pillars (framework roots the plan leaves out are absent)."""
    counts: dict[str, int] = {}
    for pillar in plan.pillars:
        counts[pillar.code] = counts.get(pillar.code, 0) + sum(item.measure_count for item in pillar.items)
    return counts


def _heat_level(value: int, top: int) -> int:
    if value <= 0 or top <= 0:
        return 0
    return max(1, -(-value * HEAT_LEVELS // top))    # ceil(value / top * levels)


def pillar_column(fw: Framework, node: FrameworkNode, links: Links) -> Column:
    """A pillar as a column: 構面一 for a numbered framework, its title (基礎服務) for one that is not."""
    numbered = fw.levels[0].numbering != "none"
    key = f"{fw.levels[0].name}{links.short_ref(fw, node)}" if numbered else node.title
    return Column(key, links.node_label(fw, node), links.node(fw, node))


@dataclass(frozen=True)
class Scope:
    """Plans counted together as one row of a heat figure: a government's plans of one year."""
    label: str
    short: str
    url: str                                    # the page of these plans' figures
    plans: tuple[Plan, ...]
    pillar_url: Callable[[FrameworkNode], str]  # the page holding these plans' measures of one pillar


def heat_table(fig_id: str, fw: Framework, plans: list[Plan], labels: dict[int, tuple[str, str]],
               links: Links, drawn: int | None = None) -> Matrix:
    """Agencies × pillars of one framework: each plan's measures per pillar, linking to those rows of the plan.

    `labels[id(plan)]` is the plan's (row label, short label). The table has every plan; past `drawn`
    (default TOP_DRAWN) plans, the chart draws the `drawn` with most measures (Matrix.drawn)."""
    rows = [(*labels[id(plan)], links.plan(plan), pillar_counts(plan),
             lambda code, plan=plan: links.pillar_in_plan(plan, code)) for plan in plans]
    return _heat(fig_id, fw, rows, links, "機關", f"{len(rows)} 份計畫", "個機關", drawn or TOP_DRAWN)


def heat_by_scope(fig_id: str, fw: Framework, scopes: list[Scope], links: Links) -> Matrix:
    """Scopes (a government's year) × pillars of one framework: the measures of the scope's plans per
    pillar, each number linking to the page that lists them by agency and sub-item."""
    rows = []
    for scope in scopes:
        counts: dict[str, int] = defaultdict(int)
        for plan in scope.plans:
            for code, n in pillar_counts(plan).items():
                counts[code] += n
        rows.append((scope.label, scope.short, scope.url, counts,
                     lambda code, scope=scope: scope.pillar_url(fw.nodes[code])))
    plans = sum(len(scope.plans) for scope in scopes)
    return _heat(fig_id, fw, rows, links, "政府與年度", f"{len(rows)} 個政府年度的 {plans} 份計畫", "個政府年度",
                 len(rows), title=f"各政府各年度各{fw.levels[0].name}的具體作法項數（{fw.name}）")


def _heat(fig_id: str, fw: Framework, rows_in: list, links: Links, row_head: str, counted: str, noun: str,
          drawn: int, title: str = "") -> Matrix:
    """rows_in: (label, short, url, measures per pillar code, pillar code -> url of those measures)."""
    columns = tuple(pillar_column(fw, root, links) for root in fw.roots)
    top = max((n for *_, counts, _url in rows_in for n in counts.values()), default=0)
    rows = []
    for label, short, url, counts, cell_url in rows_in:
        cells = tuple(Count(counts.get(root.code, 0), cell_url(root.code) if counts.get(root.code) else "",
                            _heat_level(counts.get(root.code, 0), top)) for root in fw.roots)
        rows.append(Row(label, short, url, cells, sum(c.value for c in cells)))
    totals = tuple(sum(r.cells[i].value for r in rows) for i in range(len(columns)))
    level = fw.levels[0].name
    busiest = max(range(len(columns)), key=lambda i: (totals[i], -i)) if rows and sum(totals) else None
    shown = None
    if len(rows) > drawn:
        shown = tuple(sorted(sorted(range(len(rows)), key=lambda i: (-rows[i].total, i))[:drawn]))
    description = (f"{counted}依{fw.name}共 {sum(totals)} 項具體作法。"
                   + (f"項數最多的{level}是{columns[busiest].key}（{totals[busiest]} 項）。" if busiest is not None else "")
                   + "格中數字為項數，顏色越深項數越多。"
                   + (f"圖只畫出具體作法最多的 {drawn} {noun}，依表格順序；表格列出全部 {len(rows)} {noun}。"
                      if shown else ""))
    return Matrix(fig_id, "heat", title or f"各機關各{level}的具體作法項數（{fw.name}）", description, row_head,
                  columns, tuple(rows), totals, sum(totals), shown)


def item_table(fig_id: str, fw: Framework, root: FrameworkNode, plans: list[Plan],
               labels: dict[int, tuple[str, str]], links: Links) -> Matrix:
    """Agencies × the sub-items (the framework's second level) of one pillar: each plan's measures per
    sub-item, linking to that item's rows in the plan. Every plan is a row, also one with no measure in
    the pillar: who does little on a pillar is part of the answer. Drawn as a shaded table, no chart."""
    columns = tuple(Column(links.short_ref(fw, node), links.node_label(fw, node), links.node(fw, node))
                    for node in root.children)
    counted = []
    for plan in plans:
        counts: dict[str, int] = defaultdict(int)
        for pillar in plan.pillars:
            if pillar.code == root.code:
                for item in pillar.items:
                    counts[item.code] += item.measure_count
        counted.append((plan, counts))
    top = max((n for _, counts in counted for n in counts.values()), default=0)
    rows = []
    for plan, counts in counted:
        cells = tuple(Count(counts.get(node.code, 0),
                            links.item_in_plan(plan, node.code) if counts.get(node.code) else "",
                            _heat_level(counts.get(node.code, 0), top)) for node in root.children)
        label, short = labels[id(plan)]
        rows.append(Row(label, short, links.pillar_in_plan(plan, root.code) if sum(counts.values()) else links.plan(plan),
                        cells, sum(c.value for c in cells)))
    totals = tuple(sum(r.cells[i].value for r in rows) for i in range(len(columns)))
    level = fw.levels[1].name
    pillar = pillar_column(fw, root, links)
    busiest = max(range(len(columns)), key=lambda i: (totals[i], -i)) if sum(totals) else None
    none = sum(1 for r in rows if not r.total)
    description = (f"{len(rows)} 份計畫在{pillar.label}之下共 {sum(totals)} 項具體作法。"
                   + (f"項數最多的{level}是{columns[busiest].key}（{totals[busiest]} 項）。" if busiest is not None else "")
                   + (f"{none} 份計畫在這個{fw.levels[0].name}沒有具體作法。" if none else "")
                   + "格中數字為項數，底色越深項數越多；點選數字可看到計畫中該項目的具體作法。")
    return Matrix(fig_id, "table", f"各機關在{pillar.key}各{level}的具體作法項數（{fw.name}）", description, "機關",
                  columns, tuple(rows), totals, sum(totals))


def top_units(fig_id: str, plans: list[Plan], links: Links, full_names: bool, limit: int = TOP_UNITS) -> Bars | None:
    """The units responsible for the most measures across `plans`, most first; None when no plan names units."""
    counts: dict[tuple[str, int], int] = defaultdict(int)
    units: dict[tuple[str, int], tuple[Agency, Unit]] = {}
    for plan in plans:
        agency = plan.agency
        position = {id(unit): n for n, unit in enumerate(agency.units)}     # units in the agency's order
        for *_, measure in plan.measures():
            for unit in measure.units:
                key = (agency.full_name, position[id(unit)])
                counts[key] += 1
                units[key] = (agency, unit)
    if not counts:
        return None
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    bars = []
    for key in ranked[:limit]:
        agency, unit = units[key]
        own = unit.name == agency.name            # the agency itself named as the unit (澎湖縣政府社會處)
        label = agency.full_name if own else f"{agency.full_name}{unit.name}" if full_names else unit.name
        short = agency.name if own else f"{agency.name}{unit.name}" if full_names else unit.name
        bars.append(Bar(label, short, counts[key], links.unit(agency, unit)))
    top = f"前 {limit} 名，共 {len(ranked)} 個單位" if len(ranked) > limit else f"共 {len(ranked)} 個單位"
    leaders = [bar.label for bar in bars if bar.value == bars[0].value]
    lead = (f"{leaders[0]}負責的具體作法最多，共 {bars[0].value} 項。" if len(leaders) == 1 else
            f"{'、'.join(leaders[:3])}{'等' if len(leaders) > 3 else ''} {len(leaders)} 個單位負責的具體作法最多，各 {bars[0].value} 項。")
    return Bars(fig_id, f"負責具體作法最多的單位（{top}）",
                f"{lead}一項作法由幾個單位共同負責時，每個單位各計一次。",
                "單位", "具體作法項數", tuple(bars))


DEADLINE = re.compile(r"^\s*(\d{2,3})\s*[/.\-年]\s*(\d{1,2})(?!\d)")


def deadline_month(text: str) -> tuple[int, int] | None:
    """(ROC year, month) of a deadline as plans write it (107/12/31, 107.6, 107年6月); None if unreadable."""
    match = DEADLINE.match(text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if 1 <= month <= 12 else None


def deadlines_by_month(fig_id: str, plans: list[Plan], links: Links,
                       plan_label: Callable[[Plan], str]) -> tuple[Bars | None, int]:
    """Measures per deadline month, oldest month first, with the plans and measures behind each; and how
    many deadlines could not be read as a month. None when no measure has a deadline."""
    due: dict[tuple[int, int], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    unread = 0
    by_id = {id(p): p for p in plans}
    for plan in plans:
        for _pillar, item, _group, measure in plan.measures():
            if not measure.deadline:
                continue
            month = deadline_month(measure.deadline)
            if month is None:
                unread += 1
                continue
            due[month][id(plan)].append((item, measure))
    if not due:
        return None, unread
    bars = []
    for (year, month) in sorted(due):
        holders = sorted(due[(year, month)].items(), key=lambda kv: plan_label(by_id[kv[0]]))
        label = f"{year}年{month}月"
        bars.append(Bar(label, label, sum(len(found) for found in due[(year, month)].values()), "",
                        tuple(_holder(by_id[pid], found, links, plan_label) for pid, found in holders)))
    busiest = max(bars, key=lambda b: b.value)
    total = sum(b.value for b in bars)
    note = f"另有 {unread} 項的期限無法判讀月份，未列入。" if unread else ""
    return Bars(fig_id, "具體作法的完成期限（依月份）",
                f"{total} 項具體作法訂有完成期限，最多集中在{busiest.label}（{busiest.value} 項）。{note}",
                "完成期限", "具體作法項數", tuple(bars), plans_head="計畫與具體作法"), unread


def _holder(plan: Plan, found: list, links: Links, plan_label: Callable[[Plan], str]) -> Holder:
    """A plan's measures in one bar, grouped by item in the plan's order; each measure linked while the
    plan has at most DUE_LINKS of them, so a page of a hundred plans stays light."""
    fw = plan.framework
    one_by_one = len(found) <= DUE_LINKS
    row = links.measures_in_plan(plan) if one_by_one else None
    by_item: dict[int, list] = {}
    for item, measure in found:
        by_item.setdefault(id(item), [item]).append(measure)
    items = tuple(ItemDue(links.short_ref(fw, item.node), links.item_in_plan(plan, item.code), len(measures),
                          tuple((m.number or "1", row(m)) for m in measures) if row else ())
                  for item, *measures in by_item.values())
    return Holder(plan_label(plan), links.plan(plan), len(found), items)


def _status_index(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


STATUS_COLUMNS = tuple(Column(s, s) for s in (*STATUSES, UNREPORTED))


def status_by_pillar(fig_id: str, fw: Framework, plans: list[Plan], links: Links) -> Matrix | None:
    """Measures per status in each pillar, over the plans of `fw` that report results; None if none do."""
    reporting = [p for p in plans if p.framework is fw and p.has_results]
    if not reporting:
        return None
    counts = {root.code: [0] * len(STATUS_COLUMNS) for root in fw.roots}
    for plan in reporting:
        for pillar, _item, _group, measure in plan.measures():
            counts.setdefault(pillar.code, [0] * len(STATUS_COLUMNS))[_status_index(measure.status)] += 1
    rows = []
    for root in fw.roots:
        column = pillar_column(fw, root, links)
        cells = tuple(Count(n) for n in counts[root.code])
        rows.append(Row(column.label, column.key, column.url, cells, sum(counts[root.code])))
    return _status_matrix(fig_id, f"各{fw.levels[0].name}具體作法的執行狀態（{fw.name}）", fw.levels[0].name, rows,
                          f"依 {len(reporting)} 份已填報執行成效的計畫計算。")


def status_by_plan(fig_id: str, plans: list[Plan], links: Links, labels: dict[int, tuple[str, str]]) -> Matrix | None:
    """Measures per status in each plan that reports results; None if none does."""
    reporting = [p for p in plans if p.has_results]
    if not reporting:
        return None
    rows = []
    for plan in reporting:
        counts = [0] * len(STATUS_COLUMNS)
        for *_, measure in plan.measures():
            counts[_status_index(measure.status)] += 1
        label, short = labels[id(plan)]
        rows.append(Row(label, short, links.results_in_plan(plan), tuple(Count(n) for n in counts), sum(counts)))
    return _status_matrix(fig_id, "各機關具體作法的執行狀態", "機關", rows,
                          "只列出已填報執行成效的計畫。")


def _status_matrix(fig_id: str, title: str, row_head: str, rows: list[Row], note: str) -> Matrix:
    totals = tuple(sum(r.cells[i].value for r in rows) for i in range(len(STATUS_COLUMNS)))
    total = sum(totals)
    done = totals[0]
    share = f"（{done * 100 // total}%）" if total else ""
    description = (f"{note}共 {total} 項具體作法，完成 {done} 項{share}、部分完成 {totals[1]} 項、未完成 {totals[2]} 項、"
                   f"持續辦理 {totals[3]} 項、{UNREPORTED} {totals[4]} 項。每種狀態以不同花紋表示，並直接標示項數。")
    return Matrix(fig_id, "stacked", title, description, row_head, STATUS_COLUMNS, tuple(rows), totals, total)


def pillar_years(fig_id: str, agency: Agency, links: Links) -> tuple[Matrix | None, str]:
    """An agency's pillars in its latest plan and the one before (when it uses the same framework).

    Returns the figure (None without plans) and a note saying what is compared."""
    if not agency.plans:
        return None, ""
    newest = sorted(agency.plans, key=lambda p: p.year, reverse=True)
    latest = newest[0]
    fw = latest.framework
    previous = newest[1] if len(newest) > 1 else None
    note = ""
    if previous is None:
        note = f"本機關目前只有 {latest.year} 年度的計畫，尚無前一年度可以比較。"
        shown = [latest]
    elif previous.framework is not fw:
        note = f"{previous.year} 年度的計畫採用{previous.framework.name}，架構不同，不並列比較。"
        shown = [latest]
    else:
        shown = [previous, latest]
    columns = tuple(Column(f"{p.year}年", f"{p.year} 年度計畫", links.plan(p)) for p in shown)
    counted = [pillar_counts(p) for p in shown]
    rows = []
    for root in fw.roots:
        column = pillar_column(fw, root, links)
        cells = tuple(Count(c.get(root.code, 0), links.pillar_in_plan(p, root.code) if c.get(root.code) else "")
                      for p, c in zip(shown, counted))
        rows.append(Row(column.label, column.key, column.url, cells, sum(x.value for x in cells)))
    totals = tuple(sum(r.cells[i].value for r in rows) for i in range(len(columns)))
    level = fw.levels[0].name
    if len(shown) == 2:
        change = totals[1] - totals[0]
        trend = f"增加 {change} 項" if change > 0 else f"減少 {-change} 項" if change < 0 else "項數相同"
        description = (f"{previous.year} 年度 {totals[0]} 項、{latest.year} 年度 {totals[1]} 項具體作法，{trend}。"
                       f"每個{level}有兩條長條，實心為 {latest.year} 年度，斜線為 {previous.year} 年度，並直接標示項數。")
        title = f"各{level}的具體作法項數：{latest.year} 年度與 {previous.year} 年度"
    else:
        description = f"{latest.year} 年度共 {totals[0]} 項具體作法，長條旁直接標示各{level}的項數。"
        title = f"各{level}的具體作法項數：{latest.year} 年度"
    return Matrix(fig_id, "grouped", title, description, level, columns, tuple(rows), totals, sum(totals)), note



@dataclass(frozen=True)
class PillarChange:
    """What changed in one pillar between an agency's two plans: counts of measures."""
    label: str              # 一、完備基礎服務項目，注重服務特性差異化
    added: int
    dropped: int
    changed: int
    same: int
    moved: int = 0          # measures moved in from another item, or out to another pillar's item

    @property
    def any(self) -> bool:
        return bool(self.added or self.dropped or self.changed or self.moved)


@dataclass(frozen=True)
class YearChanges:
    """An agency's latest plan against the one before, one line per pillar, from the comparison page's diff."""
    old_year: int
    new_year: int
    url: str                # the comparison page
    rows: tuple[PillarChange, ...]


def pillar_changes(diff, url: str, links: Links) -> YearChanges:
    """Per pillar of the newer plan's framework, the added / dropped / changed / same measures of
    `diff` (a compare.PlanDiff: its items are framework items of either plan)."""
    fw = diff.new.framework
    counts: dict[str, list[int]] = {root.code: [0, 0, 0, 0, 0] for root in fw.roots}

    def pillar(code: str) -> str | None:
        node = fw.nodes.get(code)
        while node is not None and node.parent is not None:
            node = node.parent
        return None if node is None else node.code      # None: an item of another framework edition

    for item in diff.items:
        here = pillar(item.code)
        if here is None:            # not counted per pillar
            continue
        row = counts[here]
        row[0] += len(item.added)
        row[1] += len(item.dropped)
        row[2] += len(item.changed)
        row[3] += item.same
        row[4] += len(item.moved_in) + sum(1 for move in item.moved_out if pillar(move.target) != here)
    rows = tuple(PillarChange(links.node_label(fw, root), *counts[root.code]) for root in fw.roots
                 if any(counts[root.code]))      # a pillar neither plan has measures in says nothing
    return YearChanges(diff.old.year, diff.new.year, url, rows)


# ---- open data ----------------------------------------------------------------------------------

OPEN_DATA_FIELDS = (   # open-data/overview.csv and .json, described on the 開放資料 page
    ("頁面", "圖表所在頁面的網址（相對於網站根目錄），例如 overview/kaohsiung/114/；機關頁的小圖為 agencies/<機關代稱>/。"),
    ("圖表代號", "圖表在該頁的代號，例如 heat-six-pillars（各機關各構面）、units（負責單位）、deadlines（完成期限）、"
                 "status-plans（各機關執行狀態）、agency-pillars（機關頁各構面）、"
                 "items-six-pillars-3（構面三之下各機關各服務項目，在該構面的頁面）。"),
    ("圖表", "圖表與表格的標題。"),
    ("列", "表格的列：機關、構面、單位或月份。"),
    ("欄", "表格的欄：構面、年度、執行狀態，或「具體作法項數」。"),
    ("數值", "具體作法項數（整數）。"),
    ("連結", "這個數字所依據的具體作法所在頁面（相對於網站根目錄）；沒有單一頁面時為空白。"),
)


def figure_records(page_url: str, fig: Figure) -> list[list[str]]:
    """The figure's numbers as rows of OPEN_DATA_FIELDS, in the table's order."""
    if isinstance(fig, Bars):
        return [[page_url, fig.id, fig.title, bar.label, fig.value_head, str(bar.value), bar.url] for bar in fig.bars]
    return [[page_url, fig.id, fig.title, row.label, col.key, str(cell.value), cell.url]
            for row in fig.rows for col, cell in zip(fig.columns, row.cells)]


def records_json(rows: list[list[str]]) -> bytes:
    """The records as JSON: {"fields": [...], "records": [{field: value}]}, 數值 as a number; the bytes
    json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) gives, written out here because the
    json module's indenting encoder is pure Python (about 0.5 s for the 30,000 records of 1,000 plans)."""
    return records_json_joined([records_json_piece(rows)])


def records_json_piece(rows: list[list[str]]) -> bytes:
    """These rows' records as records_json writes them, for records_json_joined (b"" for none)."""
    names = [name for name, _ in OPEN_DATA_FIELDS]
    order = sorted(range(len(names)), key=names.__getitem__)
    keys = [f"      {_json_string(names[i])}: " for i in order]
    number = names.index("數值")
    records = []
    for row in rows:
        values = [str(int(row[i])) if i == number else _json_scalar(row[i]) for i in order]
        records.append("    {\n" + ",\n".join([k + v for k, v in zip(keys, values)]) + "\n    }")
    return ",\n".join(records).encode("utf-8")


def records_json_joined(pieces) -> bytes:
    """records_json of the rows of every piece (records_json_piece), in order."""
    fields = [{"name": name, "description": text} for name, text in OPEN_DATA_FIELDS]
    head = json.dumps({"fields": fields, "records": []}, ensure_ascii=False, sort_keys=True, indent=2)
    records = b",\n".join(piece for piece in pieces if piece)
    if not records:
        return (head + "\n").encode("utf-8")
    return head.removesuffix("[]\n}").encode("utf-8") + b"[\n" + records + b"\n  ]\n}\n"


_json_string = json.encoder.encode_basestring   # a str as JSON, non-ASCII kept (C), as dumps writes it


def _json_scalar(value) -> str:
    return _json_string(value) if type(value) is str else json.dumps(value, ensure_ascii=False)

# ---- naming -----------------------------------------------------------------------------------

# Local governments by their fixed names, romanised as the governments do themselves (MOI's list);
# anything else (a ministry, a name not listed) gets gov- and 8 hex digits of its name's SHA-256.
LOCAL = {
    "臺北市": "taipei", "新北市": "new-taipei", "桃園市": "taoyuan", "臺中市": "taichung", "臺南市": "tainan",
    "高雄市": "kaohsiung", "基隆市": "keelung", "新竹市": "hsinchu-city", "嘉義市": "chiayi-city",
    "新竹縣": "hsinchu-county", "苗栗縣": "miaoli", "彰化縣": "changhua", "南投縣": "nantou", "雲林縣": "yunlin",
    "嘉義縣": "chiayi-county", "屏東縣": "pingtung", "宜蘭縣": "yilan", "花蓮縣": "hualien", "臺東縣": "taitung",
    "澎湖縣": "penghu", "金門縣": "kinmen", "連江縣": "lienchiang",
}


def government_slug(name: str) -> str:
    """An ASCII slug for a government's name that never changes while the name does not:
    高雄市政府 -> kaohsiung, 澎湖縣政府 -> penghu, 高雄市議會 -> kaohsiung-council, 交通部 -> gov-1a2b3c4d."""
    place = re.sub(r"(政府|議會)$", "", name).replace("台", "臺")
    if place in LOCAL:
        return LOCAL[place] + ("-council" if name.endswith("議會") else "")   # 高雄市議會: kaohsiung-council
    return "gov-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
