// The agent web console in a real browser: playwright-core drives Debian's chromium (headless,
// --no-sandbox) against a real helpline-server. Run by ctest (label "browser"), or by hand:
//   HELPLINE_SERVER=build/default/samples/server/helpline-server node tests/browser/console.test.mjs
// HELPLINE_CLI=<helpline-cli> makes the SDK (samples/cli) create the device's ticket and read the reply.
// Screenshots of the inbox and the dashboard go to $HELPLINE_BROWSER_ARTIFACTS (default ./artifacts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { APP_A, APP_B, artifactsDir, CliDevice, Device, eventually, requirePrerequisites, Server, newPage, logIn } from './support.mjs';

const { chromium: chromiumPath, playwright } = requirePrerequisites();
const ARTIFACTS = artifactsDir();

const server = new Server();
let base;
let browser;
const agentA = server.addAgent(APP_A, 'agent-a@example.com', 'password-a-123');
const agentB = server.addAgent(APP_B, 'agent-b@example.com', 'password-b-123');
const pageErrors = [];

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

describe('console access', () => {
  it('refuses unauthenticated console API calls with 401', async () => {
    for (const path of ['/v1/agent/me', '/v1/agent/tickets', '/v1/agent/metrics', '/v1/agent/faq', '/v1/agent/notices']) {
      const res = await fetch(base + path);
      assert.equal(res.status, 401, path);
      assert.equal((await res.json()).error.code, 'invalid_agent_token');
    }
  });

  it('shows the login form to a browser without a session, and rejects a wrong password', async () => {
    const page = await newPage(browser, pageErrors);
    await page.goto(`${base}/console/?app=${APP_A}`);
    await page.getByTestId('login-form').waitFor();
    assert.equal(await page.inputValue('#login-app'), APP_A);
    await page.fill('#login-email', agentA.email);
    await page.fill('#login-password', 'wrong-password');
    await page.click('#login-submit');
    await eventually(async () => (await page.textContent('#login-error')).includes('Wrong'));
    assert.equal(await page.isVisible('#topbar'), false);
    await page.context().close();
  });
});

