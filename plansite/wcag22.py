"""Checks for what WCAG 2.2 (and so 網站無障礙規範 115.11) added, run in a real Chromium page.

Freego cannot check these (they are manual E codes), so the test suite and `check --a11y`
prove them with these functions, shared by both:

- tab_walk(page): Tab through the page; every stop is visible and not covered by another
  element (elementFromPoint at the corners and centre), 2.4.11 FA2241100E.
- fragment_targets(page): after following each in-page link (the skip link included), its
  target is in view and not covered, 2.4.11.
- small_targets(page): every pointer target is at least 24×24 CSS px, or meets the spacing
  exception, or sits inside a sentence, 2.5.8 CS2250800E. Measured from bounding boxes.
- help_links(page): the links in the header and footer, in order; 聯絡我們 must keep the same
  relative position on every page, 3.2.6 GN1320600E.
- interaction_findings(page): drag handlers (2.5.7 FA2250700E), password fields (3.3.8
  HM2330800E/FA2330801E), and any form that is not the one-field search (its filter menus aside) (3.3.7 GN1330700E).
  Needs INIT_SCRIPT added to the browser context before the page loads.

Each returns plain data (lists of dicts or strings); the callers decide how to report.
"""
from __future__ import annotations

from dataclasses import dataclass

HELP_TEXT = "聯絡我們"
MIN_TARGET = 24  # CSS px, WCAG 2.5.8

# Records every event type a script listens for, so a drag handler cannot hide in JavaScript.
INIT_SCRIPT = """(() => {
  const seen = window.__psListeners = new Set();
  const original = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type, ...rest) {
    seen.add(String(type));
    return original.call(this, type, ...rest);
  };
})();"""

# Where on a box to probe: near each corner and at the centre; only the part inside the viewport.
_VISIBILITY = """(el) => {
  const name = (n) => n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') +
      (n.className && typeof n.className === 'string' ? '.' + n.className.trim().split(/\\s+/).join('.') : '');
  // what covers the point, and the page region it belongs to (a sticky footer, a dialog…)
  const describe = (n) => {
    if (!n) return 'nothing';
    const region = n.parentElement && n.parentElement.closest('header, footer, nav, aside, dialog, [role=dialog]');
    return name(n) + (region ? ` in ${name(region)}` : '');
  };
  const rects = [...el.getClientRects()].filter(r => r.width > 0 && r.height > 0);
  if (!rects.length) return {visible: false, covered: [], reason: 'no box'};
  const r = rects[0];
  const left = Math.max(r.left, 0), top = Math.max(r.top, 0);
  const right = Math.min(r.right, window.innerWidth), bottom = Math.min(r.bottom, window.innerHeight);
  if (right - left < 1 || bottom - top < 1) return {visible: false, covered: [], reason: 'out of view'};
  // 8 px in from each corner (a rounded corner is not the element's), at most a quarter of the box
  const dx = Math.min(8, (right - left) / 4), dy = Math.min(8, (bottom - top) / 4);
  const points = [[left + dx, top + dy], [right - dx, top + dy], [left + dx, bottom - dy], [right - dx, bottom - dy],
                  [(left + right) / 2, (top + bottom) / 2]];
  const covered = [];
  for (const [x, y] of points) {
    const hit = document.elementFromPoint(x, y);
    if (!hit || !(hit === el || el.contains(hit))) covered.push(`(${Math.round(x)},${Math.round(y)}) ${describe(hit)}`);
  }
  return {visible: covered.length === 0, covered, reason: covered.length ? 'covered' : ''};
}"""

_FOCUS_STATE = """() => {
  const check = """ + _VISIBILITY + """;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const s = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), id: el.id || '',
    text: (el.textContent || el.value || el.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ').slice(0, 40),
    href: el.getAttribute('href'),
    index: [...document.querySelectorAll('*')].indexOf(el),
    indicator: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
    ...check(el),
  };
}"""


@dataclass
class Stop:
    """One Tab stop: what has focus, and whether a reader can see it."""
    tag: str
    id: str
    text: str
    href: str | None
    index: int
    indicator: bool       # a visible focus outline or ring
    visible: bool         # in view and not covered anywhere we probe
    covered: list
    reason: str

    def describe(self) -> str:
        name = self.text or self.href or self.id
        where = f"：{'、'.join(self.covered[:2])}" if self.covered else ""
        return f"<{self.tag}> 「{name}」 {self.reason}{where}"


