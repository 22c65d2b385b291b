// The browser scenarios of the back office (issue 4): what a person does,
// step by step, with every page visited checked by checks.mjs. Each
// scenario prints one TAP line; an exception inside it is its failure.
// Waits are on selectors, URLs and responses, never on the clock.
import path from 'node:path';

import { PageChecker, watch } from './checks.mjs';
import { png } from './png.mjs';

const TIMEOUT_MS = 15000;
const PRODUCTS = ['E2E-ZOLW-1', 'E2E-ZOLW-2'];   // made by run.mjs; both match "żółw"

function expect(ok, what) {
  if (!ok) throw new Error(what);
}

export async function runScenarios({ tap, browser, base, artifacts, staff, buyer }) {
  const checker = new PageChecker(tap, artifacts);

  // A browser context (its own cookies) with one page whose console is
  // watched; locale sets Accept-Language and so the UI language.
  async function open(locale, viewport = { width: 1366, height: 768 }) {
    const context = await browser.newContext({ locale, viewport, baseURL: base });
    context.setDefaultTimeout(TIMEOUT_MS);
    context.setDefaultNavigationTimeout(TIMEOUT_MS);
    const page = await context.newPage();
    const errors = watch(page);
    const check = (label, status) => checker.check(page, label, errors, status);
    return { context, page, errors, check };
  }

  async function scenario(name, session, body) {
    try {
      await body();
      // Whatever the last step caused (a script error after a click, say).
      expect(session.errors.length === 0, session.errors.map((e) => e.text).join('\n'));
      return tap.check(true, name);
    } catch (e) {
      const shot = path.join(artifacts, `FAILED-${tap.n + 1}.png`);
      await session.page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      return tap.check(false, name, [...e.message.split('\n').slice(0, 40),
                                     `at ${session.page.url()}`, `screenshot: ${shot}`]);
    }
  }

  // Fills the login form and sends it; resolves with the POST's response.
  async function submitLogin(page, login, password) {
    await page.locator('#login').fill(login);
    await page.locator('#password').fill(password);
    const [resp] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/login' &&
                                  r.request().method() === 'POST'),
      page.locator('form[action="/login"] button[type="submit"]').click(),
    ]);
    await page.waitForLoadState('load');
    return resp;
  }

  const sessionCookie = async (context) =>
    (await context.cookies()).find((c) => c.name === 'kontor_session');

  // --- The checks themselves ----------------------------------------------
  // A page breaking every rule must be caught on each count, and a page
  // keeping them must pass, or a green run proves nothing.
  const lab = await open('en-GB');
  await scenario('the page checks catch each broken rule and pass a page that keeps them', lab,
                 async () => {
    const { page } = lab;
    await page.setContent(`<!doctype html><html><head><title></title></head><body>
      <div>no banner</div>
      <main><h2>Starts at h2</h2><h1>One</h1><h1>Two</h1><h4>Skips a level</h4>
      <input id="q" name="q"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
      <p style="color:#aaa;background:#fff">faint text</p>
      <div style="width:600px">too wide</div><a href="/x"></a>
      <span id="dup">a</span><span id="dup">b</span></main><main></main>
      <script>console.error('deliberate console error');</script>
      <script>throw new Error('deliberate exception');</script></body></html>`);
    const found = await checker.inspect(page, lab.errors);
    const expected = [/<html> has no lang/, /no <title>/, /id "dup" is used twice/,
                      /field input#q has no label/, /image img has no alt/,
                      /^a has no accessible name/, /^2 h1 headings/, /first heading is h2/,
                      /h4 "Skips a level" follows an h1/, /no <header> landmark/,
                      /no <nav> landmark/, /^2 <main> landmarks/,
                      /text p "faint text" has contrast 2\.\d+:1 .* needs 4\.5:1/,
                      /the page is \d+ px wide at 360 px/, /console error: deliberate console error/,
                      /uncaught exception: deliberate exception/];
    const missed = expected.filter((re) => !found.some((f) => re.test(f)));
    expect(missed.length === 0, `not caught: ${missed.join(' ')}\nfound:\n${found.join('\n')}`);

    await page.setContent(`<!doctype html><html lang="en"><head><title>Fine</title></head>
      <body><header><nav aria-label="Main"><a href="/">Home</a></nav></header>
      <main><h1>Fine</h1><h2>Part</h2><h3>Detail</h3><h2>Another part</h2>
      <label for="q">Search</label><input id="q" name="q">
      <input aria-label="Code" name="code"><input type="hidden" name="_csrf" value="x">
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="">
      <p style="color:#595959;background:#fff">grey enough</p>
      <p style="color:#fff;background:#1f5fad"><span>white on blue</span></p>
      <button type="button" aria-label="Close">×</button></main></body></html>`);
    const clean = await checker.inspect(page, lab.errors);
    expect(clean.length === 0, `a good page was faulted:\n${clean.join('\n')}`);
  });
  await lab.context.close();

  // --- Anonymous visitor -------------------------------------------------
  const anon = await open('en-GB');
  await scenario('a visitor asking for a back-office page is sent to the login form', anon,
                 async () => {
    const { page } = anon;
    await page.goto('/products');
    const url = new URL(page.url());
    expect(url.pathname === '/login', `ended at ${url.pathname}, not /login`);
    expect(url.searchParams.get('next') === '/products', `next=${url.searchParams.get('next')}`);
    await page.locator('h1').waitFor();
    await anon.check('login form');
  });

  await scenario('a wrong password shows an error on the login form and logs nobody in', anon,
                 async () => {
    const { page } = anon;
    await page.goto('/login');
    const resp = await submitLogin(page, staff.login, `${staff.password}-wrong`);
    expect(resp.status() >= 400 && resp.status() < 500, `POST /login answered ${resp.status()}`);
    const summary = page.locator('.error-summary[role="alert"]');
    await summary.waitFor();
    expect((await summary.innerText()).trim().length > 0, 'the error summary is empty');
    expect(await page.locator('#login').inputValue() === staff.login,
           'the login typed was not kept');
    expect(await page.locator('#password').inputValue() === '', 'the password was sent back');
    expect(!(await sessionCookie(anon.context)), 'a session cookie was set');
    await anon.check('login with a wrong password', resp.status());
    await page.goto('/dashboard');
    expect(new URL(page.url()).pathname === '/login', 'the dashboard opened without a login');
  });
  await anon.context.close();

  // --- Staff, in Polish (the default language, with the longest words) ---
  const desk = await open('pl-PL');
  let chosen = null;
  await scenario('staff logs in and reaches the dashboard', desk, async () => {
    const { page } = desk;
    await page.goto('/login');
    const resp = await submitLogin(page, staff.login, staff.password);
    expect(resp.status() === 303 || resp.status() === 302, `POST /login answered ${resp.status()}`);
    expect(new URL(page.url()).pathname === '/dashboard', `landed on ${page.url()}`);
    expect(await sessionCookie(desk.context), 'no kontor_session cookie');
    expect((await page.locator('.usermenu-name').innerText()).includes(staff.name),
           'the top bar does not name the user');
    await desk.check('dashboard');
    await page.goto('/account');
    await page.locator('h1').waitFor();
    await desk.check('account');
  });

  await scenario('autocomplete: typing "żółw" offers the matching products, Esc closes, ' +
                 '↓ ↓ ↑ ↓ Enter opens the one chosen', desk, async () => {
    const { page } = desk;
    await page.goto('/products');
    await page.locator('table.table tbody tr').first().waitFor();
    await desk.check('product list');
    const input = page.locator('#product-search');
    const list = page.locator('#product-search-list');
    const options = list.locator('[role="option"]');
    const asked = (q) => page.waitForResponse((r) => {
      const u = new URL(r.url());
      return u.pathname === '/api/v1/suggest/products' && u.searchParams.get('q') === q;
    });

    let answer = asked('żółw');
    await input.pressSequentially('żółw');
    expect((await answer).status() === 200, 'the suggestion request failed');
    await list.waitFor({ state: 'visible' });
    expect(await input.getAttribute('aria-expanded') === 'true', 'aria-expanded is not true');
    const codes = await options.locator('.code').allInnerTexts();
    expect(codes.length === PRODUCTS.length && PRODUCTS.every((c) => codes.includes(c)),
           `offered ${JSON.stringify(codes)}, expected ${JSON.stringify(PRODUCTS)}`);

    await input.press('Escape');
    await list.waitFor({ state: 'hidden' });
    expect(await input.getAttribute('aria-expanded') === 'false', 'Esc left aria-expanded');

    answer = asked('żółw');
    await input.press('Backspace');
    await input.pressSequentially('w');
    await answer;
    await list.waitFor({ state: 'visible' });
    const selected = async () => options.evaluateAll(
      (lis) => lis.map((li) => li.getAttribute('aria-selected')).join(','));
    await input.press('ArrowDown');
    expect(await selected() === 'true,false', `after ↓: ${await selected()}`);
    await input.press('ArrowDown');
    expect(await selected() === 'false,true', `after ↓ ↓: ${await selected()}`);
    await input.press('ArrowUp');
    expect(await selected() === 'true,false', `after ↓ ↓ ↑: ${await selected()}`);
    await input.press('ArrowDown');
    const active = await input.getAttribute('aria-activedescendant');
    expect(active === await options.nth(1).getAttribute('id'),
           `aria-activedescendant is ${active}, not the second option`);
    chosen = codes[1];
    await Promise.all([page.waitForURL(`**/products/${chosen}`), input.press('Enter')]);
    await page.locator('h1').filter({ hasText: chosen }).waitFor();
    await desk.check('product');
  });

  const newName = 'Żółwik ogrodowy po edycji';
  await scenario('edit a product: an empty name is refused next to the field, a new name ' +
                 'is saved with a success message', desk, async () => {
    const { page } = desk;
    expect(chosen, 'no product was opened by the previous scenario');
    await Promise.all([page.waitForURL(`**/products/${chosen}/edit`),
                       page.locator(`a[href$="/products/${chosen}/edit"]`).click()]);
    const name = page.locator('form.form [name="name_pl"]');
    await name.waitFor();
    const nameId = await name.getAttribute('id');
    expect(nameId, 'the name field has no id for its label');
    await desk.check('product edit form');

    await name.fill('');
    let [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.locator('form.form button[type="submit"]').click(),
    ]);
    await page.waitForLoadState('load');
    expect(resp.status() === 422, `an empty name answered ${resp.status()}, not 422`);
    await page.locator(`.error-summary a[href="#${nameId}"]`).waitFor();
    expect(await name.getAttribute('aria-invalid') === 'true', 'the name is not marked invalid');
    await desk.check('product edit form with an error', 422);

    await name.fill(newName);
    [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.locator('form.form button[type="submit"]').click(),
    ]);
    await page.waitForURL(`**/products/${chosen}`);
    expect(resp.status() === 303 || resp.status() === 302, `saving answered ${resp.status()}`);
    await page.locator('.flash-success').waitFor();
    const h1 = await page.locator('h1').innerText();
    expect(h1.includes(newName), `the heading says "${h1}", not the new name`);
    await desk.check('product after saving');

    await page.locator('.flash-close').click();
    await page.locator('.flash-success').waitFor({ state: 'detached' });
    await page.reload();
    await page.locator('h1').filter({ hasText: newName }).waitFor();
    expect(await page.locator('.flash').count() === 0, 'the flash message is shown again');
  });

  await scenario('the product search finds the new name without the suggestions ' +
                 '(Enter submits the search)', desk, async () => {
    const { page } = desk;
    await page.goto('/products');
    const input = page.locator('#product-search');
    await input.fill('edycji');
    await Promise.all([page.waitForURL(/\/products\?q=/), input.press('Enter')]);
    const rows = page.locator('table.table tbody tr');
    await rows.first().waitFor();
    const texts = await rows.allInnerTexts();
    expect(texts.length === 1 && texts[0].includes(chosen) && texts[0].includes(newName),
           `the search listed ${JSON.stringify(texts)}`);
    await desk.check('product search results');
  });

  await scenario('upload two images: each is listed with its thumbnail, the second is made ' +
                 'the main one, a file that is not an image is refused, one is removed after a ' +
                 'confirmation', desk, async () => {
    const { page } = desk;
    expect(chosen, 'no product was opened by an earlier scenario');
    await page.goto(`/products/${chosen}`);
    const gallery = page.locator('#images .gallery-item');
    expect(await gallery.count() === 0, 'the new product already has images');
    const form = page.locator('form.upload-form');
    const file = form.locator('input[type="file"][name="image"]');
    const hashes = () => page.locator('#images .gallery-item input[name="hash"]')
      .evaluateAll((els) => [...new Set(els.map((e) => e.value))]);
    const send = async (name, mimeType, buffer) => {
      await file.setInputFiles({ name, mimeType, buffer });
      await form.locator('.upload-preview').filter({ hasText: name }).waitFor();
      const [resp] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' &&
                                    new URL(r.url()).pathname.startsWith(`/products/${chosen}/`)),
        form.locator('button[type="submit"]').click(),
      ]);
      await page.waitForLoadState('load');
      return resp.status();
    };

    let status = await send('turtle-red.png', 'image/png', png(64, 48, [200, 30, 30], [20, 60, 220]));
    expect(status === 303 || status === 302, `the first upload answered ${status}`);
    await page.locator('.flash-success').waitFor();
    await gallery.first().waitFor();
    const thumb = gallery.first().locator('img');
    await thumb.scrollIntoViewIfNeeded();
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0,
                               await thumb.elementHandle());
    expect((await thumb.getAttribute('alt') || '').trim(), 'the thumbnail has an empty alt');
    const full = await gallery.first().locator('a').getAttribute('href');
    const fullResp = await page.request.get(full);
    expect(fullResp.status() === 200 && /^image\//.test(fullResp.headers()['content-type'] || ''),
           `the full image ${full} answered ${fullResp.status()} ${fullResp.headers()['content-type']}`);
    await desk.check('product with an image');

    status = await send('turtle-green.png', 'image/png', png(40, 40, [10, 150, 40], [240, 240, 60]));
    expect(status === 303 || status === 302, `the second upload answered ${status}`);
    await page.locator('.flash-success').waitFor();
    await gallery.nth(1).waitFor();
    const [first, second] = await hashes();
    expect(first && second && first !== second, 'two uploads did not make two images');
    expect(await gallery.first().locator('.badge').count() === 1, 'the first image is not marked main');

    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
                       gallery.nth(1).locator('button[name="dir"][value="first"]').click()]);
    await page.waitForLoadState('load');
    const order = await hashes();
    expect(order[0] === second && order[1] === first,
           `after "make main" the order is ${order.join(', ')}, expected ${second}, ${first}`);
    expect(await gallery.first().locator('.badge').count() === 1, 'the new main image is not marked');

    status = await send('not-a-picture.png', 'image/png',
                        Buffer.from('MZ this is no picture, whatever its name says\n'));
    expect(status === 422 || status === 415 || status === 400,
           `a text file called .png answered ${status}`);
    await page.locator('.error-summary').waitFor();
    expect(await file.getAttribute('aria-invalid') === 'true', 'the file field is not marked invalid');
    expect(await gallery.count() === 2, 'the refused file was listed');
    await desk.check('product with a refused upload', status);

    await page.goto(`/products/${chosen}`);
    let asked = null;
    page.once('dialog', (d) => { asked = d.message(); d.accept(); });
    await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'),
                       gallery.nth(1).locator('button.button-danger').click()]);
    await page.waitForLoadState('load');
    expect(asked, 'removing an image did not ask for a confirmation');
    const left = await hashes();
    expect(left.length === 1 && left[0] === second, `after removing, the images are ${left.join(', ')}`);
  });

  await scenario('product page: count stock into a warehouse and set a price; both are ' +
                 'listed, the count in the ledger with its document', desk, async () => {
    const { page } = desk;
    expect(chosen, 'no product was opened by an earlier scenario');
    await page.goto(`/products/${chosen}`);
    const submit = async (form) => {
      const [resp] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST'),
        form.locator('button[type="submit"]').click(),
      ]);
      await page.waitForLoadState('load');
      expect(resp.status() === 303 || resp.status() === 302,
             `${new URL(resp.url()).pathname} answered ${resp.status()}`);
      await page.locator('.flash-success').waitFor();
    };

    const stock = page.locator('form[action$="/stock"]');
    await stock.locator('[name="op"]').selectOption('set');
    const warehouse = await stock.locator('[name="warehouse"] option').first().getAttribute('value');
    await stock.locator('[name="qty"]').fill('12');
    await stock.locator('[name="doc_ref"]').fill('E2E-INV-1');
    await submit(stock);
    const stockText = await page.locator('#stock table').first().innerText();
    expect(stockText.includes(warehouse) && /\b12\b/.test(stockText),
           `the stock table does not show 12 in ${warehouse}: ${stockText}`);
    const ledger = await page.locator('#stock table').last().innerText();
    expect(ledger.includes('E2E-INV-1') && ledger.includes('+12'),
           `the ledger does not show the count: ${ledger}`);

    const price = page.locator('form[action$="/prices"]');
    const list = await price.locator('[name="price_list"] option').first().getAttribute('value');
    await price.locator('[name="price"]').fill('19,99');
    await submit(price);
    const prices = await page.locator('#prices table').innerText();
    expect(prices.includes(list) && prices.includes('19,99'),
           `the price table does not show 19,99 in ${list}: ${prices}`);
    await desk.check('product with stock and a price');
  });

  // Posts a form on the page and waits for the page it leads to.
  async function post(page, form) {
    const [resp] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      form.locator('button[type="submit"]').click(),
    ]);
    await page.waitForLoadState('load');
    return resp.status();
  }

  const CUSTOMER = 'E2E-KLIENT';
  await scenario('create a customer: a wrong tax id is refused next to the field, the right ' +
                 'one is saved; the edited name is found by the customer search', desk, async () => {
    const { page } = desk;
    await page.goto('/customers');
    await page.locator('table.table tbody tr').first().waitFor();
    await desk.check('customer list');
    await Promise.all([page.waitForURL('**/customers/new'),
                       page.locator('a[href="/customers/new"]').click()]);
    const form = page.locator('main form.form');
    await form.locator('[name="code"]').waitFor();
    await desk.check('new customer form');

    await form.locator('[name="code"]').fill(CUSTOMER);
    await form.locator('[name="name"]').fill('Ogrodnictwo Żółw Sp. z o.o.');
    await form.locator('[name="country"]').selectOption('PL');
    await form.locator('[name="tax_id"]').fill('7270023458');   // the check digit is 7
    await form.locator('[name="street"]').fill('ul. Ogrodowa 5');
    await form.locator('[name="postal_code"]').fill('90-001');
    await form.locator('[name="city"]').fill('Łódź');
    let status = await post(page, form);
    expect(status === 422, `a wrong tax id answered ${status}, not 422`);
    const taxId = form.locator('[name="tax_id"]');
    expect(await taxId.getAttribute('aria-invalid') === 'true', 'the tax id is not marked invalid');
    await page.locator(`.error-summary a[href="#${await taxId.getAttribute('id')}"]`).waitFor();
    expect(await form.locator('[name="city"]').inputValue() === 'Łódź', 'the form lost what was typed');
    await desk.check('new customer form with an error', 422);

    await taxId.fill('7270023457');
    status = await post(page, form);
    expect(status === 303 || status === 302, `saving answered ${status}`);
    await page.waitForURL(`**/customers/${CUSTOMER}`);
    await page.locator('.flash-success').waitFor();
    await page.locator('h1').filter({ hasText: CUSTOMER }).waitFor();
    await desk.check('customer');

    await Promise.all([page.waitForURL(`**/customers/${CUSTOMER}/edit`),
                       page.locator(`a[href$="/customers/${CUSTOMER}/edit"]`).click()]);
    await desk.check('customer edit form');
    await form.locator('[name="name"]').fill('Ogrodnictwo Żółw i Synowie Sp. z o.o.');
    status = await post(page, form);
    expect(status === 303 || status === 302, `saving the edit answered ${status}`);
    await page.locator('.flash-success').waitFor();
    await page.locator('h1').filter({ hasText: 'Synowie' }).waitFor();

    await page.goto('/customers');
    await page.locator('#customer-search').fill('ogrodnictwo');
    await Promise.all([page.waitForURL(/\/customers\?q=/), page.locator('#customer-search').press('Enter')]);
    const rows = await page.locator('table.table tbody tr').allInnerTexts();
    expect(rows.length === 1 && rows[0].includes(CUSTOMER), `the search listed ${JSON.stringify(rows)}`);
  });

  await scenario('customer page: add a delivery address and a contact, a bad IBAN is refused ' +
                 'and a good one listed, the contact is removed after a confirmation', desk,
                 async () => {
    const { page } = desk;
    await page.goto(`/customers/${CUSTOMER}`);
    const section = (id) => page.locator(`section#${id}`);

    const address = section('addresses').locator('form.form');
    await address.locator('[name="label"]').fill('Magazyn główny');
    await address.locator('[name="street"]').fill('ul. Składowa 12');
    await address.locator('[name="postal_code"]').fill('91-002');
    await address.locator('[name="city"]').fill('Łódź');
    let status = await post(page, address);
    expect(status === 303 || status === 302, `adding an address answered ${status}`);
    await page.locator('.flash-success').waitFor();
    expect((await section('addresses').locator('table').innerText()).includes('Składowa 12'),
           'the address is not listed');

    const contact = section('contacts').locator('form.form');
    await contact.locator('[name="name"]').fill('Anna Żółkiewska');
    await contact.locator('[name="email"]').fill('anna@example.com');
    status = await post(page, contact);
    expect(status === 303 || status === 302, `adding a contact answered ${status}`);
    expect((await section('contacts').locator('table').innerText()).includes('Anna Żółkiewska'),
           'the contact is not listed');

    const bank = section('banks').locator('form.form');
    await bank.locator('[name="iban"]').fill('PL61109010140000071219812875');
    status = await post(page, bank);
    expect(status === 422, `a bad IBAN answered ${status}, not 422`);
    expect(await bank.locator('[name="iban"]').getAttribute('aria-invalid') === 'true',
           'the IBAN is not marked invalid');
    expect(await section('banks').locator('table').count() === 0, 'the bad IBAN was listed');
    await desk.check('customer with a refused IBAN', 422);
    await bank.locator('[name="iban"]').fill('PL61 1090 1014 0000 0712 1981 2874');
    status = await post(page, bank);
    expect(status === 303 || status === 302, `a good IBAN answered ${status}`);
    const banks = (await section('banks').locator('table').innerText()).replace(/\s+/g, '');
    expect(banks.includes('PL61109010140000071219812874'), `the IBAN is not listed: ${banks}`);
    await desk.check('customer with an address, a contact and a bank account');

    let asked = null;
    page.once('dialog', (d) => { asked = d.message(); d.accept(); });
    status = await post(page, section('contacts').locator('table form'));
    expect(asked, 'removing a contact did not ask for a confirmation');
    expect(status === 303 || status === 302, `removing the contact answered ${status}`);
    expect(await section('contacts').locator('table').count() === 0, 'the contact is still listed');
  });

  await scenario('price lists: create one in EUR; an unknown product is refused next to the ' +
                 'field, the edited product is listed with its price in euros', desk, async () => {
    const { page } = desk;
    expect(chosen, 'no product was opened by an earlier scenario');
    await page.goto('/pricelists');
    await page.locator('table.table tbody tr').first().waitFor();
    await desk.check('price lists');
    await Promise.all([page.waitForURL('**/pricelists/new'),
                       page.locator('a[href="/pricelists/new"]').click()]);
    const form = page.locator('main form.form');
    await form.locator('[name="code"]').waitFor();
    await desk.check('new price list form');
    await form.locator('[name="code"]').fill('E2E-EUR');
    await form.locator('[name="name"]').fill('Eksport strefa euro');
    await form.locator('[name="currency"]').selectOption('EUR');
    await form.locator('[name="basis"]').selectOption('net');
    let status = await post(page, form);
    expect(status === 303 || status === 302, `creating the price list answered ${status}`);
    await page.waitForURL('**/pricelists/E2E-EUR');
    await page.locator('.flash-success').waitFor();
    await desk.check('price list without items');

    const item = page.locator('main form.form');
    await item.locator('[name="product"]').fill('E2E-NO-SUCH-PRODUCT');
    await item.locator('[name="price"]').fill('12,50');
    status = await post(page, item);
    expect(status === 422 || status === 404, `an unknown product answered ${status}`);
    expect(await item.locator('[name="product"]').getAttribute('aria-invalid') === 'true',
           'the product field is not marked invalid');
    await desk.check('price list with a refused item', status);

    await item.locator('[name="product"]').fill(chosen);
    status = await post(page, item);
    expect(status === 303 || status === 302, `adding the item answered ${status}`);
    const rows = await page.locator('table.table tbody tr').allInnerTexts();
    expect(rows.length === 1 && rows[0].includes(chosen) && rows[0].includes('12,50') &&
           rows[0].includes('€'), `the items are ${JSON.stringify(rows)}`);
    await desk.check('price list with an item');
  });

  await scenario('company settings: the details are saved, a logo is uploaded and shown', desk,
                 async () => {
    const { page } = desk;
    await page.goto('/company');
    const details = page.locator('section[aria-labelledby="company-heading"] form.form');
    await details.locator('[name="city"]').waitFor();
    await desk.check('company settings');
    await details.locator('[name="city"]').fill('Żyrardów');
    let status = await post(page, details);
    expect(status === 303 || status === 302, `saving the company answered ${status}`);
    await page.locator('.flash-success').waitFor();
    expect(await details.locator('[name="city"]').inputValue() === 'Żyrardów',
           'the city was not saved');

    const logo = page.locator('section#logo form.upload-form');
    await logo.locator('input[type="file"]').setInputFiles(
      { name: 'logo.png', mimeType: 'image/png', buffer: png(120, 40, [30, 90, 170], [250, 250, 250]) });
    status = await post(page, logo);
    expect(status === 303 || status === 302, `uploading the logo answered ${status}`);
    const img = page.locator('section#logo img.company-logo');
    await img.waitFor();
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    await desk.check('company settings with a logo');
  });

  const CLERK = { login: 'e2e-magazyn', name: 'Jan Magazynier', password: 'e2e-magazyn-pass-7' };
  const clerk = await open('en-GB');
  await scenario('users: an administrator creates a warehouse user, who can read products but ' +
                 'not edit them; once disabled, the user is logged out and cannot log in', desk,
                 async () => {
    const { page } = desk;
    await page.goto('/users');
    await page.locator('table.table tbody tr').first().waitFor();
    await desk.check('users');
    await page.goto('/roles');
    await page.locator('h1').waitFor();
    await desk.check('roles');
    await page.goto('/users/new');
    const form = page.locator('main form.form');
    await form.locator('[name="login"]').waitFor();
    await desk.check('new user form');
    await form.locator('[name="kind"]').selectOption('staff');
    await form.locator('[name="login"]').fill(CLERK.login);
    await form.locator('[name="name"]').fill(CLERK.name);
    await form.locator('[name="role"]').selectOption('warehouse');
    await form.locator('[name="password"]').fill(CLERK.password);
    let status = await post(page, form);
    expect(status === 303 || status === 302, `creating the user answered ${status}`);
    await page.waitForURL(/\/users\/\d+$/);
    await page.locator('.flash-success').waitFor();
    await page.locator('h1').filter({ hasText: CLERK.login }).waitFor();
    await desk.check('user');
    const userPage = page.url();

    const other = clerk.page;
    await other.goto('/login');
    const resp = await submitLogin(other, CLERK.login, CLERK.password);
    expect(resp.status() === 303 || resp.status() === 302, `the new user's login answered ${resp.status()}`);
    const list = await other.goto('/products');
    expect(list.status() === 200, `/products answered ${list.status()} for the warehouse user`);
    const edit = await other.goto(`/products/${PRODUCTS[0]}/edit`);
    expect(edit.status() === 403, `the edit form answered ${edit.status()} without catalog.write`);
    await clerk.check('403 page for a warehouse user', 403);

    await page.goto(userPage);
    let asked = null;
    page.once('dialog', (d) => { asked = d.message(); d.accept(); });
    status = await post(page, page.locator('form[action$="/active"]'));
    expect(asked, 'disabling a user did not ask for a confirmation');
    expect(status === 303 || status === 302, `disabling answered ${status}`);
    await page.locator('.badge-danger').first().waitFor();

    await other.goto('/products');
    expect(new URL(other.url()).pathname === '/login', `the disabled user still sees ${other.url()}`);
    const refused = await submitLogin(other, CLERK.login, CLERK.password);
    expect(refused.status() >= 400 && refused.status() < 500,
           `the disabled user's login answered ${refused.status()}`);
    await other.locator('.error-summary').waitFor();
    expect(!(await sessionCookie(clerk.context)), 'the disabled user got a session');
    await clerk.check('login of a disabled user', refused.status());
  });
  await clerk.context.close();

  await scenario('logging out ends the session; the back office asks for a login again', desk,
                 async () => {
    const { page } = desk;
    await page.goto('/dashboard');
    await Promise.all([page.waitForURL('**/login**'),
                       page.locator('.usermenu form[action="/logout"] button').click()]);
    await page.locator('.flash-success').waitFor();
    expect(!(await sessionCookie(desk.context)), 'the session cookie is still there');
    await desk.check('login form after logout');
    await page.goto(`/products/${chosen}/edit`);
    expect(new URL(page.url()).pathname === '/login', `the edit form opened at ${page.url()}`);
  });
  await desk.context.close();

  // --- Staff on a phone ----------------------------------------------------
  const phone = await open('pl-PL', { width: 390, height: 844 });
  await scenario('on a phone the navigation folds behind the menu button', phone, async () => {
    const { page } = phone;
    await page.goto('/login');
    await submitLogin(page, staff.login, staff.password);
    await page.waitForURL('**/dashboard');
    const button = page.locator('.menu-button');
    const nav = page.locator('#sidenav');
    await button.waitFor();
    expect(!(await nav.locator('a').first().isVisible()), 'the navigation is open before the tap');
    await button.click();
    await nav.locator('a[href="/products"]').waitFor();
    expect(await button.getAttribute('aria-expanded') === 'true', 'aria-expanded is not true');
    await Promise.all([page.waitForURL('**/products'),
                       nav.locator('a[href="/products"]').click()]);
  });
  await phone.context.close();

  // --- A customer user ------------------------------------------------------
  const cust = await open('en-GB');
  await scenario('a customer user logs in but is refused every back-office page (403)', cust,
                 async () => {
    const { page } = cust;
    await page.goto('/login');
    const resp = await submitLogin(page, buyer.login, buyer.password);
    expect(resp.status() === 303 || resp.status() === 302, `POST /login answered ${resp.status()}`);
    expect(await sessionCookie(cust.context), 'no session cookie');
    await page.locator('h1').waitFor();
    await cust.check('customer start page');
    const pages = ['/dashboard', '/products', '/products/new', `/products/${PRODUCTS[0]}`,
                   `/products/${PRODUCTS[0]}/edit`];
    for (const [i, p] of pages.entries()) {
      const r = await page.goto(p);
      expect(r.status() === 403, `${p} answered ${r.status()}, not 403`);
      expect(new URL(page.url()).pathname === p, `${p} went on to ${page.url()}`);
      const body = await page.locator('main').innerText();
      expect(!body.includes(PRODUCTS[0]) && !body.includes('Żółw'), `${p} shows product data`);
      await cust.check(`403 page ${i + 1} for a customer user`, 403);
    }
  });
  await cust.context.close();
}
