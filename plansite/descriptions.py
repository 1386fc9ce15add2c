"""Each page's meta description, built from the page's own data.

Plain text (no HTML, no Markdown), Traditional Chinese, deterministic, and at most LIMIT
characters: search engines show about that much, and it keeps the <head> small. Sentences are
added whole while they fit; a first sentence that alone is too long is cut with "…".
"""
from __future__ import annotations

import re

from . import markdown
from .model import Agency, Framework, FrameworkNode, Plan, Unit

LIMIT = 150


def number_label(index: int, numbering: str) -> str:
    from .site import number_label as label  # noqa: PLC0415 - site imports this module

    return label(index, numbering)


def fit(*sentences: str, limit: int = LIMIT) -> str:
    """The sentences joined, keeping whole sentences while they fit within `limit` characters."""
    out = ""
    for sentence in (_clean(s) for s in sentences):
        if not sentence:
            continue
        if not out:
            out = sentence if len(sentence) <= limit else sentence[:limit - 1] + "…"
        elif len(out) + len(sentence) <= limit:
            out += sentence
        else:
            break
    return out


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _join(names: list[str]) -> str:
    return "、".join(names)


def first_sentence(text: str) -> str:
    """The first sentence of a Markdown field as plain text, without a list number (1. / 一、)."""
    plain = markdown.plain_text(text).strip()
    if not plain:
        return ""
    line = plain.splitlines()[0]
    end = line.find("。")
    return line[:end + 1] if end >= 0 else line.rstrip("；;，,") + "。"


def measure_count(plan: Plan) -> int:
    return sum(1 for _ in plan.measures()) + (len(plan.opening.measures) if plan.opening else 0)


def plan(plan: Plan, units: list[Unit]) -> str:
    fw = plan.framework
    title = plan.full_title if str(plan.year) in plan.title else f"{plan.agency.full_name}{plan.year}年度{plan.title}"
    summary = f"{title}：{len(plan.pillars)}個{fw.levels[0].name}、{measure_count(plan)}項具體作法"
    if units:
        names = [u.name for u in units]
        summary += f"，由{_join(names[:3])}{'等' + str(len(names)) + '個單位' if len(names) > 3 else ''}負責"
    goals = next((s for s in plan.sections if "目標" in s.short_title and s.body), None)
    return fit(summary + "。", f"計畫目標：{first_sentence(goals.body)}" if goals else "")


def agency(agency: Agency) -> str:
    years = [str(p.year) for p in agency.plans]
    if not years:
        return fit(f"{agency.full_name}的提升服務計畫：目前尚未公開任何年度的計畫。")
    text = f"{agency.full_name}的提升服務計畫：{_join(years)}年度，共{len(years)}份"
    more = f"，可依{len(agency.units)}個負責單位查看具體作法" if agency.units else ""
    if len(years) > 1:
        more += "，並比較各年度的差異"
    return fit(text + more + "。", f"上級機關：{agency.parent_full_name}。" if agency.parents else "")


def unit(agency: Agency, unit: Unit, years) -> str:
    """`years` is the unit page's data: [(plan, opening, [(pillar, items)])], newest first."""
    name = f"{agency.full_name}{unit.name}"
    if not years:
        return fit(f"{name}：目前的提升服務計畫中，沒有由本單位負責的具體作法。", unit.description)
    per_year = []
    titles: list[str] = []
    refs: list[str] = []
    for plan_, opening, plan_pillars in years:
        count = sum(len(mine) for _, items in plan_pillars for *_, mine in items)
        count += len(opening.measures) if opening else 0
        per_year.append(f"{plan_.year}年度{count}項")
        for pillar, _ in plan_pillars:
            if pillar.title not in titles:
                titles.append(pillar.title)
                refs.append(_short(plan_.framework, pillar.node))
    text = f"{name}在提升服務計畫中負責的具體作法：{_join(per_year)}。"
    level = years[0][0].framework.levels[0].name
    covers = f"涵蓋{level}：{_join(titles)}。"
    if len(text) + len(_clean(unit.description)) + len(covers) > LIMIT:
        covers = f"涵蓋{level}{_join(refs)}。"     # 涵蓋構面一、三、五 when the titles are too long
    return fit(text, unit.description, covers)


def compare(diff) -> str:
    old, new, counts = diff.old, diff.new, diff.counts
    return fit(f"{new.agency.full_name}{old.year}年與{new.year}年提升服務計畫比較：具體作法新增{counts['added']}項、"
               f"刪除{counts['dropped']}項、修改{counts['changed']}項、"
               + (f"移到其他項目{counts['moved']}項、" if counts["moved"] else "") + f"相同{counts['same']}項。",
               f"章節文字有變更：{_join(diff.sections_changed)}。" if diff.sections_changed else "")


def node(fw: Framework, node: FrameworkNode, label: str, answers) -> str:
    """A pillar or sub-item page: the framework's wording, then who answers it in which years."""
    level = fw.levels[node.depth].name
    points = f"{node.points}分" if node.points is not None else ""
    if node.parent is None:
        where = f"（{points}，{fw.name}）" if points else f"（{fw.name}）"
    else:
        where = (f"（{points}）" if points else "") + \
            f"，屬{fw.levels[node.parent.depth].name}「{_node_text(fw, node.parent)}」（{fw.name}）"
    if answers:
        agencies = {plan.agency.slug for _, entries in answers for plan, _ in entries}
        who = f"列出{len(agencies)}個機關{_join([str(year) for year, _ in answers])}年度計畫中的具體作法。"
    else:
        who = "目前沒有計畫回應。"
    first = f"{level}「{label}」{where}。"
    children = ""
    if node.children and node.depth == 0:
        children = f"含{fw.levels[1].name}：{_join([_node_text(fw, c) for c in node.children])}。"
        if len(first) + len(who) + len(children) > LIMIT:
            children = f"含{len(node.children)}個{fw.levels[1].name}。"
    return fit(first, who, children)


