"""How close an imported draft is to the hand-made plan for the same document.

placement: the share of the hand-made plan's measures whose best-matching imported
measure (text similarity of at least 0.8, so two measures run together into one do not both
count) sits under the same pillar and sub-item (framework codes);
coverage: the seed fidelity measure (tests/seeds/seed_fidelity.py's fragments) applied to
the draft's own text, leaving out `unplaced` (text the importer could not place).
"""
from __future__ import annotations

import difflib
import importlib.util
import pathlib
import re
import unicodedata

SEEDS = pathlib.Path(__file__).resolve().parents[1] / "seeds"
_spec = importlib.util.spec_from_file_location("seed_fidelity", SEEDS / "seed_fidelity.py")
seed_fidelity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_fidelity)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"^\s*\d+\.\s*", "", text, flags=re.M)
    return re.sub(r"\s+", "", text)


def measures(data: dict) -> list[tuple[str, str, str]]:
    """(pillar code, item code, normalised text) of every measure of a plan's data."""
    out = []

    def take(node: dict, pillar: str, item: str) -> None:
        for m in node.get("measures", []) or []:
            out.append((pillar, item, _norm(m["text"] if isinstance(m, dict) else m)))
        for g in node.get("groups", []) or []:
            take(g, pillar, item)

    for p in (data.get("content") or {}).get("pillars", []) or []:
        take(p, p["code"], p["code"])
        for it in p.get("items", []) or []:
            take(it, p["code"], it["code"])
    return out


def placement(expected: dict, imported: dict) -> tuple[float, list[str]]:
    want = measures(expected)
    got = measures(imported)
    right, wrong = 0, []
    for pillar, item, text in want:
        best, where = 0.0, None
        for gp, gi, gt in got:
            # the same measure, not one merged with its neighbours: equal text, or a close match
            score = 1.0 if text == gt else 0.0
            if score < 1.0:
                sm = difflib.SequenceMatcher(None, text, gt, autojunk=False)
                if sm.real_quick_ratio() <= best or sm.quick_ratio() <= best:
                    continue
                score = sm.ratio()
            if score > best:
                best, where = score, (gp, gi)
        if best >= 0.8 and where == (pillar, item):
            right += 1
        else:
            wrong.append(f"{item} {text[:30]} → {where} ({best:.2f})")
    return right / (len(want) or 1), wrong


def plan_text(data) -> str:
    """All text of a plan's data, without its unplaced list."""
    parts: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k != "unplaced":
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str):
            parts.append(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            parts.append(str(value))

    walk(data)
    return seed_fidelity.normalize("\n".join(parts))


def coverage(seed_text: str, data: dict) -> tuple[float, list[str]]:
    frags = seed_fidelity.fragments(seed_text)
    return seed_fidelity.score(frags, plan_text(data))