def focusable_count(page) -> int:
    return page.evaluate("""() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
        .filter(el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length > 0 && !el.closest('[hidden]')
                && getComputedStyle(el).visibility !== 'hidden').length""")


def tab_walk(page, limit: int | None = None) -> list[Stop]:
    """Press Tab from the top of the page until focus leaves it; the state of every stop.

    Stops when focus leaves the page or wraps round to the first stop (no keyboard trap), or after
    `limit` presses (default: the number of focusable elements + 1)."""
    limit = limit if limit is not None else focusable_count(page) + 1
    page.evaluate("() => { window.scrollTo(0, 0); if (document.activeElement) document.activeElement.blur(); }")
    stops: list[Stop] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(_FOCUS_STATE)
        if state is None or (stops and state["index"] == stops[0].index):
            break   # focus left the page, or wrapped round to the first stop
        stops.append(Stop(**state))
    return stops


def obscured(stops: list[Stop]) -> list[str]:
    """The stops a sighted keyboard user could not see (2.4.11)."""
    return [s.describe() for s in stops if not s.visible]


def fragment_targets(page, limit: int = 80) -> list[str]:
    """Follow each distinct in-page link by keyboard; its target must end up visible and uncovered.

    Returns findings, e.g. '「目錄」→ #toc-title: covered (10,5) header.ps-header'."""
    # a link to itself (a 導盲磚) keeps focus where tab_walk already checked it
    hrefs = page.evaluate("""() => [...new Set([...document.querySelectorAll('a[href^="#"]')]
        .filter(a => a.getAttribute('href').length > 1 && a.getClientRects().length
                && a.getAttribute('href') !== '#' + a.id)
        .map(a => a.getAttribute('href')))]""")
    findings = []
    for href in hrefs[:limit]:
        page.evaluate("() => window.scrollTo(0, 0)")
        link = page.locator(f'a[href="{href}"]').first
        link.focus()
        text = link.inner_text().strip()[:30]
        page.keyboard.press("Enter")
        page.wait_for_function("(h) => location.hash === h", arg=href, timeout=2000)
        state = page.evaluate("""() => {
            const check = """ + _VISIBILITY + """;
            const el = document.activeElement && document.activeElement !== document.body
                ? document.activeElement : document.querySelector(':target');
            return el ? check(el) : {visible: false, covered: [], reason: 'no target'};
        }""")
        if not state["visible"]:
            where = f" {'、'.join(state['covered'][:2])}" if state["covered"] else ""
            findings.append(f"「{text}」→ {href}: {state['reason']}{where}")
    return findings


_TARGETS = """(min) => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  const describe = (n) => n.tagName.toLowerCase() + (n.id ? '#' + n.id : '') +
      ` 「${(n.textContent || n.value || n.getAttribute('aria-label') || '').trim().replace(/\\s+/g, ' ').slice(0, 30)}」`;
  const isInline = (el) => getComputedStyle(el).display === 'inline';
  // WCAG 2.5.8 inline exception: a target inside a sentence, sized by the text's line height.
  const inSentence = (el) => {
    if (!isInline(el)) return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    if (!block) return false;
    const clone = block.cloneNode(true);
    clone.querySelectorAll(selector).forEach(n => n.remove());
    return clone.textContent.replace(/[\\s（）()、，。：:|｜]/g, '').length > 0;
  };
  const sx = window.scrollX, sy = window.scrollY;
  const targets = [...document.querySelectorAll(selector)].filter(el => {
    if (el.closest('[hidden]') || el.closest('[inert]')) return false;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    // off-screen until focused (the skip link) or clipped away (visually hidden text)
    if (r.bottom + sy <= 0 || r.right + sx <= 0) return false;
    for (let a = el; a; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.clipPath && cs.clipPath.startsWith('inset(50%')) return false;
    }
    return true;
  }).map(el => {
    const r = el.getBoundingClientRect();
    return {el, left: r.left + sx, top: r.top + sy, right: r.right + sx, bottom: r.bottom + sy,
            width: r.width, height: r.height};
  });
  const small = [];
  for (const t of targets) {
    if (t.width >= min - 0.01 && t.height >= min - 0.01) continue;
    if (inSentence(t.el)) continue;
    // Spacing exception: a 24 px circle on the target's centre meets no other target,
    // and no other undersized target's circle.
    const cx = (t.left + t.right) / 2, cy = (t.top + t.bottom) / 2, radius = min / 2;
    const clash = targets.find(o => {
      if (o === t || o.el.contains(t.el) || t.el.contains(o.el)) return false;
      const nx = Math.max(o.left, Math.min(cx, o.right)), ny = Math.max(o.top, Math.min(cy, o.bottom));
      if (Math.hypot(cx - nx, cy - ny) < radius - 0.01) return true;
      const oSmall = o.width < min - 0.01 || o.height < min - 0.01;
      if (oSmall && !inSentence(o.el)) {
        const ox = (o.left + o.right) / 2, oy = (o.top + o.bottom) / 2;
        return Math.hypot(cx - ox, cy - oy) < min - 0.01;
      }
      return false;
    });
    if (clash) small.push({target: describe(t.el), width: Math.round(t.width * 10) / 10,
                           height: Math.round(t.height * 10) / 10, near: describe(clash.el)});
  }
  return {count: targets.length, small};
}"""


