// ui.test.mjs - the web map in headless Chromium (Debian's /usr/bin/chromium
// driven by playwright-core; no browser is downloaded).  Starts
// `silkroute serve` on an ephemeral loopback port over the server test
// dataset, then: load the page, search two places, get a route and see it
// drawn, open a Pareto option, switch language; and the pipelines layer.  The test dataset has no
// timetable, so the timetabled cases run against a second server over the
// default dataset data/ (with its GTFS services).  Screenshots go to
// tests/artifacts/.  Prints cmocka-style summary lines for tests/run.sh.
//
// Environment: SILKROUTE_BIN (default build/silkroute), SILKROUTE_TEST_DATA
// (default tests/data/server), SILKROUTE_TIMED_DATA (default data),
// CHROMIUM (default /usr/bin/chromium).
import { join, resolve } from 'node:path';
import { artifacts, assert, openBrowser, root, startServer, suite } from './harness.mjs';

const data = resolve(root, process.env.SILKROUTE_TEST_DATA || 'tests/data/server');
const timedData = resolve(root, process.env.SILKROUTE_TIMED_DATA || 'data');
const S = suite('ui', 120000);
const test = S.test;
const { proc: server, base } = await startServer(data);
// Servers the page may talk to; any other request is a failure.
const allowed = [base];
const { page, external, pageErrors, close } = await openBrowser(allowed);
S.onDone(() => server.kill('SIGTERM'));
S.onDone(close);
const shot = (name) => page.screenshot({ path: join(artifacts, `ui-${name}.png`) });

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

await test('the address holds the query: a reload shows the same route', async () => {
  const url = page.url();
  assert(url.includes('#') && url.includes('from=UZTAS'), `no query in ${url}`);
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  await page.waitForSelector('#result:not([hidden])', { timeout: 10000 });
  assert((await page.inputValue('#from')) === 'Tashkent', 'origin not restored');
  assert(await page.locator('path.route-leg').count() >= 1, 'restored route not drawn');
});

await test('swap exchanges origin and destination', async () => {
  await page.click('#swap');
  await page.waitForFunction(() => document.querySelector('#from').value === 'Almaty', null, { timeout: 5000 });
  await page.waitForFunction(() => document.querySelector('#legs').textContent.startsWith('Almaty'), null, { timeout: 10000 });
});

await test('unknown place shows the server error', async () => {
  await page.fill('#to', 'Atlantis');
  await page.uncheck('#pareto');
  await page.click('#go');
  await page.waitForSelector('#status.error', { timeout: 5000 });
  assert((await page.textContent('#status')).includes('UnknownPlace'), await page.textContent('#status'));
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
});

// ---------------------------------------------------------------- timetable
const timed = await startServer(timedData).catch((e) => ({ error: e }));
if (timed.base) allowed.push(timed.base);
const pickPlace = async (which, q, id) => {
  await page.fill(`#${which}`, q);
  await page.waitForSelector(`#${which}-suggest li[data-id="${id}"]`, { timeout: 5000 });
  await page.click(`#${which}-suggest li[data-id="${id}"]`);
};

await test('timetabled route: ready-at time, departure, arrival and services', async () => {
  assert(timed.base, `timed server: ${timed.error}`);
  await page.goto(timed.base);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  await pickPlace('from', "Xi'an", 'CNXIY');
  await pickPlace('to', 'Tashkent', 'UZTAS');
  await page.selectOption('#by', 'cost');
  // Local time at Xi'an, sent without an offset.
  await page.fill('#depart', '2026-06-03T08:00');
  await page.click('#go');
  await page.waitForSelector('#totals .times', { timeout: 10000 });
  const dep = await page.textContent('#totals .t-depart'), arr = await page.textContent('#totals .t-arrive');
  assert(/^2026-06-0[3-9] \d\d:\d\d UTC\+08:00$/.test(dep), `departure ${dep}`);
  assert(/^2026-06-\d\d \d\d:\d\d UTC\+05:00$/.test(arr), `arrival ${arr}`);
  assert((await page.locator('#legs small.ltime').count()) === (await page.locator('#legs li.leg').count()), 'legs without times');
  const services = await page.locator('#legs small.service').allTextContents();
  assert(services.length >= 1 && services.some((x) => x.includes('block train')), `no scheduled service: ${services.join(' | ')}`);
  const legs = await page.textContent('#legs');
  assert(/wait \d+(\.\d)? (h|days)/.test(legs), 'no waiting time shown');
  // Waiting for a service is a gap in the timeline.
  assert(await page.locator('#timeline rect.tl-wait').count() >= 1, 'no waiting gap in the timeline');
  // Timetabled answers carry the documents and customs list too (docs/DOCUMENTS.md).
  const docs = await page.textContent('#documents');
  assert(docs.includes('export clearance') && docs.includes('import clearance'), `documents of the timed route: ${docs}`);
  const url = page.url();
  assert(url.includes('depart=2026-06-03T08%3A00'), `departure not in the address: ${url}`);
  await shot('8-timed');
  await page.locator('#legs').scrollIntoViewIfNeeded();
  await shot('8-timed-legs');
});

