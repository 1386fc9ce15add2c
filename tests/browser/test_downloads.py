"""QR codes decoded with zbar, plans printed to PDF by Chromium, and every download read back
with the library that reads it."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import shutil
import subprocess
import sys
import zipfile

import jsonschema
import pytest
import referencing
from odf import opendocument, table as odftable, text as odftext, teletype

import tools
from conftest import BASE_URL
from plansite import yamlfile

pytestmark = pytest.mark.browser

SEEDS = {  # plan page -> (its first section, a measure of its table, a section after it), in document order
    "agencies/kaohsiung-dv-prevention-center/114/": ("壹、計畫依據", "通過無障礙網站標章認證。", "陸、其他："),
    "agencies/kaohsiung-child-welfare-center/110/": ("壹、計畫依據：", "提供遠距服務", "伍、推動及管考"),
    "agencies/kaohsiung-senior-center/113/": ("壹、計畫依據：", "於1樓大廳設置意見箱。", "陸、其他："),
    "agencies/penghu-social-affairs/107/": ("壹、計畫依據：", "網站設有全文檢索功能，提供民眾搜尋各項資訊。", "附表：計畫內容"),
    "agencies/kaohsiung-jiasian-district/114/": ("壹、計畫依據", "辦理甲仙芋筍節地方特色活動", "伍、推動及管考"),
}


def zbar(path) -> list[str]:
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, f"zbarimg could not read {path}: {result.stderr}"
    return result.stdout.split()


def canonical(site, page_url) -> str:
    html = (site / page_url / "index.html").read_text(encoding="utf-8")
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


def test_every_qr_png_decodes_to_its_pages_canonical_address(seed_site):
    pngs = sorted(seed_site.rglob("*-qr.png"))
    assert len(pngs) == 10  # five plans, five agencies
    assert len({png.name for png in pngs}) == 10  # saved into one folder, none overwrites another
    for png in pngs:
        page_url = png.parent.relative_to(seed_site).as_posix() + "/"
        # named after its page: <agency>-<year>-qr.png on a plan page, <agency>-qr.png on an agency page
        assert png.name == "-".join(page_url.strip("/").split("/")[1:]) + "-qr.png"
        assert canonical(seed_site, page_url) == BASE_URL + page_url
        assert zbar(png) == [BASE_URL + page_url], png


def test_qr_svg_download_is_a_real_svg_of_the_same_code(seed_site, tmp_path, browser):
    svg = seed_site / "agencies/penghu-social-affairs/penghu-social-affairs-qr.svg"
    page = browser.new_page(device_scale_factor=2)
    page.set_content(f'<body style="margin:0;background:#fff">{svg.read_text(encoding="utf-8")}</body>')
    page.screenshot(path=str(tmp_path / "svg.png"), full_page=True)
    page.close()
    assert zbar(tmp_path / "svg.png") == [BASE_URL + "agencies/penghu-social-affairs/"]


@pytest.mark.parametrize("page_url", sorted(SEEDS) + ["agencies/kaohsiung-senior-center/"])
def test_qr_code_on_the_page_decodes_from_a_screenshot(browser, site_url, tmp_path, page_url):
    page = browser.new_page(viewport={"width": 375, "height": 800}, device_scale_factor=2)
    page.goto(site_url + page_url)
    figure = page.locator(".ps-qr")
    assert page.locator(".ps-qr svg").get_attribute("role") == "img"
    assert BASE_URL + page_url in figure.inner_text()           # the address is printed beside the code
    page.locator(".ps-qr svg").screenshot(path=str(tmp_path / "qr.png"))
    page.close()
    assert zbar(tmp_path / "qr.png") == [BASE_URL + page_url]


@pytest.mark.parametrize("page_url", sorted(SEEDS))
def test_plan_pdf_has_the_plan_text_in_order_with_embedded_fonts(seed_site, tmp_path, page_url):
    pdf = next((seed_site / page_url).glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    html = (seed_site / page_url / "index.html").read_text(encoding="utf-8")
    title = re.search(r'<span class="ps-plan__title">([^<]+)</span>', html).group(1)
    first, measure, later = SEEDS[page_url]
    if later.startswith("附表"):  # the scored plan's table is an appendix after its sections
        measure, later = later, measure
    positions = [flat.find(title), flat.find(first), flat.find(measure), flat.find(later)]
    assert -1 not in positions and positions == sorted(positions), positions
    assert BASE_URL + page_url in flat                          # the URL is printed on the first page
    first_page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    assert BASE_URL + page_url in re.sub(r"\s+", "", first_page)
    second = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"],
                                               capture_output=True, text=True).stdout)
    assert re.match(r"(工作要項|執行要項|執行策略)", second), "the table's header row repeats on page 2"
    assert "第1頁，共" in re.sub(r"\s+", "", first_page)           # page numbers
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes " in line for line in rows), fonts
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                              text=True).stdout).group(1))
    print(f"{page_url}: {pages} pages")
    assert pages <= 12, "a seed plan should print on a dozen A4 pages at most"
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert any(tmp_path.glob("page*.png"))


def _plan_dir(seed_site, page_url):
    return seed_site / page_url


@pytest.mark.parametrize("page_url", sorted(SEEDS))
def test_downloads_read_back_as_the_plan(seed_site, page_url):
    directory = _plan_dir(seed_site, page_url)
    slug, year = page_url.split("/")[1:3]
    source = yamlfile.load(tools.REPO_ROOT / "plans" / slug / f"{year}.yaml").data
    # JSON: the plan exactly as the editors wrote it, valid against the shipped schemas
    doc = json.loads((directory / f"{slug}-{year}.json").read_text(encoding="utf-8"))
    assert doc["plan"] == source and doc["schema_version"] == 1
    registry = referencing.Registry().with_resources(
        (name, referencing.Resource.from_contents(json.loads((seed_site / "schema" / name).read_text(encoding="utf-8"))))
        for name in ("plan.schema.json", "agency.schema.json", "plan-download.schema.json"))
    schema = json.loads((seed_site / "schema/plan-download.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, registry=registry).validate(doc)
    # CSV: UTF-8 with BOM, one row per measure
    raw = (directory / f"{slug}-{year}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    measures = sum(len(g.get("measures", [])) for p in source["content"]["pillars"] for i in p["items"]
                   for g in (i.get("groups") or [i]))
    measures += len(source["content"].get("opening", {}).get("measures", []))
    assert len(rows) == measures
    assert {r["年度"] for r in rows} == {year}
    # ODS: the same rows
    ods = opendocument.load(str(directory / f"{slug}-{year}.ods"))
    sheet_rows = ods.spreadsheet.getElementsByType(odftable.TableRow)
    cells = [[teletype.extractText(c) for c in r.getElementsByType(odftable.TableCell)] for r in sheet_rows]
    assert len(cells) == len(rows) + 1
    flat = lambda row: [value.replace("\n", "") for value in row]   # noqa: E731
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [flat(r) for r in cells] == [flat(r) for r in table]   # same header (the plan's own columns), same rows
    # ODT: headings and a real table
    odt = opendocument.load(str(directory / f"{slug}-{year}.odt"))
    headings = [teletype.extractText(h) for h in odt.text.getElementsByType(odftext.H)]
    assert headings[0].startswith(doc["agency"]["full_name"])
    assert any(h.startswith("壹、") for h in headings)
    assert len(odt.text.getElementsByType(odftable.Table)) == 1


def test_download_links_state_format_and_true_size(seed_site):
    for page_url in SEEDS:
        html = (seed_site / page_url / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]+)" download>下載[^（]+（([A-Z]+)，([\d.]+) (KB|MB)）</a>', html)
        assert {fmt for _, fmt, _, _ in links} == {"PDF", "ODT", "ODS", "CSV", "JSON", "PNG", "SVG"}
        for href, fmt, size, unit in links:
            actual = (seed_site / page_url / href).stat().st_size
            shown = float(size) * (1024 if unit == "KB" else 1024 * 1024)
            assert href.lower().endswith(fmt.lower())
            assert (math.ceil(actual / 1024) == int(size)) if unit == "KB" else abs(shown - actual) < 0.1 * 1024 * 1024


def test_site_bundle_has_every_plan(seed_site):
    rows = list(csv.DictReader(io.StringIO((seed_site / "open-data/plans.csv").read_bytes().decode("utf-8-sig"))))
    per_plan = sum(len(list(csv.DictReader(io.StringIO(p.read_bytes().decode("utf-8-sig")))))
                   for p in seed_site.glob("agencies/*/*/*.csv"))
    assert len(rows) == per_plan and {r["機關代稱"] for r in rows} == {u.split("/")[1] for u in SEEDS}
    bundle = json.loads((seed_site / "open-data/plans.json").read_text(encoding="utf-8"))
    assert len(bundle["plans"]) == 5
    ods = opendocument.load(str(seed_site / "open-data/plans.ods"))
    assert len(ods.spreadsheet.getElementsByType(odftable.TableRow)) == len(rows) + 1
    page = (seed_site / "open-data/index.html").read_text(encoding="utf-8")
    assert "政府資料開放授權條款" in page and "更新頻率" in page and "<caption>具體作法清單的欄位</caption>" in page


def test_odt_converts_with_libreoffice(seed_site, tmp_path):
    for odt in sorted(seed_site.glob("agencies/*/*/*.odt")):
        shutil.copy(odt, tmp_path)
    result = subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                             "--convert-to", "pdf", "--outdir", str(tmp_path)] + sorted(str(p) for p in tmp_path.glob("*.odt")),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for odt in tmp_path.glob("*.odt"):
        pdf = odt.with_suffix(".pdf")
        assert pdf.is_file(), f"{odt.name} did not convert"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "計畫內容" in text


def test_build_with_pdfs_is_byte_identical(seed_site, tmp_path):
    from support import seed_config

    out = tmp_path / "again"
    result = subprocess.run([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(seed_config(tmp_path)),
                             "build", "--out", str(out), "--quiet", "--base-url", BASE_URL],
                            cwd=tools.REPO_ROOT, capture_output=True, text=True,
                            env={**__import__("os").environ, "PYTHONHASHSEED": "99"})
    assert result.returncode == 0, result.stderr

    def digest(d):
        return {p.relative_to(d).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.rglob("*"))
                if p.is_file()}

    assert digest(out) == digest(seed_site)
