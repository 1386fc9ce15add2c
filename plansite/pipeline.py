"""The build, as a pipeline you can read in one screen."""
from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import buildcache, frameworks, heap, load, parallel, synonyms
from .config import Config
from .errors import BuildFailed, Pos, Problems, display_path, os_error_problem

if TYPE_CHECKING:
    from . import incremental, search_update, site


@dataclass
class Report:
    problems: Problems
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    content: "load.Content | None" = field(default=None, repr=False)
    drafts: list = field(default_factory=list)     # plans marked draft, left out of this build
    finish: Callable[[], None] | None = field(default=None, repr=False)   # the preview's search index, after its pages


def check(config: Config, cache: dict | None = None) -> Report:
    """Load and validate every framework, agency and plan; never raises for bad input."""
    problems = Problems()
    _check_site_settings(config, problems)
    # files unchanged since an earlier run come from .cache/docs (the preview's own cache keeps them after)
    if cache is not None and "doc-store" not in cache:
        cache["doc-store"] = load.DocStore(config.root)
    with load.stored_docs(config.root) if cache is None else contextlib.nullcontext(), heap.no_cycle_collection():
        synonyms.load_synonyms(config.path("synonyms"), problems)   # the search's word list: checked with the plans
        fws = frameworks.load_frameworks(config.path("frameworks"), problems, cache)
        content = load.load_content(config.path("plans"), fws, problems, cache) if not problems.errors else None
        if content is not None:   # correspondences between framework editions, checked against both frameworks
            content.crosswalks = frameworks.load_crosswalks(config.path("frameworks") / frameworks.CROSSWALKS,
                                                            fws, problems, cache)
    return Report(problems=problems, content=content)


def build(config: Config, strict: bool = False, qr: bool = True, pdf: bool = True, downloads: bool = True,
          cache: dict | None = None, progress=lambda message: None, drafts: bool = False,
          jobs: int | None = None, first=None) -> Report:
    """load config → load and validate plans → site model → render pages → write atomically.

    Draft plans are published only when `drafts` (the preview); otherwise the report lists them.
    Downloads and pages are made by `jobs` processes (default: one per core; the preview, which
    runs a server beside the build, uses one). `first` (the preview, with `cache`): the pages to show
    before the rest of the site is rendered (serve.FirstPages: `pick(model)` names them, `show(files)`
    writes them and reloads the browser).
    """
    if jobs is None:
        jobs = 1 if cache is not None else parallel.default_jobs()
    started = time.monotonic()
    stamp = None
    if cache is None:   # the preview keeps its own cache in memory
        stamp = buildcache.BuildStamp(config, {"strict": strict, "qr": qr, "pdf": pdf, "downloads": downloads,
                                               "drafts": drafts, "chromium": _chromium_identity(pdf and downloads)})
        last = stamp.replay()
        if last is not None:
            progress("輸入與上次建置相同，網站不需重建。 Nothing changed since the last build.")
            return Report(problems=last["problems"], pages=last["pages"], files=last["files"], drafts=last["drafts"],
                          seconds=time.monotonic() - started)
        stamp.forget()   # from here the output may change: a stale stamp must never vouch for it
    progress("載入並檢查計畫… Loading and checking plans")
    # the collector pauses while plans load (many objects, no cycles), then leaves them alone until
    # the build ends: they live that long (plansite/heap.py)
    with heap.no_cycle_collection():
        report = check(config, cache)
        _check_publishing(config, report.problems, qr)
        if report.problems.errors or (strict and report.problems.warnings):
            raise BuildFailed(report.problems)
        content = report.content
        if not drafts:
            report.drafts = [p for p in content.plans if p.draft]
            content = content.without_drafts()
        heap.freeze()
    from . import incremental, render, search, write  # noqa: PLC0415 - only needed when building

    out = config.path("output")
    stage = published = None
    try:
        if cache is None:   # `build`: every file goes to a staging folder as soon as it is made
            stage = write.Stage(out, config.path("static"))
            published = incremental.PublishedPages(config.root, out)
        files, model = _make_files(content, config, report.problems, qr, pdf, downloads, cache, progress, jobs,
                                   published, stage=stage, first=first)
        progress("寫入輸出目錄… Writing")
        if stage is not None:
            stage.commit()
            published.record(stage.digests)
            report.pages, report.files = len(stage.digests), stage.count
            stamp.record(report.pages, report.files, report.problems, report.drafts)
        else:  # the preview: rewrite only what changed since its last good build
            last = cache.get("written") or {}
            # the search index comes after the pages (report.finish): until then the last one stays
            kept = [render.OutFile(path, data) for path, data in last.items() if search.is_index_file(path)]
            try:
                cache["written"] = write.update(out, files + kept, config.path("static"), last or None)
            except OSError as exc:
                raise write.OutputError(exc) from None
            _memo(cache).settle()
            report.finish = lambda: _finish_preview(config, model, out, files, cache)
            report.pages = sum(1 for f in files if f.path.endswith(".html"))
            report.files = len(files)
    except write.OutputError as exc:
        report.problems.add(os_error_problem(exc.error, f"無法寫入網站輸出資料夾「{display_path(out)}」",
                                             _write_hint(exc.error)))
        raise BuildFailed(report.problems) from None
    except OSError as exc:   # e.g. a static file removed while the site was being built
        report.problems.add(os_error_problem(exc, "建置時無法讀取檔案",
                                             "請確認這個檔案存在而且可以讀取，然後重新建置；上一次建置的網站保持不變。"))
        raise BuildFailed(report.problems) from None
    finally:
        heap.thaw()
        if stage is not None:
            stage.abort()   # after commit there is nothing left to remove
    report.seconds = time.monotonic() - started
    return report


