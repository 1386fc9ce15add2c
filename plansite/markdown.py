"""Plan text (Markdown, raw HTML off) to HTML Markup."""
from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # commonmark with raw HTML disabled: any "<b>" an editor types is shown as text
    # (and reported by the validator), never passed to the page.
    md = MarkdownIt("commonmark", {"html": False, "breaks": False, "typographer": False})
    md.disable("image")  # plans have no images; an image needs a text alternative we cannot check
    return md


# Text that Markdown would make one plain paragraph of: no character that starts inline markup or
# an entity, no line that could open a block (list, heading, quote, fence, table, code, rule), no
# blank line, no hard break, no whitespace but spaces and line breaks. Most measures are such text;
# for them the parser's results are computed directly (tests/unit/test_markdown_fast.py compares
# both on every text of the seed plans and on generated ones).
_NOT_SIMPLE = re.compile(r"[\\`*_\[\]<>&~\x00-\x09\x0b-\x1f\x7f]|[^\S \n]|^ {0,3}(?:[-+=#|]|\d{1,9}[.)])|^ {4}|^ *$|  $",
                         re.M)


def _simple_lines(text: str) -> list[str] | None:
    """The lines of a one-paragraph text without any Markdown, stripped of spaces; else None."""
    core = _core(text)
    if not core or _NOT_SIMPLE.search(core):
        return None
    return [line.strip(" ") for line in core.split("\n")]


def _core(text: str) -> str:
    """The text without its leading and trailing blank lines (a block scalar's last line break)."""
    lines = text.split("\n")
    while lines and not lines[0].strip(" "):
        lines.pop(0)
    while lines and not lines[-1].strip(" "):
        lines.pop()
    return "\n".join(lines)


@lru_cache(maxsize=8192)  # one measure shows on its plan, unit and pillar pages
def md_to_html(text: str) -> Markup:
    """Render one Markdown field; an empty field renders as nothing."""
    if not text or not text.strip():
        return Markup("")
    lines = _simple_lines(text)
    if lines is not None:
        return Markup("<p>" + "\n".join(lines).replace('"', "&quot;") + "</p>\n")
    return Markup(_parser().render(text))


@lru_cache(maxsize=65536)  # plans repeat wording, and the preview reads every plan again on each edit
def plain_text(text: str) -> str:
    """The text of a Markdown field without markup, for search and CSV."""
    lines = _simple_lines(text or "")
    if lines is not None:
        return "".join(lines)
    tokens = _parser().parse(text or "")
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.append("".join(child.content for child in token.children or [] if child.type in ("text", "code_inline")))
    return "\n".join(p for p in parts if p)


def simple_paragraph(text: str) -> str | None:
    """The one paragraph's source text (as the parser's inline token holds it) of a text without
    any Markdown, else None."""
    return _core(text).strip(" ") if _simple_lines(text) is not None else None


def tokens(text: str):
    """The block tokens of a Markdown field (for writers of other formats, e.g. ODT)."""
    return _parser().parse(text or "")
