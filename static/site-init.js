/* Runs in <head>, before the first paint, so that nothing moves once the page shows:
   marks the page as scripted (html.ps-js: CSS then shows the 字級 buttons and folds the
   phone menu behind 選單) and applies a saved text size. Everything else is in site.js. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("ps-js");
  try {
    var size = window.localStorage.getItem("ps-font-size");
    if (size === "small" || size === "large") { root.classList.add("ps-size-" + size); }
  } catch (e) { /* storage blocked: the default size */ }
})();
