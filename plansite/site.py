"""The site model: every page with its URL, title, breadcrumbs and data, and the indexes.

Pure: values in, values out. Sorting, grouping, counting and URL building happen here,
never in templates. Every collection that reaches output is sorted.
"""
from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass, field

from . import compare as compare_mod, descriptions, table as table_mod
from .config import Config
from .load import Content
from .model import STATUSES, Agency, Framework, FrameworkNode, Measure, Plan, Unit

HOME = ""
CONTACT = "contact/"

FIELDS = (  # the open-data columns (plansite/downloads.py COLUMNS), described for the 開放資料 page
    ("機關", "機關全銜。"), ("機關代稱", "機關的網址代稱。"), ("年度", "民國年。"), ("計畫名稱", "計畫名稱（不含機關名）。"),
    ("構面代碼", "計畫架構的構面代碼，例如 3；「訂定提升服務計畫」列為空白。"), ("構面", "本機關計畫中的構面文字。"),
    ("服務項目代碼", "架構代碼，例如 3.2 表示三(二)。"), ("服務項目", "本機關計畫中的服務項目文字。"),
    ("分組", "具體作法的小標題（如有）。"), ("編號", "具體作法在計畫中的編號，例如 2 或 2.1。"),
    ("具體作法", "具體作法全文。"), ("負責單位", "負責的單位，多個以「、」分隔。"), ("完成期限", "完成期限（如有）。"),
    ("執行狀態", "年底填報的執行狀態：完成、部分完成、未完成或持續辦理（尚未填報為空白）。"),
    ("執行成效", "年底填報的執行成效（如有）。"),
    ("核備", "計畫的核備文號與修訂日期，例如「113年03月05日高市社秘字第1130000000號函核備」（如有）。"),
)


class Lazy:
    """A page's value made when the page is rendered (render._context): the preview renders only the
    pages an edit touches, so values only a template reads are not made for the others. Made once."""

    _UNSET = object()

    def __init__(self, make) -> None:
        self._make, self._value = make, self._UNSET

    def make(self):
        if self._value is self._UNSET:
            self._value = self._make()
        return self._value

    def forget(self) -> None:
        """Let the value go (made again if asked for): a rendered page's tables and charts are not kept."""
        self._value = self._UNSET


def resolved(value):
    """A page value, made now if it is Lazy."""
    return value.make() if isinstance(value, Lazy) else value


# ---- page data: one type per page kind; each field is a variable of templates/pages/<kind>.html,
# a Lazy one made only when the page is rendered ----

