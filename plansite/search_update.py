"""The published search index brought up to date after an edit, instead of made again whole (issue 13).

A build keeps, beside its output (.cache/search-<folder>.json, an `IndexRecord`), what its index was
made from: each plan's URL, first document and document count, a digest of its documents, each term
folder's total entry size (what its shard count comes from) and the digest of every index file.

When the next build has the same plans in the same order with the same numbers of documents (an
edit that changes wording, the common case), no document number moves. Then only the terms whose
documents changed within the edited plans get new entries: the shard files holding them, the
document files of the edited plans and meta.json are made again, from the previous files and the
new texts, and every other index file is the previous output's. The bytes are exactly those a whole
build makes (tests compare the two). Anything else (a plan added, removed or moved, a measure added
or removed, a shard count that would change, a previous file missing or not matching its digest, or
many plans edited at once) makes the whole index, as before.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import pathlib
import re
from collections import defaultdict
from dataclasses import dataclass

from . import buildcache, search, site as site_mod

FORMAT = 1
MAX_CHANGED_SHARE = 0.2       # documents in edited plans beyond this share (and MAX_CHANGED_FLOOR): the
MAX_CHANGED_FLOOR = 2_000     # whole index is quicker to make
_TOKEN = re.compile(f"[{re.escape(search.ALPHABET[32:])}]*[{re.escape(search.ALPHABET[:32])}]")


@dataclass
class IndexRecord:
    """What one build's search index was made from (stored as JSON beside the output)."""
    code: str                       # the program that made it (buildcache.code_key)
    plans: list[list]               # per plan, in order: [URL, first document, documents, digest]
    totals: dict[str, int]          # term folder -> sum of search.entry_size (its shard count)
    files: dict[str, str]           # index path -> digest of its bytes

    def to_json(self) -> dict:
        return {"format": FORMAT, "code": self.code, "plans": self.plans, "totals": self.totals,
                "files": self.files}

    @classmethod
    def from_json(cls, value) -> "IndexRecord | None":
        try:
            if value.get("format") != FORMAT:
                return None
            record = cls(str(value["code"]), [list(p) for p in value["plans"]],
                         {str(k): int(v) for k, v in value["totals"].items()},
                         {str(k): str(v) for k, v in value["files"].items()})
        except (AttributeError, KeyError, TypeError, ValueError):
            return None
        return record


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def plan_runs(index: search.SearchIndex) -> list[list]:
    """[URL, first document, documents, digest of the documents] per plan of the index, in order."""
    runs: list[list] = []
    start = 0
    docs = index.docs
    for number, plan in enumerate(index.plans):
        stop = start
        while stop < len(docs) and docs[stop].plan == number:
            stop += 1
        texts = json.dumps([[d.text, d.context, d.anchor] for d in docs[start:stop]], ensure_ascii=False)
        runs.append([site_mod.plan_url(plan), start, stop - start, digest(texts.encode("utf-8"))])
        start = stop
    return runs


def whole(index: search.SearchIndex, code: str):
    """Every index file, as search.index_file_items makes them, and then (last) the record of them:
    yields (path, bytes) pairs, and finally (None, IndexRecord)."""
    totals: dict[str, int] = {}
    files: dict[str, str] = {}
    for path, data in search.index_file_items(index, totals):
        files[path] = digest(data)
        yield path, data
    yield None, IndexRecord(code, plan_runs(index), totals, files)


