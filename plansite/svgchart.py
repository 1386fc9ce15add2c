"""Charts drawn at build time as inline SVG, from the figures of plansite/overview.py.

No chart library and no script: each chart is an <svg role="img"> named by its own <title> and
<desc>; every number is written next to its mark (direct labels), and each series or status has its
own pattern as well as its colour, so nothing rests on colour alone. Marks have a dark outline
(at least 3:1 against the page), text is #1b1b1b on light fills or white on the darkest (4.5:1 or
more). The drawing scales with its viewBox and uses presentation attributes only: no style
attribute, which the site's Content-Security-Policy would block.

Each number is a <text> or <tspan> of class ps-chart__value carrying data-row and data-col, the row
and column headers of the same number in the table beside the chart (tests compare the two).
The markup is built with ElementTree, which escapes every text and attribute.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

import markupsafe

from .overview import Bars, Figure, Matrix

FONT = 14
PAD = 8
WIDTH = 336            # the widest chart: within a 375 px phone's content width, so 14 px text stays 14 px there
INK = "#1b1b1b"             # text and outlines: 17:1 on white
BRAND = "#0b4f6c"           # solid marks: 8.9:1 on white
GREY = "#6b7280"            # heat-cell borders and the 未填報 stripes: 4.8:1 on white
HEAT_FILL = ("#ffffff", "#e3eef4", "#b7d3e2", "#7fb0cc", BRAND)   # by overview.Count.level; text INK (7.4:1 or more) …
HEAT_TEXT = (INK, INK, INK, INK, "#ffffff")                     # … or white on the darkest (8.9:1)

# status (or series) -> pattern: 完成 solid, 部分完成 diagonal lines, 未完成 empty, 持續辦理 dots, 未填報 stripes
STATUS_PATTERNS = {"完成": "solid", "部分完成": "hatch", "未完成": "empty", "持續辦理": "dots", "未填報": "stripes"}


def draw(fig: Figure) -> markupsafe.Markup:
    """The figure's chart as inline SVG markup."""
    if isinstance(fig, Bars):
        return _bars(fig)
    return {"heat": _heat, "stacked": _stacked, "grouped": _grouped}[fig.chart](fig)


# ---- helpers ----------------------------------------------------------------------------------

