// analysis.js - the Analysis view: the freight assignment of the base year
// or a scenario (from data/scenarios/ or written in the page) as line
// widths by flow and colours by utilisation, saturated crossings marked,
// the difference map against the base in TEU/year, the corridor totals as
// a chart, and the critical-links ranking whose entries show on the map.
// Data from /v1/assign, /v1/assign/compare and /v1/assign/critical.  All
// it writes is in the map's language; relabel() redraws a shown answer
// when the language changes, without asking the server again.
import L from 'leaflet';
import { t } from './i18n.js';
import { h, tx, num, downloads, fetchJson, fetchText, geojsonToCsv, setMapLegend, status } from './views.js';

// Utilisation colour scale (flow / capacity): a diverging ramp from an
// idle blue through yellow to red at saturation and dark red beyond.
export const UTIL_STOPS = [[0, '#2c7bb6'], [0.5, '#7fbf7b'], [0.8, '#fdae61'], [1, '#d7191c'], [1.2, '#67000d']];
const NO_CAP = '#8c8c8c';
function lerp(a, b, t) {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16)), pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  return `#${pa.map((x, i) => Math.round(x + (pb[i] - x) * t).toString(16).padStart(2, '0')).join('')}`;
}
export function utilColour(u, hasCap) {
  if (!hasCap) return NO_CAP;
  if (u <= 0) return UTIL_STOPS[0][1];
  for (let i = 1; i < UTIL_STOPS.length; i++)
    if (u <= UTIL_STOPS[i][0]) {
      const [a, ca] = UTIL_STOPS[i - 1], [b, cb] = UTIL_STOPS[i];
      return lerp(ca, cb, (u - a) / (b - a));
    }
  return UTIL_STOPS[UTIL_STOPS.length - 1][1];
}
const width = (v, max) => (v > 0 ? 1.5 + 10 * Math.sqrt(v / max) : 0);

const BASE = '';
const CUSTOM = '\u0001custom';
const TEMPLATE = '# A scenario written here (docs/SCENARIOS.md): one edit per line.\n'
  + '# Close the Khorgos rail crossing and add capacity at Alashankou:\n'
  + 'close crossing X-KHORGOS-ALTYNKOL-RAIL\ncapacity crossing X-ALASHANKOU-DOSTYK-RAIL 2000\n';

const KIND_LABEL = { link: 'anKindLink', crossing: 'anKindCrossing', terminal: 'anKindTerminal' };

