"""A link checker over a built site on disk: every internal href/src must name an existing file,
and every #fragment an existing id in that file."""
from __future__ import annotations

import html.parser
import pathlib
import posixpath
import urllib.parse


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) is not None:
                self.links.append((attrs[name], self.getpos()[0]))


def parse(path: pathlib.Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: pathlib.Path, skip: tuple[str, ...] = ("404.html",)) -> list[str]:
    """Every broken internal link or anchor, as 'page:line: link (reason)'."""
    site = site.resolve()
    parsed = {p: parse(p) for p in sorted(site.rglob("*.html"))}
    problems = []
    for page, info in parsed.items():
        rel_page = page.relative_to(site).as_posix()
        if rel_page in skip:
            continue
        for link, line in info.links:
            url = urllib.parse.urlsplit(link)
            if url.scheme or link.startswith("//"):
                continue  # external
            if url.path == "":
                target = page
            else:
                target = (page.parent / urllib.parse.unquote(url.path)).resolve()
                if url.path.endswith("/"):
                    problems.append(f"{rel_page}:{line}: {link} (directory link; does not open from disk)")
                    continue
            if not target.is_file():
                problems.append(f"{rel_page}:{line}: {link} (no such file)")
                continue
            if not str(target).startswith(str(site.resolve())):
                problems.append(f"{rel_page}:{line}: {link} (leaves the site)")
                continue
            if url.fragment:
                ids = parsed[target].ids if target in parsed else parse(target).ids
                if url.fragment not in ids:
                    problems.append(f"{rel_page}:{line}: {link} (no id {url.fragment!r})")
    return problems


def main(argv: list[str] | None = None) -> int:
    """`python tests/linkcheck.py [SITE]`: the CI link check over a built site (default _site)."""
    import sys  # noqa: PLC0415

    args = sys.argv[1:] if argv is None else argv
    site = pathlib.Path(args[0] if args else "_site")
    if not (site / "index.html").is_file():
        print(f"錯誤：{site} 不是已建置的網站（沒有 index.html），請先執行 python build.py build。"
              f" Not a built site: {site}", file=sys.stderr)
        return 2
    problems = broken_links(site)
    for problem in problems:
        print(f"{site.as_posix().rstrip('/')}/{problem}", file=sys.stderr)
    if problems:
        print(f"連結檢查未通過：{len(problems)} 個失效的連結或錨點。 Link check failed: {len(problems)} broken.",
              file=sys.stderr)
        return 1
    pages = sum(1 for _ in site.rglob("*.html"))
    print(f"連結檢查通過：{pages} 頁，沒有失效的內部連結。 Link check passed.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
