"""`python build.py import`: each seed plan, by every route an agency has it in, lands where the
hand-made plan has it.

Routes: the seed texts (text extracted from the agencies' PDF/Word files), the ODT the site
offers for each plan, and a .docx made from each plan with python-docx as agencies make them
(merged pillar cells). The PDF route needs Chromium and is in tests/browser/test_import_pdf.py.
Figures are printed (pytest -s) so the closing note can quote them.
"""
from __future__ import annotations

import pathlib
import re
import shutil
import subprocess
import sys
import unicodedata

import pytest
import yaml

import import_metrics as metrics
from plansite import downloads
from plansite.errors import Problems
from plansite.frameworks import load_frameworks
from plansite.importer.run import run_import
from plansite.load import load_content
from plansite.table import build_table

REPO = pathlib.Path(__file__).resolve().parents[2]
SEEDS = {
    "000_c8a03ccdb417268b.txt": ("kaohsiung-dv-prevention-center", 114),
    "001_8a2148193b52e61e.txt": ("kaohsiung-child-welfare-center", 110),
    "002_28a8e7d2a5a76b0a.txt": ("kaohsiung-senior-center", 113),
    "003_61997cda20c11ac0.txt": ("penghu-social-affairs", 107),
    "004_475f12c5ab84fb19.txt": ("kaohsiung-jiasian-district", 114),
}


# Wording agencies copy from the six-pillar framework, for the small documents the tests write.
TITLE_116 = "高雄市政府社會局長青綜合服務中心116年度提升服務工作計畫"
PILLAR_1 = "一、完備基礎服務項目，注重服務特性差異化"
ITEM_1_1 = ("(一)建立業務標準作業流程，維持服務措施處理一致性；確保資訊提供、問題回應或申辦案件處理的正確性，"
            "並適時檢討改進流程與作業方式。")


def _lines(path: pathlib.Path, *lines: str) -> pathlib.Path:
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _empty_plans(tmp_path: pathlib.Path, slug: str) -> pathlib.Path:
    """A plans/ folder holding only the agency (its agency.yaml), as before an agency's first import."""
    plans = tmp_path / "plans"
    (plans / slug).mkdir(parents=True)
    shutil.copy(REPO / "plans" / slug / "agency.yaml", plans / slug / "agency.yaml")
    return plans


def _import(tmp_path, slug, file, year=None):
    """Import into an empty plans/ folder; the draft must load and pass every check without an error."""
    plans = _empty_plans(tmp_path, slug)
    result = run_import(plans, REPO / "frameworks", file, slug, year)
    data = yaml.safe_load(result.target.read_text(encoding="utf-8"))
    problems = Problems()
    load_content(plans, load_frameworks(REPO / "frameworks", problems), problems)
    assert not problems.errors, "\n".join(str(p) for p in problems.errors[:5])
    return result, data


