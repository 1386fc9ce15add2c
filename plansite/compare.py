"""Year-over-year comparison of one agency's plans: per framework item, which measures were
added, dropped or changed (with a character-level diff, which suits Chinese text)."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from . import markdown
from .model import Measure, Plan

SIMILAR = 0.6   # two measures with at least this much text in common are "the same measure, changed"


@dataclass
class Change:
    old: Measure
    new: Measure
    segments: list[tuple[str, str]]   # ("same" | "del" | "ins", text)


@dataclass
class ItemDiff:
    code: str
    title: str                        # the newer plan's wording (or the older one's, if dropped)
    added: list[Measure] = field(default_factory=list)
    dropped: list[Measure] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    same: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.dropped or self.changed)


@dataclass
class PlanDiff:
    old: Plan
    new: Plan
    items: list[ItemDiff]
    sections_changed: list[str]       # section titles whose text changed

    @property
    def counts(self) -> dict[str, int]:
        return {"added": sum(len(i.added) for i in self.items), "dropped": sum(len(i.dropped) for i in self.items),
                "changed": sum(len(i.changed) for i in self.items), "same": sum(i.same for i in self.items)}


def _text(measure: Measure) -> str:
    return re.sub(r"\s+", "", markdown.plain_text(measure.text))


def _by_item(plan: Plan) -> dict[str, tuple[str, list[Measure]]]:
    out: dict[str, tuple[str, list[Measure]]] = {}
    for _pillar, item, _group, measure in plan.measures():
        out.setdefault(item.code, (item.title, []))[1].append(measure)
    return out


def _segments(old: str, new: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("same", old[i1:i2]))
        else:
            if i2 > i1:
                out.append(("del", old[i1:i2]))
            if j2 > j1:
                out.append(("ins", new[j1:j2]))
    return out


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    olds, news = _by_item(old), _by_item(new)
    order = [n.code for root in new.framework.roots for n in [root, *root.children]]
    codes = sorted(set(olds) | set(news), key=lambda c: (order.index(c) if c in order else len(order), c))
    items = []
    for code in codes:
        old_title, old_measures = olds.get(code, ("", []))
        new_title, new_measures = news.get(code, ("", []))
        result = ItemDiff(code, new_title or old_title)
        remaining = list(old_measures)
        for measure in new_measures:
            text = _text(measure)
            exact = next((m for m in remaining if _text(m) == text), None)
            if exact is not None:
                remaining.remove(exact)
                result.same += 1
                continue
            scored = [(difflib.SequenceMatcher(None, _text(m), text, autojunk=False).ratio(), i)
                      for i, m in enumerate(remaining)]
            best = max(scored, default=(0.0, -1))
            if best[0] >= SIMILAR:
                match = remaining.pop(best[1])
                result.changed.append(Change(match, measure, _segments(markdown.plain_text(match.text),
                                                                       markdown.plain_text(measure.text))))
            else:
                result.added.append(measure)
        result.dropped = remaining
        items.append(result)
    old_sections = {s.short_title: s.body for s in old.sections}
    changed_sections = [s.short_title for s in new.sections
                        if s.short_title in old_sections and _norm(old_sections[s.short_title]) != _norm(s.body)]
    return PlanDiff(old, new, items, changed_sections)


def _norm(text: str) -> str:
    # the year itself always changes; compare the rest
    return re.sub(r"\d{2,3}年", "N年", re.sub(r"\s+", "", text or ""))
