// openapi.test.mjs - the OpenAPI document against the live server.  First
// the document itself is validated against the OpenAPI 3.1 schema
// (@seriousme/openapi-schema-validator); then `silkroute serve` over the
// default dataset (data/) and a throwaway tracking store answers a corpus of
// requests to every endpoint (answers and errors), and each answer is
// validated with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1)
// against the schema the document declares for its path, method, status
// and content type.  Validation is strict: every object schema that lists
// properties is closed (unevaluatedProperties: false), so a member the
// server sends but the document does not declare fails the test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Validator } from '@seriousme/openapi-schema-validator';
import { assert, bin, root, startServer, suite } from './harness.mjs';

const S = suite('openapi', 120000);
const data = join(root, process.env.SILKROUTE_TIMED_DATA || 'data');
const dir = mkdtempSync(join(tmpdir(), 'silkroute-openapi-'));
const store = join(dir, 'track.db');
S.onDone(() => rmSync(dir, { recursive: true, force: true }));
function cli(...args) {
  const r = spawnSync(bin, [...args, '--store', store], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`silkroute ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}
const writer = cli('token', 'create', 'oas-writer', '--role', 'writer');
const reader = cli('token', 'create', 'oas-reader', '--role', 'reader');
const { proc, base } = await startServer(data, ['--store', store]);
S.onDone(() => proc.kill('SIGTERM'));

const doc = await (await fetch(new URL('/v1/openapi.json', base))).json();

await S.test('the document is valid OpenAPI 3.1', async () => {
  const v = new Validator();
  const res = await v.validate(structuredClone(doc)).catch((e) => { console.log(e.stack); throw e; });
  assert(res.valid, `invalid OpenAPI: ${JSON.stringify(res.errors ?? res).slice(0, 600)}`);
  assert(v.version === '3.1', `version ${v.version}`);
  assert(doc.components?.securitySchemes?.bearerAuth?.scheme === 'bearer', 'no bearer security scheme');
});

// Close every object schema that lists its properties, unless it says
// otherwise itself.
function closeSchemas(node) {
  if (Array.isArray(node)) { node.forEach(closeSchemas); return; }
  if (!node || typeof node !== 'object') return;
  if (node.properties && typeof node.properties === 'object' && !('additionalProperties' in node) &&
      !('unevaluatedProperties' in node)) node.unevaluatedProperties = false;
  for (const v of Object.values(node)) closeSchemas(v);
}
const strict = structuredClone(doc);
closeSchemas(strict.components);
closeSchemas(strict.paths);
const ajv = new Ajv2020({ strict: false, allErrors: true });
// (allErrors: every undeclared member at once, not only the first.)
addFormats(ajv);
ajv.addSchema(strict, 'oas');
const ptr = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');

// The declared schema of an answer, or a reason why there is none.
function schemaFor(path, method, status, ctype) {
  const op = strict.paths[path]?.[method];
  if (!op) return { err: `${method.toUpperCase()} ${path} not in the document` };
  const code = op.responses[String(status)] ? String(status) : op.responses.default ? 'default' : null;
  if (!code) return { err: `${method.toUpperCase()} ${path}: status ${status} not declared` };
  let resp = op.responses[code], at = `paths/${ptr(path)}/${method}/responses/${code}`;
  // A shared answer (#/components/responses/X).
  if (resp.$ref) {
    at = resp.$ref.replace(/^#\//, '');
    resp = at.split('/').reduce((o, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], strict);
  }
  const content = resp?.content || {};
  if (!content[ctype]) return { err: `${method.toUpperCase()} ${path} ${status}: content type ${ctype} not declared (${Object.keys(content).join(', ')})` };
  const id = `oas#/${at}/content/${ptr(ctype)}/schema`;
  return { validate: ajv.getSchema(id) };
}

// [template path, method, url, body, token]
const ship = { ref: 'OAS-1', from: "Xi'an", to: 'Almaty', ready: '2026-06-03T08:00', containers: ['CSQU3054383'], promised: '2026-06-20T00:00+06:00' };
const ev = (type, place, time, key) => ({ type, place, time, key });
const cases = [
  ['/v1/health', 'get', '/v1/health'],
  ['/v1/places', 'get', '/v1/places?q=alma&limit=3'],
  ['/v1/places', 'get', '/v1/places?limit=0'],
  ['/v1/places/{id}', 'get', '/v1/places/KZALA'],
  ['/v1/places/{id}', 'get', '/v1/places/Almatty'],
  ['/v1/network', 'get', '/v1/network?year=2030&modes=rail'],
  ['/v1/network', 'get', '/v1/network?year=abc'],
  ['/v1/nearest', 'get', '/v1/nearest?at=43.2,76.9&limit=3'],
  ['/v1/nearest', 'get', '/v1/nearest?at=999,0'],
  ['/v1/route', 'get', '/v1/route?from=CNXIY&to=UZTAS'],
  ['/v1/route', 'get', '/v1/route?from=CNXIY&to=UZTAS&geometry=true&by=reliable'],
  ['/v1/route', 'get', '/v1/route?from=CNCKG&to=DEDUI&pareto=true'],
  ['/v1/route', 'get', '/v1/route?from=CNXIY&to=UZTAS&depart=2026-06-03T08:00&by=cost'],
  ['/v1/route', 'get', '/v1/route?from=CNXIY&to=DEDUI&depart=2026-06-03T08:00&window=3d&pareto=true'],
  ['/v1/route', 'get', '/v1/route?from=CNXIY&to=UZTAS&arrive_by=2026-06-30T00:00'],
  ['/v1/route', 'get', '/v1/route?from=43.25,76.95&to=UZTAS'],
  ['/v1/route', 'get', '/v1/route?from=CNXIY&to=UZTAS&format=geojson'],
  ['/v1/route', 'get', '/v1/route?from=CNXIY&to=Tashknt'],
  ['/v1/route', 'get', '/v1/route?from=CNXIY&to=UZTAS&modes=sea'],
  ['/v1/route', 'get', '/v1/route?from=CNXIY&to=UZTAS&bogus=1'],
  ['/v1/route', 'post', '/v1/route', { from: 'CNXIY', to: 'KZALA', avoid_countries: ['KZ'] }],
  ['/v1/route', 'post', '/v1/route', { from: 'CNXIY', to: 'KZALA', pareto: 'yes' }],
  ['/v1/pipelines', 'get', '/v1/pipelines'],
  ['/v1/pipelines', 'get', '/v1/pipelines?year=2030'],
  ['/v1/scenarios', 'get', '/v1/scenarios'],
  ['/v1/assign', 'get', '/v1/assign'],
  ['/v1/assign/compare', 'get', '/v1/assign/compare?scenario=khorgos-closed'],
  ['/v1/assign/critical', 'get', '/v1/assign/critical?top=3'],
  ['/v1/reach', 'get', '/v1/reach?from=CNXIY&budget=7d'],
  ['/v1/matrix', 'get', '/v1/matrix?sources=CNXIY,CNCKG&targets=KZALA,UZTAS'],
  ['/v1/matrix', 'get', '/v1/matrix?from=CNXIY'],
  ['/v1/matrix', 'post', '/v1/matrix', { sources: ['CNXIY', 'CNCKG'], targets: ['KZALA', 'DEDUI'], by: 'cost' }],
  ['/v1/reach', 'post', '/v1/reach', { from: "Xi'an", budget: '7d', modes: ['rail'] }],
  ['/v1/assign', 'post', '/v1/assign', '# Khorgos rail crossing closed\nclose crossing X-KHORGOS-ALTYNKOL-RAIL\n'],
  ['/v1/assign/compare', 'post', '/v1/assign/compare', 'close crossing X-KHORGOS-ALTYNKOL-RAIL\n'],
  ['/v1/assign/critical', 'post', '/v1/assign/critical?top=2', 'close crossing NO-SUCH-CROSSING\n'],
  ['/v1/shipments', 'post', '/v1/shipments', ship, writer],
  ['/v1/shipments', 'post', '/v1/shipments', ship, writer],
  ['/v1/shipments', 'post', '/v1/shipments', { ...ship, ref: 'OAS-2', containers: ['MSKU1234565'], option: 2 }, writer],
  ['/v1/shipments', 'post', '/v1/shipments', { ...ship, ref: 'OAS-3' }, reader],
  ['/v1/shipments/{ref}/events', 'post', '/v1/shipments/OAS-1/events', ev('GTOT', 'CNXIY', '2026-06-03T20:00+08:00', 'k1'), writer],
  ['/v1/events', 'post', '/v1/events', { events: [{ shipment: 'OAS-1', ...ev('DEPA', 'CNXIY', '2026-06-03T22:00+08:00', 'k2') }] }, writer],
  ['/v1/shipments/{ref}/events', 'post', '/v1/shipments/OAS-9/events', ev('GTOT', 'CNXIY', '2026-06-03T20:00+08:00', 'k3'), writer],
  ['/v1/shipments', 'get', '/v1/shipments', null, reader],
  ['/v1/shipments', 'get', '/v1/shipments?status=late', null, reader],
  ['/v1/shipments', 'get', '/v1/shipments', null, null],
  ['/v1/shipments/{ref}', 'get', '/v1/shipments/OAS-1', null, reader],
  ['/v1/shipments/{ref}', 'get', '/v1/shipments/OAS-404', null, reader],
  ['/v1/shipments/{ref}/eta', 'get', '/v1/shipments/OAS-1/eta', null, reader],
  ['/v1/alerts', 'get', '/v1/alerts', null, reader],
  ['/v1/webhooks', 'post', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook' }, writer],
  ['/v1/webhooks/{id}', 'delete', '/v1/webhooks/999999', null, writer],
];

await S.test(`${cases.length} live answers match their declared schemas`, async () => {
  const problems = [];
  const seen = new Set();
  for (const [path, method, url, body, token] of cases) {
    const headers = {};
    if (body) headers['content-type'] = typeof body === 'string' ? 'text/plain' : 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const r = await fetch(new URL(url, base), { method: method.toUpperCase(), headers, body: body ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined });
    const ctype = (r.headers.get('content-type') || '').split(';')[0].trim();
    const text = await r.text();
    seen.add(`${method} ${path}`);
    if (process.env.OAS_VERBOSE) console.log(`  ${r.status} ${method.toUpperCase()} ${url} ${text.slice(0, 160)}`);
    const { validate, err } = schemaFor(path, method, r.status, ctype);
    if (err) { problems.push(`${url}: ${err}`); continue; }
    if (!validate) { problems.push(`${url}: no schema for ${r.status} ${ctype}`); continue; }
    let json;
    try { json = JSON.parse(text); } catch { problems.push(`${url}: ${r.status} answer is not JSON`); continue; }
    if (!validate(json)) {
      // One line per distinct schema location and member, not per instance.
      const uniq = new Map();
      for (const e of validate.errors) {
        const k = `${e.schemaPath} ${e.params?.unevaluatedProperty ?? ''}`;
        if (!uniq.has(k)) uniq.set(k, `${e.instancePath || '/'} ${e.message}${e.params?.unevaluatedProperty ? ` '${e.params.unevaluatedProperty}'` : ''} [${e.schemaPath}]`);
      }
      problems.push(`${method.toUpperCase()} ${url} ${r.status}: ${[...uniq.values()].join('; ')}`);
    }
  }
  for (const p of problems) console.log(`  ${p}`);
  assert(problems.length === 0, `${problems.length} answer(s) not as declared (listed above)`);
  // Every declared operation (but the event stream and the document itself) is exercised.
  const missing = [];
  for (const [p, ops] of Object.entries(doc.paths))
    for (const m of Object.keys(ops))
      if (['get', 'post', 'put', 'delete', 'patch'].includes(m) && !seen.has(`${m} ${p}`) && p !== '/v1/stream' && p !== '/v1/openapi.json') missing.push(`${m} ${p}`);
  assert(missing.length === 0, `operations not exercised: ${missing.join(', ')}`);
});

await S.done();