def text_width(text: str, size: int = FONT) -> float:
    """An estimate of the rendered width: CJK and full-width characters are one em, others about 0.6."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.6 for ch in text)


def fit(text: str, width: float, size: int = FONT) -> str:
    """The text, cut with … when it would be wider than `width`."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _wrap(text: str, width: float, lines: int = 2) -> list[str]:
    """The text on up to `lines` lines, the last cut with … if still too wide."""
    if text_width(text) <= width or lines <= 1:
        return [fit(text, width)]
    need = min(lines, -(-int(text_width(text)) // int(width)))        # lines of about equal length: 基礎/服務
    cut = min(len(text), -(-len(text) // need))
    while cut > 1 and text_width(text[:cut]) > width:
        cut -= 1
    return [text[:cut], *_wrap(text[cut:], width, lines - 1)]


def _root(fig: Figure, height: float, width: float = WIDTH) -> ET.Element:
    w, h = round(width), round(height)
    svg = ET.Element("svg", {"class": "ps-chart__svg", "viewBox": f"0 0 {w} {h}", "width": str(w), "height": str(h),
                             "role": "img", "aria-labelledby": f"{fig.id}-t {fig.id}-d", "data-figure": fig.id,
                             "font-size": str(FONT), "fill": INK})
    ET.SubElement(svg, "title", {"id": f"{fig.id}-t"}).text = fig.title
    ET.SubElement(svg, "desc", {"id": f"{fig.id}-d"}).text = fig.description
    return svg


def _patterns(svg: ET.Element, fig_id: str, kinds) -> None:
    defs = ET.SubElement(svg, "defs")
    for kind in kinds:
        if kind in ("solid", "empty"):
            continue
        pat = ET.SubElement(defs, "pattern", {"id": f"{fig_id}-{kind}", "width": "6", "height": "6",
                                              "patternUnits": "userSpaceOnUse"})
        ET.SubElement(pat, "rect", {"width": "6", "height": "6", "fill": "#ffffff"})
        if kind == "hatch":
            pat.set("patternTransform", "rotate(45)")
            ET.SubElement(pat, "rect", {"width": "2.5", "height": "6", "fill": BRAND})
        elif kind == "dots":
            ET.SubElement(pat, "circle", {"cx": "3", "cy": "3", "r": "1.6", "fill": BRAND})
        elif kind == "stripes":
            ET.SubElement(pat, "rect", {"y": "2", "width": "6", "height": "2", "fill": GREY})


def _fill(fig_id: str, kind: str) -> str:
    return {"solid": BRAND, "empty": "#ffffff"}.get(kind, f"url(#{fig_id}-{kind})")


def _text(parent: ET.Element, x: float, y: float, content: str = "", **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, "text", {"x": _n(x), "y": _n(y), **{k.replace("_", "-"): v for k, v in attrs.items()}})
    el.text = content
    return el


def _value(parent: ET.Element, tag: str, value: int, row: str, col: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {**{k.replace("_", "-"): v for k, v in attrs.items()},
                                     "class": "ps-chart__value", "data-row": row, "data-col": col})
    el.text = str(value)
    return el


def _labelled(parent: ET.Element, x: float, y: float, before: str, value: int, after: str, row: str, col: str) -> float:
    """A direct label such as 「完成 3」 or 「114年 12 項」; returns its width."""
    text = _text(parent, x, y)
    if before:
        ET.SubElement(text, "tspan").text = before
    _value(text, "tspan", value, row, col)
    if after:
        ET.SubElement(text, "tspan").text = after
    return text_width(f"{before}{value}{after}")


def _n(number: float) -> str:
    """Coordinates with at most one decimal, the same on every build."""
    return f"{number:.1f}".rstrip("0").rstrip(".")


def _resize(svg: ET.Element, width: float, height: float) -> None:
    w, h = round(width), round(height)
    svg.set("viewBox", f"0 0 {w} {h}")
    svg.set("width", str(w))
    svg.set("height", str(h))


def _markup(svg: ET.Element) -> markupsafe.Markup:
    return markupsafe.Markup(ET.tostring(svg, encoding="unicode"))


# ---- the charts -------------------------------------------------------------------------------

def _heat(m: Matrix) -> markupsafe.Markup:
    """A grid: a column per pillar, a row per plan with its name above its cells, each cell shaded by
    its count and showing it. Names above rather than beside, and columns narrowed to fit WIDTH (long
    headers on up to three lines, the table spelling them out), keep it readable on a phone unshrunk."""
    widest = (WIDTH - PAD * 2) / max(len(m.columns), 1)            # never wider than WIDTH: text not shrunk on phones
    col_w = min(max(44, max((text_width(c.key) for c in m.columns), default=0) + 14), 76, widest)
    heads = [_wrap(c.key, col_w - 6, 3) for c in m.columns]      # a long header takes up to three lines
    head_h, name_h, row_h, gap = 12 + 18 * max((len(h) for h in heads), default=1), 20, 32, 8
    width = max(PAD * 2 + col_w * len(m.columns), 320)
    rows = m.rows if m.drawn is None else [m.rows[i] for i in m.drawn]   # the busiest, when the table has many
    svg = _root(m, PAD * 2 + head_h + (name_h + row_h + gap) * len(rows), width)
    if m.drawn is not None:
        svg.set("data-drawn", str(len(rows)))
    for i, lines in enumerate(heads):
        for n, line in enumerate(lines):
            _text(svg, PAD + col_w * (i + 0.5), PAD + 20 + 18 * n, line, text_anchor="middle", font_weight="bold")
    y = PAD + head_h
    for row in rows:
        _text(svg, PAD, y + 15, fit(row.short, width - PAD * 2))
        y += name_h
        for i, (col, cell) in enumerate(zip(m.columns, row.cells)):
            x = PAD + col_w * i
            ET.SubElement(svg, "rect", {"x": _n(x), "y": _n(y), "width": _n(col_w), "height": _n(row_h),
                                        "fill": HEAT_FILL[cell.level], "stroke": GREY})
            _value(svg, "text", cell.value, row.label, col.key, x=_n(x + col_w / 2), y=_n(y + row_h / 2 + 5),
                   text_anchor="middle", fill=HEAT_TEXT[cell.level])
        y += row_h + gap
    return _markup(svg)


def _legend(svg: ET.Element, fig_id: str, items: list[tuple[str, str]], y: float, width: float = WIDTH) -> float:
    """Swatches with their names, wrapping; returns the y below the legend."""
    x = PAD
    for name, kind in items:
        need = 22 + text_width(name) + 16
        if x + need > width - PAD and x > PAD:
            x, y = PAD, y + 24
        ET.SubElement(svg, "rect", {"x": _n(x), "y": _n(y), "width": "16", "height": "16",
                                    "fill": _fill(fig_id, kind), "stroke": INK})
        _text(svg, x + 22, y + 13, name)
        x += need
    return y + 30


def _stacked(m: Matrix) -> markupsafe.Markup:
    """A bar per row split by status, each part patterned, and the counts written under the bar."""
    kinds = [STATUS_PATTERNS.get(c.key, "solid") for c in m.columns]
    plan = _stacked_layout(m)
    svg = _root(m, 0)                   # sized once drawn
    _patterns(svg, m.id, kinds)
    y = _legend(svg, m.id, [(c.key, k) for c, k in zip(m.columns, kinds)], PAD)
    biggest = max((r.total for r in m.rows), default=0) or 1
    scale = (WIDTH - PAD * 2) / biggest
    for row, lines in zip(m.rows, plan["rows"]):
        _text(svg, PAD, y + 14, fit(row.short, WIDTH - PAD * 2), font_weight="bold")
        y += 22
        x = PAD
        for cell, kind in zip(row.cells, kinds):
            if cell.value:
                ET.SubElement(svg, "rect", {"x": _n(x), "y": _n(y), "width": _n(cell.value * scale), "height": "22",
                                            "fill": _fill(m.id, kind), "stroke": INK})
                x += cell.value * scale
        y += 22 + 20
        for line in lines:
            lx = PAD
            for col, cell in line:
                lx += _labelled(svg, lx, y, f"{col.key} ", cell.value, " 項", row.label, col.key) + 16
            y += 20
        y += 10
    _resize(svg, WIDTH, y + PAD)
    return _markup(svg)


def _stacked_layout(m: Matrix) -> dict:
    """The label lines under each stacked bar, wrapped to the width."""
    rows = []
    for row in m.rows:
        lines, line, used = [], [], 0.0
        for col, cell in zip(m.columns, row.cells):
            need = text_width(f"{col.key} {cell.value} 項") + 16
            if line and used + need > WIDTH - PAD * 2:
                lines.append(line)
                line, used = [], 0.0
            line.append((col, cell))
            used += need
        lines.append(line)
        rows.append(lines)
    return {"rows": rows}


def _grouped(m: Matrix) -> markupsafe.Markup:
    """Per row (a pillar) one bar per column (a year), labelled with the year and the count."""
    kinds = ["solid" if i == len(m.columns) - 1 else "hatch" for i in range(len(m.columns))]
    key_w = max((text_width(c.key) for c in m.columns), default=0) + 8
    bar_h, gap = 18, 6
    block = 22 + (bar_h + gap) * len(m.columns) + 12
    svg = _root(m, PAD * 2 + block * len(m.rows))
    _patterns(svg, m.id, kinds)
    biggest = max((c.value for r in m.rows for c in r.cells), default=0) or 1
    scale = (WIDTH - PAD * 2 - key_w - 60) / biggest
    y = PAD
    for row in m.rows:
        _text(svg, PAD, y + 15, fit(row.label, WIDTH - PAD * 2), font_weight="bold")
        y += 22
        for col, cell, kind in zip(m.columns, row.cells, kinds):
            _text(svg, PAD, y + 14, col.key)
            length = cell.value * scale
            if cell.value:
                ET.SubElement(svg, "rect", {"x": _n(PAD + key_w), "y": _n(y), "width": _n(length),
                                            "height": str(bar_h), "fill": _fill(m.id, kind), "stroke": INK})
            _labelled(svg, PAD + key_w + length + 6, y + 14, "", cell.value, " 項", row.label, col.key)
            y += bar_h + gap
        y += 12
    return _markup(svg)


def _bars(b: Bars) -> markupsafe.Markup:
    """A bar per row, its label above it and its count at its end."""
    bar_h, block = 18, 22 + 18 + 14
    svg = _root(b, PAD * 2 + block * len(b.bars))
    biggest = max((bar.value for bar in b.bars), default=0) or 1
    scale = (WIDTH - PAD * 2 - 60) / biggest
    y = PAD
    for bar in b.bars:
        _text(svg, PAD, y + 15, fit(bar.short, WIDTH - PAD * 2))
        y += 22
        length = bar.value * scale
        ET.SubElement(svg, "rect", {"x": str(PAD), "y": _n(y), "width": _n(length), "height": str(bar_h),
                                    "fill": BRAND, "stroke": INK})
        _labelled(svg, PAD + length + 6, y + 14, "", bar.value, " 項", bar.label, b.value_head)
        y += bar_h + 14
    return _markup(svg)

