// main.js - the silkroute web map.  Talks only to the server it came from
// (/v1/...), draws on Leaflet with a Natural Earth basemap bundled at build
// time (no tiles, no CDN), and renders the route, its Pareto options and a
// timeline as plain SVG.
import 'leaflet/dist/leaflet.css';
import './style.css';
import L from 'leaflet';
import { feature } from 'topojson-client';
import { t, setLang, getLang, placeName, LABELS } from './i18n.js';
import { initShipments, openShipment, relabelShipments } from './shipments.js';
import { initBooking, prefillBooking } from './booking.js';
import { initViews } from './views.js';
import { initPipelines } from './pipelines.js';

export const MODE_COLORS = { rail: '#c0392b', road: '#e67e22', sea: '#2471a3', air: '#7d3c98' };
const $ = (id) => document.getElementById(id);
const state = {
  places: new Map(),          // id -> place object
  chosen: { from: null, to: null },
  routes: [],
  sel: 0,
  clickNext: 'from',
  pick: null,                 // 'from' | 'to' while a map point is being picked
  miles: null,                // the answer's first_mile, last_mile, door_to_door
};

async function api(path, opts) {
  const r = await fetch(path, opts);
  let body = null;
  try { body = await r.json(); } catch { body = { code: 'BadResponse', message: `HTTP ${r.status}` }; }
  return { status: r.status, body };
}

// ---------------------------------------------------------------- the map
const map = L.map('map', { zoomSnap: 0.25, worldCopyJump: true, attributionControl: true }).setView([44, 72], 4);
map.attributionControl.setPrefix('Natural Earth · silkroute');
const linkLayer = L.layerGroup().addTo(map);
const markLayer = L.layerGroup().addTo(map);
const placeLayer = L.layerGroup().addTo(map);
const routeLayer = L.layerGroup().addTo(map);
// The map for the browser tests, which click at coordinates through its
// projection (web/test/mile.test.mjs).
window.__silkrouteMap = map;

async function loadBasemap() {
  const topo = await (await fetch('countries.json')).json();
  const countries = feature(topo, topo.objects.countries);
  L.geoJSON(countries, {
    interactive: false,
    style: { color: '#a9a191', weight: 0.7, fillColor: '#f4f1e8', fillOpacity: 1 },
  }).addTo(map).bringToBack();
}

function placeFromFeature(f) {
  const p = f.properties || {};
  const [lon, lat] = f.geometry.coordinates;
  return { ...p, name: p.name ?? p.name_en ?? p.id, lat, lon };
}

async function loadNetwork() {
  const [net, all] = await Promise.all([api('/v1/network?year=-1'), api('/v1/places')]);
  if (all.status === 200) for (const p of all.body.places) state.places.set(p.id, p);
  if (net.status !== 200) return;
  const feats = net.body.features;
  const kind = (f) => f.properties?.feature ?? (f.geometry?.type === 'Point' ? 'place' : 'link');
  for (const f of feats) {
    if (kind(f) !== 'place') continue;
    const p = placeFromFeature(f);
    state.places.set(p.id, { ...(state.places.get(p.id) || {}), ...p });
  }
  // Where the library does not flag gauge changes, infer them from rail
  // links of two gauges meeting at a place.
  const gauges = new Map();
  for (const f of feats) {
    if (kind(f) !== 'link') continue;
    const g = f.geometry, p = f.properties || {};
    const planned = p.status === 'planned';
    L.geoJSON(f, {
      style: {
        color: MODE_COLORS[p.mode] || '#555', weight: p.mode === 'air' ? 1.2 : p.mode === 'sea' ? 2 : 3,
        opacity: p.mode === 'air' ? 0.45 : planned ? 0.85 : 0.75, dashArray: planned ? '7 6' : p.mode === 'sea' || p.mode === 'air' ? '2 5' : null,
        className: `net-link mode-${p.mode}${planned ? ' planned' : ''}`,
      },
    }).bindTooltip(() => `${p.name || p.id || ''} · ${t(p.mode)}${p.gauge_mm ? ` ${p.gauge_mm} mm` : ''}${planned ? ` · ${t('planned')} ${p.open_year || ''}` : ''}`)
      .addTo(linkLayer);
    if (p.mode === 'rail' && p.gauge_mm)
      for (const id of [p.from, p.to]) {
        if (!id) continue;
        if (!gauges.has(id)) gauges.set(id, new Set());
        gauges.get(id).add(p.gauge_mm);
      }
    if (p.crossing && !feats.some((x) => kind(x) === 'crossing')) {
      const cs = g.type === 'LineString' ? g.coordinates : g.coordinates[0];
      const a = cs[0], b = cs[cs.length - 1];
      addCrossing([(a[1] + b[1]) / 2, (a[0] + b[0]) / 2], { id: p.crossing, name: p.crossing });
    }
  }
  for (const f of feats) {
    if (kind(f) !== 'crossing') continue;
    const [lon, lat] = f.geometry.coordinates;
    addCrossing([lat, lon], f.properties);
  }
  const flagged = feats.some((f) => f.properties && 'gauge_change' in f.properties);
  for (const p of state.places.values()) {
    if (flagged ? p.gauge_change : (gauges.get(p.id)?.size || 0) > 1)
      L.marker([p.lat, p.lon], { icon: L.divIcon({ className: 'mk-gauge', html: '⇄', iconSize: [18, 18] }), zIndexOffset: -100, title: `${t('gaugeChange')}: ${placeName(p)}` })
        .bindTooltip(() => `${t('gaugeChange')}: ${placeName(p)}`).addTo(markLayer);
  }
  for (const p of state.places.values()) {
    const border = p.kind === 'border_crossing';
    L.circleMarker([p.lat, p.lon], {
      radius: border ? 3.5 : 4.5, color: '#333', weight: 1, fillColor: border ? '#d9c7e6' : '#fff', fillOpacity: 1,
      className: `place place-${p.id}`,
    }).bindTooltip(() => `${placeName(p)} (${p.id})`).on('click', () => clickPlace(p)).addTo(placeLayer);
  }
}

