// views.js - the views of the web map besides the route planner: Analysis
// (freight assignment, scenarios, differences, critical links), Reach and
// Matrix, behind a tab bar at the top of the panel.  main.js calls
// initViews() once the network is loaded; each view draws on its own
// Leaflet layer and hides the route planner's while it is shown.
//
// Shared helpers live here too: downloads (every view offers CSV and
// GeoJSON), CSV from GeoJSON properties, readable numbers and the map
// legend control of the analysis views.
import L from 'leaflet';
import { initAnalysis } from './analysis.js';
import { initReach, initMatrix } from './reachmatrix.js';
import { t } from './i18n.js';

// Attributes of an element whose text is label `key` in the chosen
// language; main.js's language switch re-labels every [data-i18n].
export const tx = (key) => ({ 'data-i18n': key, text: t(key) });

export const num = (x, d = 0) =>
  x === null || x === undefined || Number.isNaN(Number(x)) ? '–'
    : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

export function h(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of kids.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

// Save text as a file: a Blob behind a temporary link.  Tests read
// body[data-download] (name and size) to see that a download happened.
export function download(name, text, type) {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  document.body.dataset.download = `${name}:${text.length}`;
}

const csvField = (v) => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

// A CSV of the features' properties: one column per property name seen.
export function geojsonToCsv(fc) {
  const cols = [];
  for (const f of fc.features) for (const k of Object.keys(f.properties || {})) if (!cols.includes(k)) cols.push(k);
  const rows = [cols.join(',')];
  for (const f of fc.features) rows.push(cols.map((k) => csvField(f.properties?.[k])).join(','));
  return `${rows.join('\n')}\n`;
}

export function rowsToCsv(cols, rows) {
  return `${[cols.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n')}\n`;
}

// Two download buttons for a view: each calls its producer for [name, text, type].
export function downloads(label, csv, geojson) {
  return h('div', { class: 'downloads', role: 'group', 'aria-label': `${label} downloads` },
    h('span', tx('downloadLabel')),
    h('button', { type: 'button', class: 'dl-csv', onclick: async () => download(...(await csv())) }, 'CSV'),
    h('button', { type: 'button', class: 'dl-geojson', onclick: async () => download(...(await geojson())) }, 'GeoJSON'));
}

export async function fetchText(path, opts) {
  const r = await fetch(path, opts);
  const text = await r.text();
  if (!r.ok) {
    let msg = `HTTP ${r.status}`;
    try { const j = JSON.parse(text); msg = `${j.code}: ${j.message}`; } catch { /* not JSON */ }
    throw new Error(msg);
  }
  return text;
}
export const fetchJson = async (path, opts) => JSON.parse(await fetchText(path, opts));

// A legend box on the map, filled by the view that is shown.
let legendCtl = null;
export function setMapLegend(map, node) {
  if (legendCtl) { legendCtl.remove(); legendCtl = null; }
  if (!node) return;
  legendCtl = L.control({ position: 'bottomleft' });
  legendCtl.onAdd = () => {
    const d = L.DomUtil.create('div', 'legend analysis-legend');
    d.id = 'analysis-legend';
    d.append(node);
    return d;
  };
  legendCtl.addTo(map);
}

export function status(el, msg, error = false) {
  el.textContent = msg;
  el.className = `view-status${error ? ' error' : ''}`;
}

// ---------------------------------------------------------------- tabs
export function initViews(ctx) {
  const panel = document.getElementById('panel');
  const routeParts = ['query', 'status', 'result'].map((id) => document.getElementById(id));
  const views = [
    { id: 'route', label: 'tabRoute' },
    { id: 'analysis', label: 'tabAnalysis', make: initAnalysis },
    { id: 'reach', label: 'tabReach', make: initReach },
    { id: 'matrix', label: 'tabMatrix', make: initMatrix },
  ];
  const bar = h('div', { class: 'views', role: 'tablist', 'aria-label': 'Views' });
  panel.prepend(bar);
  const routeBox = h('div', { id: 'view-route', role: 'tabpanel', 'aria-labelledby': 'tab-route' });
  bar.after(routeBox);
  routeBox.append(...routeParts);
  for (const v of views) {
    v.tab = h('button', {
      type: 'button', role: 'tab', id: `tab-${v.id}`, 'aria-controls': `view-${v.id}`, 'aria-selected': 'false',
      class: 'view-tab', onclick: () => show(v.id), ...tx(v.label),
    });
    bar.append(v.tab);
    if (v.make) {
      v.box = h('section', { id: `view-${v.id}`, role: 'tabpanel', 'aria-labelledby': `tab-${v.id}`, hidden: true, class: 'view' });
      panel.append(v.box);
      v.layer = L.layerGroup();
      v.api = v.make({ ...ctx, box: v.box, layer: v.layer });
    } else {
      v.box = routeBox;
    }
  }
  function show(id) {
    for (const v of views) {
      const on = v.id === id;
      v.tab.setAttribute('aria-selected', String(on));
      v.tab.classList.toggle('active', on);
      v.tab.tabIndex = on ? 0 : -1;
      v.box.hidden = !on;
      if (v.layer) { if (on) v.layer.addTo(ctx.map); else v.layer.remove(); }
    }
    // The planner's own layers stay off while an analysis is on the map.
    for (const l of ctx.routeLayers) { if (id === 'route') l.addTo(ctx.map); else l.remove(); }
    const cur = views.find((v) => v.id === id);
    setMapLegend(ctx.map, null);
    if (cur.api?.shown) cur.api.shown();
    document.body.dataset.view = id;
  }
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern); Tab leaves.
  bar.addEventListener('keydown', (e) => {
    const i = views.findIndex((v) => v.tab === document.activeElement);
    if (i < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const n = views[(i + (e.key === 'ArrowRight' ? 1 : views.length - 1)) % views.length];
    n.tab.focus();
    show(n.id);
    e.preventDefault();
  });
  show('route');
  // A language change redraws the answers the views show (their static
  // labels follow data-i18n like the rest of the page).
  const relabel = () => { for (const v of views) v.api?.relabel?.(); };
  return { show, relabel };
}
