// The browser scenario of customer orders (issue 5): staff enters an order
// for a demo customer with two lines through the form (the live price of a
// line shown while typing), confirms it and sees the status badge and the
// totals. Every page visited is checked by checks.mjs (console errors,
// overflow at 360 px, labels, headings, landmarks, contrast). Run by
// run.mjs after the other scenarios; prints one TAP line per scenario and
// per page checked.
import path from 'node:path';

import { PageChecker, watch } from './checks.mjs';

const TIMEOUT_MS = 15000;
// Made by `kontor demo` (run.mjs loads it): the first demo customer, two
// products with prices in the default list and stock in MAIN, the
// company's default warehouse.
const CUSTOMER = 'DEMO-K0001';
const LINES = [['DEMO-000001', '2'], ['DEMO-000002', '1']];

function expect(ok, what) {
  if (!ok) throw new Error(what);
}

export async function runOrderScenarios({ tap, browser, base, artifacts, staff }) {
  const checker = new PageChecker(tap, artifacts);
  const context = await browser.newContext({ locale: 'pl-PL', baseURL: base,
                                             viewport: { width: 1366, height: 768 } });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  const errors = watch(page);
  const check = (label, status) => checker.check(page, label, errors, status);

  const name = 'orders: a new order for a demo customer with two lines (live prices shown), ' +
               'confirmed; the badge says so and the totals are to the grosz';
  try {
    await page.goto('/login');
    await page.locator('#login').fill(staff.login);
    await page.locator('#password').fill(staff.password);
    await Promise.all([page.waitForURL('**/dashboard'),
                       page.locator('form[action="/login"] button[type="submit"]').click()]);

    await page.goto('/orders');
    await page.locator('h1').waitFor();
    await check('order list');
    await page.locator('a[href="/orders/new"]').click();
    await page.waitForURL('**/orders/new');
    await check('new order form');

    await page.locator('#f-customer').fill(CUSTOMER);
    await page.locator('#f-customer').press('Escape');
    for (let i = 0; i < LINES.length; i++) {
      const n = i + 1;
      await page.locator(`#f-product_${n}`).fill(LINES[i][0]);
      await page.locator(`#f-product_${n}`).press('Escape');
      await page.locator(`#f-qty_${n}`).fill(LINES[i][1]);
      await page.locator(`#f-qty_${n}`).press('Tab');
      const out = page.locator(`.order-line[data-line="${n}"] .line-price`);
      await out.filter({ hasText: 'zł' }).waitFor();
      expect(/netto/.test(await out.innerText()), `line ${n}: the live price says net`);
    }
    await check('new order form with live prices');
    await Promise.all([page.waitForURL(/\/orders\/\d+$/),
                       page.locator('form.order-form button[type="submit"]').click()]);
    const badges = page.locator('.order-badges');
    expect((await badges.innerText()).includes('szkic'), 'a new order is a draft');
    // 2 x 40,32 + 1 x 16,7616 -> 80,64 + 16,76 = 97,40 net, 22,40 VAT, 119,80 gross
    const gross = await page.locator('#total-gross').innerText();
    const net = await page.locator('#total-net').innerText();
    expect(/119,80\s*zł/.test(gross), `gross total ${gross}`);
    expect(/97,40\s*zł/.test(net), `net total ${net}`);
    expect(await page.locator('#lines tbody tr').count() === 2, 'two lines');
    await check('order draft');

    await Promise.all([page.waitForURL(/\/orders\/\d+$/),
                       page.locator('form[action$="/confirm"] button').click()]);
    await page.locator('.flash').waitFor();
    const after = await badges.innerText();
    expect(after.includes('potwierdzone'), `the badge says ${after}`);
    expect(/119,80\s*zł/.test(await page.locator('#total-gross').innerText()),
           'the totals stay after confirmation');
    await check('order confirmed');
    expect(errors.length === 0, errors.map((e) => e.text).join('\n'));
    tap.check(true, name);
  } catch (e) {
    const shot = path.join(artifacts, `FAILED-${tap.n + 1}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
    tap.check(false, name, [...e.message.split('\n').slice(0, 40), `at ${page.url()}`,
                            `screenshot: ${shot}`]);
  }
  await context.close();
}
