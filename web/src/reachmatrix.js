// reachmatrix.js - the Reach view ("where can a container from Xi'an be
// in 7 days?": places coloured by arrival band, the links of the search
// tree in the same colours; /v1/reach) and the Matrix view (time, cost,
// CO2e and distance between chosen places as a table; /v1/matrix), each
// with CSV and GeoJSON downloads.  Everything they write is in the map's
// language; relabel() redraws a shown answer when the language changes,
// without asking the server again.
import L from 'leaflet';
import { t, placeName } from './i18n.js';
import { h, tx, num, downloads, fetchJson, fetchText, rowsToCsv, setMapLegend, status } from './views.js';

// Sequential bands from near (dark blue) to far (yellow): readable on the
// pale basemap and distinct for colour-blind readers (viridis-like).
const BAND_COLOURS = ['#30123b', '#4145ab', '#4675ed', '#39a2fc', '#1bcfd4', '#24eca6', '#61fc6c', '#a4fc3b', '#d1e834', '#f3c63a', '#fe9b2d', '#f36315'];
export const bandColour = (b, n) => BAND_COLOURS[Math.min(BAND_COLOURS.length - 1, Math.round((b * (BAND_COLOURS.length - 1)) / Math.max(1, n - 1)))];

const modeBoxes = (prefix) => h('fieldset', { class: 'modes' }, h('legend', tx('modes')),
  ...['rail', 'road', 'sea', 'air'].map((m) => h('label', {}, h('input', { type: 'checkbox', name: `${prefix}-mode`, value: m, checked: true }), ' ', h('span', tx(m)))));
const modesOf = (box, prefix) => [...box.querySelectorAll(`input[name=${prefix}-mode]:checked`)].map((e) => e.value).join(',');

function placeList(places) {
  const dl = h('datalist', { id: 'place-ids' });
  for (const p of [...places.values()].sort((a, b) => String(a.name).localeCompare(String(b.name))))
    dl.append(h('option', { value: p.id }, `${p.name} (${p.country || ''})`));
  return dl;
}

