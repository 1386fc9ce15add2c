"""Plans in their own shape (tests/fixtures/shapes): declared columns, drafts, approvals and results,
checked cell by cell in the page, ODT, ODS, CSV and JSON. The PDF is checked in the browser suite."""
from __future__ import annotations

import csv
import html.parser
import io
import json
import pathlib
import re
import subprocess
import sys

import pytest
import yaml
from odf import opendocument, table as odftable, teletype

from support import FIXTURES, REPO, make_project

SHAPES = FIXTURES / "shapes" / "plans"
SIX = ["實施策略", "推動方法", "具體推動作法", "完成期限", "執行單位", "預期效益"]
APPROVAL = "114年03月05日測航字第1140000001號函核備；114年07月01日修訂"


class TableParser(html.parser.HTMLParser):
    """The content table of a plan page: header titles and, per row, (tag, text) of each cell."""

    def __init__(self) -> None:
        super().__init__()
        self.depth, self.inside, self.header, self.rows, self.cell = 0, False, [], [], None
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "ps-table" in (attrs.get("class") or "").split():
            self.inside = True
        if not self.inside:
            return
        if tag == "thead":
            self.in_head = True
        elif tag == "tr" and not self.in_head:
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = [tag, ""]

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "table":
            self.inside = False
        elif tag == "thead":
            self.in_head = False
        elif tag in ("th", "td") and self.cell:
            text = re.sub(r"\s+", " ", self.cell[1]).strip()
            (self.header if self.in_head else self.rows[-1]).append(text if self.in_head else (self.cell[0], text))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[1] += data


def small_plan(content: str, columns: str = "") -> str:
    """A one-pillar plan of the fixture agency (its known gaps listed), `content` under `content:`."""
    return ("year: 114\ntitle: 114年度提升服務計畫\nframework: six-pillars\n"
            'known_gaps: ["1.2", "1.3", "1.4", "2", "3", "4", "5", "6"]\n'
            + (f"columns: {columns}\n" if columns else "")
            + "sections:\n  - title: 計畫內容\n    content: true\ncontent:\n" + content)


def parse_table(page: pathlib.Path) -> TableParser:
    parser = TableParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def shapes_site(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("shapes"), plans_from=SHAPES)
    out = root / "_site"
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "build",
                             "--out", str(out), "--no-pdf"], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stderr
    return out, result


def _texts(row):
    return [text for _tag, text in row]


def test_six_columns_page_follows_the_declared_order_cell_by_cell(shapes_site):
    out, _ = shapes_site
    table = parse_table(out / "agencies/six-columns/114/index.html")
    assert table.header == SIX + ["執行成效"]   # results, added later, come last
    rows = [r for r in table.rows if r and r[0][1] != "回到目錄"]
    first, second, third, fourth = rows
    assert first[0] == ("th", "一、完備基礎服務項目，注重服務特性差異化 比較各機關的構面一")
    assert first[1][0] == "th" and first[1][1].startswith("(一)建立業務標準作業流程")
    assert _texts(first)[2:] == ["1.訂定旅客服務標準作業流程並公告於航站網站。", "114/06/30", "航務組", "旅客查詢一次到位。",
                                 "完成已於114年5月公告標準作業流程6項。"]
    assert _texts(second) == ["2.每季辦理櫃檯人員服務訓練。", "114/12/31", "業務組 總務組", "提升臨櫃服務滿意度。", "持續辦理"]
    assert _texts(third)[1:] == ["於航廈設置無障礙服務櫃檯。", "114/09/30", "總務組", "行動不便旅客免排隊。", ""]
    assert _texts(fourth)[2:] == ["開放停車證線上申辦。", "114/10/31", "業務組", "申辦免臨櫃。", "未完成系統採購流標，115年重新招標。"]


def test_three_columns_put_pillar_and_item_in_one_column(shapes_site):
    out, _ = shapes_site
    table = parse_table(out / "agencies/three-columns/114/index.html")
    assert table.header == ["工作要領", "工作重點", "業務單位"]
    rows = [r for r in table.rows if r and r[0][1] != "回到目錄"]
    assert rows[0] == [("th", "訂定「提升服務計畫」"), ("td", "依業務特性研訂工作計畫，公開於所網站。"), ("td", "綜合課")]
    assert rows[1] == [("th", "一、完備基礎服務項目，注重服務特性差異化 比較各機關的構面一")]   # one full-width row
    assert rows[2][0][1].startswith("(一)建立業務標準作業流程") and _texts(rows[2])[1:] == [
        "1.訂定戶籍登記標準作業流程。 2.每月檢討作業流程。", "戶籍課"]
    assert rows[3][0][1].startswith("(三)注重服務人員") and _texts(rows[3])[1:] == ["設置服務台。", "綜合課"]
    page = (out / "agencies/three-columns/114/index.html").read_text(encoding="utf-8")
    assert 'colspan="3"' in page and "114年02月22日修訂" in page
    assert "執行成效" not in page   # a plan without results looks exactly as before


