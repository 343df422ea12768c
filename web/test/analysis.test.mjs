// analysis.test.mjs - the Analysis, Reach and Matrix views of the web map
// in headless Chromium (Debian's /usr/bin/chromium through playwright-core),
// against `silkroute serve` over the default dataset data/ (the demand
// and scenarios live there).  For every view, the route planner included:
// what it draws, its downloads (CSV and GeoJSON), a screenshot in
// tests/artifacts/, and axe-core (bundled from npm, injected from
// node_modules: no network) with no critical or serious violation.  The
// keyboard walk checks that Tab passes over the map and its features and
// comes back round (no trap).  Prints cmocka-style summary lines for
// tests/run.sh.
//
// Environment: SILKROUTE_BIN (default build/silkroute), SILKROUTE_ANALYSIS_DATA
// (default data), CHROMIUM (default /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = resolve(root, process.env.SILKROUTE_BIN || 'build/silkroute');
const data = resolve(root, process.env.SILKROUTE_ANALYSIS_DATA || 'data');
const exe = process.env.CHROMIUM || '/usr/bin/chromium';
const axePath = join(root, 'web/node_modules/axe-core/axe.min.js');
const artifacts = join(root, 'tests/artifacts');
mkdirSync(artifacts, { recursive: true });

let passed = 0, failed = 0;
async function test(name, fn) {
  const t0 = Date.now();
  let line;
  try {
    await fn();
    passed++;
    line = `[       OK ] ${name} (${Date.now() - t0} ms)`;
  } catch (e) {
    failed++;
    line = `[  FAILED  ] ${name}: ${e && e.message ? e.message.split('\n')[0] : e}`;
  }
  console.log(line);
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

for (const [what, p] of [['silkroute binary', bin], ['chromium', exe], ['web bundle', join(root, 'web/dist/index.html')],
  ['axe-core', axePath], ['dataset', join(data, 'demand.csv')]]) {
  if (!existsSync(p)) {
    console.log(`[==========] analysis ui: ${what} missing (${p})`);
    console.log('[  FAILED  ] 1 test(s), listed below:');
    process.exit(1);
  }
}
const watchdog = setTimeout(() => { console.log('[  FAILED  ] 1 test(s): analysis ui test timed out'); process.exit(1); }, 420000);

const server = spawn(bin, ['serve', '--port', '0', '--data', data, '--web', join(root, 'web/dist'), '--quiet', '--threads', '2'],
  { stdio: ['ignore', 'pipe', 'ignore'] });
process.on('exit', () => server.kill('SIGKILL'));
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
const userDir = mkdtempSync(join(tmpdir(), 'silkroute-ui-an-'));
const browser = await chromium.launchPersistentContext(userDir, {
  executablePath: exe, headless: true, viewport: { width: 1280, height: 860 }, acceptDownloads: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = browser.pages()[0] || await browser.newPage();
const external = [], pageErrors = [];
page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) external.push(r.url()); });
page.on('pageerror', (e) => pageErrors.push(String(e)));
const shot = (name) => page.screenshot({ path: join(artifacts, `analysis-${name}.png`) });

// axe-core on the page as it is: no critical or serious violation.
async function axe(view) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ path: axePath });
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, where: v.nodes.slice(0, 3).map((x) => x.target.join(' ')) }));
  });
  const bad = res.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  assert(bad.length === 0, `axe on ${view}: ${bad.map((v) => `${v.impact} ${v.id} x${v.n} at ${v.where.join(' | ')}`).join('; ')}`);
  return res.length;
}

// Click a download button and return the file's name and text.
async function grab(selector) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), page.click(selector)]);
  const path = await dl.path();
  const { readFileSync } = await import('node:fs');
  return { name: dl.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

console.log('[==========] Running analysis ui tests.');
await test('route view: tabs, no critical or serious axe violations', async () => {
  await page.goto(base);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 20000 });
  assert(await page.locator('[role=tab]').count() === 4, 'expected four view tabs');
  assert((await page.getAttribute('#tab-route', 'aria-selected')) === 'true', 'route tab not selected');
  await axe('route');
  await shot('0-route');
});

