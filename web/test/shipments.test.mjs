// shipments.test.mjs - the web map's Shipments view in headless Chromium
// (Debian's /usr/bin/chromium through playwright-core).  Makes a store with
// the CLI (a reader token, two shipments on tests/data/server, one late
// with events), starts `silkroute serve --store` on an ephemeral port, and
// then: a wrong token is refused, the list shows both with their status,
// search by container finds one, the shipment view draws its position and
// route on the map, planned and actual timeline and the ETA band; a
// shipment booked from the route panel's "Book shipment" opens in the
// Shipments view; the view follows the map's language (中文, Русский);
// axe-core finds no critical or serious violation in either.
// Screenshots go to tests/artifacts/.  Prints cmocka-style summary lines
// for tests/run.sh.  Environment as ui.test.mjs (SILKROUTE_BIN, CHROMIUM).
import { spawn, spawnSync } from 'node:child_process';
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
async function test(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`[       OK ] ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`[  FAILED  ] ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
for (const [what, p] of [['silkroute binary', bin], ['chromium', exe], ['web bundle', join(root, 'web/dist/index.html')]]) {
  if (!existsSync(p)) {
    console.log(`[==========] shipments: ${what} missing (${p})`);
    console.log('[  FAILED  ] 1 test(s), listed below:');
    process.exit(1);
  }
}
const axePath = join(root, 'web/node_modules/axe-core/axe.min.js');
const watchdog = setTimeout(() => { console.log('[  FAILED  ] 1 test(s): shipments test timed out'); process.exit(1); }, 120000);

const dir = mkdtempSync(join(tmpdir(), 'silkroute-ship-ui-'));
const store = join(dir, 'track.db');
function cli(...args) {
  const r = spawnSync(bin, [...args, '--store', store], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`silkroute ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
const reader = cli('token', 'create', 'map', '--role', 'reader');
const writer = cli('token', 'create', 'booker', '--role', 'writer');
cli('ship', 'create', '--data', data, '--from', "Xi'an", '--to', 'Almaty', '--modes', 'rail', '--ref', 'PO-4711',
  '--container', 'MSKU1234565', '--ready', '2026-06-03T08:00', '--promised', '2026-06-09T00:00+06:00');
cli('ship', 'create', '--data', data, '--from', "Xi'an", '--to', 'Almaty', '--ref', 'PO-4712', '--ready', '2026-06-03T08:00');
for (const [type, place, time] of [['GTOT', 'CNXIA', '2026-06-03T20:00+08:00'], ['DEPA', 'CNXIA', '2026-06-03T22:00+08:00'],
  ['ARRI', 'CN-ALASHANKOU', '2026-06-06T18:00+08:00'], ['BORD', 'KZ-DOSTYK', '2026-06-06T19:00+06:00']]) {
  cli('ship', 'event', 'PO-4711', '--data', data, '--type', type, '--place', place, '--time', time);
}

const proc = spawn(bin, ['serve', '--port', '0', '--data', data, '--web', join(root, 'web/dist'), '--store', store, '--quiet',
  '--threads', '2'], { stdio: ['ignore', 'pipe', 'ignore'] });
process.on('exit', () => { proc.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });
const base = await new Promise((res, rej) => {
  let out = '';
  proc.stdout.on('data', (d) => { out += d; const m = out.match(/http:\/\/[^\s]+\//); if (m) res(m[0]); });
  proc.on('exit', (c) => rej(new Error(`server exited ${c}`)));
  setTimeout(() => rej(new Error('server did not start')), 10000);
});
const userDir = mkdtempSync(join(tmpdir(), 'silkroute-ship-ui-b-'));
const browser = await chromium.launchPersistentContext(userDir, {
  executablePath: exe, headless: true, viewport: { width: 1280, height: 800 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = browser.pages()[0] || await browser.newPage();
const errors = [];
const urls = [];
page.on('pageerror', (e) => errors.push(String(e)));
page.on('request', (r) => urls.push(r.url()));
const shot = (name) => page.screenshot({ path: join(artifacts, `ships-${name}.png`) });

// axe-core on the page as it is: no critical or serious violation.
async function axe(view) {
  if (!existsSync(axePath)) throw new Error(`axe-core missing (${axePath}): run make web`);
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ path: axePath });
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, where: v.nodes.slice(0, 3).map((x) => x.target.join(' ')) }));
  });
  const bad = res.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  assert(bad.length === 0, `axe on ${view}: ${bad.map((v) => `${v.impact} ${v.id} x${v.n} at ${v.where.join(' | ')}`).join('; ')}`);
}

console.log('[==========] Running shipments tests.');
await test('a wrong token is refused', async () => {
  await page.goto(base);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  await page.click('#ship-toggle');
  await page.fill('#ship-token', 'srt_wrong');
  await page.click('#ship-load');
  await page.waitForSelector('body[data-ships="error"]', { timeout: 5000 });
  assert((await page.textContent('#ship-msg')).includes('401'), `message: ${await page.textContent('#ship-msg')}`);
});

await test('list with status, and search by container', async () => {
  await page.fill('#ship-token', reader);
  await page.click('#ship-load');
  await page.waitForSelector('body[data-ships="2"]', { timeout: 5000 });
  const text = await page.textContent('#ship-list');
  assert(text.includes('PO-4711') && text.includes('PO-4712'), `list: ${text}`);
  assert(await page.locator('#ship-list td.flag-late').count() === 1, 'PO-4711 should be late');
  await shot('1-list');
  await page.fill('#ship-q', 'msku');
  await page.press('#ship-q', 'Enter');
  await page.waitForSelector('body[data-ships="1"]', { timeout: 5000 });
  assert((await page.textContent('#ship-list tbody')).includes('PO-4711'), 'search by container');
});

await test('shipment view: position, route, planned vs actual, ETA band', async () => {
  await page.click('#ship-list tbody tr[data-ref="PO-4711"]');
  await page.waitForSelector('body[data-shipment="PO-4711"]', { timeout: 5000 });
  assert(await page.locator('path.ship-position').count() === 1, 'no position marker');
  assert(await page.locator('path.ship-route').count() >= 2, 'route not drawn');
  assert(await page.locator('#ship-timeline circle.tl-plan').count() >= 3, 'no planned milestones');
  assert(await page.locator('#ship-timeline circle.tl-actual').count() === 4, 'actual events missing');
  assert(await page.locator('#ship-timeline rect.tl-eta-band').count() === 1, 'no ETA band');
  assert((await page.textContent('#ship-summary')).includes('KZ-DOSTYK'), 'position not named');
  await shot('2-shipment');
});

await test('shipments view: no critical or serious axe violations', async () => {
  await axe('shipments');
});

await test('book from the route panel: the shipment opens in the Shipments view', async () => {
  await page.goto('about:blank');
  await page.goto(`${base}#from=CNXIA&to=KZALA&by=time&pareto=true&modes=rail`);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  await page.waitForSelector('body[data-routes]:not([data-routes="0"])', { timeout: 15000 });
  assert(!(await page.isVisible('#ship-panel')), 'the Shipments view should start closed');
  await page.fill('#book-ref', 'PO-4800');
  await page.fill('#book-containers', 'CSQU3054383');
  await page.fill('#book-ready', '2026-06-03T08:00');
  await page.fill('#book-promised', '2026-06-12T00:00');
  await page.fill('#book-token', writer);
  await page.locator('#book-box').scrollIntoViewIfNeeded();
  await shot('3-book-form');
  await axe('route panel with the booking form');
  await page.click('#book-go');
  await page.waitForSelector('body[data-booked="PO-4800"]', { timeout: 10000 });
  await page.waitForSelector('body[data-shipment="PO-4800"]', { timeout: 10000 });
  assert(await page.isVisible('#ship-panel'), 'the Shipments view did not open');
  const title = await page.textContent('#ship-title');
  assert(title.includes('PO-4800') && title.includes('CNXIA') && title.includes('KZALA'), `title: ${title}`);
  assert((await page.textContent('#ship-list tbody')).includes('PO-4800'), 'not in the list');
  assert((await page.textContent('#ship-summary')).includes('booked'), `summary: ${await page.textContent('#ship-summary')}`);
  assert(await page.locator('#ship-timeline rect.tl-eta-band').count() === 1, 'no ETA band');
  await shot('4-booked');
  // The same reference again: the server's 409 is shown, nothing opens.
  await page.click('#ship-toggle');
  await page.click('#book-go');
  await page.waitForSelector('body[data-booked="error"]', { timeout: 10000 });
  assert((await page.textContent('#book-msg')).includes('409'), `message: ${await page.textContent('#book-msg')}`);
  await page.click('#ship-toggle');
});

await test('the Shipments view in Chinese and Russian', async () => {
  await page.click('[data-lang="zh"]');
  assert((await page.textContent('#ship-toggle')) === '货运跟踪', `button: ${await page.textContent('#ship-toggle')}`);
  assert((await page.textContent('#ship-load')) === '显示货运', 'load button');
  assert((await page.textContent('#ship-summary')).includes('已订舱'), `summary: ${await page.textContent('#ship-summary')}`);
  assert((await page.textContent('#ship-list thead')).includes('单号'), 'table head');
  await page.waitForTimeout(300);
  await shot('5-zh');
  await axe('shipments in Chinese');
  await page.click('[data-lang="ru"]');
  assert((await page.textContent('#ship-toggle')) === 'Отправки', 'Russian button');
  assert((await page.textContent('#ship-summary')).includes('забронировано'), `summary: ${await page.textContent('#ship-summary')}`);
  assert((await page.textContent('#ship-timeline')).includes('план'), 'timeline labels');
  await shot('6-ru');
  await page.click('[data-lang="en"]');
  assert((await page.textContent('#ship-toggle')) === 'Shipments', 'back in English');
});

await test('the token never appears in a URL; no page errors', async () => {
  assert(!urls.some((u) => u.includes(reader) || u.includes(writer)), 'token in a URL');
  assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
});

clearTimeout(watchdog);
await browser.close();
rmSync(userDir, { recursive: true, force: true });
console.log(`[==========] ${passed + failed} test(s) run.`);
console.log(`[  PASSED  ] ${passed} test(s).`);
if (failed) console.log(`[  FAILED  ] ${failed} test(s), listed above.`);
process.exit(failed ? 1 : 0);
