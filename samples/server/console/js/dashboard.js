// Dashboard: the metrics of docs/metrics.md as numbers and SVG charts over time, CSV export, and NPS
// prompts scheduled for a segment of devices.
import { get, post, query } from './api.js';
import { clear, fmtDuration, fmtNumber, fmtTime, h, toast } from './dom.js';
import { barChart, lineChart } from './charts.js';
import { poll } from './poll.js';

const DAY = 24 * 3600 * 1000;
const settings = { days: 30, bucket: DAY };

function card(label, value, testid, sub) {
  return h(
    'div',
    { class: 'card' },
    h('div', { class: 'card-label', text: label }),
    h('div', { class: 'card-value', 'data-testid': testid, text: value }),
    sub ? h('div', { class: 'card-sub muted', text: sub }) : null,
  );
}

function pct(v) {
  return v === null || v === undefined ? '–' : `${fmtNumber(v)}%`;
}

function cards(t) {
  return h(
    'div',
    { class: 'cards', 'data-testid': 'metric-cards' },
    card('CSAT', pct(t.csat.value), 'metric-csat', `${t.csat.responses} responses`),
    card('NPS', fmtNumber(t.nps.value), 'metric-nps', `${t.nps.responses} responses`),
    card('CES', fmtNumber(t.ces.value, 2), 'metric-ces', `${t.ces.responses} responses (lower is better)`),
    card('First response', fmtDuration(t.frt_ms.value), 'metric-frt', `${t.frt_ms.tickets} tickets`),
    card('Resolution time', fmtDuration(t.art_ms.value), 'metric-art', `${t.art_ms.tickets} solved`),
    card('FCR', pct(t.fcr.value), 'metric-fcr', `${t.fcr.first_contact} of ${t.fcr.solved} solved`),
    card('Backlog', String(t.backlog), 'metric-backlog', 'open + pending now'),
    card('Tickets created', String(t.tickets_created), 'metric-tickets'),
    card('Deflection', pct(t.deflection.value), 'metric-deflection', `${t.deflection.shown} suggestions shown`),
    card('Solved without agent', pct(t.bot_resolved.value), 'metric-bot', `${t.bot_resolved.without_agent} tickets`),
  );
}

function charts(series) {
  const pts = (fn) => series.map((b) => ({ x: b.from, y: fn(b) }));
  const hours = (v) => (v === null ? null : v / 3600000);
  return h(
    'div',
    { class: 'charts' },
    lineChart(pts((b) => b.csat.value), { title: 'CSAT %', min: 0, max: 100, testid: 'chart-csat' }),
    lineChart(pts((b) => b.nps.value), { title: 'NPS', min: -100, max: 100, testid: 'chart-nps' }),
    lineChart(pts((b) => b.tickets_created), { title: 'Tickets created', testid: 'chart-tickets' }),
    lineChart(pts((b) => b.backlog), { title: 'Backlog (end of period)', testid: 'chart-backlog' }),
    lineChart(pts((b) => hours(b.frt_ms.value)), { title: 'First response (hours)', testid: 'chart-frt' }),
    lineChart(pts((b) => hours(b.art_ms.value)), { title: 'Resolution time (hours)', testid: 'chart-art' }),
  );
}

function breakdowns(t) {
  return h(
    'div',
    { class: 'charts' },
    barChart(t.tickets_by_channel, { title: 'Tickets by channel', testid: 'chart-channel' }),
    barChart(t.tickets_by_app_version, { title: 'Tickets by app version', testid: 'chart-app-version' }),
    barChart(t.tickets_by_device_model, { title: 'Tickets by device model', testid: 'chart-model' }),
  );
}

function npsScheduler() {
  const target = h('textarea', { rows: 3, placeholder: '{"app_version": {"min": "1.4"}}  — empty = every device', 'data-testid': 'nps-target' });
  const list = h('ul', { class: 'prompts', 'data-testid': 'nps-prompts' });
  async function load() {
    const res = await get('/v1/agent/survey-prompts');
    clear(list);
    for (const p of res.items.filter((x) => x.reason === 'scheduled'))
      list.append(h('li', {}, `${fmtTime(p.created_at)} — ${p.kind.toUpperCase()} to ${p.devices} device(s), target ${JSON.stringify(p.target)}`));
  }
  async function schedule(e) {
    e.preventDefault();
    let t = {};
    if (target.value.trim()) {
      try {
        t = JSON.parse(target.value);
      } catch {
        toast('Target must be a JSON object', true);
        return;
      }
    }
    try {
      const p = await post('/v1/agent/survey-prompts', { kind: 'nps', target: t });
      toast(`NPS prompt sent to ${p.devices} device(s)`);
      load();
    } catch (err) {
      toast(`Scheduling failed: ${err.message}`, true);
    }
  }
  load().catch(() => {});
  return h(
    'section',
    { class: 'panel' },
    h('h2', { text: 'Ask for NPS' }),
    h('p', { class: 'muted', text: 'Devices whose attributes match the target (same rules as notices) get an NPS prompt; the SDK never asks a user twice within its period.' }),
    h('form', { onsubmit: schedule }, target, h('button', { type: 'submit', 'data-testid': 'nps-schedule', text: 'Send NPS prompt' })),
    list,
  );
}

export function renderDashboard(page) {
  const range = h(
    'select',
    { 'data-testid': 'range' },
    [7, 30, 90, 365].map((d) => h('option', { value: d, text: `last ${d} days` })),
  );
  range.value = String(settings.days);
  const bucket = h(
    'select',
    { 'data-testid': 'bucket' },
    h('option', { value: 3600000, text: 'hourly' }),
    h('option', { value: DAY, text: 'daily' }),
    h('option', { value: 7 * DAY, text: 'weekly' }),
  );
  bucket.value = String(settings.bucket);
  const csv = h('a', { class: 'button secondary', 'data-testid': 'csv-export', download: 'helpline-metrics.csv', text: 'Export CSV' });
  const body = h('div', { 'data-testid': 'dashboard' });
  let lastJson = '';

  function timeWindow() {
    const to = Date.now();
    let b = settings.bucket;
    const from = to - settings.days * DAY;
    if ((to - from) / b > 500) b = 7 * DAY;  // the server caps a series at 500 buckets
    return { from, to, bucket: b };
  }

  async function load() {
    const w = timeWindow();
    csv.href = `/v1/agent/metrics.csv${query(w)}`;
    const m = await get(`/v1/agent/metrics${query(w)}`);
    const json = JSON.stringify({ t: m.totals, s: m.series.map((b) => ({ ...b, from: 0, to: 0 })) });
    if (json === lastJson) return;
    lastJson = json;
    clear(body).append(cards(m.totals), charts(m.series), breakdowns(m.totals));
  }
  for (const sel of [range, bucket]) {
    sel.addEventListener('change', () => {
      settings.days = Number(range.value);
      settings.bucket = Number(bucket.value);
      lastJson = '';
      load();
    });
  }
  page.append(
    h('div', { class: 'row spread' }, h('h1', { text: 'Dashboard' }), h('div', { class: 'row' }, range, bucket, csv)),
    body,
    npsScheduler(),
  );
  load();
  return poll(load, 10000);
}
