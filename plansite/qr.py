"""QR codes of pages' canonical addresses: inline SVG for the page, PNG and SVG for flyers (segno)."""
from __future__ import annotations

import functools
import io
import re

import segno
from markupsafe import Markup, escape

FLYER_SCALE = 24   # module size in px of the PNG download: about 6 cm wide at 300 dpi


@functools.lru_cache(maxsize=16384)  # a QR code depends only on its address; each is drawn three times
def _code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def inline_svg(url: str, label: str) -> Markup:
    """An accessible inline SVG: role=img with the address as its name."""
    buf = io.BytesIO()
    _code(url).save(buf, kind="svg", scale=4, border=4, xmldecl=False, svgns=True, nl=False,
                    svgclass="ps-qr__code", lineclass=None, omitsize=True)
    svg = buf.getvalue().decode("utf-8")
    svg = re.sub(r"^<svg ", f'<svg role="img" aria-label="{escape(label)}" ', svg, count=1)
    return Markup(svg)


def png(url: str) -> bytes:
    buf = io.BytesIO()
    _code(url).save(buf, kind="png", scale=FLYER_SCALE, border=4)
    return buf.getvalue()


def svg(url: str) -> bytes:
    buf = io.BytesIO()
    _code(url).save(buf, kind="svg", scale=FLYER_SCALE, border=4, title=url)
    return buf.getvalue()
