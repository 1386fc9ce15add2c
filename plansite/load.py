"""Load and validate every agency and plan under plans/, collecting every problem.

plans/<agency-slug>/agency.yaml      the agency and its units
plans/<agency-slug>/<ROC year>.yaml  one plan per year
"""
from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import difflib
import pathlib
import re
import unicodedata
from dataclasses import dataclass, field

from . import buildcache, lint, schema, yamlfile
from .errors import PlanError, Pos, Problems
from .model import (NO_EXTRA, Agency, Approval, Column, Framework, Group, Item, Measure, Opening, Pillar, Plan,
                    Section, Unit, Unplaced)
from .yamlfile import Doc

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
YEAR_FILE = re.compile(r"[0-9]{2,3}")
_UNIT_SEPARATORS = re.compile(r"[、，,；;／/]")   # several units typed as one name
MEASURE_KEYS = ("text", "units", "deadline", "result", "status")


@dataclass
class Content:
    """Everything loaded from plans/: agencies with their plans, newest first."""

    agencies: list[Agency]
    plans: list[Plan]
    crosswalks: list = field(default_factory=list)   # model.Crosswalk: frameworks/crosswalks/*.yaml

    def without_drafts(self) -> "Content":
        """The published content: draft plans left out (an agency keeps its page, with its other years)."""
        if not any(p.draft for p in self.plans):
            return self
        agencies = [dataclasses.replace(a, plans=[p for p in a.plans if not p.draft]) for a in self.agencies]
        by_slug = {a.slug: a for a in agencies}
        plans = [dataclasses.replace(p, agency=by_slug[p.agency.slug]) for p in self.plans if not p.draft]
        for agency in agencies:
            agency.plans = [p for p in plans if p.agency is agency]
        return Content(agencies, plans, self.crosswalks)


def load_content(plans_dir: pathlib.Path, frameworks: dict[str, Framework], problems: Problems,
                 cache: dict | None = None) -> Content:
    agencies: list[Agency] = []
    plans: list[Plan] = []
    if not plans_dir.is_dir():
        problems.error(Pos(plans_dir), "找不到計畫目錄。", "請建立 plans/ 目錄，或在 site.toml 設定 paths.plans。")
        return Content([], [])
    for entry in sorted(plans_dir.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file():
            problems.error(Pos(entry), "plans/ 目錄下只能放機關目錄。",
                           "請把計畫檔放在 plans/<機關代稱>/<民國年>.yaml。")
            continue
        if not SLUG.fullmatch(entry.name):
            problems.error(Pos(entry), f"機關目錄名稱「{entry.name}」不能當作網址代稱。",
                           "請只用小寫英文字母、數字與連字號，例如 kaohsiung-senior-center。")
            continue
        agency, found = _agency_folder(entry, frameworks, cache)
        for problem in found.items:
            problems.add(problem)
        if agency is not None:
            agencies.append(agency)
            plans += agency.plans
    of_agency: dict[int, list[Plan]] = {id(agency): [] for agency in agencies}
    for plan in plans:
        of_agency[id(plan.agency)].append(plan)
    for agency in agencies:
        agency.plans = sorted(of_agency[id(agency)], key=lambda p: -p.year)
    lint.check_site(agencies, plans, problems)
    return Content(agencies, plans)


def _agency_folder(entry: pathlib.Path, frameworks: dict[str, Framework],
                   cache: dict | None) -> tuple[Agency | None, Problems]:
    """One agency's folder: its agency.yaml and plans (agency.plans), and the problems they have.

    The preview (`cache`) keeps each folder's result: when no file in it changed (names, times and
    sizes) and the frameworks are the same objects (frameworks.load_frameworks keeps them too), the
    same objects come back, so a rebuild reads again only the folder an edit touched."""
    problems = Problems()
    stamp = None
    if cache is not None:
        try:
            stamp = (tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in entry.iterdir())),
                     tuple(sorted((fid, fw.digest, id(fw)) for fid, fw in frameworks.items())))
        except OSError:
            stamp = None
        kept = cache.get(("agency-folder", str(entry)))
        if stamp is not None and kept is not None and kept[0] == stamp:
            return kept[1], kept[2]
    agency = _load_agency(entry, problems, cache)
    if agency is None:
        return None, problems
    plans: list[Plan] = []
    has_files = False
    for path in sorted(entry.iterdir()):
        if path.name == "agency.yaml" or _editor_temp(path.name):
            continue
        if path.is_dir():
            problems.error(Pos(path), f"機關目錄中不能再有子目錄「{path.name}」。",
                           f"計畫檔請直接放在 plans/{entry.name}/ 之下，例如 plans/{entry.name}/114.yaml；"
                           "另一個機關請放在 plans/ 之下自己的目錄。 No folders inside an agency folder.")
            continue
        if path.suffix == ".yml":
            problems.error(Pos(path), "副檔名請用 .yaml。", f"請把檔案改名為 {path.stem}.yaml。")
            continue
        if path.suffix == ".yaml" and YEAR_FILE.fullmatch(path.stem.lstrip("0") or "0") and path.stem[0] == "0":
            problems.error(Pos(path), f"計畫檔名「{path.name}」的年度不能以 0 開頭。",
                           f"請把檔案改名為 {path.stem.lstrip('0')}.yaml；同一年度只能有一個計畫檔。"
                           " No leading zero in the year.")
            continue
        if path.suffix != ".yaml" or not YEAR_FILE.fullmatch(path.stem):
            problems.error(Pos(path), "不認得的檔案：計畫檔的檔名必須是民國年，例如 114.yaml。",
                           "若這不是計畫檔，請移出 plans/ 目錄。")
            continue
        has_files = True
        plan = _load_plan(path, agency, frameworks, problems, cache)
        if plan is not None:
            plans.append(plan)
    if not has_files:
        problems.warn(Pos(agency.path), f"機關「{agency.name}」還沒有任何計畫檔。",
                      "請參考 README 的範例建立第一份計畫，之後每年可用 python build.py new 開始。")
    agency.plans = sorted(plans, key=lambda p: -p.year)
    if stamp is not None:
        cache[("agency-folder", str(entry))] = (stamp, agency, problems)
    return agency, problems


