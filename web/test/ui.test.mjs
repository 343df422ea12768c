// ui.test.mjs - the web map in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core; no browser is downloaded).  Starts
// `silkroute serve` on an ephemeral loopback port over the server test
// dataset, then: load the page, search two places, get a route and see it
// drawn, open a Pareto option, switch language.  Screenshots go to
// tests/artifacts/.  Prints cmocka-style summary lines for tests/run.sh.
//
// Environment: SILKROUTE_BIN (default build/silkroute), SILKROUTE_TEST_DATA
// (default tests/data/server), CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = resolve(root, process.env.SILKROUTE_BIN || 'build/silkroute');
const data = resolve(root, process.env.SILKROUTE_TEST_DATA || 'tests/data/server');
const exe = process.env.CHROMIUM || '/usr/bin/chromium';
const artifacts = join(root, 'tests/artifacts');
mkdirSync(artifacts, { recursive: true });

let passed = 0, failed = 0;
const results = [];
async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    results.push(`[       OK ] ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    results.push(`[  FAILED  ] ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }
  console.log(results[results.length - 1]);
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

for (const [what, p] of [['silkroute binary', bin], ['chromium', exe], ['web bundle', join(root, 'web/dist/index.html')]]) {
  if (!existsSync(p)) {
    console.log(`[==========] ui: ${what} missing (${p})`);
    console.log('[  FAILED  ] 1 test(s), listed below:');
    process.exit(1);
  }
}

// The whole run is bounded: a hung browser or server cannot hang make test.
const watchdog = setTimeout(() => { console.log('[  FAILED  ] 1 test(s): ui test timed out'); process.exit(1); }, 120000);

const server = spawn(bin, ['serve', '--port', '0', '--data', data, '--web', join(root, 'web/dist'), '--quiet', '--threads', '2'],
  { stdio: ['ignore', 'pipe', 'ignore'] });
const base = await new Promise((res, rej) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/http:\/\/[^\s]+\//);
    if (m) res(m[0]);
  });
  server.on('exit', (c) => rej(new Error(`server exited ${c}`)));
  setTimeout(() => rej(new Error('server did not start')), 10000);
});

// Whatever happens below, the server must not outlive the test.
process.on('exit', () => server.kill('SIGKILL'));
const userDir = mkdtempSync(join(tmpdir(), 'silkroute-ui-'));
// A persistent context is playwright's way of giving Chromium a fresh
// --user-data-dir of our own.
const browser = await chromium.launchPersistentContext(userDir, {
  executablePath: exe,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = browser.pages()[0] || await browser.newPage();
const external = [];
const pageErrors = [];
page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) external.push(r.url()); });
page.on('pageerror', (e) => pageErrors.push(String(e)));
const shot = (name) => page.screenshot({ path: join(artifacts, `ui-${name}.png`) });

console.log('[==========] Running ui tests.');
await test('page loads with basemap and network, offline', async () => {
  await page.goto(base);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  const countries = await page.locator('.leaflet-overlay-pane path').count();
  assert(countries > 100, `expected the countries basemap, got ${countries} paths`);
  assert(await page.locator('path.net-link').count() > 0, 'no network links drawn');
  assert(await page.locator('path.net-link.planned').count() > 0, 'no planned (dashed) link drawn');
  assert(external.length === 0, `requests outside the server: ${external.join(', ')}`);
  await shot('1-loaded');
});

await test('search two places in two languages', async () => {
  await page.fill('#from', '西安');
  await page.waitForSelector('#from-suggest li[data-id="CNXIA"]', { timeout: 5000 });
  await page.press('#from', 'Enter');
  await page.fill('#to', 'алматы');
  await page.waitForSelector('#to-suggest li[data-id="KZALA"]', { timeout: 5000 });
  await shot('2-search');
  await page.click('#to-suggest li[data-id="KZALA"]');
  assert((await page.inputValue('#from')) === "Xi'an", `from is ${await page.inputValue('#from')}`);
  assert((await page.inputValue('#to')) === 'Almaty', `to is ${await page.inputValue('#to')}`);
});

await test('route is drawn with legs, totals and timeline', async () => {
  await page.click('#go');
  await page.waitForSelector('#result:not([hidden])', { timeout: 10000 });
  const legs = await page.locator('#legs li.leg').count();
  assert(legs >= 1, 'no legs listed');
  assert(await page.locator('path.route-leg').count() === legs, 'route legs not drawn on the map');
  assert(await page.locator('#timeline rect.tl-seg').count() >= legs, 'timeline missing');
  assert((await page.textContent('#totals')).includes('days'), 'totals without days');
  await shot('3-route');
});

await test('Pareto options chart; clicking an option shows it', async () => {
  await page.check('#pareto');
  await page.click('#go');
  await page.waitForSelector('#pareto-box:not([hidden]) circle.pareto-opt', { timeout: 10000 });
  const n = await page.locator('circle.pareto-opt').count();
  assert(n >= 2, `expected several Pareto options, got ${n}`);
  await page.locator(`circle.pareto-opt[data-index="${n - 1}"]`).click();
  await page.waitForSelector(`body[data-selected="${n - 1}"]`, { timeout: 5000 });
  assert((await page.textContent('#totals')).includes(`${n} `) || (await page.textContent('#totals')).includes(`of ${n}`), 'selected option not shown');
  assert(await page.locator('path.route-leg').count() >= 1, 'option not drawn');
  await shot('4-pareto');
});

await test('language switch: Chinese and Russian labels and place names', async () => {
  await page.click('button[data-lang="zh"]');
  assert((await page.textContent('#go')) === '查询路线', 'button not in Chinese');
  assert((await page.inputValue('#from')) === '西安', 'origin not in Chinese');
  assert((await page.textContent('#legs')).includes('阿拉木图'), 'legs not in Chinese');
  await shot('5-zh');
  await page.click('button[data-lang="ru"]');
  assert((await page.textContent('#go')) === 'Найти маршрут', 'button not in Russian');
  assert((await page.inputValue('#to')) === 'Алматы', 'destination not in Russian');
  await shot('6-ru');
  await page.click('button[data-lang="en"]');
});

await test('clicking a place on the map chooses it and routes again', async () => {
  await page.uncheck('#pareto');
  await page.locator('path.place-UZTAS').dispatchEvent('click');
  await page.waitForFunction(() => document.querySelector('#from').value === 'Tashkent', null, { timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('#legs').textContent.includes('Tashkent'), null, { timeout: 10000 });
  assert(await page.locator('path.route-leg').count() >= 1, 'clicked route not drawn');
  await shot('7-click');
});

await test('unknown place shows the server error', async () => {
  await page.fill('#to', 'Atlantis');
  await page.uncheck('#pareto');
  await page.click('#go');
  await page.waitForSelector('#status.error', { timeout: 5000 });
  assert((await page.textContent('#status')).includes('UnknownPlace'), await page.textContent('#status'));
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
});

await browser.close();
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
rmSync(userDir, { recursive: true, force: true });
clearTimeout(watchdog);
console.log(`[==========] ${passed + failed} ui test(s) run.`);
console.log(`[  PASSED  ] ${passed} test(s).`);
if (failed) console.log(`[  FAILED  ] ${failed} test(s), listed above.`);
process.exit(failed ? 1 : 0);
