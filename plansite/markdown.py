"""Plan text (Markdown, raw HTML off) to HTML Markup."""
from __future__ import annotations

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


@lru_cache(maxsize=8192)  # one measure shows on its plan, unit and pillar pages
def md_to_html(text: str) -> Markup:
    """Render one Markdown field; an empty field renders as nothing."""
    if not text or not text.strip():
        return Markup("")
    return Markup(_parser().render(text))


def plain_text(text: str) -> str:
    """The text of a Markdown field without markup, for search and CSV."""
    tokens = _parser().parse(text or "")
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline":
            parts.append("".join(child.content for child in token.children or [] if child.type in ("text", "code_inline")))
    return "\n".join(p for p in parts if p)


def tokens(text: str):
    """The block tokens of a Markdown field (for writers of other formats, e.g. ODT)."""
    return _parser().parse(text or "")