export function initReach({ map, box, layer, places }) {
  const st = { geo: null, json: null };
  const from = h('input', { id: 'rc-from', value: "Xi'an", list: 'place-ids', autocomplete: 'off' });
  const by = h('select', { id: 'rc-by' }, h('option', { value: 'time', ...tx('optTime') }), h('option', { value: 'cost', ...tx('optCost') }), h('option', { value: 'co2', ...tx('optCo2') }));
  const budget = h('input', { id: 'rc-budget', type: 'number', min: '0.1', step: 'any', value: '7' });
  const unit = h('span', { id: 'rc-unit', class: 'unit' }, t('days'));
  const msg = h('div', { class: 'view-status', role: 'status', id: 'rc-status' });
  const list = h('ol', { id: 'rc-list', class: 'rc-list', tabindex: '0', 'aria-label': t('rcList') });
  const dl = h('div', { id: 'rc-dl' });
  const form = h('form', { id: 'rc-form', autocomplete: 'off' },
    h('div', { class: 'field' }, h('label', { for: 'rc-from', ...tx('rcFrom') }), from),
    h('div', { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: 'rc-by', ...tx('rcBudgetIn') }), by),
      h('div', { class: 'field' }, h('label', { for: 'rc-budget', ...tx('rcBudget') }), h('div', { class: 'inline' }, budget, unit))),
    modeBoxes('rc'),
    h('button', { type: 'submit', id: 'rc-run', class: 'primary', ...tx('rcRun') }));
  box.append(h('h2', tx('tabReach')), placeList(places), form, msg, dl, list);
  const units = { time: () => t('days'), cost: () => t('usd'), co2: () => t('kgco2e') };
  by.addEventListener('change', () => {
    unit.textContent = units[by.value]();
    budget.value = by.value === 'time' ? '7' : by.value === 'cost' ? '4000' : '2000';
  });

  const query = (fmt) => {
    const q = new URLSearchParams({ from: from.value.trim(), by: by.value,
      budget: by.value === 'time' ? `${Number(budget.value) * 24}` : budget.value, modes: modesOf(box, 'rc') });
    if (by.value === 'time' && Number.isInteger(Number(budget.value))) q.set('bands', budget.value);
    if (fmt) q.set('format', fmt);
    return `/v1/reach?${q}`;
  };

  async function run(e) {
    e?.preventDefault();
    status(msg, t('rcSearching'));
    try {
      const [j, g] = await Promise.all([fetchJson(query()), fetchJson(query('geojson'))]);
      st.json = j;
      st.geo = g;
      draw();
      const pts = g.features.filter((x) => x.geometry.type === 'Point').map((x) => [x.geometry.coordinates[1], x.geometry.coordinates[0]]);
      if (pts.length > 1) map.fitBounds(L.latLngBounds(pts), { padding: [30, 30], maxZoom: 7, animate: false });
      dl.replaceChildren(downloads('Reach',
        async () => [`reach-${j.origin.id}.csv`, rowsToCsv(['place', 'name', 'country', 'value', 'unit', 'band', 'duration_h', 'cost_usd', 'co2e_kg', 'distance_km', 'via'],
          j.places.map((p) => [p.id, p.name, p.country, p.value, j.unit, p.band, p.duration_h, p.cost_usd, p.co2e_kg, p.distance_km, p.via])), 'text/csv'],
        async () => [`reach-${j.origin.id}.geojson`, JSON.stringify(g), 'application/geo+json']));
      document.body.dataset.reach = String(j.count);
    } catch (err) { status(msg, String(err.message || err), true); }
  }
  // The answer in the current language: status line, map, list, legend.
  function draw() {
    const j = st.json, g = st.geo;
    const nb = j.bands.length - 1;
    const u = j.unit === 'h' ? t('days') : j.unit === 'USD' ? t('usd') : j.unit === 'kg CO2e' ? t('kgco2e') : j.unit;
    const show = (v) => (j.unit === 'h' ? num(v / 24, 1) : num(v));
    const origin = placeName(places.get(j.origin.id) || j.origin);
    status(msg, t('rcStatus', num(j.count), show(j.budget), u, `${origin} (${j.origin.id})`, t(OBJECTIVE[j.objective] || j.objective)));
    layer.clearLayers();
    for (const f of g.features.filter((x) => x.geometry.type === 'LineString'))
      L.geoJSON(f, { style: { color: bandColour(f.properties.band, nb), weight: 3, opacity: 0.9, className: `rc-link band-${f.properties.band}` } })
        .bindTooltip(`${f.properties.link}: ${f.properties.from} → ${f.properties.to}`).addTo(layer);
    for (const f of g.features.filter((x) => x.geometry.type === 'Point')) {
      const p = f.properties, [lon, lat] = f.geometry.coordinates;
      L.circleMarker([lat, lon], { radius: p.value === 0 ? 8 : 5.5, color: '#111', weight: 1, fillColor: bandColour(p.band, nb), fillOpacity: 1,
        className: `rc-place band-${p.band}` })
        .bindTooltip(`${placeName(places.get(p.id) || p)} (${p.id}): ${show(p.value)} ${u}`).addTo(layer);
    }
    list.setAttribute('aria-label', t('rcList'));
    list.replaceChildren(...j.places.slice(0, 60).map((p) => h('li', {},
      h('i', { class: 'swatch', style: `background:${bandColour(p.band, nb)}` }),
      `${placeName(places.get(p.id) || p)} (${p.id}) ${show(p.value)} ${u}`)));
    legend(j, nb, u, show, origin);
  }
  function legend(j, nb, u, show, origin) {
    st.legend = h('div', {}, h('strong', {}, t('rcBand', origin, u)),
      ...Array.from({ length: nb }, (_, b) => h('div', {}, h('i', { class: 'swatch', style: `background:${bandColour(b, nb)}` }),
        `${show(j.bands[b])}–${show(j.bands[b + 1])} ${u}`)));
    if (!box.hidden) setMapLegend(map, st.legend);
  }
  form.addEventListener('submit', run);
  let loaded = false;
  return {
    shown() {
      if (!loaded) { loaded = true; run(null); } else if (st.legend) setMapLegend(map, st.legend);
    },
    relabel() {
      unit.textContent = units[by.value]();
      if (st.json) draw();
    },
  };
}

// Each figure of a matrix: its label key, how a cell is written, its unit's
// label key.
const FIGURES = {
  duration_h: ['figTime', (v) => `${num(v / 24, 1)} ${t('dShort')}`, 'days'],
  cost_usd: ['figCost', (v) => num(v), 'usd'],
  co2e_kg: ['figCo2', (v) => num(v / 1000, 2), 'tco2e'],
  distance_km: ['figDistance', (v) => num(v), 'km'],
};
const OBJECTIVE = { time: 'optTime', cost: 'optCost', co2: 'optCo2' };