def _csv(path: pathlib.Path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _ods(path: pathlib.Path):
    doc = opendocument.load(str(path))
    return [[teletype.extractText(c) for c in r.getElementsByType(odftable.TableCell)]
            for r in doc.spreadsheet.getElementsByType(odftable.TableRow)]


def test_csv_and_ods_follow_the_declared_columns_with_approval_and_results(shapes_site):
    out, _ = shapes_site
    base = out / "agencies/six-columns/114/six-columns-114"
    rows = _csv(base.with_suffix(".csv"))
    assert rows[0] == ["機關", "機關代稱", "年度", "計畫名稱", "核備", "構面代碼", "服務項目代碼", "實施策略", "推動方法", "編號",
                       "具體推動作法", "完成期限", "執行單位", "預期效益", "執行狀態", "執行成效"]
    assert rows[1] == ["測試市政府測試航空站", "six-columns", "114", "114年度提升服務計畫", APPROVAL, "1", "1.1",
                       "完備基礎服務項目，注重服務特性差異化",
                       "建立業務標準作業流程，維持服務措施處理一致性；確保資訊提供、問題回應或申辦案件處理的正確性，並適時檢討改進流程與作業方式。",
                       "1", "訂定旅客服務標準作業流程並公告於航站網站。", "114/06/30", "航務組", "旅客查詢一次到位。", "完成",
                       "已於114年5月公告標準作業流程6項。"]
    assert [r[12] for r in rows[1:]] == ["航務組", "業務組、總務組", "總務組", "業務組"]
    assert [r[14] for r in rows[1:]] == ["完成", "持續辦理", "", "未完成"]
    assert _ods(base.with_suffix(".ods")) == rows
    three = _csv(out / "agencies/three-columns/114/three-columns-114.csv")
    assert three[0] == ["機關", "機關代稱", "年度", "計畫名稱", "核備", "構面代碼", "服務項目代碼", "工作要領（構面）", "工作要領", "編號",
                        "工作重點", "業務單位"]
    assert three[1][4] == "114年02月22日修訂" and three[1][7:] == ["訂定「提升服務計畫」", "", "", "依業務特性研訂工作計畫，公開於所網站。", "綜合課"]
    assert [r[9] for r in three[2:]] == ["1", "2", ""]


def test_site_wide_csv_keeps_standard_columns_and_adds_extra_columns_by_title(shapes_site):
    out, _ = shapes_site
    rows = _csv(out / "open-data/plans.csv")
    header = rows[0]
    assert header[-4:] == ["執行狀態", "執行成效", "核備", "預期效益"]
    six = [dict(zip(header, r)) for r in rows[1:] if r[1] == "six-columns"]
    assert [r["預期效益"] for r in six] == ["旅客查詢一次到位。", "提升臨櫃服務滿意度。", "行動不便旅客免排隊。", "申辦免臨櫃。"]
    assert {r["核備"] for r in six} == {APPROVAL}
    assert _ods(out / "open-data/plans.ods") == rows


def test_json_carries_the_plan_as_written_and_its_columns(shapes_site):
    out, _ = shapes_site
    doc = json.loads((out / "agencies/six-columns/114/six-columns-114.json").read_text(encoding="utf-8"))
    source = yaml.safe_load((SHAPES / "six-columns/114.yaml").read_text(encoding="utf-8"))
    assert doc["plan"] == source
    assert doc["plan"]["approval"] == {"date": "114/03/05", "document": "測航字第1140000001號"}
    assert doc["plan"]["content"]["pillars"][1]["items"][0]["measures"][0]["status"] == "未完成"
    assert [c["title"] for c in doc["columns"]] == SIX + ["執行成效"]
    bundle = json.loads((out / "open-data/plans.json").read_text(encoding="utf-8"))
    assert {(p["agency_slug"], p["plan"]["year"]) for p in bundle["plans"]} == {("six-columns", 114), ("three-columns", 114),
                                                                                   ("three-columns", 113)}


def test_odt_has_the_approval_line_and_the_declared_table(shapes_site):
    out, _ = shapes_site
    doc = opendocument.load(str(out / "agencies/six-columns/114/six-columns-114.odt"))
    text = teletype.extractText(doc.text)
    assert "114年03月05日測航字第1140000001號函核備" in text and "114年07月01日修訂" in text
    table = doc.text.getElementsByType(odftable.Table)[0]
    rows = [[teletype.extractText(c) for c in r.getElementsByType(odftable.TableCell)]
            for r in table.getElementsByType(odftable.TableRow)]
    assert rows[0] == SIX + ["執行成效"]
    assert rows[1][2:] == ["1.訂定旅客服務標準作業流程並公告於航站網站。", "114/06/30", "航務組", "旅客查詢一次到位。",
                           "完成已於114年5月公告標準作業流程6項。"]
    three = opendocument.load(str(out / "agencies/three-columns/114/three-columns-114.odt"))
    rows = [[teletype.extractText(c) for c in r.getElementsByType(odftable.TableCell)]
            for r in three.text.getElementsByType(odftable.Table)[0].getElementsByType(odftable.TableRow)]
    assert rows[0] == ["工作要領", "工作重點", "業務單位"]
    assert rows[2] == ["一、完備基礎服務項目，注重服務特性差異化"]   # spans the table: the other two cells are covered


def test_results_summary_counts_each_status_per_pillar(shapes_site):
    out, _ = shapes_site
    page = (out / "agencies/six-columns/114/index.html").read_text(encoding="utf-8")
    summary = page[page.index('<h2 id="results">'):]
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>((?:<td class=\"ps-num\">\d+</td>)+)</tr>", summary)
    counts = {label: [int(n) for n in re.findall(r"\d+", cells)] for label, cells in rows}
    assert counts == {"一、完備基礎服務項目，注重服務特性差異化": [1, 0, 0, 1, 1, 3],
                      "三、便捷服務遞送過程與方式，提升民眾生活便利度": [0, 0, 1, 0, 0, 1], "合計": [1, 0, 1, 1, 1, 4]}


def test_build_leaves_drafts_out_and_says_so(shapes_site):
    out, result = shapes_site
    assert "草稿不發布：" in result.stdout and "six-columns/115.yaml" in result.stdout
    assert not (out / "agencies/six-columns/115").exists()
    assert "115" not in (out / "agencies/six-columns/index.html").read_text(encoding="utf-8").split("歷年計畫")[1].split("單位")[0]
    assert "/115/" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_the_preview_build_shows_drafts_with_a_banner(tmp_path):
    from plansite import pipeline
    from plansite.config import load_config

    root = make_project(tmp_path, plans_from=SHAPES)
    config = load_config(root / "site.toml").with_overrides(**{"paths.output": str(tmp_path / "out")})
    report = pipeline.build(config, qr=False, pdf=False, downloads=False, drafts=True)
    assert report.drafts == []
    page = (tmp_path / "out/agencies/six-columns/115/index.html").read_text(encoding="utf-8")
    assert '<p class="ps-draft"><strong>草稿</strong>' in page and "<title>【草稿】" in page
    agency = (tmp_path / "out/agencies/six-columns/index.html").read_text(encoding="utf-8")
    assert "115年度提升服務計畫（草稿）" in agency


def _check(root: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "check", *args],
                          capture_output=True, text=True, cwd=root)


def test_a_draft_may_be_unfinished_but_the_same_gaps_are_errors_in_a_final_plan(tmp_path):
    root = make_project(tmp_path, plans_from=SHAPES)
    result = _check(root)
    assert result.returncode == 0, result.stderr
    assert "115.yaml:17:21: 警告：content.pillars[1].items[1].measures 至少要有 1 項。（草稿，可以先不寫）" in result.stderr
    final = (SHAPES / "six-columns/115.yaml").read_text(encoding="utf-8").replace("draft: true\n", "")
    (root / "plans/six-columns/115.yaml").write_text(final, encoding="utf-8")
    result = _check(root)
    assert result.returncode == 1
    assert "115.yaml:16:21: 錯誤：content.pillars[1].items[1].measures 至少要有 1 項。" in result.stderr


@pytest.mark.parametrize("columns, measure, expected", [
    ("\n  - item: 策略\n  - measure: 作法\n  - benefit: 預期效益\n  - note: 備註", "{text: 作法。, benefit: 好。}",
     "114.yaml:9:5: 警告：宣告了「備註」欄（note），但沒有任何具體作法填寫這一欄。"),
    ("\n  - item: 策略\n  - measure: 作法\n  - unit: 作法", "{text: 作法。, units: [行政課]}",
     "114.yaml:8:5: 警告：欄名「作法」與第 2 欄相同。"),
    ("[{measure: 作法}, {item: 策略}]", "作法。", "錯誤：columns 的順序不對"),
    ("[{item: 策略}, {unit: 單位}]", "{text: 作法。, units: [行政課]}", "錯誤：columns 清單沒有 measure（具體作法）欄。"),
    ("[{item: 策略}, {measure: 作法}]", "{text: 作法。, benfit: 好。}", "114.yaml:14:34: 錯誤：不認得的欄位「benfit」（在具體作法中）。"),
])
def test_column_declarations_are_checked(tmp_path, columns, measure, expected):
    plan = small_plan(f"""  pillars:
    - code: "1"
      items:
        - code: "1.1"
          measures: [{measure}]
""", columns=columns)
    root = make_project(tmp_path, {"plans/test-agency/114.yaml": plan})
    result = _check(root)
    assert expected in result.stderr, result.stderr


def test_an_opening_can_be_the_first_sub_item_of_a_pillar(shapes_site):
    out, _ = shapes_site
    table = parse_table(out / "agencies/three-columns/113/index.html")
    assert table.header == ["工作要項", "工作重點", "具體作法", "業務單位"]
    rows = [r for r in table.rows if r and r[0][1] != "回到目錄"]
    assert rows[0] == [("th", "一、完備基礎服務項目，注重服務特性差異化 比較各機關的構面一"), ("th", "(一)訂定「提升服務計畫」"),
                       ("td", "依業務特性研訂工作計畫，公開於所網站。"), ("td", "綜合課")]
    # the plan's own numbers: (二) for framework item 1.1, (四) for 1.3; cross-links keep the framework's
    assert rows[1][0][1].startswith("(二)建立業務標準作業流程") and rows[1][0][1].endswith("比較各機關的服務項目一(一)")
    assert rows[2][0][1].startswith("(四)注重服務人員")
    csv_rows = _csv(out / "agencies/three-columns/113/three-columns-113.csv")
    assert csv_rows[1][4:] == ["1", "", "完備基礎服務項目，注重服務特性差異化", "訂定「提升服務計畫」", "",
                               "依業務特性研訂工作計畫，公開於所網站。", "綜合課"]
    odt = opendocument.load(str(out / "agencies/three-columns/113/three-columns-113.odt"))
    first = [teletype.extractText(c) for c in odt.text.getElementsByType(odftable.TableRow)[1].getElementsByType(odftable.TableCell)]
    assert first == ["一、完備基礎服務項目，注重服務特性差異化", "(一)訂定「提升服務計畫」", "依業務特性研訂工作計畫，公開於所網站。", "綜合課"]


def test_an_opening_in_a_pillar_the_plan_lacks_is_an_error(tmp_path):
    text = (SHAPES / "three-columns/113.yaml").read_text(encoding="utf-8").replace('pillar: "1"', 'pillar: "4"')
    root = make_project(tmp_path, {"plans/test-agency/113.yaml": text.replace("[綜合課]", "[行政課]").replace("[戶籍課]", "[服務課]")})
    result = _check(root)
    assert result.returncode == 1
    assert "113.yaml:20:13: 錯誤：content.opening.pillar 寫的構面「4」不在本計畫中。" in result.stderr, result.stderr


def test_the_seed_plans_pass_check_strict(tmp_path):
    from support import seed_config

    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(seed_config(tmp_path)), "check",
                             "--strict"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "0 個錯誤、0 個警告" in result.stdout


def test_units_empty_list_acknowledges_a_measure_the_document_gives_no_unit(tmp_path):
    plan = small_plan("""  pillars:
    - code: "1"
      items:
        - code: "1.1"
          measures:
            - 訂定標準作業流程。
""")
    root = make_project(tmp_path, {"plans/test-agency/114.yaml": plan})
    before = _check(root, "--strict")
    assert "114.yaml:14:15: 警告：這項具體作法沒有負責單位。" in before.stderr and "units: []" in before.stderr
    (root / "plans/test-agency/114.yaml").write_text(plan.replace("          measures:", "          units: []\n          measures:"),
                                                    encoding="utf-8")
    after = _check(root)
    assert after.returncode == 0 and "沒有負責單位" not in after.stderr, after.stderr


def test_the_unit_column_stays_when_only_the_opening_row_names_units(tmp_path):
    plan = small_plan("""  opening:
    title: 訂定「提升服務計畫」
    measures:
      - 研訂工作計畫。
    units: [行政課]
  pillars:
    - code: "1"
      items:
        - code: "1.1"
          units: []
          measures:
            - 訂定標準作業流程。
""")
    root = make_project(tmp_path, {"plans/test-agency/114.yaml": plan})
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "build",
                             "--out", str(out), "--no-pdf", "--quiet"], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stderr
    table = parse_table(out / "agencies/test-agency/114/index.html")
    assert table.header == ["工作要項", "工作重點", "具體作法", "業務單位"]   # the framework's default titles
    assert table.rows[0][-1] == ("td", "行政課")
