import { DataSource } from 'typeorm';
import { RunningApi, startApi, TEST_ADMIN_TOKEN } from './support/api-app';
import { createTestDatabase } from './support/database';
import { FAKE_SLACK_USERS, FakeSlack } from './support/fake-slack';
import { openDeclareForm, postToSlackEndpoint, SLACK_SIGNING_SECRET, slackEnv, slackIdle, submitDeclareForm } from './support/slack-harness';
import { slashCommandRequest } from './support/slack-payloads';
import { sql } from './support/sql';

/**
 * Issue 18's findings other than the isolation matrix, each against the real
 * API app and PostgreSQL: tokens, Alertmanager dedup per team, reopen
 * conflicts, the audit trail, the dashboard's headers, cookies and CSRF, text
 * hygiene, the evaluate rate limit, Slack replays.
 */

function alertGroup(team: string, groupKey: string, title: string) {
  const alert = {
    status: 'firing',
    labels: { alertname: title, team },
    annotations: { summary: title },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus/graph',
    fingerprint: `${team}-${groupKey}`,
  };
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'ballast',
    groupLabels: { alertname: title },
    commonLabels: { alertname: title, team },
    commonAnnotations: { summary: title },
    externalURL: 'http://am',
    alerts: [alert],
  };
}

describe('hostile input and isolation findings (issue 18)', () => {
  let api: RunningApi;
  let teamToken: { alpha: string; beta: string };

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    api = await startApi({ env: { SLO_EVALUATE_PER_MINUTE: '2' } });
    for (const slug of ['alpha', 'beta']) {
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug, name: slug }).expect(201);
      await api.http
        .post('/api/v1/services')
        .set(api.admin)
        .send({ slug: `${slug}-api`, name: slug, team: slug })
        .expect(201);
    }
    teamToken = {
      alpha: (await api.http.post('/api/v1/teams/alpha/tokens').set(api.admin).send({ name: 'alpha' }).expect(201)).body.token,
      beta: (await api.http.post('/api/v1/teams/beta/tokens').set(api.admin).send({ name: 'beta' }).expect(201)).body.token,
    };
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  describe('tokens', () => {
    it('lets only the admin issue and revoke tokens; revoking a token revokes every token it issued', async () => {
      expect((await api.http.post('/api/v1/teams/alpha/tokens').set(bearer(teamToken.alpha)).send({ name: 'sibling' })).status).toBe(403);
      const issued = await api.http.post('/api/v1/admin/tokens').set(api.admin).send({ name: 'ops' }).expect(201);
      expect(issued.body).toMatchObject({ id: expect.any(String), token: expect.stringMatching(/^blst_/), team: null });
      const ops = bearer(issued.body.token);
      // The issued admin token issues a team token and another admin token.
      const child = await api.http.post('/api/v1/teams/alpha/tokens').set(ops).send({ name: 'child' }).expect(201);
      const grandchild = await api.http.post('/api/v1/admin/tokens').set(ops).send({ name: 'grandchild' }).expect(201);
      const siblingOfAlpha = (await api.http.get('/api/v1/teams/alpha/tokens').set(api.admin).expect(200)).body.items.find(
        (token: { name: string }) => token.name === 'alpha',
      );
      expect((await api.http.delete(`/api/v1/admin/tokens/${issued.body.id}`).set(bearer(teamToken.alpha))).status).toBe(403);
      expect((await api.http.delete(`/api/v1/teams/alpha/tokens/${siblingOfAlpha.id}`).set(bearer(teamToken.alpha))).status).toBe(403);

      const revoked = await api.http.delete(`/api/v1/admin/tokens/${issued.body.id}`).set(api.admin).expect(200);
      expect(revoked.body.revokedAt).toEqual(expect.any(String));
      for (const token of [issued.body.token, child.body.token, grandchild.body.token]) {
        expect((await api.http.get('/api/v1/teams').set(bearer(token))).status).toBe(401);
      }
      // Tokens issued by someone else keep working.
      expect((await api.http.get('/api/v1/teams').set(bearer(teamToken.alpha))).status).toBe(200);
    });

    it('retires the admin token generated at first start once API_ADMIN_TOKEN is configured', async () => {
      const database = await createTestDatabase();
      const first = await startApi({ database, keepDatabase: true, env: { API_ADMIN_TOKEN: undefined } });
      let generated: string;
      try {
        generated = /(blst_[A-Za-z0-9_-]{43})/.exec(first.printed.join('\n'))?.[1] as string;
        expect(generated).toBeDefined();
        expect((await first.http.get('/api/v1/teams').set(bearer(generated))).status).toBe(200);
      } finally {
        await first.close();
      }
      const second = await startApi({ database, env: { API_ADMIN_TOKEN: TEST_ADMIN_TOKEN } });
      try {
        expect((await second.http.get('/api/v1/teams').set(bearer(generated))).status).toBe(401);
        expect((await second.http.get('/api/v1/teams').set(second.admin)).status).toBe(200);
      } finally {
        await second.close();
        await database.drop();
      }
    }, 60_000);
  });

  describe('Alertmanager', () => {
    it("deduplicates per team: another team's group with the same groupKey opens its own incident and learns nothing of the first", async () => {
      const betaFirst = await api.http
        .post('/webhooks/alertmanager')
        .set(bearer(teamToken.beta))
        .send(alertGroup('beta', 'shared-key', 'BetaDown'))
        .expect(200);
      expect(betaFirst.body.action).toBe('opened');
      await api.http.patch(`/api/v1/incidents/${betaFirst.body.incident}`).set(bearer(teamToken.beta)).send({ visibility: 'private' }).expect(200);
      const alpha = await api.http
        .post('/webhooks/alertmanager')
        .set(bearer(teamToken.alpha))
        .send(alertGroup('alpha', 'shared-key', 'AlphaDown'))
        .expect(200);
      expect(alpha.body.action).toBe('opened');
      expect(alpha.body.incident).not.toBe(betaFirst.body.incident);
      expect(JSON.stringify(alpha.body)).not.toContain(betaFirst.body.reference);
      const betaTimeline = (await api.http.get(`/api/v1/incidents/${betaFirst.body.incident}/timeline`).set(api.admin).expect(200)).body.items;
      expect(JSON.stringify(betaTimeline)).not.toContain('AlphaDown');
      // The same team's re-delivery still lands in its own open incident.
      const again = await api.http
        .post('/webhooks/alertmanager')
        .set(bearer(teamToken.beta))
        .send(alertGroup('beta', 'shared-key', 'BetaDown'))
        .expect(200);
      expect(again.body).toMatchObject({ action: 'updated', incident: betaFirst.body.incident });
    });
  });

  describe('reopen conflicts', () => {
    it("answers 409 naming the open incident and hands the update's text back; nothing is written", async () => {
      const first = await api.http
        .post('/webhooks/alertmanager')
        .set(bearer(teamToken.alpha))
        .send(alertGroup('alpha', 'reopen-key', 'Flappy'))
        .expect(200);
      await api.http.patch(`/api/v1/incidents/${first.body.incident}`).set(bearer(teamToken.alpha)).send({ status: 'resolved' }).expect(200);
      const second = await api.http
        .post('/webhooks/alertmanager')
        .set(bearer(teamToken.alpha))
        .send(alertGroup('alpha', 'reopen-key', 'Flappy'))
        .expect(200);
      expect(second.body.action).toBe('opened');
      const timelineBefore = (await api.http.get(`/api/v1/incidents/${first.body.incident}/timeline`).set(api.admin)).body.items.length;
      const text = 'It is back: the fix did not hold.';
      const reopen = await api.http
        .post(`/api/v1/incidents/${first.body.incident}/updates`)
        .set(bearer(teamToken.alpha))
        .send({ body: text, public: false, status: 'investigating' });
      expect(reopen.status).toBe(409);
      expect(reopen.body).toMatchObject({
        error: 'reopen_conflict',
        field: 'status',
        details: { openIncident: { id: second.body.incident, reference: second.body.reference }, unsavedText: text },
      });
      expect(reopen.body.message).toContain(second.body.reference);
      const patched = await api.http.patch(`/api/v1/incidents/${first.body.incident}`).set(bearer(teamToken.alpha)).send({ status: 'investigating' });
      expect(patched.status).toBe(409);
      expect((await api.http.get(`/api/v1/incidents/${first.body.incident}/timeline`).set(api.admin)).body.items).toHaveLength(timelineBefore);
    });
  });

  describe('audit trail', () => {
    it('records every write with actor, action, target, request id and changed fields, and cannot be rewritten', async () => {
      const created = await api.http
        .post('/api/v1/incidents')
        .set(bearer(teamToken.alpha))
        .set('X-Request-Id', 'req-audit-1')
        .send({ title: 'Audited', severity: 'SEV3', team: 'alpha', summary: 'x' })
        .expect(201);
      await api.http.patch(`/api/v1/incidents/${created.body.id}`).set(bearer(teamToken.alpha)).send({ severity: 'SEV2' }).expect(200);
      const records = (await api.http.get(`/api/v1/audit?targetType=incidents&limit=200`).set(api.admin).expect(200)).body.items;
      const creation = records.find((record: { requestId: string }) => record.requestId === 'req-audit-1');
      expect(creation).toMatchObject({
        channel: 'api',
        actor: { kind: 'team', team: 'alpha', tokenId: expect.any(String) },
        action: 'POST /api/v1/incidents',
        target: { type: 'incidents', id: created.body.id },
        changedFields: ['title', 'severity', 'team', 'summary'],
        outcome: 201,
      });
      const byTarget = (await api.http.get(`/api/v1/audit?targetId=${created.body.id}`).set(api.admin).expect(200)).body.items;
      expect(byTarget.map((record: { action: string }) => record.action)).toEqual(['PATCH /api/v1/incidents/:id', 'POST /api/v1/incidents']);
      expect((await api.http.get('/api/v1/audit').set(bearer(teamToken.alpha))).status).toBe(403);
      const dataSource = api.app.get(DataSource);
      await expect(dataSource.query(`UPDATE audit_log SET action = 'forged'`)).rejects.toThrow(/append-only/);
      await expect(dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
      await expect(dataSource.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    });
  });

  describe('dashboard', () => {
    const cookies = (response: { headers: Record<string, unknown> }) => ([] as string[]).concat((response.headers['set-cookie'] as string[] | undefined) ?? []);
    const pairs = (list: string[]) => list.map((cookie) => cookie.split(';')[0]);

    it('sends CSP, X-Frame-Options, nosniff and Referrer-Policy, and needs the CSRF token to sign in and out', async () => {
      const form = await api.http.get('/dashboard/login').expect(200);
      expect(form.headers['content-security-policy']).toContain("default-src 'none'");
      expect(form.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(form.headers['x-frame-options']).toBe('DENY');
      expect(form.headers['x-content-type-options']).toBe('nosniff');
      expect(form.headers['referrer-policy']).toBe('no-referrer');
      const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1] as string;
      expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const csrfCookie = pairs(cookies(form));

      // A cross-site form post has neither the cookie nor the token.
      expect((await api.http.post('/dashboard/login').type('form').send({ token: TEST_ADMIN_TOKEN })).status).toBe(403);
      expect(
        (
          await api.http
            .post('/dashboard/login')
            .set('Cookie', csrfCookie)
            .type('form')
            .send({ token: TEST_ADMIN_TOKEN, csrf: 'x'.repeat(43) })
        ).status,
      ).toBe(403);
      const signedIn = await api.http.post('/dashboard/login').set('Cookie', csrfCookie).type('form').send({ token: TEST_ADMIN_TOKEN, csrf }).expect(303);
      const session = [...csrfCookie, ...pairs(cookies(signedIn))];
      const page = await api.http.get('/dashboard').set('Cookie', session).expect(200);
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.text).toContain('action="/dashboard/logout"');

      expect((await api.http.post('/dashboard/logout').set('Cookie', session).type('form').send({})).status).toBe(403);
      const signedOut = await api.http.post('/dashboard/logout').set('Cookie', session).type('form').send({ csrf }).expect(303);
      expect(cookies(signedOut).some((cookie) => /^ballast_dashboard=;/.test(cookie) && /Expires=Thu, 01 Jan 1970/.test(cookie))).toBe(true);
    });

    it('makes the cookies Secure when the request came over HTTPS through a trusted proxy, and only then', async () => {
      const form = await api.http.get('/dashboard/login').set('X-Forwarded-Proto', 'https').expect(200);
      const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1] as string;
      expect(cookies(form).every((cookie) => /; Secure/.test(cookie))).toBe(true);
      const signedIn = await api.http
        .post('/dashboard/login')
        .set('X-Forwarded-Proto', 'https')
        .set('Cookie', pairs(cookies(form)))
        .type('form')
        .send({ token: TEST_ADMIN_TOKEN, csrf })
        .expect(303);
      const session = cookies(signedIn).find((cookie) => cookie.startsWith('ballast_dashboard='));
      expect(session).toMatch(/; Secure/);
      expect(session).toMatch(/HttpOnly/);
      const plain = await api.http.get('/dashboard/login').expect(200);
      expect(cookies(plain).some((cookie) => /; Secure/.test(cookie))).toBe(false);

      const untrusting = await startApi({ env: { TRUST_PROXY: 'false' } });
      try {
        const spoofed = await untrusting.http.get('/dashboard/login').set('X-Forwarded-Proto', 'https').expect(200);
        expect(cookies(spoofed).some((cookie) => /; Secure/.test(cookie))).toBe(false);
      } finally {
        await untrusting.close();
      }
    }, 60_000);

    it('answers a malformed cookie with the sign-in page and a non-UUID SLO id with 400, never 500', async () => {
      const malformed = await api.http.get('/dashboard').set('Cookie', 'ballast_dashboard=%E0%A4%A');
      expect(malformed.status).toBe(303);
      expect(malformed.headers.location).toBe('/dashboard/login');
      const slo = await api.http.get('/dashboard/slos/not-a-uuid').set(api.admin);
      expect(slo.status).toBe(400);
    });
  });

  describe('text hygiene', () => {
    it.each([
      ['a NUL in a title', { title: 'bad\u0000title', severity: 'SEV3', team: 'alpha' }, 'title'],
      ['a lone surrogate in a summary', { title: 'ok', summary: 'x\ud800y', severity: 'SEV3', team: 'alpha' }, 'summary'],
      [
        'a NUL in a nested field',
        { title: 'ok', severity: 'SEV3', team: 'alpha', affectedComponents: [{ componentId: 'abc\u0000', status: 'major_outage' }] },
        'affectedComponents[0].componentId',
      ],
    ])('refuses %s with 400 naming the field', async (_label, body, field) => {
      const response = await api.http.post('/api/v1/incidents').set(bearer(teamToken.alpha)).send(body);
      expect([response.status, response.body.field, response.body.error]).toEqual([400, field, 'invalid_text']);
    });

    it('refuses a lone surrogate sent as a JSON escape, a NUL in a path parameter and in an Alertmanager label', async () => {
      const escaped = await api.http
        .post('/api/v1/incidents')
        .set(bearer(teamToken.alpha))
        .set('Content-Type', 'application/json')
        .send('{"title":"\\ud800","severity":"SEV3","team":"alpha"}');
      expect([escaped.status, escaped.body.field]).toEqual([400, 'title']);
      const path = await api.http.get('/api/v1/services/alpha%00api').set(bearer(teamToken.alpha));
      expect([path.status, path.body.field]).toEqual([400, 'path']);
      const brokenEscape = await api.http.get('/api/v1/teams/%E0%A4%A').set(bearer(teamToken.alpha));
      expect(brokenEscape.status).toBe(400);
      const group = alertGroup('alpha', 'nul-key', 'Nul');
      group.alerts[0].labels = { alertname: 'Nul', team: 'alpha', ['host\u0000']: 'x' } as (typeof group.alerts)[0]['labels'];
      const alert = await api.http.post('/webhooks/alertmanager').set(bearer(teamToken.alpha)).send(group);
      expect([alert.status, alert.body.field]).toEqual([400, 'alerts[0].labels.host\u0000']);
    });
  });

  describe('SLOs', () => {
    it('refuses a selector that names no metric (a __name__ regex) with 400 naming the field', async () => {
      const response = await api.http
        .post('/api/v1/slos')
        .set(bearer(teamToken.alpha))
        .send({
          service: 'alpha-api',
          name: 'everything',
          objective: 0.99,
          window: '28d',
          indicator: { kind: 'ratio', total: '{__name__=~".+"}', bad: 'http_requests_total{code="500"}' },
        });
      expect([response.status, response.body.field]).toEqual([400, 'indicator.total']);
    });

    it('rate-limits POST /slos/:id/evaluate per token with 429 and Retry-After', async () => {
      const created = await api.http
        .post('/api/v1/slos')
        .set(bearer(teamToken.alpha))
        .send({
          service: 'alpha-api',
          name: 'evaluated',
          objective: 0.99,
          window: '7d',
          indicator: { kind: 'ratio', total: 'http_requests_total{service="alpha"}', bad: 'http_requests_total{service="alpha",code="500"}' },
        })
        .expect(201);
      const id = created.body.id ?? created.body.slo?.id;
      const statuses: number[] = [];
      let limited: { headers: Record<string, string>; body: { error: string } } | undefined;
      for (let attempt = 0; attempt < 3; attempt++) {
        const response = await api.http.post(`/api/v1/slos/${id}/evaluate`).set(bearer(teamToken.alpha));
        statuses.push(response.status);
        if (response.status === 429) limited = response;
      }
      expect(statuses[2]).toBe(429);
      expect(statuses.slice(0, 2).every((status) => status !== 429)).toBe(true);
      expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited?.body.error).toBe('rate_limited');
      // Another token has its own allowance.
      expect((await api.http.post(`/api/v1/slos/${id}/evaluate`).set(api.admin)).status).not.toBe(429);
    });
  });
});