export function initAnalysis({ map, box, layer }) {
  const st = { scenarios: [], assign: null, assignGeo: null, compare: null, compareGeo: null, criticalGeo: null,
    mode: 'flows', key: null };
  const sel = h('select', { id: 'an-scenario' }, h('option', { value: BASE, ...tx('anBase') }));
  const text = h('textarea', { id: 'an-text', rows: 6, spellcheck: 'false' });
  text.value = TEMPLATE;
  const textBox = h('div', { class: 'field', hidden: true }, h('label', { for: 'an-text', ...tx('anText') }), text);
  const run = h('button', { type: 'submit', id: 'an-run', class: 'primary', ...tx('anRun') });
  const modeFlows = h('input', { type: 'radio', name: 'an-mode', value: 'flows', id: 'an-mode-flows', checked: true });
  const modeDiff = h('input', { type: 'radio', name: 'an-mode', value: 'diff', id: 'an-mode-diff', disabled: true });
  const msg = h('div', { class: 'view-status', role: 'status', id: 'an-status' });
  const totals = h('div', { id: 'an-totals', class: 'an-totals' });
  const chart = h('svg', {});
  const chartBox = h('div', { id: 'an-chart-box', hidden: true }, h('h3', tx('anChart')));
  const dlFlows = h('div', { id: 'an-dl' });
  const critBtn = h('button', { type: 'button', id: 'an-crit-run', ...tx('anCrit') });
  const critList = h('ol', { id: 'an-critical', class: 'critical' });
  const critDl = h('div', { id: 'an-crit-dl' });
  const form = h('form', { id: 'an-form', autocomplete: 'off' },
    h('div', { class: 'field' }, h('label', { for: 'an-scenario', ...tx('anScenario') }), sel), textBox,
    h('fieldset', { class: 'an-modes' }, h('legend', tx('anMapShows')),
      h('label', {}, modeFlows, h('span', tx('anFlows'))), h('label', {}, modeDiff, h('span', tx('anDiff')))),
    run);
  box.append(h('h2', tx('anTitle')), form, msg, totals, dlFlows, chartBox,
    h('h3', tx('anCritTitle')), critBtn, critList, critDl);

  const highlight = L.layerGroup().addTo(layer);
  const custom = () => sel.value === CUSTOM;
  const scen = () => (custom() ? null : sel.value || null);
  sel.addEventListener('change', () => { textBox.hidden = !custom(); });
  for (const r of [modeFlows, modeDiff]) r.addEventListener('change', () => { st.mode = r.value; draw(); });

  // GET with ?scenario=NAME, or POST the text written in the page.
  const req = (path, fmt, extra = '') => {
    const q = new URLSearchParams();
    if (scen()) q.set('scenario', scen());
    if (fmt) q.set('format', fmt);
    const qs = `${q}${extra ? `${q.toString() ? '&' : ''}${extra}` : ''}`;
    const url = `${path}${qs ? `?${qs}` : ''}`;
    return custom() ? [url, { method: 'POST', body: text.value, headers: { 'Content-Type': 'text/plain' } }] : [url];
  };
  const label = () => (custom() ? 'custom' : scen() || 'base');
  // The same name as the reader sees it (label() names downloaded files).
  const shown = () => (custom() ? t('anCustom') : scen() || t('anBaseLbl'));

  async function loadScenarios() {
    try {
      st.scenarios = (await fetchJson('/v1/scenarios')).scenarios;
      for (const s of st.scenarios) sel.append(h('option', { value: s.name, title: s.description }, `${s.name}: ${s.description.slice(0, 60)}`));
    } catch (e) { status(msg, String(e.message || e), true); }
    sel.append(h('option', { value: CUSTOM, ...tx('anWritten') }));
  }

  async function show(e) {
    e?.preventDefault();
    status(msg, t('anAssigning'));
    try {
      const withBase = Boolean(scen() || custom());
      const [a, g, c, cg] = await Promise.all([
        fetchJson(...req('/v1/assign')), fetchJson(...req('/v1/assign', 'geojson')),
        withBase ? fetchJson(...req('/v1/assign/compare')) : null,
        withBase ? fetchJson(...req('/v1/assign/compare', 'geojson')) : null]);
      Object.assign(st, { assign: a, assignGeo: g, compare: c, compareGeo: cg, key: label() });
      modeDiff.disabled = !withBase;
      if (!withBase && st.mode === 'diff') { st.mode = 'flows'; modeFlows.checked = true; }
      if (withBase && e) { st.mode = 'diff'; modeDiff.checked = true; }
      showStatus();
      renderTotals();
      renderChart();
      draw();
      document.body.dataset.analysis = `${st.mode}:${label()}`;
    } catch (err) { status(msg, String(err.message || err), true); }
  }
  form.addEventListener('submit', show);
  function showStatus() {
    const teu = num(st.assign.totals.teu_per_year);
    status(msg, label() === 'base' ? t('anStatusBase', teu) : t('anStatusScen', shown(), teu));
  }

  function renderTotals() {
    const a = st.assign.totals, c = st.compare;
    const row = (name, v, unit, ch) => h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, `${num(v)} ${unit}`),
      c ? h('td', { class: ch > 0 ? 'up' : ch < 0 ? 'down' : '' }, `${ch > 0 ? '+' : ''}${num(ch)}`) : null);
    totals.replaceChildren(h('table', { class: 'an-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, shown()), c ? h('th', { scope: 'col' }, t('anChange')) : null)),
      h('tbody', {},
        row(t('anRowCost'), a.cost_usd, t('anUsdYear'), c?.change.cost_usd), row(t('anRowTime'), a.teu_hours, t('anTeuHours'), c?.change.teu_hours),
        row('CO2e', a.co2e_kg / 1000, t('anTYear'), c ? c.change.co2e_kg / 1000 : 0))));
    dlFlows.replaceChildren(downloads('Map', async () => (st.mode === 'diff'
      ? [`compare-${label()}.csv`, await fetchText(...req('/v1/assign/compare', 'csv')), 'text/csv']
      : [`assignment-${label()}.csv`, geojsonToCsv(st.assignGeo), 'text/csv']),
    async () => (st.mode === 'diff'
      ? [`compare-${label()}.geojson`, JSON.stringify(st.compareGeo), 'application/geo+json']
      : [`assignment-${label()}.geojson`, JSON.stringify(st.assignGeo), 'application/geo+json'])));
  }

  // Grouped horizontal bars: base and scenario TEU/year per crossing.
  function renderChart() {
    const c = st.compare;
    chartBox.hidden = !c;
    if (!c) return;
    const rows = [...c.corridors].sort((x, y) => Math.max(y.base_teu, y.scenario_teu) - Math.max(x.base_teu, x.scenario_teu)).slice(0, 12);
    const max = Math.max(1, ...rows.map((r) => Math.max(r.base_teu, r.scenario_teu)));
    const W = 320, rowH = 26, left = 120, H = rows.length * rowH + 34;
    const NS = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.setAttribute('id', 'an-chart');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', t('anChartAria', shown()));
    const add = (tag, attrs, txt) => {
      const e = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (txt !== undefined) e.textContent = txt;
      svg.append(e);
      return e;
    };
    rows.forEach((r, i) => {
      const y = 6 + i * rowH;
      add('text', { x: left - 4, y: y + 14, 'text-anchor': 'end', class: 'chart-label' }, (r.name || r.crossing).slice(0, 20));
      const wb = ((W - left - 50) * r.base_teu) / max, ws = ((W - left - 50) * r.scenario_teu) / max;
      add('rect', { x: left, y, width: Math.max(wb, 0.5), height: 9, class: 'bar-base' });
      add('rect', { x: left, y: y + 10, width: Math.max(ws, 0.5), height: 9, class: 'bar-scen' });
      add('text', { x: left + Math.max(wb, ws) + 3, y: y + 14, class: 'chart-value' }, `${r.change_teu > 0 ? '+' : ''}${num(r.change_teu)}`);
    });
    const ly = rows.length * rowH + 16;
    add('rect', { x: left, y: ly, width: 10, height: 9, class: 'bar-base' });
    add('text', { x: left + 14, y: ly + 8, class: 'chart-label' }, t('anBaseLbl'));
    add('rect', { x: left + 60, y: ly, width: 10, height: 9, class: 'bar-scen' });
    add('text', { x: left + 74, y: ly + 8, class: 'chart-label' }, t('anChartScen', shown()));
    chartBox.replaceChildren(chartBox.firstChild, svg);
  }

  function utilLegend() {
    const grad = `linear-gradient(90deg, ${UTIL_STOPS.map(([u, c]) => `${c} ${(u / 1.2) * 100}%`).join(', ')})`;
    return h('div', {},
      h('strong', {}, t('anUtil')),
      h('div', { class: 'scale', style: `background: ${grad}` }),
      h('div', { class: 'scale-ticks' }, h('span', {}, '0%'), h('span', {}, '40%'), h('span', {}, '80%'), h('span', {}, '≥120%')),
      h('div', {}, h('i', { class: 'swatch', style: `background:${NO_CAP}` }), t('anNoCap')),
      h('div', {}, h('span', { class: 'mk-sat legend-sat' }, '!'), ` ${t('anSat')}`),
      h('strong', {}, t('anWidthFlow')),
      widthSamples(st.maxFlow));
  }
  function widthSamples(max) {
    const vals = [max / 10, max / 2, max].map((v) => Number(v.toPrecision(1)));
    return h('div', { class: 'widths' }, ...vals.map((v) => h('div', {},
      h('i', { class: 'wline', style: `height:${Math.max(1, width(v, max)).toFixed(1)}px` }), ` ${num(v)}`)));
  }
  function diffLegend() {
    return h('div', {}, h('strong', {}, t('anDiffTitle', shown())),
      h('div', {}, h('i', { class: 'swatch', style: 'background:#1a9641' }), t('anGained')),
      h('div', {}, h('i', { class: 'swatch', style: 'background:#c2185b' }), t('anLost')),
      h('div', {}, h('i', { class: 'swatch', style: 'background:#b0b0b0' }), t('anUnchanged')),
      h('strong', {}, t('anWidthChange')), widthSamples(st.maxFlow));
  }

  function draw() {
    layer.clearLayers();
    highlight.clearLayers();
    highlight.addTo(layer);
    if (!st.assignGeo) return;
    const diff = st.mode === 'diff' && st.compareGeo;
    const fc = diff ? st.compareGeo : st.assignGeo;
    const flowOf = (p) => (diff ? Math.abs(p.change_teu) : (p.flow_teu_forward || 0) + (p.flow_teu_backward || 0));
    const lines = fc.features.filter((f) => f.geometry.type === 'LineString');
    st.maxFlow = Math.max(1, ...lines.map((f) => flowOf(f.properties)));
    for (const f of lines) {
      const p = f.properties, v = flowOf(p);
      let colour, w;
      if (diff) {
        colour = p.change_teu > 0.5 ? '#1a9641' : p.change_teu < -0.5 ? '#c2185b' : '#b0b0b0';
        w = Math.abs(p.change_teu) > 0.5 ? width(v, st.maxFlow) : 1.5;
      } else {
        colour = utilColour(p.utilisation, p.capacity_teu_per_year > 0);
        w = width(v, st.maxFlow);
      }
      const tip = diff
        ? `${p.id}: ${t('anTipChange', num(p.base_teu), num(p.scenario_teu))} (${p.change_teu > 0 ? '+' : ''}${num(p.change_teu)})`
        : `${p.id}: ${num(v)} ${t('anTeuYear')}, ${p.capacity_teu_per_year > 0 ? t('anTipUtil', num(100 * p.utilisation)) : t('anNoCap')}`;
      L.geoJSON(f, { style: { color: colour, weight: w, opacity: 0.9, lineCap: 'round', className: `an-link${diff ? ' an-diff' : ''}` } })
        .bindTooltip(tip).addTo(layer);
    }
    for (const f of fc.features.filter((x) => x.geometry.type === 'Point')) {
      const p = f.properties;
      const [lon, lat] = f.geometry.coordinates;
      const util = diff ? p.scenario_utilisation : p.utilisation;
      const sat = util >= 1;
      const tip = `${p.name || p.crossing || p.id}: ${diff ? t('anTipChange', num(p.base_teu), num(p.scenario_teu)) : `${num(p.flow_teu)} ${t('anTeuYear')}`}${util > 0 ? `, ${t('anTipUtil', num(100 * util))}` : ''}`;
      if (sat)
        L.marker([lat, lon], { icon: L.divIcon({ className: 'mk-sat sat-crossing', html: '!', iconSize: [20, 20] }), keyboard: false, title: tip })
          .bindTooltip(tip).addTo(layer);
      else
        L.circleMarker([lat, lon], { radius: 4, color: '#222', weight: 1, fillColor: '#fff', fillOpacity: 1, className: 'an-crossing' })
          .bindTooltip(tip).addTo(layer);
    }
    if (!box.hidden) setMapLegend(map, diff ? diffLegend() : utilLegend());
    document.body.dataset.analysis = `${st.mode}:${label()}`;
  }

  // ---- critical links
  async function ranking() {
    critList.replaceChildren(h('li', { class: 'empty' }, t('anCritWorking')));
    try {
      // One computation: the GeoJSON carries every entry of the ranking in
      // its features' properties, and the CSV is made from them.
      const g = await fetchJson(...req('/v1/assign/critical', 'geojson', 'top=15'));
      st.criticalGeo = g;
      renderRanking();
      critDl.replaceChildren(downloads('Critical links',
        async () => [`critical-${label()}.csv`, geojsonToCsv(g), 'text/csv'],
        async () => [`critical-${label()}.geojson`, JSON.stringify(g), 'application/geo+json']));
    } catch (e) {
      critList.replaceChildren(h('li', { class: 'error' }, String(e.message || e)));
    }
  }
  function renderRanking() {
    const ranking = st.criticalGeo.features.map((f) => f.properties);
    const active = Number(document.body.dataset.critical);
    critList.replaceChildren(...ranking.map((r) => h('li', {},
      h('button', { type: 'button', class: `crit-item${r.rank === active ? ' active' : ''}`, 'data-rank': r.rank, onclick: () => focusCritical(r.rank) },
        h('span', { class: 'crit-id' }, `${t(KIND_LABEL[r.kind] || r.kind)} ${r.id}`),
        h('small', {}, r.isolates ? t('anIsolates')
          : `${t('anCritDelta', num(r.delta_generalized_cost_h), num(r.delta_cost_usd))}${r.notional_capacity ? ` ${t('anNotional')}` : ''}`)))));
  }
  function focusCritical(rank) {
    highlight.clearLayers();
    const f = st.criticalGeo?.features.find((x) => x.properties.rank === rank);
    if (!f) return;
    const g = L.geoJSON(f, {
      style: { color: '#111', weight: 9, opacity: 0.85, className: 'crit-highlight' },
      pointToLayer: (_, ll) => L.circleMarker(ll, { radius: 11, color: '#111', weight: 4, fillOpacity: 0, className: 'crit-highlight' }),
    }).bindTooltip(`#${rank} ${f.properties.id}`, { permanent: true }).addTo(highlight);
    map.fitBounds(g.getBounds().pad(1.5), { maxZoom: 7 });
    for (const b of critList.querySelectorAll('button')) b.classList.toggle('active', Number(b.dataset.rank) === rank);
    document.body.dataset.critical = String(rank);
  }
  critBtn.addEventListener('click', ranking);

  let loaded = false;
  return {
    async shown() {
      if (!loaded) {
        loaded = true;
        await loadScenarios();
        await show(null);
      } else draw();
    },
    relabel() {
      if (st.assign) {
        showStatus();
        renderTotals();
        renderChart();
        draw();
      }
      if (st.criticalGeo) renderRanking();
    },
  };
}
