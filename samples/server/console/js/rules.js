// Rules (protocol 14.3 and 14.4): server rules that open proactive tickets or publish notices, and the device
// rule set pushed to every device. Rules are edited as JSON (the shapes are in the protocol). Admins also see the
// privacy log (exports and erasures of requester data, privacy.js).
import { api, del, enc, get, patch, post } from './api.js';
import { clear, fmtTime, h, toast } from './dom.js';
import { renderErasureLog } from './privacy.js';

const EXAMPLE = {
  name: 'Disk almost full',
  match: { kind: 'metric', name: 'heartbeat', metric: 'disk_free_pct', op: '<', value: 5 },
  action: { type: 'ticket', subject: 'Disk almost full on {model}', body: 'Only {value}% free on {device_id}.' },
};

export function renderRules(page, agent) {
  const rows = h('tbody');
  const editor = h('textarea', { rows: 12, class: 'code', 'data-testid': 'rule-json' });
  const editing = { id: null };
  const deviceRules = h('textarea', { rows: 10, class: 'code', 'data-testid': 'device-rules-json' });
  const version = h('span', { class: 'muted', 'data-testid': 'device-rules-version' });

  async function load() {
    const res = await get('/v1/agent/rules');
    clear(rows);
    for (const r of res.items) {
      rows.append(h('tr', { 'data-testid': 'rule-row' },
        h('td', {}, h('a', { href: '#/rules', text: r.name, onclick: (e) => {
          e.preventDefault();
          editing.id = r.id;
          editor.value = JSON.stringify({ name: r.name, enabled: r.enabled, match: r.match, action: r.action }, null, 2);
        } })),
        h('td', { text: r.action ? r.action.type : '' }),
        h('td', { text: r.enabled ? 'enabled' : 'disabled' }),
        h('td', { class: 'num', text: String(r.firings) }),
        h('td', { text: fmtTime(r.updated_at) }),
        h('td', {}, h('button', { type: 'button', class: 'link', text: 'Delete', onclick: async () => {
          try {
            await del(`/v1/agent/rules/${enc(r.id)}`);
            await load();
          } catch (e) {
            toast(e.message, true);
          }
        } }))));
    }
    if (!res.items.length) rows.append(h('tr', {}, h('td', { colspan: 6, class: 'muted', text: 'No server rules.' })));
    const set = await get('/v1/agent/device-rules');
    deviceRules.value = JSON.stringify(set.rules, null, 2);
    version.textContent = `version ${set.version}${set.updated_at ? ` · ${fmtTime(set.updated_at)}` : ''}`;
  }

  async function saveRule(e) {
    e.preventDefault();
    let body;
    try {
      body = JSON.parse(editor.value);
    } catch {
      toast('The rule must be JSON', true);
      return;
    }
    try {
      if (editing.id) await patch(`/v1/agent/rules/${enc(editing.id)}`, body);
      else await post('/v1/agent/rules', body);
      toast('Rule saved');
      editing.id = null;
      editor.value = JSON.stringify(EXAMPLE, null, 2);
      await load();
    } catch (err) {
      toast(err.message, true);
    }
  }

  async function saveDeviceRules(e) {
    e.preventDefault();
    let rules;
    try {
      rules = JSON.parse(deviceRules.value);
    } catch {
      toast('The device rules must be a JSON array', true);
      return;
    }
    try {
      const set = await api('PUT', '/v1/agent/device-rules', { rules });
      toast(`Device rules version ${set.version} sent to devices`);
      await load();
    } catch (err) {
      toast(err.message, true);
    }
  }

  editor.value = JSON.stringify(EXAMPLE, null, 2);
  page.append(
    h('h1', { text: 'Rules' }),
    h('table', { class: 'list', 'data-testid': 'rule-list' },
      h('thead', {}, h('tr', {}, ['Rule', 'Action', 'State', 'Firings', 'Updated', ''].map((t) => h('th', { text: t })))), rows),
    h('div', { class: 'panel' }, h('h2', { text: 'Server rule' }),
      h('form', { onsubmit: saveRule, 'data-testid': 'rule-form' }, editor,
        h('p', {}, h('button', { type: 'submit', text: 'Save rule' }), ' ',
          h('button', { type: 'button', class: 'link', text: 'New', onclick: () => {
            editing.id = null;
            editor.value = JSON.stringify(EXAMPLE, null, 2);
          } })))),
    h('div', { class: 'panel' }, h('h2', {}, 'Device rule set ', version),
      h('form', { onsubmit: saveDeviceRules, 'data-testid': 'device-rules-form' }, deviceRules,
        h('p', {}, h('button', { type: 'submit', text: 'Send to devices' })))));
  if (agent && agent.role === 'admin') {
    const log = h('div', { class: 'panel', 'data-testid': 'privacy-log' });
    page.append(log);
    renderErasureLog(log);
  }
  load().catch((e) => toast(e.message, true));
  return null;
}