@dataclass
class PageData:
    """A page that shows nothing beyond what every page has (agencies, years, privacy, 404)."""

    def variables(self) -> dict:
        """The template's variables, Lazy values made."""
        return {f.name: resolved(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def forget(self) -> None:
        """The page is rendered: its Lazy values are let go (at 5,000 plans a worker rendering thousands
        of pages would otherwise hold every table it made until it ends)."""
        for value in vars(self).values():
            if isinstance(value, Lazy):
                value.forget()


@dataclass
class HomeData(PageData):
    latest: list            # the ten newest plans


@dataclass
class FrameworksData(PageData):
    entries: list           # (framework, summary)


@dataclass
class SearchData(PageData):
    filters: "SearchFilters"


@dataclass
class SitemapData(PageData):
    overviews: list = field(default_factory=list)       # (title, url) of every overview page


@dataclass
class AccessibilityData(PageData):
    check: dict | None      # the last `check --a11y` record
    contact: list


@dataclass
class ContactData(PageData):
    contact: list


@dataclass
class OpenDataData(PageData):
    fields: tuple
    overview_fields: tuple = ()


@dataclass
class AgencyData(PageData):
    agency: Agency
    units: object           # Lazy [(unit, measures)]
    org_rows: list
    pillar_years: object = None          # Lazy Chart: the latest plan's pillars against last year's
    pillar_years_note: object = ""
    year_changes: object = None          # Lazy overview.YearChanges
    overview_link: tuple | None = None   # (title, url) of the government's overview of that year


@dataclass
class PlanData(PageData):
    plan: Plan
    table: object           # Lazy table.Table
    anchor: object          # Lazy MeasureAnchors
    previous: Plan | None
    next: Plan | None
    units: list
    approval: list
    results: object         # Lazy results summary
    statuses: tuple


@dataclass
class CompareData(PageData):
    diff: "compare_mod.PlanDiff"
    similar_percent: int


@dataclass
class UnitData(PageData):
    agency: Agency
    unit: Unit
    years: list


@dataclass
class FrameworkData(PageData):
    framework: Framework
    plans: list
    summary: str
    crosswalks: tuple


@dataclass
class PillarData(PageData):
    framework: Framework
    node: FrameworkNode
    answers: list
    editions: object        # Lazy tuple[Edition]


@dataclass
class OverviewData(PageData):
    charts: object          # Lazy [Chart]
    plans: list
    entries: list
    government: str
    year: int
    breakdowns: list        # (pillar label, url)


@dataclass
class BreakdownData(PageData):
    chart: object           # Lazy Chart
    label: str
    key: str
    framework: Framework
    government: str
    year: int
    overview: tuple         # (title, url)


@dataclass
class Page:
    kind: str                                  # template: templates/pages/<kind>.html
    url: str                                   # site-relative pretty URL, "" for home
    title: str
    crumbs: list[tuple[str, str]] = field(default_factory=list)   # (title, url), home first, self excluded
    data: PageData = field(default_factory=PageData)
    description: str = ""
    in_sitemap: bool = True
    # the content behind the page, for incremental rebuilds (plansite/incremental.py): agencies, plans,
    # frameworks, (plan, pillar or item) or a string for another value shown; None: the whole site
    sources: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def out_path(self) -> str:
        return self.url if self.url.endswith((".html", ".xml", ".txt", ".json")) else self.url + "index.html"


# ---- URLs: content objects own their URLs; templates never build paths ----

def agency_url(agency: Agency) -> str:
    return f"agencies/{agency.slug}/"


def plan_url(plan: Plan) -> str:
    return f"agencies/{plan.agency.slug}/{plan.year}/"


def pillar_in_plan_url(plan: Plan, code: str) -> str:
    """A pillar's rows in a plan's table."""
    return plan_url(plan) + "#" + table_mod.pillar_anchor(code)


def item_in_plan_url(plan: Plan, code: str) -> str:
    """A framework item's row in a plan's table."""
    return plan_url(plan) + "#" + table_mod.item_anchor(code)


def compare_url(plan: Plan) -> str:
    """The comparison of a plan with the agency's previous one."""
    return f"agencies/{plan.agency.slug}/{plan.year}/compare/"


def unit_url(agency: Agency, unit: Unit) -> str:
    return f"agencies/{agency.slug}/units/{unit.slug}/"


def framework_url(fw: Framework) -> str:
    return f"frameworks/{fw.id}/"


def node_url(fw: Framework, node: FrameworkNode) -> str:
    return f"frameworks/{fw.id}/{node.code.replace('.', '-')}/"


def year_anchor(year: int) -> str:
    """A year's section on a pillar page: y114."""
    return f"y{year}"


def node_year_url(fw: Framework, node: FrameworkNode, year: int) -> str:
    """One year's answers on a pillar or sub-item page."""
    return f"{node_url(fw, node)}#{year_anchor(year)}"


def pillar_key(fw: Framework, node: FrameworkNode) -> str:
    """A pillar across plans, for the search page's filter and its URL: six-pillars-3."""
    return f"{fw.id}-{node.code}"


def section_anchor(index: int) -> str:
    """The id of a plan's index-th (1-based) numbered section on its page: s1, s2 …"""
    return f"s{index}"


@dataclass(frozen=True)
class PlacedMeasure:
    """A measure with its place in the plan: the pillar it answers, how the plan labels its row, its anchor."""
    measure: Measure
    node: FrameworkNode | None     # the pillar (framework root); None for an opening that names none
    context: str                   # (二)開發線上申辦｜網站使用便利性, or the opening's title
    anchor: str                    # its id on the plan page: m3-2-1 (item 3.2, its 1st measure), m0-1 (opening)


def placed_measures(plan: Plan) -> list[PlacedMeasure]:
    """Every measure of the plan, the opening's first, in document order, each with its page anchor.

    The anchor counts the measures of one framework item across its groups, so it stays the same
    when the plan is rendered anywhere and is unique on the plan page."""
    fw = plan.framework
    out: list[PlacedMeasure] = []
    if plan.opening:
        node = fw.nodes.get(plan.opening.pillar) if plan.opening.pillar else None
        out += [PlacedMeasure(m, node, plan.opening.title, f"m0-{n}") for n, m in enumerate(plan.opening.measures, 1)]
    for pillar in plan.pillars:
        for item in pillar.items:
            label = number_label(item.index, fw.levels[1].numbering) + item.title
            n = 0
            for group in item.groups:
                context = f"{label}｜{group.heading}" if group.heading else label
                for measure in group.measures:
                    n += 1
                    out.append(PlacedMeasure(measure, pillar.node, context, f"m{item.code.replace('.', '-')}-{n}"))
    return out


class MeasureAnchors:
    """anchors(measure) -> the measure's id on its plan page, for templates/macros/measures.html."""

    def __init__(self, plan: Plan) -> None:
        self._ids = {id(p.measure): p.anchor for p in placed_measures(plan)}

    def __call__(self, measure: Measure) -> str:
        return self._ids[id(measure)]


@dataclass(frozen=True)
class SearchFilters:
    """The search page's filter choices, as (value, label): only what the site's plans contain."""
    agencies: list[tuple[str, str]]                       # (slug, full name)
    years: list[int]                                      # newest first
    pillars: list[tuple[str, list[tuple[str, str]]]]      # (framework name, [(pillar_key, 三、…)])


def search_filters(plans: list[Plan], agencies: list[Agency], fws: list[Framework]) -> SearchFilters:
    with_plans = [a for a in agencies if any(p.agency is a for p in plans)]
    years = sorted({p.year for p in plans}, reverse=True)
    pillars = [(fw.name, [(pillar_key(fw, root), _node_label(fw, root)) for root in fw.roots]) for fw in fws]
    return SearchFilters([(a.slug, a.full_name) for a in with_plans], years, pillars)


class Derived:
    """What the site model derives from one agency (its units' measures, each plan's units, its
    comparisons), kept between the preview's rebuilds for as long as the loader hands back the very
    same agency and plan objects (their folder unchanged: load._agency_folder). `build` makes
    everything once and keeps nothing."""

    def __init__(self) -> None:
        self._last: dict[int, tuple] = {}
        self._now: dict[int, tuple] = {}
        self.diffs: dict = {}   # the year-over-year comparisons, by their two plans (compare.diff_all)

    def begin(self) -> None:
        """A new model: what the last one derived may be taken, for its own agencies only."""
        self._last, self._now = self._now or self._last, {}

    def of(self, agency: Agency, make):
        found = self._now.get(id(agency)) or self._last.get(id(agency))
        if found is None or found[0] is not agency:
            found = (agency, make(agency))
        self._now[id(agency)] = found
        return found[1]


@dataclass
class AgencyFacts:
    """What the site model derives from one agency alone (Derived keeps it while the agency is unchanged)."""
    unit_measures: dict[int, list]        # _unit_measures, by id(unit)
    plan_units: dict[int, list[Unit]]     # each plan's units, by id(plan)
    texts: dict[int, str]                 # the page descriptions of the agency, its plans and units, by id()


def _agency_facts(agency: Agency) -> AgencyFacts:
    by_unit = _unit_measures(agency)
    plan_units = {id(plan): _plan_units(plan) for plan in agency.plans}
    texts = {id(agency): descriptions.agency(agency)}
    texts.update((id(plan), descriptions.plan(plan, plan_units[id(plan)])) for plan in agency.plans)
    texts.update((id(unit), descriptions.unit(agency, unit, by_unit[id(unit)])) for unit in agency.units)
    return AgencyFacts(by_unit, plan_units, texts)


@dataclass(frozen=True)
class CounterpartAnswer:
    """A plan's answer to another edition's corresponding pillar or item."""
    label: str           # 澎湖縣政府社會處 107 年度
    url: str             # those rows in the plan
    measures: int


COUNTERPART_PLANS = 12   # above this many answering plans, a counterpart is summed up per year


@dataclass(frozen=True)
class Counterpart:
    """A pillar or item of another framework edition that a crosswalk pairs with a pillar page's node."""
    label: str           # 執行指標 服務便捷 / 服務項目 三(二)：衡酌實際需求……
    url: str             # its own pillar page
    answers: tuple[CounterpartAnswer, ...]     # newest year first, each year's by agency
    years: tuple[CounterpartAnswer, ...] = ()  # instead, past COUNTERPART_PLANS: per year, to its page's year


@dataclass(frozen=True)
class Edition:
    """On a pillar page: one other framework edition's corresponding nodes, with the crosswalk's basis."""
    framework: str       # the other edition's name
    basis: str           # who paired them, on what grounds (frameworks/crosswalks/*.yaml)
    nodes: tuple[Counterpart, ...]


@dataclass(frozen=True)
class CrosswalkRow:
    """A framework page's crosswalk table row: one of its nodes and the other edition's counterparts."""
    label: str
    url: str
    twins: tuple[tuple[str, str], ...]       # (label, url) in the other edition


@dataclass(frozen=True)
class CrosswalkTable:
    """On a framework page: the whole correspondence with one other edition, as the crosswalk file says."""
    framework: str       # the other edition's name
    basis: str
    rows: tuple[CrosswalkRow, ...]


@dataclass
class OrgGroup:
    """One level of the agencies index: a government (高雄市政府, 交通部) or a parent agency under it (民用航空局)."""
    name: str
    anchor: str                                # its id on the agencies page: org-1, org-1-2
    agency: Agency | None = None               # the level's own page, when it publishes plans on this site too
    agencies: list[Agency] = field(default_factory=list)      # directly at this level, by full name
    children: list["OrgGroup"] = field(default_factory=list)  # the levels below, by name
    count: int = 0                             # agencies below this level, at any depth

    @property
    def url(self) -> str:
        return agency_url(self.agency) if self.agency else f"agencies/#{self.anchor}"


@dataclass(frozen=True)
class FrameworkTerms:
    """What the site calls the levels of its frameworks, from the frameworks' own level names."""
    top: str        # the main framework's first level: 構面
    second: str     # and its second: 服務項目
    tops: str       # every framework's first level: 構面、執行策略
    seconds: str    # every framework's second level: 服務項目、執行指標

    @property
    def title(self) -> str:
        """The frameworks index's title and crumb: 構面與服務項目."""
        return f"{self.top}與{self.second}"


CENTRAL, LOCAL = "中央機關", "縣市政府"


@dataclass
class SiteModel:
    name: str
    agencies: list[Agency]
    plans: list[Plan]                          # newest first, then by agency
    governments: list[tuple[str, list[Agency]]]
    org: list[tuple[str, list[OrgGroup]]]      # (中央機關 | 縣市政府, its governments), the kinds present only
    agency_summary: str                        # 「6 個機關，分屬 1 個中央機關與 2 個縣市政府」
    years: list[tuple[int, list[Plan]]]
    frameworks: list[Framework]
    framework_terms: FrameworkTerms
    updated: str
    pages: list[Page]
    urls: dict                                 # URLS: the URL functions templates call
    help_url: str = ""                         # 聯絡我們, in the same place on every page (WCAG 3.2.6); "" if none


def build_site(content: Content, config: Config, a11y_check: dict | None = None, jobs: int = 1,
               known_diffs: dict | None = None, derived: Derived | None = None) -> SiteModel:
    """The whole site; `a11y_check` is the last `check --a11y` record, for the 無障礙聲明 page.
    The year-over-year comparisons are computed by `jobs` processes; the preview passes those it
    made before (`known_diffs`, see compare.diff_all)."""
    plans = sorted(content.plans, key=lambda p: (-p.year, p.agency.full_name))
    agencies = sorted(content.agencies, key=lambda a: (a.government, a.full_name))
    by_gov: dict[str, list[Agency]] = defaultdict(list)
    for agency in agencies:
        by_gov[agency.government].append(agency)
    governments = sorted(by_gov.items())
    org = _org_tree(governments)
    org_crumbs = _org_crumbs(org)
    by_year: dict[int, list[Plan]] = defaultdict(list)
    for plan in plans:
        by_year[plan.year].append(plan)
    years = sorted(by_year.items(), reverse=True)
    used = {p.framework.id: p.framework for p in plans}
    fws = sorted(used.values(), key=lambda f: (f.id != "six-pillars", f.id))
    fw_counts = {fw.id: sum(1 for p in plans if p.framework is fw) for fw in fws}
    terms = _framework_terms(fws, fw_counts)
    dates = sorted(p.published for p in plans if p.published)
    updated = config["site.updated"] or (dates[-1] if dates else "")
    name = config["site.name"]

    home = ("首頁", HOME)
    static = descriptions.STATIC
    pages: list[Page] = [
        Page("home", HOME, name, [], HomeData(latest=plans[:10]),
             descriptions.home(name, config["site.description"], len(agencies), len(plans), terms.tops)),
        Page("agencies", "agencies/", "機關列表", [home],
             description=descriptions.agencies(governments, [kind for kind, _ in org])),
        Page("years", "years/", "年度列表", [home], description=descriptions.years(years)),
        Page("frameworks", "frameworks/", terms.title, [home],
             FrameworksData(entries=[(fw, _framework_summary(fw, fw_counts[fw.id])) for fw in fws]),
             description=descriptions.frameworks(fws)),
        Page("search", "search/", "搜尋計畫", [home], SearchData(filters=search_filters(plans, agencies, fws)),
             description=descriptions.search(terms.top)),
        Page("sitemap", "sitemap/", "網站導覽", [home], SitemapData(), description=static["sitemap"]),
        Page("accessibility", "accessibility/", "無障礙聲明", [home],
             AccessibilityData(check=a11y_check, contact=_contact_rows(config)), description=static["accessibility"]),
        Page("privacy", "privacy/", "隱私權及資訊安全政策", [home], description=static["privacy"]),
        Page("opendata", "open-data/", "政府網站資料開放宣告", [home], OpenDataData(fields=FIELDS), static["opendata"]),
        Page("notfound", "404.html", "找不到網頁", [home], description=static["notfound"], in_sitemap=False),
    ]
    if config.has_contact:
        pages.append(Page("contact", CONTACT, "聯絡我們", [home], ContactData(contact=_contact_rows(config)),
                          f"{config['site.owner']}的聯絡方式，以及回報網站無障礙問題的方法。"))
    agencies_crumb = ("機關列表", "agencies/")
    pairs = [(max((p for p in agency.plans if p.year < plan.year), key=lambda p: p.year), plan)
             for agency in agencies for plan in agency.plans if any(p.year < plan.year for p in agency.plans)]
    if derived is None:
        derived = Derived()
    derived.begin()
    diffs = {id(new): diff for (_old, new), diff in
             zip(pairs, compare_mod.diff_all(pairs, jobs, known_diffs, made=derived.diffs))}
    for agency in agencies:
        facts = derived.of(agency, _agency_facts)
        above = [home, agencies_crumb, *org_crumbs[agency.slug]]   # 機關列表 › 交通部 › 民用航空局
        a_crumb = (agency.name, agency_url(agency))
        pages.append(Page("agency", agency_url(agency), agency.full_name, above,
                          AgencyData(agency=agency, units=Lazy(lambda agency=agency: _unit_summaries(agency)),
                                     org_rows=_org_rows(agency)),
                          facts.texts[id(agency)], sources=(agency,)))
        for plan in agency.plans:
            older = [p for p in agency.plans if p.year < plan.year]
            newer = [p for p in agency.plans if p.year > plan.year]
            units = facts.plan_units[id(plan)]
            pages.append(Page("plan", plan_url(plan), ("【草稿】" if plan.draft else "") + plan.full_title,
                              [*above, a_crumb], PlanData(
                plan=plan, table=Lazy(lambda plan=plan: table_mod.build_table(plan)),
                anchor=Lazy(lambda plan=plan: MeasureAnchors(plan)),
                previous=older[0] if older else None, next=newer[-1] if newer else None,
                units=units, approval=plan.approval.lines if plan.approval else [],
                results=Lazy(lambda plan=plan: table_mod.results_summary(
                    plan, lambda p: number_label(p.node.index, plan.framework.levels[0].numbering) + p.title)),
                statuses=STATUSES), facts.texts[id(plan)], in_sitemap=not plan.draft,
                sources=(agency,)))
            if older:
                diff = diffs[id(plan)]   # older[0] against plan
                pages.append(Page("compare", compare_url(plan), f"{agency.full_name} {older[0].year}–{plan.year} 年計畫比較",
                                  [*above, a_crumb, (plan.title, plan_url(plan))],
                                  CompareData(diff=diff, similar_percent=compare_mod.SIMILAR_PERCENT),
                                  descriptions.compare(diff), sources=(agency,)))
        for unit in agency.units:
            unit_years = facts.unit_measures[id(unit)]
            pages.append(Page("unit", unit_url(agency, unit), f"{agency.full_name}{unit.name}",
                              [*above, a_crumb],
                              UnitData(agency=agency, unit=unit, years=unit_years),
                              facts.texts[id(unit)], sources=(agency,)))
    fw_crumb = (terms.title, "frameworks/")
    answered_in = {fw.id: _answers([p for p in plans if p.framework is fw]) for fw in fws}
    crosswalks = [cw for cw in content.crosswalks if all(f.id in answered_in for f in cw.between)]
    for fw in fws:
        fw_plans = [p for p in plans if p.framework is fw]
        pages.append(Page("framework", framework_url(fw), fw.name, [home, fw_crumb], FrameworkData(
                          framework=fw, plans=fw_plans, summary=_framework_summary(fw, len(fw_plans)),
                          crosswalks=_crosswalk_tables(fw, crosswalks)),
                          descriptions.framework(fw, len(fw_plans))))
        answered = answered_in[fw.id]
        for root in fw.roots:
            r_crumb = (_node_label(fw, root), node_url(fw, root))
            answers = answered.get((0, root.code), [])
            editions = Lazy(lambda node=root, fw=fw: _editions(fw, node, crosswalks, answered_in))
            shown = _edition_sources(fw, root, crosswalks, answered_in)
            pages.append(Page("pillar", node_url(fw, root), _node_label(fw, root), [home, fw_crumb,
                              (fw.name, framework_url(fw))],
                              PillarData(framework=fw, node=root, answers=answers, editions=editions),
                              descriptions.node(fw, root, _node_label(fw, root), answers),
                              sources=(*_answer_sources(fw, answers), *shown)))
            for child in root.children:
                answers = answered.get((1, child.code), [])
                editions = Lazy(lambda node=child, fw=fw: _editions(fw, node, crosswalks, answered_in))
                shown = _edition_sources(fw, child, crosswalks, answered_in)
                pages.append(Page("pillar", node_url(fw, child), _node_label(fw, child), [home, fw_crumb,
                                  (fw.name, framework_url(fw)), r_crumb],
                                  PillarData(framework=fw, node=child, answers=answers, editions=editions),
                                  descriptions.node(fw, child, _node_label(fw, child), answers),
                                  sources=(*_answer_sources(fw, answers), *shown)))
    pages += overview_pages(plans, agencies, fws, pages, home)   # statistics and charts (issue 15)
    return SiteModel(name=name, agencies=agencies, plans=plans, governments=governments, org=org,
                     agency_summary=_agency_summary(org, len(agencies)), years=years,
                     frameworks=fws, framework_terms=terms, updated=updated, pages=pages,
                     urls=URLS, help_url=CONTACT if config.has_contact else "")


def _org_tree(governments: list[tuple[str, list[Agency]]]) -> list[tuple[str, list[OrgGroup]]]:
    """Governments, and the parent levels under them, holding their agencies; central ones first.

    A level that is itself an agency on this site (民用航空局 above 臺南航空站) links to that agency's page."""
    kinds: dict[str, list[OrgGroup]] = {CENTRAL: [], LOCAL: []}
    for number, (government, members) in enumerate(governments, 1):
        top = OrgGroup(government, f"org-{number}")
        for agency in members:
            group = top
            for name in agency.parents:
                child = next((c for c in group.children if c.name == name), None)
                if child is None:
                    child = OrgGroup(name, "")
                    group.children.append(child)
                group = child
            if agency.name == group.name and group.agency is None:
                group.agency = agency
            else:
                group.agencies.append(agency)
        _settle(top)
        kinds[CENTRAL if members[0].is_central else LOCAL].append(top)
    return [(kind, groups) for kind, groups in kinds.items() if groups]


def _settle(group: OrgGroup) -> int:
    """Sort the levels below `group`, number their anchors, adopt agencies named like a level, count agencies."""
    group.children.sort(key=lambda c: c.name)
    for child in group.children:
        same = next((a for a in group.agencies if a.name == child.name and child.agency is None), None)
        if same is not None:
            child.agency = same
            group.agencies.remove(same)
    group.agencies.sort(key=lambda a: a.full_name)
    group.count = len(group.agencies)
    for index, child in enumerate(group.children, 1):
        child.anchor = f"{group.anchor}-{index}"
        group.count += _settle(child) + (1 if child.agency else 0)
    return group.count


def _org_crumbs(org: list[tuple[str, list[OrgGroup]]]) -> dict[str, list[tuple[str, str]]]:
    """Per agency slug, the crumbs between 機關列表 and the agency: 交通部 › 民用航空局."""
    out: dict[str, list[tuple[str, str]]] = {}

    def walk(group: OrgGroup, above: list[tuple[str, str]]) -> None:
        if group.agency is not None:
            out[group.agency.slug] = above
        here = above + [(group.name, group.url)]
        for agency in group.agencies:
            out[agency.slug] = here
        for child in group.children:
            walk(child, here)

    for _, groups in org:
        for group in groups:
            walk(group, [])
    return out


def _org_rows(agency: Agency) -> list[tuple[str, str]]:
    """The agency page's 所屬政府 / 所屬中央機關 and 上級機關 rows."""
    rows = [(f"所屬{CENTRAL if agency.is_central else '政府'}", agency.government)]
    if agency.parents:
        rows.append(("上級機關", agency.parent_full_name))
    return rows


def _agency_summary(org: list[tuple[str, list[OrgGroup]]], count: int) -> str:
    """「高雄市政府所屬 4 個機關」, or 「6 個機關，分屬 1 個中央機關與 2 個縣市政府」."""
    groups = [group for _, gs in org for group in gs]
    if not groups:
        return "尚無機關"
    if len(groups) == 1:
        return f"{groups[0].name}所屬 {count} 個機關"
    return f"{count} 個機關，分屬 " + "與 ".join(f"{len(gs)} 個{kind}" for kind, gs in org)


def _framework_terms(fws: list[Framework], counts: dict[str, int]) -> FrameworkTerms:
    """The site's words for framework levels: the most used framework's, and every framework's."""
    if not fws:
        return FrameworkTerms("構面", "服務項目", "構面", "服務項目")
    main = max(fws, key=lambda fw: counts.get(fw.id, 0))   # max keeps the first of equals: fws order

    def distinct(depth: int) -> str:
        names: list[str] = []
        for fw in fws:
            if fw.levels[depth].name not in names:
                names.append(fw.levels[depth].name)
        return "、".join(names)

    return FrameworkTerms(main.levels[0].name, main.levels[1].name, distinct(0), distinct(1))


def _framework_summary(fw: Framework, plan_count: int) -> str:
    """「6 個構面、22 個服務項目；本站有 4 份計畫採用。」"""
    second = sum(len(root.children) for root in fw.roots)
    return (f"{len(fw.roots)} 個{fw.levels[0].name}、{second} 個{fw.levels[1].name}；"
            f"本站有 {plan_count} 份計畫採用。")


def _contact_rows(config: Config) -> list[tuple[str, str, str]]:
    """(label, text, link or "") for each contact detail site.toml gives, in the footer's order."""
    rows = []
    for key, label in (("address", "地址"), ("phone", "電話"), ("fax", "傳真"), ("email", "電子郵件"),
                       ("hours", "服務時間"), ("url", "線上聯絡")):
        value = config[f"contact.{key}"]
        if value:
            href = f"mailto:{value}" if key == "email" else value if key == "url" else ""
            rows.append((label, value, href))
    return rows


_CJK = "一二三四五六七八九十"
_CJK_UPPER = "壹貳參肆伍陸柒捌玖拾"


def number_label(index: int, numbering: str) -> str:
    """壹、 / 一、 / (一) / 1. for the numbering styles; '' for none."""
    cjk = _CJK[index - 1] if index <= 10 else str(index)
    upper = _CJK_UPPER[index - 1] if index <= 10 else str(index)
    return {"cjk": f"{cjk}、", "cjk-paren": f"({cjk})", "arabic": f"{index}.",
            "cjk-upper": f"{upper}、"}.get(numbering, "")


def short_ref(fw: Framework, node: FrameworkNode) -> str:
    """How people cite a framework node: 三 or 三(二) for the six pillars; the title otherwise."""
    parts = []
    current = node
    while current is not None:
        style = fw.levels[current.depth].numbering
        if style == "none":
            return node.title
        label = number_label(current.index, style)
        parts.append(label.rstrip("、.") if style in ("cjk", "arabic") else label)
        current = current.parent
    return "".join(reversed(parts))


def node_label(fw: Framework, node: FrameworkNode) -> str:
    """A framework node with its number, in the framework's own words: 三、強化服務量能，提升服務效率."""
    return f"{number_label(node.index, fw.levels[node.depth].numbering)}{node.title}".strip()


_node_label = node_label


def _plan_units(plan: Plan) -> list[Unit]:
    seen: list[Unit] = []
    for *_, measure in plan.measures():
        for unit in measure.units:
            if unit not in seen:
                seen.append(unit)
    if plan.opening:
        for unit in plan.opening.units:
            if unit not in seen:
                seen.append(unit)
    return [u for u in plan.agency.units if u in seen]


def _unit_summaries(agency: Agency) -> list[tuple[Unit, int]]:
    return [(unit, sum(1 for plan in agency.plans for *_, m in plan.measures() if unit in m.units))
            for unit in agency.units]


def _unit_measures(agency: Agency) -> dict[int, list]:
    """Per unit (by id): [(plan, opening, [(pillar, [(item, group, [measures])])])], newest first.

    One pass over the agency's measures for all its units (a unit per pass cost the preview a
    quarter of its rebuild at 1,000 plans)."""
    out: dict[int, list] = {id(unit): [] for unit in agency.units}
    for plan in agency.plans:
        found: dict[int, list] = defaultdict(list)
        for pillar in plan.pillars:
            items: dict[int, list] = defaultdict(list)
            for item in pillar.items:
                for group in item.groups:
                    mine: dict[int, list] = defaultdict(list)
                    for measure in group.measures:
                        for unit in measure.units:
                            if not mine[id(unit)] or mine[id(unit)][-1] is not measure:
                                mine[id(unit)].append(measure)
                    for key, measures in mine.items():
                        items[key].append((item, group, measures))
            for key, entries in items.items():
                found[key].append((pillar, entries))
        opening_units = {id(unit) for unit in plan.opening.units} if plan.opening else set()
        for unit in agency.units:
            opening = plan.opening if id(unit) in opening_units else None
            if found.get(id(unit)) or opening:
                out[id(unit)].append((plan, opening, found.get(id(unit), [])))
    return out


def _answer_sources(fw: Framework, answers) -> tuple:
    """What a pillar page shows: its framework, and each plan's pillar or item that answers it."""
    return (fw, *((plan, part) for _year, entries in answers for plan, part in entries))


def _crosswalk_tables(fw: Framework, crosswalks) -> tuple[CrosswalkTable, ...]:
    """Each crosswalk touching `fw`, as a table in `fw`'s order: its pillars and items with their
    counterparts (nodes without any are left out)."""
    tables = []
    for cw in crosswalks:
        if fw not in cw.between:
            continue
        other = cw.between[1] if cw.between[0] is fw else cw.between[0]
        rows = []
        for root in fw.roots:
            for node in (root, *root.children):
                twins = cw.counterparts(fw, node)
                if twins:
                    rows.append(CrosswalkRow(_twin_label(fw, node), node_url(fw, node),
                                             tuple((_twin_label(o, n), node_url(o, n)) for o, n in twins)))
        tables.append(CrosswalkTable(other.name, cw.basis, tuple(rows)))
    return tuple(tables)


def _twin_label(fw: Framework, node: FrameworkNode) -> str:
    """執行指標 服務便捷 / 服務項目 三(二)：衡酌實際需求……"""
    level, ref = fw.levels[node.depth].name, short_ref(fw, node)
    return f"{level} {ref}" if ref == node.title else f"{level} {ref}：{node.title}"


def _editions(fw: Framework, node: FrameworkNode, crosswalks, answered_in) -> tuple[Edition, ...]:
    """The nodes of other framework editions that the crosswalks pair with `node`, each with the plans
    answering it (only editions some plan uses have pages). Made when the page is rendered: what it
    shows is named by _edition_sources."""
    editions = []
    for cw in crosswalks:
        found = cw.counterparts(fw, node)
        if not found:
            continue
        other = found[0][0]
        nodes = []
        for _, twin in found:
            answers, years = [], []
            by_year = answered_in[other.id].get((twin.depth, twin.code), [])
            for year, entries in by_year:
                total = 0
                for plan, part in entries:
                    url = pillar_in_plan_url(plan, part.code) if twin.depth == 0 else item_in_plan_url(plan, part.code)
                    count = sum(i.measure_count for i in part.items) if twin.depth == 0 else part.measure_count
                    answers.append(CounterpartAnswer(f"{plan.agency.full_name} {year} 年度", url, count))
                    total += count
                years.append(CounterpartAnswer(f"{year} 年度 {len(entries)} 份計畫", node_year_url(other, twin, year), total))
            many = len(answers) > COUNTERPART_PLANS    # a city's portal: one line per year, not per plan
            nodes.append(Counterpart(_twin_label(other, twin), node_url(other, twin),
                                     () if many else tuple(answers), tuple(years) if many else ()))
        editions.append(Edition(other.name, cw.basis, tuple(nodes)))
    return tuple(editions)


def _edition_sources(fw: Framework, node: FrameworkNode, crosswalks, answered_in) -> tuple:
    """What _editions shows, as page sources: each crosswalk, the other framework, each answering part."""
    sources: list = []
    for cw in crosswalks:
        found = cw.counterparts(fw, node)
        if found:
            sources += [cw, found[0][0]]
            other = found[0][0]
            for _, twin in found:
                for _year, entries in answered_in[other.id].get((twin.depth, twin.code), []):
                    sources += entries
    return tuple(sources)


def _answers(plans: list[Plan]) -> dict[tuple[int, str], list]:
    """How the plans answer each framework node, by (depth, code): [(year, [(plan, pillar_or_item)])],
    newest first, each year's by agency; one pass over the plans for every node."""
    by_node: dict[tuple[int, str], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for plan in plans:
        for pillar in plan.pillars:
            by_node[(0, pillar.code)][plan.year].append((plan, pillar))
            for item in pillar.items:
                by_node[(1, item.code)][plan.year].append((plan, item))
    return {key: [(year, sorted(entries, key=lambda e: e[0].agency.full_name))
                  for year, entries in sorted(by_year.items(), reverse=True)]
            for key, by_year in by_node.items()}

# ---- overview pages (issue 15) -----------------------------------------------------------------
# Figures are counted in plansite/overview.py and drawn in plansite/svgchart.py; this section gives
# them their pages, URLs and links. build_site calls overview_pages once, after every other page.

from markupsafe import Markup  # noqa: E402 - kept with the section that uses it

from . import overview as overview_mod, svgchart  # noqa: E402

OVERVIEW = "overview/"


def government_overview_url(government: str, year: int) -> str:
    """overview/kaohsiung/114/: a government's plans of one year (overview.government_slug)."""
    return f"{OVERVIEW}{overview_mod.government_slug(government)}/{year}/"


def results_in_plan_url(plan: Plan) -> str:
    """A plan's 執行成效統計 (its id in templates/pages/plan.html)."""
    return plan_url(plan) + "#results"


def breakdown_url(government: str, year: int, fw: Framework, root: FrameworkNode) -> str:
    """overview/kaohsiung/114/six-pillars-3/: one pillar's sub-items across a government's plans of one year."""
    return f"{government_overview_url(government, year)}{pillar_key(fw, root)}/"


def measures_in_plan_urls(plan: Plan):
    """measure -> its own row on the plan page (MeasureAnchors), for one plan's measures."""
    anchors = MeasureAnchors(plan)
    return lambda measure: plan_url(plan) + "#" + anchors(measure)


OVERVIEW_LINKS = overview_mod.Links(plan=plan_url, pillar_in_plan=pillar_in_plan_url, item_in_plan=item_in_plan_url,
                                    measures_in_plan=measures_in_plan_urls,
                                    results_in_plan=results_in_plan_url, node=node_url, unit=unit_url,
                                    node_label=node_label, short_ref=short_ref)


@dataclass(frozen=True)
class Chart:
    """A figure with its drawing: the template shows the chart and, beside it, the figure as a table."""
    figure: overview_mod.Figure
    svg: Markup


@dataclass(frozen=True)
class OverviewEntry:
    """A government's overview pages, one per year, for the site overview and the 網站導覽."""
    government: str
    years: tuple[tuple[int, str, int], ...]     # (year, url, plans), newest first


def _plan_label(plan: Plan) -> str:
    return f"{plan.agency.full_name} {plan.year} 年"


def _charts(plans: list[Plan], fws: list[Framework], labels: dict[int, tuple[str, str]],
            by_gov_year: dict[tuple[str, int], list[Plan]] | None = None) -> list[Chart]:
    """Every figure the plans allow, in reading order: pillars per framework, units, deadlines, results.
    With `by_gov_year` (the site overview) the pillar figures have a row per government and year, each
    number linking to that year's page of the pillar: a row per agency would not fit one page at 1,000 plans."""
    links = OVERVIEW_LINKS
    figures: list = []
    for fw in fws:
        fw_plans = [p for p in plans if p.framework is fw]
        if by_gov_year is not None:
            scopes = [overview_mod.Scope(f"{gov} {year} 年度", f"{gov} {year}年", government_overview_url(gov, year),
                                         tuple(p for p in members if p.framework is fw),
                                         lambda node, gov=gov, year=year, fw=fw: breakdown_url(gov, year, fw, node))
                      for (gov, year), members in sorted(by_gov_year.items(), key=lambda kv: (kv[0][0], -kv[0][1]))
                      if any(p.framework is fw for p in members)]
            if scopes:
                figures.append(overview_mod.heat_by_scope(f"heat-{fw.id}", fw, scopes, links))
        elif fw_plans:
            figures.append(overview_mod.heat_table(f"heat-{fw.id}", fw, fw_plans, labels, links))
    figures.append(overview_mod.top_units("units", plans, links, full_names=True))
    figures.append(overview_mod.deadlines_by_month("deadlines", plans, links, _plan_label)[0])
    figures += [overview_mod.status_by_pillar(f"status-{fw.id}", fw, plans, links) for fw in fws]
    figures.append(overview_mod.status_by_plan("status-plans", plans, links, labels))
    return [Chart(fig, svgchart.draw(fig)) for fig in figures if fig is not None]


def _breakdown_pages(government: str, year: int, members: list[Plan], fws: list[Framework],
                     labels: dict[int, tuple[str, str]], crumbs: list) -> list[Page]:
    """One page per pillar of each framework the plans use: agencies × that pillar's sub-items. Apart from
    the government's overview so that each page stays light with a hundred agencies or more."""
    pages = []
    for fw in fws:
        fw_plans = [p for p in members if p.framework is fw]
        for root in fw.roots if fw_plans else ():
            if not root.children:
                continue
            column = overview_mod.pillar_column(fw, root, OVERVIEW_LINKS)
            chart = Lazy(lambda fw=fw, root=root, fw_plans=fw_plans: Chart(overview_mod.item_table(
                f"items-{pillar_key(fw, root)}", fw, root, fw_plans, labels, OVERVIEW_LINKS), Markup("")))
            pages.append(Page("breakdown", breakdown_url(government, year, fw, root),
                              f"{government} {year} 年度{column.key}各{fw.levels[1].name}統計", crumbs,
                              BreakdownData(chart=chart, label=column.label, key=column.key, framework=fw,
                                            government=government, year=year, overview=crumbs[-1]),
                              descriptions.breakdown(government, year, column.label, fw.levels[1].name, fw_plans),
                              sources=(fw, *fw_plans)))
    return pages


def overview_pages(plans: list[Plan], agencies: list[Agency], fws: list[Framework], pages: list[Page],
                   home: tuple[str, str]) -> list[Page]:
    """The site overview (each agency's latest plan) and one overview per government and year; and, added
    to the agency pages already in `pages`, each agency's pillars this year against last year, what
    changed per pillar (from its comparison page's diff) and a link to its government's overview."""
    by_gov_year: dict[tuple[str, int], list[Plan]] = defaultdict(list)
    for plan in plans:                               # newest first, then by agency
        by_gov_year[(plan.agency.government, plan.year)].append(plan)
    entries: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for (government, year), members in sorted(by_gov_year.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        entries[government].append((year, government_overview_url(government, year), len(members)))
    entry_list = [OverviewEntry(gov, tuple(years)) for gov, years in sorted(entries.items())]
    latest = [max(agency.plans, key=lambda p: p.year) for agency in agencies if agency.plans]
    site_labels = {id(p): (f"{p.agency.full_name}（{p.year} 年）", f"{p.agency.name} {p.year}年") for p in latest}
    crumb = ("統計概覽", OVERVIEW)
    out = [Page("overview", OVERVIEW, "統計概覽", [home],
                OverviewData(charts=Lazy(lambda: _charts(latest, fws, site_labels, by_gov_year)), plans=latest,
                             entries=entry_list, government="", year=0, breakdowns=[]),
                descriptions.overview(len(latest), sum(len(e.years) for e in entry_list),
                                      "、".join(dict.fromkeys(fw.levels[0].name for fw in fws))),
                sources=(*fws, *plans, repr(entry_list)))]     # the pillar figures count every plan
    for (government, year), members in sorted(by_gov_year.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        labels = {id(p): (p.agency.full_name, p.agency.name) for p in members}
        title, url = f"{government} {year} 年度統計概覽", government_overview_url(government, year)
        breakdowns = _breakdown_pages(government, year, members, fws, labels, [home, crumb, (title, url)])
        out.append(Page("overview", url, title,
                        [home, crumb], OverviewData(charts=Lazy(lambda members=members, labels=labels:
                                                                _charts(members, fws, labels)),
                                                    plans=members, entries=[], government=government, year=year,
                                                    breakdowns=[(b.data.label, b.url) for b in breakdowns]),
                        descriptions.government_overview(government, year, members), sources=(*fws, *members)))
        out += breakdowns
    by_url = {agency_url(agency): agency for agency in agencies}
    diffs = {(id(c.data.diff.new.agency), c.data.diff.new.year): c for c in pages if c.kind == "compare"}
    for page in pages:
        if page.kind == "agency":
            agency = by_url[page.url]
            years = Lazy(lambda agency=agency: overview_mod.pillar_years("agency-pillars", agency, OVERVIEW_LINKS))
            page.data.pillar_years = Lazy(lambda years=years: Chart(years.make()[0], svgchart.draw(years.make()[0]))
                                             if years.make()[0] else None)
            page.data.pillar_years_note = Lazy(lambda years=years: years.make()[1])
            year = max((p.year for p in agency.plans), default=0)
            compared = diffs.get((id(agency), year))     # the latest plan's comparison page, if any
            page.data.year_changes = Lazy(lambda compared=compared: overview_mod.pillar_changes(
                compared.data.diff, compared.url, OVERVIEW_LINKS) if compared else None)
            page.data.overview_link = ((f"{agency.government} {year} 年度統計概覽",
                                           government_overview_url(agency.government, year)) if agency.plans else None)
        elif page.kind == "opendata":
            page.data.overview_fields = overview_mod.OPEN_DATA_FIELDS
        elif page.kind == "sitemap":   # every government's and year's overview, under the site's
            page.data.overviews = [(p.title, p.url) for p in out[1:]]
    return out


def overview_records(pages: list[Page]) -> tuple[list[str], list[list[str]]]:
    """Every chart's numbers, on overview and agency pages, for open-data/overview.csv and .json."""
    rows: list[list[str]] = []
    for page in pages:
        rows += page_records(page)
    return [name for name, _ in overview_mod.OPEN_DATA_FIELDS], rows


CHART_PAGES = ("agency", "overview", "breakdown")   # the page kinds whose charts overview.csv/.json hold


def page_records(page: Page) -> list[list[str]]:
    """The numbers of one page's charts (overview_records, page by page)."""
    if page.kind not in CHART_PAGES:
        return []
    if page.kind == "agency":
        chart = resolved(page.data.pillar_years)
        charts = [chart] if chart else []
    elif page.kind == "overview":
        charts = resolved(page.data.charts)
    else:
        charts = [resolved(page.data.chart)]
    return [row for chart in charts for row in overview_mod.figure_records(page.url, chart.figure)]


# The site model's URL and anchor functions, as templates call them: {{ urls.plan(plan)|url }}
# (a Jinja global, so macros need not be handed it; the `url` filter makes the link relative).
URLS = {"agency": agency_url, "plan": plan_url, "unit": unit_url, "framework": framework_url,
        "node": node_url, "ref": short_ref, "compare": compare_url,
        "pillar_in_plan": pillar_in_plan_url, "item_in_plan": item_in_plan_url,
        "pillar_anchor": table_mod.pillar_anchor, "year_anchor": year_anchor}
