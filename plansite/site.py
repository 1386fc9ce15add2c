"""The site model: every page with its URL, title, breadcrumbs and data, and the indexes.

Pure: values in, values out. Sorting, grouping, counting and URL building happen here,
never in templates. Every collection that reaches output is sorted.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from . import compare as compare_mod, descriptions, table as table_mod
from .config import Config
from .load import Content
from .model import Agency, Framework, FrameworkNode, Plan, Unit

HOME = ""
CONTACT = "contact/"

FIELDS = (  # the open-data columns (plansite/downloads.py COLUMNS), described for the 開放資料 page
    ("機關", "機關全銜。"), ("機關代稱", "機關的網址代稱。"), ("年度", "民國年。"), ("計畫名稱", "計畫名稱（不含機關名）。"),
    ("構面代碼", "計畫架構的構面代碼，例如 3；「訂定提升服務計畫」列為空白。"), ("構面", "本機關計畫中的構面文字。"),
    ("服務項目代碼", "架構代碼，例如 3.2 表示三(二)。"), ("服務項目", "本機關計畫中的服務項目文字。"),
    ("分組", "具體作法的小標題（如有）。"), ("編號", "具體作法在計畫中的編號，例如 2 或 2.1。"),
    ("具體作法", "具體作法全文。"), ("負責單位", "負責的單位，多個以「、」分隔。"), ("完成期限", "完成期限（如有）。"),
)


@dataclass
class Page:
    kind: str                                  # template: templates/pages/<kind>.html
    url: str                                   # site-relative pretty URL, "" for home
    title: str
    crumbs: list[tuple[str, str]] = field(default_factory=list)   # (title, url), home first, self excluded
    data: dict = field(default_factory=dict)
    description: str = ""
    in_sitemap: bool = True

    @property
    def out_path(self) -> str:
        return self.url if self.url.endswith((".html", ".xml", ".txt", ".json")) else self.url + "index.html"


# ---- URLs: content objects own their URLs; templates never build paths ----

def agency_url(agency: Agency) -> str:
    return f"agencies/{agency.slug}/"


def plan_url(plan: Plan) -> str:
    return f"agencies/{plan.agency.slug}/{plan.year}/"


def compare_url(plan: Plan) -> str:
    """The comparison of a plan with the agency's previous one."""
    return f"agencies/{plan.agency.slug}/{plan.year}/compare/"


def unit_url(agency: Agency, unit: Unit) -> str:
    return f"agencies/{agency.slug}/units/{unit.slug}/"


def framework_url(fw: Framework) -> str:
    return f"frameworks/{fw.id}/"


def node_url(fw: Framework, node: FrameworkNode) -> str:
    return f"frameworks/{fw.id}/{node.code.replace('.', '-')}/"


@dataclass
class SiteModel:
    name: str
    agencies: list[Agency]
    plans: list[Plan]                          # newest first, then by agency
    governments: list[tuple[str, list[Agency]]]
    years: list[tuple[int, list[Plan]]]
    frameworks: list[Framework]
    updated: str
    pages: list[Page]
    urls: dict                                 # helpers exposed to templates
    help_url: str = ""                         # 聯絡我們, in the same place on every page (WCAG 3.2.6); "" if none


