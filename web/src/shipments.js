// shipments.js - the Shipments view of the web map: a list of shipments
// with their status (search by reference or container, filter by status)
// and a shipment view with its position on the map, the booked route, the
// planned against the actual timeline and the ETA band.  It reads the
// tracking API (/v1/shipments) with a reader token the user pastes; the
// token stays in this tab's sessionStorage and goes only in the
// Authorization header, never in a URL.  Labels come from i18n.js in the
// map's language; relabelShipments() redraws what is shown when it changes.
import L from 'leaflet';
import { t } from './i18n.js';
import './shipments.css';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
let layer = null;
let mapRef = null;
let lastList = null; // the list shown, for a change of language
let lastShip = null; // [shipment, history] shown

function el(name, attrs, parent, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

function token() { return $('ship-token').value.trim(); }

async function get(path) {
  const r = await fetch(path, { headers: { Authorization: `Bearer ${token()}` } });
  let body = null;
  try { body = await r.json(); } catch { body = { message: `HTTP ${r.status}` }; }
  return { status: r.status, body };
}

function say(msg, error) {
  $('ship-msg').textContent = msg;
  $('ship-msg').className = error ? 'error' : '';
}

const ms = (iso) => (iso ? Date.parse(iso) : NaN);
const short = (iso) => (iso ? iso.slice(0, 16).replace('T', ' ') : '–');
const flagText = (f) => t(`st_${f}`);
const delayText = (h) => `${h >= 0 ? '+' : ''}${h.toFixed(1)} ${t('h')}`;

async function loadList() {
  try { sessionStorage.setItem('silkroute.token', token()); } catch { /* private mode */ }
  const q = new URLSearchParams();
  if ($('ship-status').value) q.set('status', $('ship-status').value);
  if ($('ship-q').value.trim()) q.set('q', $('ship-q').value.trim());
  const { status, body } = await get(`/v1/shipments${q.toString() ? `?${q}` : ''}`);
  const tb = $('ship-list').querySelector('tbody');
  tb.textContent = '';
  if (status !== 200) {
    say(`${status}: ${body.message || body.code}`, true);
    document.body.dataset.ships = 'error';
    lastList = null;
    return;
  }
  lastList = body.shipments;
  renderList();
}

function renderList() {
  if (!lastList) return;
  say(t('nShipments', lastList.length));
  const tb = $('ship-list').querySelector('tbody');
  tb.textContent = '';
  for (const s of lastList) {
    const tr = document.createElement('tr');
    tr.dataset.ref = s.ref;
    tr.tabIndex = 0;
    for (const [txt, cls] of [[s.ref], [flagText(s.flag), `flag-${s.flag}`], [short(s.eta)], [delayText(s.delay_h)]]) {
      const td = document.createElement('td');
      td.textContent = txt;
      if (cls) td.className = cls;
      tr.appendChild(td);
    }
    tr.addEventListener('click', () => show(s.ref));
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') show(s.ref); });
    tb.appendChild(tr);
  }
  document.body.dataset.ships = String(lastList.length);
}

async function show(ref) {
  for (const tr of $('ship-list').querySelectorAll('tbody tr')) tr.classList.toggle('sel', tr.dataset.ref === ref);
  const [a, b] = await Promise.all([get(`/v1/shipments/${encodeURIComponent(ref)}`),
    get(`/v1/shipments/${encodeURIComponent(ref)}/eta`)]);
  if (a.status !== 200 || b.status !== 200) {
    say(`${a.status}: ${(a.body && a.body.message) || ''}`, true);
    return;
  }
  lastShip = [a.body.shipment, b.body.history];
  renderShip(true);
  document.body.dataset.shipment = ref;
}

function renderShip(fit) {
  if (!lastShip) return;
  const [s, hist] = lastShip;
  $('ship-detail').hidden = false;
  $('ship-title').textContent = `${s.ref} · ${s.origin} → ${s.destination}`;
  $('ship-summary').textContent = `${t(`st_${s.status}`)}, ${flagText(s.flag)}; ${t('plannedAt')} ${short(s.planned_arrival)}, `
    + `${t('etaBand')} ${short(s.eta)}${s.eta_p90 && s.eta_p90 !== s.eta ? ` – ${short(s.eta_p90)}` : ''} (${delayText(s.delay_h)})`
    + (s.promised ? `, ${t('promisedAt')} ${short(s.promised)}` : '') + (s.position ? `; ${t('atPlace')} ${s.position.place}` : '');
  if (fit) drawOnMap(s);
  drawTimeline(s, hist);
  const ol = $('ship-events');
  ol.textContent = '';
  for (const e of s.events) {
    const li = document.createElement('li');
    li.textContent = `${e.type} ${e.classifier} ${e.place || ''} ${short(e.time)}${e.reason ? ` (${e.reason})` : ''}${e.note ? ` – ${e.note}` : ''}`;
    if (e.retracted_by !== null) li.className = 'retracted';
    ol.appendChild(li);
  }
}

function drawOnMap(s) {
  layer.clearLayers();
  const pts = [];
  for (const l of (s.route && s.route.legs) || []) {
    const line = [[l.from.lat, l.from.lon], [l.to.lat, l.to.lon]];
    L.polyline(line, { color: '#555', weight: 3, dashArray: '6 4', className: 'ship-route' }).addTo(layer);
    pts.push(...line);
  }
  if (s.position && s.position.lat !== null) {
    const p = [s.position.lat, s.position.lon];
    L.circleMarker(p, { radius: 9, color: '#fff', weight: 2, fillColor: s.late ? '#b03a2e' : '#1e8449', fillOpacity: 1,
      className: 'ship-position' }).bindTooltip(`${s.ref}: ${s.position.place}, ${short(s.position.time)}`).addTo(layer);
    pts.push(p);
  }
  if (pts.length) mapRef.fitBounds(pts, { padding: [40, 40], maxZoom: 7 });
}

// Planned milestones above, actual events below, on one time axis; the
// ETA band spans the current ETA's P50 to its P90 (the remaining route's
// spread, docs/TRACK.md), the thin bar below it the ETAs of the history,
// with the current ETA and the planned arrival marked.
function drawTimeline(s, hist) {
  const svg = $('ship-timeline');
  svg.textContent = '';
  const acts = s.events.filter((e) => e.classifier === 'ACT' && e.type !== 'RETRACT' && e.retracted_by === null);
  const etas = hist.map((h) => ms(h.eta)).filter((x) => !Number.isNaN(x));
  const p90 = Number.isNaN(ms(s.eta_p90)) ? ms(s.eta) : ms(s.eta_p90);
  const times = [...s.plan.map((p) => ms(p.arrive)), ...acts.map((e) => ms(e.time)), ...etas, ms(s.planned_arrival), p90]
    .filter((x) => !Number.isNaN(x));
  const t0 = Math.min(...times), t1 = Math.max(...times) + 1;
  const x = (t) => 20 + ((t - t0) / (t1 - t0)) * 290;
  el('text', { x: 2, y: 24 }, svg, t('tlPlan'));
  el('text', { x: 2, y: 54 }, svg, t('tlActual'));
  el('text', { x: 2, y: 88 }, svg, t('tlEta'));
  el('line', { x1: 20, x2: 310, y1: 21, y2: 21, stroke: '#bbb' }, svg);
  el('line', { x1: 20, x2: 310, y1: 51, y2: 51, stroke: '#bbb' }, svg);
  for (const p of s.plan) el('circle', { cx: x(ms(p.arrive)), cy: 21, r: 2.5, fill: '#777', class: 'tl-plan' }, svg);
  for (const e of acts) {
    el('circle', { cx: x(ms(e.time)), cy: 51, r: 3, fill: '#2471a3', class: 'tl-actual' }, svg)
      .appendChild(el('title', {}, null, `${e.type} ${e.place || ''} ${short(e.time)}`));
  }
  const lo = Math.min(...etas), hi = Math.max(...etas);
  el('rect', { x: x(ms(s.eta)), y: 78, width: Math.max(2, x(p90) - x(ms(s.eta))), height: 14, fill: '#f5cba7',
    class: 'tl-eta-band' }, svg).appendChild(el('title', {}, null, `${t('etaBand')}: ${short(s.eta)} – ${short(s.eta_p90)}`));
  el('rect', { x: x(lo), y: 94, width: Math.max(2, x(hi) - x(lo)), height: 3, fill: '#aaa', class: 'tl-eta-history' }, svg);
  el('line', { x1: x(ms(s.eta)), x2: x(ms(s.eta)), y1: 74, y2: 96, stroke: s.late ? '#b03a2e' : '#1e8449', 'stroke-width': 2,
    class: 'tl-eta' }, svg);
  el('line', { x1: x(ms(s.planned_arrival)), x2: x(ms(s.planned_arrival)), y1: 10, y2: 100, stroke: '#555',
    'stroke-dasharray': '3 2' }, svg);
  el('text', { x: 20, y: 112 }, svg, short(new Date(t0).toISOString()));
  el('text', { x: 240, y: 112 }, svg, short(new Date(t1).toISOString()));
}

export function initShipments(map) {
  mapRef = map;
  layer = L.layerGroup().addTo(map);
  const btn = document.createElement('button');
  btn.id = 'ship-toggle';
  btn.type = 'button';
  btn.textContent = t('shipments');
  btn.dataset.i18n = 'shipments';
  document.querySelector('header').appendChild(btn);
  const panel = document.createElement('aside');
  panel.id = 'ship-panel';
  panel.hidden = true;
  panel.innerHTML = `<h2 data-i18n="shipments">Shipments</h2>
    <div class="field"><label for="ship-token" data-i18n="readerToken">Reader token</label><input id="ship-token" type="password" placeholder="srt_…" autocomplete="off"></div>
    <div class="row">
      <div class="field"><label for="ship-q" data-i18n="refOrContainer">Reference or container</label><input id="ship-q" placeholder="PO-4711, MSKU…"></div>
      <div class="field"><label for="ship-status" data-i18n="status">Status</label><select id="ship-status"><option value="" data-i18n="all">all</option>
        <option value="late" data-i18n="st_late">late</option><option value="on_time" data-i18n="st_on_time">on time</option>
        <option value="delivered" data-i18n="st_delivered">delivered</option><option value="booked" data-i18n="st_booked">booked</option>
        <option value="in_transit" data-i18n="st_in_transit">in transit</option></select></div>
    </div>
    <button type="button" id="ship-load" data-i18n="showShipments">Show shipments</button>
    <div id="ship-msg" role="status"></div>
    <table id="ship-list"><thead><tr><th data-i18n="colRef">Ref</th><th data-i18n="colStatus">Status</th><th data-i18n="colEta">ETA (UTC)</th><th data-i18n="colDelay">Delay</th></tr></thead><tbody></tbody></table>
    <section id="ship-detail" hidden><h3 id="ship-title"></h3><p id="ship-summary"></p>
      <h4 data-i18n="planVsActual">Planned and actual; ETA band</h4><svg id="ship-timeline" viewBox="0 0 320 120" role="img" aria-labelledby="ship-summary"></svg>
      <h4 data-i18n="eventsByTime">Events (by event time)</h4><ol id="ship-events"></ol></section>`;
  document.querySelector('main').insertBefore(panel, $('map'));
  try { $('ship-token').value = sessionStorage.getItem('silkroute.token') || ''; } catch { /* private mode */ }
  btn.addEventListener('click', () => setOpen(panel.hidden));
  $('ship-load').addEventListener('click', loadList);
  $('ship-q').addEventListener('keydown', (e) => { if (e.key === 'Enter') loadList(); });
  $('ship-status').addEventListener('change', loadList);
}

function setOpen(open) {
  const panel = $('ship-panel');
  panel.hidden = !open;
  $('panel').hidden = open;
  $('ship-toggle').classList.toggle('active', open);
  setTimeout(() => mapRef.invalidateSize(), 0);
}

// Open the Shipments view on one shipment (after a booking from the route
// panel); `tok` fills the token field when it is empty (a writer token
// reads too).
export async function openShipment(ref, tok) {
  if (tok && !token()) $('ship-token').value = tok;
  setOpen(true);
  $('ship-q').value = ref;
  await loadList();
  await show(ref);
}

// The map's language changed: redraw what is shown in it.
export function relabelShipments() {
  $('ship-toggle').textContent = t('shipments');
  renderList();
  renderShip(false);
}
