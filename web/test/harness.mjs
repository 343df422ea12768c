// harness.mjs - what the browser tests share: paths from the environment,
// a `silkroute serve` on an ephemeral loopback port, a headless Debian
// Chromium with a fresh profile (playwright-core; no browser is ever
// downloaded), a page that records requests outside the servers and page
// errors, and cmocka-style summary lines for tests/run.sh.
//
// Environment: SILKROUTE_BIN (default build/silkroute), CHROMIUM (default
// /usr/bin/chromium).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = resolve(root, process.env.SILKROUTE_BIN || 'build/silkroute');
export const exe = process.env.CHROMIUM || '/usr/bin/chromium';
export const artifacts = join(root, 'tests/artifacts');
mkdirSync(artifacts, { recursive: true });

export function assert(cond, msg) { if (!cond) throw new Error(msg); }

// A suite named `name`: test() runs and records one case, done() prints the
// summary and exits.  The whole run is bounded by `limitMs`, so a hung
// browser or server cannot hang make test.
export function suite(name, limitMs = 120000) {
  let passed = 0, failed = 0;
  const cleanups = [];
  const watchdog = setTimeout(() => { console.log(`[  FAILED  ] 1 test(s): ${name} test timed out`); process.exit(1); }, limitMs);
  for (const [what, p] of [['silkroute binary', bin], ['chromium', exe], ['web bundle', join(root, 'web/dist/index.html')]]) {
    if (!existsSync(p)) {
      console.log(`[==========] ${name}: ${what} missing (${p})`);
      console.log('[  FAILED  ] 1 test(s), listed below:');
      process.exit(1);
    }
  }
  console.log(`[==========] Running ${name} tests.`);
  return {
    async test(title, fn) {
      const t0 = Date.now();
      try {
        await fn();
        passed++;
        console.log(`[       OK ] ${title} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`[  FAILED  ] ${title}: ${e && e.message ? e.message.split('\n')[0] : e}`);
      }
    },
    onDone(fn) { cleanups.push(fn); },
    async done() {
      for (const fn of cleanups.reverse()) { try { await fn(); } catch { /* best effort */ } }
      clearTimeout(watchdog);
      console.log(`[==========] ${passed + failed} ${name} test(s) run.`);
      console.log(`[  PASSED  ] ${passed} test(s).`);
      if (failed) console.log(`[  FAILED  ] ${failed} test(s), listed above.`);
      process.exit(failed ? 1 : 0);
    },
  };
}

// `silkroute serve` over dataset `dir` on an ephemeral port: {proc, base}.
// Whatever happens later, it must not outlive the test.
export async function startServer(dir, extra = []) {
  const proc = spawn(bin, ['serve', '--port', '0', '--data', dir, '--web', join(root, 'web/dist'), '--quiet', '--threads', '2', ...extra],
    { stdio: ['ignore', 'pipe', 'ignore'] });
  process.on('exit', () => proc.kill('SIGKILL'));
  const base = await new Promise((res, rej) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/[^\s]+\//);
      if (m) res(m[0]);
    });
    proc.on('exit', (c) => rej(new Error(`server exited ${c}`)));
    setTimeout(() => rej(new Error('server did not start')), 10000);
  });
  return { proc, base };
}

// A headless Chromium with a fresh profile and one page that may talk to
// `allowed` servers only: {browser, page, external, pageErrors, close}.
export async function openBrowser(allowed, viewport = { width: 1280, height: 800 }) {
  const userDir = mkdtempSync(join(tmpdir(), 'silkroute-web-'));
  // A persistent context is playwright's way of giving Chromium a fresh
  // --user-data-dir of our own.
  const browser = await chromium.launchPersistentContext(userDir, {
    executablePath: exe,
    headless: true,
    viewport,
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] || await browser.newPage();
  const external = [], pageErrors = [];
  page.on('request', (r) => { if (!allowed.some((b) => r.url().startsWith(b)) && !r.url().startsWith('data:')) external.push(r.url()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  const close = async () => { await browser.close(); rmSync(userDir, { recursive: true, force: true }); };
  return { browser, page, external, pageErrors, close };
}

// axe-core (bundled from npm) on the page as it is: fails on any critical
// or serious violation; returns the number of lesser ones.
export const axePath = join(root, 'web/node_modules/axe-core/axe.min.js');
export async function axe(page, view) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ path: axePath });
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, where: v.nodes.slice(0, 3).map((x) => x.target.join(' ')) }));
  });
  const bad = res.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  assert(bad.length === 0, `axe on ${view}: ${bad.map((v) => `${v.impact} ${v.id} x${v.n} at ${v.where.join(' | ')}`).join('; ')}`);
  return res.length;
}
