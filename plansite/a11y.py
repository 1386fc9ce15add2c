"""The Taiwan accessibility mark's markup checks (../A11Y-TW.md), on a built site.

These are the checks Freego and the mark's reviewers make that axe-core does not: 導盲磚
(access-key bricks), the skip link, 網站導覽, noscript, table headers, link and image rules,
CSS font sizes in relative units. Each finding names the page, the rule code and the element.
"""
from __future__ import annotations

import html.parser
import pathlib
import re
from dataclasses import dataclass, field

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BRICKS = {"AU": ("U", "上方功能區塊", "header"), "AC": ("C", "中央內容區塊", "main"),
          "AZ": ("Z", "下方功能區塊", "footer"), "AS": ("S", "網站搜尋", "header")}
OFFICE = re.compile(r"\.(docx?|xlsx?|pptx?)(\?|#|$)", re.I)
FOCUSABLE = {"a", "button", "input", "select", "textarea"}


@dataclass
class Node:
    tag: str
    attrs: dict
    parent: "Node | None" = None
    children: list = field(default_factory=list)   # Node or str
    line: int = 0

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def describe(self) -> str:
        attrs = " ".join(f'{k}="{v}"' for k, v in list(self.attrs.items())[:3])
        return f"<{self.tag}{' ' + attrs if attrs else ''}>（第 {self.line} 行）"


class _Tree(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, self.current, line=self.getpos()[0])
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.current = self.current.parent

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(text: str) -> Node:
    tree = _Tree()
    tree.feed(text)
    return tree.root


def check_page(rel: str, text: str, language: str = "zh-Hant-TW") -> list[str]:
    """Every finding on one page, as 'page: CODE 說明: element'."""
    root = parse(text)
    nodes = list(root.iter())
    found: list[str] = []

    def bad(code: str, message: str, node: Node | None = None) -> None:
        found.append(f"{rel}: {code} {message}" + (f"：{node.describe()}" if node else ""))

    html_el = next((n for n in nodes if n.tag == "html"), None)
    if html_el is None or html_el.attrs.get("lang") != language:
        bad("HM1310100C", f"<html> 的 lang 應為 {language}", html_el)
    title = next((n for n in nodes if n.tag == "title"), None)
    if title is None or not title.text().strip():
        bad("HM1130103C", "網頁缺少 <title>")
    ids = {n.attrs["id"] for n in nodes if "id" in n.attrs}
    # 4.1.1 is gone from 115.11, but a repeated id still breaks headers=, aria-labelledby and in-page links
    seen_ids: set[str] = set()
    for n in nodes:
        if "id" in n.attrs:
            if n.attrs["id"] in seen_ids:
                bad("id 重複", f"id「{n.attrs['id']}」出現不只一次", n)
            seen_ids.add(n.attrs["id"])

    focusable = [n for n in nodes if n.tag in FOCUSABLE and "href" in n.attrs or n.tag in FOCUSABLE - {"a"}
                 or n.attrs.get("tabindex", "-1") not in ("-1", "")]
    first = focusable[0] if focusable else None
    if first is None or first.tag != "a" or not first.attrs.get("href", "").startswith("#") \
            or first.attrs["href"][1:] not in ids or "跳到主要內容" not in first.text():
        bad("GN1240100E", "第一個可聚焦元素應為「跳到主要內容」連結，且目標存在", first)

    keys: dict[str, Node] = {}
    for n in nodes:
        key = n.attrs.get("accesskey")
        if key is not None:
            if key in keys:
                bad("導盲磚", f"快速鍵 {key} 重複", n)
            keys[key] = n
    has_search = any(n.tag == "form" and n.attrs.get("role") == "search" for n in nodes)
    for brick, (key, title_text, region) in BRICKS.items():
        if brick == "AS" and not has_search:
            continue
        matches = [n for n in nodes if n.attrs.get("id") == brick]
        if len(matches) != 1:
            bad("導盲磚", f"導盲磚 {brick} 應出現一次（出現 {len(matches)} 次）")
            continue
        n = matches[0]
        if n.tag != "a" or n.attrs.get("accesskey") != key or n.attrs.get("href") != f"#{brick}" \
                or n.attrs.get("title") != title_text or n.text().strip() != ":::":
            bad("導盲磚", f"導盲磚 {brick} 應為 <a href=\"#{brick}\" accesskey=\"{key}\" title=\"{title_text}\">:::</a>", n)
        if not any(a.tag == region for a in n.ancestors()):
            bad("導盲磚", f"導盲磚 {brick} 應在 <{region}> 內", n)

    links = [n for n in nodes if n.tag == "a" and "href" in n.attrs]
    if not any(l.attrs["href"].rstrip("/").endswith(("sitemap/index.html", "sitemap")) for l in links) \
            and not rel.startswith("sitemap/"):
        bad("網站導覽", "每頁都應連到網站導覽")
    if not any(n.tag == "noscript" for n in nodes) and "<script" in text:
        bad("noscript", "使用 JavaScript 的頁面應有 <noscript> 說明")

    for n in links:
        label = n.text().strip() or n.attrs.get("aria-label", "") or " ".join(
            i.attrs.get("alt", "") for i in n.iter() if i.tag == "img").strip()
        if not label:
            bad("HM1240401C", "連結沒有文字", n)
        if OFFICE.search(n.attrs["href"]):
            bad("ME1320200C", "連結指向非開放格式的文件（.doc/.xls/.ppt）", n)
        if n.attrs.get("target") == "_blank" and "另開新視窗" not in (n.attrs.get("title", "") + n.text()):
            bad("另開新視窗", "開新視窗的連結應說明「另開新視窗」", n)
    for n in nodes:
        if n.tag == "img":
            if "alt" not in n.attrs:
                bad("HM1110100C", "圖片缺少 alt", n)
            elif n.attrs["alt"] == "" and "title" in n.attrs:
                bad("HM1110106C", "裝飾性圖片（alt=\"\"）不應有 title", n)
        if n.tag == "iframe":
            bad("HM1410201C", "不使用 iframe", n)
        if n.tag == "meta" and n.attrs.get("http-equiv", "").lower() == "refresh":
            bad("FA1220102E", "不可自動重新整理或轉址", n)
    for table in (n for n in nodes if n.tag == "table"):
        cells = list(table.iter())
        caption = next((c for c in cells if c.tag == "caption"), None)
        if caption is None or len(caption.text().strip()) < 4:
            bad("HM1130108E", "表格應有具體的 <caption>", table)
        if "summary" in table.attrs:
            bad("HM1130108E", "不使用已廢止的 summary 屬性", table)
        header_ids = {c.attrs["id"] for c in cells if c.tag == "th" and "id" in c.attrs}
        for c in cells:
            if c.tag == "th" and "scope" not in c.attrs and "id" not in c.attrs:
                bad("HM1130101C", "表格標頭 <th> 應有 scope 或 id", c)
            if c.tag == "th" and not c.text().strip():
                bad("HM1130101C", "表格標頭不可為空", c)
            if c.tag in ("td", "th") and "headers" in c.attrs:
                missing = [h for h in c.attrs["headers"].split() if h not in header_ids]
                if missing:
                    bad("HM1130110E", f"headers 指向不存在的標頭 {' '.join(missing)}", c)
    headings = [int(n.tag[1]) for n in nodes if re.fullmatch(r"h[1-6]", n.tag)]
    if headings.count(1) != 1:
        bad("HM1130100C", f"每頁應有一個 <h1>（有 {headings.count(1)} 個）")
    for before, after in zip(headings, headings[1:]):
        if after > before + 1:
            bad("HM1130100C", f"標題層級跳級（h{before} 之後是 h{after}）")
            break
    return found


