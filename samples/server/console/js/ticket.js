// Ticket view: conversation, reply box, status change; beside the thread the device's attributes,
// diagnostics and breadcrumbs, and "request diagnostics"; the requester's data (export, and erase for admins,
// privacy.js). Messages are refreshed by polling.
import { ApiError, enc, get, patch, post, query } from './api.js';
import { clear, fmtTime, h, toast } from './dom.js';
import { poll } from './poll.js';
import { requesterDataPanel } from './privacy.js';

function messageItem(m) {
  const author = m.author.type === 'user' ? m.author.name || 'Requester' : m.author.name || m.author.type;
  return h(
    'li',
    { class: `msg msg-${m.author.type}`, 'data-testid': 'message', 'data-author': m.author.type },
    h('div', { class: 'msg-head' }, h('strong', { text: author }), ' ', h('span', { class: 'muted', text: fmtTime(m.created_at) })),
    h('div', { class: 'msg-body', text: m.body }),
    m.attachments.length
      ? h(
          'ul',
          { class: 'attachments' },
          m.attachments.map((a) =>
            h('li', {}, h('a', { href: `/v1/agent/attachments/${enc(a.id)}`, text: `${a.filename} (${a.size} B)` })),
          ),
        )
      : null,
  );
}

function kvTable(obj) {
  const rows = [];
  for (const [k, v] of Object.entries(obj || {})) {
    if (k === 'attributes' && v && typeof v === 'object') {
      for (const [ak, av] of Object.entries(v)) rows.push([ak, av]);
    } else if (k !== 'push') {
      rows.push([k, k.endsWith('_at') && typeof v === 'number' ? fmtTime(v) : typeof v === 'object' ? JSON.stringify(v) : v]);
    }
  }
  return h('table', { class: 'kv' }, rows.map(([k, v]) => h('tr', {}, h('th', { text: k }), h('td', { text: String(v ?? '') }))));
}

function diagItem(d) {
  const detail = d.message || (d.value !== null && d.value !== undefined ? String(d.value) : '');
  return h(
    'li',
    { class: 'diag', 'data-testid': `diag-${d.kind}` },
    h('span', { class: 'muted', text: fmtTime(d.ts) }),
    ' ',
    h('strong', { text: d.name }),
    d.level ? h('span', { class: `level level-${d.level}`, text: d.level }) : null,
    detail ? h('div', { text: detail }) : null,
  );
}

