// Plain SVG charts (no library): a line chart over time buckets and a horizontal bar chart of counts.
const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

// points: [{x: ms, y: number|null}]; null values leave a gap. opts: {title, min, max, format, testid}
export function lineChart(points, opts = {}) {
  const W = 420;
  const H = 180;
  const L = 44;
  const R = 10;
  const T = 24;
  const B = 26;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': opts.title || 'chart' });
  if (opts.testid) svg.setAttribute('data-testid', opts.testid);
  svg.append(s('text', { x: L, y: 15, class: 'chart-title' }, opts.title || ''));
  const ys = points.map((p) => p.y).filter((y) => y !== null && y !== undefined);
  let min = opts.min ?? Math.min(0, ...ys);
  let max = opts.max ?? niceMax(Math.max(1, ...ys));
  if (max === min) max = min + 1;
  const n = points.length;
  const x = (i) => L + (n <= 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1));
  const y = (v) => T + ((max - v) * (H - T - B)) / (max - min);
  const fmt = opts.format || ((v) => String(Math.round(v * 100) / 100));
  for (let k = 0; k <= 4; k++) {
    const v = min + ((max - min) * k) / 4;
    svg.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
    svg.append(s('text', { x: L - 4, y: y(v) + 3, class: 'axis', 'text-anchor': 'end' }, fmt(v)));
  }
  const labelEvery = Math.max(1, Math.ceil(n / 6));
  points.forEach((p, i) => {
    if (i % labelEvery === 0) {
      const d = new Date(p.x);
      svg.append(s('text', { x: x(i), y: H - 8, class: 'axis', 'text-anchor': 'middle' }, `${d.getMonth() + 1}/${d.getDate()}`));
    }
  });
  let seg = [];
  const flush = () => {
    if (seg.length > 1) svg.append(s('polyline', { points: seg.join(' '), class: 'line' }));
    seg = [];
  };
  points.forEach((p, i) => {
    if (p.y === null || p.y === undefined) return flush();
    seg.push(`${x(i).toFixed(1)},${y(p.y).toFixed(1)}`);
    const dot = s('circle', { cx: x(i), cy: y(p.y), r: 2.5, class: 'dot' });
    dot.append(s('title', {}, `${new Date(p.x).toLocaleDateString()}: ${fmt(p.y)}`));
    svg.append(dot);
  });
  flush();
  if (!ys.length) svg.append(s('text', { x: W / 2, y: H / 2, class: 'axis', 'text-anchor': 'middle' }, 'no data in this period'));
  return svg;
}

// counts: {label: number}
export function barChart(counts, opts = {}) {
  const entries = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]).slice(0, 8);
  const W = 420;
  const row = 22;
  const T = 24;
  const H = T + Math.max(1, entries.length) * row + 6;
  const L = 120;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': opts.title || 'chart' });
  if (opts.testid) svg.setAttribute('data-testid', opts.testid);
  svg.append(s('text', { x: 4, y: 15, class: 'chart-title' }, opts.title || ''));
  const max = Math.max(1, ...entries.map((e) => e[1]));
  entries.forEach(([label, v], i) => {
    const y0 = T + i * row;
    svg.append(s('text', { x: L - 6, y: y0 + 14, class: 'axis', 'text-anchor': 'end' }, label.length > 18 ? `${label.slice(0, 17)}…` : label));
    const w = ((W - L - 40) * v) / max;
    svg.append(s('rect', { x: L, y: y0 + 3, width: Math.max(1, w), height: row - 8, class: 'bar' }));
    svg.append(s('text', { x: L + w + 4, y: y0 + 14, class: 'axis' }, String(v)));
  });
  if (!entries.length) svg.append(s('text', { x: W / 2, y: T + 14, class: 'axis', 'text-anchor': 'middle' }, 'no tickets in this period'));
  return svg;
}