_FONT_SIZE = re.compile(r"font-size\s*:\s*([^;}]+)", re.I)
_OUTLINE_NONE = re.compile(r"outline\s*:\s*(none|0)\s*(;|}|!|$)", re.I | re.M)


def check_css(rel: str, text: str) -> list[str]:
    """CS2140401C: every font-size relative; FA2240701E: no outline removed without a replacement."""
    found = []
    plain = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    for match in _FONT_SIZE.finditer(plain):
        value = match.group(1).strip()
        if re.search(r"\d\s*(px|pt)\b", value, re.I):
            line = plain[: match.start()].count("\n") + 1
            found.append(f"{rel}: CS2140401C font-size 不可使用 px 或 pt（第 {line} 行：{value}）")
    for match in _OUTLINE_NONE.finditer(plain):
        rule_start = plain.rfind("}", 0, match.start()) + 1
        selector = plain[rule_start: plain.find("{", rule_start)].strip()
        if ":focus" in selector and "focus-visible" not in selector:
            line = plain[: match.start()].count("\n") + 1
            found.append(f"{rel}: FA2240701E 焦點外框被移除（第 {line} 行：{selector}）")
    return found


def check_sitemap_page(rel: str, text: str) -> list[str]:
    """The 網站導覽 page explains every access key with the bricks' own titles, and Firefox's keys."""
    found = []
    for brick, (key, title_text, _region) in BRICKS.items():
        if f"<kbd>{key}</kbd>" not in text or title_text not in text:
            found.append(f"{rel}: 網站導覽 應說明快速鍵 Alt+{key}（{title_text}）")
    if "Firefox" not in text or "<kbd>Shift</kbd>" not in text:
        found.append(f"{rel}: 網站導覽 應說明 Firefox 使用 Shift+Alt+快速鍵")
    return found


def _has_help_link(text: str) -> bool:
    """A 聯絡我們 link inside the page's footer (the place every page keeps it)."""
    footer = text.find("<footer")
    return footer >= 0 and re.search(r"<a [^>]*>聯絡我們</a>", text[footer:]) is not None


def check_site(site: pathlib.Path, language: str = "zh-Hant-TW") -> tuple[int, list[str]]:
    """(pages checked, findings) for a built site directory."""
    findings: list[str] = []
    without_help: list[str] = []
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        rel = page.relative_to(site).as_posix()
        text = page.read_text(encoding="utf-8")
        findings += check_page(rel, text, language)
        if rel == "sitemap/index.html":
            findings += check_sitemap_page(rel, text)
        if not _has_help_link(text):
            without_help.append(rel)
    if pages and len(without_help) == len(pages):
        findings.append("GN1320600E 網站沒有「聯絡我們」連結（一致性幫助 3.2.6）：請在 site.toml 的 [contact] 設定聯絡資訊")
    elif without_help:
        findings += [f"{rel}: GN1320600E 頁尾缺少「聯絡我們」連結（其他頁面都有）" for rel in without_help]
    if not (site / "sitemap/index.html").is_file():
        findings.append("sitemap/index.html: 網站導覽 頁面不存在")
    for css in sorted(site.rglob("*.css")):
        findings += check_css(css.relative_to(site).as_posix(), css.read_text(encoding="utf-8"))
    return len(pages), findings