export function renderTicket(page, id, agent) {
  let ticket = null;
  let lastSeq = 0;
  const title = h('h1', { text: 'Ticket' });
  const meta = h('p', { class: 'muted' });
  const thread = h('ol', { class: 'thread', 'data-testid': 'thread' });
  const statusSelect = h(
    'select',
    { 'data-testid': 'status-select' },
    ['open', 'pending', 'solved', 'closed'].map((s) => h('option', { value: s, text: s })),
  );
  const statusBadge = h('span', { class: 'status', 'data-testid': 'ticket-status' });
  const replyBody = h('textarea', { rows: 4, placeholder: 'Write a reply…', 'data-testid': 'reply-body', required: true });
  const replyStatus = h(
    'select',
    { 'data-testid': 'reply-status' },
    h('option', { value: '', text: 'keep status' }),
    h('option', { value: 'pending', text: 'and set pending' }),
    h('option', { value: 'solved', text: 'and set solved' }),
  );
  const devicePanel = h('div', { 'data-testid': 'device-panel' }, h('p', { class: 'muted', text: 'Loading…' }));
  const diagList = h('ul', { class: 'diags', 'data-testid': 'diagnostics' });
  const crumbList = h('ul', { class: 'diags', 'data-testid': 'breadcrumbs' });
  const requests = h('ul', { class: 'requests', 'data-testid': 'diag-requests' });
  const privacy = requesterDataPanel(agent);

  function showTicket(t) {
    ticket = t;
    title.textContent = t.subject;
    statusBadge.textContent = t.status;
    statusBadge.className = `status status-${t.status}`;
    statusSelect.value = t.status;
    const r = t.requester;
    meta.textContent = `${r.name || r.email || `${r.type}:${r.id}`} · created ${fmtTime(t.created_at)} · ${t.id}`;
    privacy.setPrincipal(`${r.type}:${r.id}`);
  }

  async function loadMessages() {
    let cursor = lastSeq ? String(lastSeq) : '';
    for (;;) {
      const res = await get(`/v1/agent/tickets/${enc(id)}/messages${query({ cursor, limit: 100 })}`);
      for (const m of res.items) {
        thread.append(messageItem(m));
        lastSeq = Math.max(lastSeq, m.seq);
      }
      if (!res.next_cursor) break;
      cursor = res.next_cursor;
    }
  }

  // One refresh at a time: the poll and a sent reply must not both append the same new messages.
  let inFlight = null;
  function refresh() {
    if (!inFlight) {
      inFlight = (async () => {
        const t = await get(`/v1/agent/tickets/${enc(id)}`);
        if (!ticket || t.updated_at !== ticket.updated_at || t.status !== ticket.status || t.message_count > lastSeq) {
          showTicket(t);
          await loadMessages();
        }
      })().finally(() => {
        inFlight = null;
      });
    }
    return inFlight;
  }

  async function loadSide() {
    try {
      const d = await get(`/v1/agent/tickets/${enc(id)}/device`);
      clear(devicePanel).append(
        kvTable(d),
        h('p', {}, h('a', { href: `#/devices/${enc(d.device_id)}`, 'data-testid': 'device-timeline-link', text: 'Device health and timeline →' })),
      );
    } catch (e) {
      clear(devicePanel).append(h('p', { class: 'muted', text: e.status === 404 ? 'No device details reported.' : e.message }));
    }
    const diags = await get(`/v1/agent/tickets/${enc(id)}/diagnostics${query({ limit: 100 })}`);
    clear(diagList);
    clear(crumbList);
    for (const d of diags.items) (d.kind === 'breadcrumb' ? crumbList : diagList).append(diagItem(d));
    if (!diagList.firstChild) diagList.append(h('li', { class: 'muted', text: 'None.' }));
    if (!crumbList.firstChild) crumbList.append(h('li', { class: 'muted', text: 'None.' }));
    const reqs = await get(`/v1/agent/diagnostics-requests${query({ ticket_id: id })}`);
    clear(requests);
    for (const r of reqs.items)
      requests.append(h('li', { 'data-testid': 'diag-request' }, `${fmtTime(r.created_at)} — ${r.status}`));
  }

  async function sendReply(e) {
    e.preventDefault();
    const body = replyBody.value.trim();
    if (!body) return;
    const payload = { body };
    if (replyStatus.value) payload.status = replyStatus.value;
    try {
      await post(`/v1/agent/tickets/${enc(id)}/messages`, payload);
      replyBody.value = '';
      replyStatus.value = '';
      await refresh();
      toast('Reply sent');
    } catch (err) {
      toast(`Reply failed: ${err.message}`, true);
    }
  }

  async function changeStatus() {
    try {
      showTicket(await patch(`/v1/agent/tickets/${enc(id)}`, { status: statusSelect.value }));
      toast(`Status: ${statusSelect.value}`);
    } catch (err) {
      toast(`Status change failed: ${err.message}`, true);
    }
  }

  async function requestDiagnostics() {
    try {
      await post('/v1/agent/diagnostics-requests', { ticket_id: id, message: 'Please send diagnostics for this ticket.' });
      toast('Diagnostics requested from the device');
      await loadSide();
    } catch (err) {
      toast(`Request failed: ${err.message}`, true);
    }
  }

  page.append(
    h('p', {}, h('a', { href: '#/inbox', text: '← Inbox' })),
    h(
      'div',
      { class: 'ticket-layout' },
      h(
        'section',
        { class: 'conversation' },
        h('div', { class: 'ticket-head' }, title, statusBadge),
        meta,
        thread,
        h(
          'form',
          { class: 'reply', onsubmit: sendReply, 'data-testid': 'reply-form' },
          replyBody,
          h('div', { class: 'row' }, replyStatus, h('button', { type: 'submit', 'data-testid': 'reply-send', text: 'Send reply' })),
        ),
        h(
          'div',
          { class: 'row' },
          h('label', {}, 'Status ', statusSelect),
          h('button', { type: 'button', class: 'secondary', onclick: changeStatus, 'data-testid': 'status-apply', text: 'Change status' }),
        ),
      ),
      h(
        'aside',
        { class: 'side' },
        h('h2', { text: 'Device' }),
        devicePanel,
        h(
          'div',
          { class: 'row' },
          h('button', { type: 'button', class: 'secondary', onclick: requestDiagnostics, 'data-testid': 'request-diagnostics', text: 'Request diagnostics' }),
        ),
        requests,
        h('h2', { text: 'Diagnostics' }),
        diagList,
        h('h2', { text: 'Breadcrumbs' }),
        crumbList,
        privacy.el,
      ),
    ),
  );

  refresh().catch((e) => {
    if (e instanceof ApiError && e.status === 404) {
      clear(page).append(h('p', { class: 'error', text: 'No such ticket.' }), h('a', { href: '#/inbox', text: 'Back to the inbox' }));
    }
  });
  loadSide().catch(() => {});
  const stopMessages = poll(refresh, 2500);
  const stopSide = poll(loadSide, 10000);
  return () => {
    stopMessages();
    stopSide();
    privacy.cleanup();
  };
}
