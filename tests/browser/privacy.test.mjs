// Privacy requests in the agent web console: export and erase of a ticket requester's data
// (GET /v1/agent/principals/{principal}/export, POST .../erase, GET /v1/agent/erasures). playwright-core drives
// Debian's chromium against a real helpline-server, like console.test.mjs. Run by ctest (label "browser"), or:
//   HELPLINE_SERVER=build/default/samples/server/helpline-server node tests/browser/privacy.test.mjs
// Screenshots (privacy-ticket.png, privacy-erase-dialog.png, privacy-erased-inbox.png, privacy-log.png) go to
// $HELPLINE_BROWSER_ARTIFACTS (default ./artifacts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { APP_A, artifactsDir, Device, requirePrerequisites, Server, userToken, newPage, logIn } from './support.mjs';

const { chromium: chromiumPath, playwright } = requirePrerequisites();
const ARTIFACTS = artifactsDir();

const server = new Server();
let base;
let browser;
const admin = server.addAgent(APP_A, 'privacy-admin@example.com', 'password-admin-123', 'admin');
const plainAgent = { app: APP_A, email: 'privacy-agent@example.com', password: 'password-agent-123' };
const pageErrors = [];

const SUB = 'privacy-alice';
const PRINCIPAL = `user:${SUB}`;
const firstBody = 'My invoices show the wrong address since March.';
const secondBody = 'Here is a second detail: the postcode is also wrong.';
const otherTicketBody = 'Also please delete my old payment card.';
const bystanderBody = 'Unrelated request from another user.';

// A call from the page with its cookie session (and the CSRF token, as the console's own writes send it).
function pageFetch(page, method, path) {
  return page.evaluate(
    async ({ method, path }) => {
      const m = document.cookie.match(/(?:^|;\s*)hl_csrf=([^;]*)/);
      const headers = { 'Content-Type': 'application/json' };
      if (method !== 'GET') headers['X-CSRF-Token'] = m ? decodeURIComponent(m[1]) : '';
      const r = await fetch(path, { method, headers, body: method === 'GET' ? undefined : '{}', cache: 'no-store' });
      const text = await r.text();
      let body = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      return { status: r.status, body };
    },
    { method, path },
  );
}

