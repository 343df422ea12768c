// pipelines.js - the web map's pipelines layer: the gas and oil pipeline
// systems of /v1/pipelines?format=geojson drawn with line width by modelled
// flow and colour by utilisation (binding segments red, planned or unused
// ones grey and dashed), with a small control to switch the layer on and to
// pick the network's year (today or 2030, when line D is assumed open).
// Parallel strings (lines A, B, C) between the same two nodes are drawn
// side by side so each can be read.
const LABELS = {
  en: { pipelines: 'Pipelines', today: 'today', util: 'utilisation', flow: 'flow', cap: 'capacity', binds: 'binds',
    planned: 'not in service', line: 'line' },
  zh: { pipelines: '管道', today: '当前', util: '利用率', flow: '流量', cap: '能力', binds: '满负荷',
    planned: '未投运', line: '线' },
  ru: { pipelines: 'Трубопроводы', today: 'сейчас', util: 'загрузка', flow: 'поток', cap: 'мощность',
    binds: 'предел', planned: 'не действует', line: 'нитка' },
};

// Utilisation to colour, in hues the transport modes do not use (their
// red, orange, blue and purple): teal below half, gold up to 90%, pink
// above, deep magenta where the segment binds.  A dark casing under each
// line sets the pipelines apart from the railways and roads.
export const UTIL_STEPS = [[0.5, '#00897b', '< 50%'], [0.9, '#fbc02d', '50–90%'], [0.999, '#ec407a', '90–100%'],
  [Infinity, '#880e4f', '100%']];
export function utilColor(u) {
  if (u === null || u === undefined) return '#9e9e9e';
  for (const [lim, c] of UTIL_STEPS) if (u < lim) return c;
  return UTIL_STEPS[UTIL_STEPS.length - 1][1];
}

// Width in pixels by flow, scaled within each system (bcm and Mt differ).
export function flowWidth(flow, maxFlow) {
  if (!(flow > 0) || !(maxFlow > 0)) return 1.5;
  return 2 + 8 * Math.sqrt(flow / maxFlow);
}

export function initPipelines(map, L, getLang) {
  const lab = () => LABELS[getLang()] || LABELS.en;
  const layer = L.layerGroup();
  let year = '', on = false;
  const ctl = L.control({ position: 'topright' });
  ctl.onAdd = () => {
    const d = L.DomUtil.create('div', 'pipes-ctl');
    d.id = 'pipes-ctl';
    L.DomEvent.disableClickPropagation(d);
    render(d);
    return d;
  };
  function render(d) {
    const l = lab();
    d.innerHTML = `<label><input type="checkbox" id="pipes-on"${on ? ' checked' : ''}> ${l.pipelines}</label> ` +
      `<select id="pipes-year" aria-label="${l.year || 'Year'}"><option value="">${l.today}</option><option value="2030">2030</option></select>` +
      (on ? `<div class="pipes-key">${l.util}: ${UTIL_STEPS.map(([, c, t]) => `<i style="background:${c}"></i>${t}`).join(' ')}` +
        ` · <i class="dash"></i>${l.planned}</div>` : '');
    d.querySelector('#pipes-year').value = year;
    d.querySelector('#pipes-on').addEventListener('change', (e) => (e.target.checked ? show() : hide()));
    d.querySelector('#pipes-year').addEventListener('change', (e) => { year = e.target.value; if (on) show(); });
  }
  ctl.addTo(map);

  async function show() {
    on = true;
    const r = await fetch(`/v1/pipelines?format=geojson${year ? `&year=${year}` : ''}`);
    if (r.status !== 200) {
      document.body.dataset.pipelines = `error ${r.status}`;
      return;
    }
    const fc = await r.json();
    if (!on) return; /* switched off while loading */
    draw(fc);
    layer.addTo(map);
    render(document.getElementById('pipes-ctl'));
    document.body.dataset.pipelines = year || 'today';
  }
  function hide() {
    on = false;
    map.removeLayer(layer);
    render(document.getElementById('pipes-ctl'));
    delete document.body.dataset.pipelines;
  }

  function draw(fc) {
    layer.clearLayers();
    const segs = fc.features.filter((f) => f.geometry.type === 'LineString');
    const maxBy = new Map();
    for (const f of segs) {
      const p = f.properties;
      maxBy.set(p.system, Math.max(maxBy.get(p.system) || 0, p.flow || 0));
    }
    // Index parallel segments between the same two nodes for an offset.
    const groups = new Map();
    for (const f of segs) {
      const k = [f.properties.from, f.properties.to].sort().join('|');
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(f);
    }
    for (const g of groups.values())
      g.forEach((f, i) => {
        const p = f.properties;
        const [[x1, y1], [x2, y2]] = f.geometry.coordinates;
        const len = Math.hypot(x2 - x1, y2 - y1) || 1;
        const off = (i - (g.length - 1) / 2) * 0.09;
        const dx = (-(y2 - y1) / len) * off, dy = ((x2 - x1) / len) * off;
        const unused = !p.usable;
        const ll = [[y1 + dy, x1 + dx], [y2 + dy, x2 + dx]];
        const w = unused ? 2 : flowWidth(p.flow, maxBy.get(p.system));
        if (!unused) L.polyline(ll, { color: '#263238', weight: w + 3, opacity: 0.85, interactive: false, className: 'pipe-casing' }).addTo(layer);
        const line = L.polyline(ll, {
          color: unused ? '#9e9e9e' : utilColor(p.utilisation),
          weight: w,
          opacity: 1,
          dashArray: unused ? '6 6' : null,
          className: `pipe pipe-${p.id}${p.binding ? ' binding' : ''}`,
        });
        line.bindTooltip(() => {
          const l = lab();
          const u = p.utilisation === null || p.utilisation === undefined ? '' : ` · ${l.util} ${Math.round(100 * p.utilisation)}%`;
          return `${p.id} (${l.line} ${p.line}) · ${l.flow} ${p.flow} / ${l.cap} ${p.capacity} ${p.unit}${u}` +
            `${p.binding ? ` · ${l.binds}` : ''}${unused ? ` · ${l.planned}` : ''}`;
        });
        line.addTo(layer);
      });
    for (const f of fc.features) {
      if (f.geometry.type !== 'Point') continue;
      const [lon, lat] = f.geometry.coordinates, p = f.properties;
      L.circleMarker([lat, lon], { radius: p.kind === 'terminal' ? 5 : 3, color: '#37474f', weight: 1,
        fillColor: p.kind === 'terminal' ? '#263238' : '#eceff1', fillOpacity: 1, className: `pipe-node pipe-node-${p.id}` })
        .bindTooltip(`${p.name} (${p.id})`).addTo(layer);
    }
  }

  // Relabel on a language switch; a shared link with #pipelines=1 or
  // #pipelines=2030 opens the layer.
  const h = new URLSearchParams(location.hash.slice(1));
  if (h.get('pipelines')) {
    year = h.get('pipelines') === '2030' ? '2030' : '';
    on = true;
    render(document.getElementById('pipes-ctl'));
    show();
  }
  return { relabel: () => render(document.getElementById('pipes-ctl')) };
}
