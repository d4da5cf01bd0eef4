"""The layout and accessibility check: what one page must satisfy at one width.

Used by test_layout_check.py (every page each demo role can reach, at 375 px and 1280 px) and
usable from any journey: ``problems = page_problems(page, width, catalog=...)``.
"""

import gettext
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

AXE = Path(settings.BASE_DIR) / "craftwork" / "web" / "static" / "web" / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Boxes that stick out past the screen, or whose text spills out of them, innermost first (so a
# failure names the culprit). What sits inside a box that scrolls or clips sideways (a wide
# table in its .table-wrap, a tab row) is fine: the page itself does not move.
_OVERFLOW_JS = """(width) => {
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden' || o === 'clip') return true;
    }
    return false;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const sticksOut = (el) => visible(el) && !clipped(el) && (
    el.getBoundingClientRect().right > width + 0.5
    || (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible'
        && !['svg', 'use', 'path', 'img', 'input', 'select', 'textarea'].includes(el.tagName.toLowerCase())));
  const all = Array.from(document.querySelectorAll('body *')).filter(sticksOut);
  return all.filter((el) => !Array.from(el.children).some((c) => all.includes(c)))
    .slice(0, 5)
    .map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') || ''}">`
      + ` ${Math.round(el.getBoundingClientRect().right)}px/${el.scrollWidth}>${el.clientWidth}: `
      + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60));
}"""

# At desktop width the header is one line: every item of the navigation sits on the same row.
_NAV_WRAPS_JS = """() => {
  const items = Array.from(document.querySelectorAll('.site-nav > ul > li'))
    .filter((li) => li.getBoundingClientRect().height > 0);
  if (!items.length) return null;
  const tops = items.map((li) => Math.round(li.getBoundingClientRect().top + li.getBoundingClientRect().height / 2));
  const spread = Math.max(...tops) - Math.min(...tops);
  return spread > 8 ? items.map((li) => li.textContent.trim().replace(/\\s+/g, ' ')).join(' | ') : null;
}"""

# The visible links of the page (same site, plain GET pages).
_LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter((a) => { const r = a.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .map((a) => a.href)"""

# Every piece of text a person reads, one string per text node (scripts and code left out), and
# the labels people hear (aria-label, placeholder, title, button values).
_TEXTS_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest('script,style,code,pre,textarea,[translate=no],[data-user-content]')) continue;
    // An option that shows its own value is an identifier (a time zone such as "Japan"), not prose.
    if (parent.tagName === 'OPTION' && parent.value === node.textContent.trim()) continue;
    const text = node.textContent.trim().replace(/\\s+/g, ' ');
    if (text) out.push(text);
  }
  document.querySelectorAll('[aria-label],[placeholder],[title]').forEach((el) => {
    ['aria-label', 'placeholder', 'title'].forEach((name) => {
      const value = el.getAttribute(name);
      if (value) out.push(value.trim());
    });
  });
  out.push(document.title.split(' · ')[0].trim());
  return out;
}"""


@lru_cache(maxsize=1)
def english_catalog() -> frozenset[str]:
    """The English texts the Spanish catalog translates to something else (so seeing one on a
    Spanish page means a string was not translated)."""
    mo = Path(settings.BASE_DIR) / "craftwork" / "locale" / "es" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    texts = set()
    for key, value in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid or "%" in msgid or not isinstance(value, str) or value == msgid:
            continue
        if len(msgid) >= 4 and re.search(r"[a-z]{3}", msgid):
            texts.add(msgid.strip())
    return frozenset(texts)


def axe_violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # evaluate() runs outside the page's Content-Security-Policy, like a browser extension.
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},
              resultTypes: ['violations']}).then((r) => r.violations.map((v) =>
              `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`))""",
        AXE_TAGS,
    )
    return list(result)


def page_problems(
    page, width: int, *, spanish: bool = False, axe: bool = True, not_translated=frozenset()
) -> list[str]:
    """``not_translated``: texts known to stay in English (say why where you pass them)."""
    problems = []
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"page is {scroll_width}px wide on a {width}px screen")
    culprits = page.evaluate(_OVERFLOW_JS, width)
    if culprits:
        problems.append(f"overflowing: {culprits}")
    if width >= 1100:
        wrapped = page.evaluate(_NAV_WRAPS_JS)
        if wrapped:
            problems.append(f"the navigation wraps: {wrapped}")
    if spanish:
        english = english_catalog()
        texts = set(page.evaluate(_TEXTS_JS)) - set(not_translated)
        untranslated = sorted(text for text in texts if text in english)
        if untranslated:
            problems.append(f"untranslated on a Spanish page: {untranslated[:8]}")
    if axe:
        problems.extend(f"axe: {violation}" for violation in axe_violations(page))
    return problems


def visible_links(page) -> list[str]:
    return page.evaluate(_LINKS_JS)
