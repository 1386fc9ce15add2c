"""Year-over-year comparison of one agency's plans: per framework item, which measures were
added, dropped or changed (with a character-level diff, which suits Chinese text)."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from . import parallel
from .model import Measure, Plan

SIMILAR = 0.6   # two measures with at least this much text in common are "the same measure, changed"
SIMILAR_PERCENT = round(SIMILAR * 100)   # as the comparison page explains it


@dataclass
class Change:
    old: Measure
    new: Measure

    @property
    def segments(self) -> list[tuple[str, str]]:
        """("same" | "del" | "ins", text), from the two texts each time it is asked for (the comparison
        page, once): kept for every change of a 5,000-plan site they took 70 MB."""
        return _segments(self.old.plain, self.new.plain)


def item_anchor(code: str) -> str:
    """An item's section id on the comparison page: d3-2 for item 3.2."""
    return "d" + code.replace(".", "-")


@dataclass
class Move:
    """A measure that left one item for another: the same text, or at least SIMILAR alike."""
    old: Measure
    new: Measure
    source: str                       # the item it was in last year (code)
    target: str                       # the item it is in now (code)

    @property
    def segments(self) -> list[tuple[str, str]]:
        """Its changes, as Change.segments; all "same" when only moved."""
        return _segments(self.old.plain, self.new.plain)

    @property
    def edited(self) -> bool:
        return self.old.plain != self.new.plain

    @property
    def source_link(self) -> str:
        return "#" + item_anchor(self.source)

    @property
    def target_link(self) -> str:
        return "#" + item_anchor(self.target)


@dataclass
class ItemDiff:
    code: str
    title: str                        # the newer plan's wording (or the older one's, if dropped)
    added: list[Measure] = field(default_factory=list)
    dropped: list[Measure] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    same: int = 0
    moved_in: list[Move] = field(default_factory=list)     # from other items (listed under both)
    moved_out: list[Move] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.dropped or self.changed or self.moved_in or self.moved_out)

    @property
    def anchor(self) -> str:
        """Its section's id on the comparison page: d3-2 for item 3.2."""
        return item_anchor(self.code)


@dataclass
class PlanDiff:
    old: Plan
    new: Plan
    items: list[ItemDiff]
    sections_changed: list[str]       # section titles whose text changed

    @property
    def counts(self) -> dict[str, int]:
        return {"added": sum(len(i.added) for i in self.items), "dropped": sum(len(i.dropped) for i in self.items),
                "changed": sum(len(i.changed) for i in self.items), "same": sum(i.same for i in self.items),
                "moved": sum(len(i.moved_in) for i in self.items)}


def _text(measure: Measure) -> str:
    return re.sub(r"\s+", "", measure.plain)


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


def _most_similar(candidates: list[tuple[str, Measure]], text: str) -> int | None:
    """The index of the candidate most like `text` (the last of equals), if at least SIMILAR alike.

    The cheap upper bounds skip candidates that cannot reach SIMILAR, so this costs far less than
    ratio() on every pair and chooses exactly as that would."""
    matcher = difflib.SequenceMatcher(None, "", text, autojunk=False)   # `text` indexed once
    best, best_index = 0.0, None
    for index, (old_text, _measure) in enumerate(candidates):
        matcher.set_seq1(old_text)
        if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
            continue
        ratio = matcher.ratio()
        if ratio >= SIMILAR and ratio >= best:
            best, best_index = ratio, index
    return best_index


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    olds, news = _by_item(old), _by_item(new)
    order = [n.code for root in new.framework.roots for n in [root, *root.children]]
    codes = sorted(set(olds) | set(news), key=lambda c: (order.index(c) if c in order else len(order), c))
    items = []
    for code in codes:
        old_title, old_measures = olds.get(code, ("", []))
        new_title, new_measures = news.get(code, ("", []))
        result = ItemDiff(code, new_title or old_title)
        remaining = [(_text(m), m) for m in old_measures]
        for measure in new_measures:
            text = _text(measure)
            exact = next((i for i, (old_text, _m) in enumerate(remaining) if old_text == text), None)
            if exact is not None:
                del remaining[exact]
                result.same += 1
                continue
            best = _most_similar(remaining, text)
            if best is not None:
                match = remaining.pop(best)[1]
                result.changed.append(Change(match, measure))
            else:
                result.added.append(measure)
        result.dropped = [m for _text_, m in remaining]
        items.append(result)
    _find_moves(items)
    old_sections = {s.short_title: s.body for s in old.sections}
    changed_sections = [s.short_title for s in new.sections
                        if s.short_title in old_sections and _norm(old_sections[s.short_title]) != _norm(s.body)]
    return PlanDiff(old, new, items, changed_sections)


