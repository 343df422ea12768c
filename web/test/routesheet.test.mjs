// routesheet.test.mjs - the forwarder's route answer in the web map, in
// headless Chromium over the default dataset (data/): corridor segments
// with their links behind a toggle, CO2e per leg and segment and fees per
// crossing, the CSV / XLSX / GeoJSON exports of a route and of a Pareto
// set, the printable route sheet (printed to PDF, its text checked with
// pdftotext and its pages rendered to PNG with pdftoppm for a person to
// look at), unknown places with clickable suggestions, and errors in the
// chosen language.  Screenshots and the PDF go to tests/artifacts/.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifacts, assert, axe, openBrowser, root, startServer, suite } from './harness.mjs';

const S = suite('routesheet', 150000);
const { proc, base } = await startServer(join(root, process.env.SILKROUTE_TIMED_DATA || 'data'));
const { page, external, pageErrors, close } = await openBrowser([base]);
S.onDone(() => proc.kill('SIGTERM'));
S.onDone(close);
const shot = (name, opts = {}) => page.screenshot({ path: join(artifacts, `sheet-${name}.png`), ...opts });
const pick = async (which, q, id) => {
  await page.fill(`#${which}`, q);
  await page.waitForSelector(`#${which}-suggest li[data-id="${id}"]`, { timeout: 5000 });
  await page.click(`#${which}-suggest li[data-id="${id}"]`);
};
const api = async (path) => (await fetch(new URL(path, base))).json();

await S.test('a route is listed by corridor segment, its links behind a toggle', async () => {
  await page.goto(base);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  await pick('from', 'Chongqing', 'CNCKG');
  await pick('to', 'Duisburg', 'DEDUI');
  await page.click('#go');
  await page.waitForSelector('#legs li.segment', { timeout: 10000 });
  const want = (await api('/v1/route?from=CNCKG&to=DEDUI')).routes[0];
  const nseg = await page.locator('#legs li.segment').count(), nleg = await page.locator('#legs li.leg').count();
  assert(nseg === want.segments.length, `${nseg} segments shown, the answer has ${want.segments.length}`);
  assert(nleg === want.legs.length, `${nleg} links listed, the answer has ${want.legs.length}`);
  assert(nseg < nleg, `segments (${nseg}) do not group the ${nleg} links`);
  // Collapsed: only the segments are visible.
  const visible = await page.locator('#legs li.leg:visible').count();
  assert(visible < nleg, `all ${visible} links visible before any toggle`);
  const first = await page.textContent('#legs li.segment .sdetail');
  assert(/CO2e/.test(first) && /km/.test(first) && /USD/.test(first), `segment line ${first}`);
  assert((await page.textContent('#legs li.segment .sname')).startsWith('Chongqing'), 'first segment does not start at Chongqing');
  await shot('1-segments');
  const toggle = page.locator('#legs .seg-toggle').first();
  await toggle.click();
  assert((await toggle.getAttribute('aria-expanded')) === 'true', 'toggle not expanded');
  assert((await page.locator('#legs li.leg:visible').count()) > visible, 'toggle shows no links');
  const leg = await page.textContent('#legs li.segment.open li.leg small');
  assert(/CO2e/.test(leg), `link line without CO2e: ${leg}`);
  await page.locator('#legs li.segment.open').scrollIntoViewIfNeeded();
  await shot('2-segment-open');
  // Fees per crossing, and a border internal to a union named as such.
  const cross = await page.textContent('#crossings');
  const fee = want.border_crossings.find((x) => x.fee_usd > 0);
  assert(!fee || cross.includes(`fee ${fee.fee_usd.toLocaleString('en-US', { maximumFractionDigits: 0 })} USD`), `crossings without fees: ${cross}`);
  if (want.border_crossings.some((x) => x.internal_union)) assert(/internal (EU|EAEU) border/.test(cross), 'internal union border not named');
  await axe(page, 'route by segment');
});

await S.test('exports: CSV, XLSX and GeoJSON of the route, and of a Pareto set', async () => {
  const href = async (id) => page.getAttribute(`#exp-${id}`, 'href');
  const csv = await fetch(new URL(await href('csv'), base));
  assert(csv.status === 200 && /text\/csv/.test(csv.headers.get('content-type')), `csv ${csv.status} ${csv.headers.get('content-type')}`);
  const lines = (await csv.text()).trim().split(/\r?\n/);
  const nleg = await page.locator('#legs li.leg').count();
  assert(lines.length >= nleg + 1, `csv has ${lines.length} lines for ${nleg} links`);
  const x = await fetch(new URL(await href('xlsx'), base));
  const bytes = Buffer.from(await x.arrayBuffer());
  assert(x.status === 200 && bytes.subarray(0, 2).toString() === 'PK', `xlsx ${x.status}, starts ${bytes.subarray(0, 4).toString('hex')}`);
  const gj = await (await fetch(new URL(await href('geojson'), base))).json();
  assert(gj.type === 'FeatureCollection' && gj.features.filter((f) => f.geometry.type === 'LineString').length >= nleg, 'geojson without a line per link');
  // The browser downloads it under a name of the two ends.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#exp-csv')]);
  assert(dl.suggestedFilename() === 'silkroute-CNCKG-DEDUI.csv', `download named ${dl.suggestedFilename()}`);
  // A Pareto set: every option in the export.
  await page.check('#pareto');
  await page.click('#go');
  await page.waitForSelector('#pareto-box:not([hidden])', { timeout: 15000 });
  const n = await page.locator('circle.pareto-opt').count();
  const pcsv = await (await fetch(new URL(await href('csv'), base))).text();
  const head = pcsv.split(/\r?\n/)[0].split(',');
  const col = head.indexOf('option');
  assert(col >= 0, `csv header without an option column: ${head.join(',')}`);
  const routes = new Set(pcsv.trim().split(/\r?\n/).slice(1).map((l) => l.split(',')[col]));
  assert(routes.size === n, `pareto csv has ${routes.size} options, the chart ${n}`);
  await page.locator('#exports').scrollIntoViewIfNeeded();
  await shot('3-exports');
  await page.uncheck('#pareto');
  await page.click('#go');
  await page.waitForFunction(() => document.body.dataset.routes === '1', null, { timeout: 10000 });
});

