"""Downloads and QR code files of the seed site's model: names, and the order a page lists them in."""
from __future__ import annotations

import pytest

from plansite import assets, pipeline, site as site_mod
from plansite.config import load_config
from support import REPO


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    config = load_config(REPO / "site.toml").with_overrides(**{"site.base_url": "https://example.gov.tw/plans/"})
    model = site_mod.build_site(pipeline.check(config).content, config)
    # QR codes only: the data files are read back in tests/browser/test_downloads.py
    files, listing = assets.build_assets(model, config, with_qr=True, downloads=False)
    return model, files, listing


def qr_files(listing, url):
    return [d.url for d in listing[url] if d.is_image]


def test_qr_files_are_named_after_their_page_so_two_pages_never_share_a_name(seed):
    _, files, listing = seed
    plan = qr_files(listing, "agencies/penghu-social-affairs/107/")
    agency = qr_files(listing, "agencies/penghu-social-affairs/")
    assert plan == ["agencies/penghu-social-affairs/107/penghu-social-affairs-107-qr.png",
                    "agencies/penghu-social-affairs/107/penghu-social-affairs-107-qr.svg"]
    assert agency == ["agencies/penghu-social-affairs/penghu-social-affairs-qr.png",
                      "agencies/penghu-social-affairs/penghu-social-affairs-qr.svg"]
    names = [f.path.rsplit("/", 1)[-1] for f in files if f.path.endswith(("-qr.png", "-qr.svg"))]
    assert len(names) == 20  # five plans and five agencies, PNG and SVG each
    assert len(set(names)) == len(names)  # saved into one folder, none overwrites another


def test_only_plan_and_agency_pages_have_qr_files(seed):
    model, _, listing = seed
    with_qr = {page.kind for page in model.pages if any(d.is_image for d in listing.get(page.url, []))}
    assert with_qr == {"plan", "agency"}
    assert all(assets.qr_base(page) is None for page in model.pages if page.kind not in ("plan", "agency"))


def test_a_page_lists_documents_before_qr_images():
    png = assets.Download("QR Code 圖檔", "PNG", "a/a-qr.png", 900)
    pdf = assets.Download("列印版計畫", "PDF", "a/a.pdf", 90000)
    odt = assets.Download("計畫文件", "ODT", "a/a.odt", 9000)
    listing = {"a/": [png, pdf, odt]}
    assert assets.page_downloads(listing, "a/") == [pdf, odt, png]
    assert assets.page_downloads(listing, "b/") == []


def test_pdf_structure_ids_are_renumbered_in_order_without_moving_bytes():
    from plansite.pdf import _stable_node_ids

    # Chromium's ids as two runs gave them: the second counted one DOM node more before the table
    first = b"<</S /TH /ID (node00000158)>> <</S /TD /ID (node00000162)>> /Names [(node00000158) 9 0 R (node00000162) 10 0 R]"
    second = first.replace(b"00000158", b"00000159").replace(b"00000162", b"00000163")
    assert _stable_node_ids(first) == _stable_node_ids(second)
    stable = _stable_node_ids(first)
    assert len(stable) == len(first)   # xref offsets stay valid
    assert stable.count(b"(node00000001)") == 2 and stable.count(b"(node00000002)") == 2   # order kept: the names stay sorted
