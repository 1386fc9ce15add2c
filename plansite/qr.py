"""QR codes of pages' canonical addresses: inline SVG for the page, PNG and SVG for flyers (segno)."""
from __future__ import annotations

import functools
import io
import re
import struct
import zlib

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
    """The flyer PNG: exactly the bytes segno writes (1-bit greyscale, scale 24, border 4, zlib level 9),
    with the rows packed by int() instead of segno's per-pixel generators (about 15× faster)."""
    return png_bytes(_code(url).matrix, FLYER_SCALE, 4)


def png_bytes(matrix, scale: int, border: int) -> bytes:
    size = len(matrix)
    width = (size + 2 * border) * scale
    row_bytes = (width + 7) // 8
    pad = "0" * (row_bytes * 8 - width)
    quiet = "1" * (border * scale)

    def scanline(bits: str) -> bytes:   # filter type 0, then the pixels 8 to a byte, first pixel high
        return b"\0" + int(bits + pad, 2).to_bytes(row_bytes, "big")

    light_row = scanline("1" * width) * (border * scale)
    same_as_above = (b"\2" + b"\0" * row_bytes) * (scale - 1)   # PNG filter "Up": a repeated row
    idat = bytearray(light_row)
    for row in matrix:   # a dark module (1) is black, pixel value 0
        idat += scanline(quiet + "".join("0" * scale if module else "1" * scale for module in row) + quiet)
        idat += same_as_above
    idat += light_row

    def chunk(name: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">2I5B", width, width, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(idat), 9)) + chunk(b"IEND", b""))


def svg(url: str) -> bytes:
    buf = io.BytesIO()
    _code(url).save(buf, kind="svg", scale=FLYER_SCALE, border=4, title=url)
    return buf.getvalue()