def _chromium_identity(printing: bool) -> list:
    """Which Chromium prints the PDFs (path, size, date): another Chromium may print other bytes."""
    if not printing:
        return []
    from . import pdf as pdf_mod  # noqa: PLC0415

    chromium = pdf_mod.find_chromium()
    if chromium is None:
        return ["none"]
    try:
        found = os.stat(os.path.realpath(chromium))
    except OSError:
        return [str(chromium)]
    return [str(chromium), found.st_size, found.st_mtime_ns]


def _memo(cache) -> "incremental.Memo":
    from . import incremental  # noqa: PLC0415

    return cache.setdefault("incremental", incremental.Memo())


def _finish_preview(config: Config, model, out, files: list, cache) -> None:
    """The preview's search index, written after its pages are shown: brought up to date from the one it
    wrote last where it can be (search_update.update), else made whole (seconds at 1,000 plans)."""
    from . import buildcache, render, search, search_update, write  # noqa: PLC0415

    written = cache.get("written") or {}
    code = buildcache.code_key()
    with heap.no_cycle_collection():   # millions of lists and strings, no cycles (plansite/heap.py)
        index = search.site_index(model, config)
        found = search_update.update(index, cache.get("search-record"), code, written.get)
        if found is None:
            made = dict(search_update.whole(index, code))
            record = made.pop(None)
        else:
            made, record = found
    del index
    cache["search-record"] = None   # until the files below are written
    kept = [render.OutFile(path, made[path] if path in made else written[path]) for path in record.files]
    cache["written"] = write.update(out, files + kept, config.path("static"), cache.get("written"))
    cache["search-record"] = record


def _make_files(content, config: Config, problems: Problems, qr: bool, pdf: bool, downloads: bool, cache,
                progress, jobs: int, published: "incremental.PublishedPages | None" = None,
                stage=None, first=None) -> tuple[list, "site.SiteModel"]:
    """Every output file: downloads and QR codes, PDFs, pages and feeds; and the site model.

    With `stage` (`build`), files go to the staging folder as they are made and the list returned is
    empty; otherwise they are returned in memory. The preview (`cache`) remakes only what its last
    build's files do not already hold (plansite/incremental.py), and leaves the search index to
    `Report.finish`."""
    from . import site  # noqa: PLC0415 - only needed when building

    memo = _memo(cache) if cache is not None else None
    if memo is not None and memo.derived is None:
        memo.derived = site.Derived()
    with heap.no_cycle_collection():   # the site model, too, lives until the build ends
        model = site.build_site(content, config, _a11y_record(config, problems), jobs=jobs,
                                known_diffs=memo.diffs if memo else published.diffs if published else None,
                                derived=memo.derived if memo else None)
        heap.freeze()
    # `build`: the search index takes a core of its own while downloads and pages are made, unless the
    # site is small (the preview makes it after its pages: Report.finish)
    index = parallel.Background(lambda: _write_index(stage, model, config, published.index),
                                jobs if len(model.plans) >= parallel.MIN_ITEMS else 1) if stage is not None else None
    try:
        return _make_rest(model, content, config, problems, qr, pdf, downloads, cache, progress, jobs, published,
                          memo, stage, first, index), model
    finally:
        if index is not None:
            index.close()


