// Devices (protocol 14.5): the list with health, and one device's health timeline (hand-written SVG: diagnostics
// per bucket stacked by level, one heartbeat metric as a line with its min..max band, rule firings and tickets
// as markers) with its diagnostics below.
import { enc, get, query } from './api.js';
import { clear, fmtTime, h, toast } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const LEVELS = [
  ['fatal', '#7f1d1d'],
  ['error', '#dc2626'],
  ['warning', '#f59e0b'],
  ['info', '#3b82f6'],
  ['debug', '#9ca3af'],
  ['other', '#cbd5e1'],
];

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function label(ms, bucket) {
  const d = new Date(ms);
  return bucket >= 86400000 ? `${d.getMonth() + 1}/${d.getDate()}` : `${String(d.getHours()).padStart(2, '0')}:00`;
}

// tl: GET /v1/agent/devices/{id}/timeline; metric: the metric name to draw (or '').
export function timelineChart(tl, metric) {
  const W = 860;
  const H = 260;
  const L = 44;
  const R = 44;
  const T = 24;
  const B = 30;
  const n = tl.buckets.length;
  const bw = (W - L - R) / Math.max(1, n);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart timeline', role: 'img', 'data-testid': 'timeline-svg',
    'aria-label': 'device health timeline' });
  svg.append(s('text', { x: L, y: 15, class: 'chart-title' }, `Diagnostics per ${tl.bucket >= 86400000 ? 'day' : 'hour'}`));
  const maxCount = Math.max(1, ...tl.buckets.map((b) => b.total));
  const y = (v) => T + ((maxCount - v) * (H - T - B)) / maxCount;
  for (let k = 0; k <= 4; k++) {
    const v = (maxCount * k) / 4;
    svg.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: L - 4, y: y(v) + 3, class: 'axis', 'text-anchor': 'end' }, String(Math.round(v))));
  }
  tl.buckets.forEach((b, i) => {
    let acc = 0;
    for (const [lvl, color] of LEVELS) {
      const c = b.levels[lvl] || 0;
      if (!c) continue;
      const rect = s('rect', { x: L + i * bw + 1, y: y(acc + c), width: Math.max(1, bw - 2), height: y(acc) - y(acc + c),
        fill: color, 'data-level': lvl });
      rect.append(s('title', {}, `${fmtTime(b.from)}: ${c} ${lvl}`));
      svg.append(rect);
      acc += c;
    }
    if (i % Math.max(1, Math.ceil(n / 12)) === 0) {
      svg.append(s('text', { x: L + i * bw + bw / 2, y: H - 10, class: 'axis', 'text-anchor': 'middle' }, label(b.from, tl.bucket)));
    }
  });
  const series = metric && tl.metrics[metric];
  if (series) {
    const vals = series.points.flatMap((p) => (p ? [p.min ?? p.sum, p.max ?? p.sum, p.last ?? p.sum] : []));
    const lo = Math.min(0, ...vals);
    const hi = Math.max(1, ...vals);
    const my = (v) => T + ((hi - v) * (H - T - B)) / (hi - lo || 1);
    let seg = [];
    const flush = () => {
      if (seg.length > 1) svg.append(s('polyline', { points: seg.join(' '), class: 'metric-line' }));
      seg = [];
    };
    series.points.forEach((p, i) => {
      const cx = L + i * bw + bw / 2;
      if (!p) return flush();
      const v = series.type === 'counter' ? p.sum : p.last;
      if (series.type !== 'counter') {
        svg.append(s('line', { x1: cx, x2: cx, y1: my(p.min), y2: my(p.max), class: 'metric-band' }));
      }
      seg.push(`${cx.toFixed(1)},${my(v).toFixed(1)}`);
      const dot = s('circle', { cx, cy: my(v), r: 2.5, class: 'metric-dot' });
      dot.append(s('title', {}, `${metric} ${fmtTime(tl.buckets[i].from)}: ${v}`));
      svg.append(dot);
    });
    flush();
    svg.append(s('text', { x: W - R + 4, y: T + 4, class: 'axis' }, String(Math.round(hi * 100) / 100)));
    svg.append(s('text', { x: W - R + 4, y: H - B, class: 'axis' }, String(Math.round(lo * 100) / 100)));
  }
  const xOf = (ts) => L + ((ts - tl.from) / (tl.to - tl.from)) * (W - L - R);
  for (const f of tl.rule_firings) {
    const m = s('path', { d: `M${xOf(f.ts)},${T - 2} l-4,-7 h8 z`, class: `marker firing-${f.source}`, 'data-testid': 'firing-marker' });
    m.append(s('title', {}, `${fmtTime(f.ts)} rule ${f.rule_id} (${f.source}${f.action ? `: ${f.action}` : ''})`));
    svg.append(m);
  }
  for (const t of tl.tickets) {
    const m = s('rect', { x: xOf(t.created_at) - 3, y: H - B + 2, width: 6, height: 6, class: 'marker ticket-marker' });
    m.append(s('title', {}, `${fmtTime(t.created_at)} ticket: ${t.subject}${t.proactive ? ' (proactive)' : ''}`));
    svg.append(m);
  }
  return svg;
}

