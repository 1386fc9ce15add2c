"""Jinja environment and rendering of every page and feed to bytes."""
from __future__ import annotations

import base64
import contextvars
import functools
import hashlib
import pathlib
import posixpath
from dataclasses import dataclass

import jinja2
import markupsafe

from . import markdown, parallel, qr, site as site_mod
from .config import Config
from .errors import BuildFailed, Pos, Problems
from .model import STATUS_CLASS
from .site import Page, SiteModel


@dataclass(frozen=True)
class OutFile:
    path: str       # relative to the output root, forward slashes
    data: bytes


def environment(config: Config) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(config.path("templates"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["url"] = page_url
    env.globals["urls"] = site_mod.URLS
    env.filters["md"] = markdown.md_to_html
    env.filters["number_label"] = site_mod.number_label
    env.filters["status_class"] = STATUS_CLASS.get
    env.filters["plan_date"] = plan_date
    env.filters["feed_date"] = lambda _year, plans: max((plan_date(p) for p in plans), default="")
    return env


def _template_failure(exc: jinja2.TemplateError, config: Config, page: Page) -> BuildFailed:
    """A template mistake as a file:line problem (the innermost template frame), not a traceback."""
    templates = str(config.path("templates"))
    path, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.startswith(templates):
            path, line = name, tb.tb_lineno
        tb = tb.tb_next
    problems = Problems()
    problems.error(Pos(pathlib.Path(path or templates), line or 1, 1),
                   f"版型錯誤：{exc.message or exc}（產生 /{page.url} 時）。",
                   "請檢查版型中的變數名稱與語法。 Template error.")
    return BuildFailed(problems)


def plan_date(plan) -> str:
    """An Atom date for a plan: its published date, else 1 January of its year (never the clock)."""
    day = plan.published or f"{plan.year + 1911}-01-01"
    return f"{day}T00:00:00+08:00"


@functools.lru_cache(maxsize=8192)   # links repeat within a page; bounded, a worker keeps it all build long
def relative(from_page: str, target: str) -> str:
    """A link from the page at out_path `from_page` to site URL `target`, working from disk too."""
    target, _, fragment = target.partition("#")
    if target == "" and fragment and from_page:
        return "#" + fragment
    if target == "" or target.endswith("/"):
        target += "index.html"
    base = posixpath.dirname(from_page)
    rel = _relpath(target, base)
    return rel + ("#" + fragment if fragment else "")


def _relpath(target: str, base: str) -> str:
    """posixpath.relpath(target, base or ".") for the site's own relative paths, without its
    abspath and getcwd calls (a fifth of page rendering); anything unusual goes to relpath."""
    path = [part for part in target.split("/") if part]
    start = [part for part in base.split("/") if part]
    if target.startswith("/") or base.startswith("/") or any(part in (".", "..") for part in path + start):
        return posixpath.relpath(target, base or ".")
    common = 0
    for a, b in zip(path, start):
        if a != b:
            break
        common += 1
    rel = [".."] * (len(start) - common) + path[common:]
    return "/".join(rel) if rel else "."


def render_pages(model: SiteModel, config: Config, env: jinja2.Environment, listing: dict,
                 kinds: tuple[str, ...] | None = None, absolute: bool = False, jobs: int = 1,
                 only: list[Page] | None = None, sink=None, stage=None) -> list[OutFile]:
    """Every page (or only those of `kinds`, or the pages `only`), with the downloads each one lists,
    by `jobs` processes.

    absolute=True writes every link as a canonical address: for pages printed to PDF, whose
    links must lead to the published site, not to the folder they were printed from.

    With `stage` (and `sink`: `build`), each worker writes its pages into the staging folder itself
    (write.Stage.put) and sends back only their paths and digests (write.WrittenFile): at 5,000 plans the
    pages weigh 800 MB, and pillar pages 10 MB each, which no longer pass through the build process."""
    pages = [page for page in (model.pages if only is None else only) if kinds is None or page.kind in kinds]
    state = (pages, model, config, env, listing, absolute)
    if sink is not None and stage is not None:
        parallel.run_chunked(_render_into, (state, stage), len(pages), jobs, sink=sink)
        return []
    if sink is not None:   # each chunk of pages goes to the output folder as it is rendered
        parallel.run_chunked(_render_some, state, len(pages), jobs,
                             sink=lambda made: sink([OutFile(path, data) for path, data in made]))
        return []
    return [OutFile(path, data) for path, data in parallel.run_chunked(_render_some, state, len(pages), jobs)]


def _render_into(state, start: int, stop: int) -> list:
    """_render_some's pages written into the staging folder here, piece by piece as they are rendered:
    their paths and digests. A pillar page of 5,000 plans (10 MB) is never held whole: made whole, its
    two million pieces and its text took 150 MB more in the worker for a moment."""
    from .write import WrittenFile  # noqa: PLC0415

    state, stage = state
    pages, model, config, env, listing, absolute = state
    out = []
    for page in pages[start:stop]:
        digest = hashlib.blake2b(digest_size=16)
        stage.put_pieces(page.out_path, _hashed(_page_pieces(page, model, config, env, listing, absolute), digest))
        out.append(WrittenFile(page.out_path, digest.hexdigest()))   # incremental.file_digest of the bytes
        page.data.forget()
    return out


def _hashed(pieces, digest):
    for piece in pieces:
        digest.update(piece)
        yield piece


def _render_some(state, start: int, stop: int) -> list[tuple[str, bytes]]:
    pages, model, config, env, listing, absolute = state
    files = []
    for page in pages[start:stop]:
        files.append((page.out_path, b"".join(_page_pieces(page, model, config, env, listing, absolute))))
        page.data.forget()
    return files


PIECE_PARTS = 4096   # template output strings encoded together: a few hundred KB at a time


def _page_pieces(page: Page, model: SiteModel, config: Config, env: jinja2.Environment, listing: dict,
                 absolute: bool):
    """The page's HTML as UTF-8, in pieces as the template makes it: the bytes template.render gives."""
    try:
        template = env.get_template(f"pages/{page.kind}.html")
        token = _LINKING.set((page, config.base_url, absolute))
        try:
            parts: list[str] = []
            for part in template.generate(**_context(page, model, config, listing, absolute)):
                parts.append(part)
                if len(parts) >= PIECE_PARTS:
                    yield "".join(parts).encode("utf-8")
                    parts.clear()
            yield "".join(parts).encode("utf-8")
        finally:
            _LINKING.reset(token)
    except jinja2.TemplateError as exc:
        raise _template_failure(exc, config, page) from None


def render_feeds(model: SiteModel, config: Config, env: jinja2.Environment, listing: dict) -> list[OutFile]:
    """sitemap.xml, feed.xml and robots.txt (the search index is search.site_files)."""
    base_url = config.base_url
    ctx = {"site": model, "config": config, "base_url": base_url, "listing": listing,
           "abs": lambda url: base_url + url, "pages": [p for p in model.pages if p.in_sitemap]}
    return [OutFile(name, env.get_template(f"feeds/{name}").render(**ctx).encode("utf-8"))
            for name in ("sitemap.xml", "feed.xml", "robots.txt")]


def content_security_policy(inline_css: str = "") -> str:
    """The page's Content-Security-Policy: only the site's own files; no inline script, no other origin.

    Delivered in a <meta> (static hosts cannot be relied on for headers), so frame-ancestors, which a
    meta cannot carry, is left to the host. The 404 page's inline stylesheet is allowed by its hash.
    """
    styles = "'self'"
    if inline_css:
        digest = base64.b64encode(hashlib.sha256(str(inline_css).encode("utf-8")).digest()).decode("ascii")
        styles += f" 'sha256-{digest}'"
    return ("default-src 'none'; script-src 'self'; style-src " + styles + "; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; manifest-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'")


# The page being rendered, its site's address and whether its links must be absolute: what the `url`
# filter needs, set around each page's render (a context variable, so macros need not be handed it).
_LINKING: contextvars.ContextVar = contextvars.ContextVar("linking")


@jinja2.pass_context   # depends on the page being rendered: Jinja must not fold 'static/site.css'|url at compile time
def page_url(_context, url: str) -> str:
    """The `url` filter: a site URL (from the site model) as the page being rendered links to it."""
    page, base_url, absolute = _LINKING.get()
    if (page.kind == "notfound" or absolute) and base_url and not url.startswith("static/"):
        # the 404 page is served at any address, and a PDF is read anywhere: no relative links
        return base_url + (url if not url.startswith("#") else page.url + url)
    return relative(page.out_path, url)


def _context(page: Page, model: SiteModel, config: Config, listing: dict, absolute: bool = False) -> dict:
    base_url = config.base_url
    canonical = base_url + page.url if base_url else ""
    # The 404 page is served at any address, where a relative stylesheet would not load: inline it.
    inline_css = ""
    if page.kind == "notfound":
        inline_css = markupsafe.Markup("\n" + (config.path("static") / "site.css").read_text(encoding="utf-8") + "\n")
    from .assets import page_downloads  # noqa: PLC0415 - assets imports this module
    downloads = page_downloads(listing, page.url)
    qr_code = None
    if page.kind in ("plan", "agency") and any(d.is_image for d in downloads):
        qr_code = qr.inline_svg(canonical, f"{page.title}網址的 QR Code")
    return {"page": page, "site": model, "config": config, "canonical": canonical,
            "inline_css": inline_css, "downloads": downloads, # the pages printed to PDF are input to Chromium, not published pages: no policy there (with one,
            # Chromium numbered the PDF's structure elements differently from run to run)
            "csp": "" if absolute else content_security_policy(inline_css),
            "listing": listing, "qr_code": qr_code,
            **page.data.variables()}