async function agentToken(agent) {
  const res = await fetch(`${base}/v1/agent/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Helpline-App-Key': agent.app },
    body: JSON.stringify({ email: agent.email, password: agent.password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()).token;
}

// Clicks "Export data" and returns the download; fails at once when the page shows an export error instead.
async function exportDownload(page) {
  const download = page.waitForEvent('download');
  download.catch(() => {});
  await page.click('[data-testid="privacy-export"]');
  const failed = page.locator('[data-testid="privacy-error"]:not(:empty)');
  const shown = failed.waitFor().then(
    () => null,
    () => new Promise(() => {}),
  );
  const winner = await Promise.race([download, shown]);
  if (!winner) throw new Error(`the export failed in the page: ${await failed.textContent()}`);
  return winner;
}

async function openTicket(page, id) {
  await page.goto(`${base}/console/#/ticket/${encodeURIComponent(id)}`);
  await page.getByTestId('thread').getByText(firstBody).waitFor();
  await page.locator('[data-testid="privacy-principal"]', { hasText: PRINCIPAL }).waitFor();
}

before(async () => {
  base = await server.start();
  browser = await playwright.chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
});

after(async () => {
  if (browser) await browser.close();
  await server.stop();
});

describe('privacy: export and erase a requester’s data', () => {
  let adminPage;
  let agentPage;
  let user;
  let ticket;
  let otherTicket;
  let bystanderTicket;

  before(async () => {
    // A signed-in user with two tickets (three messages of theirs, one agent reply), and another user's ticket
    // that the erasure must not touch.
    user = new Device(base, APP_A, userToken(APP_A, { sub: SUB, name: 'Alice Privacy', email: 'alice@example.com' }));
    await user.call('PUT', '/v1/device', { model: 'P7', app_version: '2.0.0' });
    ticket = (await user.call('POST', '/v1/tickets', { subject: 'Wrong address on invoices', body: firstBody })).id;
    await user.call('POST', `/v1/tickets/${ticket}/messages`, { body: secondBody });
    otherTicket = (await user.call('POST', '/v1/tickets', { subject: 'Delete my card', body: otherTicketBody })).id;
    const bystander = new Device(base, APP_A, userToken(APP_A, { sub: 'privacy-bob', name: 'Bob' }));
    bystanderTicket = (await bystander.call('POST', '/v1/tickets', { subject: 'Bob’s request', body: bystanderBody })).id;

    // The second agent, role "agent", created by the admin through the agent API.
    const token = await agentToken(admin);
    const res = await fetch(`${base}/v1/agent/agents`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Helpline-App-Key': APP_A, Authorization: `Bearer ${token}` },
      body: JSON.stringify({ email: plainAgent.email, password: plainAgent.password, name: 'Plain Agent', role: 'agent' }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    assert.equal((await res.json()).role, 'agent');

    adminPage = await newPage(browser, pageErrors, { acceptDownloads: true });
    agentPage = await newPage(browser, pageErrors, { acceptDownloads: true });
  });
  after(async () => {
    if (adminPage) await adminPage.context().close();
    if (agentPage) await agentPage.context().close();
  });

  it('the admin answers the ticket, then exports the requester’s data as a JSON download', async () => {
    await logIn(adminPage, base, admin);
    await adminPage.locator(`[data-ticket-id="${ticket}"]`).waitFor();
    await openTicket(adminPage, ticket);
    await adminPage.fill('[data-testid="reply-body"]', 'We are correcting the address.');
    await adminPage.click('[data-testid="reply-send"]');
    await adminPage.locator('[data-testid="message"][data-author="agent"]').getByText('We are correcting the address.').waitFor();

    const download = await exportDownload(adminPage);
    assert.equal(download.suggestedFilename(), 'helpline-export-user_privacy-alice.json');
    const exp = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert.equal(exp.format, 'helpline-export/1');
    assert.equal(exp.principal, PRINCIPAL);
    const ids = exp.tickets.map((t) => t.id).sort();
    assert.deepEqual(ids, [ticket, otherTicket].sort());
    assert.ok(!ids.includes(bystanderTicket), 'another user’s ticket is not exported');
    const bodies = exp.tickets.flatMap((t) => t.messages.map((m) => m.body));
    for (const b of [firstBody, secondBody, otherTicketBody, 'We are correcting the address.']) assert.ok(bodies.includes(b), b);
    assert.ok(!bodies.includes(bystanderBody));

    // The counts beside the button are the file's.
    const summary = adminPage.getByTestId('privacy-export-summary');
    await summary.getByText(`2 tickets, ${bodies.length} messages`).waitFor();
    assert.equal(await summary.getAttribute('data-tickets'), '2');
    assert.equal(await summary.getAttribute('data-messages'), String(bodies.length));
    assert.equal(await adminPage.getByTestId('privacy-export-link').getAttribute('download'), 'helpline-export-user_privacy-alice.json');
    await adminPage.screenshot({ path: join(ARTIFACTS, 'privacy-ticket.png'), fullPage: true });
  });

  it('an agent without the admin role can export, sees no erase button, and is refused a direct erase (403)', async () => {
    await logIn(agentPage, base, plainAgent);
    await openTicket(agentPage, ticket);
    await agentPage.getByTestId('privacy-export').waitFor();
    assert.equal(await agentPage.getByTestId('privacy-erase').count(), 0);
    assert.equal(await agentPage.getByTestId('erase-dialog').count(), 0);

    const exported = await pageFetch(agentPage, 'GET', `/v1/agent/principals/${encodeURIComponent(PRINCIPAL)}/export`);
    assert.equal(exported.status, 200);
    assert.equal(exported.body.export.principal, PRINCIPAL);

    const refused = await pageFetch(agentPage, 'POST', `/v1/agent/principals/${encodeURIComponent(PRINCIPAL)}/erase`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'forbidden');
    const log = await pageFetch(agentPage, 'GET', '/v1/agent/erasures');
    assert.equal(log.status, 403);

    // Nothing was erased; the rules page has no privacy log for this agent.
    assert.equal((await pageFetch(agentPage, 'GET', `/v1/agent/tickets/${ticket}`)).status, 200);
    await agentPage.click('[data-nav="rules"]');
    await agentPage.getByTestId('rule-list').waitFor();
    assert.equal(await agentPage.getByTestId('privacy-log').count(), 0);
  });

  it('the admin erases the requester after typing the principal; the console goes back to the inbox', async () => {
    await adminPage.click('[data-testid="privacy-erase"]');
    const dialog = adminPage.getByTestId('erase-dialog');
    await dialog.waitFor();
    assert.equal(await adminPage.textContent('[data-testid="erase-principal"]'), PRINCIPAL);
    const confirm = adminPage.getByTestId('erase-confirm');
    assert.equal(await confirm.isDisabled(), true);
    await adminPage.fill('[data-testid="erase-confirm-input"]', 'user:someone-else');
    assert.equal(await confirm.isDisabled(), true);
    // Cancel keeps everything.
    await adminPage.click('[data-testid="erase-cancel"]');
    await dialog.waitFor({ state: 'hidden' });
    await adminPage.click('[data-testid="privacy-erase"]');
    await dialog.waitFor();
    assert.equal(await adminPage.inputValue('[data-testid="erase-confirm-input"]'), '');
    await adminPage.fill('[data-testid="erase-confirm-input"]', PRINCIPAL);
    await adminPage.waitForFunction(() => !document.querySelector('[data-testid="erase-confirm"]').disabled);
    await adminPage.screenshot({ path: join(ARTIFACTS, 'privacy-erase-dialog.png'), fullPage: true });
    const [response] = await Promise.all([
      adminPage.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/erase')),
      confirm.click(),
    ]);
    assert.equal(response.status(), 200);
    const { erased } = await response.json();
    assert.equal(erased.tickets, 2);
    assert.ok(erased.messages >= 3, `erased.messages: ${erased.messages}`);

    // The counts the server reported, shown in the inbox the console went back to.
    const result = adminPage.getByTestId('erase-result');
    await result.waitFor();
    const text = await result.textContent();
    assert.ok(text.includes(`Erased the data of ${PRINCIPAL}: 2 tickets, ${erased.messages} messages`), text);
    await adminPage.getByTestId('inbox-table').waitFor();
    assert.equal(new URL(adminPage.url()).hash, '#/inbox');
    await adminPage.locator(`[data-ticket-id="${bystanderTicket}"]`).waitFor();
    await adminPage.screenshot({ path: join(ARTIFACTS, 'privacy-erased-inbox.png'), fullPage: true });
  });

  it('the erased tickets are gone: 404, export 404, "No such ticket." in the console', async () => {
    for (const id of [ticket, otherTicket]) {
      assert.equal((await pageFetch(adminPage, 'GET', `/v1/agent/tickets/${id}`)).status, 404, id);
    }
    const exported = await pageFetch(adminPage, 'GET', `/v1/agent/principals/${encodeURIComponent(PRINCIPAL)}/export`);
    assert.equal(exported.status, 404);
    await adminPage.goto(`${base}/console/#/ticket/${ticket}`);
    await adminPage.getByText('No such ticket.').waitFor();
  });

  it('the inbox no longer lists the erased tickets, not even as tombstones', async () => {
    await adminPage.goto(`${base}/console/#/inbox`);
    // The other user's ticket is still listed; the erased ones are not (their tombstones keep the ids).
    await adminPage.locator(`[data-ticket-id="${bystanderTicket}"]`).waitFor();
    const list = await pageFetch(adminPage, 'GET', '/v1/agent/tickets?limit=100');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((t) => t.id),
      [bystanderTicket],
      `only the other user's ticket is listed: ${JSON.stringify(list.body.items)}`,
    );
    assert.equal(await adminPage.locator(`[data-ticket-id="${ticket}"]`).count(), 0);
    assert.equal(await adminPage.locator(`[data-ticket-id="${otherTicket}"]`).count(), 0);
    assert.equal(await adminPage.getByTestId('ticket-row').count(), 1);
  });

  it('the admin’s privacy log lists the erasure (and the exports) under a pseudonym', async () => {
    const log = await pageFetch(adminPage, 'GET', '/v1/agent/erasures?limit=50');
    assert.equal(log.status, 200);
    const erasures = log.body.items.filter((e) => e.action === 'erase');
    assert.equal(erasures.length, 1, JSON.stringify(log.body.items));
    const entry = erasures[0];
    assert.ok(entry.pseudonym, 'pseudonym set');
    for (const e of log.body.items) {
      assert.ok(!JSON.stringify(e).includes(SUB), `the log does not name the requester: ${JSON.stringify(e)}`);
      assert.equal(e.pseudonym, entry.pseudonym, 'every entry is about the same requester');
    }

    await adminPage.goto(`${base}/console/#/rules`);
    const row = adminPage.locator(`[data-testid="erasure-row"][data-erasure-id="${entry.id}"]`);
    await row.waitFor();
    const rowText = await row.textContent();
    assert.ok(rowText.includes(entry.pseudonym), rowText);
    assert.ok(rowText.includes('erase'), rowText);
    assert.ok(rowText.includes(admin.email), `the log names the admin who erased: ${rowText}`);
    assert.equal(await adminPage.getByTestId('erasure-row').count(), log.body.items.length);
    await adminPage.evaluate(() => {
      document.getElementById('toast').hidden = true; // the erase toast would cover the log in the screenshot
    });
    await adminPage.getByTestId('privacy-log').screenshot({ path: join(ARTIFACTS, 'privacy-log.png') });
  });
});

describe('page health', () => {
  it('raised no script errors in any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