await test('analysis: base assignment as widths and utilisation colours, legend with units', async () => {
  await page.click('#tab-analysis');
  await page.waitForSelector('body[data-analysis="flows:base"]', { timeout: 20000 });
  const links = await page.locator('path.an-link').count();
  assert(links > 20, `only ${links} assignment links drawn`);
  const widths = await page.$$eval('path.an-link', (ps) => ps.map((p) => Number(p.getAttribute('stroke-width'))));
  assert(Math.max(...widths) > 3 * Math.min(...widths), `widths do not vary with flow: ${Math.min(...widths)}..${Math.max(...widths)}`);
  const colours = new Set(await page.$$eval('path.an-link', (ps) => ps.map((p) => p.getAttribute('stroke'))));
  assert(colours.size >= 3, `utilisation colours: ${[...colours].join(' ')}`);
  assert(await page.locator('.sat-crossing').count() >= 1, 'no saturated crossing marked (Alashankou–Dostyk is at 208%)');
  const legend = await page.textContent('#analysis-legend');
  assert(legend.includes('Utilisation') && legend.includes('TEU/year') && legend.includes('%'), `legend: ${legend}`);
  assert((await page.textContent('#an-totals')).includes('USD/year'), 'totals without units');
  assert(!(await page.textContent('#an-totals')).match(/\de\+/), 'exponent in the totals');
  await axe('analysis flows');
  await shot('1-flows');
  const csv = await grab('#an-dl .dl-csv');
  assert(csv.name === 'assignment-base.csv' && csv.text.split('\n')[0].includes('flow_teu_forward'), `csv ${csv.name}: ${csv.text.slice(0, 80)}`);
  const gj = await grab('#an-dl .dl-geojson');
  assert(JSON.parse(gj.text).type === 'FeatureCollection', 'GeoJSON download not a FeatureCollection');
});

await test('analysis: a scenario from data/scenarios, difference map in TEU/year and corridor chart', async () => {
  await page.selectOption('#an-scenario', 'cku-2030');
  await page.click('#an-run');
  await page.waitForSelector('body[data-analysis="diff:cku-2030"]', { timeout: 20000 });
  const strokes = await page.$$eval('path.an-diff', (ps) => ps.map((p) => p.getAttribute('stroke')));
  assert(strokes.includes('#1a9641') && strokes.includes('#c2185b'), 'no gained and lost links in the difference map');
  assert((await page.textContent('#analysis-legend')).includes('TEU/year'), 'difference legend without units');
  assert(await page.locator('#an-chart rect.bar-scen').count() >= 3, 'no corridor chart');
  await axe('analysis difference');
  await shot('2-difference');
  await page.locator('#an-chart-box').scrollIntoViewIfNeeded();
  await shot('3-chart');
  const csv = await grab('#an-dl .dl-csv');
  assert(csv.text.startsWith('kind,id,name,base_teu,scenario_teu,change_teu'), `difference csv: ${csv.text.slice(0, 60)}`);
  const gj = await grab('#an-dl .dl-geojson');
  assert(JSON.parse(gj.text).features.some((f) => f.properties.change_teu > 0), 'difference GeoJSON without gains');
});

await test('analysis: a scenario written in the page', async () => {
  await page.selectOption('#an-scenario', { label: 'Written here…' });
  await page.fill('#an-text', 'close crossing X-KHORGOS-ALTYNKOL-RAIL\nclose crossing X-KHORGOS-NURZHOLY-ROAD\n');
  await page.click('#an-run');
  await page.waitForSelector('body[data-analysis="diff:custom"]', { timeout: 20000 });
  assert((await page.textContent('#an-status')).includes('custom'), await page.textContent('#an-status'));
  await page.fill('#an-text', 'frobnicate everything\n');
  await page.click('#an-run');
  await page.waitForSelector('#an-status.error', { timeout: 10000 });
  assert((await page.textContent('#an-status')).includes('body:1'), `error: ${await page.textContent('#an-status')}`);
  await shot('4-written');
});

await test('analysis: critical-links ranking; clicking an entry shows it on the map', async () => {
  await page.selectOption('#an-scenario', '');
  await page.click('#an-run');
  await page.waitForSelector('body[data-analysis="flows:base"]', { timeout: 20000 });
  await page.click('#an-crit-run');
  await page.waitForSelector('#an-critical button.crit-item', { timeout: 120000 });
  const n = await page.locator('#an-critical button.crit-item').count();
  assert(n >= 5, `ranking has ${n} entries`);
  await page.click('#an-critical button.crit-item[data-rank="2"]');
  await page.waitForSelector('body[data-critical="2"]', { timeout: 5000 });
  assert(await page.locator('path.crit-highlight').count() >= 1, 'critical entry not highlighted on the map');
  await axe('analysis critical');
  await page.locator('#an-critical').scrollIntoViewIfNeeded();
  await shot('5-critical');
  const csv = await grab('#an-crit-dl .dl-csv');
  assert(csv.text.startsWith('rank,kind,id,'), `critical csv: ${csv.text.slice(0, 40)}`);
  assert(csv.text.trim().split('\n').length === n + 1, 'critical csv rows');
  const gj = await grab('#an-crit-dl .dl-geojson');
  assert(JSON.parse(gj.text).features.length === n, 'critical GeoJSON size');
});

