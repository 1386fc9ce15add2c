"""The search's synonym list (synonyms.yaml): groups of words citizens use for the same thing.

    groups:
      - [高齡, 老人, 長輩, 長者]
      - [身障, 身心障礙]

A query that is one of a group's words also finds the group's other words; a query that finds
nothing is offered the words that share a character with it. A missing file means no synonyms;
a wrong one is a located problem, never a traceback.
"""
from __future__ import annotations

import pathlib

from . import yamlfile
from .errors import PlanError, Pos, Problems

HINT = ("synonyms.yaml 的格式：最上層寫 groups:，其下每一行是一組同義詞，例如「  - [高齡, 老人, 長輩]」；"
        "每組至少兩個詞，每個詞只能出現在一組。 Expected groups: a list of lists of words.")


def load_synonyms(path: pathlib.Path, problems: Problems) -> list[list[str]]:
    """The groups, in the file's order; problems (in Traditional Chinese, at file:line:col) go to `problems`."""
    if not path.is_file():
        return []
    try:
        doc = yamlfile.load(path)
    except PlanError as exc:
        problems.add(exc.problem)
        return []
    data = doc.data
    if not isinstance(data, dict) or "groups" not in data:
        problems.error(doc.pos(()), "同義詞檔最上層應該是「groups:」。", HINT)
        return []
    for key in data:
        if key != "groups":
            problems.error(doc.key((key,)), f"同義詞檔不認得「{key}」。", HINT)
    groups = data["groups"]
    if not isinstance(groups, list):
        problems.error(doc.pos(("groups",)), "「groups」應該是清單（每行以「- 」開頭）。", HINT)
        return []
    out: list[list[str]] = []
    seen: dict[str, Pos] = {}
    for gi, group in enumerate(groups):
        here = ("groups", gi)
        if not isinstance(group, list):
            problems.error(doc.pos(here), f"第 {gi + 1} 組應該是詞的清單，例如 [高齡, 老人]，寫成了「{group}」。", HINT)
            continue
        words: list[str] = []
        for wi, word in enumerate(group):
            pos = doc.pos(here + (wi,))
            if not isinstance(word, str) or not word.strip():
                problems.error(pos, f"第 {gi + 1} 組的第 {wi + 1} 個詞應該是文字，寫成了「{word}」。", HINT)
                continue
            if any(ch.isspace() for ch in word.strip()):
                problems.error(pos, f"同義詞「{word}」含有空白；搜尋以空白分隔關鍵字，這個詞永遠不會被查到。",
                               "請去掉空白，或拆成兩個詞。 A synonym cannot contain spaces.")
                continue
            word = word.strip()
            key = word.casefold()
            if key in seen:
                problems.error(pos, f"同義詞「{word}」重複（已在 {seen[key]} 出現）。",
                               "每個詞只能屬於一組；請合併這兩組或刪掉其中一個。 Duplicate word.")
                continue
            seen[key] = pos
            words.append(word)
        if len(words) < 2 and isinstance(group, list) and len(group) < 2:
            problems.error(doc.pos(here), f"第 {gi + 1} 組只有 {len(group)} 個詞；同義詞至少要兩個。", HINT)
        if len(words) >= 2:
            out.append(words)
    return out
