// Status page subscriptions end to end: the public routes of the status page,
// the admin webhook API, the events the database derives from public changes,
// and the sender delivering through a real SMTP server on loopback
// (smtp-server in this process) and to a real HTTP receiver checking the
// HMAC signature. The sender is driven by calling runOnce (the scheduler is off
// in tests), and every wait polls.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { Clock } from '@app/platform';
import { NotificationSender } from '@app/status';
import { RunningApi, startApi } from './support/api-app';
import { eventually } from './support/poll';
import { type ReceivedMail, SmtpSink } from './support/smtp-sink';
import { RunningStatusPage, startStatusPage } from './support/status-page-app';

/** Real time plus an offset both apps share: a test can jump ahead (token expiry, the 10-minute mail limit) while backoff still runs. */
class OffsetClock extends Clock {
  private offsetMs = 0;
  override now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(milliseconds: number): void {
    this.offsetMs += milliseconds;
  }
}

interface ReceivedHook {
  readonly body: string;
  readonly json: Record<string, unknown>;
  readonly signature: string | undefined;
  readonly event: string | undefined;
}

/** A real HTTP receiver for webhooks; answers `status` (settable) and keeps every request. */
class HookReceiver {
  readonly received: ReceivedHook[] = [];
  status = 200;
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({
          body,
          json: JSON.parse(body) as Record<string, unknown>,
          signature: request.headers['x-ballast-signature'] as string | undefined,
          event: request.headers['x-ballast-event'] as string | undefined,
        });
        response.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const linkIn = (mail: ReceivedMail, path: string): string => {
  const match = new RegExp(`https?://[^\\s"<>]+${path.replace(/\//g, '\\/')}\\?token=[A-Za-z0-9_-]+`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in: ${mail.text}`);
  return match[0];
};
const tokenOf = (link: string): string => new URL(link).searchParams.get('token') ?? '';

describe('status page subscriptions', () => {
  let smtp: SmtpSink;
  let hooks: HookReceiver;
  let api: RunningApi;
  let page: RunningStatusPage;
  let pageClock: OffsetClock;
  let sender: NotificationSender;
  let db: DataSource;
  let checkout: string;
  let search: string;
  let teamToken: string;

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    hooks = new HookReceiver();
    await hooks.start();
    const env = {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Acme status <status@acme.test>',
      PUBLIC_STATUS_URL: 'https://status.acme.test',
      STATUS_PAGE_NAME: 'Acme',
      SUBSCRIBER_WEBHOOK_ALLOW_PRIVATE: 'true',
      SUBSCRIBER_RETRY_BASE_MS: '300',
      SUBSCRIBER_WEBHOOK_MAX_FAILURES: '3',
      SUBSCRIBE_RATE_LIMIT: '1000',
    };
    pageClock = new OffsetClock();
    api = await startApi({ env, clock: pageClock });
    sender = api.app.get(NotificationSender);
    db = api.app.get(DataSource);
    page = await startStatusPage({ databaseUrl: api.database.url, env, clock: pageClock });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'checkout', name: 'Checkout', team: 'payments' }).expect(201);
    teamToken = (await api.http.post('/api/v1/teams/payments/tokens').set(api.admin).send({ name: 'ci' }).expect(201)).body.token;
    checkout = (
      await api.http
        .post('/api/v1/status/components')
        .set(api.admin)
        .send({ name: 'Checkout', services: ['checkout'] })
        .expect(201)
    ).body.id;
    search = (await api.http.post('/api/v1/status/components').set(api.admin).send({ name: 'Search' }).expect(201)).body.id;
  });

  afterAll(async () => {
    await page?.close();
    await api?.close();
    await smtp?.stop();
    await hooks?.stop();
  });

  /** Runs the sender until `probe` sees what it waits for. */
  const deliverUntil = <T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> =>
    eventually(
      async () => {
        await sender.runOnce();
        return probe();
      },
      what,
      timeoutMs,
      150,
    );

  /** Subscribes and confirms `email`; returns the confirmation mail. */
  async function subscribeConfirmed(email: string, components?: string[]): Promise<ReceivedMail> {
    const before = smtp.mailsTo(email).length;
    await page.http
      .post('/subscribe')
      .send({ email, ...(components ? { components } : {}) })
      .expect(202);
    const mail = await deliverUntil(() => smtp.mailsTo(email)[before], `confirmation mail to ${email}`);
    await page.http.get(new URL(linkIn(mail, '/subscriptions/confirm')).pathname + new URL(linkIn(mail, '/subscriptions/confirm')).search).expect(200);
    return mail;
  }

  async function declarePublic(title: string, summary: string, components: string[]): Promise<string> {
    const created = await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({
        title,
        summary,
        severity: 'SEV2',
        team: 'payments',
        visibility: 'public',
        affectedComponents: components.map((componentId) => ({ componentId, status: 'partial_outage' })),
      })
      .expect(201);
    return created.body.id as string;
  }

  const subscriberRow = async (email: string) =>
    (
      (await db.query(`SELECT id, component_ids, pending_component_ids, confirmed_at FROM status_subscribers WHERE email = $1`, [email])) as Array<{
        id: string;
        component_ids: string[];
        pending_component_ids: string[] | null;
        confirmed_at: Date | null;
      }>
    )[0];

  it('double opt-in: a confirmation mail with a link, confirmed once; forged, reused and expired links change nothing', async () => {
    const email = 'ada@example.com';
    const accepted = await page.http
      .post('/subscribe')
      .send({ email, components: [checkout] })
      .expect(202);
    expect(accepted.body).toMatchObject({ status: 'pending_confirmation' });
    const mail = await deliverUntil(() => smtp.mailsTo(email)[0], 'the confirmation mail');
    expect(mail.subject).toBe('Confirm your subscription to Acme status updates');
    expect(mail.text).toContain('Checkout');
    const link = linkIn(mail, '/subscriptions/confirm');
    expect(link.startsWith('https://status.acme.test/subscriptions/confirm?token=')).toBe(true);
    expect((await subscriberRow(email)).confirmed_at).toBeNull();

    const forged = await page.http.get('/subscriptions/confirm?token=' + 'A'.repeat(43)).expect(404);
    expect(forged.text).toContain('This confirmation link is not valid');
    await page.http.get('/subscriptions/confirm?token=<script>').expect(404);
    await page.http.get('/subscriptions/confirm').expect(404);
    expect((await subscriberRow(email)).confirmed_at).toBeNull();

    const confirmed = await page.http.get(`/subscriptions/confirm?token=${tokenOf(link)}`).expect(200);
    expect(confirmed.headers['content-type']).toContain('text/html');
    expect(confirmed.text).toContain('Subscription confirmed');
    const row = await subscriberRow(email);
    expect(row.confirmed_at).not.toBeNull();
    expect(row.component_ids).toEqual([checkout]);

    const reused = await page.http.get(`/subscriptions/confirm?token=${tokenOf(link)}`).expect(404);
    expect(reused.text).toContain('not valid');

    // A second address whose link is used after it expired (48 h on the status page's clock).
    const late = 'late@example.com';
    await page.http.post('/subscribe').send({ email: late }).expect(202);
    const lateMail = await deliverUntil(() => smtp.mailsTo(late)[0], 'the confirmation mail of the late subscriber');
    pageClock.advance(49 * 3_600_000);
    const expired = await page.http.get(`/subscriptions/confirm?token=${tokenOf(linkIn(lateMail, '/subscriptions/confirm'))}`).expect(410);
    expect(expired.text).toContain('expired');
    expect((await subscriberRow(late)).confirmed_at).toBeNull();
  });

  it('bad input: an invalid address names email, an unknown component names components; a form gets the form back with the problem', async () => {
    const invalid = await page.http.post('/subscribe').send({ email: 'not-an-address' }).expect(400);
    expect(invalid.body).toMatchObject({ error: 'invalid_email', field: 'email' });
    const unknown = await page.http
      .post('/subscribe')
      .send({ email: 'bob@example.com', components: ['nosuchcomp12'] })
      .expect(400);
    expect(unknown.body).toMatchObject({ error: 'unknown_components', field: 'components' });
    await page.http
      .post('/subscribe')
      .send({ email: 'bob@example.com', components: 'x'.repeat(5) })
      .expect(400);
    const form = await page.http.post('/subscribe').type('form').send('email=nope').expect(400);
    expect(form.headers['content-type']).toContain('text/html');
    expect(form.text).toContain('not a valid e-mail address');
    expect(form.text).toContain('<form method="post" action="/subscribe">');
    expect(
      (
        (await db.query(`SELECT count(*)::int AS n FROM status_subscribers WHERE email IN ('not-an-address', 'bob@example.com', 'nope')`)) as Array<{
          n: number;
        }>
      )[0].n,
    ).toBe(0);
  });

  it('subscribing again changes the components of the one subscription, with at most one confirmation mail per 10 minutes', async () => {
    const email = 'carol@example.com';
    await page.http
      .post('/subscribe')
      .type('form')
      .send(`email=${encodeURIComponent(email)}&components=${checkout}`)
      .expect(202);
    await page.http
      .post('/subscribe')
      .send({ email, components: [search] })
      .expect(202);
    await page.http
      .post('/subscribe')
      .send({ email, components: [checkout, search] })
      .expect(202);
    const first = await deliverUntil(() => smtp.mailsTo(email)[0], 'the confirmation mail');
    await sender.runOnce();
    expect(smtp.mailsTo(email)).toHaveLength(1);
    expect(((await db.query(`SELECT count(*)::int AS n FROM status_subscribers WHERE email = $1`, [email])) as Array<{ n: number }>)[0].n).toBe(1);
    expect((await subscriberRow(email)).component_ids).toEqual([checkout, search].sort());
    await page.http.get(`/subscriptions/confirm?token=${tokenOf(linkIn(first, '/subscriptions/confirm'))}`).expect(200);

    // Confirmed: a new choice waits for confirmation from the mailbox (nobody else can narrow it), after the 10 minutes.
    await page.http
      .post('/subscribe')
      .send({ email, components: [search] })
      .expect(202);
    expect(await subscriberRow(email)).toMatchObject({ component_ids: [checkout, search].sort(), pending_component_ids: [search] });
    await sender.runOnce();
    expect(smtp.mailsTo(email)).toHaveLength(1);
    pageClock.advance(11 * 60_000);
    await page.http
      .post('/subscribe')
      .send({ email, components: [search] })
      .expect(202);
    const second = await deliverUntil(() => smtp.mailsTo(email)[1], 'the second confirmation mail');
    await page.http.get(`/subscriptions/confirm?token=${tokenOf(linkIn(second, '/subscriptions/confirm'))}`).expect(200);
    expect(await subscriberRow(email)).toMatchObject({ component_ids: [search], pending_component_ids: null });
  });

  it('a public incident reaches matching subscribers once per event, with List-Unsubscribe headers and nothing internal', async () => {
    const checkoutFan = 'dave@example.com';
    const searchFan = 'erin@example.com';
    const everything = 'frank@example.com';
    await subscribeConfirmed(checkoutFan, [checkout]);
    await subscribeConfirmed(searchFan, [search]);
    await subscribeConfirmed(everything);
    const baseline = (address: string) => smtp.mailsTo(address).length;
    const before = { checkoutFan: baseline(checkoutFan), searchFan: baseline(searchFan), everything: baseline(everything) };

    // An internal incident is nobody's news.
    await api.http
      .post('/api/v1/incidents')
      .set(api.admin)
      .send({ title: 'Internal only', severity: 'SEV3', team: 'payments', visibility: 'internal' })
      .expect(201);
    // The summary is the incident's first public update (DESIGN: a public incident always says something).
    const id = await declarePublic('Checkout errors', 'Some payments fail at checkout.', [checkout]);
    await api.http.post(`/api/v1/incidents/${id}/updates`).set(api.admin).send({ body: 'SECRET-NOTE rolling back build 42', public: false }).expect(201);
    await api.http
      .post(`/api/v1/incidents/${id}/updates`)
      .set(api.admin)
      .send({ body: 'We found the cause and are rolling back.', public: true, status: 'identified' })
      .expect(201);

    const mails = await deliverUntil(() => {
      const received = smtp.mailsTo(checkoutFan).slice(before.checkoutFan);
      return received.length >= 2 ? received : undefined;
    }, 'the created and update notifications');
    await sender.runOnce();
    expect(smtp.mailsTo(checkoutFan).slice(before.checkoutFan)).toHaveLength(2);
    expect(mails.map((mail) => mail.subject).sort()).toEqual(['[Acme status] Identified: Checkout errors', '[Acme status] Investigating: Checkout errors']);
    const update = mails.find((mail) => mail.subject.includes('Identified'))!;
    expect(update.text).toContain('We found the cause and are rolling back.');
    expect(update.html).toContain('We found the cause and are rolling back.');
    expect(update.text).toContain('https://status.acme.test/incidents/' + id);
    const created = mails.find((mail) => mail.subject.includes('Investigating'))!;
    expect(created.text).toContain('Some payments fail at checkout.');
    for (const mail of mails) {
      expect(mail.raw).not.toContain('SECRET');
      expect(mail.raw).not.toContain('Internal only');
      const unsubscribe = linkIn(mail, '/subscriptions/unsubscribe');
      const headerBlock = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
      expect(/^List-Unsubscribe: <([^>]+)>$/m.exec(headerBlock)?.[1]).toBe(unsubscribe);
      expect(headerBlock).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    }
    // Everything-subscriber got both; the Search-only one neither.
    expect(smtp.mailsTo(everything).slice(before.everything)).toHaveLength(2);
    expect(smtp.mailsTo(searchFan).slice(before.searchFan)).toHaveLength(0);

    await api.http.patch(`/api/v1/incidents/${id}`).set(api.admin).send({ status: 'resolved' }).expect(200);
    const resolved = await deliverUntil(() => smtp.mailsTo(checkoutFan)[before.checkoutFan + 2], 'the resolved notification');
    expect(resolved.subject).toBe('[Acme status] Resolved: Checkout errors');
    await sender.runOnce();
    expect(smtp.mailsTo(checkoutFan).slice(before.checkoutFan)).toHaveLength(3);
    const outbox = (await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS events FROM status_notification_outbox o JOIN status_subscribers s ON s.id = o.subscriber_id WHERE s.email = $1 AND o.kind = 'notification'`,
      [checkoutFan],
    )) as Array<{ n: number; events: number }>;
    expect(outbox[0]).toEqual({ n: 3, events: 3 });
  });

  it('an incident made non-public before its notification went out is never sent', async () => {
    const email = 'olivia@example.com';
    await subscribeConfirmed(email);
    const id = await declarePublic('Briefly public', 'x', [checkout]);
    await api.http.patch(`/api/v1/incidents/${id}`).set(api.admin).send({ visibility: 'internal' }).expect(200);
    await sender.runOnce();
    await sender.runOnce();
    expect(smtp.mailsTo(email).filter((mail) => mail.subject.includes('Briefly public'))).toHaveLength(0);
    const rows = (await db.query(
      `SELECT o.state FROM status_notification_outbox o JOIN status_notification_events e ON e.id = o.event_id JOIN status_subscribers s ON s.id = o.subscriber_id WHERE s.email = $1 AND e.subject_id = $2`,
      [email, id],
    )) as Array<{ state: string }>;
    expect(rows).toEqual([{ state: 'cancelled' }]);
  });

  it('one-click unsubscribe: GET shows a button and changes nothing, POST unsubscribes, the link then says it is used', async () => {
    const email = 'grace@example.com';
    await subscribeConfirmed(email);
    const id = await declarePublic('Search slow', 'internal words', [search]);
    const mail = await deliverUntil(() => smtp.mailsTo(email).find((candidate) => candidate.subject.includes('Search slow')), 'the notification');
    const link = new URL(linkIn(mail, '/subscriptions/unsubscribe'));
    const landing = await page.http.get(link.pathname + link.search).expect(200);
    expect(landing.text).toContain('<form method="post"');
    expect(await subscriberRow(email)).toBeDefined();
    await page.http
      .post('/subscriptions/unsubscribe?token=' + 'B'.repeat(43))
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(404);
    expect(await subscriberRow(email)).toBeDefined();
    const done = await page.http
      .post(link.pathname + link.search)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    expect(done.text).toContain('You are unsubscribed');
    expect(await subscriberRow(email)).toBeUndefined();
    const again = await page.http
      .post(link.pathname + link.search)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(404);
    expect(again.text).toContain('not valid');
    await page.http.get(link.pathname + link.search).expect(404);

    const count = smtp.mailsTo(email).length;
    await api.http.post(`/api/v1/incidents/${id}/updates`).set(api.admin).send({ body: 'Still slow.', public: true }).expect(201);
    await sender.runOnce();
    await sender.runOnce();
    expect(smtp.mailsTo(email)).toHaveLength(count);
  });

  it('SMTP down or a refused recipient: retried with backoff, visible in /metrics, delivered once when it recovers', async () => {
    const email = 'heidi@example.com';
    const refused = 'ivan@example.com';
    await subscribeConfirmed(email, [checkout]);
    await subscribeConfirmed(refused, [checkout]);
    smtp.refuse.add(refused);
    await smtp.stop();
    const id = await declarePublic('Payments down', 'x', [checkout]);
    const first = await sender.runOnce();
    expect(first.failed).toBeGreaterThanOrEqual(2);
    const metrics = (await api.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/ballast_status_notifications_failed_total\{channel="email",kind="notification"\} [1-9]/);
    expect(metrics).toMatch(/ballast_status_notifications_pending\{channel="email"\} [1-9]/);
    const pending = (await db.query(
      `SELECT o.state, o.attempts, o.last_error FROM status_notification_outbox o JOIN status_subscribers s ON s.id = o.subscriber_id WHERE s.email = $1 AND o.kind = 'notification'`,
      [email],
    )) as Array<{ state: string; attempts: number; last_error: string }>;
    expect(pending).toEqual([{ state: 'pending', attempts: 1, last_error: expect.any(String) }]);

    await smtp.listen();
    const delivered = await deliverUntil(() => smtp.mailsTo(email).find((mail) => mail.subject.includes('Payments down')), 'the notification after the outage');
    expect(delivered.text).toContain('Payments down');
    // The refused recipient keeps being retried (never lost) until the server accepts it.
    await eventually(
      async () => {
        await sender.runOnce();
        const rows = (await db.query(
          `SELECT attempts FROM status_notification_outbox o JOIN status_subscribers s ON s.id = o.subscriber_id WHERE s.email = $1 AND o.kind = 'notification' AND o.state = 'pending'`,
          [refused],
        )) as Array<{ attempts: number }>;
        return rows[0]?.attempts >= 3 ? true : undefined;
      },
      'more attempts for the refused recipient',
      20_000,
      150,
    );
    expect(smtp.mailsTo(refused).filter((mail) => mail.subject.includes('Payments down'))).toHaveLength(0);
    smtp.refuse.delete(refused);
    await deliverUntil(() => smtp.mailsTo(refused).find((mail) => mail.subject.includes('Payments down')), 'the refused recipient finally delivered');
    await api.http.post(`/api/v1/incidents/${id}/updates`).set(api.admin).send({ body: 'Recovered.', public: true, status: 'monitoring' }).expect(201);
    await deliverUntil(() => smtp.mailsTo(email).find((mail) => mail.subject.includes('Monitoring')), 'the next update');
    for (const address of [email, refused])
      expect(smtp.mailsTo(address).filter((mail) => mail.subject === '[Acme status] Investigating: Payments down')).toHaveLength(1);
    expect((await api.http.get('/metrics').expect(200)).text).toMatch(/ballast_status_notifications_sent_total\{channel="email",kind="notification"\} [1-9]/);
  });

  it('two senders at once deliver each event to each subscriber exactly once', async () => {
    const addresses = Array.from({ length: 60 }, (_, index) => `bulk${index}@example.com`);
    await db.query(`INSERT INTO status_subscribers (type, email, confirmed_at) SELECT 'email', address, now() FROM unnest($1::varchar[]) AS address`, [
      addresses,
    ]);
    const second = await startApi({ database: api.database, env: { SMTP_URL: smtp.url, PUBLIC_STATUS_URL: 'https://status.acme.test' }, clock: pageClock });
    try {
      const otherSender = second.app.get(NotificationSender);
      await declarePublic('Everything is slow', 'x', []);
      await eventually(
        async () => {
          await Promise.all([sender.runOnce(), otherSender.runOnce(), sender.runOnce(), otherSender.runOnce()]);
          return addresses.every((address) => smtp.mailsTo(address).some((mail) => mail.subject.includes('Everything is slow'))) ? true : undefined;
        },
        'every bulk subscriber notified',
        30_000,
        100,
      );
      await Promise.all([sender.runOnce(), otherSender.runOnce()]);
      for (const address of addresses) expect(smtp.mailsTo(address).filter((mail) => mail.subject.includes('Everything is slow'))).toHaveLength(1);
    } finally {
      await second.close();
    }
  });

  it('maintenance scheduled, started and completed are each announced once', async () => {
    const email = 'judy@example.com';
    await subscribeConfirmed(email, [search]);
    const now = Date.now();
    const created = await api.http
      .post('/api/v1/status/maintenances')
      .set(api.admin)
      .send({
        name: 'Search index rebuild',
        body: 'Searches may be slow.',
        scheduledFor: new Date(now + 3_600_000).toISOString(),
        scheduledUntil: new Date(now + 7_200_000).toISOString(),
        components: [search],
        autoStart: false,
        autoComplete: false,
      })
      .expect(201);
    const maintenanceId = created.body.id as string;
    const scheduled = await deliverUntil(() => smtp.mailsTo(email).find((mail) => mail.subject.includes('Search index rebuild')), 'the scheduled notification');
    expect(scheduled.subject).toBe('[Acme status] Scheduled: Search index rebuild');
    expect(scheduled.text).toContain('Searches may be slow.');
    await api.http.patch(`/api/v1/status/maintenances/${maintenanceId}`).set(api.admin).send({ status: 'in_progress' }).expect(200);
    await deliverUntil(
      () => smtp.mailsTo(email).find((mail) => mail.subject === '[Acme status] In progress: Search index rebuild'),
      'the started notification',
    );
    await api.http.patch(`/api/v1/status/maintenances/${maintenanceId}`).set(api.admin).send({ status: 'completed' }).expect(200);
    await deliverUntil(
      () => smtp.mailsTo(email).find((mail) => mail.subject === '[Acme status] Completed: Search index rebuild'),
      'the completed notification',
    );
    await sender.runOnce();
    expect(smtp.mailsTo(email).filter((mail) => mail.subject.includes('Search index rebuild'))).toHaveLength(3);
  });

  it('webhook subscribers: admin-only API, signed deliveries, retried on 5xx and disabled after repeated failures', async () => {
    await api.http
      .post('/api/v1/status/subscribers')
      .set({ Authorization: `Bearer ${teamToken}` })
      .send({ type: 'webhook', url: hooks.url })
      .expect(403);
    await api.http
      .get('/api/v1/status/subscribers')
      .set({ Authorization: `Bearer ${teamToken}` })
      .expect(403);
    await api.http.post('/api/v1/status/subscribers').send({ type: 'webhook', url: hooks.url }).expect(401);
    const notHttp = await api.http.post('/api/v1/status/subscribers').set(api.admin).send({ type: 'webhook', url: 'ftp://hooks.example.com/x' }).expect(400);
    expect(notHttp.body).toMatchObject({ field: 'url' });
    const badComponents = await api.http
      .post('/api/v1/status/subscribers')
      .set(api.admin)
      .send({ type: 'webhook', url: hooks.url, components: ['nosuchcomp12'] })
      .expect(400);
    expect(badComponents.body).toMatchObject({ field: 'components' });
    const created = await api.http
      .post('/api/v1/status/subscribers')
      .set(api.admin)
      .send({ type: 'webhook', url: hooks.url, components: [checkout] })
      .expect(201);
    expect(created.body).toMatchObject({
      type: 'webhook',
      url: hooks.url,
      components: [checkout],
      disabled: false,
      failureCount: 0,
      secret: expect.stringMatching(/^whsec_/),
    });
    const secret = created.body.secret as string;
    const id = created.body.id as string;
    const read = await api.http.get(`/api/v1/status/subscribers/${id}`).set(api.admin).expect(200);
    expect(read.body.secret).toBeUndefined();
    await api.http
      .get(`/api/v1/status/subscribers/${id}`)
      .set({ Authorization: `Bearer ${teamToken}` })
      .expect(403);
    await api.http
      .delete(`/api/v1/status/subscribers/${id}`)
      .set({ Authorization: `Bearer ${teamToken}` })
      .expect(403);
    await api.http.get('/api/v1/status/subscribers/not-a-uuid').set(api.admin).expect(400);
    const listed = await api.http.get('/api/v1/status/subscribers?type=webhook').set(api.admin).expect(200);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(id);

    const incidentId = await declarePublic('Webhook check', 'Checking webhooks.', [checkout]);
    await api.http.post(`/api/v1/incidents/${incidentId}/updates`).set(api.admin).send({ body: 'SECRET internal note', public: false }).expect(201);
    const hook = await deliverUntil(
      () => hooks.received.find((candidate) => (candidate.json.incident as { id?: string } | undefined)?.id === incidentId),
      'the webhook delivery',
    );
    expect(hook.signature).toBe(`sha256=${createHmac('sha256', secret).update(hook.body).digest('hex')}`);
    expect(hook.event).toBe('incident.created');
    expect(hook.json).toMatchObject({
      event: 'incident.created',
      incident: { id: incidentId, title: 'Webhook check', url: `https://status.acme.test/incidents/${incidentId}` },
      components: [{ id: checkout, name: 'Checkout', status: 'partial_outage' }],
    });
    expect(hook.body).not.toContain('SECRET');

    // 5xx: retried with backoff; 3 failures in a row disable it (SUBSCRIBER_WEBHOOK_MAX_FAILURES=3 here).
    hooks.status = 503;
    const attemptsBefore = hooks.received.length;
    await api.http.post(`/api/v1/incidents/${incidentId}/updates`).set(api.admin).send({ body: 'Retry me.', public: true }).expect(201);
    const disabled = await eventually(
      async () => {
        await sender.runOnce();
        const body = (await api.http.get(`/api/v1/status/subscribers/${id}`).set(api.admin).expect(200)).body;
        return body.disabled ? body : undefined;
      },
      'the webhook disabled',
      30_000,
      150,
    );
    expect(disabled).toMatchObject({ disabled: true, failureCount: 3, disabledReason: expect.stringContaining('HTTP 503') });
    expect(hooks.received.length - attemptsBefore).toBe(3);
    expect(hooks.received.slice(attemptsBefore).every((candidate) => candidate.json.event === 'incident.update')).toBe(true);
    hooks.status = 200;
    await api.http.post(`/api/v1/incidents/${incidentId}/updates`).set(api.admin).send({ body: 'After disabling.', public: true }).expect(201);
    await sender.runOnce();
    await sender.runOnce();
    expect(hooks.received.length - attemptsBefore).toBe(3);

    const removed = await api.http.delete(`/api/v1/status/subscribers/${id}`).set(api.admin).expect(200);
    expect(removed.body.id).toBe(id);
    await api.http.get(`/api/v1/status/subscribers/${id}`).set(api.admin).expect(404);
  });

  it('refuses webhook targets on loopback or private addresses unless SUBSCRIBER_WEBHOOK_ALLOW_PRIVATE=true', async () => {
    const strict = await startApi({ database: api.database });
    try {
      for (const url of [
        'http://127.0.0.1:9/x',
        'http://localhost/x',
        'http://10.1.2.3/x',
        'http://[::1]/x',
        'http://169.254.169.254/latest',
        'http://192.168.0.10/x',
      ]) {
        const refused = await strict.http.post('/api/v1/status/subscribers').set(strict.admin).send({ type: 'webhook', url }).expect(400);
        expect(refused.body).toMatchObject({ error: 'private_webhook_target', field: 'url' });
      }
      const email = await strict.http.post('/api/v1/status/subscribers').set(strict.admin).send({ type: 'email', url: 'x' }).expect(400);
      expect(email.body).toMatchObject({ field: 'type' });
    } finally {
      await strict.close();
    }
  });

  it('offers the form only with SMTP_URL: the home page shows it, and without SMTP the route says why', async () => {
    const home = await eventually(async () => {
      const response = await page.http.get('/');
      return response.status === 200 ? response.text : undefined;
    }, 'the home page');
    expect(home).toContain('<form method="post" action="/subscribe">');
    const form = await page.http.get('/subscribe').expect(200);
    expect(form.text).toContain(`value="${checkout}"`);

    const bare = await startStatusPage({ databaseUrl: api.database.url });
    try {
      const response = await bare.http.post('/subscribe').send({ email: 'kim@example.com' }).expect(503);
      expect(response.body).toMatchObject({ error: 'subscriptions_unavailable', message: expect.stringContaining('SMTP_URL') });
      await bare.http.get('/subscribe').expect(503);
      const bareHome = await eventually(async () => {
        const answer = await bare.http.get('/');
        return answer.status === 200 ? answer.text : undefined;
      }, 'the home page without SMTP');
      expect(bareHome).not.toContain('action="/subscribe"');
    } finally {
      await bare.close();
    }
  });

  it('rate-limits subscription requests per client IP', async () => {
    const limited = await startStatusPage({ databaseUrl: api.database.url, env: { SMTP_URL: smtp.url, SUBSCRIBE_RATE_LIMIT: '3' } });
    try {
      for (let index = 0; index < 3; index++)
        await limited.http
          .post('/subscribe')
          .send({ email: `rate${index}@example.com` })
          .expect(202);
      const refused = await limited.http.post('/subscribe').send({ email: 'rate9@example.com' }).expect(429);
      expect(refused.body).toMatchObject({ error: 'rate_limited' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(await subscriberRow('rate9@example.com')).toBeUndefined();
    } finally {
      await limited.close();
    }
  });
});