function renderList(page) {
  const rows = h('tbody');
  const search = h('input', { type: 'search', placeholder: 'device id or attribute', 'data-testid': 'device-search' });
  const health = h('select', {}, ['', 'error', 'warning', 'ok', 'stale', 'unknown'].map((v) => h('option', { value: v, text: v || 'any health' })));
  async function load() {
    const res = await get(`/v1/agent/devices${query({ q: search.value.trim(), health: health.value, limit: 100 })}`);
    clear(rows);
    for (const d of res.items) {
      const a = d.attributes || {};
      rows.append(
        h('tr', { 'data-testid': 'device-row' },
          h('td', {}, h('a', { href: `#/devices/${enc(d.device_id)}`, text: d.device_id })),
          h('td', {}, h('span', { class: `health health-${d.health}`, text: d.health })),
          h('td', { text: a.model || '' }),
          h('td', { text: a.firmware_version || '' }),
          h('td', { text: a.app_version || '' }),
          h('td', { text: d.user || '' }),
          h('td', { text: fmtTime(d.last_seen) })));
    }
    if (!res.items.length) rows.append(h('tr', {}, h('td', { colspan: 7, class: 'muted', text: 'No devices.' })));
  }
  search.addEventListener('change', () => load().catch((e) => toast(e.message, true)));
  health.addEventListener('change', () => load().catch((e) => toast(e.message, true)));
  page.append(
    h('h1', { text: 'Devices' }),
    h('div', { class: 'filters' }, search, health),
    h('table', { class: 'list', 'data-testid': 'device-list' },
      h('thead', {}, h('tr', {}, ['Device', 'Health', 'Model', 'Firmware', 'App', 'User', 'Last seen'].map((t) => h('th', { text: t })))),
      rows));
  load().catch((e) => toast(e.message, true));
}

function renderDevice(page, id) {
  const summary = h('div', { class: 'panel', 'data-testid': 'device-summary' });
  const chartBox = h('div', { 'data-testid': 'timeline' });
  const metricSel = h('select', { 'data-testid': 'timeline-metric' });
  const bucketSel = h('select', {}, ['hour', 'day'].map((v) => h('option', { value: v, text: `per ${v}` })));
  const kindSel = h('select', {}, ['', 'event', 'metric', 'snapshot', 'breadcrumb', 'log'].map((v) => h('option', { value: v, text: v || 'all kinds' })));
  const diagRows = h('tbody');
  let tl = null;
  const draw = () => tl && clear(chartBox).append(timelineChart(tl, metricSel.value));

  async function loadTimeline() {
    tl = await get(`/v1/agent/devices/${enc(id)}/timeline${query({ bucket: bucketSel.value })}`);
    const keep = metricSel.value;
    clear(metricSel).append(h('option', { value: '', text: 'no metric' }), Object.keys(tl.metrics).map((m) => h('option', { value: m, text: m })));
    metricSel.value = keep && tl.metrics[keep] ? keep : Object.keys(tl.metrics)[0] || '';
    draw();
  }
  async function loadDiagnostics() {
    const res = await get(`/v1/agent/devices/${enc(id)}/diagnostics${query({ kind: kindSel.value, limit: 100 })}`);
    clear(diagRows);
    for (const d of res.items) {
      diagRows.append(h('tr', { 'data-testid': 'device-diagnostic' },
        h('td', { text: fmtTime(d.ts) }), h('td', { text: d.kind }), h('td', { text: d.name }),
        h('td', {}, d.level ? h('span', { class: `level level-${d.level}`, text: d.level }) : ''),
        h('td', { text: d.message || (d.value ?? '') }),
        h('td', {}, d.attributes ? h('details', {}, h('summary', { text: 'attributes' }), h('pre', { text: JSON.stringify(d.attributes, null, 2) })) : '')));
    }
    if (!res.items.length) diagRows.append(h('tr', {}, h('td', { colspan: 6, class: 'muted', text: 'No diagnostics.' })));
  }
  async function loadSummary() {
    const d = await get(`/v1/agent/devices/${enc(id)}`);
    const a = d.attributes || {};
    clear(summary).append(
      h('p', {}, 'Health: ', h('span', { class: `health health-${d.health}`, 'data-testid': 'device-health', text: d.health }),
        ` · last seen ${fmtTime(d.last_seen) || 'never'}${d.user ? ` · user ${d.user}` : ''}`),
      h('p', { class: 'muted', text: Object.entries(a).filter(([, v]) => typeof v === 'string').map(([k, v]) => `${k}: ${v}`).join(' · ') }));
  }
  metricSel.addEventListener('change', draw);
  bucketSel.addEventListener('change', () => loadTimeline().catch((e) => toast(e.message, true)));
  kindSel.addEventListener('change', () => loadDiagnostics().catch((e) => toast(e.message, true)));
  page.append(
    h('p', {}, h('a', { href: '#/devices', text: '← Devices' })),
    h('h1', { text: `Device ${id}` }),
    summary,
    h('div', { class: 'filters' }, bucketSel, metricSel),
    chartBox,
    h('p', { class: 'muted', text: 'Bars: diagnostics by level. Line: the chosen heartbeat metric (band = min..max). ▼ rule firings (device/server), ■ tickets.' }),
    h('h2', { text: 'Diagnostics' }),
    h('div', { class: 'filters' }, kindSel),
    h('table', { class: 'list' }, h('thead', {}, h('tr', {}, ['Time', 'Kind', 'Name', 'Level', 'Message / value', ''].map((t) => h('th', { text: t })))), diagRows));
  Promise.all([loadSummary(), loadTimeline(), loadDiagnostics()]).catch((e) =>
    clear(summary).append(h('p', { class: 'error', text: e.status === 404 ? 'Unknown device.' : e.message })));
}

export function renderDevices(page, id) {
  if (id) renderDevice(page, id);
  else renderList(page);
  return null;
}