def _expected(slug: str, year: int) -> dict:
    return yaml.safe_load((REPO / "plans" / slug / f"{year}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def content():
    problems = Problems()
    frameworks = load_frameworks(REPO / "frameworks", problems)
    loaded = load_content(REPO / "plans", frameworks, problems)
    assert not problems.errors
    return loaded


# ---- text route: the seeds themselves ------------------------------------------------------

@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_each_seed_text_imports_to_a_draft_matching_the_hand_made_plan(tmp_path, seed):
    slug, year = SEEDS[seed]
    source = REPO / "tests" / "seeds" / seed
    result, data = _import(tmp_path, slug, source)
    assert data["draft"] is True
    assert data["year"] == year
    expected = _expected(slug, year)
    assert data["framework"] == expected["framework"]
    placed, wrong = metrics.placement(expected, data)
    agency = yaml.safe_load((REPO / "plans" / slug / "agency.yaml").read_text(encoding="utf-8"))
    # the page shows the agency's full name above the title; the draft keeps it in agency.yaml
    header = {"agency": agency.get("full_name", agency["name"]) + data["title"]}
    covered, missing = metrics.coverage(source.read_text(encoding="utf-8"), {**data, **header})
    got = {text for _, _, text in metrics.measures(data)}
    want = metrics.measures(expected)
    identical = sum(1 for _, _, text in want if text in got)
    print(f"\n{seed} text → {slug}/{year}: placement {placed:.1%}, coverage {covered:.1%}, "
          f"measures {len(want)} hand-made / {len(got)} imported / {identical} identical, "
          f"unplaced {len(data.get('unplaced', []))}, repairs {len(result.draft.repairs)}")
    titles_want, titles_got = _titles(expected), _titles(data)
    same = [code for code in titles_want if titles_got.get(code) == titles_want[code]]
    print(f"   pillar and sub-item titles as written: {len(same)}/{len(titles_want)}")
    assert placed >= 0.90, wrong[:10]
    assert covered >= 0.97, missing[:10]
    assert len(same) >= 0.95 * len(titles_want), [(c, titles_got.get(c)) for c in titles_want if c not in same]


def _titles(data: dict) -> dict[str, str]:
    out = {}
    for pillar in data["content"]["pillars"]:
        out[pillar["code"]] = _norm(pillar["title"])
        for item in pillar.get("items", []):
            out[item["code"]] = _norm(item["title"])
    return out


def test_import_on_the_command_line_writes_a_draft_that_passes_check_and_never_overwrites(tmp_path):
    slug, year = SEEDS["000_c8a03ccdb417268b.txt"]
    root = tmp_path
    shutil.copytree(REPO / "frameworks", root / "frameworks")
    shutil.copytree(REPO / "schema", root / "schema")
    shutil.copy(REPO / "site.toml", root / "site.toml")
    _empty_plans(root, slug)
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "import",
                          str(REPO / "tests/seeds/000_c8a03ccdb417268b.txt"), "--agency", slug],
                         cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert f"plans/{slug}/{year}.yaml" in run.stdout
    assert "0 個錯誤" in run.stdout
    assert re.search(r"具體作法共 \d+ 項", run.stdout)
    text = (root / "plans" / slug / f"{year}.yaml").read_text(encoding="utf-8")
    assert "\ndraft: true\n" in text
    again = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "import",
                            str(REPO / "tests/seeds/000_c8a03ccdb417268b.txt"), "--agency", slug],
                           cwd=root, capture_output=True, text=True)
    assert again.returncode == 1 and "不會覆寫" in again.stderr
    assert (root / "plans" / slug / f"{year}.yaml").read_text(encoding="utf-8") == text


def test_json_report_lists_sections_pillars_units_unplaced_and_repairs(tmp_path):
    import json

    slug, _ = SEEDS["003_61997cda20c11ac0.txt"]
    root = tmp_path
    for name in ("frameworks", "schema"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.toml", root / "site.toml")
    _empty_plans(root, slug)
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "import",
                          str(REPO / "tests/seeds/003_61997cda20c11ac0.txt"), "--agency", slug, "--json"],
                         cwd=root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["framework"] == "gsa-2"
    assert report["sections"][0] == "計畫依據："
    assert [p["code"] for p in report["pillars"]] == ["1", "2", "3", "4", "5", "6"]
    assert report["measures"] == sum(p["measures"] + sum(i["measures"] for i in p["items"]) for p in report["pillars"])
    assert set(report["units"]) == {"matched", "added_to_agency"}
    assert isinstance(report["unplaced"], list) and isinstance(report["repairs"], list)


# ---- round trips: the site's ODT and an agency-made .docx ------------------------------------

def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"\s+", "", text)


def _shape(data: dict) -> list[tuple]:
    """The plan data that must survive a round trip: every measure with its place, units and deadline,
    and every section's title and text."""
    out: list[tuple] = []
    for s in data.get("sections", []):
        body = re.sub(r"^\s*\d+\.\s*", "", s.get("body", ""), flags=re.M)
        out.append(("section", _norm(s["title"]), _norm(body)))
    content = data["content"]

    def units_of(node, inherited):
        return node.get("units", inherited)

    def walk(node, pillar, item, inherited):
        inherited = units_of(node, inherited)
        for m in node.get("measures", []) or []:
            text = m["text"] if isinstance(m, dict) else m
            units = m.get("units", inherited) if isinstance(m, dict) else inherited
            deadline = m.get("deadline", "") if isinstance(m, dict) else ""
            out.append(("measure", pillar, item, _norm(re.sub(r"^\s*\d+\.\s*", "", text, flags=re.M)),
                        tuple(units), str(deadline)))
        for g in node.get("groups", []) or []:
            walk(g, pillar, item, inherited)

    top = content.get("units", [])
    if content.get("opening"):
        walk(content["opening"], "opening", "opening", top)
    for p in content["pillars"]:
        walk(p, p["code"], p["code"], top)
        for it in p.get("items", []):
            walk(it, p["code"], it["code"], units_of(p, top))
    return out


