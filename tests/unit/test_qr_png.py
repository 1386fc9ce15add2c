"""The flyer PNG of a QR code is byte for byte what segno writes (the browser suite decodes it)."""
from __future__ import annotations

import io

import pytest

from plansite import qr

URLS = ["https://example.gov.tw/plans/", "https://a.tw/", "http://localhost:8000/agencies/kaohsiung-senior-center/113/",
        "https://example.gov.tw/plans/agencies/" + "長照" * 20 + "/", "https://x.tw/" + "a" * 600]


@pytest.mark.parametrize("url", URLS)
def test_the_png_is_the_one_segno_writes(url):
    reference = io.BytesIO()
    qr._code(url).save(reference, kind="png", scale=qr.FLYER_SCALE, border=4)
    assert qr.png(url) == reference.getvalue()


@pytest.mark.parametrize("scale, border", [(1, 0), (1, 4), (3, 1), (7, 2), (24, 4)])
def test_other_scales_and_borders_match_segno_too(scale, border):
    code = qr._code(URLS[0])
    reference = io.BytesIO()
    code.save(reference, kind="png", scale=scale, border=border)
    assert qr.png_bytes(code.matrix, scale, border) == reference.getvalue()