def build_site(content: Content, config: Config, a11y_check: dict | None = None) -> SiteModel:
    """The whole site; `a11y_check` is the last `check --a11y` record, for the 無障礙聲明 page."""
    plans = sorted(content.plans, key=lambda p: (-p.year, p.agency.full_name))
    agencies = sorted(content.agencies, key=lambda a: (a.government, a.full_name))
    by_gov: dict[str, list[Agency]] = defaultdict(list)
    for agency in agencies:
        by_gov[agency.government].append(agency)
    governments = sorted(by_gov.items())
    by_year: dict[int, list[Plan]] = defaultdict(list)
    for plan in plans:
        by_year[plan.year].append(plan)
    years = sorted(by_year.items(), reverse=True)
    used = {p.framework.id: p.framework for p in plans}
    fws = sorted(used.values(), key=lambda f: (f.id != "six-pillars", f.id))
    dates = sorted(p.published for p in plans if p.published)
    updated = config["site.updated"] or (dates[-1] if dates else "")
    name = config["site.name"]

    home = ("首頁", HOME)
    static = descriptions.STATIC
    pages: list[Page] = [
        Page("home", HOME, name, [], {"latest": plans[:10]},
             descriptions.home(name, config["site.description"], len(agencies), len(plans))),
        Page("agencies", "agencies/", "機關列表", [home], description=descriptions.agencies(governments)),
        Page("years", "years/", "年度列表", [home], description=descriptions.years(years)),
        Page("frameworks", "frameworks/", "構面與服務項目", [home], description=descriptions.frameworks(fws)),
        Page("search", "search/", "搜尋計畫", [home], description=static["search"]),
        Page("sitemap", "sitemap/", "網站導覽", [home], description=static["sitemap"]),
        Page("accessibility", "accessibility/", "無障礙聲明", [home],
             {"check": a11y_check, "contact": _contact_rows(config)}, description=static["accessibility"]),
        Page("privacy", "privacy/", "隱私權及資訊安全政策", [home], description=static["privacy"]),
        Page("opendata", "open-data/", "政府網站資料開放宣告", [home], {"fields": FIELDS}, static["opendata"]),
        Page("notfound", "404.html", "找不到網頁", [home], description=static["notfound"], in_sitemap=False),
    ]
    if config.has_contact:
        pages.append(Page("contact", CONTACT, "聯絡我們", [home], {"contact": _contact_rows(config)},
                          f"{config['site.owner']}的聯絡方式，以及回報網站無障礙問題的方法。"))
    agencies_crumb = ("機關列表", "agencies/")
    for agency in agencies:
        a_crumb = (agency.full_name, agency_url(agency))
        pages.append(Page("agency", agency_url(agency), agency.full_name, [home, agencies_crumb],
                          {"agency": agency, "units": _unit_summaries(agency)}, descriptions.agency(agency)))
        for plan in agency.plans:
            older = [p for p in agency.plans if p.year < plan.year]
            newer = [p for p in agency.plans if p.year > plan.year]
            units = _plan_units(plan)
            pages.append(Page("plan", plan_url(plan), plan.full_title, [home, agencies_crumb, a_crumb], {
                "plan": plan, "table": table_mod.build_table(plan),
                "previous": older[0] if older else None, "next": newer[-1] if newer else None,
                "units": units}, descriptions.plan(plan, units)))
            if older:
                diff = compare_mod.diff_plans(older[0], plan)
                pages.append(Page("compare", compare_url(plan), f"{agency.full_name} {older[0].year}–{plan.year} 年計畫比較",
                                  [home, agencies_crumb, a_crumb, (plan.title, plan_url(plan))],
                                  {"diff": diff}, descriptions.compare(diff)))
        for unit in agency.units:
            unit_years = _unit_measures(agency, unit)
            pages.append(Page("unit", unit_url(agency, unit), f"{agency.full_name}{unit.name}",
                              [home, agencies_crumb, a_crumb],
                              {"agency": agency, "unit": unit, "years": unit_years},
                              descriptions.unit(agency, unit, unit_years)))
    fw_crumb = ("構面與服務項目", "frameworks/")
    for fw in fws:
        fw_plans = [p for p in plans if p.framework is fw]
        pages.append(Page("framework", framework_url(fw), fw.name, [home, fw_crumb], {"framework": fw,
                          "plans": fw_plans}, descriptions.framework(fw, len(fw_plans))))
        for root in fw.roots:
            r_crumb = (_node_label(fw, root), node_url(fw, root))
            answers = _answers(fw_plans, root)
            pages.append(Page("pillar", node_url(fw, root), _node_label(fw, root), [home, fw_crumb,
                              (fw.name, framework_url(fw))], {"framework": fw, "node": root, "answers": answers},
                              descriptions.node(fw, root, _node_label(fw, root), answers)))
            for child in root.children:
                answers = _answers(fw_plans, child)
                pages.append(Page("pillar", node_url(fw, child), _node_label(fw, child), [home, fw_crumb,
                                  (fw.name, framework_url(fw)), r_crumb], {"framework": fw, "node": child,
                                  "answers": answers}, descriptions.node(fw, child, _node_label(fw, child), answers)))
    return SiteModel(name=name, agencies=agencies, plans=plans, governments=governments, years=years,
                     frameworks=fws, updated=updated, pages=pages,
                     urls={"agency": agency_url, "plan": plan_url, "unit": unit_url, "framework": framework_url,
                           "node": node_url, "ref": short_ref, "compare": compare_url},
                     help_url=CONTACT if config.has_contact else "")


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


def _node_label(fw: Framework, node: FrameworkNode) -> str:
    return f"{number_label(node.index, fw.levels[node.depth].numbering)}{node.title}".strip()


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


def _unit_measures(agency: Agency, unit: Unit):
    """[(plan, opening measures, [(pillar, [(item, group, [measures])])])] for one unit, newest first."""
    out = []
    for plan in agency.plans:
        pillars = []
        for pillar in plan.pillars:
            items = []
            for item in pillar.items:
                for group in item.groups:
                    mine = [m for m in group.measures if unit in m.units]
                    if mine:
                        items.append((item, group, mine))
            if items:
                pillars.append((pillar, items))
        opening = plan.opening if plan.opening and unit in plan.opening.units else None
        if pillars or opening:
            out.append((plan, opening, pillars))
    return out


def _answers(plans: list[Plan], node: FrameworkNode):
    """How each plan answers one framework node: [(year, [(plan, pillar_or_item)])], newest first."""
    by_year: dict[int, list] = defaultdict(list)
    for plan in plans:
        for pillar in plan.pillars:
            if node.depth == 0 and pillar.code == node.code:
                by_year[plan.year].append((plan, pillar))
            for item in pillar.items:
                if node.depth == 1 and item.code == node.code:
                    by_year[plan.year].append((plan, item))
    return [(year, sorted(entries, key=lambda e: e[0].agency.full_name))
            for year, entries in sorted(by_year.items(), reverse=True)]
