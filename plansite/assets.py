"""Files that are not pages: each plan's downloads, the whole-site bundle, QR code images.

Returns the files and, per page URL, the downloads that page lists (with their sizes), so
templates can say 下載計畫（ODT，12 KB）.
"""
from __future__ import annotations

import io
import itertools
import math
import pathlib
from dataclasses import dataclass

from . import buildcache, downloads as data, odf_stream, overview, parallel, qr, site as site_mod, table as table_mod, write
from .config import Config
from .render import OutFile
from .schema import SCHEMA_DIR
from .site import SiteModel


MIME = {"pdf": "application/pdf", "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet", "csv": "text/csv", "json": "application/json",
        "png": "image/png", "svg": "image/svg+xml"}


@dataclass(frozen=True)
class Download:
    label: str        # 計畫文件
    format: str       # ODT
    url: str          # site-relative
    size: int         # bytes

    @property
    def mime(self) -> str:
        return MIME.get(self.url.rsplit(".", 1)[-1], "application/octet-stream")

    @property
    def is_image(self) -> bool:
        """A QR code picture (PNG, SVG): listed after the documents and data files."""
        return self.format in ("PNG", "SVG")

    @property
    def size_text(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        return f"{max(1, math.ceil(self.size / 1024))} KB"


def plan_base(plan) -> str:
    return f"{site_mod.plan_url(plan)}{plan.agency.slug}-{plan.year}"


def qr_base(page: site_mod.Page) -> str | None:
    """Where a page's QR code downloads go, without the extension; None for pages without one.

    Named after the page (penghu-social-affairs-107-qr.png, penghu-social-affairs-qr.png), so
    that codes saved from several pages into one folder never overwrite each other."""
    if page.kind == "plan":
        return plan_base(page.data.plan) + "-qr"
    if page.kind == "agency":
        agency = page.data.agency
        return f"{site_mod.agency_url(agency)}{agency.slug}-qr"
    return None


def page_downloads(listing: dict[str, list[Download]], url: str) -> list[Download]:
    """The downloads one page lists, in the order shown: documents and data first, QR images last."""
    return sorted(listing.get(url, []), key=lambda d: d.is_image)


def build_assets(model: SiteModel, config: Config, with_qr: bool, downloads: bool = True, jobs: int = 1,
                 cache: bool = False, known_qr: dict | None = None,
                 stage=None, chart_keys: dict | None = None) -> tuple[list[OutFile], dict[str, list[Download]]]:
    """downloads=False (the preview) leaves out the data files, which are slow to make.
    Each plan's files and the QR images are made by `jobs` processes, in the same order; with
    `cache`, those of unchanged plans and addresses come from <project>/.cache/downloads; the preview
    keeps its QR images in memory (`known_qr`, by page and address, left holding this build's).
    With `stage` (`build`, a write.Stage), files go there as they are made and the list returned is empty.
    `chart_keys` (`build`: incremental.Memo.content_keys) keep each page's part of open-data/overview.*
    in the cache while the page's content is unchanged."""
    files: list[OutFile] = []
    listing: dict[str, list[Download]] = {}
    schema_url = (config.base_url or "") + "schema/plan-download.schema.json"
    emit = stage.add if stage is not None else files.extend

    def add(page_url: str, label: str, fmt: str, path: str, data: bytes | write.KeptFile) -> None:
        if type(data) is write.KeptFile:   # from the cache, and the published file holds it already
            emit([data])
            listing.setdefault(page_url, []).append(Download(label, fmt, path, data.size))
            return
        emit([OutFile(path, data)])
        listing.setdefault(page_url, []).append(Download(label, fmt, path, len(data)))

    store = buildcache.FileCache(config.root, "downloads") if cache else None
    published = stage.out_dir if stage is not None else None   # files from the cache it holds are linked
    used: set[str] = set()
    parts: list[SiteParts] = []

    def take(chunk: list) -> None:   # each plan's files, in the plans' order
        for key, made, site_keys in chunk:
            used.add(key)
            used.update(site_keys)
            parts.append(SiteParts(model.plans[len(parts)], extras, store, site_keys))
            for entry in made:
                add(*entry)

    if downloads:
        extras = data.site_extras(model.plans)
        parallel.run_chunked(_plan_files, (model.plans, schema_url, store, extras, published), len(model.plans), jobs, sink=take)
        header = data.COLUMNS + extras

        # the numbers behind every chart, page by page: a page's part is kept while its content is unchanged
        chart_pages = [page for page in model.pages if page.kind in site_mod.CHART_PAGES]
        chart_entries = [store.key("overview", chart_keys[page.out_path])
                         if store and chart_keys and chart_keys.get(page.out_path) else None for page in chart_pages]
        used.update(key for key in chart_entries if key)

        def overview_files() -> tuple[bytes, bytes]:
            csv_parts, json_parts = [], []
            for page, key in zip(chart_pages, chart_entries):
                found = store.get(key) if key else None
                if found is None or [header for header, _data in found] != [["csv"], ["json"]]:
                    rows = site_mod.page_records(page)
                    found = [(["csv"], data.csv_rows(rows)), (["json"], overview.records_json_piece(rows))]
                    if key:
                        store.put(key, found)
                csv_parts.append(found[0][1])
                json_parts.append(found[1][1])
            names = [name for name, _ in overview.OPEN_DATA_FIELDS]
            return (b"\xef\xbb\xbf" + data.csv_rows([names]) + b"".join(csv_parts),
                    overview.records_json_joined(json_parts))

        def written(*made: tuple[str, bytes]) -> list:
            """With `stage`, the worker that made these files writes them (hundreds of MB at 5,000 plans
            would otherwise travel back and sit in this process): their sizes come back instead."""
            return [stage.put(path, data) if stage is not None else data for path, data in made]

        def written_in_pieces(path: str, pieces) -> list:
            """`written` for a file joined from many parts: with `stage`, written as it is joined."""
            return [stage.put_pieces(path, pieces) if stage is not None else b"".join(pieces)]

        def written_by(path: str, write) -> list:
            """`written` for a file that write(file) writes into a seekable binary file as it is made."""
            if stage is not None:
                return [stage.put_written(path, write)]
            out = io.BytesIO()
            write(out)
            return [out.getvalue()]

        # the whole-site files, joined from each plan's part (kept in the cache for unchanged plans), are
        # independent and each takes a while at 1,000 plans: one worker each
        ([site_csv], [site_ods], [site_json], [figures_csv, figures_json]) = parallel.run_each([
            lambda: written_in_pieces("open-data/plans.csv", itertools.chain(
                [b"\xef\xbb\xbf" + data.csv_rows([header])], (p.get("csv") for p in parts))),
            lambda: written_by("open-data/plans.ods", lambda out: odf_stream.write_one_sheet(
                out, model.name, "具體作法", header, (p.get("ods") for p in parts))),
            lambda: written_in_pieces("open-data/plans.json",
                                      data.bundle_pieces((p.get("json") for p in parts), schema_url)),
            lambda: written(*zip(("open-data/overview.csv", "open-data/overview.json"), overview_files()))], jobs)
        for label, fmt, path, made in (("全部計畫的具體作法", "CSV", "open-data/plans.csv", site_csv),
                                       ("全部計畫的具體作法", "ODS", "open-data/plans.ods", site_ods),
                                       ("全部計畫資料", "JSON", "open-data/plans.json", site_json),
                                       ("統計概覽圖表的數字", "CSV", "open-data/overview.csv", figures_csv),
                                       ("統計概覽圖表的數字", "JSON", "open-data/overview.json", figures_json)):
            if stage is None:
                add("open-data/", label, fmt, path, made)
            else:
                stage.claim([path])
                listing.setdefault("open-data/", []).append(Download(label, fmt, path, made))
    for name in ("plan-download", "plan", "agency"):
        schema_bytes = (SCHEMA_DIR / f"{name}.schema.json").read_bytes()
        add("open-data/", f"資料格式說明 {name}.schema.json", "JSON Schema", f"schema/{name}.schema.json", schema_bytes)
    if with_qr:
        coded = [page for page in model.pages if qr_base(page) is not None]
        known = {} if known_qr is None else known_qr
        wanted = [(page.url, qr_base(page), config.base_url + page.url) for page in coded]
        todo = [page for page, key in zip(coded, wanted) if key not in known]
        for page, found in zip(todo, parallel.run_chunked(_qr_files, (todo, config.base_url, store, published), len(todo), jobs)):
            known[(page.url, qr_base(page), config.base_url + page.url)] = found
        for key in wanted:
            store_key, made = known[key]
            used.add(store_key)
            for entry in made:
                add(*entry)
        if known_qr is not None:
            kept = {key: known[key] for key in wanted}
            known_qr.clear()
            known_qr.update(kept)
    if store is not None and downloads and with_qr:   # a build that made only some kinds keeps the others'
        store.prune(used)
    return files, listing


def _source_bytes(path: pathlib.Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _cached(store, key: str, make, published: pathlib.Path | None = None) -> list[tuple]:
    """make() → [(page url, label, format, path, bytes)], or the same from `store` under `key`; a stored
    file the `published` output folder already holds comes as a write.KeptFile (it is linked, and its
    bytes need not travel to the build process)."""
    if store is not None:
        found = store.get(key)
        if found is not None:
            return [(*header, write.KeptFile(header[3], None, len(data))
                     if published is not None and write.holds(published / header[3], data) else data)
                    for header, data in found]
    made = make()
    if store is not None:
        store.put(key, [(list(entry[:4]), entry[4]) for entry in made])
    return made


def _plan_files(state, start: int, stop: int) -> list[tuple]:
    """Each plan's ODT, ODS, CSV and JSON as (cache key, [(page url, label, format, path, bytes)],
    the keys of its SiteParts).

    They are made from the plan's file, its agency's and its framework's and nothing else (the site
    model adds nothing to them), so those files' bytes, the schema address and this program's own
    code key the cache: an unchanged plan's downloads are not made again. Its part of the whole-site
    files is kept too, under that key and the site's extra columns."""
    plans, schema_url, store, extras, published = state
    out = []
    for plan in plans[start:stop]:
        agency_file = plan.agency.path if plan.agency.path.is_file() else plan.agency.path / "agency.yaml"
        key = store.key("plan", schema_url, f"{plan.agency.slug}/{plan.path.name}", _source_bytes(plan.path),
                        _source_bytes(agency_file),
                        _source_bytes(plan.framework.path), repr(plan.draft)) if store else ""
        made = _cached(store, key, lambda plan=plan: _make_plan_files(plan, schema_url), published)
        out.append((key, made, SiteParts.keep(plan, extras, store, key) if store else ()))
    return out


class SiteParts:
    """One plan's part of the whole-site plans.csv, plans.ods (its rows' XML) and plans.json.

    With a cache, the parts are kept there (made by the worker that makes the plan's downloads, only
    if missing) and read when the site's files are joined, in the workers that join them: only their
    keys travel between processes. Without a cache, or if a kept part has gone, a part is made from
    the plan when asked for."""

    FORMATS = ("csv", "ods", "json")

    def __init__(self, plan, extras: list[str], store, keys: tuple[str, ...]) -> None:
        self.plan, self.extras, self.store, self.keys = plan, extras, store, keys

    @classmethod
    def keys_for(cls, store, plan_key: str, extras: list[str]) -> tuple[str, ...]:
        return tuple(store.key("site", form, plan_key, *extras) for form in cls.FORMATS) if store else ()

    @classmethod
    def keep(cls, plan, extras: list[str], store, plan_key: str) -> tuple[str, ...]:
        """Store this plan's parts where they are missing; their keys."""
        keys = cls.keys_for(store, plan_key, extras)
        missing = [(key, form) for key, form in zip(keys, cls.FORMATS) if not store.has(key)]
        if missing:
            parts = cls(plan, extras, None, ())
            for key, form in missing:
                made = parts.make(form)
                store.put(key, [([form], made)])
        return keys

    def make(self, form: str) -> bytes:
        if form == "json":
            return data.bundle_entry(self.plan)
        rows = data.site_rows(self.plan, self.extras)
        # the rows' XML, compressed on its own: the whole site's plans.ods joins these (odf_stream.write_one_sheet)
        return data.csv_rows(rows) if form == "csv" else odf_stream.deflated(odf_stream.rows_xml(rows))

    def get(self, form: str) -> bytes:
        if self.store is not None:
            found = self.store.get(self.keys[self.FORMATS.index(form)])
            if found is not None and len(found) == 1 and found[0][0] == [form]:
                if form != "ods" or odf_stream.is_deflated(found[0][1]):
                    return found[0][1]
        return self.make(form)   # missing, or (an ODS piece) not whole: made again


def _make_plan_files(plan, schema_url: str) -> list[tuple]:
    url = site_mod.plan_url(plan)
    base = plan_base(plan)
    header, rows = data.plan_table(plan)
    table = table_mod.build_table(plan)
    return [(url, "計畫文件", "ODT", base + ".odt", data.odt_bytes(plan, table)),
            (url, "具體作法清單", "ODS", base + ".ods", data.ods_bytes(header, rows, plan.full_title)),
            (url, "具體作法清單", "CSV", base + ".csv", data.csv_bytes(header, rows)),
            (url, "計畫資料", "JSON", base + ".json", data.plan_json(plan, schema_url))]


def _qr_files(state, start: int, stop: int) -> list[tuple]:
    pages, base_url, store, published = state
    out = []
    for page in pages[start:stop]:
        base = qr_base(page)
        address = base_url + page.url
        key = store.key("qr", address, base) if store else ""
        out.append((key, _cached(store, key, lambda page=page, base=base, address=address: [
            (page.url, "QR Code 圖檔", "PNG", base + ".png", qr.png(address)),
            (page.url, "QR Code 圖檔", "SVG", base + ".svg", qr.svg(address))], published)))
    return out
