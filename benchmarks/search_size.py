"""What a search downloads: for each term, the bytes the search page fetches, following static/site.js.

    .venv/bin/python benchmarks/search_size.py _site [term …]

Per term: the index files (search/meta.json, the unigram, bigram and position shards the query
needs) plus the document shards of the first page of results, the number of results and of files;
then the whole index's size. Uses plansite.search.lookup, the Python mirror of the page's script.
"""
from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from plansite import search  # noqa: E402

DEFAULT_TERMS = ("長照", "社工", "服務", "民眾", "申辦", "高齡", "偏鄉", "線上申辦", "單一窗口", "的", "網",
                 "滿意度", "LINE", "1999", "性侵害防治")


def measure(site: pathlib.Path, term: str) -> dict:
    reader = search.Reader(lambda path: (site / path).read_bytes())
    result = search.lookup(reader, term)
    meta = reader.get("search/meta.json")
    search.shown_docs(reader, meta, result.ids[:meta["pageSize"]])
    return {"term": term, "results": result.total, "files": len(reader.files), "bytes": reader.downloaded,
            "index_bytes": sum((site / f).stat().st_size for f in reader.files if "/d/" not in f)}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    site = pathlib.Path(argv[0])
    terms = argv[1:] or list(DEFAULT_TERMS)
    rows = [measure(site, t) for t in terms]
    files = sorted((site / "search").rglob("*.json"))
    total = {"files": len(files), "bytes": sum(f.stat().st_size for f in files),
             "docs": json.loads((site / "search/meta.json").read_bytes())["docs"]}
    print(f"{'term':<10} {'results':>8} {'files':>6} {'index KB':>9} {'total KB':>9}")
    for r in rows:
        print(f"{r['term']:<10} {r['results']:>8,d} {r['files']:>6} {r['index_bytes'] / 1000:>9.1f} {r['bytes'] / 1000:>9.1f}")
    print(f"whole index: {total['files']:,d} files, {total['bytes'] / 1e6:.2f} MB, {total['docs']:,d} documents")
    print(json.dumps({"terms": rows, "index": total}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
