// Drives Debian's headless Chromium through the app (see tests/tests/browser.rs, which starts the
// runtime with fixture deals and the mock LLM and runs `node run.mjs BASE_URL`). Every step
// prints `ok - …` or fails the run. Never downloads a browser: Playwright drives /usr/bin/chromium.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const BASE = process.argv[2];
const env = (name) => process.env[name] ?? assert.fail(`${name} is not set`);
const [ADMIN, USER] = [[env('ADMIN_NAME'), env('ADMIN_PASSWORD')], [env('USER_NAME'), env('USER_PASSWORD')]];
const ASIN = env('KNOWN_ASIN');
const KEYWORD = env('KNOWN_KEYWORD');
const ISBN13 = env('KNOWN_ISBN13');
const SHOTS = env('SCREENSHOT_DIR');
const BUDGET = { bytes: 150 * 1024, interactiveMs: 1000 };
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

setTimeout(() => { console.error('browser test timed out'); process.exit(1); }, 300_000).unref();
mkdirSync(SHOTS, { recursive: true });
// launch() gives Chromium a fresh temporary profile (user-data dir) and removes it on close.
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const problems = [];

/** Asks the Rust side to do something (e.g. insert a deal) and waits for its answer. */
async function ask(request) {
  console.log(`@@${request}`);
  return (await lines.next()).value;
}

async function step(name, body) {
  try {
    await body();
    console.log(`ok - ${name}`);
  } catch (error) {
    console.log(`not ok - ${name}\n${error.stack ?? error}`);
    problems.push(name);
  }
}

async function newContext(viewport = DESKTOP) {
  const context = await browser.newContext({ viewport, baseURL: BASE, acceptDownloads: true });
  context.setDefaultTimeout(15_000);
  context.on('page', watch);
  return context;
}

