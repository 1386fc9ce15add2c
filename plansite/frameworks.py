"""Load the plan frameworks (six pillars, the older scored framework) from frameworks/*.yaml."""
from __future__ import annotations

import pathlib

from .errors import Pos, Problems
from .model import Crosswalk, Framework, FrameworkNode, Level

CROSSWALKS = "crosswalks"    # frameworks/crosswalks/*.yaml: correspondences between editions


def load_frameworks(directory: pathlib.Path, problems: Problems, cache: dict | None = None) -> dict[str, Framework]:
    from .load import read_doc  # noqa: PLC0415 - load imports the model this module builds

    out: dict[str, Framework] = {}
    for path in sorted(directory.glob("*.yaml")):
        doc = read_doc(path, "framework", problems, cache)
        if doc is None:
            continue
        kept = cache.get(("framework-object", str(path))) if cache is not None else None
        if kept is not None and kept[0] == doc.digest:   # the preview: the same file, the same object
            out[kept[1].id] = kept[1]
            continue
        before = len(problems.items)
        data = doc.data
        if data["id"] != path.stem:
            problems.error(doc.pos(("id",)), f"架構代稱「{data['id']}」與檔名「{path.stem}」不同。",
                           "請讓 id 與檔名（不含 .yaml）相同。")
            continue
        nodes: dict[str, FrameworkNode] = {}
        levels = [Level(lv["name"], lv["numbering"]) for lv in data["levels"]]
        roots = _nodes(data["items"], 0, None, ("items",), doc, nodes, levels, problems)
        out[data["id"]] = Framework(
            id=data["id"], name=data["name"], description=data.get("description", ""), levels=levels,
            measure_numbering=data["measure_numbering"], columns=dict(data["columns"]),
            roots=roots, nodes=nodes, path=path, digest=doc.digest)
        if cache is not None and len(problems.items) == before:
            cache[("framework-object", str(path))] = (doc.digest, out[data["id"]])
    if not out and not problems.errors:
        problems.error(Pos(directory), "找不到任何計畫架構檔（frameworks/*.yaml）。",
                       "請確認 site.toml 的 paths.frameworks 指向架構目錄。 No framework files found.")
    return out


def _nodes(raw_list, depth: int, parent, base: tuple, doc, nodes: dict, levels: list, problems: Problems) -> list:
    """One level of a framework's tree, and the levels under it; codes checked against their order.
    (A module function: a closure calling itself is a reference cycle, which kept the file until the
    cycle collector came by, and plansite/heap.py pauses it while files load.)"""
    result = []
    for index, raw in enumerate(raw_list, 1):
        node = FrameworkNode(code=raw["code"], title=raw["title"], depth=depth,
                             points=raw.get("points"), parent=parent, index=index)
        here = base + (index - 1,)
        if node.code in nodes:
            problems.error(doc.pos(here + ("code",)), f"架構代碼「{node.code}」重複。",
                           "每個構面與服務項目的代碼只能出現一次。 Duplicate framework code.")
        expected = f"{parent.code}.{index}" if parent else str(index)
        if node.code != expected:
            problems.error(doc.pos(here + ("code",)),
                           f"架構代碼應為「{expected}」（依順序），卻寫成「{node.code}」。",
                           "代碼依排列順序編號：構面 1、2、3…，其下的項目 1.1、1.2…；"
                           "請照順序改正，或調整項目的排列。 Codes follow the order of the items.")
        if depth >= len(levels):
            problems.error(doc.pos(here), f"架構只定義了 {len(levels)} 層（levels），這裡是第 {depth + 1} 層。",
                           f"請在 levels 加上第 {depth + 1} 層的名稱與編號方式（最多 3 層），"
                           "或把這些項目移到上一層。 Missing level.")
        nodes[node.code] = node
        node.children = _nodes(raw.get("items", []), depth + 1, node, here + ("items",), doc, nodes, levels, problems)
        result.append(node)
    return result


