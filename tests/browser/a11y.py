"""Accessibility checks for the browser tests: axe-core (WCAG 2.1 AA) and the hand checks of issue 15.

axe-core comes from an installed package (axe-playwright-python ships `axe.min.js`), never from a CDN.
It is evaluated through Playwright (the DevTools protocol), so the pages' Content-Security-Policy, which
runs no inline script, is left as it is.

The hand checks are what axe does not judge but a CMO in the sun needs (issue 15, "Readable in the sun,
usable by everyone"): tap targets of at least 44 × 44 px, no text under 14 px on a phone, status badges
at 7:1 and input borders at 3:1, no page wider than the screen, `aria-describedby` pointing at ids that
exist, and the header and menu under a fifth of the screen.
"""

from __future__ import annotations

import functools
from pathlib import Path

import axe_playwright_python

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
MIN_TARGET_PX = 44
MIN_TEXT_PX = 14
BADGE_MIN_CONTRAST = 7.0
BORDER_MIN_CONTRAST = 3.0


@functools.cache
def axe_source() -> str:
    """The axe-core script shipped inside the installed package."""
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, impacts: frozenset[str] = BLOCKING_IMPACTS) -> list[dict]:
    """Run axe-core on the page as it is now; return the violations of the given impacts."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [v for v in results["violations"] if v.get("impact") in impacts]


def describe_axe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"]) for node in v["nodes"][:5]]
        lines.append(f"{v['impact']} {v['id']}: {v['help']} -> {targets}")
    return "\n".join(lines)


# One pass over the page in the browser: everything measured from computed styles and layout boxes.
_HAND_CHECKS = r"""
(limits) => {
  const visible = (el) => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && !el.closest('[hidden]');
  };
  const name = (el) => {
    let n = el.tagName.toLowerCase();
    if (el.id) n += '#' + el.id;
    else if (el.name) n += '[name=' + el.name + ']';
    else if (el.className && typeof el.className === 'string') n += '.' + el.className.trim().split(/\s+/).join('.');
    const text = (el.innerText || el.value || '').trim().slice(0, 30);
    return text ? n + ' "' + text + '"' : n;
  };
  const rgba = (c) => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const contrast = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const backgroundOf = (el) => {
    for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c.a > 0.99) return c; }
    return {r: 255, g: 255, b: 255, a: 1};
  };
  const out = {smallTargets: [], tinyText: [], lowContrastBadges: [], faintBorders: [], brokenDescribedby: [],
               overflow: null, headerBottom: null};

  // Tap targets: controls, buttons and link-buttons; a checkbox or radio counts by its label.
  const targets = document.querySelectorAll(
    'button, select, textarea, input:not([type=hidden]), a.button, a.tile, nav.menu a, header.top a, .pager a, summary, .skip-link:focus');
  for (const el of targets) {
    if (!visible(el)) continue;
    let box = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      box = el.closest('label') || (el.id && document.querySelector('label[for="' + el.id + '"]')) || el;
    }
    const r = box.getBoundingClientRect();
    if (r.width < limits.target - 0.5 || r.height < limits.target - 0.5) {
      out.smallTargets.push(name(el) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
    }
  }

  // Text size: every visible text node's element.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || seen.has(el) || !visible(el) || el.closest('.sr-only, script, style, noscript')) continue;
    seen.add(el);
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < limits.text - 0.05) out.tinyText.push(name(el) + ' ' + size.toFixed(1) + 'px');
  }

  // Status badges: text at 7:1 against their own background.
  for (const el of document.querySelectorAll('.badge')) {
    if (!visible(el)) continue;
    const ratio = contrast(rgba(getComputedStyle(el).color), backgroundOf(el));
    if (ratio < limits.badge) out.lowContrastBadges.push(name(el) + ' ' + ratio.toFixed(2) + ':1');
  }

  // Input borders: 3:1 against what is around the input.
  const fields = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), select, textarea';
  for (const el of document.querySelectorAll(fields)) {
    if (!visible(el)) continue;
    const ratio = contrast(rgba(getComputedStyle(el).borderTopColor), backgroundOf(el.parentElement));
    if (ratio < limits.border) out.faintBorders.push(name(el) + ' ' + ratio.toFixed(2) + ':1');
  }

  // aria-describedby must name ids that exist.
  for (const el of document.querySelectorAll('[aria-describedby]')) {
    const missing = el.getAttribute('aria-describedby').split(/\s+/).filter((id) => id && !document.getElementById(id));
    if (missing.length) out.brokenDescribedby.push(name(el) + ' -> ' + missing.join(' '));
  }

  // Nothing wider than the screen (scroll boxes scroll inside themselves).
  const doc = document.scrollingElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    const wide = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && visible(el)) {
        let inScroller = false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const ox = getComputedStyle(p).overflowX;
          if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') { inScroller = true; break; }
        }
        if (!inScroller) wide.push(name(el) + ' right=' + Math.round(r.right));
      }
    }
    out.overflow = {scrollWidth: doc.scrollWidth, viewport: window.innerWidth, widest: wide.slice(-5)};
  }

  const shell = [document.querySelector('header.top'), document.querySelector('nav.menu')].filter(Boolean);
  out.headerBottom = shell.length ? Math.max(...shell.map((el) => el.getBoundingClientRect().bottom + window.scrollY)) : 0;
  return out;
}
"""


def hand_check(page) -> dict:
    """Measure the page: targets, text sizes, badge and border contrast, broken describedby, overflow, header height."""
    limits = {"target": MIN_TARGET_PX, "text": MIN_TEXT_PX, "badge": BADGE_MIN_CONTRAST, "border": BORDER_MIN_CONTRAST}
    return page.evaluate(_HAND_CHECKS, limits)


def accessibility_problems(page, *, phone: bool = True) -> list[str]:
    """Everything wrong with the page as it is now, in words (an empty list when it passes)."""
    problems = []
    violations = axe_violations(page)
    if violations:
        problems.append("axe (serious/critical):\n" + describe_axe(violations))
    found = hand_check(page)
    for key, label in (
        ("lowContrastBadges", f"badges under {BADGE_MIN_CONTRAST}:1"),
        ("faintBorders", f"input borders under {BORDER_MIN_CONTRAST}:1"),
        ("brokenDescribedby", "aria-describedby naming missing ids"),
    ):
        if found[key]:
            problems.append(f"{label}: {found[key]}")
    if phone:
        if found["smallTargets"]:
            problems.append(f"tap targets under {MIN_TARGET_PX}x{MIN_TARGET_PX} px: {found['smallTargets']}")
        if found["tinyText"]:
            problems.append(f"text under {MIN_TEXT_PX} px: {found['tinyText']}")
        if found["overflow"]:
            problems.append(f"page wider than the screen: {found['overflow']}")
        viewport = page.viewport_size
        if viewport and found["headerBottom"] > viewport["height"] / 5:
            problems.append(f"header and menu take {found['headerBottom']:.0f} px of {viewport['height']} (over a fifth)")
    return problems


def assert_accessible(page, *, phone: bool = True) -> None:
    """Fail with every problem found on the page (axe serious/critical and the hand checks)."""
    problems = accessibility_problems(page, phone=phone)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)