def _find_moves(items: list[ItemDiff]) -> None:
    """Measures dropped from one item and added to another are moves: first the same text, then the
    most alike (at least SIMILAR), in the newer plan's order. Both items list the move."""
    for exact in (True, False):
        pool = [(_text(m), m, item) for item in items for m in item.dropped]
        if not pool:
            return
        for item in items:
            for measure in list(item.added):
                text = _text(measure)
                candidates = [(t, m) for t, m, source in pool if source is not item]
                if exact:
                    index = next((i for i, (t, _m) in enumerate(candidates) if t == text), None)
                else:
                    index = _most_similar(candidates, text)
                if index is None:
                    continue
                old = candidates[index][1]
                source = next(s for _t, m, s in pool if m is old)
                pool = [entry for entry in pool if entry[1] is not old]
                move = Move(old, measure, source.code, item.code)
                item.added.remove(measure)
                source.dropped.remove(old)
                item.moved_in.append(move)
                source.moved_out.append(move)


def _norm(text: str) -> str:
    # the year itself always changes; compare the rest
    return re.sub(r"\d{2,3}年", "N年", re.sub(r"\s+", "", text or ""))


def diff_all(pairs: list[tuple[Plan, Plan]], jobs: int = 1, known: dict | None = None,
             made: dict | None = None) -> list[PlanDiff]:
    """diff_plans of each (older, newer) pair, by `jobs` processes. Workers send back positions, not
    measures, so every diff holds this process's own Measure objects, as diff_plans would.

    `known` (the preview's, kept between rebuilds) holds those positions by the texts of the two plans
    and their frameworks, which are all a comparison reads: only pairs with an edited file are compared
    again; it is left holding this build's pairs only."""
    if known is None:
        compact = parallel.run_chunked(_compact_diffs, pairs, len(pairs), jobs)
    else:
        keys = [_pair_key(old, new) for old, new in pairs]
        todo = sorted({key: i for i, key in reversed(list(enumerate(keys))) if key not in known}.values())
        done = parallel.run_chunked(_compact_diffs, [pairs[i] for i in todo], len(todo), jobs)
        found = {**known, **{keys[i]: m for i, m in zip(todo, done)}}
        known.clear()
        known.update((key, found[key]) for key in keys)
        compact = [found[key] for key in keys]
    if made is None:
        return [_expand(old, new, found) for (old, new), found in zip(pairs, compact)]
    # the preview keeps the PlanDiffs too, for as long as the loader hands back the same two plans
    out = []
    for (old, new), found in zip(pairs, compact):
        last = made.get((id(old), id(new)))
        out.append(last if last is not None and last.old is old and last.new is new else _expand(old, new, found))
    made.clear()
    made.update(((id(d.old), id(d.new)), d) for d in out)
    return out


def _pair_key(old: Plan, new: Plan) -> str:
    return f"{old.digest}|{old.framework.digest}|{new.digest}|{new.framework.digest}"


def stored_diffs(raw: object) -> dict:
    """`known` positions read back from JSON (build keeps them in .cache/diffs.json): the same values
    diff_all's workers return, tuples where they had tuples; anything malformed is left out."""
    out = {}
    if not isinstance(raw, dict):
        return out
    for key, value in raw.items():
        try:
            items, sections, moves = value
            out[key] = ([(code, title, same, list(added), list(dropped),
                              [(int(i), int(j)) for i, j in changed])
                         for code, title, same, added, dropped, changed in items], list(sections),
                        [(int(i), int(j), str(source), str(target)) for i, j, source, target in moves])
        except (TypeError, ValueError):
            continue
    return out


def _measure_list(plan: Plan) -> list[Measure]:
    return [measure for _pillar, _item, _group, measure in plan.measures()]


def _compact_diffs(pairs, start: int, stop: int) -> list:
    out = []
    for old, new in pairs[start:stop]:
        diff = diff_plans(old, new)
        at_old = {id(m): i for i, m in enumerate(_measure_list(old))}
        at_new = {id(m): i for i, m in enumerate(_measure_list(new))}
        out.append(([(item.code, item.title, item.same, [at_new[id(m)] for m in item.added],
                      [at_old[id(m)] for m in item.dropped],
                      [(at_old[id(c.old)], at_new[id(c.new)]) for c in item.changed])
                     for item in diff.items], diff.sections_changed,
                    [(at_old[id(m.old)], at_new[id(m.new)], m.source, m.target)
                     for item in diff.items for m in item.moved_in]))
    return out


def _expand(old: Plan, new: Plan, found) -> PlanDiff:
    olds, news = _measure_list(old), _measure_list(new)
    items, sections_changed, moves = found
    diffs = [ItemDiff(code, title, [news[i] for i in added], [olds[i] for i in dropped],
                      [Change(olds[i], news[j]) for i, j in changed], same)
             for code, title, same, added, dropped, changed in items]
    by_code = {item.code: item for item in diffs}
    for i, j, source, target in moves:
        move = Move(olds[i], news[j], source, target)
        by_code[target].moved_in.append(move)
        by_code[source].moved_out.append(move)
    return PlanDiff(old, new, diffs, sections_changed)