def load_crosswalks(directory: pathlib.Path, fws: dict[str, Framework], problems: Problems,
                    cache: dict | None = None) -> list[Crosswalk]:
    """frameworks/crosswalks/*.yaml: which pillars or items of two editions correspond, as people wrote
    them down. Every code is checked against its framework; nothing is inferred from titles."""
    from .load import read_doc  # noqa: PLC0415 - load imports the model this module builds

    out: list[Crosswalk] = []
    seen: dict[frozenset, pathlib.Path] = {}
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        doc = read_doc(path, "crosswalk", problems, cache)
        if doc is None:
            continue
        data = doc.data
        ends = []
        for side in ("from", "to"):
            fw = fws.get(data[side])
            if fw is None:
                problems.error(doc.pos((side,)), f"對應表寫的架構「{data[side]}」不存在。",
                               f"可用的架構：{'、'.join(sorted(fws))}（frameworks/ 中的檔名）。 Unknown framework.")
            ends.append(fw)
        if None in ends:
            continue
        a, b = ends
        if a is b:
            problems.error(doc.pos(("to",)), f"對應表的 from 與 to 都是「{a.id}」。",
                           "對應表連結兩個不同的架構版本；請把 to 改成另一個架構。 from and to are the same framework.")
            continue
        pair_key = frozenset((a.id, b.id))
        if pair_key in seen:
            problems.error(doc.pos(("from",)), f"「{a.name}」與「{b.name}」的對應已寫在 {seen[pair_key].name}。",
                           "同一對架構只用一個對應表；請把這裡的對應併入那個檔案，再刪除這個檔案。 Duplicate crosswalk.")
            continue
        seen[pair_key] = path
        before = len(problems.items)
        pairs = []
        listed: dict[str, int] = {}
        for i, raw in enumerate(data["pairs"]):
            here = ("pairs", i)
            left = _crosswalk_node(doc, here + ("from",), a, problems)
            if raw["from"] in listed:
                problems.error(doc.pos(here + ("from",)), f"代碼「{raw['from']}」在第 {listed[raw['from']] + 1} 筆已列出。",
                               "同一個項目的對應請寫在同一筆的 to 清單中。 The same code is listed twice.")
            listed.setdefault(raw["from"], i)
            targets: set[str] = set()
            for j, code in enumerate(raw["to"]):
                right = _crosswalk_node(doc, here + ("to", j), b, problems)
                if code in targets:
                    problems.error(doc.pos(here + ("to", j)), f"代碼「{code}」在這一筆的 to 重複。",
                                   "請刪除重複的代碼。 Duplicate code.")
                    continue
                targets.add(code)
                if left is None or right is None:
                    continue
                if left.depth != right.depth:
                    problems.error(doc.pos(here + ("to", j)),
                                   f"「{a.name}」的{a.levels[left.depth].name}「{left.title}」不能對應"
                                   f"「{b.name}」的{b.levels[right.depth].name}「{right.title}」：兩者不在同一層。",
                                   f"構面對應構面，項目對應項目；請改寫成{b.levels[left.depth].name}的代碼。"
                                   " Pairs join nodes of the same level.")
                    continue
                pairs.append((a, left, b, right))
        if len(problems.items) == before:
            out.append(Crosswalk(between=(a, b), basis=data["basis"], pairs=pairs, path=path, digest=doc.digest))
    return out


def _crosswalk_node(doc, where: tuple, fw: Framework, problems: Problems) -> FrameworkNode | None:
    """The node a crosswalk's code names, if it is a pillar or an item (the levels with pages)."""
    code = doc.data
    for key in where:
        code = code[key]
    node = fw.nodes.get(code)
    if node is None:
        near = sorted(c for c in fw.nodes if c.count(".") == code.count(".") and fw.nodes[c].depth <= 1)
        problems.error(doc.pos(where), f"架構「{fw.name}」沒有代碼「{code}」。",
                       (f"這一層可用的代碼：{'、'.join(near[:30])}。" if near else "")
                       + f"代碼見 {fw.path.name}。 Unknown code.")
        return None
    if node.depth > 1:
        parent = node.parent
        while parent.depth > 1:
            parent = parent.parent
        problems.error(doc.pos(where), f"代碼「{code}」是{fw.levels[node.depth].name}，沒有自己的頁面，無法顯示對應。",
                       f"請改寫它所屬的{fw.levels[1].name}「{parent.code}」。 Only pillars and items can correspond.")
        return None
    return node
