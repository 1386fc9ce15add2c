"""The test helper plan_docx.write_docx: each seed plan (and each shape fixture) as an agency's Word file,
read back with python-docx: the plan's columns as header, one merged cell per pillar and per item, every
measure's text in the table, the numbered sections and the header lines as paragraphs."""
from __future__ import annotations

import itertools

import docx
import pytest

from plan_docx import write_docx
from plansite import frameworks, load, markdown
from plansite.errors import Problems
from plansite.table import visible_columns
from support import FIXTURES, REPO

UPPER = "壹貳參肆伍陸柒捌玖拾"


def _plans(directory):
    problems = Problems()
    fws = frameworks.load_frameworks(REPO / "frameworks", problems)
    plans = load.load_content(directory, fws, problems).plans
    assert not problems.errors, [str(p) for p in problems.errors]
    return {f"{p.agency.slug}/{p.year}": p for p in plans}


SEEDS = _plans(REPO / "plans")
SHAPES = _plans(FIXTURES / "shapes" / "plans")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Every plan written once and read back: key -> (plan, python-docx Document)."""
    out = tmp_path_factory.mktemp("docx")
    documents = {}
    for key, plan in {**SEEDS, **SHAPES}.items():
        path = write_docx(plan, plan.agency, out / f"{key.replace('/', '-')}.docx")
        documents[key] = plan, docx.Document(str(path))
    return documents


def _runs(table, column: int):
    """Column `column` of the data rows as runs of one Word cell: [(cell text, number of rows)]."""
    cells = [row.cells[column] for row in table.rows[1:]]
    return [(group[0].text, len(group)) for _, group in
            ((tc, list(g)) for tc, g in itertools.groupby(cells, key=lambda c: c._tc))]


def _table_text(table) -> str:
    seen = {}   # the <w:tc> elements themselves, kept alive: a merged cell is read once
    for row in table.rows:
        for cell in row.cells:
            seen.setdefault(cell._tc, cell.text)
    return "\n".join(seen.values())


def _measures(plan):
    return [m for *_, m in plan.measures()] + (plan.opening.measures if plan.opening else [])


def test_the_five_seed_plans_are_tested():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("key", sorted(SEEDS))
def test_a_seed_plan_as_a_word_file(written, key):
    plan, document = written[key]
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == [c.title for c in visible_columns(plan)]
    # column 0: the opening row (its own cell), then one merged cell per pillar over all of its rows
    runs = _runs(table, 0)
    opening = 1 if plan.opening and not plan.opening.pillar else 0
    assert len(runs) == opening + len(plan.pillars), [text for text, _ in runs]
    if opening:
        assert runs[0][0] == plan.opening.title
    for (text, _rows), pillar in zip(runs[opening:], plan.pillars):
        assert pillar.title in text
        assert (f"（{pillar.points}分）" in text) == (pillar.points is not None)
    # column 1: one merged cell per item (after the opening row's)
    items = [i for p in plan.pillars for i in p.items]
    item_runs = _runs(table, 1)[-len(items):]
    assert len(_runs(table, 1)) == len(items) + (1 if plan.opening else 0)
    for (text, _rows), item in zip(item_runs, items):
        assert item.title in text
    text = _table_text(table)
    for measure in _measures(plan):
        for line in markdown.plain_text(measure.text).split("\n"):
            assert line in text, line
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[:2] == [plan.agency.full_name, plan.title]
    headings = [f"{UPPER[n]}、{s.title}" for n, s in enumerate(plan.sections)]
    assert [p for p in paragraphs if p[:2] in {h[:2] for h in headings}] == headings


def test_numbering_as_agencies_type_it(written):
    plan, document = written["kaohsiung-dv-prevention-center/114"]
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[2:5] == ["壹、計畫依據", "一、高雄市政府提升服務實施計畫。", "二、高雄市政府社會局114年度提升服務執行計畫。"]
    (table,) = document.tables
    first = table.rows[2].cells   # after the header and the opening row: pillar 一, item (一), the SOP group
    assert first[0].text == "一、完備基礎服務項目，注重服務特性差異化"
    assert first[1].text.startswith("(一)建立業務標準作業流程")
    lines = [p.text for p in first[2].paragraphs]
    assert lines[0] == "業務標準作業流程(SOP)" and lines[1].startswith("1.依據本中心") and lines[2].startswith("2.SOP")
    assert [p.text for p in first[3].paragraphs] == ["1.成人保護組", "2.性侵害防治組", "3.兒少保護組", "4.專線救援組",
                                                     "5.綜合規劃及行政組"]
    # one measure alone is not numbered; one unit alone is not numbered either
    opening = table.rows[1].cells
    assert opening[2].text.startswith("本中心依業務特性") and opening[3].text == "綜合規劃及行政組"


def test_a_scored_plan_has_one_row_per_measure_with_its_deadline(written):
    plan, document = written["penghu-social-affairs/107"]
    (table,) = document.tables
    # a row per measure; an indicator with points and no measures (its known gap) keeps one empty row
    items = [i for p in plan.pillars for i in p.items]
    rows = sum(sum(max(len(g.measures), 1) for g in i.groups) if i.groups else 1 for i in items)
    assert len(table.rows) == 1 + rows and rows > len(_measures(plan))
    row = table.rows[2].cells
    assert [c.text for c in row] == ["基礎服務（20分）", "服務一致及正確（5分）", "2.服務及時性",
                                     "2.1案件辦理超過標準作業時間者，主動聯繫告知申請人處理進度。", "107/12/31"]
    assert [p.text for p in document.paragraphs].index("單位(機關)：社會處") > 0


@pytest.mark.parametrize("key", sorted(SHAPES))
def test_a_shape_fixture_as_a_word_file(written, key):
    plan, document = written[key]
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == [c.title for c in visible_columns(plan)]
    text = _table_text(table)
    for measure in _measures(plan):
        assert markdown.plain_text(measure.text) in text
    for line in plan.approval.lines if plan.approval else []:
        assert line in [p.text for p in document.paragraphs]


def test_pillar_and_item_in_one_column_make_the_pillar_a_full_width_row(written):
    plan, document = written["three-columns/114"]
    (table,) = document.tables
    pillar_rows = [row for row in table.rows if len({id(c._tc) for c in row.cells}) == 1]
    assert [row.cells[0].text for row in pillar_rows] == ["一、" + p.title for p in plan.pillars]