function addCrossing(latlng, c) {
  const dwell = c.dwell_h !== undefined ? ` · ${t('dwell')} ${c.dwell_h} ${t('h')}` : '';
  L.marker(latlng, { icon: L.divIcon({ className: 'mk-border', html: '', iconSize: [11, 11] }), title: `${t('borderCrossing')}: ${placeName(c)}` })
    .bindTooltip(() => `${t('borderCrossing')}: ${placeName(c)}${dwell}`).addTo(markLayer);
}

function addLegend() {
  const legend = L.control({ position: 'bottomright' });
  legend.onAdd = () => {
    const d = L.DomUtil.create('div', 'legend');
    d.id = 'legend';
    return d;
  };
  legend.addTo(map);
  renderLegend();
}
function renderLegend() {
  const d = $('legend');
  if (!d) return;
  d.innerHTML = `<b>${t('legend')}</b>` +
    ['rail', 'road', 'sea', 'air'].map((m) => `<div><i style="background:${MODE_COLORS[m]}"></i>${t(m)}</div>`).join('') +
    `<div><i class="dash"></i>${t('planned')}</div><div><span class="mk-border"></span> ${t('borderCrossing')}</div>` +
    `<div><span class="mk-gauge">⇄</span> ${t('gaugeChange')}</div>`;
}

function clickPlace(p) {
  if (state.pick) return; // the map's own click takes the point
  const which = !state.chosen.from ? 'from' : !state.chosen.to ? 'to' : state.clickNext;
  choose(which, p);
  state.clickNext = which === 'from' ? 'to' : 'from';
  if (state.chosen.from && state.chosen.to) runQuery();
}

// ---------------------------------------------------------------- search
function choose(which, p) {
  state.chosen[which] = p;
  $(which).value = placeName(p);
  $(`${which}-suggest`).innerHTML = '';
}

function setupSearch(which) {
  const input = $(which), list = $(`${which}-suggest`);
  let timer = null, seq = 0;
  input.addEventListener('input', () => {
    state.chosen[which] = null;
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { list.innerHTML = ''; return; }
    timer = setTimeout(async () => {
      const my = ++seq;
      const r = await api(`/v1/places?q=${encodeURIComponent(q)}&limit=8`);
      if (my !== seq) return;
      list.innerHTML = '';
      const places = r.status === 200 ? r.body.places : [];
      if (!places.length) { list.innerHTML = `<li class="empty">${t('noSuggestions')}</li>`; return; }
      for (const p of places) {
        const li = document.createElement('li');
        li.innerHTML = `<b></b> <small></small>`;
        li.querySelector('b').textContent = placeName(p);
        li.querySelector('small').textContent = `${p.id} · ${p.country || ''}`;
        li.dataset.id = p.id;
        li.addEventListener('mousedown', (e) => { e.preventDefault(); choose(which, p); });
        list.appendChild(li);
      }
    }, 120);
  });
  input.addEventListener('keydown', (e) => {
    const items = [...list.querySelectorAll('li[data-id]')];
    if (!items.length) return;
    let i = items.findIndex((li) => li.classList.contains('active'));
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      i = e.key === 'ArrowDown' ? Math.min(i + 1, items.length - 1) : Math.max(i - 1, 0);
      items.forEach((li, k) => li.classList.toggle('active', k === i));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      items[Math.max(i, 0)].dispatchEvent(new MouseEvent('mousedown'));
    } else if (e.key === 'Escape') {
      list.innerHTML = '';
    }
  });
  input.addEventListener('blur', () => setTimeout(() => { list.innerHTML = ''; }, 150));
}

