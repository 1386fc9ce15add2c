"""The site search as static files: a document table and an inverted index, split into shards.

A query downloads only what it needs (static/site.js follows the same steps; `lookup` below is
their Python mirror, used by the tests and benchmarks/search_size.py):

  search/meta.json        plans, agencies, pillars, which documents belong to which plan and
                          pillar (for the filters and the result lines), shard counts, synonyms
  search/u/<k>.json       unigram -> documents, for one-character queries
  search/b/<k>.json       bigram -> documents (exact for two-character queries)
  search/t/<k>.json       trigram -> documents and its positions in each, for longer queries: a
                          query of three characters is one trigram; a longer one matches where its
                          trigrams at offsets 0, 3, 6 … and the last sit at p+offset, so counts are
                          exact without downloading any document text. (Trigrams, not bigrams with
                          positions: a common bigram such as 服務 has positions in most documents,
                          while the trigrams of a query are rare, so their entries stay small.)
  search/d/<k>.json       the documents, DOC_SHARD of them per file by id: only the shown results'

A document is one measure (具體作法) or one section body. Text is compared normalised (norm():
NFKC and lowercase per character, whitespace dropped), so 「長照 服務」 matches 「長照服務」 and
full-width Ｌｉｎｅ matches line. A term's shard is its FNV-1a hash over code points, modulo a
power-of-two shard count chosen from the index size. Postings are document-id deltas as base-64
varints (5 bits a character). Everything is sorted: the same site gives the same bytes.
"""
from __future__ import annotations

import functools
import itertools
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from . import heap, markdown, site as site_mod
from .model import Plan

DOC_SHARD = 16                 # documents per search/d/ file: one page of results touches few of them
TARGET_SHARD_BYTES = 6_000     # average size the term shard counts aim at
PAGE_SIZE = 10                 # results shown at once, and at each 顯示更多結果 (static/site.js reads it)