await S.test('the printed route sheet has every link, the totals, crossings and transfers', async () => {
  const want = (await api('/v1/route?from=CNCKG&to=DEDUI')).routes[0];
  await page.emulateMedia({ media: 'print' });
  await shot('4-print-media', { fullPage: true });
  const pdf = join(artifacts, 'route-sheet.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  assert(readFileSync(pdf).subarray(0, 5).toString() === '%PDF-', 'not a PDF');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert(text.includes('Chongqing') && text.includes('Duisburg'), 'sheet without its ends');
  assert(text.includes('Route sheet'), 'sheet without its heading');
  for (const g of want.legs) assert(text.includes(g.to.name), `link to ${g.to.name} missing from the printed sheet`);
  for (const x of want.border_crossings) assert(text.includes(x.at.name), `crossing ${x.at.name} missing from the printed sheet`);
  for (const x of want.transfers || []) assert(text.includes(x.at.name), `transfer at ${x.at.name} missing from the printed sheet`);
  // Documents and customs (docs/DOCUMENTS.md) are on the sheet too.
  if ((want.customs || []).length)
    assert(text.includes('Documents and customs') && text.includes('export clearance'), 'documents and customs missing from the printed sheet');
  assert(!text.includes('Find route'), 'the form is printed');
  const pages = Number((execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/) || [])[1]);
  assert(pages >= 1 && pages <= 6, `${pages} pages`);
  execFileSync('pdftoppm', ['-png', '-r', '70', pdf, join(artifacts, 'route-sheet')]);
});

await S.test('an unknown place offers clickable suggestions; a far one says so', async () => {
  await page.fill('#to', 'Duisbrug');
  await page.click('#go');
  await page.waitForSelector('#status button.suggestion', { timeout: 10000 });
  const sug = await page.locator('#status button.suggestion').allTextContents();
  assert(sug.some((s) => s.includes('DEDUI')), `suggestions ${sug.join(' | ')}`);
  assert((await page.textContent('#status .err-head')).includes('To'), 'the wrong field is not named');
  await shot('5-suggestions');
  await axe(page, 'unknown place');
  await page.click('#status button.suggestion:has-text("DEDUI")');
  await page.waitForSelector('#legs li.segment', { timeout: 10000 });
  assert((await page.inputValue('#to')) === 'Duisburg', `to is ${await page.inputValue('#to')}`);
  await page.fill('#to', 'Zzyzxqvw');
  await page.click('#go');
  await page.waitForSelector('#status.error', { timeout: 10000 });
  const far = await page.textContent('#status');
  assert(far.includes('No place of the network has a similar name'), `far place: ${far}`);
});

await S.test('errors in the chosen language', async () => {
  await page.fill('#to', 'Duisbrug');
  await page.click('button[data-lang="zh"]');
  await page.click('#go');
  await page.waitForSelector('#status button.suggestion', { timeout: 10000 });
  let s = await page.textContent('#status');
  assert(s.includes('未知地点') && s.includes('您是否要找'), `zh: ${s}`);
  await shot('6-error-zh');
  await page.click('button[data-lang="ru"]');
  s = await page.textContent('#status');
  assert(s.includes('неизвестный пункт') && s.includes('Возможно'), `ru after switching: ${s}`);
  // NoRoute names what blocks it, translated.
  await pick('to', 'Duisburg', 'DEDUI');
  for (const m of ['road', 'sea', 'air']) await page.uncheck(`input[name=mode][value=${m}]`);
  await page.fill('#avoid', 'KZ,RU,MN');
  await page.click('#go');
  await page.waitForSelector('#status .err-blocked', { timeout: 15000 });
  s = await page.textContent('#status');
  assert(s.includes('нет маршрута') && s.includes('исключённые страны'), `ru no route: ${s}`);
  await shot('7-noroute-ru');
  await page.click('button[data-lang="en"]');
  assert((await page.textContent('#status')).includes('the avoided countries'), 'no route not re-rendered in English');
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
  assert(external.length === 0, `requests outside the server: ${external.join(', ')}`);
});

await S.done();
