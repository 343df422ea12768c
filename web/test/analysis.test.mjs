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
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { artifacts, assert, axe as axeOn, axePath, openBrowser, root, startServer, suite } from './harness.mjs';

const data = resolve(root, process.env.SILKROUTE_ANALYSIS_DATA || 'data');
for (const [what, p] of [['axe-core', axePath], ['dataset', join(data, 'demand.csv')]]) {
  if (!existsSync(p)) {
    console.log(`[==========] analysis ui: ${what} missing (${p})`);
    console.log('[  FAILED  ] 1 test(s), listed below:');
    process.exit(1);
  }
}
const S = suite('analysis ui', 420000);
const test = S.test;
const { proc: server, base } = await startServer(data);
const { page, external, pageErrors, close } = await openBrowser([base, 'blob:'], { width: 1280, height: 860 });
S.onDone(() => server.kill('SIGTERM'));
S.onDone(close);
const shot = (name) => page.screenshot({ path: join(artifacts, `analysis-${name}.png`) });
const axe = (view) => axeOn(page, view);

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
  assert((await page.textContent('#an-status')).includes('written here'), await page.textContent('#an-status'));
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

await test('the views in the chosen language', async () => {
  await page.click('button[data-lang="zh"]');
  assert((await page.textContent('#tab-analysis')) === '分析', `tab: ${await page.textContent('#tab-analysis')}`);
  await page.click('#tab-analysis');
  assert((await page.textContent('#view-analysis h2')) === '货运分配', 'analysis heading not in Chinese');
  // The assignment and ranking already shown are redrawn in Chinese.
  const anStatus = await page.textContent('#an-status');
  assert(anStatus.includes('标箱/年') && !anStatus.includes('TEU/year'), `analysis status: ${anStatus}`);
  const anLegend = await page.textContent('#analysis-legend');
  assert(anLegend.includes('标箱/年') && !/Line width|Difference|Utilisation/.test(anLegend), `analysis legend: ${anLegend}`);
  const crit = await page.textContent('#an-critical');
  assert(!/generalised|isolates|\blink\b/.test(crit), `critical ranking left in English: ${crit.slice(0, 120)}`);
  await shot('zh-analysis');
  await page.click('#tab-matrix');
  assert((await page.textContent('#mx-run')) === '计算矩阵', 'matrix button not in Chinese');
  // The answer already shown is redrawn in the new language: caption, corner,
  // place names and "no route" cells, without a new request.
  const zhTable = await page.textContent('#mx-table');
  assert(zhTable.includes('起点 \\ 终点') && zhTable.includes('西安'), `matrix table not in Chinese: ${zhTable.slice(0, 120)}`);
  assert(!/no route|from \\ to|Xi'an/.test(zhTable), `English left in the matrix table: ${zhTable.slice(0, 120)}`);
  assert((await page.textContent('#analysis-legend')).includes('矩阵地点'), 'matrix legend not in Chinese');
  await shot('zh-matrix');
  await page.click('button[data-lang="ru"]');
  assert((await page.textContent('#mx-run')) === 'Рассчитать матрицу', 'matrix button not in Russian');
  await page.click('#tab-reach');
  assert((await page.textContent('label[for="rc-budget"]')) === 'Бюджет', 'reach label not in Russian');
  const rcStatus = await page.textContent('#rc-status');
  assert(rcStatus.startsWith('Пунктов') && rcStatus.includes('Сиань'), `reach status not in Russian: ${rcStatus}`);
  assert((await page.textContent('#analysis-legend')).includes('Интервал прибытия'), 'reach legend not in Russian');
  assert((await page.textContent('#rc-unit')) === 'дн.', `reach unit: ${await page.textContent('#rc-unit')}`);
  await axe('reach in Russian');
  await page.click('button[data-lang="en"]');
  assert((await page.textContent('#tab-reach')) === 'Reach', 'tab not back in English');
  await page.click('#tab-route');
});

await test('no requests outside the server, no page errors', async () => {
  assert(external.length === 0, `requests outside the server: ${external.join(', ')}`);
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
});

await S.done();
