"""What the preview keeps between rebuilds, so that one edit re-makes only what it touches.

- `diffs`: each year-over-year comparison, by the texts of the two plans and their frameworks;
- `qr`: each QR code's files, by page and address;
- `parts`: a fingerprint of each plan's pillar and item, for the pages that show one of them;
- `pages`: each page's key after the last good build; a page whose key is the same again is not
  rendered, its bytes are taken from what the preview folder holds.

A page's key holds everything it shows: what every page shows (templates, the stylesheet,
site.toml, the site's name, date and terms), the page's own title, crumbs, description and
downloads, and the texts behind its content, which the site model names in `Page.sources`
(an agency, a plan, a framework, one pillar or item of a plan, or a string standing for a value
the page shows that none of those accounts for). A page with no sources shows
the whole site and is rendered on every rebuild. tests/unit/test_incremental.py compares a preview
after many kinds of edits with a build from scratch, byte for byte.

`build` keeps the same keys on disk beside its output folder (PublishedPages), so a page whose
content did not change is read back from the published site instead of being rendered.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pathlib
import stat
from dataclasses import dataclass, field

from . import buildcache, compare, search_update
from .model import Agency, Crosswalk, Framework, FrameworkNode, Item, Pillar, Plan, Unit
from .errors import Pos


def _hash(*parts: object) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8")
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.digest()


def folder_digest(folder: pathlib.Path) -> bytes:
    """Every file under `folder` by name and content (templates: a few dozen small files)."""
    digest = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def value_digest(value: object) -> bytes:
    """A fingerprint of a plan's part as pages show it: every field, without where it was written
    (Pos) and naming framework nodes by code (a node's parent and children are the framework's)."""
    out: list[str] = []
    _walk(value, out)
    return hashlib.blake2b("\x1f".join(out).encode("utf-8"), digest_size=16).digest()


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}    # each dataclass's field names, looked up once


def _walk(v: object, out: list[str]) -> None:
    # exact types first (a cold build fingerprints 26,000 parts at 1,000 plans), then the general rules
    kind = type(v)
    if kind in _SCALARS:
        out.append(repr(v))
    elif kind is list or kind is tuple:
        out.append("[")
        for item in v:
            _walk(item, out)
        out.append("]")
    elif kind in _FIELDS:
        out.append(kind.__name__ + "(")
        for name in _FIELDS[kind]:
            _walk(getattr(v, name), out)
        out.append(")")
    elif isinstance(v, (str, int, float, bool)) or v is None:
        out.append(repr(v))
    elif isinstance(v, (list, tuple)):
        out.append("[")
        for item in v:
            _walk(item, out)
        out.append("]")
    elif isinstance(v, dict):
        out.append("{")
        for key, item in v.items():
            _walk(key, out)
            _walk(item, out)
        out.append("}")
    elif isinstance(v, Pos):
        out.append("@")
    elif isinstance(v, FrameworkNode):
        out.append("node:" + v.code)
    elif isinstance(v, Unit):
        out.append(f"unit:{v.name}|{v.slug}|{v.description}")
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        names = tuple(f.name for f in dataclasses.fields(v))
        if kind not in (Pos, FrameworkNode, Unit) and not issubclass(kind, (Pos, FrameworkNode, Unit)):
            _FIELDS[kind] = names
        out.append(kind.__name__ + "(")
        for name in names:
            _walk(getattr(v, name), out)
        out.append(")")
    else:
        raise TypeError(f"value_digest cannot fingerprint {type(v).__name__}")


@dataclass
class Memo:
    diffs: dict = field(default_factory=dict)
    qr: dict = field(default_factory=dict)
    parts: dict = field(default_factory=dict)
    pages: dict[str, bytes] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)   # the pages the last build rendered (out paths)
    derived: object = None   # site.Derived: per-agency values of the site model, while the agency is unchanged
    sources: dict[tuple, bytes] = field(default_factory=dict)   # each page source's key -> its digest
    _pending: dict[str, bytes] = field(default_factory=dict, repr=False)
    _content: tuple | None = field(default=None, repr=False)   # content_keys' last answer, until page_keys takes it

    def content_keys(self, model, config, code: str = "") -> dict[str, bytes | None]:
        """out_path -> a digest of what the page's content shows: what every page shows (common_key), the
        page's kind, URL and title and the texts of its sources; None for a page that shows the whole
        site. The charts' numbers in open-data/overview.* are kept by it (assets.build_assets); the
        page's key (page_keys) is this and the page's frame."""
        common = _hash(code, common_key(config, model))
        found = self._content
        if found is not None and found[0] == id(model.pages) and found[1] == common:
            return found[2]
        keys = self._content_keys(model.pages, common)
        self._content = (id(model.pages), common, keys)
        return keys

    def page_keys(self, model, config, code: str, downloads) -> dict[str, bytes | None]:
        """out_path -> the page's key; None for a page that shows the whole site (always rendered)."""
        content = self.content_keys(model, config, code)
        self._content = None     # the next build has pages of its own
        return {page.out_path: None if content[page.out_path] is None else
                _hash(content[page.out_path], page.crumbs, page.description, page.in_sitemap, downloads(page.url))
                for page in model.pages}

    def _content_keys(self, pages, common: bytes) -> dict[str, bytes | None]:
        known, self.parts = self.parts, {}

        def source_key(source: object) -> object:
            if isinstance(source, Agency):
                return ("agency", source.digest, tuple((p.digest, p.framework.digest) for p in source.plans))
            if isinstance(source, Plan):
                return ("plan", source.digest, source.agency.digest, source.framework.digest)
            if isinstance(source, Framework):
                return ("framework", source.digest)
            if isinstance(source, Crosswalk):
                return ("crosswalk", source.digest, tuple(f.digest for f in source.between))
            if isinstance(source, str):   # a value the page shows that no file above accounts for
                return ("value", source)
            plan, part = source   # (plan, its Pillar or Item): what a pillar page shows of the plan
            if not (isinstance(plan, Plan) and isinstance(part, (Pillar, Item))):
                raise TypeError(f"not a page source: {source!r}")
            # 16 bytes standing for (plan, agency, framework, part): 132,000 parts at 5,000 plans
            key = hashlib.blake2b(f"{plan.digest}|{plan.agency.digest}|{plan.framework.digest}|{part.code}"
                                  .encode("utf-8"), digest_size=16).digest()
            found = self.parts.get(key) or known.get(key) or value_digest(part)
            self.parts[key] = found
            return ("part", plan.agency.slug, plan.agency.full_name, plan.year, plan.title, plan.draft,
                    plan.framework.digest, found)

        # a source shown on many pages (a plan on its agency's, year's and pillars' pages) is hashed once,
        # and its digest kept for the next rebuild (the preview: 30,000 sources at 1,000 plans)
        digests: dict[object, bytes] = {}
        known_digests, self.sources = self.sources, {}

        def source_digest(source: object) -> bytes:
            by = (id(source[0]), id(source[1])) if type(source) is tuple else id(source)   # alive all call long
            found = digests.get(by)
            if found is None:
                key = source_key(source)
                found = known_digests.get(key) or _hash(key)
                digests[by] = self.sources[key] = found
            return found

        return {page.out_path: None if page.sources is None else
                _hash(common, page.kind, page.url, page.title, b"".join(map(source_digest, page.sources)))
                for page in pages}

    def render_changed(self, model, config, env, listing: dict, written, jobs: int, code: str = "",
                       sink=None, ready: dict[str, bytes] | None = None, stage=None) -> list:
        """Every page's file: rendered when its key changed (or it shows the whole site), else the bytes
        the output folder holds from the last good build (`written.get(path)`, None when it cannot
        vouch for them). `settle` keeps the keys once the files are written. `code` (the program's
        hash) joins every key when the memo outlives this process (PublishedPages). With `sink`
        (`build`), the files go to sink(list) as they are found or rendered and none is returned.
        `ready`: pages this build has already rendered (the preview's first pages), by path. `stage`
        (`build`, with `sink`): the workers write the pages they render there (render.render_pages)."""
        from . import render  # noqa: PLC0415 - render imports the site model, as this module's users do
        from .assets import page_downloads  # noqa: PLC0415

        keys = self.page_keys(model, config, code, lambda url: page_downloads(listing, url))
        kept: dict[str, bytes] = {}
        stale = []
        # `build` hands on a kept page as a write.KeptFile (linked, not read again), the preview its bytes
        take = written.kept if sink is not None and hasattr(written, "kept") else written.get
        for page in model.pages:
            key = keys[page.out_path]
            data = take(page.out_path) if key is not None and self.pages.get(page.out_path) == key else None
            if data is None:
                stale.append(page)
            elif sink is not None:
                sink([data if type(data) is not bytes else render.OutFile(page.out_path, data)])
            else:
                kept[page.out_path] = data
        self._pending = {path: key for path, key in keys.items() if key is not None}
        self.rendered = [page.out_path for page in stale]
        if sink is not None:
            render.render_pages(model, config, env, listing, jobs=jobs, only=stale, sink=sink, stage=stage)
            return []
        made = {path: render.OutFile(path, data) for path, data in (ready or {}).items()}
        made.update((f.path, f) for f in render.render_pages(model, config, env, listing, jobs=jobs,
                                                              only=[p for p in stale if p.out_path not in made]))
        return [made.get(page.out_path) or render.OutFile(page.out_path, kept[page.out_path])
                for page in model.pages]

    def settle(self) -> None:
        """The last build's pages are written: their keys now describe the preview folder."""
        self.pages = self._pending