# JavaScript's \s, spelled out so Python drops exactly the same characters (plus NEL, which NFKC keeps).
SPACE = re.compile("[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


# ---- text ---------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def norm_char(ch: str) -> str:
    """One character as the index sees it: NFKC, lowercase, whitespace dropped (may be 0–n characters)."""
    return SPACE.sub("", unicodedata.normalize("NFKC", ch).lower())


def norm(text: str) -> str:
    return "".join(map(norm_char, text))


def grams(text: str, n: int) -> list[str]:
    """The n-grams of normalised text, in order (with repeats)."""
    return [text[i:i + n] for i in range(len(text) - n + 1)]


def shard_of(term: str, count: int) -> int:
    """FNV-1a (32 bit) over the term's code points, modulo `count` (a power of two)."""
    h = 2166136261
    for ch in term:
        h = ((h ^ ord(ch)) * 16777619) & 0xFFFFFFFF
    return h & (count - 1)


def _varint(n: int) -> str:
    out = []
    while True:
        low, n = n & 31, n >> 5
        out.append(ALPHABET[low | (32 if n else 0)])
        if not n:
            return "".join(out)


_VARINTS = [_varint(n) for n in range(1 << 15)]     # every number of up to three characters, ready-made
_ONE_PLACE = [_VARINTS[1] + v for v in _VARINTS]    # a trigram's one place, encoded (count 1, the place)


def encode(numbers: list[int]) -> str:
    """Non-negative integers as base-64 varints: 5 bits a character, bit 6 set when more follow."""
    small = _VARINTS
    return "".join([small[n] if n < 32768 else _varint(n) for n in numbers])


def decode(text: str) -> list[int]:
    out, value, shift = [], 0, 0
    for ch in text:
        d = ALPHABET.index(ch)
        value |= (d & 31) << shift
        shift += 5
        if not d & 32:
            out.append(value)
            value, shift = 0, 0
    return out


# ---- documents ------------------------------------------------------------------

@dataclass(frozen=True)
class Doc:
    plan: int          # index into SearchIndex.plans
    pillar: int        # index into SearchIndex.pillars, -1 for none (a section, an opening without pillar)
    text: str          # plain text, as shown
    context: str       # the row's label or the section's title
    anchor: str        # id on the plan page


@dataclass
class SearchIndex:
    plans: list[Plan]
    pillars: list[tuple[str, str]]                    # (pillar_key, label)
    docs: list[Doc]
    synonyms: list[list[str]] = field(default_factory=list)


def collect(plans: list[Plan], synonyms: list[list[str]] | None = None) -> SearchIndex:
    """Every measure, then every section body, plan by plan in the site's order."""
    pillar_ids: dict[str, int] = {}
    pillars: list[tuple[str, str]] = []
    docs: list[Doc] = []
    for number, plan in enumerate(plans):
        fw = plan.framework
        for placed in site_mod.placed_measures(plan):
            pillar = -1
            if placed.node is not None:
                key = site_mod.pillar_key(fw, placed.node)
                if key not in pillar_ids:
                    pillar_ids[key] = len(pillars)
                    pillars.append((key, site_mod.node_label(fw, placed.node)))
                pillar = pillar_ids[key]
            docs.append(Doc(number, pillar, placed.measure.plain, placed.context, placed.anchor))
        for index, section in enumerate(plan.sections, 1):
            if section.body:
                docs.append(Doc(number, -1, markdown.plain_text(section.body), section.short_title,
                                site_mod.section_anchor(index)))
    return SearchIndex(list(plans), pillars, docs, [list(g) for g in synonyms or []])


def shard_count(total_bytes: int) -> int:
    count = 1
    while count * TARGET_SHARD_BYTES < total_bytes and count < 4096:
        count *= 2
    return count


def dump(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def index_files(index: SearchIndex) -> dict[str, bytes]:
    """search/… path -> bytes, for every file of the index."""
    return dict(index_file_items(index))


def index_file_items(index: SearchIndex, totals: dict[str, int] | None = None):
    """(search/… path, bytes) for every file of the index, made one kind of term at a time (its table
    let go before the next is made) and handed out as made: at 5,000 plans the tables are large.
    `totals`, when given, receives each folder's entry_size sum (what its shard count comes from)."""
    # Plans repeat wording (agencies copy measures, and each year copies the last), so each distinct text
    # is taken apart once and its documents share the result.
    docs_of: dict[str, list[int]] = defaultdict(list)
    for doc_id, doc in enumerate(index.docs):
        docs_of[norm(doc.text)].append(doc_id)
    counts = {}
    for folder, make, encoder in TABLES:
        table, encoded = make(docs_of), {}
        while table:   # each term's list let go once encoded (the order does not matter: files sort their keys)
            term, value = table.popitem()
            encoded[term] = encoder(value)
        del table
        total = sum(entry_size(t, v) for t, v in encoded.items())
        if totals is not None:
            totals[folder] = total
        count = counts[folder] = shard_count(total)
        shards: list[dict[str, str]] = [{} for _ in range(count)]
        for term, value in encoded.items():
            shards[shard_of(term, count)][term] = value
        del encoded
        for k in range(count):
            yield term_file(folder, k), dump(shards[k])
            shards[k] = None
    for start in range(0, len(index.docs), DOC_SHARD):
        yield doc_file(start // DOC_SHARD), doc_shard(index, start // DOC_SHARD)
    yield META, dump(meta(index, counts))


def entry_size(term: str, value: str) -> int:
    """About what one term adds to its shard file (the shard counts are chosen from the sum)."""
    return len(term.encode()) + len(value) + 6


def term_file(folder: str, shard: int) -> str:
    return f"search/{folder}/{shard:x}.json"


def doc_file(shard: int) -> str:
    return f"search/d/{shard:x}.json"


def doc_shard(index: SearchIndex, shard: int) -> bytes:
    """search/d/<shard>.json: text, context and anchor of DOC_SHARD documents."""
    chunk = index.docs[shard * DOC_SHARD:(shard + 1) * DOC_SHARD]
    return dump([[d.text, d.context, d.anchor] for d in chunk])


def _unigrams(docs_of: dict[str, list[int]]) -> dict[str, list[list[int]]]:
    uni: dict[str, list[list[int]]] = defaultdict(list)
    for text, ids in docs_of.items():
        for ch in set(text):
            uni[ch].append(ids)
    return uni


def _bigrams(docs_of: dict[str, list[int]]) -> dict[str, list[list[int]]]:
    bi: dict[str, list[list[int]]] = defaultdict(list)
    for text, ids in docs_of.items():
        for gram in set(map("".join, zip(text, text[1:]))):
            bi[gram].append(ids)
    return bi


def _trigrams(docs_of: dict[str, list[int]]) -> dict[str, list]:
    """Each trigram's texts (their documents) with the places it sits at in each, encoded, as one flat
    list [ids, places, ids, places, …]: at 5,000 plans there are millions of these pairs, and a tuple
    each would hold several hundred MB more."""
    tri: dict[str, list] = defaultdict(list)
    for text, ids in docs_of.items():
        for gram, places in trigram_places(text).items():
            found = tri[gram]
            found.append(ids)
            found.append(places)
    return tri


def trigram_places(text: str) -> dict[str, str]:
    """Each trigram of normalised text and where it sits, encoded: the number of places, the first,
    the deltas of the others."""
    where: dict[str, list[int]] = {}
    for i, gram in enumerate(map("".join, zip(text, text[1:], text[2:]))):
        if gram in where:
            where[gram].append(i)
        else:
            where[gram] = [i]
    one, out = _ONE_PLACE, {}
    for gram, places in where.items():
        if len(places) == 1 and places[0] < 32768:
            out[gram] = one[places[0]]
        else:
            out[gram] = encode([len(places), places[0], *(b - a for a, b in zip(places, places[1:]))])
    return out


def _encode_postings(groups: list[list[int]]) -> str:
    ids = sorted(itertools.chain.from_iterable(groups))
    return encode([b - a for a, b in zip([0, *ids], ids)])


def _encode_positions(groups: list) -> str:
    """Per document: its id's delta, then its places (as _trigrams encoded them); `groups` is flat:
    [ids, places, ids, places, …]."""
    entries = sorted((doc_id, places) for ids, places in zip(groups[::2], groups[1::2]) for doc_id in ids)
    small, out, last = _VARINTS, [], 0
    for doc_id, places in entries:
        delta = doc_id - last
        out += (small[delta] if delta < 32768 else _varint(delta), places)
        last = doc_id
    return "".join(out)


META = "search/meta.json"
# each folder of terms: its table of documents (from the texts) and how a term's entry is encoded
TABLES = (("u", _unigrams, _encode_postings), ("b", _bigrams, _encode_postings), ("t", _trigrams, _encode_positions))


def meta(index: SearchIndex, counts: dict[str, int]) -> dict:
    agencies: list = []
    agency_ids: dict[str, int] = {}
    plans: list = []         # per plan: agency number, year, its URL after the agency's (the model's URLs)
    for plan in index.plans:
        agency = plan.agency
        if agency.slug not in agency_ids:
            agency_ids[agency.slug] = len(agencies)
            agencies.append([agency.slug, agency.full_name, site_mod.agency_url(agency)])
        url, prefix = site_mod.plan_url(plan), site_mod.agency_url(agency)
        assert url.startswith(prefix), "a plan's page sits under its agency's"
        plans += [agency_ids[agency.slug], plan.year, url[len(prefix):]]
    # runs of documents of one plan and pillar: plan delta, pillar + 1, length
    runs: list[int] = []
    last_plan = 0
    for doc in index.docs:
        if runs and doc.plan == last_plan and runs[-2] == doc.pillar + 1:
            runs[-1] += 1
        else:
            runs += [doc.plan - last_plan, doc.pillar + 1, 1]
            last_plan = doc.plan
    return {"version": 1, "docs": len(index.docs), "docShard": DOC_SHARD, "pageSize": PAGE_SIZE,
            "shards": counts, "agencies": agencies, "plans": plans,
            "pillars": [list(p) for p in index.pillars], "runs": encode(runs), "synonyms": index.synonyms}


# ---- the query, as static/site.js runs it -----------------------------------------

class Reader:
    """Reads index files through `fetch(path) -> bytes`, remembering each file and the bytes read."""

    def __init__(self, fetch) -> None:
        self._fetch = fetch
        self._cache: dict[str, object] = {}
        self.downloaded = 0
        self.files: list[str] = []

    def get(self, path: str):
        if path not in self._cache:
            data = self._fetch(path)
            self.downloaded += len(data)
            self.files.append(path)
            self._cache[path] = json.loads(data)
        return self._cache[path]


@dataclass
class Meta:
    raw: dict
    doc_plan: list[int]
    doc_pillar: list[int]

    @classmethod
    def read(cls, reader: Reader) -> "Meta":
        raw = reader.get("search/meta.json")
        runs = decode(raw["runs"])
        doc_plan: list[int] = []
        doc_pillar: list[int] = []
        plan = 0
        for i in range(0, len(runs), 3):
            plan += runs[i]
            doc_plan += [plan] * runs[i + 2]
            doc_pillar += [runs[i + 1] - 1] * runs[i + 2]
        return cls(raw, doc_plan, doc_pillar)


def _postings(reader: Reader, meta: Meta, folder: str, term: str) -> list[int]:
    shard = reader.get(f"search/{folder}/{shard_of(term, meta.raw['shards'][folder]):x}.json")
    ids, total = [], 0
    for delta in decode(shard.get(term, "")):
        total += delta
        ids.append(total)
    return ids


def _positions(reader: Reader, meta: Meta, gram: str) -> dict[int, set[int]]:
    """A trigram's documents, each with the places it occurs at."""
    shard = reader.get(f"search/t/{shard_of(gram, meta.raw['shards']['t']):x}.json")
    flat = decode(shard.get(gram, ""))
    out, i, doc = {}, 0, 0
    while i < len(flat):
        doc += flat[i]
        n, places, at = flat[i + 1], set(), 0
        for k in range(n):
            at = flat[i + 2 + k] + (at if k else 0)
            places.add(at)
        out[doc] = places
        i += 2 + n
    return out


def term_docs(reader: Reader, meta: Meta, term: str) -> list[int]:
    """Documents whose normalised text contains the normalised term: exact, from the index alone."""
    chars = list(term)
    if len(chars) == 1:
        return _postings(reader, meta, "u", term)
    if len(chars) == 2:
        return _postings(reader, meta, "b", term)
    # trigrams at offsets 0, 3, 6 … and the last one cover every character of the term
    offsets = sorted(set(range(0, len(chars) - 2, 3)) | {len(chars) - 3})
    places = [(o, _positions(reader, meta, "".join(chars[o:o + 3]))) for o in offsets]
    candidates = set.intersection(*(set(p) for _, p in places))
    first = places[0][1]
    return sorted(d for d in candidates if any(all(s + o in p[d] for o, p in places[1:]) for s in first[d]))


def expand(term: str, synonyms: list[list[str]]) -> list[str]:
    """The term and, when it is one of a synonym group's words, the group's other words (normalised)."""
    out = [term]
    for group in synonyms:
        words = [norm(w) for w in group]
        if term in words:
            out += [w for w in words if w not in out]
    return out


def related(query_terms: list[str], synonyms: list[list[str]], limit: int = 8) -> list[str]:
    """Suggestions for a query that found nothing: the words of the synonym groups that share the most
    characters with it (two or more; one only when no group shares two), best group first. Left out:
    what was searched, and words containing a query term (they cannot have hits either)."""
    searched = {w for t in query_terms for w in expand(t, synonyms)}
    chars = set("".join(query_terms))
    shares = [max(len(chars & set(norm(w))) for w in group) for group in synonyms]
    need = 2 if any(n >= 2 for n in shares) else 1     # one shared character only when nothing shares two
    scored = sorted((-shared, gi) for gi, shared in enumerate(shares) if shared >= need)
    out: list[str] = []
    for _, gi in scored:
        out += [w for w in synonyms[gi] if norm(w) not in searched and not any(t in norm(w) for t in query_terms)
                and w not in out]
    return out[:limit]


@dataclass
class Result:
    total: int
    ids: list[int]                      # every hit, in shown order: direct hits first, then synonym-only
    via: dict[int, list[str]]           # doc id -> the synonyms it was found by (direct hits absent)
    suggestions: list[str]


def lookup(reader: Reader, query: str, agency: str = "", year: str = "", pillar: str = "") -> Result:
    """The search page's algorithm: every whitespace-separated term must match (itself or a synonym)."""
    meta = Meta.read(reader)
    synonyms = meta.raw["synonyms"]
    terms = [t for t in (norm(part) for part in re.split(SPACE.pattern + "+", query)) if t]
    if not terms:
        return Result(0, [], {}, [])
    hits: set[int] | None = None
    via: dict[int, set[str]] = defaultdict(set)
    direct: set[int] | None = None
    for term in terms:
        found: set[int] = set()
        for word in expand(term, synonyms):
            docs = set(term_docs(reader, meta, word))
            found |= docs
            if word == term:
                direct = docs if direct is None else direct & docs
            else:
                for d in docs:
                    via[d].add(word)
        hits = found if hits is None else hits & found
    assert hits is not None and direct is not None
    keep = _filter(meta, agency, year, pillar)
    hits = {d for d in hits if keep(d)}
    ids = sorted(hits & direct) + sorted(hits - direct)
    return Result(len(ids), ids, {d: sorted(via[d]) for d in ids if d not in direct},
                  [] if ids else related(terms, synonyms))


def _filter(meta: Meta, agency: str, year: str, pillar: str):
    raw = meta.raw
    agency_id = next((i for i, a in enumerate(raw["agencies"]) if a[0] == agency), -2) if agency else None
    pillar_id = next((i for i, p in enumerate(raw["pillars"]) if p[0] == pillar), -2) if pillar else None
    year_n = int(year) if year.isdigit() else (-2 if year else None)

    def keep(doc: int) -> bool:
        plan = meta.doc_plan[doc]
        return ((agency_id is None or raw["plans"][3 * plan] == agency_id)
                and (year_n is None or raw["plans"][3 * plan + 1] == year_n)
                and (pillar_id is None or meta.doc_pillar[doc] == pillar_id))
    return keep


def shown_docs(reader: Reader, meta_raw: dict, ids: list[int]) -> list[list[str]]:
    """The documents of one page of results (fetches their d/ shards)."""
    size = meta_raw["docShard"]
    return [reader.get(f"search/d/{d // size:x}.json")[d % size] for d in ids]


# ---- the build's entry point ------------------------------------------------------

def is_index_file(path: str) -> bool:
    """An output path `site_files` makes: search/meta.json and the shards under it (not the search page)."""
    return path.startswith("search/") and path.endswith(".json")


def site_files(model, config) -> dict[str, bytes]:
    """The index files for the site, with the synonym list site.toml names (paths.synonyms)."""
    with heap.no_cycle_collection():   # millions of lists and strings, no cycles (plansite/heap.py)
        return dict(index_file_items(site_index(model, config)))


def site_index(model, config) -> SearchIndex:
    """The site's documents, with the synonym list site.toml names (paths.synonyms)."""
    from .errors import BuildFailed, Problems  # noqa: PLC0415
    from .synonyms import load_synonyms  # noqa: PLC0415

    problems = Problems()
    groups = load_synonyms(config.path("synonyms"), problems)
    if problems.errors:
        raise BuildFailed(problems)
    return collect(model.plans, groups)