def small_targets(page) -> tuple[int, list[str]]:
    """(targets measured, findings) for 2.5.8 on the page as laid out now."""
    result = page.evaluate(_TARGETS, MIN_TARGET)
    return result["count"], [f"{s['target']} {s['width']}×{s['height']} px，離 {s['near']} 太近"
                             for s in result["small"]]


def help_links(page) -> list[str]:
    """The texts of the header's and footer's links, in page order (3.2.6 compares these)."""
    return page.evaluate("""() => [...document.querySelectorAll('body > header a[href], body > footer a[href]')]
        .map(a => a.textContent.trim() || a.getAttribute('title') || '')""")


def help_position(links: list[str]) -> tuple[int, int] | None:
    """Where 聯絡我們 sits among the header and footer links, counted from both ends; None if absent."""
    if links.count(HELP_TEXT) != 1:
        return None
    i = links.index(HELP_TEXT)
    return i, len(links) - i


def interaction_findings(page) -> list[str]:
    """What 2.5.7, 3.3.7 and 3.3.8 rule out on this site: drag, forms beyond search, passwords."""
    state = page.evaluate("""() => {
      const listeners = [...(window.__psListeners || [])];
      const describe = (n) => n.outerHTML.slice(0, 100);
      const drag = [...document.querySelectorAll('[draggable="true"], [ondragstart], [ondrag], [ondrop], [ondragover]')]
        .map(describe);
      const password = [...document.querySelectorAll('input[type=password], [autocomplete~="current-password"], [autocomplete~="new-password"], [autocomplete~="one-time-code"]')]
        .map(describe);
      const forms = [...document.querySelectorAll('form')].filter(f => {
        // the search form may add filters (select menus) to its one search field: nothing typed twice
        const fields = [...f.elements].filter(e => !['button', 'submit', 'fieldset', 'select-one'].includes(e.type));
        return f.getAttribute('role') !== 'search' || fields.length !== 1 || fields[0].type !== 'search';
      }).map(describe);
      const stray = [...document.querySelectorAll('input, select, textarea')].filter(e => !e.form).map(describe);
      return {listeners, drag, password, forms, stray,
              hooked: Array.isArray(window.__psListeners) || window.__psListeners instanceof Set};
    }""")
    findings = []
    if not state["hooked"]:
        raise RuntimeError("interaction_findings needs wcag22.INIT_SCRIPT added to the context first")
    dragging = sorted(t for t in state["listeners"] if t.startswith("drag") or t in ("drop", "pointermove",
                                                                                      "mousemove", "touchmove"))
    if dragging:
        findings.append(f"FA2250700E 頁面監聽拖曳事件：{', '.join(dragging)}")
    findings += [f"FA2250700E 可拖曳的元素：{d}" for d in state["drag"]]
    findings += [f"HM2330800E 密碼或驗證碼欄位：{d}" for d in state["password"]]
    findings += [f"GN1330700E 搜尋以外的表單：{d}" for d in state["forms"]]
    findings += [f"GN1330700E 表單外的輸入欄位：{d}" for d in state["stray"]]
    return findings
