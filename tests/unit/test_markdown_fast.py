"""Text without Markdown takes a short cut past the parser; the results are exactly the parser's."""
from __future__ import annotations

import random

import pytest
from support import REPO

from plansite import downloads, markdown, yamlfile


def _texts():
    out = []

    def walk(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for folder in ("plans", "tests/fixtures/shapes", "tests/fixtures/project"):
        for path in sorted((REPO / folder).rglob("*.yaml")):
            walk(yamlfile.load(path).data)
    return out


TEXTS = _texts()


def _parser_html(text):
    return markdown._parser().render(text) if text and text.strip() else ""


def _parser_plain(text):
    parts = []
    for token in markdown._parser().parse(text or ""):
        if token.type == "inline":
            parts.append("".join(c.content for c in token.children or [] if c.type in ("text", "code_inline")))
    return "\n".join(p for p in parts if p)


def _parser_paragraphs(text):
    original = markdown.simple_paragraph
    markdown.simple_paragraph = lambda _text: None
    try:
        return downloads._paragraphs(text)
    finally:
        markdown.simple_paragraph = original


def _check(text):
    assert str(markdown.md_to_html.__wrapped__(text)) == _parser_html(text), repr(text)
    assert markdown.plain_text(text) == _parser_plain(text), repr(text)
    assert downloads._paragraphs(text) == _parser_paragraphs(text), repr(text)


def test_most_plan_texts_take_the_short_cut():
    simple = [t for t in TEXTS if markdown._simple_lines(t) is not None]
    assert len(TEXTS) > 1000 and len(simple) > len(TEXTS) // 3


def test_every_plan_text_gives_the_parsers_results():
    for text in TEXTS:
        _check(text)


PIECES = ["長照", "服務", " ", "  ", "\n", "\n\n", "\u3000", "\xa0", "1.", "1)", "(一)", "一、", "-", "- ", "+ ", "* ",
          "#", "# ", "> ", "=", "===", "---", "|", "a|b", "`", "*x*", "_y_", "[a](b)", "<b>", "&amp;", "&", "\\",
          "~~~", "    ", "\t", '"', "'", "http://example.gov.tw/?a=1", "12", "3.5", "114年", "：", "；", "。", "\r\n",
          "\x00", "\x85", "\u2028", "😀", "e\u0301", "  \n"]


@pytest.mark.parametrize("seed", range(4))
def test_generated_texts_give_the_parsers_results(seed):
    rng = random.Random(seed)
    for _ in range(2500):
        _check("".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12))))
