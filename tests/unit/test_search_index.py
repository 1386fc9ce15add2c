"""The search index (plansite/search.py) over the seed plans: full recall and exact precision for terms
of one to four characters taken from the plans, looked up from the written shard files the way
static/site.js does; byte-identical output; the synonym file's checks."""
from __future__ import annotations

import collections
import pathlib
import subprocess
import sys

import pytest

from plansite import config as config_mod, markdown, pipeline, search, site as site_mod
from plansite.errors import Problems
from plansite.synonyms import load_synonyms
from support import REPO, seed_config


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    config = config_mod.load_config(seed_config(tmp_path_factory.mktemp("search")))
    return site_mod.build_site(pipeline.check(config).content, config)


def plan_documents(model) -> list[tuple[str, int, str]]:
    """(agency, year, plain text) of every measure (the opening's too) and section body, from the plan data."""
    out = []
    for plan in model.plans:
        measures = (plan.opening.measures if plan.opening else []) + [m for *_, m in plan.measures()]
        out += [(plan.agency.slug, plan.year, markdown.plain_text(m.text)) for m in measures]
        out += [(plan.agency.slug, plan.year, markdown.plain_text(s.body)) for s in plan.sections if s.body]
    return out


def written(tmp_path: pathlib.Path, index: search.SearchIndex) -> search.Reader:
    for path, data in search.index_files(index).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    return search.Reader(lambda path: (tmp_path / path).read_bytes())