def common_key(config, model) -> bytes:
    """What every page shows: templates, the stylesheet (inlined in the 404 page), site.toml's values,
    and the site model's name, date, terms and help link."""
    css = config.path("static") / "site.css"
    return _hash(folder_digest(config.path("templates")), css.read_bytes() if css.is_file() else b"",
                 sorted(config.values.items()),
                 model.name, model.updated, model.help_url, model.framework_terms)


class PublishedPages:
    """`build`'s page memo, kept beside the output folder it describes: <project>/.cache/pages-<folder>.json
    holds each page's key and the digest of the bytes written for it, the plan parts' fingerprints and
    the comparisons' positions (by the texts of the two plans), all for one version of the program.
    `index` is the search index's own record (search_update.PublishedIndex), saved with it.

    A page whose key is unchanged is taken from the output folder when the file is the one recorded:
    the same regular file (inode), size, modification and change times as just after the publish
    (`_identity`; the change time moves with any write, even one that sets the modification time back),
    else when its bytes hold the recorded digest. A file changed, removed or written by another build
    is rendered again, so a stale or damaged record only costs time. The record is written after a
    successful publish."""

    FORMAT = 2

    def __init__(self, root: pathlib.Path, out: pathlib.Path) -> None:
        self.out = out
        self.path = root / ".cache" / f"pages-{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.json"
        self.memo = Memo()
        self.digests: dict[str, str] = {}
        self.stats: dict[str, list[int]] = {}   # each page file's `_identity` just after the last publish
        self.diffs: dict = {}     # the year-over-year comparisons' positions (compare.diff_all's `known`)
        self.index = search_update.PublishedIndex(root, out)
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
            if record.get("format") == self.FORMAT and record.get("code") == buildcache.code_key():
                self.memo.pages = {path: bytes.fromhex(key) for path, (key, _d, _s) in record["pages"].items()}
                self.digests = {path: digest for path, (_k, digest, _s) in record["pages"].items()}
                self.stats = {path: found for path, (_k, _d, found) in record["pages"].items()}
                self.memo.parts = {bytes.fromhex(key): bytes.fromhex(value) for key, value in record["parts"].items()}
                self.diffs = compare.stored_diffs(record.get("diffs"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.memo = Memo()
            self.digests, self.stats, self.diffs = {}, {}, {}

    def get(self, path: str) -> bytes | None:
        digest = self.digests.get(path)
        if digest is None:
            return None
        try:
            data = (self.out / path).read_bytes()
        except OSError:
            return None
        return data if file_digest(data) == digest else None

    def kept(self, path: str):
        """The published file for `path` as a write.KeptFile, when it holds what was recorded; else None."""
        from .write import KeptFile  # noqa: PLC0415

        if path in self.digests and self.stats.get(path) is not None \
                and self.stats[path] == _identity(self.out / path):   # not read again (2,800 pages at 1,000 plans)
            return KeptFile(path, self.digests[path])
        return None if self.get(path) is None else KeptFile(path, self.digests[path])

    def record(self, digests: dict[str, str]) -> None:
        """After a successful publish: the keys of this build's pages and the digests of their bytes
        (`digests`: file_digest of each page written, by path)."""
        pages = {path: [key.hex(), digests[path], _identity(self.out / path)]
                 for path, key in self.memo._pending.items() if path in digests}
        record = {"format": self.FORMAT, "code": buildcache.code_key(), "pages": pages,
                  "parts": {key.hex(): value.hex() for key, value in self.memo.parts.items()},
                  "diffs": self.diffs}
        buildcache.write_json(self.path, record)
        self.index.save()


def _identity(path: pathlib.Path) -> list[int] | None:
    """A regular file's inode, size and modification and change times (ns); None for anything else."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return [found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns]


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