// ---------------------------------------------------------------- query
function buildQuery() {
  const q = new URLSearchParams();
  const from = state.chosen.from?.id || $('from').value.trim();
  const to = state.chosen.to?.id || $('to').value.trim();
  q.set('from', from);
  q.set('to', to);
  q.set('by', $('by').value);
  if ($('pareto').checked) q.set('pareto', 'true');
  const modes = [...document.querySelectorAll('input[name=mode]:checked')].map((e) => e.value);
  if (modes.length && modes.length < 4) q.set('modes', modes.join(','));
  const avoid = $('avoid').value.split(/[\s,;]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
  if (avoid.length) q.set('avoid_countries', avoid.join(','));
  if ($('year').value) q.set('year', $('year').value);
  const qty = Number($('qty').value) || 1;
  q.set('cargo', qty === 1 ? $('cargo').value : `${qty}${$('cargo').value === 't' ? '' : 'x'}${$('cargo').value}`);
  // Timetabled query.  The times go without an offset: the server reads
  // "ready at" in the origin's zone and "arrive by" in the destination's,
  // which is what a shipper means, whatever the browser's own zone.
  const depart = $('depart').value, arriveBy = $('arrive_by').value;
  if (depart) q.set('depart', depart);
  if (arriveBy) q.set('arrive_by', arriveBy);
  if (depart && $('window').value) q.set('window', $('window').value);
  if ((depart || arriveBy) && $('min_transfer').value !== '') q.set('min_transfer', $('min_transfer').value);
  return { from, to, q };
}

// An error in the chosen language: the code's own sentence, the server's
// message (English, with the detail) under it, the blocking constraints of
// a NoRoute by name, and an UnknownPlace's suggestions as buttons that fill
// the field and search again.
function showError(body, httpStatus) {
  const status = $('status');
  status.className = 'error';
  status.innerHTML = '';
  const code = body.code || `HTTP ${httpStatus}`;
  const head = document.createElement('div');
  head.className = 'err-head';
  const known = LABELS.en[`err_${code}`] !== undefined;
  head.textContent = `${code}: ${known ? t(`err_${code}`, body.parameter ? t(body.parameter) : '') : ''}`;
  status.appendChild(head);
  if (Array.isArray(body.blocked_by) && body.blocked_by.length) {
    const b = document.createElement('div');
    b.className = 'err-blocked';
    b.textContent = `${t('blockedBy')}: ${body.blocked_by.map((k) => t(`block_${k}`)).join('; ')}`;
    status.appendChild(b);
  }
  const msg = document.createElement('small');
  msg.className = 'err-detail';
  msg.lang = 'en';
  msg.textContent = body.message || '';
  status.appendChild(msg);
  const sug = Array.isArray(body.suggestions) ? body.suggestions : [];
  if (sug.length) {
    const which = body.parameter === 'to' ? 'to' : body.parameter === 'from' ? 'from' : null;
    const box = document.createElement('div');
    box.className = 'err-suggest';
    box.appendChild(document.createTextNode(`${t('didYouMean')} `));
    for (const p of sug) {
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'suggestion';
      btn.textContent = `${placeName(p)} (${p.id})`;
      btn.addEventListener('click', () => {
        if (which) { choose(which, state.places.get(p.id) || p); runQuery(); }
      });
      if (!which) btn.disabled = true;
      box.appendChild(btn);
    }
    status.appendChild(box);
  } else if (code === 'UnknownPlace') {
    const n = document.createElement('div');
    n.textContent = t('noSuggestionsFar');
    status.appendChild(n);
  }
}

async function runQuery() {
  const { from, to, q } = buildQuery();
  const status = $('status');
  if (!from || !to) { state.lastError = null; status.textContent = t('needBoth'); status.className = 'error'; return; }
  status.textContent = t('searching');
  status.className = '';
  const r = await api(`/v1/route?${q}`);
  if (r.status !== 200) {
    state.lastError = { body: r.body, status: r.status };
    state.miles = null;
    showError(r.body, r.status);
    $('result').hidden = true;
    routeLayer.clearLayers();
    map.getContainer().classList.remove('has-route');
    document.body.dataset.routes = '0';
    return;
  }
  status.textContent = '';
  state.lastError = null;
  state.lastQuery = q;
  // The query in the address, so that a route can be shared or reloaded.
  history.replaceState(null, '', `#${q}`);
  state.routes = r.body.routes;
  state.miles = r.body.first_mile || r.body.last_mile
    ? { first: r.body.first_mile, last: r.body.last_mile, d2d: r.body.door_to_door || [] } : null;
  state.sel = 0;
  renderResult(true);
}

// ---------------------------------------------------------------- result
const fmt = (x, d = 0) => Number(x).toLocaleString(getLang() === 'zh' ? 'zh-CN' : getLang() === 'ru' ? 'ru-RU' : 'en-US',
  { maximumFractionDigits: d, minimumFractionDigits: d });
const days = (h) => fmt(h / 24, 1);
// Times of timetabled routes come as local ISO 8601 with the UTC offset of
// the place ("2026-06-03T10:00+08:00").  They are shown as they are, in
// the place's own time with its offset, never in the browser's zone: a
// departure from Xi'an is 10:00 in Xi'an wherever the planner sits.
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
function localTime(iso, short = false) {
  const m = ISO_TIME.exec(iso || '');
  if (!m) return iso || '';
  const off = !m[3] || m[3] === 'Z' ? 'UTC' : `UTC${m[3]}`;
  return `${short ? m[1].slice(5) : m[1]} ${m[2]} ${off}`;
}
const isTimed = (r) => Boolean(r && r.depart && r.arrive);
// Waiting in hours up to a day, in days beyond.
const waitText = (h) => (h < 24 ? `${fmt(h, 1)} ${t('h')}` : `${fmt(h / 24, 1)} ${t('days')}`);
// One line per option for the option picker: short enough for the panel,
// so local times without their offsets (the totals show them).
function optionText(r, i) {
  const hm = (iso) => localTime(iso, true).replace(/ UTC.*$/, '');
  const head = isTimed(r) ? `${hm(r.depart)} → ${hm(r.arrive)} · ` : '';
  return `${i + 1}. ${head}${days(r.duration_h)} ${t('days')} · ${fmt(r.cost_usd)} ${t('usd')} · ${fmt(r.co2e_kg / 1000, 2)} ${t('tco2e')}`;
}

// Typical (P50) and bad-case (P90) times: "12.0–30.0 h" when the P90 is known.
function p90(v) { return v !== undefined ? `–${fmt(v, 1)}` : ''; }

function renderResult(fit) {
  const routes = state.routes;
  if (!routes.length) return;
  const r = routes[state.sel];
  $('result').hidden = false;
  prefillBooking(buildQuery().q);
  document.body.dataset.routes = String(routes.length);
  document.body.dataset.selected = String(state.sel);
  $('totals').innerHTML = `${routes.length > 1 ? `<div class="which">${t('routeOf', state.sel + 1, routes.length)}
      <select id="option"></select></div>` : ''}
    <div class="tot"><b>${days(r.duration_h)}</b><span>${t('days')}</span></div>
    ${r.duration_p90_h !== undefined ? `<div class="tot p90"><b>${days(r.duration_p90_h)}</b><span>${t('days')} · ${t('p90')}</span></div>` : ''}
    ${r.on_time_probability !== undefined ? `<div class="tot ontime"><b>${fmt(100 * r.on_time_probability)} %</b><span>${t('onTime')}</span></div>` : ''}
    <div class="tot"><b>${fmt(r.cost_usd)}</b><span>${t('usd')}</span></div>
    <div class="tot"><b>${fmt(r.co2e_kg / 1000, 2)}</b><span>${t('tco2e')}</span></div>
    <div class="tot"><b>${fmt(r.distance_km)}</b><span>${t('km')}</span></div>
    ${isTimed(r) ? `<div class="times"><div><span>${t('depart')}</span> <b class="t-depart">${localTime(r.depart)}</b></div>
      <div><span>${t('arrive')}</span> <b class="t-arrive">${localTime(r.arrive)}</b></div>
      ${r.n_boardings !== undefined ? `<div class="boardings">${t('boardings', r.n_boardings)}</div>` : ''}</div>` : ''}`;
  // Many options (a window of departures) are easier to pick from a list
  // than from overlapping points on the chart.
  const pick = $('option');
  if (pick) {
    routes.forEach((x, i) => { const o = document.createElement('option'); o.value = i; o.textContent = optionText(x, i); pick.appendChild(o); });
    pick.value = String(state.sel);
    pick.addEventListener('change', () => { state.sel = Number(pick.value); renderResult(true); });
  }
  renderSegments(r);
  renderMiles();
  const list = (el, items, text) => {
    el.innerHTML = '';
    if (!items.length) { el.innerHTML = `<li class="empty">${t('none')}</li>`; return; }
    for (const x of items) { const li = document.createElement('li'); li.textContent = text(x); el.appendChild(li); }
  };
  list($('transfers'), r.transfers || [], (x) => `${placeName(x.at)}: ${t(x.kind)} · ${fmt(x.duration_h, 1)}${p90(x.duration_p90_h)} ${t('h')} · ${fmt(x.cost_usd)} ${t('usd')}`);
  list($('crossings'), r.border_crossings || [], crossingText);
  // Documents and customs events (docs/DOCUMENTS.md) in route order: at one
  // leg, what is issued comes before the customs, the rest after.
  const rank = (x) => (x.cu ? 1 : x.kind === 'issued' || x.kind === 'tir_opened' ? 0 : 2);
  const events = [...(r.documents || []).map((x) => ({ ...x, cu: false })), ...(r.customs || []).map((x) => ({ ...x, cu: true }))]
    .map((x, i) => ({ ...x, i }))
    .sort((a, b) => a.leg - b.leg || rank(a) - rank(b) || a.i - b.i);
  const cost = (x) => (x.duration_h > 0 || x.cost_usd > 0 ? ` · ${fmt(x.duration_h, 2)} ${t('h')} · ${fmt(x.cost_usd)} ${t('usd')}` : '');
  list($('documents'), events, (x) => x.cu
    ? `${placeName(x.at)}: ${t(`cu_${x.kind}`)} ${x.country}${x.internal_union ? ` (${x.internal_union})` : x.regime ? ` (${x.regime})` : ''}${cost(x)}`
    : `${placeName(x.at)}: ${x.document} ${t(`doc_${x.kind}`)}${cost(x)}`);
  renderExports(r);
  drawRoute(r, fit);
  drawTimeline(r);
  drawPareto();
}

const kgText = (kg) => (kg >= 1000 ? `${fmt(kg / 1000, 2)} ${t('tco2e')}` : `${fmt(kg, 1)} ${t('kgco2e')}`);
const feeText = (usd) => (usd > 0 ? ` · ${t('fee')} ${fmt(usd)} ${t('usd')}` : '');
function crossingText(x) {
  return `${placeName(x.at)}: ${x.from_country} → ${x.to_country} · ${t('dwell')} ${fmt(x.dwell_h, 1)}${p90(x.dwell_p90_h)} ${t('h')}` +
    `${feeText(x.fee_usd)}${x.internal_union ? ` · ${t('internalUnion', x.internal_union)}` : ''}`;
}

// One item per network link, as the JSON's legs.
function legItem(g) {
  const li = document.createElement('li');
  li.className = 'leg';
  li.innerHTML = `<i style="background:${MODE_COLORS[g.mode]}"></i><span class="lname"></span>
    <small>${t(g.mode)}${g.gauge_mm ? ` ${g.gauge_mm} mm` : ''} · ${fmt(g.distance_km)} ${t('km')} · ${fmt(g.duration_h, 1)}${p90(g.duration_p90_h)} ${t('h')} · ${fmt(g.cost_usd)} ${t('usd')} · ${kgText(g.co2e_kg)}</small>`;
  li.querySelector('.lname').textContent = `${placeName(g.from)} → ${placeName(g.to)}`;
  if (g.depart && g.arrive) {
    const tm = document.createElement('small');
    tm.className = 'ltime';
    tm.textContent = `${localTime(g.depart, true)} → ${localTime(g.arrive, true)}${g.wait_h > 0 ? ` · ${t('wait')} ${waitText(g.wait_h)}` : ''}`;
    li.appendChild(tm);
  }
  // "name" of a scheduled leg is its service's; of other legs, the link's.
  if (g.service) {
    const sv = document.createElement('small');
    sv.className = 'service';
    sv.textContent = `${t('service')}: ${g.name || g.service}${g.name ? ` (${g.service})` : ''}`;
    li.appendChild(sv);
  }
  return li;
}

// Corridor segments (consecutive links of one mode, gauge and country, as
// the library groups them), each with its links behind a toggle: a
// forwarder reads the segments, the per-link detail stays one click away
// (and is always printed).  Routes without segments (an older server)
// list their legs as before.
function renderSegments(r) {
  const ol = $('legs');
  ol.innerHTML = '';
  const segs = r.segments && r.segments.length ? r.segments
    : r.legs.map((g, i) => ({ ...g, first_leg: i, n_legs: 1 }));
  segs.forEach((sg, k) => {
    const li = document.createElement('li');
    li.className = 'segment';
    const legs = r.legs.slice(sg.first_leg, sg.first_leg + sg.n_legs);
    const head = document.createElement('div');
    head.className = 'seg-head';
    head.innerHTML = `<i style="background:${MODE_COLORS[sg.mode]}"></i><span class="sname"></span>
      <small class="sdetail"></small>`;
    head.querySelector('.sname').textContent = `${placeName(sg.from)} → ${placeName(sg.to)}`;
    head.querySelector('.sdetail').textContent = `${t(sg.mode)}${sg.gauge_mm ? ` ${sg.gauge_mm} mm` : ''}${sg.country ? ` · ${sg.country}` : ''}` +
      `${sg.name ? ` · ${sg.name}` : ''} · ${fmt(sg.distance_km)} ${t('km')} · ${fmt(sg.duration_h, 1)} ${t('h')} · ${fmt(sg.cost_usd)} ${t('usd')} · ${kgText(sg.co2e_kg)}`;
    if (sg.to_country) {
      const b = document.createElement('small');
      b.className = 'sborder';
      b.textContent = `${t('borderCrossing')} → ${sg.to_country}: ${t('dwell')} ${fmt(sg.dwell_h || 0, 1)} ${t('h')}${feeText(sg.fee_usd)}`;
      head.appendChild(b);
    }
    li.appendChild(head);
    const sub = document.createElement('ol');
    sub.className = 'seg-legs';
    sub.id = `seg-legs-${k}`;
    for (const g of legs) sub.appendChild(legItem(g));
    if (legs.length > 1) {
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = 'seg-toggle no-print';
      btn.setAttribute('aria-expanded', 'false');
      btn.setAttribute('aria-controls', sub.id);
      btn.textContent = t('showLinks', legs.length);
      btn.addEventListener('click', () => {
        const open = btn.getAttribute('aria-expanded') !== 'true';
        btn.setAttribute('aria-expanded', String(open));
        li.classList.toggle('open', open);
      });
      head.appendChild(btn);
    } else {
      li.classList.add('single');
    }
    li.appendChild(sub);
    ol.appendChild(li);
  });
}

// Download links for the answer on screen (the whole Pareto set when the
// query asked for one) and the print button; a file name from the ids.
function renderExports(r) {
  const q = state.lastQuery || buildQuery().q;
  const ends = `${r.legs[0]?.from?.id || 'from'}-${r.legs[r.legs.length - 1]?.to?.id || 'to'}`;
  for (const [f, ext] of [['csv', 'csv'], ['xlsx', 'xlsx'], ['geojson', 'geojson']]) {
    const a = $(`exp-${f}`);
    const qq = new URLSearchParams(q);
    qq.set('format', f);
    a.href = `/v1/route?${qq}`;
    a.download = `silkroute-${ends}.${ext}`;
  }
  const p = $('print-head');
  const opts = [t($('by').value), $('pareto').checked ? t('pareto') : '', q.get('cargo'), q.get('modes') ? `${t('modes')}: ${q.get('modes')}` : '',
    q.get('avoid_countries') ? `${t('avoidCountries')}: ${q.get('avoid_countries')}` : '', q.get('year') ? `${t('year')} ${q.get('year')}` : '']
    .filter(Boolean).join(' · ');
  p.innerHTML = '<h2></h2><p></p>';
  p.querySelector('h2').textContent = `silkroute · ${placeName(r.legs[0]?.from)} → ${placeName(r.legs[r.legs.length - 1]?.to)}`;
  p.querySelector('p').textContent = `${t('routeSheet')} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${opts}`;
}

// The first and last mile (a server with --detail, docs/API.md): road legs
// on the detailed network between a map point and the corridor place.
function renderMiles() {
  const box = $('miles-box'), ul = $('miles'), m = state.miles;
  box.hidden = !m;
  ul.innerHTML = '';
  if (!m) return;
  const add = (cls, text) => { const li = document.createElement('li'); li.className = cls; li.textContent = text; ul.appendChild(li); };
  if (m.first) add('mile first', t('firstMile', fmt(m.first.distance_km, 1), fmt(m.first.duration_h, 2), placeName(m.first.to)));
  if (m.last) add('mile last', t('lastMile', fmt(m.last.distance_km, 1), fmt(m.last.duration_h, 2), placeName(m.last.from)));
  const d = m.d2d[state.sel];
  if (d) add('mile d2d', t('doorToDoor', fmt(d.distance_km), days(d.duration_h)));
}

function drawRoute(r, fit) {
  routeLayer.clearLayers();
  // Fade the network so that the route stands out.
  map.getContainer().classList.add('has-route');
  const pts = [];
  for (const m of [state.miles?.first, state.miles?.last].filter(Boolean)) {
    const ll = (m.geometry?.coordinates || []).map(([lon, lat]) => [lat, lon]);
    if (ll.length < 2) continue;
    pts.push(...ll);
    L.polyline(ll, { color: '#fff', weight: 8, opacity: 0.9, interactive: false }).addTo(routeLayer);
    L.polyline(ll, { color: MODE_COLORS.road, weight: 4, dashArray: '6 5', className: 'route-mile' })
      .bindTooltip(() => `${m === state.miles.first ? t('firstMile', fmt(m.distance_km, 1), fmt(m.duration_h, 2), placeName(m.to))
        : t('lastMile', fmt(m.distance_km, 1), fmt(m.duration_h, 2), placeName(m.from))}`).addTo(routeLayer);
  }
  for (const g of r.legs) {
    const ll = [[g.from.lat, g.from.lon], [g.to.lat, g.to.lon]];
    pts.push(...ll);
    L.polyline(ll, { color: '#fff', weight: 9, opacity: 0.9, interactive: false }).addTo(routeLayer);
    L.polyline(ll, { color: MODE_COLORS[g.mode] || '#000', weight: 5, className: 'route-leg' })
      .bindTooltip(() => `${placeName(g.from)} → ${placeName(g.to)} · ${t(g.mode)}`).addTo(routeLayer);
  }
  for (const x of r.transfers || [])
    L.marker([x.at.lat, x.at.lon], { icon: L.divIcon({ className: 'mk-transfer', html: x.kind === 'gauge_change' ? '⇄' : '⇅', iconSize: [20, 20] }), title: `${t(x.kind)}: ${placeName(x.at)}` })
      .bindTooltip(() => `${t(x.kind)}: ${placeName(x.at)}`).addTo(routeLayer);
  for (const x of r.border_crossings || [])
    L.marker([x.at.lat, x.at.lon], { icon: L.divIcon({ className: 'mk-cross', html: '', iconSize: [14, 14] }), title: `${t('borderCrossing')}: ${placeName(x.at)}` })
      .bindTooltip(() => `${t('borderCrossing')}: ${placeName(x.at)} (${x.from_country} → ${x.to_country})`).addTo(routeLayer);
  // A map point end is where the door-to-door trip starts or ends.
  const pt = (m, end) => (m ? { ...m[end], name: `${t('mapPoint')} ${fmt(m[end].lat, 4)}, ${fmt(m[end].lon, 4)}` } : null);
  const ends = [pt(state.miles?.first, 'from') || r.legs[0]?.from, pt(state.miles?.last, 'to') || r.legs[r.legs.length - 1]?.to].filter(Boolean);
  ends.forEach((p, i) => L.circleMarker([p.lat, p.lon], { radius: 8, color: '#111', weight: 2, fillColor: i ? '#e74c3c' : '#27ae60', fillOpacity: 1 })
    .bindTooltip(() => placeName(p), { permanent: true, direction: 'top', className: 'end-label' }).addTo(routeLayer));
  if (fit && pts.length) map.fitBounds(L.latLngBounds(pts), { padding: [40, 40], maxZoom: state.miles ? 15 : 7, animate: false });
}

const SVG = 'http://www.w3.org/2000/svg';
function el(name, attrs, parent, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}

// Where the time of a route goes, on a scale of days from its departure.
// Untimed routes: the legs in order with transfers and border dwell between
// them.  Timetabled routes: each leg at its real times, so that waiting for
// a service or an opening shows as a gap.
function drawTimeline(r) {
  const svg = $('timeline');
  svg.innerHTML = '';
  const segs = isTimed(r) ? timedSegments(r) : untimedSegments(r);
  const total = Math.max(...segs.map((s) => s.at + s.h), r.duration_h, 1);
  const W = 300, x0 = 10;
  const px = (h) => x0 + (h / total) * W;
  for (const s of segs) {
    const wait = s.cls === 'tl-wait';
    // A wait is a thin line through the gap: visible, yet clearly empty.
    const rect = el('rect', { x: px(s.at), y: wait ? 14 : 6, width: Math.max(px(s.at + s.h) - px(s.at), 0.5), height: wait ? 2 : 18, fill: s.color, class: s.cls }, svg);
    el('title', {}, rect, `${s.label}: ${s.h < 24 ? `${fmt(s.h, 1)} ${t('h')}` : `${fmt(s.h / 24, 1)} ${t('days')}`}`);
  }
  const d = total / 24;
  const step = d > 30 ? 10 : d > 12 ? 5 : d > 5 ? 2 : d > 2 ? 1 : 0.25;
  for (let k = 0; k <= d + 1e-9; k += step) {
    el('line', { x1: px(k * 24), x2: px(k * 24), y1: 24, y2: 29, stroke: '#555' }, svg);
    el('text', { x: px(k * 24), y: 40, 'font-size': 9, 'text-anchor': 'middle', fill: '#333' }, svg, fmt(k, step < 1 ? 2 : 0));
  }
}

// Segments {at, h (hours from the start), color, label, cls}, end to end.
function untimedSegments(r) {
  // Waits go after the leg they belong to: the library says which (leg,
  // after_leg), else the leg that ends where they happen.
  const legOf = (x) => {
    const k = x.leg ?? x.after_leg;
    if (Number.isInteger(k) && k >= 0 && k < r.legs.length) return k;
    const at = x.at?.place ?? x.at?.id;
    const i = r.legs.findIndex((g) => g.to.id === at);
    return i >= 0 ? i : r.legs.length - 1;
  };
  const after = r.legs.map(() => []);
  for (const x of r.border_crossings || [])
    after[legOf(x)].push({ h: x.dwell_h, color: '#95a5a6', label: `${t('dwell')} ${placeName(x.at)}`, cls: 'tl-seg' });
  for (const x of r.transfers || [])
    after[legOf(x)].push({ h: x.duration_h, color: '#7f8c8d', label: `${t(x.kind)} ${placeName(x.at)}`, cls: 'tl-seg' });
  const segs = [];
  let at = 0;
  r.legs.forEach((g, i) => {
    for (const s of [{ h: g.duration_h, color: MODE_COLORS[g.mode], label: `${placeName(g.from)} → ${placeName(g.to)}`, cls: 'tl-seg' }, ...after[i]]) {
      segs.push({ ...s, at });
      at += s.h;
    }
  });
  return segs;
}

// A timed leg's span (depart to arrive) can hold more than its running
// time (a border dwell or handling at its end): the running time is drawn
// in the mode's colour from the departure, the rest in grey.
function timedSegments(r) {
  const t0 = Date.parse(r.depart);
  const hours = (iso) => (Date.parse(iso) - t0) / 3.6e6;
  const segs = [];
  let prev = 0;
  for (const g of r.legs) {
    const a = hours(g.depart), b = hours(g.arrive);
    if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
    const name = `${placeName(g.from)} → ${placeName(g.to)}`;
    if (a > prev + 1e-6) segs.push({ at: prev, h: a - prev, color: '#aab', label: `${t('waiting')} ${placeName(g.from)}`, cls: 'tl-wait' });
    const run = Math.min(Math.max(g.duration_h, 0), b - a);
    segs.push({ at: a, h: run, color: MODE_COLORS[g.mode], cls: 'tl-seg',
      label: `${name}${g.service ? ` (${g.name || g.service})` : ''} ${localTime(g.depart, true)} → ${localTime(g.arrive, true)}` });
    if (b - a - run > 1e-6) segs.push({ at: a + run, h: b - a - run, color: '#95a5a6', label: `${t('dwell')} ${placeName(g.to)}`, cls: 'tl-seg' });
    prev = Math.max(prev, b);
  }
  return segs;
}

// Pareto options: time (x) against cost (y), CO2e as colour; a click
// shows that option on the map.
function drawPareto() {
  const box = $('pareto-box'), svg = $('pareto-chart');
  const rs = state.routes;
  box.hidden = rs.length < 2;
  svg.innerHTML = '';
  if (rs.length < 2) return;
  const X = (r) => r.duration_h / 24, Y = (r) => r.cost_usd, C = (r) => r.co2e_kg;
  const ext = (f) => { const v = rs.map(f); const lo = Math.min(...v), hi = Math.max(...v); return hi > lo ? [lo, hi] : [lo - 1, hi + 1]; };
  const [x0, x1] = ext(X), [y0, y1] = ext(Y), [c0, c1] = ext(C);
  const L0 = 48, R0 = 310, T0 = 10, B0 = 165;
  const sx = (v) => L0 + ((v - x0) / (x1 - x0)) * (R0 - L0 - 10) + 5;
  const sy = (v) => B0 - ((v - y0) / (y1 - y0)) * (B0 - T0 - 10) - 5;
  el('line', { x1: L0, x2: R0, y1: B0, y2: B0, stroke: '#333' }, svg);
  el('line', { x1: L0, x2: L0, y1: T0, y2: B0, stroke: '#333' }, svg);
  el('text', { x: (L0 + R0) / 2, y: 192, 'font-size': 10, 'text-anchor': 'middle' }, svg, t('timeAxis'));
  el('text', { x: 10, y: (T0 + B0) / 2, 'font-size': 10, 'text-anchor': 'middle', transform: `rotate(-90 10 ${(T0 + B0) / 2})` }, svg, t('costAxis'));
  for (const [v, f] of [[x0, 0], [x1, 1]]) el('text', { x: sx(v), y: B0 + 12, 'font-size': 9, 'text-anchor': 'middle' }, svg, fmt(v, 1));
  for (const v of [y0, y1]) el('text', { x: L0 - 3, y: sy(v) + 3, 'font-size': 9, 'text-anchor': 'end' }, svg, fmt(v));
  // The selected option last, so that it is on top of options that share
  // its time and cost (a window repeats them on many departure dates).
  const order = rs.map((_, i) => i).filter((i) => i !== state.sel).concat([state.sel]);
  for (const i of order) {
    const r = rs[i];
    const k = (C(r) - c0) / (c1 - c0);
    const color = `hsl(${120 - 120 * k}, 70%, 42%)`;
    const c = el('circle', { cx: sx(X(r)), cy: sy(Y(r)), r: i === state.sel ? 8 : 6, fill: color, stroke: i === state.sel ? '#000' : '#fff', 'stroke-width': 2, class: 'pareto-opt', 'data-index': i, tabindex: 0 }, svg);
    el('title', {}, c, `${isTimed(r) ? `${t('departs')} ${localTime(r.depart)} · ` : ''}${fmt(X(r), 1)} ${t('days')} · ${fmt(Y(r))} ${t('usd')} · ${fmt(C(r) / 1000, 2)} ${t('tco2e')}`);
    c.addEventListener('click', () => { state.sel = i; renderResult(true); });
  }
  // Timetabled options are labelled with their departure date (MM-DD),
  // the first in order of departure wherever several fall on one spot, and
  // none where it would overlap a label already drawn.
  const boxes = [];
  const LW = 24, LH = 9;
  rs.forEach((r) => {
    if (!isTimed(r)) return;
    const x = sx(X(r)), y = sy(Y(r));
    const right = x < R0 - 40;
    const bx = right ? x + 9 : x - 9 - LW;
    if (boxes.some(([a, b]) => bx < a + LW && a < bx + LW && y - LH / 2 < b + LH / 2 && b - LH / 2 < y + LH / 2)) return;
    boxes.push([bx, y]);
    el('text', { x: bx, y: y + 3, 'font-size': 8, fill: '#333', class: 'pareto-date', 'pointer-events': 'none' },
      svg, localTime(r.depart, true).slice(0, 5));
  });
}

// ---------------------------------------------------------------- language
// The tab views (views.js), made once the network has loaded.
let viewsApi = null;
function applyLang(l) {
  setLang(l);
  document.documentElement.lang = l === 'zh' ? 'zh-Hans' : l;
  document.body.dataset.lang = l;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(e.dataset.i18nPlaceholder);
  for (const b of document.querySelectorAll('[data-lang]')) b.classList.toggle('active', b.dataset.lang === l);
  for (const w of ['from', 'to']) if (state.chosen[w]) $(w).value = placeName(state.chosen[w]);
  renderLegend();
  pipes.relabel();
  relabelShipments();
  viewsApi?.relabel();
  if (state.routes.length && !$('result').hidden) renderResult(false);
  if (state.lastError) showError(state.lastError.body, state.lastError.status);
  try { localStorage.setItem('silkroute.lang', l); } catch { /* private mode */ }
}

// ---------------------------------------------------------------- map points
// Offered when the server has a detailed road network (/v1/health
// "detail"): a click on the map gives an end as coordinates, and the
// answer carries its first or last mile.
function setPick(which) {
  state.pick = which;
  map.getContainer().classList.toggle('picking', Boolean(which));
  for (const w of ['from', 'to']) $(`pick-${w}`).setAttribute('aria-pressed', String(w === which));
  if (which) { $('status').className = ''; $('status').textContent = t('pickNow', t(which)); }
}
for (const w of ['from', 'to']) $(`pick-${w}`).addEventListener('click', () => setPick(state.pick === w ? null : w));
map.on('click', (e) => {
  if (!state.pick) return;
  const which = state.pick, ll = e.latlng.wrap();
  const id = `${ll.lat.toFixed(5)},${ll.lng.toFixed(5)}`;
  setPick(null);
  $('status').textContent = '';
  choose(which, { id, name: id, lat: ll.lat, lon: ll.lng, point: true });
  if (state.chosen.from && state.chosen.to) runQuery();
});
api('/v1/health').then((r) => {
  const has = r.status === 200 && r.body && r.body.detail;
  $('pick-box').hidden = !has;
  document.body.dataset.detail = has ? '1' : '0';
});

// ---------------------------------------------------------------- start
for (const b of document.querySelectorAll('[data-lang]')) b.addEventListener('click', () => applyLang(b.dataset.lang));
setupSearch('from');
setupSearch('to');
$('query').addEventListener('submit', (e) => { e.preventDefault(); runQuery(); });
$('print').addEventListener('click', () => window.print());
addLegend();
initShipments(map);
initBooking({
  getQuery: () => buildQuery().q,
  getChoice: () => ({ sel: state.sel, route: state.routes[state.sel], pareto: $('pareto').checked }),
  onBooked: openShipment,
});
const pipes = initPipelines(map, L, getLang);
let saved = 'en';
try { saved = localStorage.getItem('silkroute.lang') || 'en'; } catch { /* private mode */ }
applyLang(saved);
$('swap').addEventListener('click', () => {
  const a = state.chosen.from, b = state.chosen.to, va = $('from').value, vb = $('to').value;
  state.chosen.from = b;
  state.chosen.to = a;
  $('from').value = vb;
  $('to').value = va;
  if ((b || vb) && (a || va)) runQuery();
});

// A shared link (#from=..&to=..&by=..) fills the form and runs the query.
function restoreFromHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  if (!h.get('from') || !h.get('to')) return;
  for (const w of ['from', 'to']) {
    const p = state.places.get(h.get(w));
    if (p) choose(w, p);
    else $(w).value = h.get(w);
  }
  if (h.get('by')) $('by').value = h.get('by');
  $('pareto').checked = h.get('pareto') === 'true';
  if (h.get('modes')) {
    const m = h.get('modes').split(',');
    for (const e of document.querySelectorAll('input[name=mode]')) e.checked = m.includes(e.value);
  }
  if (h.get('avoid_countries')) $('avoid').value = h.get('avoid_countries');
  // datetime-local takes YYYY-MM-DDTHH:MM; anything else (a hand-edited
  // link with an offset or seconds) is cut to that.
  for (const k of ['depart', 'arrive_by']) $(k).value = (h.get(k) || '').slice(0, 16);
  $('window').value = ['3d', '7d', '14d'].includes(h.get('window')) ? h.get('window') : '';
  $('min_transfer').value = h.get('min_transfer') || '';
  if (h.get('year')) $('year').value = h.get('year');
  const c = (h.get('cargo') || '').match(/^(?:([0-9.]+)x?)?(20ft|40ft|t)$/);
  if (c) {
    $('cargo').value = c[2];
    $('qty').value = c[1] || '1';
  }
  runQuery();
}

Promise.all([loadBasemap(), loadNetwork()]).then(() => {
  // The Analysis, Reach and Matrix views (views.js) share the map.
  viewsApi = initViews({ map, places: state.places, routeLayers: [linkLayer, routeLayer, markLayer] });
  document.body.dataset.ready = '1';
  restoreFromHash();
}, (e) => {
  $('status').textContent = String(e);
  $('status').className = 'error';
  document.body.dataset.ready = 'error';
});
