/* Enhancements only: every page works without this file.
   site-init.js (in <head>, before first paint) already marked <html class="ps-js"> and applied
   a saved text size, so the CSS shows the controls below in place and nothing moves now.
   1. 字級 (font size) buttons, remembered across pages in localStorage.
   2. 選單 (menu) button: on phones it shows and hides the main navigation.
   3. Search on the search page over the sharded index in search/ (see setUpSearch). */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "ps-font-size";
  var sizes = ["small", "medium", "large"];

  function applySize(size) {
    sizes.forEach(function (s) { root.classList.remove("ps-size-" + s); });
    if (size !== "medium") { root.classList.add("ps-size-" + size); }
    var buttons = document.querySelectorAll(".ps-fontsize button");
    Array.prototype.forEach.call(buttons, function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-size") === size ? "true" : "false");
    });
  }

  var saved = null;
  try { saved = window.localStorage.getItem(KEY); } catch (e) { saved = null; }
  if (sizes.indexOf(saved) >= 0) { applySize(saved); }

  document.addEventListener("DOMContentLoaded", function () {
    var group = document.querySelector(".ps-fontsize");
    if (group) {
      group.hidden = false;
      applySize(sizes.indexOf(saved) >= 0 ? saved : "medium");
      group.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-size]");
        if (!button) { return; }
        var size = button.getAttribute("data-size");
        applySize(size);
        try { window.localStorage.setItem(KEY, size); } catch (e) { /* private mode: size applies to this page only */ }
      });
    }
    setUpMenu();
    setUpSearch();
  });

  function setUpMenu() {
    var toggle = document.querySelector(".ps-menu-toggle");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) { return; }
    toggle.hidden = false;   // CSS shows it on narrow screens only
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("ps-header__menu--open", open);
    }
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu and puts focus back on its button.
    menu.parentNode.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || toggle.getAttribute("aria-expanded") !== "true") { return; }
      if (event.target !== toggle && !menu.contains(event.target)) { return; }
      if (getComputedStyle(toggle).display === "none") { return; }   // wide screen: no menu to close
      setOpen(false);
      toggle.focus();
    });
  }

  /* Search over the static index plansite/search.py writes (its lookup() is this code's Python mirror,
     benchmarks/search_size.py counts what it downloads). A query fetches search/meta.json, the shard of
     each of its bigrams (search/b/; search/u/ for one character; search/t/ trigrams and positions for three or more)
     and the documents of the results shown (search/d/). Counts are exact from the index alone. */
  var SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/g;
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  function normChar(ch) { return ch.normalize("NFKC").toLowerCase().replace(SPACE, ""); }
  function norm(text) { return Array.from(text).map(normChar).join(""); }

  function shardOf(term, count) {
    var h = 2166136261;
    Array.from(term).forEach(function (ch) { h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0; });
    return (h & (count - 1)).toString(16);
  }

  function decode(text) {
    var out = [], value = 0, mul = 1;
    for (var i = 0; i < text.length; i++) {
      var d = ALPHABET.indexOf(text.charAt(i));
      value += (d & 31) * mul;
      mul *= 32;
      if (!(d & 32)) { out.push(value); value = 0; mul = 1; }
    }
    return out;
  }

  function makeIndex(base) {
    var files = {};
    function get(path) {
      if (!files[path]) {
        files[path] = fetch(base + path).then(function (r) {
          if (!r.ok) { throw new Error(path + ": " + r.status); }
          return r.json();
        });
      }
      return files[path];
    }
    var meta = get("meta.json").then(function (raw) {
      var runs = decode(raw.runs), docPlan = [], docPillar = [], plan = 0;
      for (var i = 0; i < runs.length; i += 3) {
        plan += runs[i];
        for (var k = 0; k < runs[i + 2]; k++) { docPlan.push(plan); docPillar.push(runs[i + 1] - 1); }
      }
      raw.docPlan = docPlan;
      raw.docPillar = docPillar;
      raw.groups = raw.synonyms.map(function (g) { return g.map(norm); });
      return raw;
    });

    function postings(m, folder, term) {
      return get(folder + "/" + shardOf(term, m.shards[folder]) + ".json").then(function (shard) {
        var total = 0;
        return decode(shard[term] || "").map(function (d) { total += d; return total; });
      });
    }

    // A trigram's documents, each with the places it occurs at.
    function positions(m, gram) {
      return get("t/" + shardOf(gram, m.shards.t) + ".json").then(function (shard) {
        var flat = decode(shard[gram] || ""), out = new Map(), i = 0, doc = 0;
        while (i < flat.length) {
          doc += flat[i];
          var n = flat[i + 1], places = new Set(), at = 0;
          for (var k = 0; k < n; k++) { at = flat[i + 2 + k] + (k ? at : 0); places.add(at); }
          out.set(doc, places);
          i += 2 + n;
        }
        return out;
      });
    }

    // Documents whose normalised text contains `term` (normalised), exactly.
    function termDocs(m, term) {
      var chars = Array.from(term);
      if (chars.length === 1) { return postings(m, "u", term); }
      if (chars.length === 2) { return postings(m, "b", term); }
      var offsets = [];   // trigrams at offsets 0, 3, 6 … and the last one cover every character
      for (var o = 0; o < chars.length - 2; o += 3) { offsets.push(o); }
      if (offsets[offsets.length - 1] !== chars.length - 3) { offsets.push(chars.length - 3); }
      return Promise.all(offsets.map(function (o) { return positions(m, chars.slice(o, o + 3).join("")); }))
        .then(function (maps) {
          var hits = [];
          maps[0].forEach(function (starts, doc) {
            if (!maps.every(function (mp) { return mp.has(doc); })) { return; }
            for (var s of starts) {
              if (offsets.every(function (o, k) { return maps[k].get(doc).has(s + o); })) { hits.push(doc); return; }
            }
          });
          return hits.sort(function (a, b) { return a - b; });
        });
    }

    function expand(m, term) {
      var out = [term];
      m.groups.forEach(function (words) {
        if (words.indexOf(term) >= 0) {
          words.forEach(function (w) { if (out.indexOf(w) < 0) { out.push(w); } });
        }
      });
      return out;
    }

    // Suggestions for a query that found nothing: the words of the synonym groups sharing the most characters
    // with it (two or more; one only when no group shares two), best group first; not what was searched, nor
    // words containing a query term (they cannot have hits either).
    function related(m, terms) {
      var searched = new Set(), chars = new Set(Array.from(terms.join(""))), scored = [], out = [];
      terms.forEach(function (t) { expand(m, t).forEach(function (w) { searched.add(w); }); });
      var shares = m.synonyms.map(function (group) {
        var best = 0;
        group.forEach(function (word) {
          var shared = 0;
          new Set(Array.from(norm(word))).forEach(function (c) { if (chars.has(c)) { shared++; } });
          best = Math.max(best, shared);
        });
        return best;
      });
      var need = shares.some(function (n) { return n >= 2; }) ? 2 : 1;   // one shared character only when nothing shares two
      shares.forEach(function (shared, gi) { if (shared >= need) { scored.push([-shared, gi]); } });
      scored.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
      scored.forEach(function (s) {
        m.synonyms[s[1]].forEach(function (word) {
          var n = norm(word);
          if (!searched.has(n) && !terms.some(function (t) { return n.indexOf(t) >= 0; }) && out.indexOf(word) < 0) {
            out.push(word);
          }
        });
      });
      return out.slice(0, 8);
    }

    // Every term (split on spaces) must match, itself or one of its synonyms; then the filters.
    function lookup(query, filters) {
      return meta.then(function (m) {
        var terms = query.split(new RegExp(SPACE.source + "+")).map(norm).filter(Boolean);
        if (!terms.length) {   // nothing left after normalising (e.g. only spaces of another kind)
          return {meta: m, terms: [], words: [], ids: [], direct: new Set(), via: new Map(), synonyms: [], suggestions: []};
        }
        var words = terms.map(function (t) { return expand(m, t); });
        var jobs = [];
        words.forEach(function (ws) { ws.forEach(function (w) { jobs.push(termDocs(m, w)); }); });
        return Promise.all(jobs).then(function (lists) {
          var hits = null, direct = null, via = new Map(), j = 0;
          terms.forEach(function (term, ti) {
            var found = new Set();
            words[ti].forEach(function (word) {
              var docs = lists[j++];
              docs.forEach(function (d) { found.add(d); });
              if (word === term) {
                var set = new Set(docs);
                direct = direct === null ? set : new Set(Array.from(direct).filter(function (d) { return set.has(d); }));
              } else {
                docs.forEach(function (d) { if (!via.has(d)) { via.set(d, []); } via.get(d).push(word); });
              }
            });
            hits = hits === null ? found : new Set(Array.from(hits).filter(function (d) { return found.has(d); }));
          });
          var agency = filters.agency ? m.agencies.findIndex(function (a) { return a[0] === filters.agency; }) : null;
          var pillar = filters.pillar ? m.pillars.findIndex(function (p) { return p[0] === filters.pillar; }) : null;
          var year = filters.year ? (/^\d+$/.test(filters.year) ? Number(filters.year) : -2) : null;
          var kept = Array.from(hits || []).filter(function (d) {
            var plan = m.docPlan[d];
            return (agency === null || m.plans[3 * plan] === agency) && (year === null || m.plans[3 * plan + 1] === year) &&
              (pillar === null || m.docPillar[d] === pillar);
          }).sort(function (a, b) { return a - b; });
          var ids = kept.filter(function (d) { return direct.has(d); })
            .concat(kept.filter(function (d) { return !direct.has(d); }));
          var all = [];
          words.forEach(function (ws) { ws.forEach(function (w) { if (all.indexOf(w) < 0) { all.push(w); } }); });
          return {meta: m, terms: terms, words: all, ids: ids, direct: direct, via: via,
                  synonyms: all.filter(function (w) { return terms.indexOf(w) < 0; }),
                  suggestions: ids.length ? [] : related(m, terms)};
        });
      });
    }

    function docs(m, ids) {
      return Promise.all(ids.map(function (d) {
        return get("d/" + Math.floor(d / m.docShard).toString(16) + ".json").then(function (rows) { return rows[d % m.docShard]; });
      }));
    }

    return {lookup: lookup, docs: docs};
  }

  // [start, end) UTF-16 ranges of `text` where any of `words` (normalised) occurs, normalised alike.
  function matches(text, words) {
    var chars = [], from = [], to = [], at = 0, out = [];
    Array.from(text).forEach(function (ch) {
      Array.from(normChar(ch)).forEach(function (c) { chars.push(c); from.push(at); to.push(at + ch.length); });
      at += ch.length;
    });
    words.forEach(function (word) {
      var needle = Array.from(word);
      for (var s = 0; s + needle.length <= chars.length; s++) {
        var k = 0;
        while (k < needle.length && chars[s + k] === needle[k]) { k++; }
        if (k === needle.length) { out.push([from[s], to[s + k - 1]]); }
      }
    });
    out.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) { last[1] = Math.max(last[1], r[1]); } else { merged.push(r.slice()); }
    });
    return merged;
  }

  // The text (cut to about 200 characters around the first match) with every match in <mark>.
  function highlighted(text, words) {
    var ranges = matches(text, words), start = 0, end = text.length, frag = document.createDocumentFragment();
    if (text.length > 200) {
      start = ranges.length ? Math.max(0, ranges[0][0] - 60) : 0;
      end = Math.min(text.length, start + 200);
    }
    var at = start;
    if (start > 0) { frag.appendChild(document.createTextNode("…")); }
    ranges.forEach(function (r) {
      if (r[1] <= at || r[0] >= end) { return; }
      var s = Math.max(r[0], at);
      frag.appendChild(document.createTextNode(text.slice(at, s)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(s, Math.min(r[1], end));
      frag.appendChild(mark);
      at = Math.min(r[1], end);
    });
    frag.appendChild(document.createTextNode(text.slice(at, end) + (end < text.length ? "…" : "")));
    return frag;
  }

  function quoted(words) { return words.map(function (w) { return "「" + w + "」"; }).join("、"); }

  function setUpSearch() {
    var form = document.querySelector("form[data-index]");
    if (!form) { return; }
    var index = makeIndex(form.getAttribute("data-index").replace(/meta\.json$/, ""));
    // the index sits at search/ under the site's root, and the plan URLs it holds are relative to that root
    var siteBase = new URL("../", new URL(form.getAttribute("data-index"), window.location.href)).href;
    var fields = ["q", "agency", "year", "pillar"];
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var more = document.getElementById("search-more");
    var suggest = document.getElementById("search-suggest");
    var current = null, shown = 0, run = 0;

    function fromUrl() {
      var params = new URLSearchParams(window.location.search);
      fields.forEach(function (name) {
        var field = form.elements[name];
        var value = params.get(name) || "";
        if (field.tagName === "SELECT" && !Array.prototype.some.call(field.options, function (o) { return o.value === value; })) {
          value = "";
        }
        field.value = value;
      });
    }

    function toUrl(replace) {
      var params = new URLSearchParams();
      fields.forEach(function (name) { var v = form.elements[name].value.trim(); if (v) { params.set(name, v); } });
      var url = window.location.pathname + (params.toString() ? "?" + params.toString() : "");
      if (replace) { history.replaceState(null, "", url); } else { history.pushState(null, "", url); }
    }

    function filterText() {
      var parts = [];
      ["agency", "year", "pillar"].forEach(function (name) {
        var field = form.elements[name];
        if (field.value) { parts.push(field.options[field.selectedIndex].text); }
      });
      return parts.length ? "（篩選：" + parts.join("、") + "）" : "";
    }

    function search() {
      var query = form.elements.q.value.trim();
      var mine = ++run;
      list.textContent = "";
      suggest.textContent = "";
      suggest.hidden = true;
      more.hidden = true;
      current = null;
      shown = 0;
      if (!query) { status.textContent = ""; return; }
      status.textContent = "搜尋中…";
      index.lookup(query, {agency: form.elements.agency.value, year: form.elements.year.value, pillar: form.elements.pillar.value})
        .then(function (result) {
          if (mine !== run) { return; }
          current = result;
          if (!result.ids.length) {
            status.textContent = "「" + query + "」" + filterText() + "沒有找到結果。" +
              (result.synonyms.length ? "已一併搜尋同義詞" + quoted(result.synonyms) + "。" : "");
            showSuggestions(result.suggestions);
            return;
          }
          return page(false);
        })
        .catch(function () {
          if (mine !== run) { return; }
          status.textContent = "無法載入搜尋資料。若您是直接開啟檔案，請改用網站伺服器瀏覽，或依機關、年度瀏覽。";
        });
    }

    function showSuggestions(words) {
      if (!words.length) { return; }
      var p = document.createElement("p");
      p.textContent = "您可以試試相關的詞：";
      var ul = document.createElement("ul");
      ul.className = "ps-chips";
      words.forEach(function (w) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = "?q=" + encodeURIComponent(w);
        a.textContent = w;
        li.appendChild(a);
        ul.appendChild(li);
      });
      suggest.appendChild(p);
      suggest.appendChild(ul);
      suggest.hidden = false;
    }

    // Show the next page of results; `focusFirst` moves focus to the first new one (the 更多 button's click).
    function page(focusFirst) {
      var result = current, m = result.meta, ids = result.ids.slice(shown, shown + m.pageSize), mine = run;
      return index.docs(m, ids).then(function (rows) {
        if (mine !== run) { return; }
        var first = null;
        rows.forEach(function (row, i) {
          var d = ids[i], plan = m.docPlan[d], agency = m.agencies[m.plans[3 * plan]];
          var li = document.createElement("li");
          li.className = "ps-result";
          var a = document.createElement("a");
          a.className = "ps-result__link";
          a.href = siteBase + agency[2] + m.plans[3 * plan + 2] + "index.html#" + row[2];
          var where = Array.from(row[1]);     // the row's label: long item titles are cut, the measure says the rest
          a.textContent = agency[1] + " " + m.plans[3 * plan + 1] + " 年：" + (where.length > 40 ? where.slice(0, 38).join("") + "…" : row[1]);
          var meta = document.createElement("p");
          meta.className = "ps-result__meta";
          var pillar = m.docPillar[d] >= 0 ? m.pillars[m.docPillar[d]][1] : "計畫章節";
          meta.textContent = pillar + (result.via.has(d) && !result.direct.has(d) ? "｜同義詞：" + result.via.get(d).join("、") : "");
          var text = document.createElement("p");
          text.className = "ps-result__text";
          text.appendChild(highlighted(row[0], result.words));
          li.appendChild(a);
          li.appendChild(meta);
          li.appendChild(text);
          list.appendChild(li);
          first = first || a;
        });
        shown += rows.length;
        var total = result.ids.length, query = form.elements.q.value.trim();
        var directCount = result.ids.filter(function (d) { return result.direct.has(d); }).length;
        var text = "「" + query + "」" + filterText() + "共找到 " + total + " 筆結果";
        if (directCount < total) {
          text += "，其中 " + (total - directCount) + " 筆來自同義詞" + quoted(result.synonyms);
        }
        text += total > shown ? "，目前顯示前 " + shown + " 筆。" : "。";
        status.textContent = text;
        more.hidden = total <= shown;
        if (focusFirst && first) { first.focus(); }
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      toUrl(false);
      search();
    });
    ["agency", "year", "pillar"].forEach(function (name) {
      form.elements[name].addEventListener("change", function () { toUrl(true); search(); });
    });
    more.addEventListener("click", function () { if (current) { page(true); } });
    window.addEventListener("popstate", function () { fromUrl(); search(); });
    fromUrl();
    search();
  }
})();
