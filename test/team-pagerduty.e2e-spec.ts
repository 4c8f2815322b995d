import { RunningApi, startApi } from './support/api-app';
import { FakePagerDuty } from './support/fake-pagerduty';
import { eventually } from './support/poll';
import { sql } from './support/sql';

const ALPHA_KEY = 'R0utingKeyAlpha0001';
const BETA_KEY = 'R0utingKeyBeta00002';
const ROTATION = {
  members: ['U01ALICE'],
  rotationStart: '2026-12-01T09:00:00Z',
  shiftHours: 24,
  escalation: [{ afterMinutes: 0, notify: 'oncall' }],
  pageSeverities: ['SEV1'],
};

/** Issue 21: the PagerDuty routing key belongs to the team (PATCH /api/v1/teams/:slug), write-only. */
describe('PagerDuty routing key on the team (fake PagerDuty Events API v2)', () => {
  let api: RunningApi;
  let pagerduty: FakePagerDuty;
  let alphaToken: string;

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const storedKey = async (slug: string) =>
    (await sql<{ pagerduty_routing_key: string | null }>(api.database.url, 'SELECT pagerduty_routing_key FROM teams WHERE slug = $1', [slug]))[0]
      .pagerduty_routing_key;

  beforeAll(async () => {
    pagerduty = await FakePagerDuty.start();
    api = await startApi({ env: { PAGERDUTY_EVENTS_URL: pagerduty.url } });
    for (const slug of ['alpha', 'beta']) {
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug, name: slug }).expect(201);
    }
    alphaToken = (await api.http.post('/api/v1/teams/alpha/tokens').set(api.admin).send({ name: 'alpha-ci' }).expect(201)).body.token as string;
  });
  afterAll(async () => {
    await api?.close();
    await pagerduty?.close();
  });

  it('a team token sets its own team key; answers only say pagerDutyConfigured; the key pages through PagerDuty', async () => {
    const before = await api.http.get('/api/v1/teams/alpha').set(bearer(alphaToken)).expect(200);
    expect(before.body.pagerDutyConfigured).toBe(false);

    const patched = await api.http.patch('/api/v1/teams/alpha').set(bearer(alphaToken)).send({ pagerdutyRoutingKey: ALPHA_KEY });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ slug: 'alpha', pagerDutyConfigured: true });
    expect(patched.text).not.toContain(ALPHA_KEY);
    expect(await storedKey('alpha')).toBe(ALPHA_KEY);

    for (const answer of [
      await api.http.get('/api/v1/teams/alpha').set(bearer(alphaToken)),
      await api.http.get('/api/v1/teams').set(bearer(alphaToken)),
      await api.http.patch('/api/v1/teams/alpha').set(bearer(alphaToken)).send({ name: 'Alpha' }),
    ]) {
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain(ALPHA_KEY);
      expect(answer.text).not.toContain('pagerdutyRoutingKey');
    }
    const listed = await api.http.get('/api/v1/teams').set(api.admin).expect(200);
    expect(listed.body.items.map((team: { slug: string; pagerDutyConfigured: boolean }) => [team.slug, team.pagerDutyConfigured])).toEqual([
      ['alpha', true],
      ['beta', false],
    ]);

    // The audit log names the changed field, never its value.
    const audit = await sql<{ changed_fields: string[]; row: string }>(
      api.database.url,
      "SELECT changed_fields, row_to_json(a)::text AS row FROM audit_log a WHERE action = 'PATCH /api/v1/teams/:slug' ORDER BY occurred_at",
    );
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit[0].changed_fields).toEqual(['pagerdutyRoutingKey']);
    for (const row of audit) expect(row.row).not.toContain(ALPHA_KEY);

    // With a rotation (no key in the PUT), a SEV1 incident triggers PagerDuty with the team's key.
    const put = await api.http.put('/api/v1/teams/alpha/oncall').set(bearer(alphaToken)).send(ROTATION);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ pagerduty: true, pagerDutyConfigured: true });
    expect(put.text).not.toContain(ALPHA_KEY);
    expect(await storedKey('alpha')).toBe(ALPHA_KEY);
    const incident = await api.http
      .post('/api/v1/incidents')
      .set(bearer(alphaToken))
      .send({ title: 'Checkout down', severity: 'SEV1', team: 'alpha', type: 'other' })
      .expect(201);
    const trigger = await eventually(
      async () => pagerduty.events.find((event) => event.dedup_key === incident.body.id && event.event_action === 'trigger'),
      'the PagerDuty trigger',
    );
    expect(trigger).toMatchObject({ routing_key: ALPHA_KEY, path: '/v2/enqueue' });

    // null removes it.
    const removed = await api.http.patch('/api/v1/teams/alpha').set(bearer(alphaToken)).send({ pagerdutyRoutingKey: null }).expect(200);
    expect(removed.body.pagerDutyConfigured).toBe(false);
    expect(await storedKey('alpha')).toBeNull();
    expect((await api.http.get('/api/v1/teams/alpha/oncall').set(bearer(alphaToken)).expect(200)).body.pagerduty).toBe(false);
  });

  it("refuses a malformed key naming the field, and another team's key, writing nothing", async () => {
    for (const bad of ['short', 'has spaces in it 123', 12345678, { key: 'x' }]) {
      const answer = await api.http.patch('/api/v1/teams/beta').set(api.admin).send({ pagerdutyRoutingKey: bad });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: expect.any(String), field: 'pagerdutyRoutingKey' });
    }
    expect(await storedKey('beta')).toBeNull();

    const stolen = await api.http.patch('/api/v1/teams/beta').set(bearer(alphaToken)).send({ pagerdutyRoutingKey: ALPHA_KEY });
    expect(stolen.status).toBe(403);
    expect(await storedKey('beta')).toBeNull();
    const [beta] = await sql<{ name: string }>(api.database.url, "SELECT name FROM teams WHERE slug = 'beta'");
    expect(beta.name).toBe('beta');
  });

  it('the on-call PUT field stays an alias that writes the team key', async () => {
    const put = await api.http
      .put('/api/v1/teams/beta/oncall')
      .set(api.admin)
      .send({ ...ROTATION, pagerdutyRoutingKey: BETA_KEY });
    expect(put.status).toBe(200);
    expect(put.text).not.toContain(BETA_KEY);
    expect(await storedKey('beta')).toBe(BETA_KEY);
    expect((await api.http.get('/api/v1/teams/beta').set(api.admin).expect(200)).body.pagerDutyConfigured).toBe(true);
    // A later PUT without the field keeps the key; PATCH null removes it for both views.
    await api.http.put('/api/v1/teams/beta/oncall').set(api.admin).send(ROTATION).expect(200);
    expect(await storedKey('beta')).toBe(BETA_KEY);
    await api.http.patch('/api/v1/teams/beta').set(api.admin).send({ pagerdutyRoutingKey: null }).expect(200);
    expect((await api.http.get('/api/v1/teams/beta/oncall').set(api.admin).expect(200)).body).toMatchObject({ pagerduty: false, pagerDutyConfigured: false });
  });
});