await test('reach: 7 days from Xi\'an, places coloured by arrival band', async () => {
  await page.click('#tab-reach');
  await page.waitForSelector('body[data-reach]', { timeout: 20000 });
  const places = await page.locator('path.rc-place').count();
  assert(places > 20, `only ${places} reachable places drawn`);
  const fills = new Set(await page.$$eval('path.rc-place', (ps) => ps.map((p) => p.getAttribute('fill'))));
  assert(fills.size >= 4, `bands not coloured apart: ${[...fills].join(' ')}`);
  const legend = await page.textContent('#analysis-legend');
  assert(legend.includes('days') && legend.includes('6.0–7.0'), `reach legend: ${legend}`);
  assert((await page.textContent('#rc-status')).includes('Xi\'an'), await page.textContent('#rc-status'));
  await axe('reach');
  await shot('6-reach');
  const csv = await grab('#rc-dl .dl-csv');
  assert(csv.text.startsWith('place,name,country,value,unit,band'), `reach csv: ${csv.text.slice(0, 60)}`);
  const gj = await grab('#rc-dl .dl-geojson');
  assert(JSON.parse(gj.text).features.length > places, 'reach GeoJSON has points and tree links');
  // Rail and sea only, 3 days: fewer places.
  const before = Number(await page.getAttribute('body', 'data-reach'));
  await page.fill('#rc-budget', '3');
  await page.uncheck('input[name=rc-mode][value=road]');
  await page.uncheck('input[name=rc-mode][value=air]');
  await page.click('#rc-run');
  await page.waitForFunction((n) => Number(document.body.dataset.reach) < n, before, { timeout: 10000 });
});

await test('matrix: time, cost, CO2e and distance between chosen places, downloads', async () => {
  await page.click('#tab-matrix');
  await page.waitForSelector('body[data-matrix="3x5"]', { timeout: 20000 });
  assert(await page.locator('#mx-table tbody tr').count() === 3, 'matrix rows');
  assert((await page.textContent('#mx-table')).includes(' d'), 'times not in days');
  await page.selectOption('#mx-figure', 'cost_usd');
  assert((await page.textContent('#mx-table caption')).includes('USD'), 'cost caption without unit');
  await axe('matrix');
  await shot('7-matrix');
  const csv = await grab('#mx-dl .dl-csv');
  assert(csv.text.split('\n').length === 1 + 15 + 1, `matrix csv rows: ${csv.text.split('\n').length}`);
  const gj = await grab('#mx-dl .dl-geojson');
  assert(JSON.parse(gj.text).features.length === 15, 'matrix GeoJSON lines');
  await page.fill('#mx-sources', 'CNXIY, Atlantis');
  await page.click('#mx-run');
  await page.waitForSelector('#mx-status.error', { timeout: 10000 });
  assert((await page.textContent('#mx-status')).includes('UnknownPlace'), await page.textContent('#mx-status'));
});

await test('keyboard: arrow keys switch tabs, Tab passes over the map and comes back round', async () => {
  await page.click('#tab-analysis');
  await page.focus('#tab-analysis');
  await page.keyboard.press('ArrowRight');
  assert((await page.getAttribute('body', 'data-view')) === 'reach', 'ArrowRight did not move to Reach');
  await page.keyboard.press('ArrowLeft');
  assert((await page.getAttribute('body', 'data-view')) === 'analysis', 'ArrowLeft did not move back');
  await page.waitForSelector('path.an-link', { timeout: 10000, state: 'attached' });
  // Walk with Tab from the first tab: the map and its focusable features
  // must be passed and the walk must come back to where it started.
  await page.focus('#tab-analysis');
  const start = await page.evaluate(() => document.activeElement.id);
  let onMap = 0, back = false, same = 0;
  // Every place marker is a stop (over 500 on the merged network).
  for (let i = 0; i < 3000 && !back; i++) {
    await page.keyboard.press('Tab');
    const where = await page.evaluate(() => {
      const a = document.activeElement;
      const same = window.__lastFocus === a;
      window.__lastFocus = a;
      return { id: a.id, inMap: Boolean(a.closest && a.closest('#map')), tag: a.tagName, cls: String(a.className || ''), same };
    });
    if (where.inMap) onMap++;
    same = where.same ? same + 1 : 0;
    assert(same < 2, `focus stuck on ${where.tag}#${where.id}.${where.cls}`);
    back = where.id === start;
  }
  assert(onMap >= 1, 'Tab never reached the map');
  assert(back, 'Tab did not come back round to the first tab (a trap)');
  await shot('8-keyboard');
});

await test('no requests outside the server, no page errors', async () => {
  assert(external.length === 0, `requests outside the server: ${external.join(', ')}`);
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
});

await browser.close();
server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
rmSync(userDir, { recursive: true, force: true });
clearTimeout(watchdog);
console.log(`[==========] ${passed + failed} analysis ui test(s) run.`);
console.log(`[  PASSED  ] ${passed} test(s).`);
if (failed) console.log(`[  FAILED  ] ${failed} test(s), listed above.`);
process.exit(failed ? 1 : 0);
