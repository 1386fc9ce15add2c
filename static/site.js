/* Enhancements only: every page works without this file.
   site-init.js (in <head>, before first paint) already marked <html class="ps-js"> and applied
   a saved text size, so the CSS shows the controls below in place and nothing moves now.
   1. 字級 (font size) buttons, remembered across pages in localStorage.
   2. 選單 (menu) button: on phones it shows and hides the main navigation.
   3. Client-side search over search-index.json on the search page. */
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

  function setUpSearch() {
    var form = document.querySelector("form[data-index]");
    if (!form) { return; }
    var input = form.querySelector("input[name=q]");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    if (!query.trim()) { return; }
    status.textContent = "搜尋中…";
    fetch(form.getAttribute("data-index"))
      .then(function (r) { return r.json(); })
      .then(function (entries) { show(entries, query.trim()); })
      .catch(function () {
        status.textContent = "無法載入搜尋資料。若您是直接開啟檔案，請改用網站伺服器瀏覽，或依機關、年度瀏覽。";
      });

    function show(entries, q) {
      var terms = q.toLowerCase().split(/\s+/);
      var base = form.getAttribute("data-index").replace(/search-index\.json$/, "");
      var hits = entries.filter(function (e) {
        var text = (e.t + " " + e.h + " " + e.x + " " + (e.n || "")).toLowerCase();
        return terms.every(function (t) { return text.indexOf(t) >= 0; });
      });
      status.textContent = "「" + q + "」共找到 " + hits.length + " 筆結果" + (hits.length > 100 ? "，顯示前 100 筆。" : "。");
      list.textContent = "";
      hits.slice(0, 100).forEach(function (e) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        var href = base + e.u;
        var hash = href.indexOf("#");
        a.href = hash >= 0 ? href.slice(0, hash) + "index.html" + href.slice(hash) : href + "index.html";
        a.textContent = e.t + "：" + e.h;
        var p = document.createElement("p");
        p.textContent = e.x.length > 160 ? e.x.slice(0, 160) + "…" : e.x;
        li.appendChild(a);
        li.appendChild(p);
        list.appendChild(li);
      });
    }
  }
})();
