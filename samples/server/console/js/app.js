// Console shell: session check, login/logout, hash routing (#/inbox, #/ticket/<id>, #/dashboard, #/faq,
// #/notices, #/devices[/<id>], #/rules). Each view renders into #page and returns a cleanup function (stops its polling).
// Views that depend on the agent's role (ticket: erase, rules: privacy log) get state.agent (GET /v1/agent/me).
import { ApiError, get, post, setUnauthenticatedHandler } from './api.js';
import { clear, toast } from './dom.js';
import { renderDashboard } from './dashboard.js';
import { renderDevices } from './devices.js';
import { renderFaq } from './faq.js';
import { renderInbox } from './inbox.js';
import { renderNotices } from './notices.js';
import { renderRules } from './rules.js';
import { renderTicket } from './ticket.js';

const state = { agent: null, cleanup: null };

function show(el, visible) {
  el.hidden = !visible;
}

function showLogin(message = '') {
  state.agent = null;
  if (state.cleanup) state.cleanup();
  state.cleanup = null;
  show(document.getElementById('topbar'), false);
  clear(document.getElementById('page'));
  show(document.getElementById('login-view'), true);
  document.getElementById('login-error').textContent = message;
  const params = new URLSearchParams(location.search);
  const appInput = document.getElementById('login-app');
  if (!appInput.value) appInput.value = params.get('app') || localStorage.getItem('helpline.app') || '';
  (appInput.value ? document.getElementById('login-email') : appInput).focus();
}

function showApp() {
  show(document.getElementById('login-view'), false);
  show(document.getElementById('topbar'), true);
  const app = localStorage.getItem('helpline.app');
  document.getElementById('who').textContent = `${state.agent.name} <${state.agent.email}>${app ? ` · app ${app}` : ''}`;
  route();
}

async function login(event) {
  event.preventDefault();
  const app = document.getElementById('login-app').value.trim();
  const email = document.getElementById('login-email').value.trim();
  const password = document.getElementById('login-password').value;
  const error = document.getElementById('login-error');
  error.textContent = '';
  try {
    const res = await fetch('/v1/agent/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Helpline-App-Key': app },
      body: JSON.stringify({ email, password, session: 'cookie' }),
      credentials: 'same-origin',
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      error.textContent =
        res.status === 401 ? 'Wrong app key, email or password.' : (data.error && data.error.message) || 'Login failed';
      return;
    }
    localStorage.setItem('helpline.app', app);
    document.getElementById('login-password').value = '';
    state.agent = data.agent;
    if (!location.hash || location.hash === '#/') location.hash = '#/inbox';
    showApp();
  } catch (e) {
    error.textContent = `Login failed: ${e.message}`;
  }
}

async function logout() {
  try {
    await post('/v1/agent/logout');
  } catch (e) {
    if (!(e instanceof ApiError)) toast(e.message, true);
  }
  showLogin('Logged out.');
}

function route() {
  if (!state.agent) return;
  if (state.cleanup) state.cleanup();
  state.cleanup = null;
  const page = clear(document.getElementById('page'));
  const parts = (location.hash || '#/inbox').slice(2).split('/');
  const name = parts[0] || 'inbox';
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', a.dataset.nav === name || (name === 'ticket' && a.dataset.nav === 'inbox'));
  }
  const views = {
    inbox: () => renderInbox(page),
    ticket: () => renderTicket(page, decodeURIComponent(parts[1] || ''), state.agent),
    dashboard: () => renderDashboard(page),
    faq: () => renderFaq(page),
    notices: () => renderNotices(page),
    devices: () => renderDevices(page, decodeURIComponent(parts[1] || '')),
    rules: () => renderRules(page, state.agent),
  };
  state.cleanup = (views[name] || views.inbox)() || null;
}

async function start() {
  setUnauthenticatedHandler(() => showLogin('Your session ended; please log in again.'));
  document.getElementById('login-form').addEventListener('submit', login);
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', route);
  try {
    state.agent = await get('/v1/agent/me');
    showApp();
  } catch {
    showLogin();
  }
}

start();