def _folded(text: str) -> str:
    """A name as readers tell names apart: full-width and half-width forms, and case, are the same."""
    return unicodedata.normalize("NFKC", text).casefold()


def _editor_temp(name: str) -> bool:
    """Hidden files and the backups and swap files editors leave beside the file they edit."""
    return name.startswith((".", "#", "~$")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


class DocStore:
    """`build`'s parsed files on disk (<project>/.cache/docs): a file whose text, kind and program are
    those of an earlier build that found nothing wrong in it is not parsed or checked again. Plain
    JSON (yamlfile.to_json), never pickle; a damaged entry is parsed again; entries no build used are
    removed (`prune`). Files with any problem are never stored, so every message is made afresh."""

    def __init__(self, root: pathlib.Path) -> None:
        self.files = buildcache.FileCache(root, "docs")
        self.used: set[str] = set()

    def read(self, path: pathlib.Path, kind: str, problems: Problems) -> Doc | None:
        doc, found = self.parse(path, kind)
        for p in found:
            problems.add(p)
        return None if doc is None or any(p.is_error and p.blocking for p in found) else doc

    def parse(self, path: pathlib.Path, kind: str) -> tuple[Doc | None, list]:
        """The file and its problems; None for a file that cannot be read or parsed."""
        try:
            text = yamlfile.read_text(path)
        except PlanError as exc:
            return None, [exc.problem]
        key = self.files.key(kind, text)
        self.used.add(key)
        entry = self.files.get(key)
        doc = yamlfile.from_json(path, text, entry[0][1], entry[1][1]) \
            if entry and [header for header, _data in entry] == [["data-packed"], ["places"]] else None
        if doc is not None:
            return doc, []
        try:
            doc = yamlfile.load(path, text)
        except PlanError as exc:
            return None, [exc.problem]
        found = _check_doc(doc, kind)
        if not found:
            stored = yamlfile.to_json(doc)
            if stored is not None:
                self.files.put(key, [(["data-packed"], stored[0]), (["places"], stored[1])])
        return doc, found

    def prune(self) -> None:
        self.files.prune(self.used)


_DOC_STORE: contextvars.ContextVar = contextvars.ContextVar("doc_store", default=None)


@contextlib.contextmanager
def stored_docs(root: pathlib.Path):
    """While loading for `build` (no preview cache): read files through a DocStore under `root`."""
    store = DocStore(root)
    token = _DOC_STORE.set(store)
    try:
        yield store
    finally:
        _DOC_STORE.reset(token)
    store.prune()


def _check_doc(doc: Doc, kind: str) -> list:
    found = schema.check(doc, kind)
    if kind != "framework":
        found += lint.check_text(doc)
    return found


def read_doc(path: pathlib.Path, kind: str, problems: Problems, cache: dict | None = None) -> Doc | None:
    """Parse and schema-check one file; with a cache (the preview server's), unchanged files are not re-read;
    inside stored_docs (`build`), files unchanged since an earlier build come from .cache/docs."""
    store = _DOC_STORE.get() if cache is None else None
    if store is not None:
        return store.read(path, kind, problems)
    try:
        stat = path.stat()
        key = (str(path), kind, stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if cache is not None and key in cache:
        doc, found = cache[key]
    else:
        docs = cache.get("doc-store") if cache is not None else None   # the preview's start: .cache/docs
        if docs is not None:
            doc, found = docs.parse(path, kind)
            if doc is None:
                for p in found:
                    problems.add(p)
                return None
        else:
            try:
                doc = yamlfile.load(path)
            except PlanError as exc:
                problems.add(exc.problem)
                return None
            found = _check_doc(doc, kind)
        if cache is not None and key is not None:
            cache[key] = (doc, found)
    for p in found:
        problems.add(p)
    return None if any(p.is_error and p.blocking for p in found) else doc


def _load_agency(directory: pathlib.Path, problems: Problems, cache: dict | None) -> Agency | None:
    path = directory / "agency.yaml"
    if not path.exists():
        orphans = sorted(p.name for p in directory.glob("*.y*ml") if not _editor_temp(p.name))
        problems.error(Pos(directory), "機關目錄缺少 agency.yaml" + (
            f"：其中的計畫檔（{'、'.join(orphans[:5])}）沒有所屬的機關資料，不會發布。" if orphans else "。"),
            f"請用 python build.py new-agency 建立機關資料（代稱 {directory.name}）；"
            "若這是另一個機關的計畫，請移到該機關的目錄。 Missing agency.yaml.")
        return None
    doc = read_doc(path, "agency", problems, cache)
    if doc is None:
        return None
    data = doc.data
    units: list[Unit] = []
    for i, raw in enumerate(data["units"]):
        unit = Unit(raw["name"], raw["slug"], raw.get("description", ""), doc.pos(("units", i)))
        for other in units:
            if other.name == unit.name:
                problems.error(doc.pos(("units", i, "name")), f"單位名稱「{unit.name}」重複（第 {other.pos.line} 行已列出）。",
                               "每個單位只列一次；請刪除重複的一筆。 Duplicate unit name.")
            elif _folded(other.name) == _folded(unit.name):
                problems.error(doc.pos(("units", i, "name")),
                               f"單位名稱「{unit.name}」與第 {other.pos.line} 行的「{other.name}」只差在全形／半形或大小寫。",
                               "讀者與計畫檔都分不出這兩個單位；若是同一個單位，請刪除其中一筆，"
                               "若是不同單位，請照機關的正式名稱區分。 Unit names differ only by width or case.")
            if other.slug == unit.slug:
                problems.error(doc.pos(("units", i, "slug")), f"單位代稱「{unit.slug}」重複（第 {other.pos.line} 行已使用）；代稱決定網址，不能重複。",
                               "請給這個單位另一個代稱，例如在後面加上 -2 或用單位名稱的英文。 Duplicate unit slug.")
        units.append(unit)
    raw_parent = data.get("parent", [])
    parents = [raw_parent] if isinstance(raw_parent, str) else list(raw_parent)
    for i, name in enumerate(parents):
        where = doc.pos(("parent",) if isinstance(raw_parent, str) else ("parent", i))
        if name == data["government"]:
            problems.warn(where, f"上級機關「{name}」與所屬政府（government）相同。",
                          "parent 只列所屬政府以下、本機關以上的各層機關；請刪除這一層。")
        elif name in parents[:i]:
            problems.warn(where, f"上級機關「{name}」重複列出。", "每一層只列一次，由上而下排列。")
    return Agency(slug=directory.name, name=data["name"], full_name=data["full_name"],
                  government=data["government"], parents=parents,
                  contact=_contact(data.get("contact", {})), units=units, path=path, digest=doc.digest)


CONTACT_KEYS = ("address", "phone", "fax", "email", "website", "hours")


def _contact(raw: dict) -> dict[str, str]:
    """An agency's contact as written, every key present (blank when not given) so pages can ask for any."""
    return {**{key: "" for key in CONTACT_KEYS}, **raw} if raw else {}


class _PlanReader:
    """Turns one validated plan document into a Plan, reporting unknown codes and units."""

    def __init__(self, doc: Doc, agency: Agency, framework: Framework, problems: Problems) -> None:
        self.doc, self.agency, self.framework, self.problems = doc, agency, framework, problems
        self.seen_codes: dict[str, Pos] = {}
        self.no_units: set[tuple] = set()     # paths written with units: []

    def units(self, path, inherited: list[Unit]) -> list[Unit]:
        names = self.doc.data
        for key in path:
            names = names[key]
        if "units" not in names:
            return inherited
        if not names["units"]:   # units: [] — the document names no unit here, on purpose
            self.no_units.add(tuple(path))
        out = []
        for i, name in enumerate(names["units"]):
            unit = self.agency.unit(name)
            parts = [part.strip() for part in _UNIT_SEPARATORS.split(name) if part.strip()]
            if unit is None and len(parts) > 1:
                self._split_units(tuple(path) + ("units", i), name, parts)
                continue
            if unit is None:
                known = [u.name for u in self.agency.units]
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.3)
                hint = f"您是不是要寫「{close[0]}」？" if close else ""
                hint += f"{self.agency.name}的單位有：{'、'.join(known)}。若是新單位，請先加到 {yamlfile_path(self.agency)}。"
                self.problems.error(self.doc.pos(tuple(path) + ("units", i)), f"不認得的單位「{name}」。", hint)
            elif unit not in out:
                out.append(unit)
        return out

    def _split_units(self, where, name: str, parts: list[str]) -> None:
        """One YAML string holding several units (「航務組、業務組」): say to split it, showing the fixed line."""
        pos = self.doc.pos(where)
        line = self.doc.lines[pos.line - 1] if 0 < pos.line <= len(self.doc.lines) else ""
        fixed = ""
        if "[" in line:
            for written in (f'"{name}"', f"'{name}'", name):
                if written in line:
                    fixed = line.replace(written, ", ".join(parts), 1).strip()
                    break
        if not fixed:
            fixed = "units: [" + ", ".join(parts) + "]"
        unknown = [part for part in parts if self.agency.unit(part) is None]
        hint = f"請改成：{fixed}（每個單位之間用半形逗號加空白「, 」分開，或每個單位一行「- 」）。"
        if unknown:
            hint += f"其中「{'」「'.join(unknown)}」不是 {yamlfile_path(self.agency)} 所列的單位。"
        self.problems.error(pos, f"「{name}」是好幾個單位寫成一個名稱；多個單位必須分開列出。",
                            hint + " List each unit separately.")

    def node(self, path, depth: int, parent_code: str | None):
        raw = self._at(path)
        code = str(raw["code"])
        pos = self.doc.pos(tuple(path) + ("code",))
        node = self.framework.nodes.get(code)
        level = self.framework.levels[depth].name if depth < len(self.framework.levels) else "項目"
        if node is None or node.depth != depth:
            choices = [c for c, n in self.framework.nodes.items() if n.depth == depth
                       and (parent_code is None or c.startswith(parent_code + "."))]
            self.problems.error(pos, f"架構「{self.framework.name}」沒有{level}代碼「{code}」。",
                                f"可用的代碼：{'、'.join(choices)}。" if choices else "")
            return None
        if parent_code is not None and node.parent.code != parent_code:
            self.problems.error(pos, f"代碼「{code}」不屬於上一層的「{parent_code}」。",
                                f"請確認縮排，或把代碼改成「{parent_code}.」開頭。")
            return None
        if code in self.seen_codes:
            self.problems.error(pos, f"代碼「{code}」在本計畫中重複（第 {self.seen_codes[code].line} 行已使用）。",
                                "同一個服務項目請寫在一起。")
            return None
        self.seen_codes[code] = pos
        return node

    def _at(self, path):
        value = self.doc.data
        for key in path:
            value = value[key]
        return value

    def measures(self, path, inherited: list[Unit], deadline: str) -> list[Measure]:
        out = []
        for i, raw in enumerate(self._at(path)):
            here = tuple(path) + (i,)
            if isinstance(raw, str):
                out.append(Measure(raw, inherited, deadline, self.doc.pos(here),
                                   no_units=self._no_units(here)))
            else:
                out.append(Measure(raw["text"], self.units(here, inherited), raw.get("deadline", deadline),
                                   self.doc.pos(here), extra=self.extra(here, raw),
                                   no_units=self._no_units(here),
                                   result=raw.get("result", ""), status=raw.get("status", "")))
        return out

    def _no_units(self, here: tuple) -> bool:
        """Whether this measure, or a level above it, says units: [] (no unit, on purpose)."""
        return bool(self.no_units) and any(here[:n] in self.no_units for n in range(len(here) + 1))

    def extra(self, path, raw: dict) -> dict[str, str]:
        """Values of the plan's extra columns (預期效益 …); any other key is a mistake to point at."""
        out = {}
        for key, value in raw.items():
            if key in MEASURE_KEYS:
                continue
            if key in self.extra_keys:
                out[key] = value
                continue
            choices = list(MEASURE_KEYS) + sorted(self.extra_keys)
            close = difflib.get_close_matches(key, choices, n=1, cutoff=0.5)
            hint = f"您是不是要寫「{close[0]}」？" if close else ""
            if self.extra_keys:
                hint += f"本計畫在 columns 宣告的其他欄位：{'、'.join(sorted(self.extra_keys))}。"
            else:
                hint += "若這是計畫表格的另一欄（例如預期效益），請先在 columns 清單宣告，例如「- benefit: 預期效益」。"
            self.problems.error(self.doc.key(tuple(path) + (key,)), f"不認得的欄位「{key}」（在具體作法中）。",
                                hint + f" 可用的欄位：{'、'.join(choices)}。")
        return out or NO_EXTRA

    def columns(self) -> tuple[list[Column], bool]:
        """The table's columns: as the plan lists them, or the framework's default order and titles."""
        raw = self.doc.data.get("columns", {})
        fw = self.framework
        defaults = {"item": fw.levels[0].name, "focus": fw.levels[1].name, "measure": "具體作法",
                    "unit": "負責單位", "deadline": "完成期限", "result": "執行成效"}
        if len(fw.levels) > 2:
            defaults["sub"] = fw.levels[2].name
        defaults.update(fw.columns)
        if isinstance(raw, dict):
            titles = {**defaults, **raw}
            order = ["item", "focus"] + (["sub"] if len(fw.levels) > 2 else []) + ["measure", "unit", "deadline", "result"]
            for key in raw:
                if key not in order:
                    order.append(key)
            return [Column(k, titles[k]) for k in order], False
        out: list[Column] = []
        seen_titles: dict[str, int] = {}
        for i, entry in enumerate(raw):
            key, title = next(iter(entry.items()))
            pos = self.doc.key(("columns", i, key))
            if any(c.key == key for c in out):
                self.problems.error(pos, f"欄位「{key}」宣告了兩次。", "每個欄位只能列一次；請刪除重複的一行。")
                continue
            if key == "sub" and len(fw.levels) < 3:
                self.problems.error(pos, f"架構「{fw.name}」只有兩層，沒有 sub 欄。",
                                    "請刪除這一行；分組小標題會顯示在具體作法欄中。")
                continue
            if title in seen_titles:
                self.problems.warn(self.doc.pos(("columns", i)), f"欄名「{title}」與第 {seen_titles[title]} 欄相同。",
                                   "讀者無法分辨這兩欄；請照計畫書改成不同的欄名。")
            seen_titles[title] = i + 1
            out.append(Column(key, title))
        if out and not any(c.key == "measure" for c in out):
            self.problems.error(self.doc.pos(("columns",)), "columns 清單沒有 measure（具體作法）欄。",
                                "每份計畫都要有具體作法欄；請加上一行，例如「- measure: 具體作法」。")
        self.columns_pos = {c.key: self.doc.pos(("columns", i)) for i, c in enumerate(out)}
        return out, True

    def read(self) -> Plan | None:
        data, doc = self.doc.data, self.doc
        columns, declared = self.columns()
        self.extra_keys = {c.key for c in columns if c.extra}
        content = data.get("content", {})
        content_units = self.units(("content",), []) if "content" in data else []
        pillars = []
        for pi, raw_pillar in enumerate(content.get("pillars", [])):
            ppath = ("content", "pillars", pi)
            pnode = self.node(ppath, 0, None)
            punits = self.units(ppath, content_units)
            items = []
            for ii, raw_item in enumerate(raw_pillar.get("items", [])):
                ipath = ppath + ("items", ii)
                inode = self.node(ipath, 1, pnode.code if pnode else None)
                iunits = self.units(ipath, punits)
                ideadline = raw_item.get("deadline", "")
                groups = []
                if "measures" in raw_item:
                    groups.append(Group("", "", None, "", self.measures(ipath + ("measures",), iunits, ideadline),
                                        [], doc.pos(ipath + ("measures",))))
                for gi, raw_group in enumerate(raw_item.get("groups", [])):
                    gpath = ipath + ("groups", gi)
                    gcode = ""
                    if "code" in raw_group and inode is not None:
                        gnode = self.node(gpath, 2, inode.code)
                        gcode = gnode.code if gnode else ""
                    gunits = self.units(gpath, iunits)
                    measures = (self.measures(gpath + ("measures",), gunits, raw_group.get("deadline", ideadline))
                                if "measures" in raw_group else [])
                    groups.append(Group(raw_group.get("heading", ""), gcode, raw_group.get("points"),
                                        raw_group.get("intro", ""), measures, [], doc.pos(gpath)))
                if inode is not None:
                    items.append(Item(inode.code, raw_item.get("title", inode.title), raw_item.get("points"),
                                      raw_item.get("intro", ""), groups, iunits, inode, doc.pos(ipath),
                                      index=inode.index))
            if pnode is not None:
                pillars.append(Pillar(pnode.code, raw_pillar.get("title", pnode.title), raw_pillar.get("points"),
                                      items, pnode, doc.pos(ppath)))
        opening = None
        if "opening" in content:
            raw = content["opening"]
            ounits = self.units(("content", "opening"), content_units)
            omeasures = self.measures(("content", "opening", "measures"), ounits, "") if "measures" in raw else []
            opening = Opening(raw.get("title", ""), raw.get("focus", ""), omeasures, ounits, str(raw.get("pillar", "")))
            host = next((p for p in pillars if p.code == opening.pillar), None)
            if opening.pillar and host is None:
                self.problems.error(doc.pos(("content", "opening", "pillar")),
                                    f"content.opening.pillar 寫的{self.framework.levels[0].name}「{opening.pillar}」不在本計畫中。",
                                    f"本計畫的{self.framework.levels[0].name}代碼：{'、'.join(p.code for p in pillars)}。")
            for item in host.items if host else []:   # the opening is (一): the pillar's items move down one
                item.index += 1
            if "title" not in raw:
                self.problems.warn(doc.pos(("content", "opening")), "content.opening 沒有 title：表格第一列的第一欄會是空白。",
                                   "請照計畫書寫上第一欄的文字，例如「title: 訂定「提升服務計畫」」；"
                                   "網站不會自行補上計畫書沒有的文字。 The opening row has no title.")
        sections = [Section(s["title"], s.get("body", ""), bool(s.get("content")), doc.pos(("sections", i)))
                    for i, s in enumerate(data.get("sections", []))]
        return Plan(agency=self.agency, year=data["year"], title=data["title"], framework=self.framework,
                    published=data.get("published", ""), columns=columns, declared_columns=declared,
                    sections=sections, note=content.get("note", ""), opening=opening, pillars=pillars,
                    path=doc.path, raw_packed=yamlfile.pack({k: v for k, v in data.items() if k != "unplaced"})
                    if "unplaced" in data else doc.packed(),
                    draft=data.get("draft") is True, approval=self.approval(), unplaced=self.unplaced())

    def unplaced(self) -> list[Unplaced]:
        """Text an import could not place: kept with its place in this file, for check to point at.
        Not content: left out of raw (the JSON download) and of every page."""
        return [Unplaced(raw["text"], raw.get("source", ""), self.doc.pos(("unplaced", i)))
                for i, raw in enumerate(self.doc.data.get("unplaced", []))]

    def approval(self) -> Approval | None:
        data = self.doc.data
        if "approval" not in data and "revisions" not in data:
            return None
        raw = data.get("approval", {})
        dates = [(("approval", "date"), raw["date"])] if "date" in raw else []
        dates += [(("revisions", i), d) for i, d in enumerate(data.get("revisions", []))]
        for path, value in dates:
            if not _real_roc_date(value):
                self.problems.error(self.doc.pos(path), f"日期「{value}」不存在。",
                                    "請寫民國年/月/日，例如 113/03/05，並確認月份與日期正確。")
        return Approval(raw.get("date", ""), raw.get("document", ""), raw.get("action", "函核備"),
                        list(data.get("revisions", [])))


def _real_roc_date(value: str) -> bool:
    import datetime  # noqa: PLC0415

    try:
        y, m, d = (int(x) for x in value.split("/"))
        datetime.date(y + 1911, m, d)
    except ValueError:
        return False
    return True


def yamlfile_path(agency: Agency) -> str:
    return f"plans/{agency.slug}/agency.yaml"


def _load_plan(path: pathlib.Path, agency: Agency, frameworks: dict[str, Framework],
               problems: Problems, cache: dict | None) -> Plan | None:
    doc = read_doc(path, "plan", problems, cache)
    if doc is None:
        return None
    data = doc.data
    ok = True
    if str(data["year"]) != path.stem:
        problems.error(doc.pos(("year",)), f"年度 {data['year']} 與檔名 {path.name} 不同。",
                       f"請把 year 改成 {path.stem}，或把檔案改名為 {data['year']}.yaml。")
        ok = False
    framework = frameworks.get(data["framework"])
    if framework is None:
        problems.error(doc.pos(("framework",)), f"不認得的計畫架構「{data['framework']}」。",
                       f"可用的架構：{'、'.join(sorted(frameworks))}（見 frameworks/ 目錄）。")
        return None
    content_sections = [i for i, s in enumerate(data.get("sections", [])) if s.get("content")]
    for extra in content_sections[1:]:
        problems.error(doc.pos(("sections", extra, "content")), "只能有一個章節標示 content: true。",
                       f"計畫內容表只出現一次；請刪除其中一個章節的 content: true（第 {doc.pos(('sections', content_sections[0], 'content')).line} 行已標示）。"
                       " Only one section holds the content table.")
        ok = False
    before = len(problems.errors)
    plan = _PlanReader(doc, agency, framework, problems).read()
    if len(problems.errors) > before or not ok:
        return None
    plan.digest = doc.digest
    lint.number_plan(plan, (data.get("numbering") or {}).get("single_measure") is True)
    lint.check_columns(plan, doc, problems)
    lint.check_plan(plan, doc, problems)
    return plan
