// The checks every page gets (../shared/UI.md, "Checks"): no console
// errors, screenshots at 390x844 and 1366x768, no horizontal overflow at
// 360 px, and the accessibility basics: every field labelled, every image
// with alt, one h1 and headings in order, header/nav/main landmarks, text
// contrast of at least 4.5:1 (3:1 for large text), plus a language on
// <html>, a title, unique ids and named links and buttons.
import path from 'node:path';

const SHOTS = [{ width: 1366, height: 768 }, { width: 390, height: 844 }];
const NARROW = { width: 360, height: 740 };

// Collects console errors and uncaught exceptions of a page, each as
// {text, url}: url is where a console message came from.
export function watch(page) {
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    errors.push({ text: `console error: ${msg.text()}${loc && loc.url ? ` (${loc.url})` : ''}`,
                  url: loc ? loc.url : '' });
  });
  page.on('pageerror', (err) => errors.push({ text: `uncaught exception: ${err.message}`, url: '' }));
  page.on('crash', () => errors.push({ text: 'the page crashed', url: '' }));
  return errors;
}

// Runs inside the page: what breaks the accessibility basics, one sentence
// each.
export function audit() {
  const problems = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    else if (el.getAttribute('name')) s += `[name=${el.getAttribute('name')}]`;
    else if (typeof el.className === 'string' && el.className.trim())
      s += `.${el.className.trim().split(/\s+/).join('.')}`;
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return text ? `${s} "${text}"` : s;
  };
  // In the accessibility tree: not hidden by attribute or style.
  const exposed = (el) => {
    if (el.closest('[hidden], [aria-hidden="true"]')) return false;
    const s = getComputedStyle(el);
    return s.display !== 'none' && s.visibility !== 'hidden';
  };
  // Drawn on the screen with a size.
  const rendered = (el) => {
    if (!exposed(el)) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const byIds = (ids) => (ids || '').split(/\s+/).filter(Boolean)
    .map((id) => document.getElementById(id)).filter(Boolean);
  const accName = (el) => {
    const labelled = byIds(el.getAttribute('aria-labelledby'))
      .map((e) => e.textContent.trim()).join(' ').trim();
    if (labelled) return labelled;
    const aria = (el.getAttribute('aria-label') || '').trim();
    if (aria) return aria;
    if (el.labels) {
      const t = Array.from(el.labels).map((l) => l.textContent.trim()).join(' ').trim();
      if (t) return t;
    }
    return '';
  };

  // The document.
  if (!(document.documentElement.getAttribute('lang') || '').trim())
    problems.push('<html> has no lang attribute');
  if (!document.title.trim()) problems.push('the page has no <title>');
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) {
    if (seen.has(el.id)) problems.push(`id "${el.id}" is used twice`);
    seen.set(el.id, true);
  }

  // Every field has a label.
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
    if (!accName(el)) problems.push(`field ${describe(el)} has no label`);
  }
  // Every image has alt (empty for decoration).
  for (const el of document.querySelectorAll('img, input[type="image"], area')) {
    if (!el.hasAttribute('alt')) problems.push(`image ${describe(el)} has no alt`);
  }
  // Links and buttons say what they do.
  for (const el of document.querySelectorAll('a[href], button, [role="button"]')) {
    if (!exposed(el)) continue;
    const imgAlt = Array.from(el.querySelectorAll('img[alt]')).map((i) => i.alt.trim()).join('');
    const name = (el.getAttribute('aria-label') || '').trim() || el.textContent.trim() || imgAlt ||
      byIds(el.getAttribute('aria-labelledby')).map((e) => e.textContent.trim()).join('') ||
      (el.getAttribute('title') || '').trim();
    if (!name) problems.push(`${describe(el)} has no accessible name`);
  }

  // One h1, headings in order (no level skipped on the way down).
  const headings = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))
    .filter((h) => !h.closest('[hidden]'));
  const h1s = headings.filter((h) => h.tagName === 'H1');
  if (h1s.length !== 1) problems.push(`${h1s.length} h1 headings (one expected)`);
  let level = 0;
  for (const h of headings) {
    const l = Number(h.tagName[1]);
    if (level === 0 && l !== 1) problems.push(`the first heading is ${describe(h)}, not an h1`);
    else if (l > level + 1 && level !== 0) problems.push(`${describe(h)} follows an h${level}`);
    if (!h.textContent.trim()) problems.push(`${describe(h)} is empty`);
    level = l;
  }

  // Landmarks.
  const count = (sel) => document.querySelectorAll(sel).length;
  if (!count('header, [role="banner"]')) problems.push('no <header> landmark');
  if (!count('nav, [role="navigation"]')) problems.push('no <nav> landmark');
  if (count('main, [role="main"]') !== 1) problems.push(`${count('main, [role="main"]')} <main> landmarks (one expected)`);

  // Contrast of text against what is behind it (WCAG 2 relative luminance).
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const lum = (c) => {
    const ch = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  };
  // The colour behind el, or null when an image is behind it.
  const backdrop = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== 'none') return null;
      const c = parse(s.backgroundColor);
      if (c && c.a > 0) layers.push(c);
      if (c && c.a >= 1) break;
    }
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const reported = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.textContent.trim()) continue;
    const el = t.parentElement;
    if (!el || reported.has(el) || ['SCRIPT', 'STYLE', 'OPTION', 'NOSCRIPT'].includes(el.tagName)) continue;
    if (!rendered(el) || el.closest(':disabled')) continue;
    const s = getComputedStyle(el);
    const fg = parse(s.color);
    const bg = backdrop(el);
    if (!fg || !bg) continue;
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    const ink = over({ ...fg, a: fg.a * opacity }, bg);
    const [hi, lo] = [lum(ink), lum(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    const need = large ? 3 : 4.5;
    if (ratio < need) {
      reported.add(el);
      problems.push(`text ${describe(el)} has contrast ${ratio.toFixed(2)}:1 (${s.color} on ` +
                    `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})), needs ${need}:1`);
    }
  }
  return problems;
}

