// Privacy requests for a ticket's requester (protocol section 14): "Export data" downloads everything stored about
// the principal ("user:<sub>" or "device:<id>") as JSON; "Erase all data…" (admins only) deletes it after the admin
// typed the principal to confirm. The admin-only privacy log lists past exports and erasures.
import { enc, get, post, query } from './api.js';
import { clear, fmtTime, h, setFlash, toast } from './dom.js';

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// Chrome and others rewrite characters such as ':' in a download name anyway; doing it here keeps the name
// the same in every browser: user:alice → helpline-export-user_alice.json.
export function exportFileName(principal) {
  return `helpline-export-${principal.replace(/[^A-Za-z0-9._@-]+/g, '_')}.json`;
}

export function exportCounts(exp) {
  const tickets = exp.tickets || [];
  const messages = tickets.reduce((n, t) => n + (t.messages ? t.messages.length : 0), 0);
  return { tickets: tickets.length, messages, devices: (exp.devices || []).length };
}

export function erasedSummary(erased) {
  const e = erased || {};
  const parts = [
    plural(e.tickets || 0, 'ticket'),
    plural(e.messages || 0, 'message'),
    plural(e.attachments || 0, 'attachment'),
    plural(e.devices || 0, 'device'),
    plural(e.diagnostics || 0, 'diagnostics item'),
    `${plural(e.surveys_anonymised || 0, 'survey')} anonymised`,
  ];
  return parts.join(', ');
}

// The "Requester data" panel of the ticket view. `agent` is GET /v1/agent/me (its role decides whether the erase
// button exists at all). Returns the element, setPrincipal() (called once the ticket is loaded) and a cleanup.
export function requesterDataPanel(agent) {
  let principal = '';
  let objectUrl = null;
  const isAdmin = Boolean(agent && agent.role === 'admin');

  const who = h('code', { 'data-testid': 'privacy-principal', text: '…' });
  const summary = h('span', { class: 'muted', 'data-testid': 'privacy-export-summary' });
  const saveLink = h('a', { hidden: true, 'data-testid': 'privacy-export-link', text: 'Save again' });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'privacy-error' });
  const exportButton = h('button', { type: 'button', class: 'secondary', disabled: true, 'data-testid': 'privacy-export', text: 'Export data' });
  exportButton.addEventListener('click', exportData);

  const confirmInput = h('input', { name: 'confirm', autocomplete: 'off', spellcheck: 'false', 'data-testid': 'erase-confirm-input' });
  const confirmButton = h('button', { type: 'submit', class: 'danger', disabled: true, 'data-testid': 'erase-confirm', text: 'Erase permanently' });
  const dialogError = h('p', { class: 'error', role: 'alert', 'data-testid': 'erase-error' });
  const dialogPrincipal = h('code', { 'data-testid': 'erase-principal' });
  const dialog = h(
    'dialog',
    { class: 'confirm', 'data-testid': 'erase-dialog' },
    h(
      'form',
      { method: 'dialog', onsubmit: eraseData },
      h('h2', { text: 'Erase all data of this requester?' }),
      h(
        'p',
        {},
        'Every ticket, message, attachment, device record and diagnostic of ',
        dialogPrincipal,
        ' is deleted; surveys are kept anonymised. This cannot be undone.',
      ),
      h('label', {}, 'Type the requester id to confirm', confirmInput),
      dialogError,
      h(
        'div',
        { class: 'row' },
        confirmButton,
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'erase-cancel', text: 'Cancel', onclick: () => dialog.close() }),
      ),
    ),
  );
  confirmInput.addEventListener('input', () => {
    confirmButton.disabled = confirmInput.value.trim() !== principal;
  });

  const eraseButton = isAdmin
    ? h('button', {
        type: 'button',
        class: 'danger',
        disabled: true,
        'data-testid': 'privacy-erase',
        text: 'Erase all data…',
        onclick: () => {
          confirmInput.value = '';
          confirmButton.disabled = true;
          dialogError.textContent = '';
          dialog.showModal();
          confirmInput.focus();
        },
      })
    : null;

  const el = h(
    'div',
    { class: 'privacy', 'data-testid': 'requester-data' },
    h('h2', { text: 'Requester data' }),
    h('p', {}, who),
    h('div', { class: 'row' }, exportButton, summary, saveLink),
    eraseButton ? h('div', { class: 'row' }, eraseButton) : null,
    error,
    eraseButton ? dialog : null,
  );

  function setPrincipal(p) {
    if (principal === p) return;
    principal = p;
    who.textContent = p;
    dialogPrincipal.textContent = p;
    confirmInput.placeholder = p;
    exportButton.disabled = !p;
    if (eraseButton) eraseButton.disabled = !p;
  }

  async function exportData() {
    error.textContent = '';
    summary.textContent = 'Exporting…';
    exportButton.disabled = true;
    try {
      const res = await get(`/v1/agent/principals/${enc(principal)}/export`);
      const exp = res.export;
      const blob = new Blob([JSON.stringify(exp, null, 2)], { type: 'application/json' });
      if (objectUrl) URL.revokeObjectURL(objectUrl);
      objectUrl = URL.createObjectURL(blob);
      saveLink.href = objectUrl;
      saveLink.download = exportFileName(principal);
      saveLink.hidden = false;
      saveLink.click();
      const c = exportCounts(exp);
      summary.textContent = `${plural(c.tickets, 'ticket')}, ${plural(c.messages, 'message')}`;
      summary.dataset.tickets = String(c.tickets);
      summary.dataset.messages = String(c.messages);
      toast(`Exported the data of ${principal}`);
    } catch (err) {
      summary.textContent = '';
      error.textContent = err.status === 404 ? `Nothing is stored for ${principal}.` : `Export failed: ${err.message}`;
      toast(`Export failed: ${err.message}`, true);
    } finally {
      exportButton.disabled = !principal;
    }
  }

  async function eraseData(e) {
    e.preventDefault();
    if (confirmInput.value.trim() !== principal) return;
    dialogError.textContent = '';
    confirmButton.disabled = true;
    try {
      const res = await post(`/v1/agent/principals/${enc(principal)}/erase`);
      dialog.close();
      const text = `Erased the data of ${principal}: ${erasedSummary(res && res.erased)}.`;
      setFlash(text, 'erase-result');
      toast(text);
      location.hash = '#/inbox';
    } catch (err) {
      dialogError.textContent = err.status === 403 ? 'Only admins can erase requester data.' : `Erase failed: ${err.message}`;
      confirmButton.disabled = false;
    }
  }

  function cleanup() {
    if (dialog.open) dialog.close();
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = null;
  }

  return { el, setPrincipal, cleanup };
}

