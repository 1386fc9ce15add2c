"""Helpers for tests: throwaway projects built from the tiny fixture project (MkDocs habit)."""
from __future__ import annotations

import pathlib
import shutil

REPO = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
PROJECT = FIXTURES / "project"

# One page of each kind in the seed site.
PAGE_KINDS = {
    "home": "index.html",
    "agencies": "agencies/index.html",
    "years": "years/index.html",
    "agency": "agencies/kaohsiung-dv-prevention-center/index.html",
    "plan": "agencies/kaohsiung-dv-prevention-center/114/index.html",
    "plan-scored": "agencies/penghu-social-affairs/107/index.html",
    "unit": "agencies/kaohsiung-jiasian-district/units/civil-affairs-section/index.html",
    "frameworks": "frameworks/index.html",
    "framework": "frameworks/six-pillars/index.html",
    "pillar": "frameworks/six-pillars/3/index.html",
    "sub-item": "frameworks/six-pillars/3-2/index.html",
    "overview": "overview/index.html",
    "overview-government": "overview/kaohsiung/114/index.html",
    "search": "search/index.html",
    "sitemap": "sitemap/index.html",
    "accessibility": "accessibility/index.html",
    "contact": "contact/index.html",
    "privacy": "privacy/index.html",
    "opendata": "open-data/index.html",
    "404": "404.html",
}


# The seed site as an agency applying for the accessibility mark publishes it: with a contact
# (WCAG 3.2.6 一致性幫助). The repository's own site.toml has none, and `check` warns about that.
SEED_CONTACT = {"email": "plans@example.gov.tw", "phone": "(07)799-5678", "url": "https://example.gov.tw/contact/"}


def seed_config(directory: pathlib.Path, **sections: dict[str, str]) -> pathlib.Path:
    """A site.toml for the repository's seed plans, with SEED_CONTACT and absolute paths, in `directory`.
    Keyword arguments add or replace keys per table, e.g. accessibility={"badge_id": "123"}."""
    import tomllib

    values = tomllib.loads((REPO / "site.toml").read_text(encoding="utf-8"))
    values.setdefault("contact", {}).update(SEED_CONTACT)
    values["paths"] = {key: (REPO / key).as_posix() for key in ("plans", "frameworks", "templates", "static")}
    values["paths"]["synonyms"] = (REPO / "synonyms.yaml").as_posix()
    for table, keys in sections.items():
        values.setdefault(table, {}).update(keys)
    lines = []
    for table, keys in values.items():
        lines.append(f"[{table}]")
        lines += [f'{key} = "{value}"' for key, value in keys.items()]
    path = directory / "site.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_project(tmp_path: pathlib.Path, files: dict[str, str | bytes] | None = None,
                 plans_from: pathlib.Path | None = None, site_toml: str | None = None) -> pathlib.Path:
    """A project in tmp_path: site.toml pointing at the repo's frameworks, templates and static,
    plans copied from `plans_from` (the fixture project's by default), then `files` written over it."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copytree(plans_from or PROJECT / "plans", root / "plans")
    toml = site_toml if site_toml is not None else (
        '[site]\nname = "測試網站"\nowner = "測試機關"\nbase_url = "https://example.gov.tw/plans/"\n'
        f'[paths]\nframeworks = "{(REPO / "frameworks").as_posix()}"\n'
        f'templates = "{(REPO / "templates").as_posix()}"\nstatic = "{(REPO / "static").as_posix()}"\n')
    (root / "site.toml").write_text(toml, encoding="utf-8")
    for rel, content in (files or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def png(width: int, height: int, rgb: bytes = b"\xff\xff\xff") -> bytes:
    """A plain PNG image of one colour (e.g. a stand-in for MODA's badge file)."""
    import struct
    import zlib

    raw = b"".join(b"\x00" + rgb * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
