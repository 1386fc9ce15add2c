"""What a reader hands to the importer: a document as paragraphs and tables, in reading order.

Every reader (.docx, .odt, PDF, plain text) produces a `Source`; the plan parser never
looks at the file format. Positions are kept as short Traditional Chinese labels
("第 12 行", "第 3 頁", "表格 2 第 5 列第 3 欄") so that unplaced text and repairs can say
where they came from.
"""
from __future__ import annotations

import pathlib
from dataclasses import dataclass, field


class ImportFailure(Exception):
    """A file the importer cannot read; the message says what it is and what to do (zh-Hant)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass
class Para:
    """One paragraph (a word processor's paragraph, a PDF or text line)."""

    text: str
    where: str


@dataclass(eq=False)
class Cell:
    """One table cell: its paragraphs in order (list numbering already written into the text)."""

    paras: list[str]
    where: str

    @property
    def text(self) -> str:
        return "\n".join(self.paras)


@dataclass
class Table:
    """A table as a full grid: `rows[r][c]` for every grid position.

    A merged cell is the *same* `Cell` object at every position it covers (vertically
    merged pillar cells, horizontally spanning headings), like python-docx's `row.cells`.
    Rows may be shorter than the widest row; a missing position means no cell there.
    """

    rows: list[list[Cell]]
    where: str


Block = Para | Table


@dataclass
class Source:
    path: pathlib.Path
    kind: str                 # "docx" | "odt" | "pdf" | "text"
    blocks: list[Block]
    repairs: list[str] = field(default_factory=list)   # extraction breaks mended by the reader (zh-Hant)
