"""The plan's header (title, year, approval) and its numbered sections, paragraph by paragraph."""
from __future__ import annotations

import re

from .draft import Draft, Section, Unplaced, clean, join_lines
from .wording import ARABIC_ITEM, CJK_ITEM, ROC_DATE, TABLE_CAPTION, YEAR_TITLE, squash


class Document:
    """Header and numbered sections, fed paragraph by paragraph."""

    def __init__(self, draft: Draft, agency_names: list[str], whole_paragraphs: bool = False) -> None:
        self.draft = draft
        self.whole_paragraphs = whole_paragraphs   # a word processor's paragraphs are never broken lines
        self.agency_names = [squash(n) for n in agency_names if n]
        self.section: Section | None = None

    def header(self, text: str, where: str) -> None:
        t = clean(text)
        if not t:
            return
        if self._approval(t):
            return
        m = YEAR_TITLE.search(t)
        if m and not self.draft.title:
            self.draft.year = int(m.group("year"))
            self.draft.title = clean(t[m.start():])
            before = squash(t[:m.start()])
            if before and not any(before in n or n in before for n in self.agency_names):
                self.draft.unplaced.append(Unplaced(clean(t[:m.start()]), where))
            return
        if any(squash(t) in n or n in squash(t) for n in self.agency_names) or squash(t) in ("高雄市政府", "附表", "附件"):
            return
        self.draft.unplaced.append(Unplaced(t, where))

    def _approval(self, t: str) -> bool:
        if not re.search(r"核備|核定|備查|修訂|修正", t) or not ROC_DATE.search(t) or len(t) > 80:
            return False
        dates = list(ROC_DATE.finditer(t))
        if re.search(r"核備|核定|備查", t) and not self.draft.approval:
            y, mo, d = dates[0].groups()
            approval = {"date": f"{int(y)}/{int(mo):02d}/{int(d):02d}"}
            doc = re.search(r"\S*字第\s*\S+?\s*號", t[dates[0].end():])
            if doc:
                approval["document"] = clean(doc.group(0))
            action = re.search(r"函?(?:核備|核定|備查)", t)
            if action:
                approval["action"] = action.group(0)
            self.draft.approval = approval
            for extra in dates[1:]:
                y, mo, d = extra.groups()
                self.draft.revisions.append(f"{int(y)}/{int(mo):02d}/{int(d):02d}")
            return True
        for extra in dates:
            y, mo, d = extra.groups()
            self.draft.revisions.append(f"{int(y)}/{int(mo):02d}/{int(d):02d}")
        return True

    def start_section(self, title: str, rest: str, where: str) -> Section:
        title = clean(title)
        body = ""
        m = re.match(r"^(.*?[：:])(.+)$", title)
        if m and len(m.group(1)) <= 16:
            title, body = m.group(1), m.group(2)
        self.section = Section(title)
        self.draft.sections.append(self.section)
        if body:
            self.section.lines.append((0, body.strip()))
        return self.section

    def line(self, text: str, where: str) -> None:
        t = clean(re.sub(r"^\s*[-•]\s+", "", text))
        if not t:
            return
        if self.section is None:
            self.header(t, where)
            return
        lines = self.section.lines
        m = CJK_ITEM.match(t)
        if m and re.match(r"^\s*[-•]?\s*[一二三四五六七八九十]", t):
            lines.append((1, t[m.end():]))
            return
        if m:
            lines.append((2, t[m.end():]))
            return
        m = ARABIC_ITEM.match(t)
        if m:
            depth = 2 if any(d == 1 for d, _ in lines) else 1
            if re.match(r"^\s*[（(]", t):
                depth = min(3, depth + 1)
            lines.append((depth, t[m.end():]))
            return
        if lines and not self.whole_paragraphs and not TABLE_CAPTION.search(t):
            depth, previous = lines[-1]
            if not re.search(r"[。！？：:]$", previous) and not TABLE_CAPTION.search(previous):
                lines[-1] = (depth, join_lines([previous, t]))
                return
        lines.append((0, t))


