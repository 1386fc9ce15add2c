"""The streamed ODT writer (downloads.odt_bytes) gives byte for byte what odfpy's element tree gave,
for every seed plan, every shape fixture and hostile text; and the files read back with odfpy."""
from __future__ import annotations

import dataclasses
import io

import odf_reference
import pytest
from odf import opendocument, table as odftable, teletype, text as odftext
from support import REPO

from plansite import downloads
from plansite.table import build_table



SEED = odf_reference.plans(REPO / "plans")
SHAPES = odf_reference.plans(REPO / "tests" / "fixtures" / "shapes" / "plans")


def _same(plan) -> None:
    table = build_table(plan)
    new = downloads.odt_bytes(plan, table)
    old = odf_reference.fresh_namespaces(lambda: odf_reference.odt_bytes(plan, table), SEED[0])
    odf_reference.assert_same_package(new, old)


def test_there_are_seed_plans_and_shape_fixtures():
    assert len(SEED) == 5 and len(SHAPES) >= 3


@pytest.mark.parametrize("plan", SEED + SHAPES, ids=lambda p: f"{p.agency.slug}-{p.year}")
def test_each_plans_odt_is_byte_identical(plan):
    _same(plan)


HOSTILE = ["a < b > c & d \"q\" 'p'", "\x00\x01\x0b\x7f\x85\ufffe", "", " ", "tab\there", "emoji 😀 長照",
           "]]> <![CDATA[", "&#10; &amp;"]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_in_titles_and_measures_is_byte_identical(value):
    plan = SEED[0]
    plan = dataclasses.replace(plan, title=value + plan.title)
    for _pillar, _item, _group, measure in plan.measures():
        measure.__dict__.pop("plain", None)
    first = next(iter(plan.measures()))[3]
    saved = first.text
    first.text = value
    try:
        _same(plan)
    finally:
        first.text = saved


@pytest.mark.parametrize("plan", SEED, ids=lambda p: f"{p.agency.slug}-{p.year}")
def test_the_odt_reads_back_with_odfpy(plan):
    doc = opendocument.load(io.BytesIO(downloads.odt_bytes(plan, build_table(plan))))
    headings = [teletype.extractText(h) for h in doc.text.getElementsByType(odftext.H)]
    assert headings[0] == plan.full_title
    assert len(headings) >= len(plan.sections) + 1
    cells = "".join(teletype.extractText(c) for c in doc.text.getElementsByType(odftable.TableCell))
    measures = [m for _p, _i, _g, m in plan.measures()]
    assert measures and all(m.plain.split("\n")[0][:20] in cells for m in measures)
