// mile.test.mjs - "from map point" in the web map on a server with a
// detailed road network (serve --detail): the buttons appear only when
// /v1/health reports one, a click on the map gives an end as coordinates,
// the answer's first or last mile is drawn and listed (EN, ZH, RU) and
// equals the API's, and the page stays axe-clean.  The detailed network is
// the import of ../shared/data/osm/monaco.osm.pbf; without it the suite
// skips with a message.  Screenshots go to tests/artifacts/mile-*.png.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifacts, assert, axe, bin, openBrowser, root, startServer, suite } from './harness.mjs';

const pbf = join(root, '../shared/data/osm/monaco.osm.pbf');
if (!existsSync(pbf)) {
  console.log(`[==========] mile: skip: ${pbf} is absent`);
  console.log('[  PASSED  ] 0 test(s).');
  process.exit(0);
}
// Generous: axe and the map at street zoom are slow on a loaded machine.
const S = suite('mile', 420000);
const dir = mkdtempSync(join(tmpdir(), 'silkroute-mile-'));
S.onDone(() => rmSync(dir, { recursive: true, force: true }));
execFileSync(bin, ['import-osm', pbf, '--out', join(dir, 'imp'), '--quiet'], { stdio: 'ignore' });
const corridor = join(root, 'tests/data/monaco');
const { proc, base } = await startServer(corridor, ['--detail', join(dir, 'imp')]);
S.onDone(() => proc.kill('SIGTERM'));
const plain = await startServer(corridor);
S.onDone(() => plain.proc.kill('SIGTERM'));
const { page, external, pageErrors, close } = await openBrowser([base, plain.base]);
S.onDone(close);
const shot = (name) => page.screenshot({ path: join(artifacts, `mile-${name}.png`) });
const api = async (path) => (await fetch(new URL(path, base))).json();

await S.test('no detailed network: no map-point buttons', async () => {
  await page.goto(plain.base);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  await page.waitForSelector('body[data-detail="0"]', { timeout: 5000 });
  assert(await page.locator('#pick-box').isHidden(), 'pick buttons shown without --detail');
});

// Click the map at a coordinate (through Leaflet's own projection).
async function clickAt(lat, lon) {
  const p = await page.evaluate(([a, b]) => {
    const m = window.__silkrouteMap;
    const pt = m.latLngToContainerPoint([a, b]);
    const r = m.getContainer().getBoundingClientRect();
    return { x: r.left + pt.x, y: r.top + pt.y };
  }, [lat, lon]);
  await page.mouse.click(p.x, p.y);
}

await S.test('a last mile from a map point is drawn and listed', async () => {
  await page.goto(base);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  await page.waitForSelector('body[data-detail="1"]', { timeout: 5000 });
  assert(await page.locator('#pick-box').isVisible(), 'pick buttons hidden with --detail');
  await page.evaluate(() => window.__silkrouteMap.setView([43.731, 7.41], 14, { animate: false }));
  await page.fill('#from', 'Cap d');
  await page.waitForSelector('#from-suggest li[data-id="FR-CAPDAIL"]', { timeout: 5000 });
  await page.click('#from-suggest li[data-id="FR-CAPDAIL"]');
  await page.click('#pick-to');
  assert((await page.getAttribute('#pick-to', 'aria-pressed')) === 'true', 'pick-to not pressed');
  await clickAt(43.7300, 7.4140);
  await page.waitForSelector('#miles li.mile.last', { timeout: 10000 });
  const to = await page.inputValue('#to');
  assert(/^43\.7\d+,7\.41\d+$/.test(to), `to field ${to}`);
  const want = await api(`/v1/route?from=FR-CAPDAIL&to=${encodeURIComponent(to)}`);
  assert(want.last_mile, 'API answer without last_mile');
  const li = await page.textContent('#miles li.mile.last');
  assert(li.includes('Last mile by road') && li.includes(want.last_mile.from.name), `last mile line: ${li}`);
  const d2d = await page.textContent('#miles li.d2d');
  assert(d2d.startsWith('Door to door'), `door to door line: ${d2d}`);
  assert((await page.locator('path.route-mile').count()) === 1, 'the last mile is not drawn');
  await shot('1-last-mile');
  await axe(page, 'last mile');
  for (const [l, word] of [['zh', '末公里'], ['ru', 'Последняя миля']]) {
    await page.click(`[data-lang="${l}"]`);
    const x = await page.textContent('#miles li.mile.last');
    assert(x.includes(word), `${l}: ${x}`);
    assert((await page.textContent('#miles-box h3')).length > 0, `${l}: no heading`);
  }
  await shot('2-last-mile-ru');
  await page.click('[data-lang="en"]');
});

await S.test('both ends from map points', async () => {
  await page.evaluate(() => window.__silkrouteMap.setView([43.727, 7.405], 14, { animate: false }));
  await page.click('#pick-from');
  await clickAt(43.7212, 7.3950);
  await page.waitForSelector('#miles li.mile.first', { timeout: 10000 });
  await page.evaluate(() => window.__silkrouteMap.setView([43.727, 7.405], 14, { animate: false }));
  await page.click('#pick-to');
  await clickAt(43.7300, 7.4140);
  await page.waitForSelector('#miles li.mile.first', { timeout: 10000 });
  assert((await page.locator('#miles li.mile.last').count()) === 1, 'no last mile');
  assert((await page.locator('path.route-mile').count()) === 2, 'both miles not drawn');
  await shot('3-both-miles');
  // A point far from any road: the server's 404 in the status line.
  await page.evaluate(() => window.__silkrouteMap.setView([43.9, 7.0], 12, { animate: false }));
  await page.click('#pick-from');
  await clickAt(43.9, 7.0);
  await page.waitForSelector('#status.error', { timeout: 10000 });
  assert((await page.textContent('#status')).includes('no road of the detailed network'), 'far point error');
  assert(await page.locator('#result').isHidden(), 'result shown after an error');
  assert(external.length === 0, `requests outside the server: ${external.join(', ')}`);
  assert(pageErrors.length === 0, `page errors: ${pageErrors.join('; ')}`);
});

await S.done();
