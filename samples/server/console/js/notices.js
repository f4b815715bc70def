// Notices editor with targeting (protocol sections 12 and 14).
import { del, enc, get, patch, post } from './api.js';
import { clear, fmtTime, formValues, h, toast } from './dom.js';

function toLocal(ms) {
  if (ms === null || ms === undefined) return '';
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

function fromLocal(v) {
  return v ? new Date(v).getTime() : null;
}

export function renderNotices(page) {
  const list = h('tbody');
  const editor = h('div', { class: 'panel', 'data-testid': 'notice-form' });

  async function load() {
    const res = await get('/v1/agent/notices');
    clear(list);
    for (const n of res.items) {
      list.append(
        h(
          'tr',
          { 'data-testid': 'notice-row' },
          h('td', {}, h('a', { href: '#/notices', text: n.title, onclick: (e) => (e.preventDefault(), form(n)) })),
          h('td', {}, h('span', { class: `severity severity-${n.severity}`, text: n.severity })),
          h('td', { text: n.active ? 'active' : 'inactive' }),
          h('td', {}, h('code', { text: JSON.stringify(n.target) })),
          h('td', { class: 'num', text: String(n.ack_count) }),
          h('td', { text: fmtTime(n.updated_at) }),
        ),
      );
    }
    if (!res.items.length) list.append(h('tr', {}, h('td', { colspan: 6, class: 'muted', text: 'No notices.' })));
  }

  function form(n) {
    const severity = h('select', { name: 'severity' }, ['info', 'warning', 'critical'].map((s) => h('option', { value: s, text: s })));
    severity.value = n ? n.severity : 'info';
    const f = h(
      'form',
      {
        onsubmit: async (e) => {
          e.preventDefault();
          const v = formValues(f);
          let target = {};
          if (v.target.trim()) {
            try {
              target = JSON.parse(v.target);
            } catch {
              toast('Target must be a JSON object', true);
              return;
            }
          }
          const payload = {
            title: v.title,
            body: v.body,
            severity: v.severity,
            url: v.url || null,
            target,
            starts_at: fromLocal(v.starts_at),
            ends_at: fromLocal(v.ends_at),
            active: v.active,
          };
          try {
            if (n) await patch(`/v1/agent/notices/${enc(n.id)}`, payload);
            else await post('/v1/agent/notices', payload);
            toast('Notice saved');
            clear(editor);
            await load();
          } catch (err) {
            toast(`Save failed: ${err.message}`, true);
          }
        },
      },
      h('h2', { text: n ? 'Edit notice' : 'New notice' }),
      h('label', {}, 'Title ', h('input', { name: 'title', required: true, value: n ? n.title : '' })),
      h('label', {}, 'Body ', h('textarea', { name: 'body', rows: 4, required: true, value: n ? n.body : '' })),
      h('label', {}, 'Severity ', severity),
      h('label', {}, 'Link URL ', h('input', { name: 'url', value: n && n.url ? n.url : '' })),
      h(
        'label',
        {},
        'Target (JSON; keys model, os, os_version, firmware_version, app_version, sdk_version, locale or device attributes; values: "x", ["x","y"] or {"min","max","prefix"}) ',
        h('textarea', { name: 'target', rows: 3, value: n ? JSON.stringify(n.target) : '{}', 'data-testid': 'notice-target' }),
      ),
      h('label', {}, 'Starts ', h('input', { name: 'starts_at', type: 'datetime-local', value: n ? toLocal(n.starts_at) : '' })),
      h('label', {}, 'Ends ', h('input', { name: 'ends_at', type: 'datetime-local', value: n ? toLocal(n.ends_at) : '' })),
      h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'active', checked: n ? n.active : true }), ' Active'),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'submit', text: 'Save' }),
        n
          ? h('button', {
              type: 'button',
              class: 'danger',
              text: 'Delete',
              onclick: async () => {
                if (!confirm(`Delete notice "${n.title}"?`)) return;
                await del(`/v1/agent/notices/${enc(n.id)}`);
                clear(editor);
                load();
              },
            })
          : null,
        h('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => clear(editor) }),
      ),
    );
    clear(editor).append(f);
  }

  page.append(
    h('div', { class: 'row spread' }, h('h1', { text: 'Notices' }), h('button', { type: 'button', text: 'New notice', 'data-testid': 'notice-new', onclick: () => form(null) })),
    editor,
    h(
      'table',
      { class: 'list' },
      h('thead', {}, h('tr', {}, ['Title', 'Severity', 'State', 'Target', 'Acks', 'Updated'].map((c) => h('th', { text: c })))),
      list,
    ),
  );
  load().catch((e) => toast(e.message, true));
  return null;
}