await test('timetabled query survives a reload, in Chinese', async () => {
  assert(timed.base, `timed server: ${timed.error}`);
  await page.reload();
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  await page.waitForSelector('#totals .times', { timeout: 10000 });
  assert((await page.inputValue('#depart')) === '2026-06-03T08:00', `departure restored as ${await page.inputValue('#depart')}`);
  await page.click('button[data-lang="zh"]');
  assert((await page.textContent('label[for="depart"]')) === '货物就绪时间', 'ready-at label not in Chinese');
  assert((await page.textContent('#totals')).includes('出发'), 'departure not labelled in Chinese');
  await page.locator('fieldset.timed').scrollIntoViewIfNeeded();
  await shot('8-timed-zh');
  await page.click('button[data-lang="ru"]');
  assert((await page.textContent('label[for="arrive_by"]')) === 'Прибыть до', 'arrive-by label not in Russian');
  await shot('8-timed-ru');
  await page.click('button[data-lang="en"]');
});

await test('window of departures with Pareto: options dated on the chart and in a list', async () => {
  assert(timed.base, `timed server: ${timed.error}`);
  await page.selectOption('#window', '14d');
  await page.fill('#min_transfer', '90');
  await page.check('#pareto');
  await page.click('#go');
  await page.waitForSelector('#pareto-box:not([hidden]) circle.pareto-opt', { timeout: 20000 });
  const n = await page.locator('circle.pareto-opt').count();
  assert(n >= 2, `expected several options, got ${n}`);
  assert(await page.locator('text.pareto-date').count() >= 2, 'options not labelled with dates');
  assert((await page.locator('#option option').count()) === n, 'option list does not match the chart');
  const url = page.url();
  assert(url.includes('window=14d') && url.includes('min_transfer=90'), `window not in the address: ${url}`);
  // Pick the last departure from the list: its times and services show.
  await page.selectOption('#option', String(n - 1));
  await page.waitForSelector(`body[data-selected="${n - 1}"]`, { timeout: 5000 });
  const dep = await page.textContent('#totals .t-depart');
  assert(dep >= '2026-06-03', `last option departs ${dep}`);
  await page.locator('#pareto-box').scrollIntoViewIfNeeded();
  await shot('9-window');
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
  assert(external.length === 0, `requests outside the servers: ${external.join(', ')}`);
});

await test('empty departure: the untimed query, unchanged', async () => {
  assert(timed.base, `timed server: ${timed.error}`);
  await page.fill('#depart', '');
  await page.uncheck('#pareto');
  await page.click('#go');
  await page.waitForFunction(() => !document.querySelector('#totals .times') && !location.hash.includes('depart'), null, { timeout: 10000 });
  assert(!page.url().includes('window='), 'window sent without a departure');
  assert(await page.locator('#legs small.ltime').count() === 0, 'untimed legs with times');
});

await test('route panel lists documents and customs (docs/DOCUMENTS.md)', async () => {
  assert(timed.base, `timed server: ${timed.error}`);
  // The untimed Xi'an -> Tashkent route above, over the default dataset
  // (which has data/documents/): a note issued at Xi'an, export clearance
  // leaving China, import clearance entering Uzbekistan.
  const items = await page.locator('#documents li').allTextContents();
  assert(items.length >= 3, `documents list: ${items.join(' | ')}`);
  assert(items.some((x) => x.includes('issued')), `no document issued: ${items.join(' | ')}`);
  assert(items.some((x) => x.includes('export clearance CN')), `no export clearance: ${items.join(' | ')}`);
  assert(items.some((x) => x.includes('import clearance UZ')), `no import clearance: ${items.join(' | ')}`);
  assert((await page.textContent('#result')).includes('Documents and customs'), 'no documents heading');
  await page.locator('#documents').scrollIntoViewIfNeeded();
  await shot('9-documents');
});
await test('pipelines layer: width by flow, colour by utilisation, line D in 2030', async () => {
  assert(timed.base, `timed server: ${timed.error}`);
  await page.goto('about:blank');
  await page.goto(`${timed.base}#pipelines=1`);
  await page.waitForSelector('body[data-pipelines="today"]', { timeout: 10000 });
  // Line C east of Shymkent binds (magenta), BBS is half used (gold), line D is not in service.
  const c = await page.locator('path.pipe-C-KZ2').getAttribute('stroke');
  assert(c === '#880e4f', `C-KZ2 stroke ${c}`);
  assert(await page.locator('path.pipe-C-KZ2.binding').count() === 1, 'C-KZ2 not marked binding');
  const bbs = await page.locator('path.pipe-BBS-1').getAttribute('stroke');
  assert(bbs === '#fbc02d', `BBS-1 stroke ${bbs}`);
  const wc = Number(await page.locator('path.pipe-C-KZ2').getAttribute('stroke-width'));
  const wb = Number(await page.locator('path.pipe-BBS-1').getAttribute('stroke-width'));
  assert(wc > wb, `width by flow: C-KZ2 ${wc} <= BBS-1 ${wb}`);
  assert(await page.locator('path.pipe-D-TJ').getAttribute('stroke-dasharray') !== null, 'line D not dashed');
  await shot('10-pipelines');
  await page.selectOption('#pipes-year', '2030');
  await page.waitForSelector('body[data-pipelines="2030"]', { timeout: 10000 });
  assert(await page.locator('path.pipe-D-TJ').getAttribute('stroke-dasharray') === null, 'line D dashed in 2030');
  await shot('10-pipelines-2030');
  await page.uncheck('#pipes-on');
  assert(await page.locator('path.pipe').count() === 0, 'layer still drawn after switching off');
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
  assert(external.length === 0, `requests outside the servers: ${external.join(', ')}`);
});
if (timed.proc) timed.proc.kill('SIGTERM');
await S.done();