/** Fails the run on script errors and Content-Security-Policy violations. */
function watch(page) {
  page.on('pageerror', (error) => problems.push(`page error on ${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) problems.push(`CSP violation on ${page.url()}: ${message.text()}`);
  });
}

async function signIn(context, [name, password]) {
  const page = await context.newPage();
  await page.goto('/');
  await page.fill('#username', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL('**/dashboard'), page.click('button[type=submit]')]);
  return page;
}

const rows = (page) => page.locator('#deal-rows tr');
const columnTexts = (page, index) => page.locator(`#deal-rows tr td:nth-child(${index})`).allTextContents();
const dollars = (text) => Number(text.replace(/[^0-9.−-]/g, '').replace('−', '-'));
const rankValue = (text) => (text.endsWith('M') ? parseFloat(text) * 1e6 : text.endsWith('K') ? parseFloat(text) * 1e3 : Number(text));
const headerIndex = async (page, label) => (await page.locator('#deal-headers th').allTextContents()).indexOf(label) + 1;

async function gridSettled(page) {
  await page.waitForFunction(() => !document.getElementById('deals').hasAttribute('aria-busy') && document.querySelector('#deal-rows tr'));
}

/** Applies a change and waits for the grid that answers it (its request URL contains `expected`). */
async function refilter(page, change, expected = '') {
  await Promise.all([page.waitForResponse((r) => r.url().includes('/api/deals?') && r.url().includes(expected)), change()]);
  await gridSettled(page);
}

/** Types `value` into the filter `name` and waits for the grid filtered by it. */
const typeFilter = (page, name, value) => refilter(page, () => page.fill(`#filters [name=${name}]`, value), `${name}=${encodeURIComponent(value)}`);

const user = await newContext();
let dashboard;

await step('a wrong password is reported inline on the login page', async () => {
  const page = await user.newPage();
  await page.goto('/');
  await page.fill('#username', USER[0]);
  await page.fill('#password', 'not-the-password');
  await page.click('button[type=submit]');
  await page.waitForURL('**/?error=*');
  assert.match(await page.locator('#login-error').textContent(), /Wrong username or password/);
  assert.ok(await page.locator('#login-error').isVisible());
  await page.close();
});

await step('the user signs in and sees the deals grid with the demo label', async () => {
  dashboard = await signIn(user, USER);
  await gridSettled(dashboard);
  assert.equal(await rows(dashboard).count(), 50);
  assert.match(await dashboard.locator('#result-count').textContent(), /^[\d,]+ deals$/);
  assert.ok(await dashboard.locator('#demo-banner').isVisible());
  await dashboard.screenshot({ path: join(SHOTS, 'dashboard.png') });
});

await step('click-to-sort orders the grid by profit, both ways', async () => {
  const column = await headerIndex(dashboard, 'Profit');
  for (const order of ['descending', 'ascending']) {
    const header = dashboard.locator('#deal-headers th', { hasText: /^Profit$/ });
    if ((await header.getAttribute('aria-sort')) !== order) await refilter(dashboard, () => header.locator('button').click());
    assert.equal(await header.getAttribute('aria-sort'), order);
    const profits = (await columnTexts(dashboard, column)).map(dollars);
    const sorted = [...profits].sort((a, b) => (order === 'ascending' ? a - b : b - a));
    assert.deepEqual(profits, sorted, `profits ${order}`);
  }
});

await step('pagination moves to the next page and back', async () => {
  const first = await dashboard.locator('#deal-rows .asin').first().textContent();
  await refilter(dashboard, () => dashboard.click('#page-next'));
  assert.match(await dashboard.locator('#page-status').textContent(), /^Page 2 of \d+$/);
  assert.notEqual(await dashboard.locator('#deal-rows .asin').first().textContent(), first);
  await refilter(dashboard, () => dashboard.click('#page-prev'));
  assert.equal(await dashboard.locator('#deal-rows .asin').first().textContent(), first);
});

await step('every filter narrows the grid as it says', async () => {
  const total = async () => Number((await dashboard.locator('#result-count').textContent()).replace(/\D/g, ''));
  const all = await total();
  await refilter(dashboard, () => dashboard.selectOption('#f-roi', '100'));
  const roiColumn = await headerIndex(dashboard, 'ROI');
  assert.ok((await columnTexts(dashboard, roiColumn)).every((text) => parseInt(text, 10) >= 100));
  await refilter(dashboard, () => dashboard.selectOption('#f-rank', '100000'));
  const rankColumn = await headerIndex(dashboard, 'Rank');
  assert.ok((await columnTexts(dashboard, rankColumn)).every((text) => rankValue(text) <= 100_000));
  await refilter(dashboard, () => dashboard.check('input[name=hide_amz]'));
  assert.equal(await dashboard.locator('#deal-rows .amz').count(), 0);
  await refilter(dashboard, () => dashboard.check('input[name=excluded_conditions][value=New]'));
  const conditionColumn = await headerIndex(dashboard, 'Cond.');
  assert.ok(!(await columnTexts(dashboard, conditionColumn)).includes('New'));
  for (const [selector, value] of [['#f-drops', '2'], ['#f-seller', '3']]) await refilter(dashboard, () => dashboard.selectOption(selector, value));
  for (const [name, value] of [['profit_gte', '20'], ['percent_down_gte', '10'], ['deal_trust_gte', '30']]) await typeFilter(dashboard, name, value);
  const narrowed = await total();
  assert.ok(narrowed > 0 && narrowed < all, `${narrowed} of ${all}`);
  const csv = new URL(await dashboard.locator('#csv-link').getAttribute('href'), BASE).searchParams;
  for (const name of ['roi_gte', 'sales_rank_current_lte', 'hide_amz', 'excluded_conditions', 'drops_30_gte', 'seller_trust_gte', 'profit_gte', 'percent_down_gte', 'deal_trust_gte']) {
    assert.ok(csv.has(name), `CSV link carries ${name}`);
  }
  await refilter(dashboard, () => dashboard.click('#filters button[type=reset]'));
  assert.equal(await total(), all);
});

await step('the keyword filter finds the known deal, also by its barcode, and the CSV holds exactly the filtered rows', async () => {
  await typeFilter(dashboard, 'keyword', ISBN13);
  assert.equal(await rows(dashboard).count(), 1);
  assert.match(await rows(dashboard).first().textContent(), new RegExp(ASIN));
  await typeFilter(dashboard, 'keyword', KEYWORD);
  assert.equal(await rows(dashboard).count(), 1);
  const download = await Promise.all([dashboard.waitForEvent('download'), dashboard.click('#csv-link')]).then(([d]) => d);
  const csv = readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(csv.length, 2, csv.join('\n'));
  assert.ok(csv[1].includes(ASIN), csv[1]);
});

await step('a deal arriving under the current filters shows as "1 new deal"', async () => {
  assert.equal(await ask('insert-deal'), 'inserted');
  await dashboard.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  const notice = dashboard.locator('#new-deals');
  await notice.waitFor({ state: 'visible' });
  assert.match(await notice.textContent(), /^1 new deal/);
  await refilter(dashboard, () => notice.click());
  assert.equal(await rows(dashboard).count(), 2);
  assert.ok(await notice.isHidden());
});

let profitBefore;
const overlayProfit = async (page) => dollars(await page.locator('.figure', { hasText: /^Profit/ }).locator('.value').textContent());

/** Runs `change` and returns the JSON of the advice answer for `mentor` it causes, once shown. */
async function adviceAfter(page, mentor, change) {
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/api/ava-advice/') && r.url().includes(`mentor=${mentor}`)), change()]);
  await page.waitForFunction(() => !document.getElementById('advice').hasAttribute('aria-busy'));
  return response.json();
}

await step('the deal overlay shows the history chart, explained numbers and the mentor advice', async () => {
  const overlay = dashboard.locator('#deal-overlay');
  const first = await adviceAfter(dashboard, 'olyvia', () => dashboard.locator('#deal-rows button', { hasText: `${KEYWORD}: The Science` }).click());
  await overlay.waitFor({ state: 'visible' });
  await overlay.locator('#overlay-chart svg[role=img]').waitFor();
  assert.ok(await overlay.locator('circle.sale').count() >= 10, 'inferred sales are marked');
  assert.match(await overlay.locator('#overlay-chart svg[role=img]').textContent(), /List at \$180\.50/);
  assert.equal(await overlay.locator('#overlay-amazon').getAttribute('href'), `https://www.amazon.com/dp/${ASIN}`);
  assert.match(await overlay.locator('#overlay-meta').textContent(), /· Fixture Press · published 2014-02 · Paperback ·/);
  assert.ok(await overlay.locator('.figure').count() >= 15);
  assert.match(await overlay.locator('.figure', { hasText: /^Seasonality/ }).textContent(), /Classified from title, category and publisher keywords\./, 'the overlay says which path produced a figure');
  profitBefore = await overlayProfit(dashboard);
  assert.equal(profitBefore, 115.63, "DOMAIN §4.11 second example at default settings");
  // The mock LLM signs its answers "<b>NAME</b> (mock, …)".
  assert.equal(first.source, 'llm', JSON.stringify(first));
  assert.match(await overlay.locator('#advice').textContent(), /^Olyvia \(mock, prompt/);
  assert.equal(await overlay.locator('#advice-source .badge').count(), 0, 'a live answer carries no badge');
  const joel = await adviceAfter(dashboard, 'joel', () => overlay.getByLabel('Joel').check());
  assert.equal(joel.source, 'llm', JSON.stringify(joel));
  assert.match(await overlay.locator('#advice').textContent(), /^Joel \(mock, prompt/);
  await dashboard.screenshot({ path: join(SHOTS, 'overlay.png') });
});

await step('when the provider fails, the advice is the persona\'s offline assessment, marked offline', async () => {
  const overlay = dashboard.locator('#deal-overlay');
  assert.equal(await ask('llm-fail'), 'failing');
  try {
    const evelyn = await adviceAfter(dashboard, 'evelyn', () => overlay.getByLabel('Evelyn').check());
    assert.equal(evelyn.source, 'offline', JSON.stringify(evelyn));
    assert.match(await overlay.locator('#advice').textContent(), /^Evelyn: (Buy|Consider carefully|Pass)\./);
    assert.match(await overlay.locator('#advice').textContent(), /Offline assessment from Evelyn's thresholds/);
    assert.ok(await overlay.locator('#advice-source .badge.offline').isVisible());
    await dashboard.screenshot({ path: join(SHOTS, 'overlay-offline.png') });
  } finally {
    assert.equal(await ask('llm-ok'), 'answering');
  }
  // Back to a live persona (the choice is shared with the chat panel).
  const olyvia = await adviceAfter(dashboard, 'olyvia', () => overlay.getByLabel('Olyvia').check());
  assert.notEqual(olyvia.source, 'offline', JSON.stringify(olyvia));
  await dashboard.keyboard.press('Escape');
  await overlay.waitFor({ state: 'hidden' });
});

await step('the mentor chat sends on Enter, keeps Shift+Enter newlines and renders user text as text', async () => {
  await dashboard.click('#chat-toggle');
  const input = dashboard.locator('#chat-input');
  await input.waitFor({ state: 'visible' });
  await input.type('<img src=x onerror="window.__xss = 1">Is this a good buy?');
  await input.press('Shift+Enter');
  await input.type('Second line.');
  assert.equal(await dashboard.locator('#chat-log .from-user').count(), 0, 'Shift+Enter does not send');
  assert.match(await input.inputValue(), /\n/);
  await input.press('Enter');
  const bubble = dashboard.locator('#chat-log .from-user').first();
  await bubble.waitFor();
  assert.match(await bubble.textContent(), /<img src=x onerror=.*Is this a good buy\?\nSecond line\./s);
  // The mock echoes the message back: the server's sanitizer and the page's whitelist keep the
  // <img> out of the reply, too.
  const replies = dashboard.locator('#chat-log .from-mentor:not([aria-busy])');
  await replies.first().waitFor();
  assert.match(await replies.first().textContent(), /^Olyvia\s*Olyvia \(mock, prompt \w+, turn 1\):.*Is this a good buy\?/s);
  assert.equal(await dashboard.evaluate(() => window.__xss), undefined);
  assert.equal(await dashboard.locator('#chat-log img').count(), 0);
  await input.type('And what about the season?');
  await input.press('Enter');
  await dashboard.waitForFunction(() => document.querySelectorAll('#chat-log .from-mentor:not([aria-busy])').length === 2);
  assert.match(await replies.nth(1).textContent(), /turn 2\): And what about the season\?/, 'the follow-up carries the history');
  assert.equal(await dashboard.locator('#chat-log .badge.offline').count(), 0, 'live replies');
  await dashboard.screenshot({ path: join(SHOTS, 'chat.png') });
  await dashboard.click('#chat-close');
});

await step('a new tab shows the latest conversation and continues it', async () => {
  const page = await user.newPage(); // a new tab: its sessionStorage starts empty
  await page.goto('/settings');
  await page.click('#chat-toggle');
  await page.waitForFunction(() => document.querySelectorAll('#chat-log .from-mentor').length === 2);
  assert.match(await page.locator('#chat-log .from-user').first().textContent(), /<img src=x onerror=.*Is this a good buy\?\nSecond line\./s);
  assert.equal(await page.locator('#chat-log img').count(), 0);
  const input = page.locator('#chat-input');
  await input.fill('A third question?');
  await input.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#chat-log .from-mentor:not([aria-busy])').length === 3);
  assert.match(await page.locator('#chat-log .from-mentor').nth(2).textContent(), /turn 3\): A third question\?/, 'the same conversation');
  await page.close();
});

await step('signing out forgets the chat in the tab, so the next user of the browser sees none of it', async () => {
  const shared = await newContext();
  const tab = await signIn(shared, USER);
  await tab.click('#chat-toggle');
  await tab.waitForFunction(() => document.querySelectorAll('#chat-log .from-mentor').length === 3);
  await Promise.all([tab.waitForURL((url) => url.pathname === '/'), tab.getByRole('button', { name: 'Sign out' }).click()]);
  assert.equal(await tab.evaluate(() => sessionStorage.length), 0);
  await tab.fill('#username', ADMIN[0]);
  await tab.fill('#password', ADMIN[1]);
  const restored = tab.waitForResponse((response) => response.url().endsWith('/api/mentor-chat'));
  await Promise.all([tab.waitForURL('**/dashboard'), tab.click('button[type=submit]')]);
  await restored;
  await tab.click('#chat-toggle');
  assert.equal(await tab.locator('#chat-log li').count(), 0, 'the admin has no conversation yet');
  await shared.close();
});

await step('"Discuss this deal in the chat" hands the open deal to the mentor chat', async () => {
  const overlay = dashboard.locator('#deal-overlay');
  await dashboard.locator('#deal-rows button', { hasText: `${KEYWORD}: The Science` }).click();
  await overlay.waitFor({ state: 'visible' });
  await overlay.locator('#advice-discuss').click();
  await overlay.waitFor({ state: 'hidden' });
  const input = dashboard.locator('#chat-input');
  await input.waitFor({ state: 'visible' });
  assert.equal(await dashboard.evaluate(() => document.activeElement?.id), 'chat-input');
  assert.match(await input.inputValue(), new RegExp(`^About ".*The Science of Brewing.*" \\(${ASIN}\\): $`));
  const replies = await dashboard.locator('#chat-log .from-mentor:not([aria-busy])').count();
  await input.type('worth it at this price?');
  await input.press('Enter');
  await dashboard.waitForFunction((n) => document.querySelectorAll('#chat-log .from-mentor:not([aria-busy])').length === n, replies + 1);
  const prompt = JSON.parse(await ask('llm-last-prompt'));
  assert.ok(prompt.includes('The deal the operator is asking about') && prompt.includes(`ASIN: ${ASIN}`), prompt);
  assert.match(await dashboard.locator('#chat-deal').textContent(), new RegExp(`^Talking about .*The Science of Brewing.* — ${ASIN}$`));
  await dashboard.screenshot({ path: join(SHOTS, 'chat-deal.png') });
  // The deal's title in that line opens its overlay in place, and the address names the deal.
  const loads = await dashboard.evaluate(() => performance.getEntriesByType('navigation').length + performance.timeOrigin);
  await dashboard.locator('#chat-deal a').click();
  await overlay.waitFor({ state: 'visible' });
  assert.match(await overlay.locator('#overlay-title').textContent(), /The Science of Brewing/);
  assert.equal(new URL(dashboard.url()).searchParams.get('deal'), ASIN);
  assert.equal(await dashboard.evaluate(() => performance.getEntriesByType('navigation').length + performance.timeOrigin), loads, 'no reload');
  await dashboard.click('#overlay-close');
  await overlay.waitFor({ state: 'hidden' });
  // The dialog's close event (which updates the address) is dispatched after it hides.
  await dashboard.waitForFunction(() => !new URL(location.href).searchParams.has('deal'));
  await dashboard.click('#chat-clear');
  assert.ok(await dashboard.locator('#chat-deal').isHidden(), 'a new chat is about no deal yet');
  // A book named by its title, as the cover prints it, is a deal the mentor has figures for.
  const before = await dashboard.locator('#chat-log .from-mentor:not([aria-busy])').count();
  await input.fill(`Is the ${KEYWORD.toLowerCase()} companion workbook worth $15?`);
  await input.press('Enter');
  await dashboard.waitForFunction((n) => document.querySelectorAll('#chat-log .from-mentor:not([aria-busy])').length === n, before + 1);
  assert.equal(await dashboard.locator('#chat-deal').textContent(), `Talking about ${KEYWORD} Companion Workbook — 0000000042`);
  await dashboard.click('#chat-clear');
  await dashboard.click('#chat-close');
});

await step('"Earlier" lists the earlier chats; one is opened and continued', async () => {
  await dashboard.click('#chat-toggle');
  const input = dashboard.locator('#chat-input');
  await input.fill('When do cookbooks sell best?');
  await input.press('Enter');
  await dashboard.waitForFunction(() => document.querySelectorAll('#chat-log .from-mentor:not([aria-busy])').length === 1);
  await dashboard.click('#chat-history-toggle');
  const items = dashboard.locator('#chat-history li[data-conversation]');
  await items.nth(1).waitFor();
  assert.ok(await dashboard.locator('#chat-log').isHidden() && await dashboard.locator('#chat-form').isHidden());
  assert.equal(await items.first().locator('.open-chat').textContent(), 'When do cookbooks sell best?', 'the most recent first');
  assert.match(await items.first().locator('.meta').textContent(), /^Olyvia · .+ · 2 messages · Delete$/);
  const older = items.filter({ hasText: 'Is this a good buy?' });
  await older.locator('.open-chat').click();
  await dashboard.locator('#chat-history').waitFor({ state: 'hidden' });
  assert.equal(await dashboard.locator('#chat-history-toggle').textContent(), 'Earlier');
  assert.match(await dashboard.locator('#chat-log .from-user').first().textContent(), /Is this a good buy\?/);
  const replies = await dashboard.locator('#chat-log .from-mentor').count();
  assert.ok(replies >= 3, `${replies} replies shown`);
  await input.fill('One more on that?');
  await input.press('Enter');
  await dashboard.waitForFunction((n) => document.querySelectorAll('#chat-log .from-mentor:not([aria-busy])').length === n, replies + 1);
  const prompt = JSON.parse(await ask('llm-last-prompt'));
  assert.ok(prompt.includes('A third question?') && prompt.includes('One more on that?'), 'the opened conversation goes on: ' + prompt);
  assert.ok(!prompt.includes('cookbooks'), 'and not the other one');
  await dashboard.screenshot({ path: join(SHOTS, 'chat-earlier.png') });
  await dashboard.click('#chat-close');
});

await step('an earlier chat is deleted on a second click; deleting the open one starts the panel afresh', async () => {
  await dashboard.click('#chat-toggle');
  await dashboard.click('#chat-history-toggle');
  const items = dashboard.locator('#chat-history li[data-conversation]');
  await items.first().waitFor();
  const before = await items.count();
  const cookbooks = items.filter({ hasText: 'When do cookbooks sell best?' });
  const remove = cookbooks.locator('.delete-chat');
  await remove.click();
  assert.equal(await remove.textContent(), 'Really delete?');
  assert.equal(await items.count(), before, 'the first click deletes nothing');
  await dashboard.screenshot({ path: join(SHOTS, 'chat-delete.png') });
  await remove.click();
  await cookbooks.waitFor({ state: 'detached' });
  const listed = async () => (await dashboard.evaluate(() => fetch('/api/mentor-chat/conversations').then((r) => r.json()))).conversations;
  assert.ok(!(await listed()).some((c) => c.first_question === 'When do cookbooks sell best?'), 'gone on the server');
  // The conversation open in the panel (continued in the step before).
  const open = items.filter({ hasText: 'Is this a good buy?' });
  await open.locator('.delete-chat').click();
  await open.locator('.delete-chat').click();
  await open.waitFor({ state: 'detached' });
  assert.equal(await items.count(), before - 2);
  await dashboard.click('#chat-history-toggle');
  assert.equal(await dashboard.locator('#chat-log li').count(), 0, 'the deleted conversation is no longer shown');
  assert.equal(JSON.parse(await dashboard.evaluate(() => sessionStorage.getItem('agent_chat'))).conversationId, null);
  await dashboard.click('#chat-close');
});

await step("a deal's address opens its overlay, also after a reload; an unknown deal says so", async () => {
  const page = await user.newPage();
  await page.goto(`/dashboard?deal=${ASIN}`);
  const overlay = page.locator('#deal-overlay');
  await overlay.waitFor({ state: 'visible' });
  assert.match(await overlay.locator('#overlay-title').textContent(), /The Science of Brewing/);
  await overlay.locator('#overlay-chart svg[role=img]').waitFor();
  await page.reload();
  await overlay.waitFor({ state: 'visible' });
  await page.goto('/dashboard?deal=0000000000');
  await page.locator('#deal-link-error').waitFor({ state: 'visible' });
  assert.match(await page.locator('#deal-link-error').textContent(), /^Deal 0000000000 cannot be shown: /);
  assert.ok(await overlay.isHidden());
  await page.close();
});

await step('settings are validated, saved, and change the profit', async () => {
  const page = await user.newPage();
  await page.goto('/settings');
  await page.waitForFunction(() => document.getElementById('s-prep').value !== '');
  assert.equal(Number(await page.inputValue('#s-prep')), 2.75);
  await page.fill('#s-prep', '-1');
  await page.click('#settings-form button[type=submit]');
  assert.match(await page.locator('#s-prep-error').textContent(), /must not be negative/i);
  await page.fill('#s-prep', '20');
  await page.fill('#s-tax', '6.25');
  await page.click('#settings-form button[type=submit]');
  await page.locator('#settings-status.ok').waitFor();
  await page.goto('/dashboard');
  await gridSettled(page);
  await page.locator('#deal-rows button', { hasText: `${KEYWORD}: The Science` }).click();
  await page.waitForFunction((before) => {
    const value = [...document.querySelectorAll('.figure')].find((f) => f.textContent.startsWith('Profit'))?.querySelector('.value').textContent;
    return value && !value.includes(String(before));
  }, profitBefore);
  const after = await overlayProfit(page);
  // prep +17.25, tax 5 % → 6.25 % of $25.00: +0.31 (rounded to the cent)
  assert.ok(Math.abs(profitBefore - after - 17.56) <= 0.02, `profit ${profitBefore} → ${after}`);
  await page.close();
});

await step('a user is refused the admin pages and sees no admin links', async () => {
  const page = await user.newPage();
  for (const path of ['/strategies', '/intelligence', '/guided-learning', '/admin', '/admin/keepa-query']) {
    const response = await page.goto(path);
    assert.equal(response.status(), 403, path);
    assert.ok(await page.getByRole('heading', { name: 'Admins only' }).isVisible(), path);
  }
  assert.ok(await page.getByRole('link', { name: 'Strategies' }).isHidden());
  await page.close();
});

await step('the dashboard works by keyboard: sort and open a deal without a mouse', async () => {
  const page = await user.newPage();
  await page.goto('/dashboard');
  await gridSettled(page);
  await page.locator('#deal-headers button', { hasText: /^Rank$/ }).focus();
  await refilter(page, () => page.keyboard.press('Enter'));
  assert.equal(await page.locator('#deal-headers th', { hasText: /^Rank$/ }).getAttribute('aria-sort'), 'ascending');
  await page.locator('#deal-rows td.title button').first().focus();
  await page.keyboard.press('Enter');
  await page.locator('#deal-overlay').waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');
  await page.close();
});

await step('the dashboard fits a 390 px phone', async () => {
  const phone = await newContext(PHONE);
  const page = await signIn(phone, USER);
  await gridSettled(page);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling of the page');
  await page.screenshot({ path: join(SHOTS, 'dashboard-phone.png') });
  await page.locator('#deal-rows td.title button').first().click();
  await page.locator('#deal-overlay').waitFor({ state: 'visible' });
  await page.screenshot({ path: join(SHOTS, 'overlay-phone.png') });
  await phone.close();
});

const admin = await newContext();
await step('the admin edits the Keepa query with JSON validation', async () => {
  const page = await signIn(admin, ADMIN);
  await page.goto('/admin/keepa-query');
  await page.waitForFunction(() => document.getElementById('query-text').value.startsWith('{'));
  const original = await page.inputValue('#query-text');
  await page.fill('#query-text', '{ not json');
  await page.click('#query-form button[type=submit]');
  assert.match(await page.locator('#query-text-error').textContent(), /Invalid JSON/);
  await page.fill('#query-text', original);
  await page.click('#query-form button[type=submit]');
  await page.locator('#query-status', { hasText: 'Saved' }).waitFor();
  await page.goto('/admin');
  await page.locator('#ingestion-status dt').first().waitFor();
});

// The mock LLM extracts one Buying strategy per sentence with a digit and takes the other
// sentences of four words or more as mental models.
const LESSON = 'Buy textbooks ranked under 200,000 in December, when their prices are at the trough. '
  + 'Sell them in August for 3 times the December price. Textbook demand follows the academic calendar.';
const EDITED_ADVICE = 'Stock up on textbooks in December and list them for the August rush';
let adminPage;

await step('the admin teaches from text, reviews, edits and approves the learned strategies', async () => {
  const page = adminPage = await admin.newPage();
  await page.goto('/guided-learning');
  await page.fill('#learn-input', LESSON);
  await Promise.all([page.waitForURL('**/guided-learning/*'), page.click('#learn-form button[type=submit]')]);
  // The cron component `jobs` works the queue every 5 s.
  await page.waitForFunction(() => /Status: (done|failed)|Learning failed/.test(document.getElementById('job-status').textContent), null, { timeout: 60_000 });
  assert.match(await page.locator('#job-status').textContent(), /^Status: done/);
  await page.locator('#review-form').waitFor({ state: 'visible' });
  const learned = JSON.parse(await page.inputValue('#review-strategies'));
  assert.equal(learned.length, 2, JSON.stringify(learned));
  assert.match(learned[0].advice, /^Buy textbooks ranked under 200,000 in December/);
  assert.equal(await page.inputValue('#review-models'), 'Textbook demand follows the academic calendar');
  const source = page.locator('#job-source');
  assert.match(await source.locator('summary').textContent(), new RegExp(`^The text the mentors read \\(${LESSON.length} characters\\)$`));
  await source.locator('summary').click();
  assert.equal(await page.locator('#job-source-text').textContent(), LESSON);
  assert.equal(await page.locator('#job-input').textContent(), 'From the pasted text');
  await page.screenshot({ path: join(SHOTS, 'learn-review.png'), fullPage: true });

  // Broken JSON is refused in place; then the admin edits the first strategy and adds a model.
  await page.fill('#review-strategies', '[{ "category": ');
  await page.click('#review-form button[type=submit]');
  assert.match(await page.locator('#review-strategies-error').textContent(), /not valid JSON/);
  assert.equal(await page.getAttribute('#review-strategies', 'aria-invalid'), 'true');
  const edited = [{ ...learned[0], category: 'Seasonality', advice: EDITED_ADVICE, confidence: 'Medium' }, learned[1]];
  await page.fill('#review-strategies', JSON.stringify(edited, null, 2));
  await page.fill('#review-models', 'Textbook demand follows the academic calendar\nTextbook prices follow the semester.');
  const result = page.locator('#review-result');
  await page.click('#review-form button[type=submit]');
  await page.locator('#review-result.ok').waitFor();
  assert.equal(await result.textContent(), 'Saved 2 new strategies (0 duplicates skipped) and 2 mental models (0 skipped).');
  await page.screenshot({ path: join(SHOTS, 'learn-approved.png'), fullPage: true });

  // Approving the same items again stores nothing and says so.
  await page.click('#review-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('review-result').textContent.startsWith('Saved 0'));
  assert.equal(await result.textContent(), 'Saved 0 new strategies (2 duplicates skipped) and 0 mental models (2 skipped).');

  await page.goto('/strategies');
  const strategy = page.locator('#knowledge-list li', { hasText: EDITED_ADVICE });
  await strategy.waitFor();
  assert.match(await strategy.textContent(), /^Seasonality · when When: Buy textbooks ranked under 200,000/);
  assert.match(await strategy.textContent(), /confidence Medium/);
  assert.match(await page.locator('#knowledge-summary').textContent(), /^2 stored, 2 added today\.$/);
  await page.locator('#knowledge-list li', { hasText: 'Sell them in August for 3 times the December price' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'strategies.png'), fullPage: true });
  // A wrong lesson can be taken out again; the browser asks first. A form open meanwhile stays.
  await strategy.getByRole('button', { name: 'Edit' }).click();
  const form = page.locator('#knowledge-list li[data-editing] form');
  await form.locator('textarea').fill('Typed while another lesson is deleted');
  const wrong = page.locator('#knowledge-list li', { hasText: 'Sell them in August for 3 times the December price' });
  page.once('dialog', (dialog) => dialog.dismiss());
  await wrong.getByRole('button', { name: 'Delete' }).click();
  assert.equal(await page.locator('#knowledge-list li').count(), 2, 'dismissed: nothing deleted');
  page.once('dialog', (dialog) => dialog.accept());
  await wrong.getByRole('button', { name: 'Delete' }).click();
  await wrong.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.getElementById('knowledge-summary').textContent.startsWith('1 stored'));
  assert.match(await page.locator('#knowledge-summary').textContent(), /^1 stored, 1 added today\.$/);
  assert.equal(await form.locator('textarea').inputValue(), 'Typed while another lesson is deleted', 'the open form survives');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await page.reload();
  await strategy.waitFor();
  assert.equal(await page.locator('#knowledge-list li').count(), 1, 'deleted for good');
  // A stored strategy is corrected in place: the form starts from what is stored.
  await strategy.getByRole('button', { name: 'Edit' }).click();
  assert.equal(await form.locator('select').first().inputValue(), 'Seasonality');
  assert.equal(await form.locator('textarea').inputValue(), EDITED_ADVICE);
  assert.equal(await form.locator('select').nth(1).inputValue(), 'Medium');
  await form.locator('textarea').fill('');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.locator('.form-error').waitFor();
  assert.equal(await form.locator('.form-error').textContent(), 'advice must not be empty');
  await form.locator('textarea').fill(EDITED_ADVICE);
  await form.locator('select').nth(1).selectOption('High');
  await page.screenshot({ path: join(SHOTS, 'strategy-edit.png'), fullPage: true });
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached' });
  assert.match(await strategy.textContent(), /confidence High/);
  await page.reload();
  await strategy.waitFor();
  assert.match(await strategy.textContent(), /^Seasonality · when When: Buy textbooks ranked under 200,000.*confidence High/, 'stored');
  await page.goto('/intelligence');
  await page.locator('#knowledge-list li', { hasText: 'Textbook prices follow the semester.' }).waitFor();
  const calendar = page.locator('#knowledge-list li', { hasText: 'Textbook demand follows the academic calendar' });
  await calendar.getByRole('button', { name: 'Edit' }).click();
  await page.locator('#knowledge-list li[data-editing] textarea').fill('Textbook demand follows the academic calendar, twice a year');
  // Searching meanwhile hides what does not match but keeps the open form and what was typed.
  await page.fill('#knowledge-search', 'prices follow');
  assert.ok(await page.locator('#knowledge-list li', { hasText: 'Textbook prices follow the semester.' }).isVisible());
  assert.equal(await page.locator('#knowledge-list li:not([hidden])').count(), 2, 'the match and the open form');
  await page.fill('#knowledge-search', 'no such words');
  assert.equal(await page.locator('#knowledge-list li:not([hidden])').count(), 1, 'only the open form');
  assert.equal(await page.locator('#knowledge-list li[data-editing] textarea').inputValue(), 'Textbook demand follows the academic calendar, twice a year');
  await page.fill('#knowledge-search', '');
  await page.locator('#knowledge-list li[data-editing]').getByRole('button', { name: 'Save' }).click();
  await page.locator('#knowledge-list li', { hasText: 'academic calendar, twice a year' }).waitFor();
  assert.match(await page.locator('#knowledge-summary').textContent(), /^2 stored/);
  await page.screenshot({ path: join(SHOTS, 'intelligence.png'), fullPage: true });
});

await step('the learn page lists the recent lessons, follows a new one until it is ready and links to its review', async () => {
  const page = adminPage;
  await page.goto('/guided-learning');
  const approved = page.locator('#recent-jobs li').first();
  await approved.waitFor();
  assert.match(await approved.textContent(), /^Lesson \d+Approved“Buy textbooks ranked under 200,000 in December/);
  assert.match(await approved.locator('.meta').textContent(), new RegExp(`^submitted .* by ${ADMIN[0]} · found 2 strategies, 1 mental model$`));

  await page.fill('#learn-input', 'Never buy a book that Amazon itself sells below the used price.');
  await Promise.all([page.waitForURL('**/guided-learning/*'), page.click('#learn-form button[type=submit]')]);
  const review = new URL(page.url()).pathname;
  await page.goto('/guided-learning');
  const newest = page.locator('#recent-jobs li').first();
  assert.match(await newest.locator('.badge').textContent(), /^(Waiting to start|Working|Ready for review)$/);
  // The list refreshes itself while a lesson is being worked on.
  await page.waitForFunction(() => document.querySelector('#recent-jobs li .badge')?.textContent === 'Ready for review', null, { timeout: 60_000 });
  assert.equal(await page.locator('#recent-summary').textContent(), '1 lesson ready for review.');
  assert.equal(await page.locator('#recent-jobs li').count(), 2);
  await page.screenshot({ path: join(SHOTS, 'learn-recent.png'), fullPage: true });
  await Promise.all([page.waitForURL(`**${review}`), newest.getByRole('link').click()]);
  await page.locator('#review-form').waitFor({ state: 'visible' });
  // Plain lines instead of JSON: one General strategy each.
  await page.fill('#review-strategies', 'Skip books Amazon sells below the used price\n\n  Check the Amazon price before buying  ');
  await page.click('#review-form button[type=submit]');
  await page.locator('#review-result.ok').waitFor();
  assert.match(await page.locator('#review-result').textContent(), /^Saved 2 new strategies \(0 duplicates skipped\)/);
  await page.goto('/strategies');
  const manual = page.locator('#knowledge-list li', { hasText: 'Check the Amazon price before buying' });
  await manual.waitFor();
  assert.match(await manual.textContent(), /^General · any situation/);
});

await step('a lesson whose page cannot be fetched fails with the reason and can be tried again as a new job', async () => {
  const page = adminPage;
  await page.goto('/guided-learning');
  await page.check('input[name=kind][value=url]');
  await page.fill('#learn-input', 'http://localhost:9/lesson');
  await Promise.all([page.waitForURL('**/guided-learning/*'), page.click('#learn-form button[type=submit]')]);
  const first = page.url();
  await page.locator('#job-retry').waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await page.locator('#job-status').textContent(), /^Learning failed: .+/);
  await Promise.all([page.waitForURL((url) => url.href !== first), page.click('#job-retry')]);
  assert.match(page.url(), /\/guided-learning\/\d+$/);
  await page.locator('#job-retry').waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await page.locator('#job-status').textContent(), /^Learning failed: .+/, 'the same input again');
});

await step('the mentor chat answers with the approved knowledge in its prompt', async () => {
  const page = adminPage;
  await page.click('#chat-toggle');
  const input = page.locator('#chat-input');
  await input.fill('When should I buy textbooks?');
  await input.press('Enter');
  const reply = page.locator('#chat-log .from-mentor:not([aria-busy])').last();
  await reply.waitFor();
  assert.match(await reply.textContent(), /\(mock, prompt \w+, turn 1\): When should I buy textbooks\?/);
  const prompt = JSON.parse(await ask('llm-last-prompt'));
  assert.ok(prompt.includes(`[Category: Seasonality] IF When: Buy textbooks ranked under 200,000 in December`), prompt);
  assert.ok(prompt.includes(EDITED_ADVICE), prompt);
  assert.ok(prompt.includes('- Textbook prices follow the semester.'), prompt);
  await page.screenshot({ path: join(SHOTS, 'chat-admin.png') });
  await page.click('#chat-close');
});

await step('with the provider failing, the chat answers offline from the approved knowledge', async () => {
  const page = adminPage;
  assert.equal(await ask('llm-fail'), 'failing');
  try {
    await page.click('#chat-toggle');
    const input = page.locator('#chat-input');
    await input.fill('And is August the time to sell textbooks?');
    await input.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#chat-log .from-mentor:not([aria-busy])').length === 2);
    const reply = page.locator('#chat-log .from-mentor').last();
    assert.ok(await reply.locator('.badge.offline').isVisible(), 'marked offline');
    const text = await reply.textContent();
    assert.match(text, /Olyvia \(offline\):/);
    assert.ok(text.includes(`Seasonality — if When: Buy textbooks ranked under 200,000 in December, when their prices are at the trough: ${EDITED_ADVICE}`), text);
    assert.match(text, /The AI provider is not available right now/);
    await reply.evaluate((item) => item.scrollIntoView({ block: 'start' }));
    await page.screenshot({ path: join(SHOTS, 'chat-offline.png') });
    await page.click('#chat-close');
    // The dashboard tells everyone why the mentors answer offline.
    await page.goto('/dashboard');
    await page.locator('#ai-banner').waitFor();
    assert.match(await page.locator('#ai-banner').textContent(),
      /^The AI provider is failing \(last failure .+ ago\): the mentors answer from their rules \(offline\) until it answers again\.$/);
  } finally {
    assert.equal(await ask('llm-ok'), 'answering');
  }
  // Once the provider answers again, the banner goes. (The ledger's times are whole seconds and
  // an answer in the failure's own second does not count as after it: let that second pass.)
  await page.waitForTimeout(1100);
  await page.click('#chat-toggle');
  const replies = await page.locator('#chat-log .from-mentor:not([aria-busy])').count();
  await page.locator('#chat-input').fill('Thanks. And now?');
  await page.locator('#chat-input').press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#chat-log .from-mentor:not([aria-busy])').length === n, replies + 1);
  assert.ok(!(await page.locator('#chat-log .from-mentor').last().locator('.badge.offline').count()), 'answered by the model');
  await page.click('#chat-close');
  const [health] = await Promise.all([page.waitForResponse((response) => response.url().endsWith('/api/health')), page.reload()]);
  assert.equal((await health.json()).ai.provider_failing, false);
  await page.waitForFunction(() => document.getElementById('ai-banner').hidden);
});

await step("the AI usage page shows today's calls per feature, from the ledger", async () => {
  const page = adminPage;
  await page.click('nav a[href="/admin/ai-usage"]');
  await page.waitForURL('**/admin/ai-usage');
  const today = new Date().toISOString().slice(0, 10);
  const first = page.locator('#usage-rows tr').first();
  await first.waitFor();
  const cells = await first.locator('td').allTextContents();
  assert.equal(cells[0], today, 'newest day first, in UTC');
  const ledger = await page.evaluate(() => fetch('/api/admin/ai-usage?days=1').then((r) => r.json()));
  const day = ledger.days[0];
  assert.equal(cells[1], day.calls.toLocaleString('en-US'));
  assert.ok(day.features.chat.calls > 0 && cells[10].includes(`chat ${day.features.chat.calls}`), cells.join(' | '));
  // The chat's prompts repeat the knowledge base ahead of what is new, which the mock's prompt cache serves.
  assert.ok(day.cached_prompt_tokens > 0 && day.cached_prompt_tokens < day.prompt_tokens, JSON.stringify(day));
  assert.deepEqual(cells.slice(4, 6), [day.prompt_tokens, day.cached_prompt_tokens].map((n) => n.toLocaleString('en-US')));
  assert.ok(day.features.chat.offline_answers > 0, 'the offline chat of the step before was counted');
  assert.match(await page.locator('#usage-summary').textContent(), /with AI use in the last 30 days; the daily budget is [\d,]+ calls\.$/);
  assert.equal(await page.locator('#usage-total th').textContent(), 'Total');
  const users = await page.locator('#usage-users tr').allTextContents();
  assert.deepEqual(users, ledger.users.map((user) => `${user.name}${user.calls.toLocaleString('en-US')}`));
  assert.ok(ledger.users.some((user) => user.name === ADMIN[0] && user.calls > 0), 'the admin chatted in the steps before');
  // The provider failed in the step before: the page says when and why (and whether it has
  // answered since: the ingest job may have asked it something in the meantime).
  assert.match(await page.locator('#usage-last-failure').textContent(),
    /^(The provider has not answered since its last failure|Last provider failure): .+ \(chat\): the LLM provider /);
  await page.selectOption('#usage-days', '7');
  await page.waitForFunction(() => document.getElementById('usage-summary').textContent.includes('last 7 days'));
  await page.screenshot({ path: join(SHOTS, 'ai-usage.png') });
});

await step(`dashboard first load: ≤ ${BUDGET.bytes / 1024} KB transferred and interactive ≤ ${BUDGET.interactiveMs} ms`, async () => {
  const fresh = await newContext();
  const signedIn = await signIn(fresh, USER);
  await signedIn.evaluate(() => localStorage.clear());
  await signedIn.close();
  // A new context shares no HTTP cache with the one that signed in: copy only the cookie.
  const cookies = await fresh.cookies();
  await fresh.close();
  const cold = await newContext();
  await cold.addCookies(cookies);
  const page = await cold.newPage();
  await page.goto('/dashboard');
  await page.waitForFunction(() => performance.getEntriesByName('dashboard-interactive').length > 0);
  const metrics = await page.evaluate(() => {
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    return {
      transferred_bytes: entries.reduce((sum, entry) => sum + entry.transferSize, 0),
      decoded_bytes: entries.reduce((sum, entry) => sum + entry.decodedBodySize, 0),
      requests: entries.length,
      interactive_ms: Math.round(performance.getEntriesByName('dashboard-interactive')[0].startTime),
      dom_content_loaded_ms: Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd),
      total_deals: Number(document.getElementById('result-count').textContent.replace(/\D/g, '')),
    };
  });
  console.log(`@@metrics ${JSON.stringify(metrics)}`);
  await cold.close();
  assert.ok(metrics.transferred_bytes <= BUDGET.bytes, `${metrics.transferred_bytes} bytes`);
  assert.ok(metrics.interactive_ms <= BUDGET.interactiveMs, `${metrics.interactive_ms} ms`);
});