def _write_index(stage, model, config, previous: "search_update.PublishedIndex") -> "search_update.Written":
    """The search index written into the staging folder (by a worker of its own), brought up to date
    from the published one where it can be (search_update.PublishedIndex)."""
    from . import search  # noqa: PLC0415

    with heap.no_cycle_collection():   # millions of lists and strings, no cycles (plansite/heap.py)
        return previous.write(stage, search.site_index(model, config))


def _make_rest(model, content, config, problems, qr, pdf, downloads, cache, progress, jobs, published, memo,
               stage, first, index) -> list:
    from . import assets, render  # noqa: PLC0415 - only needed when building

    kept: list = []
    sink = stage.add if stage is not None else None
    emit = sink or kept.extend
    # the preview server keeps one Jinja environment: templates compile once and reload when edited
    env = cache.setdefault("jinja-environment", render.environment(config)) if cache is not None \
        else render.environment(config)
    progress(f"產生下載檔與 QR Code（{len(model.plans)} 份計畫）… Making downloads")
    made, listing = assets.build_assets(model, config, with_qr=qr and bool(config.base_url), downloads=downloads,
                                        jobs=jobs, cache=cache is None,   # the preview makes no downloads
                                        known_qr=memo.qr if memo else None, stage=stage,
                                        chart_keys=published.memo.content_keys(model, config, buildcache.code_key())
                                        if published is not None else None)
    emit(made)
    # the preview's QR images: those new since its last build go out with the first pages (below)
    new_assets = [f for f in made if (cache.get("written") or {}).get(f.path) != f.data] if first else []
    del made
    if pdf and downloads:
        progress(f"列印 PDF（{len(model.plans)} 份）… Printing PDFs")
        emit(_print_plans(model, config, env, listing, problems, progress, jobs))
    progress(f"產生頁面（{len(model.pages)} 頁）… Rendering pages")
    if published is not None:   # `build`: pages whose content is unchanged come from the last published site
        emit(published.memo.render_changed(model, config, env, listing, published, jobs,
                                           code=buildcache.code_key(), sink=sink, stage=stage))
        redone = len(published.memo.rendered)
        if redone < len(model.pages):
            progress(f"頁面：{redone} 頁重新產生，{len(model.pages) - redone} 頁內容未變，沿用上次發布的檔案。"
                     f" Pages: {redone} rendered, {len(model.pages) - redone} reused.")
    elif memo is None:
        emit(render.render_pages(model, config, env, listing, jobs=jobs, sink=sink, stage=stage))
    else:   # the preview: the pages the editor looks at first (serve.FirstPages), then the rest that changed
        ready = {}
        if first is not None:
            shown = render.render_pages(model, config, env, listing, only=first.pick(model))
            first.show(shown + new_assets if shown else [])   # a new plan's page and its QR image together
            ready = {f.path: f.data for f in shown}
        emit(memo.render_changed(model, config, env, listing, cache.get("written") or {}, jobs, ready=ready))
    emit(render.render_feeds(model, config, env, listing))
    if index is not None:
        written = index.result()
        stage.claim(written.paths)
        published.index.pending = written.record
        if written.updated is not None:
            progress(f"搜尋索引：{written.updated} 個檔案更新，{len(written.paths) - written.updated} 個未變。"
                     f" Search index: {written.updated} files updated, {len(written.paths) - written.updated} unchanged.")
    return kept


def _write_hint(exc: OSError) -> str:
    kept = "上一次建置的網站保持不變。 The previous site is kept."
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"請清出磁碟空間，或以 build --out 改寫到其他磁碟上的資料夾，然後重新建置；{kept}"
    return f"請以 build --out 指定可以寫入的資料夾（或修改 site.toml 的 [paths] output），然後重新建置；{kept}"


