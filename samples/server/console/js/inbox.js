// Inbox: the app's tickets, newest first, with filters; refreshed by polling.
import { get, query } from './api.js';
import { clear, fmtTime, h, takeFlash } from './dom.js';
import { poll } from './poll.js';

const filters = { status: '', app_version: '', model: '', has_diagnostics: '', q: '' };

function field(label, el) {
  return h('label', { class: 'filter' }, label, el);
}

function ticketRow(t) {
  const device = t.device || {};
  const who = t.requester.name || t.requester.email || `${t.requester.type}:${t.requester.id}`;
  return h(
    'tr',
    { 'data-testid': 'ticket-row', 'data-ticket-id': t.id },
    h('td', {}, h('a', { href: `#/ticket/${encodeURIComponent(t.id)}`, text: t.subject })),
    h('td', {}, h('span', { class: `status status-${t.status}`, text: t.status })),
    h('td', { text: who }),
    h('td', { text: device.model || '' }),
    h('td', { text: device.app_version || '' }),
    h('td', { class: 'num', text: String(t.message_count) }),
    h('td', { text: fmtTime(t.updated_at) }),
  );
}

export function renderInbox(page) {
  const status = h(
    'select',
    { name: 'status', 'data-testid': 'filter-status' },
    ['', 'open', 'pending', 'solved', 'closed'].map((s) => h('option', { value: s, text: s || 'any' })),
  );
  status.value = filters.status;
  const appVersion = h('input', { name: 'app_version', placeholder: 'e.g. 1.4.0', value: filters.app_version });
  const model = h('input', { name: 'model', placeholder: 'e.g. X100', value: filters.model, 'data-testid': 'filter-model' });
  const diag = h(
    'select',
    { name: 'has_diagnostics', 'data-testid': 'filter-diagnostics' },
    h('option', { value: '', text: 'any' }),
    h('option', { value: 'true', text: 'yes' }),
    h('option', { value: 'false', text: 'no' }),
  );
  diag.value = filters.has_diagnostics;
  const search = h('input', { name: 'q', placeholder: 'subject contains', value: filters.q });
  const tbody = h('tbody');
  const info = h('p', { class: 'muted' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, text: 'Load more' });
  let lastJson = '';
  let nextCursor = null;

  const params = (cursor) => query({ ...filters, cursor, limit: 50 });
  async function load() {
    const page1 = await get(`/v1/agent/tickets${params()}`);
    const json = JSON.stringify(page1);
    if (json === lastJson) return;
    lastJson = json;
    clear(tbody);
    for (const t of page1.items) tbody.append(ticketRow(t));
    nextCursor = page1.next_cursor;
    more.hidden = !nextCursor;
    info.textContent = page1.items.length ? '' : 'No tickets match these filters.';
  }
  more.addEventListener('click', async () => {
    const next = await get(`/v1/agent/tickets${params(nextCursor)}`);
    for (const t of next.items) tbody.append(ticketRow(t));
    nextCursor = next.next_cursor;
    more.hidden = !nextCursor;
  });
  const form = h(
    'form',
    {
      class: 'filters',
      'data-testid': 'inbox-filters',
      onsubmit: (e) => {
        e.preventDefault();
        Object.assign(filters, {
          status: status.value,
          app_version: appVersion.value.trim(),
          model: model.value.trim(),
          has_diagnostics: diag.value,
          q: search.value.trim(),
        });
        lastJson = '';
        load();
      },
    },
    field('Status', status),
    field('App version', appVersion),
    field('Device model', model),
    field('Has diagnostics', diag),
    field('Search', search),
    h('button', { type: 'submit', text: 'Apply' }),
  );
  for (const sel of [status, diag]) sel.addEventListener('change', () => form.requestSubmit());

  page.append(
    takeFlash() || '',
    h('h1', { text: 'Inbox' }),
    form,
    h(
      'table',
      { class: 'list', 'data-testid': 'inbox-table' },
      h(
        'thead',
        {},
        h('tr', {}, ['Subject', 'Status', 'Requester', 'Model', 'App version', 'Msgs', 'Updated'].map((c) => h('th', { text: c }))),
      ),
      tbody,
    ),
    info,
    more,
  );
  load();
  return poll(load, 3000);
}