def _compare(expected: dict, got: dict) -> list[str]:
    want, have = _shape(expected), _shape(got)
    diffs = [f"- {w}\n+ {h}" for w, h in zip(want, have) if w != h]
    if len(want) != len(have):
        diffs.append(f"{len(want)} expected entries, {len(have)} imported")
    return diffs


@pytest.mark.parametrize("slug,year", sorted(SEEDS.values()))
def test_the_sites_own_odt_imports_back_to_the_same_plan(tmp_path, content, slug, year):
    plan = next(p for p in content.plans if p.agency.slug == slug and p.year == year)
    odt = tmp_path / f"{slug}-{year}.odt"
    odt.write_bytes(downloads.odt_bytes(plan, build_table(plan)))
    _, data = _import(tmp_path, slug, odt)
    diffs = _compare(_expected(slug, year), data)
    print(f"\n{slug}-{year}.odt → {len(_shape(data))} entries, {len(diffs)} differences")
    assert not diffs, "\n".join(diffs[:8])


@pytest.mark.parametrize("slug,year", sorted(SEEDS.values()))
def test_an_agency_made_docx_imports_back_to_the_same_plan(tmp_path, content, slug, year):
    from plan_docx import write_docx

    plan = next(p for p in content.plans if p.agency.slug == slug and p.year == year)
    docx = tmp_path / f"{slug}-{year}.docx"
    write_docx(plan, plan.agency, docx)
    _, data = _import(tmp_path, slug, docx)
    diffs = _compare(_expected(slug, year), data)
    print(f"\n{slug}-{year}.docx → {len(_shape(data))} entries, {len(diffs)} differences")
    assert not diffs, "\n".join(diffs[:8])


# ---- files the importer cannot read: a clear message, exit 1, nothing written ------------------

def _scanned_pdf(path: pathlib.Path) -> None:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 380, 180), outline="black")
    image.save(path, "PDF")


def _encrypted_pdf(path: pathlib.Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", owner_password="owner")
    with path.open("wb") as f:
        writer.write(f)


def _docx(path: pathlib.Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("高雄市政府社會局114年度提升服務工作計畫")
    document.save(path)


def _corrupted_docx(path: pathlib.Path) -> None:
    whole = path.with_suffix(".whole.docx")
    _docx(whole)
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _legacy_doc(path: pathlib.Path) -> None:
    """A real Word 97–2003 file, converted by LibreOffice (installed by scripts/test.sh)."""
    source = path.with_suffix(".docx")
    _docx(source)
    profile = path.parent / "lo-profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "doc",
                    "--outdir", str(path.parent), str(source)], check=True, capture_output=True, timeout=120)
    assert path.is_file()


UNREADABLE = {
    "empty.txt": (lambda p: p.write_bytes(b""), "空的"),
    "blank.txt": (lambda p: p.write_text(" \n\n  \n", encoding="utf-8"), "空的"),
    "binary.dat": (lambda p: p.write_bytes(bytes(range(256)) * 8), "不是能讀的文字檔"),
    "scanned.pdf": (_scanned_pdf, "掃描"),
    "encrypted.pdf": (_encrypted_pdf, "密碼"),
    "broken.pdf": (lambda p: p.write_bytes(b"%PDF-1.4\n%garbage\n"), "PDF"),
    "corrupted.docx": (_corrupted_docx, "損壞"),
    "old.doc": (_legacy_doc, ".docx"),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_an_unreadable_file_gets_a_chinese_message_exit_1_and_nothing_written(tmp_path, name):
    make, words = UNREADABLE[name]
    source = tmp_path / "in" / name
    source.parent.mkdir()
    make(source)
    slug = "kaohsiung-senior-center"
    for sub in ("frameworks", "schema"):
        shutil.copytree(REPO / sub, tmp_path / sub)
    shutil.copy(REPO / "site.toml", tmp_path / "site.toml")
    _empty_plans(tmp_path, slug)
    before = sorted(p.name for p in (tmp_path / "plans" / slug).iterdir())
    agency = (tmp_path / "plans" / slug / "agency.yaml").read_bytes()
    run = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(tmp_path / "site.toml"), "import",
                          str(source), "--agency", slug, "--year", "115"], cwd=tmp_path, capture_output=True, text=True)
    print(f"\n{name}: {run.stderr.strip().splitlines()[0]}")
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    assert f"{name}: 錯誤：" in run.stderr and "建議：" in run.stderr
    assert words in run.stderr
    assert "沒有寫出任何檔案" in run.stderr
    assert sorted(p.name for p in (tmp_path / "plans" / slug).iterdir()) == before
    assert (tmp_path / "plans" / slug / "agency.yaml").read_bytes() == agency