def terms_from(docs: list[tuple[str, int, str]]) -> list[str]:
    """Terms of 1–4 characters drawn deterministically from the plans' text: common and rare characters,
    the words citizens look for, frequent bigrams, and 3- and 4-character slices of measures."""
    texts = [t for *_, t in docs]
    chars = collections.Counter(ch for t in texts for ch in t if not ch.isspace() and ch not in "，。、；：「」（）")
    ranked = [c for c, _ in chars.most_common()]
    grams = collections.Counter(t[i:i + 2] for t in texts for i in range(len(t) - 1)
                                if not any(c.isspace() or not c.isalnum() for c in t[i:i + 2]))
    ranked_grams = [g for g, _ in grams.most_common()]
    terms = ["長照", "社工", "申辦", "民眾", "網站", "LINE", "1999", "QR", "芋筍節", "滿意度", "單一窗口", "性侵害", "身心障礙"]
    terms += ranked[:10] + ranked[len(ranked) // 2:len(ranked) // 2 + 4] + ranked[-4:]
    terms += ranked_grams[:8] + ranked_grams[100:104] + ranked_grams[-3:]
    long_texts = sorted((t for t in texts if len(t) > 30), key=lambda t: (len(t), t))
    for t in long_texts[:: max(1, len(long_texts) // 8)][:8]:
        terms += [t[10:13], t[20:24]]
    return list(dict.fromkeys(t for t in terms if t.strip()))


def test_every_term_finds_exactly_the_documents_containing_it(model, tmp_path):
    docs = plan_documents(model)
    index = search.collect(model.plans)
    assert sorted((model.plans[d.plan].agency.slug, model.plans[d.plan].year, d.text) for d in index.docs) == sorted(docs)
    reader = written(tmp_path, index)
    terms = terms_from(docs)
    lengths = collections.Counter(len(t) for t in terms)
    assert len(terms) >= 50 and all(lengths[n] >= 5 for n in (1, 2, 3, 4)), lengths
    expected_total = found_total = 0
    for term in terms:
        want = collections.Counter(d for d in docs if search.norm(term) in search.norm(d[2]))
        assert all(term not in t or (a, y, t) in want for a, y, t in docs)   # plain substrings are among them
        result = search.lookup(reader, term)
        got = collections.Counter((model.plans[index.docs[i].plan].agency.slug, model.plans[index.docs[i].plan].year,
                                   index.docs[i].text) for i in result.ids)
        assert got == want, term
        assert result.total == len(result.ids) == sum(want.values())
        expected_total += sum(want.values())
        found_total += sum((got & want).values())
    print(f"\nsearch recall on {len(terms)} terms ({dict(sorted(lengths.items()))} by length): "
          f"{found_total}/{expected_total} = {found_total / expected_total:.0%}, precision exact")
    assert found_total == expected_total


def test_normalising_ignores_whitespace_width_and_case(model, tmp_path):
    reader = written(tmp_path, search.collect(model.plans))
    assert search.norm("Ｌｉｎｅ  客服\n") == "line客服"
    assert search.lookup(reader, "line").ids == search.lookup(reader, "ＬＩＮＥ").ids != []
    # several terms: all must match
    both = set(search.lookup(reader, "長照 民眾").ids)
    assert both == set(search.lookup(reader, "長照").ids) & set(search.lookup(reader, "民眾").ids)
    assert search.lookup(reader, "   ").total == 0


def test_filters_keep_only_the_chosen_agency_year_and_pillar(model, tmp_path):
    index = search.collect(model.plans)
    reader = written(tmp_path, index)
    everything = search.lookup(reader, "民眾").ids
    for agency, year, pillar in (("kaohsiung-jiasian-district", "", ""), ("", "113", ""), ("", "", "six-pillars-3"),
                                 ("kaohsiung-senior-center", "113", "six-pillars-1"), ("nobody", "", "")):
        ids = search.lookup(reader, "民眾", agency=agency, year=year, pillar=pillar).ids
        want = [i for i in everything
                if (not agency or model.plans[index.docs[i].plan].agency.slug == agency)
                and (not year or str(model.plans[index.docs[i].plan].year) == year)
                and (not pillar or (index.docs[i].pillar >= 0 and index.pillars[index.docs[i].pillar][0] == pillar))]
        assert ids == want, (agency, year, pillar)


def test_synonyms_widen_and_suggest(model, tmp_path):
    groups = load_synonyms(REPO / "synonyms.yaml", Problems())
    assert 30 <= len(groups) <= 60
    reader = written(tmp_path, search.collect(model.plans, groups))
    older = search.lookup(reader, "高齡")
    direct = set(search.lookup(written(tmp_path / "plain", search.collect(model.plans)), "高齡").ids)
    assert older.total > len(direct)
    assert older.ids[:len(direct)] == sorted(direct)            # the query's own hits first
    assert all(set(words) <= {"老人", "長輩", "長者", "銀髮", "老年人"} for words in older.via.values())
    assert older.via and not older.suggestions
    nothing = search.lookup(reader, "老年")
    assert nothing.total == 0 and "老人" in nothing.suggestions


def test_index_bytes_are_deterministic(model, tmp_path):
    groups = load_synonyms(REPO / "synonyms.yaml", Problems())
    first = search.index_files(search.collect(model.plans, groups))
    again = search.index_files(search.collect(model.plans, groups))
    assert first == again and list(first) == list(again)
    config = config_mod.load_config(seed_config(tmp_path))
    fresh = site_mod.build_site(pipeline.check(config).content, config)
    assert search.index_files(search.collect(fresh.plans, groups)) == first


def test_varints_round_trip_and_shards_spread():
    numbers = [0, 1, 31, 32, 1023, 1024, 99999, 2 ** 31 - 1]
    assert search.decode(search.encode(numbers)) == numbers
    assert search.encode([5, 40]) == "FoB"          # 5; 40 = 8 + 32·1: "o" (8, more follows), "B" (1)
    assert {search.shard_of(t, 8) for t in ("長照", "社工", "民眾", "服務", "申辦", "網站", "線上", "志工")} != {0}
    assert search.shard_of("長照", 1) == 0


def test_every_measure_has_a_unique_anchor_on_its_plan_page(model):
    for plan in model.plans:
        placed = site_mod.placed_measures(plan)
        anchors = [p.anchor for p in placed]
        assert len(anchors) == len(set(anchors)) == len(list(plan.measures())) + len(plan.opening.measures if plan.opening else [])
        ids = site_mod.MeasureAnchors(plan)
        assert [ids(p.measure) for p in placed] == anchors


# ---- the synonym file ---------------------------------------------------------

def problems_for(tmp_path: pathlib.Path, text: str) -> list[str]:
    path = tmp_path / "synonyms.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    load_synonyms(path, problems)
    return [str(p) for p in problems.items]


@pytest.mark.parametrize("text, where, message", [
    ("groups:\n  - [高齡, 老人\n", ":2:5", "沒有對應的「]」"),                          # unclosed bracket
    ("- [高齡, 老人]\n", ":1:1", "最上層應該是「groups:」"),
    ("groups: 高齡\n", ":1:9", "應該是清單"),
    ("groups:\n  - 高齡\n", ":2:5", "應該是詞的清單"),
    ("groups:\n  - [高齡]\n", ":2:5", "至少要兩個"),
    ("groups:\n  - [高齡, 老人]\n  - [長者, 老人]\n", ":3:10", "重複"),
    ("groups:\n  - [高齡, 老 人]\n", ":2:10", "含有空白"),
    ("groups:\n  - [高齡, 123]\n", ":2:10", "應該是文字"),
    ("groups:\n  - [高齡, 老人]\nextra: 1\n", ":3:1", "不認得"),
])
def test_synonym_file_problems_are_located_in_chinese(tmp_path, text, where, message):
    found = problems_for(tmp_path, text)
    assert found, text
    assert any(where in p and message in p for p in found), found


def test_missing_synonym_file_means_no_synonyms(tmp_path):
    problems = Problems()
    assert load_synonyms(tmp_path / "none.yaml", problems) == [] and not problems.items


def test_a_bad_synonym_file_fails_the_build_with_a_message_not_a_traceback(tmp_path):
    bad = tmp_path / "bad-synonyms.yaml"
    bad.write_text("groups:\n  - [高齡]\n", encoding="utf-8")
    config = seed_config(tmp_path, paths={"synonyms": bad.as_posix()})
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(config), "build", "--out",
                             str(tmp_path / "_site"), "--no-pdf", "--no-qr", "--quiet"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1
    assert "bad-synonyms.yaml:2:5" in result.stderr + result.stdout and "至少要兩個" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "_site").exists()


def test_check_reports_a_broken_synonym_file_like_a_plan(tmp_path):
    import subprocess
    import sys

    from support import make_project

    root = make_project(tmp_path, {"synonyms.yaml": "groups:\n  - [高齡, 老人]\n  - 偏鄉\n"})
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "check"],
                            capture_output=True, text=True, cwd=root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "synonyms.yaml:3:" in result.stderr + result.stdout