// What reaches past the right edge, to say what overflows: elements, and
// text running out of its box (a long word in a cell that may not wrap).
export function overflow(limit) {
  const width = document.documentElement.scrollWidth;
  if (width <= limit) return [];
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    else if (typeof el.className === 'string' && el.className.trim())
      s += `.${el.className.trim().split(/\s+/).join('.')}`;
    return s;
  };
  // Clipped content does not scroll the page.
  const clipped = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.overflowX !== 'visible' || s.clipPath !== 'none' || (s.clip && s.clip !== 'auto'))
        return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 0.5 && r.width > 0 && !clipped(el.parentElement))
      wide.push(`${name(el)} reaches ${Math.round(r.right)} px`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.textContent.trim() || clipped(t.parentElement)) continue;
    const range = document.createRange();
    range.selectNodeContents(t);
    const r = range.getBoundingClientRect();
    if (r.right > limit + 0.5)
      wide.push(`text "${t.textContent.trim().slice(0, 40)}" in ${name(t.parentElement)} ` +
                `reaches ${Math.round(r.right)} px`);
  }
  return [`the page is ${width} px wide at ${limit} px (horizontal scrolling)`, ...wide.slice(0, 8)];
}

export class PageChecker {
  constructor(tap, artifacts) {
    this.tap = tap;
    this.artifacts = artifacts;
    this.shots = 0;
  }

  // What is wrong with the page as it is now, one sentence each. `errors`
  // is the list watch() fills; it is emptied. A page that is an error on
  // purpose (a 403 for a customer, a 422 form) passes its `status`: Chromium
  // reports the document's own status as a console error, and only that
  // one message, from this document's URL, is then expected. Screenshots
  // are taken when a label names them.
  async inspect(page, errors, status = 0, label = null) {
    const problems = [];
    try {
      await page.waitForLoadState('load');
      const size = page.viewportSize();
      let slug = null;
      if (label) {
        this.shots += 1;
        slug = `${String(this.shots).padStart(2, '0')}-${label.replace(/[^A-Za-z0-9]+/g, '-')
          .replace(/^-|-$/g, '').toLowerCase()}`;
      }
      const found = new Map();
      for (const vp of SHOTS) {
        await page.setViewportSize(vp);
        if (slug)
          await page.screenshot({ path: path.join(this.artifacts, `${slug}-${vp.width}x${vp.height}.png`),
                                  fullPage: true });
        for (const p of await page.evaluate(audit))
          found.set(p, [...(found.get(p) || []), `${vp.width}x${vp.height}`]);
      }
      for (const [p, sizes] of found) problems.push(`${p} (at ${sizes.join(', ')})`);
      await page.setViewportSize(NARROW);
      problems.push(...await page.evaluate(overflow, NARROW.width));
      await page.setViewportSize(size);
    } catch (e) {
      problems.push(`checking the page failed: ${e.message.split('\n')[0]}`);
    }
    const own = (e) => status && e.url === page.url() &&
      e.text.includes(`Failed to load resource: the server responded with a status of ${status} `);
    problems.push(...errors.splice(0).filter((e) => !own(e)).map((e) => e.text));
    return problems;
  }

  // Inspects the page and prints one TAP line for it.
  async check(page, label, errors, status = 0) {
    const url = new URL(page.url());
    const problems = await this.inspect(page, errors, status, label);
    return this.tap.check(problems.length === 0,
                          `page ${label} (${url.pathname}${url.search}): no console errors, ` +
                          'no overflow at 360 px, accessibility basics', problems);
  }
}