describe('Slack replays (issue 18)', () => {
  let fake: FakeSlack;
  let api: RunningApi;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    api = await startApi({ env: slackEnv(fake) });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await fake?.close();
  });

  it('changes nothing when a signed request is replayed within its 5 minutes, even on another replica', async () => {
    const form = await openDeclareForm(api, fake);
    await postToSlackEndpoint(api, submitDeclareForm(form, { title: 'Replay target', severity: 'SEV3', team: 'payments' })).expect(200);
    await slackIdle(api);
    const [incident] = await sql<{ id: string; slack_channel_id: string }>(
      api.database.url,
      `SELECT id, slack_channel_id FROM incidents WHERE title = 'Replay target'`,
    );
    const note = slashCommandRequest(SLACK_SIGNING_SECRET, {
      channelId: incident.slack_channel_id,
      text: 'note captured and replayed',
      userId: FAKE_SLACK_USERS[0].id,
      responseUrl: fake.responseUrl('note'),
    });
    const first = await postToSlackEndpoint(api, note).expect(200);
    expect(first.body.response_type).toBe('in_channel');
    await slackIdle(api);
    const notes = () =>
      sql<{ n: number }>(
        api.database.url,
        `SELECT count(*)::int AS n FROM incident_timeline_events WHERE incident_id = $1 AND body LIKE '%captured and replayed%'`,
        [incident.id],
      );
    expect((await notes())[0].n).toBe(1);

    await postToSlackEndpoint(api, note).expect(200);
    const replica = await startApi({ env: slackEnv(fake), database: api.database, keepDatabase: true });
    try {
      await postToSlackEndpoint(replica, note).expect(200);
      await slackIdle(replica);
    } finally {
      await replica.close();
    }
    await slackIdle(api);
    expect((await notes())[0].n).toBe(1);
    // Refused text from Slack: a NUL in the command text.
    const nul = slashCommandRequest(SLACK_SIGNING_SECRET, {
      channelId: incident.slack_channel_id,
      text: 'note a\u0000b',
      userId: FAKE_SLACK_USERS[0].id,
      responseUrl: fake.responseUrl('nul'),
    });
    const refused = await postToSlackEndpoint(api, nul);
    expect([refused.status, refused.body.field]).toEqual([400, 'text']);
  }, 60_000);
});
