// Support for the browser tests: a real helpline-server on 127.0.0.1 (temp config and database), agents
// created with `helpline-server admin add-agent`, a device speaking the device API over HTTP (or the
// SDK-driven helpline-cli when HELPLINE_CLI is set), and Debian's chromium through playwright-core.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac, randomUUID } from 'node:crypto';

export const APP_A = 'pk_console_a';
export const APP_B = 'pk_console_b';
export const APP_SECRETS = { [APP_A]: 'console-secret-a-0123456789', [APP_B]: 'console-secret-b-0123456789' };

// Exit code ctest reads as "skipped" (SKIP_RETURN_CODE). In CI a missing prerequisite is a failure instead.
const SKIP = 77;

export function requirePrerequisites() {
  const problems = [];
  if (!process.env.HELPLINE_SERVER || !existsSync(process.env.HELPLINE_SERVER))
    problems.push('HELPLINE_SERVER must name the helpline-server binary');
  const chromium = chromiumPath();
  if (!chromium) problems.push('chromium is not installed (sh cmake/install-deps.sh)');
  let playwright = null;
  try {
    playwright = createRequire(import.meta.url)('playwright-core');
  } catch {
    problems.push('tests/browser/node_modules is missing playwright-core (sh cmake/install-deps.sh runs npm ci)');
  }
  if (problems.length) {
    for (const p of problems) console.error(`browser tests: ${p}`);
    process.exit(process.env.CI ? 1 : SKIP);
  }
  return { chromium, playwright };
}

function chromiumPath() {
  for (const p of [process.env.HELPLINE_CHROMIUM, '/usr/lib/chromium/chromium', '/usr/bin/chromium'])
    if (p && existsSync(p)) return p;
  return null;
}

export function artifactsDir() {
  const dir = process.env.HELPLINE_BROWSER_ARTIFACTS || join(process.cwd(), 'artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export class Server {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'helpline-browser-'));
    this.db = join(this.dir, 'helpline.db');
    this.bin = process.env.HELPLINE_SERVER;
    writeFileSync(
      join(this.dir, 'server.json'),
      JSON.stringify({
        apps: [
          { app_key: APP_A, app_secret: APP_SECRETS[APP_A], name: 'Console A', limits: { device_requests_per_second: 0 } },
          { app_key: APP_B, app_secret: APP_SECRETS[APP_B], name: 'Console B', limits: { device_requests_per_second: 0 } },
        ],
      }),
    );
  }

  // role: 'agent' (the default) or 'admin'.
  addAgent(app, email, password, role) {
    const args = ['admin', 'add-agent', '--db', this.db, '--app', app, '--email', email, '--password', password];
    if (role) args.push('--role', role);
    execFileSync(this.bin, args, { stdio: 'pipe' });
    return { app, email, password, role: role || 'agent' };
  }

  start() {
    return new Promise((resolve, reject) => {
      this.proc = spawn(
        this.bin,
        ['--listen', '127.0.0.1:0', '--db', this.db, '--config', join(this.dir, 'server.json'), '--access-log', join(this.dir, 'access.log')],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${err}`)), 15000);
      this.proc.stderr.on('data', (d) => (err += d));
      this.proc.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/^listening on (\S+)$/m);
        if (m && !this.base) {
          clearTimeout(timer);
          this.base = `http://${m[1]}`;
          resolve(this.base);
        }
      });
      this.proc.on('exit', (code) => {
        if (!this.base) reject(new Error(`server exited with ${code}: ${err}`));
      });
    });
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const done = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await done;
    }
    if (!process.env.HELPLINE_KEEP_TEMP) rmSync(this.dir, { recursive: true, force: true });
  }
}

// An identity token (HS256 JWT signed with the app secret, docs/protocol.md section 3.1) for a signed-in user.
export function userToken(app, claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}`;
  return `${body}.${createHmac('sha256', APP_SECRETS[app]).update(body).digest('base64url')}`;
}

// A device of `app` talking the device API (docs/protocol.md section 3.1); with `token` (userToken()) its
// calls are made by that signed-in user, so its tickets belong to "user:<sub>" instead of "device:<id>".
export class Device {
  constructor(base, app, token) {
    this.base = base;
    this.app = app;
    this.id = `browser-dev-${randomUUID()}`;
    this.cursor = '';
    this.token = token;
  }

  async call(method, path, body) {
    const headers = { 'X-Helpline-App-Key': this.app, 'X-Helpline-Device-Id': this.id, 'Content-Type': 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const res = await fetch(this.base + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return data;
  }

  // Everything new in /v1/sync since the last call (long-polls up to `wait` seconds).
  async sync(wait = 0) {
    const page = await this.call('GET', `/v1/sync?wait=${wait}${this.cursor ? `&cursor=${encodeURIComponent(this.cursor)}` : ''}`);
    this.cursor = page.cursor;
    return page.items;
  }

  // Polls /v1/sync until an item satisfies `pred` (items seen on the way are kept in `this.seen`).
  async waitFor(pred, timeoutMs = 15000) {
    this.seen = this.seen || [];
    const found = this.seen.find(pred);
    if (found) return found;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const items = await this.sync(2);
      this.seen.push(...items);
      const hit = items.find(pred);
      if (hit) return hit;
    }
    throw new Error('timed out waiting for a sync item');
  }
}

// The SDK-driven device: samples/cli (helpline-cli) with its own data dir.
export class CliDevice {
  constructor(base, app, cli) {
    this.cli = cli;
    this.dir = mkdtempSync(join(tmpdir(), 'helpline-cli-'));
    this.env = { ...process.env, HELPLINE_ENDPOINT: base, HELPLINE_APP_KEY: app, HELPLINE_DATA_DIR: this.dir };
  }
  run(args, wait = 2000) {
    return execFileSync(this.cli, ['--wait', String(wait), ...args], { env: this.env, encoding: 'utf8' });
  }
  createTicket(subject, body) {
    const out = this.run(['ticket', 'new', subject, body]);
    const m = out.match(/^ticket (\S+) created$/m);
    if (!m) throw new Error(`helpline-cli did not create a ticket:\n${out}`);
    return m[1];
  }
  show(ticket) {
    return this.run(['ticket', 'show', ticket], 1500);
  }
  survey(kind, score, ticket) {
    return this.run(['survey', kind, String(score), ticket], 1500);
  }
  close() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function eventually(fn, timeoutMs = 15000, stepMs = 300) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw last || new Error('condition not met in time');
}

/** A page in a fresh browser context whose script errors land in `pageErrors` (401/403/404s of calls a test makes
 *  on purpose are logged by the browser as errors too: those are not script errors). */
export async function newPage(browser, pageErrors, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[134]/.test(m.text())) pageErrors.push(m.text());
  });
  return page;
}

/** Logs `agent` into the console of `base` and waits for the inbox. */
export async function logIn(page, base, agent) {
  await page.goto(`${base}/console/?app=${agent.app}`);
  await page.getByTestId('login-form').waitFor();
  await page.fill('#login-email', agent.email);
  await page.fill('#login-password', agent.password);
  await page.click('#login-submit');
  await page.getByTestId('inbox-table').waitFor();
}