def _a11y_record(config: Config, problems: Problems) -> dict | None:
    """The last `check --a11y` (a11y-check.json), shown on the 無障礙聲明 page; None before the first check."""
    import json  # noqa: PLC0415

    path = config.path("a11y_record")
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not all(key in data for key in ("spec", "date", "pages", "problems", "checks", "criteria")):
            raise ValueError("missing keys")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.error(Pos(path), f"無障礙檢查紀錄無法讀取（{exc}）。",
                       "這個檔案由 python build.py check --a11y 產生，請不要手動修改；刪除後重新執行該指令。")
        raise BuildFailed(problems) from None
    return data


def _check_site_settings(config: Config, problems: Problems) -> None:
    """What site.toml lacks for a site that applies for the accessibility mark."""
    if not config.has_contact:
        toml = config.root / "site.toml"
        problems.warn(Pos(toml, _line_of(toml, "[contact]")),
                      "site.toml 沒有聯絡資訊，網站上不會有「聯絡我們」；申請無障礙標章的網站每頁都必須能找到協助管道"
                      "（115.11 一致性幫助 3.2.6）。",
                      "請在 [contact] 填寫 email、phone、address 或 url 其中至少一項（只填真實資料）。"
                      " No contact configured: pages get no 聯絡我們 link (WCAG 3.2.6).")


def _line_of(path, text: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    return next((i for i, line in enumerate(lines, 1) if line.strip().startswith(text)), 1)


def _check_publishing(config: Config, problems: Problems, qr: bool) -> None:
    toml = Pos(config.root / "site.toml")
    if qr and not config.base_url:
        problems.error(toml, "QR Code 需要網站的正式網址，但 site.base_url 沒有設定。",
                       "請在 site.toml 設定 base_url，或執行 build --base-url https://…/；"
                       "若這次不需要 QR Code，請加 --no-qr。 QR codes need a canonical base URL.")
    if config["accessibility.badge_id"]:
        badge = config.path("static") / f"badge-{config['accessibility.badge_level'].lower()}.png"
        if not badge.is_file():
            problems.error(toml, f"已設定 accessibility.badge_id，但找不到標章圖檔 {badge.name}。",
                           f"請把數位發展部提供的標章圖檔（88×31，不可修改）放在 {badge}。")


def _print_plans(model, config: Config, env, listing: dict, problems: Problems, progress, jobs: int) -> list:
    """Each plan page printed to PDF; its size is then listed on the page (pass 2 of rendering)."""
    from . import assets, pdf as pdf_mod, render, site  # noqa: PLC0415

    chromium = pdf_mod.find_chromium()
    if not config.base_url:
        problems.warn(Pos(config.root / "site.toml"), "沒有設定 site.base_url，這次建置沒有產生 PDF。",
                      "PDF 中的連結需要指向網站的正式網址；請設定 base_url 或使用 --base-url。")
        return []
    if chromium is None:
        chosen = os.environ.get("PLANSITE_CHROMIUM")
        missing = f"找不到環境變數 PLANSITE_CHROMIUM 指定的「{chosen}」" if chosen else "找不到 Chromium"
        problems.warn(Pos(config.root / "site.toml"), f"{missing}，這次建置沒有產生 PDF。", pdf_mod.INSTALL_HINT)
        return []
    pages = {f.path: f.data for f in render.render_pages(model, config, env, listing, kinds=("plan",), absolute=True,
                                                         jobs=jobs)}
    by_path = {site.plan_url(p) + "index.html": p for p in model.plans}
    dates = {path: (plan.published or f"{plan.year + 1911}-01-01") for path, plan in by_path.items()}
    try:
        pdfs, printed = pdf_mod.cached_print(pages, config.path("static"), dates, chromium,
                                             config.root / ".cache" / "pdf")
        progress(f"PDF：{printed.printed} 份重新列印（每份 {printed.seconds_per_page:.1f} 秒），"
                 f"{printed.reused} 份內容未變沿用上次的 PDF。 PDFs: {printed.printed} printed, {printed.reused} reused.")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        problems.error(Pos(config.root / "site.toml"), f"無法產生 PDF：{exc}",
                       "可加 --no-pdf 略過 PDF。 PDF printing failed.")
        raise BuildFailed(problems) from None
    files = []
    for path, data in sorted(pdfs.items()):
        plan = by_path[path]
        name = assets.plan_base(plan) + ".pdf"
        files.append(render.OutFile(name, data))
        listing.setdefault(site.plan_url(plan), []).insert(0, assets.Download("列印版計畫", "PDF", name, len(data)))
    return files
