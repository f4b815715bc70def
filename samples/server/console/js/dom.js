// Tiny DOM helpers: elements are built with textContent only (never innerHTML), so ticket text written by
// end users can never become markup in the agent's browser.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function fmtTime(ms) {
  if (ms === null || ms === undefined) return '';
  return new Date(ms).toLocaleString();
}

export function fmtDuration(ms) {
  if (ms === null || ms === undefined) return '–';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  if (s < 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

export function fmtNumber(v, digits = 1) {
  if (v === null || v === undefined) return '–';
  return Number(v).toFixed(digits).replace(/\.0+$/, '');
}

let toastTimer = null;
export function toast(message, isError = false) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.classList.toggle('error', isError);
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    t.hidden = true;
  }, 4000);
}

// A message for the next view (e.g. the result of an erasure, shown in the inbox the console goes back to).
let flash = null;
export function setFlash(text, testid = 'flash') {
  flash = { text, testid };
}
export function takeFlash() {
  const f = flash;
  flash = null;
  if (!f) return null;
  const el = h('div', { class: 'flash', role: 'status', 'data-testid': f.testid }, h('span', { text: f.text }));
  el.append(' ', h('button', { type: 'button', class: 'link', text: 'Dismiss', onclick: () => el.remove() }));
  return el;
}

// A <form> helper: reads named fields into an object.
export function formValues(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    out[el.name] = el.type === 'checkbox' ? el.checked : el.value;
  }
  return out;
}
