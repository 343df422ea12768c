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
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { artifacts, assert, axe as axeOn, bin, openBrowser, root, startServer, suite } from './harness.mjs';

const data = resolve(root, process.env.SILKROUTE_TEST_DATA || 'tests/data/server');
const S = suite('shipments', 120000);
const test = S.test;

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

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const { base } = await startServer(data, ['--store', store]);
const { page, external, pageErrors: errors, close } = await openBrowser([base]);
S.onDone(close);
const urls = [];
page.on('request', (r) => urls.push(r.url()));
const shot = (name) => page.screenshot({ path: join(artifacts, `ships-${name}.png`) });

const axe = (view) => axeOn(page, view);

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

await test('the token never appears in a URL; no requests outside the server; no page errors', async () => {
  assert(!urls.some((u) => u.includes(reader) || u.includes(writer)), 'token in a URL');
  assert(external.length === 0, `requests outside the server: ${external.join(', ')}`);
  assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
});

await S.done();