def _node_text(fw: Framework, node: FrameworkNode) -> str:
    return f"{number_label(node.index, fw.levels[node.depth].numbering)}{node.title}".strip()


def _short(fw: Framework, node: FrameworkNode) -> str:
    """一 for the six pillars' first pillar; the title where the framework does not number."""
    numbering = fw.levels[node.depth].numbering
    return number_label(node.index, numbering).rstrip("、.") if numbering != "none" else node.title


def framework(fw: Framework, plan_count: int) -> str:
    levels = _join([level.name for level in fw.levels])
    return fit(fw.description, f"本站有{plan_count}份計畫採用此架構，可依{levels}查看各機關的具體作法。")


def frameworks(fws: list[Framework]) -> str:
    def levels(depth: int) -> str:
        return _join(list(dict.fromkeys(fw.levels[depth].name for fw in fws)))

    return fit(f"各機關提升服務計畫採用的架構：{_join([fw.name for fw in fws])}。",
               f"可依{levels(0)}與{levels(1)}，比較各機關、各年度的具體作法。" if fws else "")


def home(site_name: str, configured: str, agency_count: int, plan_count: int, levels: str = "構面") -> str:
    """`levels`: the first level of the site's frameworks, e.g. 構面 or 構面、執行策略."""
    return fit(configured or f"{site_name}彙整{agency_count}個機關、{plan_count}份年度提升服務計畫，"
               f"可依機關、年度、{levels}與負責單位查詢，並提供開放資料下載。")


def agencies(governments: list[tuple[str, list[Agency]]], kinds: list[str] | None = None) -> str:
    """`kinds`: which of 中央機關 / 縣市政府 the governments are."""
    count = sum(len(a) for _, a in governments)
    parts = _join([f"{gov}{len(items)}個" for gov, items in governments])
    by = "與".join(kinds) if kinds else "政府"
    return fit(f"依{by}列出{count}個機關的提升服務計畫：{parts}。點選機關可查看其各年度計畫與負責單位。")


def years(by_year: list[tuple[int, list[Plan]]]) -> str:
    parts = _join([f"{year}年度{len(plans)}份" for year, plans in by_year])
    return fit(f"依年度瀏覽各機關的提升服務計畫：{parts}。")


def search(top: str) -> str:
    """The search page, naming the filters in the site's own framework words (構面, or 推動策略 …)."""
    return fit(f"搜尋各機關提升服務計畫的具體作法與章節，一個字以上的中文、英文或數字都找得到，並一併搜尋常用同義詞；"
               f"可依機關、年度與{top}篩選。", "搜尋在您的瀏覽器中進行，不傳送關鍵字。")



def overview(plan_count: int, page_count: int, levels: str = "構面") -> str:
    """The site overview: each agency's latest plan, and the per-government, per-year overviews.
    `levels`: the first level of the frameworks used, e.g. 構面 or 構面、執行策略."""
    return fit(f"統計概覽：以各機關最新一年的{plan_count}份提升服務計畫，用圖表與表格呈現各{levels}的具體作法項數、"
               f"負責最多作法的單位、完成期限與執行成效。", f"另有{page_count}頁依政府與年度的統計概覽。")


def government_overview(government: str, year: int, plans: list[Plan]) -> str:
    """One government's plans of one year, in figures."""
    measures = sum(1 for plan in plans for _ in plan.measures())
    levels = _join(list(dict.fromkeys(plan.framework.levels[0].name for plan in plans)))
    return fit(f"{government}所屬{len(plans)}個機關{year}年度提升服務計畫的統計概覽：共{measures}項具體作法，"
               f"以圖表與表格呈現各機關各{levels}的項數、負責最多作法的單位、完成期限與執行成效。")

def breakdown(government: str, year: int, pillar: str, level: str, plans: list[Plan]) -> str:
    """One pillar's sub-items across a government's plans of one year."""
    return fit(f"{government}所屬{len(plans)}個機關{year}年度提升服務計畫在「{pillar}」之下，各{level}的具體作法項數，"
               f"每個數字連到計畫中該項目的具體作法。")


STATIC = {
    "sitemap": "網站導覽：列出本站所有頁面，並說明導盲磚快速鍵（Alt+U、Alt+C、Alt+Z、Alt+S）與鍵盤操作方式。",
    "accessibility": "本站無障礙聲明：依「網站無障礙規範」AA 等級設計與檢測的方式、鍵盤與字級功能，以及意見回饋管道。",
    "privacy": "本站隱私權及資訊安全政策：不蒐集個人資料、不使用 Cookie 與追蹤程式，並說明伺服器紀錄、站內搜尋與資訊安全。",
    "opendata": "政府網站資料開放宣告：計畫內容依政府資料開放授權條款第1版開放，提供全部具體作法的 CSV、ODS、JSON 下載與欄位說明。",
    "notfound": "找不到您要的網頁：可回到首頁、依機關瀏覽、搜尋計畫或查看網站導覽。",
}
