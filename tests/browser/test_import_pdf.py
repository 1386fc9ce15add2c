"""`python build.py import` on the PDF route: each seed plan's own PDF download (printed by Chromium,
so it lives with the browser tests) read back with pdfplumber lands its measures where the
hand-made plan has them. Figures are printed (pytest -s) for the closing note."""
from __future__ import annotations

import pathlib
import shutil
import sys

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "unit"))
import import_metrics as metrics  # noqa: E402

from plansite.errors import Problems  # noqa: E402
from plansite.frameworks import load_frameworks  # noqa: E402
from plansite.importer.run import run_import  # noqa: E402
from plansite.load import load_content  # noqa: E402

PLANS = [("kaohsiung-child-welfare-center", 110), ("kaohsiung-dv-prevention-center", 114),
         ("kaohsiung-jiasian-district", 114), ("kaohsiung-senior-center", 113), ("penghu-social-affairs", 107)]


@pytest.mark.parametrize("slug,year", PLANS)
def test_each_seed_plans_pdf_download_imports_with_measures_in_place(seed_site, tmp_path, slug, year):
    pdf = seed_site / "agencies" / slug / str(year) / f"{slug}-{year}.pdf"
    assert pdf.is_file()
    plans = tmp_path / "plans"
    (plans / slug).mkdir(parents=True)
    shutil.copy(REPO / "plans" / slug / "agency.yaml", plans / slug / "agency.yaml")
    result = run_import(plans, REPO / "frameworks", pdf, slug)
    data = yaml.safe_load(result.target.read_text(encoding="utf-8"))
    expected = yaml.safe_load((REPO / "plans" / slug / f"{year}.yaml").read_text(encoding="utf-8"))
    problems = Problems()
    load_content(plans, load_frameworks(REPO / "frameworks", problems), problems)
    assert not problems.errors, "\n".join(str(p) for p in problems.errors[:5])
    placed, wrong = metrics.placement(expected, data)
    print(f"\n{slug}-{year}.pdf: placement {placed:.1%}, unplaced {len(data.get('unplaced', []))}, "
          f"repairs {len(result.draft.repairs)}")
    assert data["draft"] is True and data["year"] == year
    assert placed >= 0.90, wrong[:10]