// Admin-only "Privacy log": GET /v1/agent/erasures (exports and erasures, by agents and by users themselves). Renders into `container`; returns a reload function.
export function renderErasureLog(container) {
  const rows = h('tbody');
  const info = h('p', { class: 'muted' });
  let agents = null; // "agent:<id>" → "name <email>" (GET /v1/agent/agents, admins only like this log)
  function who(requestedBy) {
    return (agents && agents.get(requestedBy)) || requestedBy || '';
  }
  async function load() {
    try {
      if (!agents) {
        agents = new Map();
        try {
          for (const a of (await get('/v1/agent/agents')).items) agents.set(`agent:${a.id}`, `${a.name} <${a.email}>`);
        } catch {
          // The raw "agent:<id>" is shown instead.
        }
      }
      const res = await get(`/v1/agent/erasures${query({ limit: 50 })}`);
      clear(rows);
      for (const e of res.items) {
        rows.append(
          h(
            'tr',
            { 'data-testid': 'erasure-row', 'data-erasure-id': e.id },
            h('td', { text: fmtTime(e.at) }),
            h('td', {}, h('code', { text: e.pseudonym || '' })),
            h('td', { text: e.scope || '' }),
            h('td', { text: e.action || '' }),
            h('td', { text: who(e.requested_by), title: e.requested_by || '' }),
          ),
        );
      }
      info.textContent = res.items.length ? '' : 'No erasures yet.';
    } catch (err) {
      info.textContent = '';
      toast(`Privacy log: ${err.message}`, true);
    }
  }
  container.append(
    h('h2', { text: 'Privacy log' }),
    h('p', { class: 'muted', text: 'Exports and erasures of requester data, newest first. Requesters appear only as pseudonyms.' }),
    h(
      'table',
      { class: 'list', 'data-testid': 'erasure-list' },
      h('thead', {}, h('tr', {}, ['When', 'Requester (pseudonym)', 'Scope', 'Action', 'Requested by'].map((t) => h('th', { text: t })))),
      rows,
    ),
    info,
  );
  load();
  return load;
}