export function initMatrix({ map, box, layer, places }) {
  const st = { json: null };
  const src = h('textarea', { id: 'mx-sources', rows: 2 });
  src.value = 'CNXIY, CNCKG, CNURC';
  const tgt = h('textarea', { id: 'mx-targets', rows: 2 });
  tgt.value = 'KZALA, UZTAS, RUMOW, PLWAW, DEDUI';
  const by = h('select', { id: 'mx-by' }, h('option', { value: 'time', ...tx('time') }), h('option', { value: 'cost', ...tx('cost') }), h('option', { value: 'co2', ...tx('co2') }));
  const fig = h('select', { id: 'mx-figure' }, ...Object.entries(FIGURES).map(([k]) => h('option', { value: k })));
  const figLabels = () => { for (const o of fig.options) { const [n, , u] = FIGURES[o.value]; o.textContent = `${t(n)} (${t(u)})`; } };
  figLabels();
  const msg = h('div', { class: 'view-status', role: 'status', id: 'mx-status' });
  const table = h('div', { id: 'mx-table', class: 'mx-table', tabindex: '0', role: 'region', 'aria-label': t('mxTable') });
  const dl = h('div', { id: 'mx-dl' });
  const form = h('form', { id: 'mx-form', autocomplete: 'off' },
    h('div', { class: 'field' }, h('label', { for: 'mx-sources', ...tx('mxFrom') }), src),
    h('div', { class: 'field' }, h('label', { for: 'mx-targets', ...tx('to') }), tgt),
    h('div', { class: 'row' },
      h('div', { class: 'field' }, h('label', { for: 'mx-by', ...tx('mxRoute') }), by),
      h('div', { class: 'field' }, h('label', { for: 'mx-figure', ...tx('mxShow') }), fig)),
    modeBoxes('mx'),
    h('p', { class: 'hint', ...tx('mxHint') }),
    h('button', { type: 'submit', id: 'mx-run', class: 'primary', ...tx('mxRun') }));
  box.append(h('h2', tx('tabMatrix')), form, msg, table, dl);
  const split = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const body = (fmt) => JSON.stringify({ sources: split(src.value), targets: split(tgt.value), by: by.value,
    modes: modesOf(box, 'mx').split(',').filter(Boolean), ...(fmt ? { format: fmt } : {}) });
  const post = (fmt) => ['/v1/matrix', { method: 'POST', body: body(fmt), headers: { 'Content-Type': 'application/json' } }];

  function render() {
    const j = st.json;
    if (!j) return;
    const [name, f, u] = FIGURES[fig.value];
    const rows = j[fig.value];
    const label = (id) => (places.get(id) ? placeName(places.get(id)) : id);
    table.setAttribute('aria-label', t('mxTable'));
    table.replaceChildren(h('table', { class: 'an-table mx' },
      h('caption', {}, t('mxCaption', t(name), t(u), t(OBJECTIVE[j.objective] || j.objective))),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('mxCorner')), ...j.targets.map((id) => h('th', { scope: 'col', title: id }, label(id))))),
      h('tbody', {}, ...j.sources.map((s, i) => h('tr', {}, h('th', { scope: 'row', title: s }, label(s)),
        ...rows[i].map((v) => h('td', {}, v === null ? t('noRoute') : f(v))))))));
  }
  fig.addEventListener('change', render);

  function drawMap() {
    layer.clearLayers();
    const j = st.json;
    for (const id of new Set([...j.sources, ...j.targets])) {
      const p = places.get(id);
      if (p) L.circleMarker([p.lat, p.lon], { radius: 6, color: '#111', weight: 1, fillColor: j.sources.includes(id) ? '#1f6f8b' : '#f1c40f', fillOpacity: 1, className: 'mx-place' })
        .bindTooltip(`${placeName(p)} (${id})`).addTo(layer);
    }
    const pts = [...new Set([...j.sources, ...j.targets])].map((id) => places.get(id)).filter(Boolean).map((p) => [p.lat, p.lon]);
    if (pts.length > 1) map.fitBounds(L.latLngBounds(pts), { padding: [40, 40], maxZoom: 7, animate: false });
    if (!box.hidden) setMapLegend(map, h('div', {}, h('strong', {}, t('mxPlaces')),
      h('div', {}, h('i', { class: 'swatch', style: 'background:#1f6f8b' }), t('mxSources')),
      h('div', {}, h('i', { class: 'swatch', style: 'background:#f1c40f' }), t('mxTargets'))));
  }

  // GeoJSON of a matrix: one straight line per pair with its four figures.
  function matrixGeojson() {
    const j = st.json, feats = [];
    j.sources.forEach((s, i) => j.targets.forEach((t, k) => {
      const a = places.get(s), b = places.get(t);
      if (!a || !b) return;
      feats.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: [[a.lon, a.lat], [b.lon, b.lat]] },
        properties: { source: s, target: t, reachable: j.duration_h[i][k] !== null, duration_h: j.duration_h[i][k],
          cost_usd: j.cost_usd[i][k], co2e_kg: j.co2e_kg[i][k], distance_km: j.distance_km[i][k] } });
    }));
    return { type: 'FeatureCollection', features: feats };
  }

  async function run(e) {
    e?.preventDefault();
    status(msg, t('mxComputing'));
    try {
      st.json = await fetchJson(...post());
      status(msg, t('mxSize', st.json.sources.length, st.json.targets.length));
      render();
      drawMap();
      dl.replaceChildren(downloads('Matrix', async () => ['matrix.csv', await fetchText(...post('csv')), 'text/csv'],
        async () => ['matrix.geojson', JSON.stringify(matrixGeojson()), 'application/geo+json']));
      document.body.dataset.matrix = `${st.json.sources.length}x${st.json.targets.length}`;
    } catch (err) { status(msg, String(err.message || err), true); }
  }
  form.addEventListener('submit', run);
  let loaded = false;
  return {
    shown() { if (!loaded) { loaded = true; run(null); } else if (st.json) drawMap(); },
    relabel() {
      figLabels();
      if (!st.json) return;
      status(msg, t('mxSize', st.json.sources.length, st.json.targets.length));
      render();
      drawMap();
    },
  };
}