await step('a user changes their password on the settings page; their other devices are signed out', async () => {
  const otherDevice = await newContext();
  const otherPage = await signIn(otherDevice, USER);
  const page = await user.newPage();
  await page.goto('/settings');
  const fresh = 'a-new-user-password';
  await page.fill('#p-current', USER[1]);
  await page.fill('#p-new', 'short');
  await page.click('#password-form button[type=submit]');
  assert.equal(await page.locator('#p-new-error').textContent(), 'At least 8 characters.');
  await page.fill('#p-new', fresh);
  await page.fill('#p-new-again', `${fresh}!`);
  await page.click('#password-form button[type=submit]');
  assert.match(await page.locator('#p-new-again-error').textContent(), /differ/);
  await page.fill('#p-new-again', fresh);
  await page.fill('#p-current', 'not-my-password');
  await page.click('#password-form button[type=submit]');
  assert.match(await page.locator('#password-status.error').textContent(), /current password is wrong/);
  await page.fill('#p-current', USER[1]);
  await page.click('#password-form button[type=submit]');
  assert.match(await page.locator('#password-status.ok').textContent(), /^Password changed\. \d+ other sessions? (was|were) signed out\.$/);
  assert.equal(await page.inputValue('#p-new'), '', 'the form is cleared');
  await page.screenshot({ path: join(SHOTS, 'password-changed.png') });
  await page.goto('/dashboard');
  await gridSettled(page);
  await otherPage.goto('/settings');
  assert.equal(new URL(otherPage.url()).pathname, '/', 'the other device is back at the login page');
  await otherDevice.close();
  const again = await newContext();
  await signIn(again, [USER[0], fresh]);
  await again.close();
  await page.close();
});

await browser.close();
console.log(problems.length ? `browser test failed: ${problems.join('; ')}` : 'browser test: all steps passed');
process.exit(problems.length ? 1 : 0);