def update(index: search.SearchIndex, record: IndexRecord | None, code: str, read):
    """(changed files {path: bytes}, new record) after an edit, or None when the whole index must be made.

    `read(path)` gives a previous index file's bytes, or None when it is missing or not what the record
    says it held; every file not in the changed ones stays as it is."""
    if record is None or record.code != code:
        return None
    runs = plan_runs(index)
    if [r[:3] for r in runs] != [r[:3] for r in record.plans]:
        return None          # document numbers moved
    edited = [(new[1], new[2]) for new, old in zip(runs, record.plans) if new[3] != old[3]]
    if sum(count for _start, count in edited) > max(MAX_CHANGED_FLOOR, MAX_CHANGED_SHARE * len(index.docs)):
        return None
    changed: dict[str, bytes] = {}
    # the edited documents' old texts, from the document files that hold them
    old_texts: dict[int, str] = {}
    for start, count in edited:
        for shard in range(start // search.DOC_SHARD, (start + count - 1) // search.DOC_SHARD + 1):
            path = search.doc_file(shard)
            if path in changed:
                continue
            data = read(path)
            if data is None:
                return None
            for offset, (text, _context, _anchor) in enumerate(json.loads(data)):
                old_texts[shard * search.DOC_SHARD + offset] = text
            changed[path] = search.doc_shard(index, shard)
    # which terms gained or lost which documents
    edits = _term_edits({doc: (search.norm(old_texts[doc]), search.norm(index.docs[doc].text))
                         for start, count in edited for doc in range(start, start + count)})
    totals = dict(record.totals)
    counts = {folder: search.shard_count(total) for folder, total in totals.items()}
    for folder, _make, _encode in search.TABLES:
        by_shard: dict[int, list[str]] = defaultdict(list)
        for term in edits[folder]:
            by_shard[search.shard_of(term, counts[folder])].append(term)
        for shard, terms in sorted(by_shard.items()):
            path = search.term_file(folder, shard)
            data = read(path)
            if data is None:
                return None
            entries = json.loads(data)
            for term in terms:
                before = entries.get(term)
                after = _patched(folder, before, edits[folder][term])
                totals[folder] += (search.entry_size(term, after) if after else 0) \
                    - (search.entry_size(term, before) if before else 0)
                if after:
                    entries[term] = after
                else:
                    entries.pop(term, None)
            changed[path] = search.dump(entries)
        if search.shard_count(totals[folder]) != counts[folder]:
            return None      # the folder would be split differently: every file changes
    changed[search.META] = search.dump(search.meta(index, counts))
    files = dict(record.files)
    files.update((path, digest(data)) for path, data in changed.items())
    if set(files) != set(record.files):
        return None
    return changed, IndexRecord(code, runs, totals, files)


def _term_edits(texts: dict[int, tuple[str, str]]) -> dict[str, dict[str, dict[int, object]]]:
    """folder -> term -> document -> its new entry there (True for u and b, the places for t; None: none)."""
    edits: dict[str, dict[str, dict[int, object]]] = {"u": defaultdict(dict), "b": defaultdict(dict),
                                                      "t": defaultdict(dict)}
    for doc, (old, new) in texts.items():
        if old == new:
            continue
        for folder, terms in (("u", lambda t: set(t)), ("b", lambda t: set(map("".join, zip(t, t[1:]))))):
            before, after = terms(old), terms(new)
            for term in before - after:
                edits[folder][term][doc] = None
            for term in after - before:
                edits[folder][term][doc] = True
        before, after = search.trigram_places(old), search.trigram_places(new)
        for gram in before.keys() | after.keys():
            if before.get(gram) != after.get(gram):
                edits["t"][gram][doc] = after.get(gram)
    return edits


def _patched(folder: str, value: str | None, edits: dict[int, object]) -> str:
    """A term's entry with these documents' changes applied ('' when no document is left)."""
    if folder == "t":
        places = dict(_position_entries(value or ""))
        for doc, where in edits.items():
            if where is None:
                places.pop(doc, None)
            else:
                places[doc] = where
        return search._encode_positions([x for doc, where in places.items() for x in ([doc], where)])
    docs = set(_ids(value or ""))
    for doc, present in edits.items():
        if present:
            docs.add(doc)
        else:
            docs.discard(doc)
    return search._encode_postings([sorted(docs)])


def _numbers(tokens: list[str]) -> list[int]:
    index = search.ALPHABET.index
    out = []
    for token in tokens:
        value, shift = 0, 0
        for ch in token:
            value |= (index(ch) & 31) << shift
            shift += 5
        out.append(value)
    return out


def _ids(value: str) -> list[int]:
    """A u/ or b/ entry's documents (search._encode_postings read back: the deltas, summed)."""
    return list(itertools.accumulate(search.decode(value)))


def _position_entries(value: str) -> list[tuple[int, str]]:
    """A t/ entry's (document, places as encoded) pairs (search._encode_positions read back)."""
    tokens = _TOKEN.findall(value)
    numbers = _numbers(tokens)
    out, last, i = [], 0, 0
    while i < len(tokens):
        last += numbers[i]
        count = numbers[i + 1]
        out.append((last, "".join(tokens[i + 1:i + 2 + count])))   # the count, the first place, the deltas
        i += 2 + count
    return out


@dataclass
class Written:
    """What PublishedIndex.write put into the staging folder."""
    paths: list[str]
    record: IndexRecord
    updated: int | None       # files made again when the index was updated; None: made whole


class PublishedIndex:
    """The search index the output folder holds, as the record beside it (.cache/search-<folder>.json)
    describes it. `write(stage, index)` puts the new index into the build's staging folder (updated,
    or whole); `save()` records it once the build is published."""

    def __init__(self, root: pathlib.Path, out: pathlib.Path) -> None:
        self.out = out
        self.path = root / ".cache" / f"search-{hashlib.sha256(str(out).encode()).hexdigest()[:16]}.json"
        self.pending: IndexRecord | None = None
        try:
            self.record = IndexRecord.from_json(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            self.record = None

    def read(self, path: str) -> bytes | None:
        """A previous index file, when it holds what the record says."""
        expected = self.record.files.get(path) if self.record else None
        if expected is None:
            return None
        file = self.out / path
        try:
            data = None if file.is_symlink() else file.read_bytes()
        except OSError:
            return None
        return data if data is not None and digest(data) == expected else None

    def write(self, stage, index: search.SearchIndex) -> "Written":
        """Every index file into `stage` (write.Stage.put, or keep for a previous file unchanged)."""
        code = buildcache.code_key()
        found = update(index, self.record, code, self.read)
        if found is not None and not all(self.read(path) is not None for path in found[1].files
                                         if path not in found[0]):
            found = None      # a previous file damaged since: nothing is written yet, so make it whole
        if found is None:
            paths = []
            for path, data in whole(index, code):
                if path is None:
                    return Written(paths, data, None)
                stage.put(path, data)
                paths.append(path)
        changed, record = found
        for path in record.files:
            if path in changed:
                stage.put(path, changed[path])
            else:
                stage.keep(path)
        return Written(list(record.files), record, len(changed))

    def save(self) -> None:
        if self.pending is not None:
            buildcache.write_json(self.path, self.pending.to_json())