def test_a_big5_text_file_imports_like_its_utf8_original(tmp_path):
    slug, year = SEEDS["002_28a8e7d2a5a76b0a.txt"]
    text = (REPO / "tests" / "seeds" / "002_28a8e7d2a5a76b0a.txt").read_text(encoding="utf-8")
    big5 = tmp_path / "plan-big5.txt"
    big5.write_bytes(text.encode("cp950", errors="strict"))
    _, from_big5 = _import(tmp_path / "a", slug, big5)
    _, from_utf8 = _import(tmp_path / "b", slug, REPO / "tests" / "seeds" / "002_28a8e7d2a5a76b0a.txt")
    assert _shape(from_big5) == _shape(from_utf8)


def test_a_document_of_no_known_framework_says_so_and_suggests_new_framework(tmp_path):
    slug = "kaohsiung-senior-center"
    source = tmp_path / "other.txt"
    source.write_text("某機關115年度提升服務計畫\n壹、計畫內容\n一、推動智慧治理\n(一)建置資料平台\n1.完成平台建置。\n",
                      encoding="utf-8")
    with pytest.raises(Exception) as failure:
        _import(tmp_path, slug, source)
    assert "new-framework" in failure.value.hint


# ---- a damaged document never gives a crash or a draft that does not load -----------------------

@pytest.mark.parametrize("trial", range(24))
def test_a_damaged_seed_text_gives_a_refusal_or_a_draft_that_passes_check(tmp_path, trial):
    """Lines of a seed deleted, repeated and swapped (as copy-paste from a PDF does): the importer
    either refuses with a message or writes a draft with no errors; never a crash."""
    import random

    from plansite.importer.source import ImportFailure

    rng = random.Random(trial)
    seed = sorted(SEEDS)[trial % len(SEEDS)]
    slug, _ = SEEDS[seed]
    lines = (REPO / "tests" / "seeds" / seed).read_text(encoding="utf-8").splitlines()
    for _ in range(rng.randint(1, 6)):
        a = rng.randrange(len(lines))
        b = min(len(lines), a + rng.randint(1, 40))
        op = rng.choice(["delete", "repeat", "swap"])
        if op == "delete":
            del lines[a:b]
        elif op == "repeat":
            lines[a:a] = lines[a:b]
        else:
            c = rng.randrange(len(lines))
            lines[a], lines[c] = lines[c], lines[a]
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("\n".join(lines), encoding="utf-8")
    try:
        _import(tmp_path, slug, damaged, year=115)
    except ImportFailure as refusal:
        assert refusal.message and refusal.hint


def test_a_docx_whose_header_spans_the_item_and_measure_columns(tmp_path):
    """Agencies' own tables: 工作要項 | 工作重點 (over two columns) | 業務單位, as in the seeds' sources."""
    import docx

    slug = "kaohsiung-senior-center"
    document = docx.Document()
    document.add_paragraph("高雄市政府社會局長青綜合服務中心")
    document.add_paragraph("116年度提升服務工作計畫")
    document.add_paragraph("壹、計畫內容")
    table = document.add_table(rows=4, cols=4)
    header = table.rows[0].cells
    header[0].text = "工作要項"
    header[1].merge(header[2]).text = "工作重點"
    header[3].text = "業務單位"
    pillar = table.cell(1, 0).merge(table.cell(3, 0))
    pillar.text = PILLAR_1
    item = table.cell(1, 1).merge(table.cell(2, 1))
    item.text = ITEM_1_1
    table.cell(1, 2).text = "櫃檯服務"
    table.cell(1, 2).add_paragraph("1.訂定「櫃檯服務人員守則」。")
    table.cell(1, 2).add_paragraph("2.定期辦理員工及志工訓練。")
    table.cell(1, 3).text = "行政課"
    table.cell(2, 2).text = "設置服務台，指派專人輪值。"
    table.cell(2, 3).text = "服務課"
    table.cell(2, 3).add_paragraph("教保課")
    table.cell(3, 1).text = "(二)提供民眾易讀、易懂、易用的服務申辦資訊及進度查詢管道，提升服務流程透明度。"
    table.cell(3, 2).text = "於本中心網站公開各項服務項目。"
    table.cell(3, 3).text = "教保課"
    source = tmp_path / "plan.docx"
    document.save(source)
    _, data = _import(tmp_path / "out", slug, source)
    assert data["year"] == 116
    assert data["columns"] == {"item": "工作要項", "focus": "工作重點", "unit": "業務單位"}
    first, second = data["content"]["pillars"][0]["items"]
    assert first["code"] == "1.1" and second["code"] == "1.2"
    assert first["groups"][0] == {"heading": "櫃檯服務", "measures": ["訂定「櫃檯服務人員守則」。", "定期辦理員工及志工訓練。"],
                                  "units": ["行政課"]}
    assert first["groups"][1]["measures"] == ["設置服務台，指派專人輪值。"]
    assert first["groups"][1]["units"] == ["服務課", "教保課"]
    assert second["measures"] == ["於本中心網站公開各項服務項目。"] and second["units"] == ["教保課"]


