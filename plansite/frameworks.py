"""Load the plan frameworks (six pillars, the older scored framework) from frameworks/*.yaml."""
from __future__ import annotations

import pathlib

from .errors import Pos, Problems
from .model import Framework, FrameworkNode, Level


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

        def build(raw_list, depth, parent, base):
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
                node.children = build(raw.get("items", []), depth + 1, node, here + ("items",))
                result.append(node)
            return result

        roots = build(data["items"], 0, None, ("items",))
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