describe('an agent answers a device ticket in the browser', () => {
  const subject = `Printer jams on page 2 (${Date.now()})`;
  const firstBody = 'Every second page jams since the update.';
  const replyText = 'Please update to firmware 2.3.2, it fixes the jam.';
  const cliPath = process.env.HELPLINE_CLI;
  let page;
  let device;
  let cli;
  let ticket;

  before(async () => {
    page = await newPage(browser, pageErrors);
    device = new Device(base, APP_A);
    if (cliPath) cli = new CliDevice(base, APP_A, cliPath);
  });
  after(async () => {
    if (cli) cli.close();
    await page.context().close();
  });

  it('logs in through the page with an HttpOnly session cookie', async () => {
    await logIn(page, base, agentA);
    const cookies = await page.context().cookies(`${base}/v1/agent/me`);
    const session = cookies.find((c) => c.name === 'hl_session');
    assert.ok(session, 'hl_session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('hl_session')), false);
  });

  it('sees the ticket the device creates appear in the open inbox (live update)', async () => {
    if (cli) {
      ticket = cli.createTicket(subject, firstBody);
    } else {
      await device.call('PUT', '/v1/device', { model: 'X100', app_version: '1.4.0', firmware_version: '2.3.1' });
      ticket = (
        await device.call('POST', '/v1/tickets', {
          subject,
          body: firstBody,
          device: { model: 'X100', app_version: '1.4.0', firmware_version: '2.3.1' },
        })
      ).id;
      await device.call('POST', '/v1/diagnostics/batch', {
        items: [
          { idempotency_key: 'b1', kind: 'breadcrumb', name: 'opened print dialog', ts: Date.now() - 5000 },
          { idempotency_key: 'e1', kind: 'event', name: 'paper_jam', level: 'error', message: 'jam at tray 2', ts: Date.now() - 1000 },
        ],
      });
    }
    const row = page.locator(`[data-ticket-id="${ticket}"]`);
    await row.waitFor({ timeout: 15000 });
    assert.match(await row.textContent(), /Printer jams/);
    await page.screenshot({ path: join(ARTIFACTS, 'inbox.png'), fullPage: true });
  });

  it('filters the inbox by device model and diagnostics', async () => {
    if (cli) return; // the CLI's device model is whatever the host reports
    await page.fill('[data-testid="filter-model"]', 'X999');
    await page.click('[data-testid="inbox-filters"] button[type="submit"]');
    await page.locator(`[data-ticket-id="${ticket}"]`).waitFor({ state: 'detached' });
    await page.fill('[data-testid="filter-model"]', 'X100');
    await page.selectOption('[data-testid="filter-diagnostics"]', 'true');
    await page.locator(`[data-ticket-id="${ticket}"]`).waitFor();
    await page.fill('[data-testid="filter-model"]', '');
    await page.selectOption('[data-testid="filter-diagnostics"]', '');
  });

  it('opens the ticket: conversation, device details, diagnostics and breadcrumbs', async () => {
    await page.click(`[data-ticket-id="${ticket}"] a`);
    await page.getByTestId('thread').getByText(firstBody).waitFor();
    if (!cli) {
      await page.getByTestId('device-panel').getByText('X100').waitFor();
      await page.getByTestId('diagnostics').getByText('paper_jam').waitFor();
      await page.getByTestId('breadcrumbs').getByText('opened print dialog').waitFor();
    }
    assert.equal(await page.textContent('[data-testid="ticket-status"]'), 'open');
  });

  it('requests diagnostics from the device with one click', async () => {
    await page.click('[data-testid="request-diagnostics"]');
    await page.getByTestId('diag-request').first().waitFor();
    if (!cli) {
      const item = await device.waitFor((i) => i.type === 'diagnostics_request' && i.data.ticket_id === ticket);
      assert.equal(item.data.ticket_id, ticket);
    }
  });

  it('answers the ticket; the reply arrives on the device', async () => {
    await page.fill('[data-testid="reply-body"]', replyText);
    await page.click('[data-testid="reply-send"]');
    await page.locator('[data-testid="message"][data-author="agent"]').getByText(replyText).waitFor();
    if (cli) {
      await eventually(() => cli.show(ticket).includes(replyText), 20000, 500);
    } else {
      await page.screenshot({ path: join(ARTIFACTS, 'ticket.png'), fullPage: true });
      const item = await device.waitFor((i) => i.type === 'message' && i.data.body === replyText);
      assert.equal(item.data.author.type, 'agent');
      assert.equal(item.data.ticket_id, ticket);
    }
  });

  it('shows a new device message in the open ticket without reloading (live update)', async () => {
    if (cli) return;
    await device.call('POST', `/v1/tickets/${ticket}/messages`, { body: 'Updated the firmware, trying now.' });
    await page.getByTestId('thread').getByText('Updated the firmware, trying now.').waitFor({ timeout: 15000 });
  });

  it('changes the status to solved; the device gets the CSAT prompt', async () => {
    await page.selectOption('[data-testid="status-select"]', 'solved');
    await page.click('[data-testid="status-apply"]');
    await eventually(async () => (await page.textContent('[data-testid="ticket-status"]')) === 'solved');
    if (cli) {
      // The SDK turns the server's prompt into HELPLINE_EVENT_SURVEY_PROMPT; the CLI prints it.
      const out = await eventually(() => {
        const o = cli.show(ticket);
        return o.includes('survey prompt') ? o : null;
      }, 20000, 300);
      assert.match(out, /"kind":"csat"/);
      assert.ok(out.includes(`"ticket_id":"${ticket}"`), out);
      return;
    }
    const status = await device.waitFor((i) => i.type === 'ticket_status' && i.data.status === 'solved');
    assert.equal(status.data.changed_by, 'agent');
    const prompt = await device.waitFor((i) => i.type === 'survey_prompt');
    assert.equal(prompt.data.kind, 'csat');
    assert.equal(prompt.data.ticket_id, ticket);
    assert.equal(prompt.data.reason, 'ticket_solved');
  });

  it('the device answers the CSAT survey and the dashboard changes', async () => {
    await page.click('[data-nav="dashboard"]');
    await page.getByTestId('metric-cards').waitFor();
    assert.equal(await page.textContent('[data-testid="metric-csat"]'), '–');
    assert.equal(await page.textContent('[data-testid="metric-tickets"]'), '1');
    if (cli) {
      assert.match(cli.survey('csat', 5, ticket), /csat answer 5 queued/);  // through the SDK's outbox
    } else {
      await device.call('POST', '/v1/surveys', { kind: 'csat', score: 5, ticket_id: ticket, comment: 'quick fix' });
    }
    await page.reload();
    await eventually(async () => (await page.textContent('[data-testid="metric-csat"]')) === '100%');
    assert.equal(await page.textContent('[data-testid="metric-fcr"]'), '100%');
    assert.equal(await page.textContent('[data-testid="metric-backlog"]'), '0');
    await page.getByTestId('chart-csat').locator('circle').first().waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('offers the metrics as a CSV download', async () => {
    const href = await page.getAttribute('[data-testid="csv-export"]', 'href');
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    assert.match(csv, /^from,to,from_iso,to_iso,tickets_created,csat,/);
    assert.match(csv, /,100\.00,1,/);
  });

  it('refuses a state-changing call from the page without the CSRF token', async () => {
    const status = await page.evaluate(async (id) => {
      const r = await fetch(`/v1/agent/tickets/${id}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ body: 'forged' }),
      });
      return r.status;
    }, ticket);
    assert.equal(status, 403);
  });

  it('logs out: the session is gone', async () => {
    await page.click('[data-testid="logout"]');
    await page.getByTestId('login-form').waitFor();
    const status = await page.evaluate(async () => (await fetch('/v1/agent/me')).status);
    assert.equal(status, 401);
  });
});

describe('content editors', () => {
  let page;
  before(async () => {
    page = await newPage(browser, pageErrors);
    await logIn(page, base, agentA);
  });
  after(async () => page.context().close());

  it('creates an FAQ section and a published article that devices receive', async () => {
    await page.click('[data-nav="faq"]');
    await page.click('[data-testid="faq-new-section"]');
    const form = page.getByTestId('faq-form');
    await form.locator('input[name="locale"]').fill('en');
    await form.locator('input[name="title"]').fill('Printing');
    await form.locator('button[type="submit"]').click();
    const section = page.getByTestId('faq-section').filter({ hasText: 'Printing' });
    await section.waitFor();
    await section.getByRole('button', { name: 'New article' }).click();
    await form.locator('input[name="title"]').fill('Clearing a paper jam');
    await form.locator('textarea[name="body"]').fill('Open tray 2 and pull the sheet out gently.');
    await form.locator('input[name="tags"]').fill('jam, tray');
    await form.locator('button[type="submit"]').click();
    await page.getByTestId('faq-article').filter({ hasText: 'Clearing a paper jam' }).waitFor();
    const faq = await new Device(base, APP_A).call('GET', '/v1/faq?locale=en');
    const article = faq.articles.find((a) => a.title === 'Clearing a paper jam');
    assert.ok(article, 'article published to devices');
    assert.deepEqual(article.tags, ['jam', 'tray']);
  });

  it('adds, edits and deletes an FAQ synonym that devices receive in the expansions', async () => {
    await page.click('[data-nav="faq"]');
    const panel = page.getByTestId('faq-synonyms');
    await panel.getByTestId('synonym-new').click();
    const form = page.getByTestId('synonym-form');
    await form.locator('input[name="term"]').fill('Paper  Stuck');
    await form.locator('input[name="to"]').fill('jam, tray');
    await form.locator('input[name="locale"]').fill('en');
    await form.locator('button[type="submit"]').click();
    const row = panel.getByTestId('synonym-row').filter({ hasText: 'paper stuck' });
    await row.waitFor();
    const device = new Device(base, APP_A);
    const expansion = async (term) => (await device.call('GET', '/v1/faq?locale=en')).expansions.find((e) => e.term === term);
    assert.deepEqual(await expansion('paper stuck'), { term: 'paper stuck', to: ['jam', 'tray'], locale: 'en', source: 'agent' });

    await row.getByRole('button', { name: 'Edit' }).click();
    await form.locator('input[name="to"]').fill('jam');
    await form.locator('button[type="submit"]').click();
    await panel.getByTestId('synonym-row').filter({ hasText: 'paper stuck' }).filter({ hasNotText: 'tray' }).waitFor();
    assert.deepEqual((await expansion('paper stuck')).to, ['jam']);

    page.once('dialog', (d) => d.accept());
    await panel.getByTestId('synonym-row').filter({ hasText: 'paper stuck' }).getByRole('button', { name: 'Edit' }).click();
    await form.getByRole('button', { name: 'Delete' }).click();
    await panel.getByText('No synonyms yet.').waitFor();
    assert.equal(await expansion('paper stuck'), undefined);
    // Devices of the other app never see it.
    assert.equal((await new Device(base, APP_B).call('GET', '/v1/faq')).expansions.find((e) => e.source === 'agent'), undefined);
  });

  it('publishes a targeted notice only to matching devices', async () => {
    await page.click('[data-nav="notices"]');
    await page.click('[data-testid="notice-new"]');
    const form = page.getByTestId('notice-form');
    await form.locator('input[name="title"]').fill('Known issue on firmware 2.3');
    await form.locator('textarea[name="body"]').fill('A fix is coming this week.');
    await form.locator('select[name="severity"]').selectOption('warning');
    await page.fill('[data-testid="notice-target"]', '{"firmware_version": {"prefix": "2.3"}}');
    await form.locator('button[type="submit"]').click();
    await page.getByTestId('notice-row').filter({ hasText: 'Known issue on firmware 2.3' }).waitFor();
    const affected = new Device(base, APP_A);
    await affected.call('PUT', '/v1/device', { firmware_version: '2.3.1' });
    const other = new Device(base, APP_A);
    await other.call('PUT', '/v1/device', { firmware_version: '2.4.0' });
    assert.equal((await affected.call('GET', '/v1/notices')).items.length, 1);
    assert.equal((await other.call('GET', '/v1/notices')).items.length, 0);
  });
});

describe('app isolation', () => {
  it('an agent of app B sees none of app A’s tickets', async () => {
    const deviceA = new Device(base, APP_A);
    const hidden = (await deviceA.call('POST', '/v1/tickets', { subject: 'App A only', body: 'secret' })).id;
    const page = await newPage(browser, pageErrors);
    await logIn(page, base, agentB);
    await page.locator('.muted', { hasText: 'No tickets match' }).waitFor();
    assert.equal(await page.locator(`[data-ticket-id="${hidden}"]`).count(), 0);
    await page.goto(`${base}/console/#/ticket/${hidden}`);
    await page.getByText('No such ticket.').waitFor();
    const status = await page.evaluate(async (id) => (await fetch(`/v1/agent/tickets/${id}`)).status, hidden);
    assert.equal(status, 404);
    await page.context().close();
  });
});

describe('page health', () => {
  it('raised no script errors in any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