def test_a_unit_cell_merged_down_several_rows_applies_to_each_row(tmp_path):
    import docx

    slug = "kaohsiung-senior-center"
    document = docx.Document()
    document.add_paragraph("116年度提升服務工作計畫")
    table = document.add_table(rows=3, cols=4)
    for c, title in enumerate(("工作要項", "工作重點", "具體作法", "業務單位")):
        table.cell(0, c).text = title
    table.cell(1, 0).merge(table.cell(2, 0)).text = PILLAR_1
    table.cell(1, 1).text = ITEM_1_1
    table.cell(2, 1).text = "(二)提供民眾易讀、易懂、易用的服務申辦資訊及進度查詢管道，提升服務流程透明度。"
    table.cell(1, 2).text = "訂定櫃檯服務人員守則。"
    table.cell(2, 2).text = "於本中心網站公開各項服務項目。"
    table.cell(1, 3).merge(table.cell(2, 3)).text = "行政課"
    source = tmp_path / "plan.docx"
    document.save(source)
    _, data = _import(tmp_path / "out", slug, source)
    first, second = data["content"]["pillars"][0]["items"]
    assert first["units"] == ["行政課"] and second["units"] == ["行政課"]


def test_a_sub_item_in_the_agencys_own_words_is_placed_by_its_number_and_reported(tmp_path):
    slug = "kaohsiung-senior-center"
    source = _lines(tmp_path / "plan.txt",
                    TITLE_116,
                    "壹、計畫內容",
                    "工作要項 工作重點 業務單位",
                    PILLAR_1,
                    ITEM_1_1,
                    "1.訂定櫃檯服務守則。",
                    "行政課",
                    "(二)讓民眾看得懂、查得到",
                    "的申辦資訊。",
                    "1.網站公開申辦須知。",
                    "服務課")
    result, data = _import(tmp_path / "out", slug, source)
    first, second = data["content"]["pillars"][0]["items"]
    assert (first["code"], first["measures"], first["units"]) == ("1.1", ["訂定櫃檯服務守則。"], ["行政課"])
    assert (second["code"], second["title"]) == ("1.2", "讓民眾看得懂、查得到的申辦資訊。")
    assert second["measures"] == ["網站公開申辦須知。"] and second["units"] == ["服務課"]
    assert any("依編號歸為 1.2" in r for r in result.draft.repairs)


def test_the_approval_and_revision_lines_under_the_title_are_kept(tmp_path):
    slug = "kaohsiung-senior-center"
    source = _lines(tmp_path / "plan.txt",
                    TITLE_116,
                    "中華民國116年3月5日高市社長字第11630123400號函核備",
                    "116年6月1日修訂",
                    "壹、計畫依據",
                    "一、高雄市政府提升服務實施計畫。",
                    "貳、計畫內容",
                    PILLAR_1,
                    ITEM_1_1,
                    "1.訂定櫃檯服務守則。",
                    "行政課")
    _, data = _import(tmp_path / "out", slug, source)
    assert data["approval"] == {"date": "116/03/05", "document": "高市社長字第11630123400號", "action": "函核備"}
    assert data["revisions"] == ["116/06/01"]
    assert data["sections"][0] == {"title": "計畫依據", "body": "1. 高雄市政府提升服務實施計畫。"}
