import { DataSource } from 'typeorm';
import { WeeklyDigestService } from '../apps/api/src/digest/weekly-digest.service';
import { buildDeliveryInsights, DeliveryDeployment, DeliveryIncidentLink, DEPLOYMENT_STATUSES } from '@app/incidents';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { slackEnv, slackIdle } from './support/slack-harness';

/** Deterministic pseudo-random numbers (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('incident history, deployments and delivery insights', () => {
  let api: RunningApi;
  let slack: FakeSlack;
  const clock = new FixedClock(new Date('2026-12-01T12:00:00Z'));
  let payments: { Authorization: string };
  let search: { Authorization: string };

  beforeAll(async () => {
    slack = await FakeSlack.start();
    api = await startApi({ clock, env: { ...slackEnv(slack), DIGEST_DAY: 'monday', DIGEST_HOUR_UTC: '9', PUBLIC_API_URL: 'https://ballast.example.com/' } });
    for (const slug of ['payments', 'search']) {
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug, name: slug }).expect(201);
    }
    for (const [slug, team] of [
      ['checkout', 'payments'],
      ['ledger', 'payments'],
      ['query', 'search'],
    ]) {
      await api.http.post('/api/v1/services').set(api.admin).send({ slug, name: slug, team }).expect(201);
    }
    const token = async (team: string) => ({
      Authorization: `Bearer ${(await api.http.post(`/api/v1/teams/${team}/tokens`).set(api.admin).send({ name: 't' })).body.token}`,
    });
    payments = await token('payments');
    search = await token('search');
  });
  afterAll(async () => {
    await api?.close();
    await slack?.close();
  });

  const countRows = async (table: 'incidents' | 'deployments') => Number((await api.app.get(DataSource).query(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  describe('history import', () => {
    // Five incidents of the search team from another tool: acknowledgement after 2, 4, 6, 8, 100 minutes,
    // resolution 1, 2, 3, 4, 50 hours after they started.
    const ackMinutes = [2, 4, 6, 8, 100];
    const resolveHours = [1, 2, 3, 4, 50];
    const lines = ackMinutes.map((ack, index) => {
      const started = Date.parse('2026-11-10T08:00:00Z') + index * DAY;
      const detected = started + 5 * 60_000;
      return {
        externalId: `PD-${1000 + index}`,
        title: `Query latency ${index}`,
        severity: 'SEV3',
        team: 'search',
        type: 'capacity',
        services: ['query'],
        status: 'resolved',
        startedAt: new Date(started).toISOString(),
        detectedAt: new Date(detected).toISOString(),
        acknowledgedAt: new Date(detected + ack * 60_000).toISOString(),
        resolvedAt: new Date(started + resolveHours[index] * HOUR).toISOString(),
      };
    });

    it('reports the failing line and field and stores nothing when one line is invalid', async () => {
      const before = await countRows('incidents');
      const bad = [lines[0], { ...lines[1], resolvedAt: '2026-12-24T00:00:00Z' }, lines[2]];
      const response = await api.http
        .post('/api/v1/incidents/import')
        .set(search)
        .set('Content-Type', 'application/x-ndjson')
        .send(bad.map((line) => JSON.stringify(line)).join('\n'));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ field: 'resolvedAt', message: expect.stringMatching(/^line 2: /) });
      const shape = await api.http
        .post('/api/v1/incidents/import')
        .set(search)
        .send([lines[0], { ...lines[1], acknowledgedAt: 'yesterday' }]);
      expect(shape.status).toBe(400);
      expect(shape.body).toMatchObject({ field: 'acknowledgedAt', message: expect.stringMatching(/^line 2: /) });
      const order = await api.http
        .post('/api/v1/incidents/import')
        .set(search)
        .send([lines[0], lines[1], { ...lines[2], acknowledgedAt: lines[2].startedAt }]);
      expect(order.status).toBe(400);
      expect(order.body).toMatchObject({ field: 'acknowledgedAt', message: expect.stringMatching(/^line 3: /) });
      const notJson = await api.http
        .post('/api/v1/incidents/import')
        .set(search)
        .set('Content-Type', 'application/x-ndjson')
        .send(`${JSON.stringify(lines[0])}\n\n{oops`);
      expect(notJson.status).toBe(400);
      expect(notJson.body.message).toMatch(/^line 3: /);
      const otherTeam = await api.http
        .post('/api/v1/incidents/import')
        .set(payments)
        .send([{ ...lines[0], team: 'payments', services: undefined }, lines[1]]);
      expect(otherTeam.status).toBe(403);
      expect(otherTeam.body).toMatchObject({ field: 'team', message: expect.stringMatching(/^line 2: /) });
      // Its own team, but another team's services: the ownership rule names the field (issue 18).
      const otherServices = await api.http
        .post('/api/v1/incidents/import')
        .set(payments)
        .send([{ ...lines[0], team: 'payments' }]);
      expect(otherServices.status).toBe(403);
      expect(otherServices.body).toMatchObject({ field: 'services', message: expect.stringMatching(/^line 1: /) });
      expect(await countRows('incidents')).toBe(before);
    });

    it('imports with the real times, announces nothing, and MTTA/MTTR medians equal the imported ones', async () => {
      const response = await api.http
        .post('/api/v1/incidents/import')
        .set(search)
        .set('Content-Type', 'application/x-ndjson')
        .send(lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ imported: 5, unchanged: 0 });
      const first = await api.http.get(`/api/v1/incidents/${response.body.items[0].id}`).set(search);
      expect(first.body).toMatchObject({
        status: 'resolved',
        announce: false,
        externalId: 'PD-1000',
        startedAt: lines[0].startedAt,
        resolvedAt: lines[0].resolvedAt,
      });
      expect(first.body.slack).toEqual({ channelId: null, channelName: null, syncState: 'none' });

      const insights = await api.http.get('/api/v1/insights/incidents?from=2026-11-01&to=2026-12-01&team=search').set(search);
      expect(insights.status).toBe(200);
      const team = insights.body.byTeam.find((row: { team: string }) => row.team === 'search');
      expect(team.count).toBe(5);
      expect(team.mttaSeconds.median).toBe(6 * 60);
      expect(team.mttrSeconds.median).toBe(3 * 3600);

      // A re-sent import changes nothing, as JSON array this time.
      const again = await api.http.post('/api/v1/incidents/import').set(search).send(lines);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ imported: 0, unchanged: 5 });
      expect(again.body.items.map((item: { id: string }) => item.id)).toEqual(response.body.items.map((item: { id: string }) => item.id));
      const recount = await api.http.get('/api/v1/insights/incidents?from=2026-11-01&to=2026-12-01&team=search').set(search);
      expect(recount.body.byTeam.find((row: { team: string }) => row.team === 'search').count).toBe(5);
      await slackIdle(api);
      expect(slack.calls('conversations.create')).toEqual([]);
    });

    it('two concurrent imports of the same history store it once', async () => {
      const before = await countRows('incidents');
      const twins = lines.map((line) => ({ ...line, externalId: `${line.externalId}-twin` }));
      const [first, second] = await Promise.all([0, 1].map(() => api.http.post('/api/v1/incidents/import').set(search).send(twins)));
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.body.imported + second.body.imported).toBe(5);
      expect(first.body.unchanged + second.body.unchanged).toBe(5);
      expect(await countRows('incidents')).toBe(before + 5);
    });

    it('announce:false on POST stores without Slack, while an announced incident gets its channel', async () => {
      const quiet = await api.http.post('/api/v1/incidents').set(payments).send({
        title: 'Old outage',
        severity: 'SEV2',
        team: 'payments',
        announce: false,
        startedAt: '2026-11-01T10:00:00Z',
        detectedAt: '2026-11-01T10:02:00Z',
        status: 'resolved',
        resolvedAt: '2026-11-01T11:00:00Z',
      });
      expect(quiet.status).toBe(201);
      expect(quiet.body).toMatchObject({
        announce: false,
        acknowledgedAt: null,
        resolvedAt: '2026-11-01T11:00:00.000Z',
        detectedAt: '2026-11-01T10:02:00.000Z',
      });
      const loud = await api.http.post('/api/v1/incidents').set(payments).send({ title: 'Live outage', severity: 'SEV2', team: 'payments' });
      expect(loud.status).toBe(201);
      await slackIdle(api);
      const created = slack.calls('conversations.create');
      expect(created).toHaveLength(1);
      expect(String(created[0].args.name)).toContain(`inc-${loud.body.number}`);
      expect((await api.http.get(`/api/v1/incidents/${quiet.body.id}`).set(payments)).body.slack.syncState).toBe('none');
    });

    it.each([
      ['acknowledgedAt before detectedAt', { detectedAt: '2026-11-20T10:00:00Z', acknowledgedAt: '2026-11-20T09:00:00Z' }, 'acknowledgedAt'],
      ['resolvedAt without status resolved', { resolvedAt: '2026-11-20T10:00:00Z' }, 'resolvedAt'],
      ['a future detectedAt', { detectedAt: '2026-12-01T12:00:01Z' }, 'detectedAt'],
      ['resolvedAt before startedAt', { startedAt: '2026-11-20T10:00:00Z', status: 'resolved', resolvedAt: '2026-11-20T09:00:00Z' }, 'resolvedAt'],
    ])('POST with %s → 400 naming %s, nothing written', async (_label, times, field) => {
      const before = await countRows('incidents');
      const response = await api.http
        .post('/api/v1/incidents')
        .set(payments)
        .send({ title: 'Bad times', severity: 'SEV3', team: 'payments', announce: false, ...times });
      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
      expect(await countRows('incidents')).toBe(before);
    });

    it('PATCH sets real times with the ordering rules', async () => {
      const created = await api.http.post('/api/v1/incidents').set(payments).send({
        title: 'Edit times',
        severity: 'SEV3',
        team: 'payments',
        announce: false,
        startedAt: '2026-11-25T09:00:00Z',
        detectedAt: '2026-11-25T09:10:00Z',
      });
      const id = created.body.id as string;
      const early = await api.http.patch(`/api/v1/incidents/${id}`).set(payments).send({ acknowledgedAt: '2026-11-25T09:05:00Z' });
      expect([early.status, early.body.field]).toEqual([400, 'acknowledgedAt']);
      const open = await api.http.patch(`/api/v1/incidents/${id}`).set(payments).send({ resolvedAt: '2026-11-25T12:00:00Z' });
      expect([open.status, open.body.field]).toEqual([400, 'resolvedAt']);
      const done = await api.http
        .patch(`/api/v1/incidents/${id}`)
        .set(payments)
        .send({ acknowledgedAt: '2026-11-25T09:20:00Z', status: 'resolved', resolvedAt: '2026-11-25T12:00:00Z' });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'resolved', acknowledgedAt: '2026-11-25T09:20:00.000Z', resolvedAt: '2026-11-25T12:00:00.000Z' });
      const later = await api.http.patch(`/api/v1/incidents/${id}`).set(payments).send({ resolvedAt: '2026-11-25T13:00:00Z' });
      expect(later.body.resolvedAt).toBe('2026-11-25T13:00:00.000Z');
    });

    it('PATCH of real times adds a timeline entry saying what changed, shown on the incident page and in the postmortem draft', async () => {
      const created = await api.http.post('/api/v1/incidents').set(payments).send({
        title: 'Times corrected later',
        severity: 'SEV3',
        team: 'payments',
        announce: false,
        startedAt: '2026-11-26T09:00:00Z',
        detectedAt: '2026-11-26T09:10:00Z',
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const timesChanged = async () =>
        (
          (await api.http.get(`/api/v1/incidents/${id}/timeline`).set(payments).expect(200)).body.items as Array<{ kind: string; body: string; data: unknown }>
        ).filter((item) => item.kind === 'times_changed');
      // Refused (ordering) or unchanged: nothing on the timeline.
      expect((await api.http.patch(`/api/v1/incidents/${id}`).set(payments).send({ acknowledgedAt: '2026-11-26T09:05:00Z' })).status).toBe(400);
      expect((await api.http.patch(`/api/v1/incidents/${id}`).set(payments).send({ detectedAt: '2026-11-26T09:10:00Z' })).status).toBe(200);
      expect(await timesChanged()).toEqual([]);

      const first = await api.http
        .patch(`/api/v1/incidents/${id}`)
        .set(payments)
        .send({ detectedAt: '2026-11-26T09:08:00Z', acknowledgedAt: '2026-11-26T09:20:00Z', status: 'resolved', resolvedAt: '2026-11-26T11:00:00Z' });
      expect(first.status).toBe(200);
      const second = await api.http.patch(`/api/v1/incidents/${id}`).set(payments).send({ resolvedAt: '2026-11-26T10:30:00Z', acknowledgedAt: null });
      expect(second.status).toBe(200);
      const firstBody =
        'Times corrected: detected 2026-11-26T09:10:00.000Z → 2026-11-26T09:08:00.000Z; acknowledged unset → 2026-11-26T09:20:00.000Z; resolved unset → 2026-11-26T11:00:00.000Z';
      const secondBody = 'Times corrected: acknowledged 2026-11-26T09:20:00.000Z → unset; resolved 2026-11-26T11:00:00.000Z → 2026-11-26T10:30:00.000Z';
      expect(await timesChanged()).toEqual([
        expect.objectContaining({
          body: firstBody,
          data: {
            changes: [
              { field: 'detectedAt', from: '2026-11-26T09:10:00.000Z', to: '2026-11-26T09:08:00.000Z' },
              { field: 'acknowledgedAt', from: null, to: '2026-11-26T09:20:00.000Z' },
              { field: 'resolvedAt', from: null, to: '2026-11-26T11:00:00.000Z' },
            ],
          },
        }),
        expect.objectContaining({
          body: secondBody,
          data: {
            changes: [
              { field: 'acknowledgedAt', from: '2026-11-26T09:20:00.000Z', to: null },
              { field: 'resolvedAt', from: '2026-11-26T11:00:00.000Z', to: '2026-11-26T10:30:00.000Z' },
            ],
          },
        }),
      ]);

      const page = await api.http.get(`/dashboard/incidents/${id}`).set(payments);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<td>times_changed</td>`);
      expect(page.text).toContain(secondBody);
      const postmortem = await api.http.post(`/api/v1/incidents/${id}/postmortem`).set(payments);
      expect(postmortem.status).toBe(201);
      const markdown = (await api.http.get(`/api/v1/incidents/${id}/postmortem.md`).set(payments).expect(200)).text;
      expect(markdown).toContain('Times corrected');
      expect(markdown).toContain('resolvedAt 2026-11-26T11:00:00.000Z → 2026-11-26T10:30:00.000Z');
    });
  });

  describe('duplicates', () => {
    it('resolves an incident as a duplicate, links both ways and leaves it out of counts and MTTx', async () => {
      const base = { severity: 'SEV2', team: 'payments', type: 'dependency', announce: false };
      const original = (
        await api.http
          .post('/api/v1/incidents')
          .set(payments)
          .send({
            ...base,
            title: 'Bank API down',
            startedAt: '2026-11-28T10:00:00Z',
            detectedAt: '2026-11-28T10:00:00Z',
            acknowledgedAt: '2026-11-28T10:10:00Z',
          })
      ).body;
      const duplicate = (
        await api.http
          .post('/api/v1/incidents')
          .set(payments)
          .send({
            ...base,
            title: 'Payments failing',
            startedAt: '2026-11-28T10:01:00Z',
            detectedAt: '2026-11-28T10:01:00Z',
            acknowledgedAt: '2026-11-28T10:50:00Z',
          })
      ).body;
      const insights = () => api.http.get('/api/v1/insights/incidents?from=2026-11-28&to=2026-11-29&team=payments').set(payments);
      expect((await insights()).body.byTeam[0].count).toBe(2);

      const self = await api.http.patch(`/api/v1/incidents/${duplicate.id}`).set(payments).send({ duplicateOf: duplicate.reference });
      expect([self.status, self.body.field]).toEqual([400, 'duplicateOf']);
      const unknown = await api.http.patch(`/api/v1/incidents/${duplicate.id}`).set(payments).send({ duplicateOf: 'INC-999999' });
      expect([unknown.status, unknown.body.field]).toEqual([400, 'duplicateOf']);

      const marked = await api.http.patch(`/api/v1/incidents/${duplicate.id}`).set(payments).send({ duplicateOf: original.reference });
      expect(marked.status).toBe(200);
      expect(marked.body).toMatchObject({ status: 'resolved', duplicateOf: original.id });
      const originalNow = await api.http.get(`/api/v1/incidents/${original.id}`).set(payments);
      expect(originalNow.body.duplicates).toEqual([{ id: duplicate.id, reference: duplicate.reference }]);
      const timeline = await api.http.get(`/api/v1/incidents/${original.id}/timeline`).set(payments);
      expect(
        timeline.body.items.some((event: { kind: string; body: string }) => event.kind === 'internal_note' && event.body.includes(duplicate.reference)),
      ).toBe(true);

      clock.set(new Date('2026-11-28T11:00:00Z'));
      await api.http.patch(`/api/v1/incidents/${original.id}`).set(payments).send({ status: 'resolved' }).expect(200);
      clock.set(new Date('2026-12-01T12:00:00Z'));
      const after = (await insights()).body.byTeam[0];
      expect(after.count).toBe(1);
      // Only the original's MTTA (10 minutes) and MTTR (1 hour): the duplicate's 49 minutes are left out.
      expect(after.mttaSeconds).toEqual({ median: 600, p90: 600 });
      expect(after.mttrSeconds).toEqual({ median: 3600, p90: 3600 });

      // Another team may not name this team's incident.
      const theirs = (
        await api.http
          .post('/api/v1/incidents')
          .set(search)
          .send({ ...base, team: 'search', title: 'Theirs' })
      ).body;
      const forbidden = await api.http.patch(`/api/v1/incidents/${theirs.id}`).set(search).send({ duplicateOf: original.id });
      expect([forbidden.status, forbidden.body.field]).toEqual([403, 'duplicateOf']);
      expect((await api.http.get(`/api/v1/incidents/${theirs.id}`).set(search)).body.duplicateOf).toBeNull();

      // Undoing the link counts it again.
      await api.http.patch(`/api/v1/incidents/${duplicate.id}`).set(payments).send({ duplicateOf: null }).expect(200);
      expect((await insights()).body.byTeam[0].count).toBe(2);
    });
  });

  describe('deployments', () => {
    const deploy = (headers: Record<string, string>, body: Record<string, unknown>, key?: string) => {
      const request = api.http.post('/api/v1/deployments').set(headers);
      if (key) request.set('Idempotency-Key', key);
      return request.send({
        service: 'checkout',
        environment: 'production',
        version: 'v1',
        status: 'succeeded',
        startedAt: '2026-11-30T10:00:00Z',
        finishedAt: '2026-11-30T10:05:00Z',
        ...body,
      });
    };

    it('records once per Idempotency-Key', async () => {
      const first = await deploy(payments, { version: 'v-idem' }, 'ci-run-77');
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ service: 'checkout', team: 'payments', environment: 'production', status: 'succeeded', version: 'v-idem' });
      const retry = await deploy(payments, { version: 'v-idem' }, 'ci-run-77');
      expect(retry.status).toBe(200);
      expect(retry.body.id).toBe(first.body.id);
      const listed = await api.http.get('/api/v1/deployments?service=checkout&from=2026-11-30&to=2026-12-01').set(payments);
      expect(listed.body.items.filter((item: { version: string }) => item.version === 'v-idem')).toHaveLength(1);
    });

    it.each([
      ['an unknown service', { service: 'nope' }, 'service'],
      ['finishedAt before startedAt', { finishedAt: '2026-11-30T09:00:00Z' }, 'finishedAt'],
      ['a future finishedAt', { finishedAt: '2026-12-01T12:00:01Z' }, 'finishedAt'],
      ['a future startedAt', { startedAt: '2026-12-02T00:00:00Z', finishedAt: '2026-12-02T00:01:00Z' }, 'startedAt'],
      ['an unknown status', { status: 'exploded' }, 'status'],
      ['a timestamp that is not one', { startedAt: 'yesterday' }, 'startedAt'],
      ['an unknown incident to fix', { fixesIncidentId: 'INC-999999' }, 'fixesIncidentId'],
      ['an unknown field', { branch: 'main' }, 'branch'],
    ])('rejects %s with 400 naming %s, nothing written', async (_label, body, field) => {
      const before = await countRows('deployments');
      const response = await deploy(payments, body);
      expect(response.status).toBe(400);
      expect(response.body.field).toBe(field);
      expect(await countRows('deployments')).toBe(before);
    });

    it("keeps teams apart: another team's service or incident → 403, its deployment → the answer of an unknown one (400), naming the field, nothing written", async () => {
      const ours = (await deploy(payments, { version: 'v-ours' })).body;
      const incident = (await api.http.post('/api/v1/incidents').set(payments).send({ title: 'Ours', severity: 'SEV3', team: 'payments', announce: false }))
        .body;
      const theirIncident = (await api.http.post('/api/v1/incidents').set(search).send({ title: 'Theirs', severity: 'SEV3', team: 'search', announce: false }))
        .body;
      const before = await countRows('deployments');

      const service = await deploy(search, { service: 'checkout' });
      expect([service.status, service.body.field]).toEqual([403, 'service']);
      const fixes = await deploy(search, { service: 'query', fixesIncidentId: incident.id });
      expect([fixes.status, fixes.body.field]).toEqual([403, 'fixesIncidentId']);
      expect(await countRows('deployments')).toBe(before);

      const linked = await api.http.patch(`/api/v1/incidents/${theirIncident.id}`).set(search).send({ causedByDeploymentId: ours.id });
      // Another team's deployment does not exist for this token (GET /deployments/:id is a 404 too).
      expect([linked.status, linked.body.error, linked.body.field]).toEqual([400, 'unknown_deployment', 'causedByDeploymentId']);
      expect((await api.http.get(`/api/v1/incidents/${theirIncident.id}`).set(search)).body.causedByDeploymentId).toBeNull();
      const declared = await api.http
        .post('/api/v1/incidents')
        .set(search)
        .send({ title: 'Theirs 2', severity: 'SEV3', team: 'search', announce: false, causedByDeploymentId: ours.id });
      expect([declared.status, declared.body.error, declared.body.field]).toEqual([400, 'unknown_deployment', 'causedByDeploymentId']);

      expect((await api.http.get(`/api/v1/deployments/${ours.id}`).set(search)).status).toBe(404);
      const theirList = await api.http.get('/api/v1/deployments?limit=200').set(search);
      expect(theirList.body.items.every((item: { team: string }) => item.team === 'search')).toBe(true);
      const unknown = await api.http
        .patch(`/api/v1/incidents/${incident.id}`)
        .set(payments)
        .send({ causedByDeploymentId: '00000000-0000-4000-8000-000000000000' });
      expect([unknown.status, unknown.body.field]).toEqual([400, 'causedByDeploymentId']);
    });

    it("suggests the production deployments of the incident's services in the 2 hours before it started", async () => {
      const inWindow = (
        await deploy(payments, { service: 'ledger', version: 'v-suggest', startedAt: '2026-11-29T08:50:00Z', finishedAt: '2026-11-29T09:00:00Z' })
      ).body;
      await deploy(payments, { service: 'ledger', version: 'v-too-old', startedAt: '2026-11-29T06:00:00Z', finishedAt: '2026-11-29T06:30:00Z' }).expect(201);
      await deploy(payments, { service: 'ledger', version: 'v-after', startedAt: '2026-11-29T10:10:00Z', finishedAt: '2026-11-29T10:20:00Z' }).expect(201);
      await deploy(payments, {
        service: 'ledger',
        environment: 'staging',
        version: 'v-staging',
        startedAt: '2026-11-29T09:00:00Z',
        finishedAt: '2026-11-29T09:10:00Z',
      }).expect(201);
      const incident = (
        await api.http
          .post('/api/v1/incidents')
          .set(payments)
          .send({
            title: 'Ledger drift',
            severity: 'SEV3',
            team: 'payments',
            services: ['ledger'],
            announce: false,
            startedAt: '2026-11-29T10:00:00Z',
            detectedAt: '2026-11-29T10:05:00Z',
          })
      ).body;
      const suggestions = await api.http.get(`/api/v1/incidents/${incident.reference}/suggested-deployments`).set(payments);
      expect(suggestions.status).toBe(200);
      expect(suggestions.body.items.map((item: { id: string }) => item.id)).toEqual([inWindow.id]);
    });
  });

  describe('delivery insights', () => {
    /**
     * The fixed data set of the hand computation, under a team of its own (`team`, services `<team>-basket` and
     * `<team>-billing`), so every test that reads it makes its own copy and no other test's deployments count.
     */
    const seedFixedDataSet = async (team: string) => {
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug: team, name: team }).expect(201);
      for (const slug of [`${team}-basket`, `${team}-billing`])
        await api.http.post('/api/v1/services').set(api.admin).send({ slug, name: slug, team }).expect(201);
      const orders = { Authorization: `Bearer ${(await api.http.post(`/api/v1/teams/${team}/tokens`).set(api.admin).send({ name: 't' })).body.token}` };
      const put = async (body: Record<string, unknown>) => {
        const response = await api.http
          .post('/api/v1/deployments')
          .set(orders)
          .send({ environment: 'production', version: 'v', ...body });
        expect(response.status).toBe(201);
        return response.body as { id: string };
      };
      const d1 = await put({
        service: `${team}-basket`,
        status: 'succeeded',
        startedAt: '2026-11-02T09:50:00Z',
        finishedAt: '2026-11-02T10:00:00Z',
        commitAt: '2026-11-02T08:00:00Z',
      });
      await put({
        service: `${team}-basket`,
        status: 'failed',
        startedAt: '2026-11-03T09:55:00Z',
        finishedAt: '2026-11-03T10:00:00Z',
        commitAt: '2026-11-03T09:00:00Z',
      });
      const i1 = (
        await api.http.post('/api/v1/incidents').set(orders).send({
          title: 'Basket broken by d1',
          severity: 'SEV2',
          team,
          announce: false,
          causedByDeploymentId: d1.id,
          startedAt: '2026-11-02T10:30:00Z',
          detectedAt: '2026-11-02T10:30:00Z',
          status: 'resolved',
          resolvedAt: '2026-11-02T12:00:00Z',
        })
      ).body;
      expect(i1.causedByDeploymentId).toBe(d1.id);
      await put({
        service: `${team}-basket`,
        status: 'succeeded',
        startedAt: '2026-11-03T10:20:00Z',
        finishedAt: '2026-11-03T10:30:00Z',
        commitAt: '2026-11-03T09:30:00Z',
        fixesIncidentId: i1.reference,
      });
      await put({ service: `${team}-billing`, status: 'rolled_back', startedAt: '2026-11-04T23:50:00Z', finishedAt: '2026-11-05T00:00:00Z' });
      const d5 = await put({
        service: `${team}-billing`,
        status: 'succeeded',
        startedAt: '2026-11-05T23:50:00Z',
        finishedAt: '2026-11-06T00:00:00Z',
        commitAt: '2026-11-05T23:00:00Z',
      });
      await put({ service: `${team}-basket`, environment: 'staging', status: 'failed', startedAt: '2026-11-04T00:00:00Z', finishedAt: '2026-11-04T00:10:00Z' });
      await put({
        service: `${team}-basket`,
        status: 'succeeded',
        startedAt: '2026-10-27T23:00:00Z',
        finishedAt: '2026-10-28T00:00:00Z',
        commitAt: '2026-10-27T00:00:00Z',
      });
      // An incident naming d5 that is a duplicate does not make d5 failed.
      const i2 = (
        await api.http.post('/api/v1/incidents').set(orders).send({
          title: 'Same as i1',
          severity: 'SEV2',
          team,
          announce: false,
          causedByDeploymentId: d5.id,
          startedAt: '2026-11-06T01:00:00Z',
          detectedAt: '2026-11-06T01:00:00Z',
        })
      ).body;
      await api.http.patch(`/api/v1/incidents/${i2.id}`).set(orders).send({ duplicateOf: i1.reference }).expect(200);
      return { orders };
    };

    it('equals a hand computation of the five figures on a fixed data set', async () => {
      const { orders } = await seedFixedDataSet('orders');

      const response = await api.http.get('/api/v1/insights/delivery?from=2026-11-01&to=2026-11-08&team=orders').set(orders);
      expect(response.status).toBe(200);
      const none = {
        deployments: 0,
        deploymentsPerDay: 0,
        changeFailureRate: null,
        failedDeploymentRecoveryTimeSeconds: { median: null, p90: null },
        leadTimeForChangesSeconds: { median: null, p90: null },
        deploymentReworkRate: null,
      };
      const previousBasket = {
        deployments: 1,
        deploymentsPerDay: 1 / 7,
        changeFailureRate: 0,
        failedDeploymentRecoveryTimeSeconds: { median: null, p90: null },
        leadTimeForChangesSeconds: { median: 86400, p90: 86400 },
        deploymentReworkRate: 0,
      };
      expect(response.body).toEqual({
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-08T00:00:00.000Z',
        byTeam: [
          {
            team: 'orders',
            // d1 (failed: i1), d2 (failed), d3 (fixes i1), d4 (rolled back), d5; staging left out.
            deployments: 5,
            deploymentsPerDay: 5 / 7,
            changeFailureRate: 3 / 5,
            // d1 → i1 resolved 2 h later; d2 → d3 30 min later; d4 → d5 24 h later: [1800, 7200, 86400].
            failedDeploymentRecoveryTimeSeconds: { median: 7200, p90: 70560 },
            // d1 2 h, d3 1 h, d5 1 h: [3600, 3600, 7200].
            leadTimeForChangesSeconds: { median: 3600, p90: 6480 },
            deploymentReworkRate: 1 / 5,
            previous: previousBasket,
          },
        ],
        byService: [
          {
            team: 'orders',
            service: 'orders-basket',
            deployments: 3,
            deploymentsPerDay: 3 / 7,
            changeFailureRate: 2 / 3,
            failedDeploymentRecoveryTimeSeconds: { median: 4500, p90: 6660 },
            leadTimeForChangesSeconds: { median: 5400, p90: 6840 },
            deploymentReworkRate: 1 / 3,
            previous: previousBasket,
          },
          {
            team: 'orders',
            service: 'orders-billing',
            deployments: 2,
            deploymentsPerDay: 2 / 7,
            changeFailureRate: 1 / 2,
            failedDeploymentRecoveryTimeSeconds: { median: 86400, p90: 86400 },
            leadTimeForChangesSeconds: { median: 3600, p90: 3600 },
            deploymentReworkRate: 0,
            previous: none,
          },
        ],
      });
    });

    it("posts the weekly digest as Block Kit with the team's DORA five and a dashboard link", async () => {
      await seedFixedDataSet('digest');
      const channel = slack.addChannel({ name: 'digest-team', botIsMember: true });
      await api.http.patch('/api/v1/teams/digest').set(api.admin).send({ slackChannelId: channel.id }).expect(200);
      clock.set(new Date('2026-11-09T09:30:00Z'));
      try {
        const result = await api.app.get(WeeklyDigestService).sendDueDigests();
        expect(result.sent).toContain('digest');
        const posted = slack.calls('chat.postMessage').filter((call) => call.args.channel === channel.id);
        expect(posted).toHaveLength(1);
        const blocks = posted[0].args.blocks as Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }> }>;
        expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Weekly reliability digest: digest' } });
        const text = JSON.stringify(blocks);
        // The week 2026-11-02 to 11-09 holds d1..d5 of the fixed data set; the week before, one deployment.
        expect(text).toContain('*Deployments per day*\\n0.71 ↑ (5, was 1)');
        expect(text).toContain('*Change failure rate*\\n60.0% ↑ (was 0.0%)');
        expect(text).toContain('*Deployment rework rate*\\n20.0%');
        expect(text).toContain('*Follow-ups overdue*\\nNone.');
        expect(text).toContain('<https://ballast.example.com/dashboard/teams/digest|Open the digest dashboard>');
        expect(String(posted[0].args.text)).toContain('Weekly reliability digest for digest');
      } finally {
        clock.set(new Date('2026-12-01T12:00:00Z'));
      }
    });

    it('shows the delivery panel and the incidents linked to deployments on the team dashboard', async () => {
      clock.set(new Date('2026-11-08T00:00:00Z'));
      try {
        const { orders } = await seedFixedDataSet('panel');
        const page = await api.http.get('/dashboard/teams/panel').set(orders);
        expect(page.status).toBe(200);
        expect(page.text).toContain('Delivery (DORA)');
        // The last 90 days: the six production deployments of the fixed data set, nothing before.
        expect(page.text).toMatch(/Change failure rate<\/th><td class="num">50\.0%<\/td><td class="num">–<\/td><td>–/);
        expect(page.text).toMatch(/Deployment rework rate<\/th><td class="num">16\.7%/);
        expect(page.text).toMatch(/Deployments per day<\/th><td class="num">0\.07 \(6\)/);
        expect(page.text).toContain('Basket broken by d1');
        // Another team sees the figures but not the incident's title.
        const other = await api.http.get('/dashboard/teams/panel').set(search);
        expect(other.text).not.toContain('Basket broken by d1');
      } finally {
        clock.set(new Date('2026-12-01T12:00:00Z'));
      }
    });

    it("marks the production deployments of an SLO's service on its chart on the team dashboard, for its own team only", async () => {
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'carts', name: 'Carts' }).expect(201);
      await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'cart', name: 'cart', team: 'carts' }).expect(201);
      const carts = { Authorization: `Bearer ${(await api.http.post('/api/v1/teams/carts/tokens').set(api.admin).send({ name: 'slo' })).body.token}` };
      for (const [version, environment, status, finishedAt] of [
        ['v1.0', 'production', 'succeeded', '2026-11-20T10:00:00Z'],
        ['v1.1', 'production', 'rolled_back', '2026-11-25T10:00:00Z'],
        ['v1.1-rc', 'staging', 'succeeded', '2026-11-24T10:00:00Z'],
      ])
        await api.http
          .post('/api/v1/deployments')
          .set(carts)
          .send({ service: 'cart', environment, version, status, startedAt: '2026-11-01T00:00:00Z', finishedAt })
          .expect(201);
      const created = await api.http
        .post('/api/v1/slos')
        .set(carts)
        .send({
          service: 'cart',
          name: 'cart-availability',
          objective: 0.99,
          window: '30d',
          indicator: { kind: 'ratio', total: 'http_requests_total{service="cart"}', bad: 'http_requests_total{service="cart",code=~"5.."}' },
        });
      expect(created.status).toBe(201);
      // Two evaluations over the window, so the burn-down chart has a line to mark.
      await api.app.get(DataSource).query(
        `INSERT INTO slo_evaluations (slo_id, evaluated_at, state, sli, error_budget_remaining, status)
         VALUES ($1, '2026-11-10T00:00:00Z', 'ok', 0.999, 0.9, '{}'), ($1, '2026-11-30T00:00:00Z', 'ok', 0.995, 0.5, '{}')`,
        [created.body.id],
      );
      const markers = (html: string) => [...html.matchAll(/<title>(deploy [^<]*)<\/title>/g)].map((match) => match[1]);
      const own = await api.http.get('/dashboard/teams/carts').set(carts);
      expect(own.status).toBe(200);
      expect(own.text).toContain('Error budget remaining: cart-availability');
      expect(markers(own.text).sort()).toEqual(['deploy v1.0', 'deploy v1.1 (rolled back)']);
      const other = await api.http.get('/dashboard/teams/carts').set(search);
      expect(other.status).toBe(200);
      expect(markers(other.text)).toEqual([]);
    });

    it.each([
      ['from=2026-11-10&to=2026-11-01', 'to'],
      ['from=last-week', 'from'],
      ['team=Not A Slug', 'team'],
    ])('rejects %s with 400 naming %s', async (query, field) => {
      const response = await api.http.get(`/api/v1/insights/delivery?${query}`).set(api.admin);
      expect([response.status, response.body.field]).toEqual([400, field]);
    });

    it('equals the pure aggregation exactly on random deployments and incident links, before and after links change later', async () => {
      const dataSource = api.app.get(DataSource);
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'fleet', name: 'Fleet' }).expect(201);
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'edge', name: 'Edge' }).expect(201);
      const services = ['fleet-a', 'fleet-b', 'edge-a', 'edge-b', 'edge-c'];
      for (const slug of services)
        await api.http
          .post('/api/v1/services')
          .set(api.admin)
          .send({ slug, name: slug, team: slug.split('-')[0] })
          .expect(201);
      const next = random(24);
      const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)];
      const end = Date.parse('2026-12-01T00:00:00Z');
      const environments = ['production', 'production', 'production', 'staging'];
      const newDeployment = (finishedAt: Date, fixes: string | null = null) => {
        const startedAt = new Date(finishedAt.getTime() - Math.floor(next() * 1800) * 1000);
        return {
          service: pick(services),
          environment: pick(environments),
          status: next() < 0.8 ? 'succeeded' : DEPLOYMENT_STATUSES[1 + Math.floor(next() * 2)],
          startedAt,
          finishedAt,
          commitAt: next() < 0.85 ? new Date(startedAt.getTime() - Math.floor(next() * 3 * DAY)) : null,
          fixes,
        };
      };
      const insertDeployments = async (rows: Array<ReturnType<typeof newDeployment>>) =>
        dataSource.query(
          `INSERT INTO deployments (service_id, environment, version, status, started_at, finished_at, commit_at, fixes_incident_id)
           SELECT (SELECT id FROM services WHERE slug = r.service), r.environment, 'v' || r.n, r.status, r.started_at, r.finished_at, r.commit_at, r.fixes
             FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[], $7::uuid[]) WITH ORDINALITY
                  AS r(service, environment, status, started_at, finished_at, commit_at, fixes, n)`,
          [
            rows.map((row) => row.service),
            rows.map((row) => row.environment),
            rows.map((row) => row.status),
            rows.map((row) => row.startedAt),
            rows.map((row) => row.finishedAt),
            rows.map((row) => row.commitAt),
            rows.map((row) => row.fixes),
          ],
        );
      // Single-row and many-row statements (the rollup's triggers see both).
      for (let index = 0; index < 300; index++) await insertDeployments([newDeployment(new Date(end - Math.floor(next() * 200 * DAY)))]);
      for (let batch = 0; batch < 12; batch++)
        await insertDeployments(Array.from({ length: 100 }, () => newDeployment(new Date(end - Math.floor(next() * 200 * DAY)))));
      // Incidents naming random deployments (some open, some duplicates, some private, some of the other team), some
      // naming none yet, and fixes.
      const deployments: Array<{ id: string; finished_at: Date; team: string }> = await dataSource.query(
        `SELECT d.id, d.finished_at, t.slug AS team FROM deployments d JOIN services s ON s.id = d.service_id JOIN teams t ON t.id = s.team_id WHERE t.slug IN ('fleet', 'edge') ORDER BY d.finished_at`,
      );
      const incidents: string[] = [];
      let original: string | null = null;
      for (let index = 0; index < 300; index++) {
        const deployment = pick(deployments);
        const startedAt = new Date(deployment.finished_at.getTime() + Math.floor(next() * 3600) * 1000);
        const resolvedAt = next() < 0.85 ? new Date(startedAt.getTime() + Math.floor(next() * 2 * DAY)) : null;
        const duplicateOf: string | null = original !== null && next() < 0.15 ? original : null;
        const team = next() < 0.1 ? (deployment.team === 'fleet' ? 'edge' : 'fleet') : deployment.team;
        const [row]: Array<{ id: string }> = await dataSource.query(
          `INSERT INTO incidents (title, severity, status, type, team_id, visibility, declared_by, source, started_at, detected_at, resolved_at, last_update_at, announce, caused_by_deployment_id, duplicate_of_id)
           VALUES ($1, 'SEV3', $2, 'deploy', (SELECT id FROM teams WHERE slug = $3), $4, 'test', 'api', $5, $5, $6, $5, false, $7, $8) RETURNING id`,
          [
            `Caused ${index}`,
            resolvedAt ? 'resolved' : 'investigating',
            team,
            next() < 0.15 ? 'private' : 'internal',
            startedAt,
            resolvedAt,
            index % 6 === 5 ? null : deployment.id,
            duplicateOf,
          ],
        );
        incidents.push(row.id);
        if (duplicateOf === null && original === null) original = row.id;
        if (next() < 0.3)
          await dataSource.query(
            `UPDATE deployments SET fixes_incident_id = $1 WHERE id = (SELECT id FROM deployments WHERE finished_at > $2 ORDER BY finished_at LIMIT 1)`,
            [row.id, startedAt],
          );
      }
      await expectExact('as created');

      // Later: links made, moved and removed; incidents resolved, marked duplicate or not, made private or not; fixing
      // deployments arriving; deployments deleted, moved and failing after the fact; a service moving team; an incident deleted.
      const ids = async (sql: string): Promise<string[]> => ((await dataSource.query(sql)) as Array<{ id: string }>).map((row) => row.id);
      const all = await ids(
        `SELECT d.id FROM deployments d JOIN services s ON s.id = d.service_id JOIN teams t ON t.id = s.team_id WHERE t.slug IN ('fleet', 'edge')`,
      );
      for (let index = 0; index < 60; index++) {
        const incident = pick(incidents);
        const change = Math.floor(next() * 5);
        if (change === 0) await dataSource.query(`UPDATE incidents SET caused_by_deployment_id = $2 WHERE id = $1`, [incident, pick(all)]);
        if (change === 1) await dataSource.query(`UPDATE incidents SET caused_by_deployment_id = NULL WHERE id = $1`, [incident]);
        if (change === 2)
          await dataSource.query(
            `UPDATE incidents SET status = 'resolved', resolved_at = started_at + interval '7 hours' WHERE id = $1 AND resolved_at IS NULL`,
            [incident],
          );
        if (change === 3)
          await dataSource.query(`UPDATE incidents SET duplicate_of_id = CASE WHEN duplicate_of_id IS NULL THEN $2::uuid END WHERE id = $1 AND id <> $2`, [
            incident,
            original,
          ]);
        if (change === 4)
          await dataSource.query(`UPDATE incidents SET visibility = CASE WHEN visibility = 'private' THEN 'internal' ELSE 'private' END WHERE id = $1`, [
            incident,
          ]);
      }
      await dataSource.query(`UPDATE incidents SET caused_by_deployment_id = $2 WHERE id = ANY ($1::uuid[]) AND caused_by_deployment_id IS NULL`, [
        incidents.slice(0, 60),
        pick(all),
      ]);
      await insertDeployments(Array.from({ length: 30 }, () => newDeployment(new Date(end - Math.floor(next() * 200 * DAY)), pick(incidents))));
      const gone = Array.from({ length: 25 }, () => pick(all));
      await dataSource.query(`DELETE FROM deployments WHERE id = ANY ($1::uuid[])`, [gone.slice(0, 20)]);
      for (const id of gone.slice(20)) await dataSource.query(`DELETE FROM deployments WHERE id = $1`, [id]);
      const kept = all.filter((id) => !gone.includes(id));
      for (let index = 0; index < 30; index++) {
        const id = pick(kept);
        const change = Math.floor(next() * 3);
        if (change === 0)
          await dataSource.query(`UPDATE deployments SET status = CASE WHEN status = 'succeeded' THEN 'rolled_back' ELSE 'succeeded' END WHERE id = $1`, [id]);
        if (change === 1)
          await dataSource.query(
            `UPDATE deployments SET finished_at = finished_at + interval '3 days', started_at = started_at + interval '3 days' WHERE id = $1`,
            [id],
          );
        if (change === 2)
          await dataSource.query(
            `UPDATE deployments SET environment = CASE WHEN environment = 'production' THEN 'staging' ELSE 'production' END WHERE id = $1`,
            [id],
          );
      }
      await dataSource.query(`UPDATE services SET team_id = (SELECT id FROM teams WHERE slug = 'fleet') WHERE slug = 'edge-c'`);
      const [fixed] = await ids(
        `SELECT fixes_incident_id AS id FROM deployments WHERE fixes_incident_id IS NOT NULL AND fixes_incident_id <> '${original}' LIMIT 1`,
      );
      await dataSource.query(`UPDATE incidents SET duplicate_of_id = NULL WHERE duplicate_of_id = $1`, [fixed]);
      await dataSource.query(`DELETE FROM incidents WHERE id = $1`, [fixed]);
      await expectExact('after the later changes');
    });

    /**
     * The API's answers (the rollup) against the pure aggregation over the raw rows, for an admin and for a team
     * token (other teams' private incidents left out), and the rollup's rows against the same outcomes computed in
     * SQL from the raw rows.
     */
    async function expectExact(when: string): Promise<void> {
      const dataSource = api.app.get(DataSource);
      const fleetId: string = (await dataSource.query(`SELECT id FROM teams WHERE slug = 'fleet'`))[0].id;
      const fleet = { Authorization: `Bearer ${(await api.http.post('/api/v1/teams/fleet/tokens').set(api.admin).send({ name: when })).body.token}` };
      const stored: Array<{
        id: string;
        team: string;
        service: string;
        environment: string;
        status: DeliveryDeployment['status'];
        finished_at: Date;
        commit_at: Date | null;
        fixes_incident_id: string | null;
        fixes_visible: boolean;
      }> = await dataSource.query(
        `SELECT d.id, t.slug AS team, s.slug AS service, d.environment, d.status, d.finished_at, d.commit_at, d.fixes_incident_id,
                EXISTS (SELECT 1 FROM incidents i WHERE i.id = d.fixes_incident_id AND (i.visibility <> 'private' OR i.team_id = $1)) AS fixes_visible
           FROM deployments d JOIN services s ON s.id = d.service_id JOIN teams t ON t.id = s.team_id`,
        [fleetId],
      );
      const links: Array<{ caused_by_deployment_id: string; resolved_at: Date | null; duplicate: boolean; visible: boolean }> = await dataSource.query(
        `SELECT caused_by_deployment_id, resolved_at, duplicate_of_id IS NOT NULL AS duplicate, visibility <> 'private' OR team_id = $1 AS visible
           FROM incidents WHERE caused_by_deployment_id IS NOT NULL`,
        [fleetId],
      );
      expect([when, links.some((link) => link.duplicate), links.some((link) => !link.visible)]).toEqual([when, true, true]);
      const asDeployments = (viewer: boolean): DeliveryDeployment[] =>
        stored.map((row) => ({
          id: row.id,
          team: row.team,
          service: row.service,
          environment: row.environment,
          status: row.status,
          finishedAt: row.finished_at,
          commitAt: row.commit_at,
          fixesIncidentId: viewer && !row.fixes_visible ? null : row.fixes_incident_id,
        }));
      const asLinks = (viewer: boolean): DeliveryIncidentLink[] =>
        links
          .filter((link) => !viewer || link.visible)
          .map((link) => ({ causedByDeploymentId: link.caused_by_deployment_id, resolvedAt: link.resolved_at, duplicate: link.duplicate }));
      for (const [from, to, team] of [
        ['2026-09-02T00:00:00Z', '2026-12-01T00:00:00Z', undefined],
        ['2026-10-03T05:30:00Z', '2026-10-10T17:00:00Z', undefined],
        ['2026-06-01T12:00:00Z', '2026-12-01T00:00:00Z', 'edge'],
        ['2026-06-01T12:00:00Z', '2026-12-01T00:00:00Z', 'fleet'],
      ] as const) {
        const query = new URLSearchParams({ from, to, ...(team ? { team } : {}) });
        for (const [who, headers] of [
          ['admin', api.admin],
          ['fleet', fleet],
        ] as const) {
          const response = await api.http.get(`/api/v1/insights/delivery?${query}`).set(headers);
          expect(response.status).toBe(200);
          const viewer = who === 'fleet';
          const expected = buildDeliveryInsights(
            asDeployments(viewer).filter((deployment) => !team || deployment.team === team),
            asLinks(viewer),
            { from: new Date(from), to: new Date(to) },
          );
          expect([when, who, from, team, response.body]).toEqual([when, who, from, team, JSON.parse(JSON.stringify(expected))]);
          expect(
            response.body.byTeam.some(
              (row: { changeFailureRate: number; failedDeploymentRecoveryTimeSeconds: { median: number | null } }) =>
                row.changeFailureRate > 0 && row.failedDeploymentRecoveryTimeSeconds.median !== null,
            ),
          ).toBe(true);
        }
      }
      // Row by row: the rollup against each production deployment's outcome computed from the raw rows.
      // Seconds from → to, never negative; NULL without both (greatest() alone would skip the NULL).
      const seconds = (from: string, to: string) =>
        `CASE WHEN ${from} IS NOT NULL AND ${to} IS NOT NULL THEN greatest(0, extract(epoch FROM ${to} - ${from}))::double precision END`;
      const nextSucceeded = `(SELECT min(x.finished_at) FROM deployments x
                              WHERE x.service_id = d.service_id AND x.environment = 'production' AND x.status = 'succeeded' AND x.finished_at > d.finished_at)`;
      const raw = `SELECT d.id, s.team_id, d.service_id, d.finished_at, d.status <> 'succeeded' OR c.n > 0 AS failed, d.fixes_incident_id IS NOT NULL AS rework,
              CASE WHEN c.n > 0 THEN CASE WHEN c.n = c.resolved THEN ${seconds('d.finished_at', 'c.last')} END
                   WHEN d.status <> 'succeeded' THEN ${seconds('d.finished_at', nextSucceeded)}
              END AS recovery,
              CASE WHEN d.status = 'succeeded' THEN ${seconds('d.commit_at', 'd.finished_at')} END AS lead
         FROM deployments d JOIN services s ON s.id = d.service_id
         LEFT JOIN LATERAL (SELECT count(*) AS n, count(resolved_at) AS resolved, max(resolved_at) AS last FROM incidents
                             WHERE caused_by_deployment_id = d.id AND duplicate_of_id IS NULL) c ON true
        WHERE d.environment = 'production'`;
      const facts = `SELECT deployment_id, team_id, service_id, finished_at, failed, rework, recovery_seconds, lead_seconds FROM deployment_insight_facts`;
      const [counts] = await dataSource.query(`SELECT count(*)::int AS raw FROM (${raw}) r`);
      const missing = await dataSource.query(`${raw} EXCEPT ${facts}`);
      const extra = await dataSource.query(`${facts} EXCEPT ${raw}`);
      expect([when, counts.raw > 1000, missing, extra]).toEqual([when, true, [], []]);
    }
  });
});
