import { createServer, Server } from 'node:http';
import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';
import { eventually } from './support/poll';
import { RunningAlertmanager, startAlertmanager } from './support/alertmanager';
import { freePort } from './support/ports';
import { RunningPrometheus, startPrometheus } from './support/prometheus';

function payload(overrides: Record<string, unknown> = {}, alertOverrides: Record<string, unknown> = {}) {
  const alert = {
    status: 'firing',
    labels: { alertname: 'HighErrorRate', team: 'payments', service: 'checkout', severity: 'critical' },
    annotations: { summary: 'Checkout 5xx above 5%' },
    startsAt: '2026-11-24T01:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus/graph',
    fingerprint: 'a1b2c3d4e5f60718',
    ...alertOverrides,
  };
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate", team="payments"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'ballast',
    groupLabels: { alertname: 'HighErrorRate', team: 'payments' },
    commonLabels: alert.labels,
    commonAnnotations: alert.annotations,
    externalURL: 'http://alertmanager:9093',
    alerts: [alert],
    ...overrides,
  };
}

describe('Alertmanager webhook intake', () => {
  let api: RunningApi;
  const clock = new FixedClock(new Date('2026-11-24T01:02:00Z'));

  beforeAll(async () => {
    api = await startApi({ clock });
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'search', name: 'Search' }).expect(201);
    await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'checkout', name: 'Checkout', team: 'payments' }).expect(201);
  });
  afterAll(async () => {
    await api.close();
  });

  it('opens one incident per group and records alert events without duplicates on re-delivery', async () => {
    const first = await api.http
      .post('/webhooks/alertmanager')
      .set(api.admin)
      .send(payload({ groupKey: 'group-1' }));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ action: 'opened', reference: expect.stringMatching(/^INC-/), eventsRecorded: 1 });
    const again = await api.http
      .post('/webhooks/alertmanager')
      .set(api.admin)
      .send(payload({ groupKey: 'group-1' }));
    expect(again.body).toMatchObject({ action: 'updated', incident: first.body.incident, eventsRecorded: 0 });

    const incident = (await api.http.get(`/api/v1/incidents/${first.body.incident}`).set(api.admin)).body;
    expect(incident).toMatchObject({
      source: 'alertmanager',
      team: 'payments',
      severity: 'SEV2',
      services: ['checkout'],
      visibility: 'internal',
      acknowledgedAt: null,
      detectedAt: '2026-11-24T01:00:00.000Z',
    });
    expect(incident.title).toBe('HighErrorRate: Checkout 5xx above 5%');

    clock.set(new Date('2026-11-24T01:25:00Z'));
    const resolved = await api.http
      .post('/webhooks/alertmanager')
      .set(api.admin)
      .send(payload({ groupKey: 'group-1', status: 'resolved' }, { status: 'resolved', endsAt: '2026-11-24T01:20:00Z' }));
    expect(resolved.body).toMatchObject({ action: 'resolved_alerts', incident: first.body.incident, eventsRecorded: 1 });
    const kinds = (await api.http.get(`/api/v1/incidents/${first.body.incident}/timeline`).set(api.admin)).body.items.map(
      (event: { kind: string }) => event.kind,
    );
    // In time order: the alert started before Ballast heard of it.
    expect(kinds).toEqual(['alert_fired', 'declared', 'alert_resolved']);
    expect((await api.http.get(`/api/v1/incidents/${first.body.incident}`).set(api.admin)).body.status).toBe('investigating');
  });

  it('creates exactly one incident from concurrent deliveries of the same group', async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.http
          .post('/webhooks/alertmanager')
          .set(api.admin)
          .send(payload({ groupKey: 'group-concurrent' })),
      ),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(new Set(responses.map((response) => response.body.incident)).size).toBe(1);
    expect(responses.filter((response) => response.body.action === 'opened')).toHaveLength(1);
    const count = await api.app.get(DataSource).query(`SELECT count(*)::int AS n FROM incidents WHERE dedup_key = 'alertmanager:payments:group-concurrent'`);
    expect(count[0].n).toBe(1);
  });

  it('maps severities and falls back for unknown labels', async () => {
    const cases: [string, string][] = [
      ['warning', 'SEV3'],
      ['page', 'SEV2'],
      ['SEV1', 'SEV1'],
      ['info', 'SEV4'],
      ['bogus', 'SEV3'],
    ];
    for (const [label, expected] of cases) {
      const response = await api.http
        .post('/webhooks/alertmanager')
        .set(api.admin)
        .send(
          payload(
            { groupKey: `severity-${label}`, commonLabels: { alertname: 'X', team: 'payments', severity: label } },
            { labels: { alertname: 'X', team: 'payments', severity: label } },
          ),
        );
      const incident = (await api.http.get(`/api/v1/incidents/${response.body.incident}`).set(api.admin)).body;
      expect([label, incident.severity]).toEqual([label, expected]);
    }
  });

  it('rejects what it cannot attribute or trust', async () => {
    expect((await api.http.post('/webhooks/alertmanager').send(payload())).status).toBe(401);
    const searchToken = (await api.http.post('/api/v1/teams/search/tokens').set(api.admin).send({ name: 'am' })).body.token;
    expect(
      (
        await api.http
          .post('/webhooks/alertmanager')
          .set('Authorization', `Bearer ${searchToken}`)
          .send(payload({ groupKey: 'foreign' }))
      ).status,
    ).toBe(403);
    const noTeam = await api.http
      .post('/webhooks/alertmanager')
      .set(api.admin)
      .send(payload({ groupKey: 'no-team', groupLabels: {}, commonLabels: { alertname: 'X' } }, { labels: { alertname: 'X' } }));
    expect(noTeam.status).toBe(400);
    expect(noTeam.body).toMatchObject({ error: 'missing_team', field: 'commonLabels.team' });
    const badVersion = await api.http
      .post('/webhooks/alertmanager')
      .set(api.admin)
      .send(payload({ version: '3' }));
    expect(badVersion.status).toBe(400);
    expect(badVersion.body.field).toBe('version');
    const badLabels = await api.http
      .post('/webhooks/alertmanager')
      .set(api.admin)
      .send(payload({}, { labels: { alertname: { nested: true } } }));
    expect(badLabels.status).toBe(400);
    expect(badLabels.body.details.map((problem: { field: string }) => problem.field)).toContain('alerts.0.labels');
  });

  // Real Prometheus and Alertmanager run on the wall clock, so this part uses an API on the real clock too.
  describe('end to end with real Prometheus and Alertmanager', () => {
    let realTimeApi: RunningApi;
    let target: Server;
    let broken = 0;
    let prometheus: RunningPrometheus;
    let alertmanager: RunningAlertmanager;

    beforeAll(async () => {
      realTimeApi = await startApi({ database: api.database, keepDatabase: true });
      const targetPort = await freePort();
      target = createServer((_request, response) => {
        response.setHeader('Content-Type', 'text/plain; version=0.0.4');
        response.end(`# TYPE ballast_test_broken gauge\nballast_test_broken{service="checkout"} ${broken}\n`);
      });
      await new Promise<void>((done) => target.listen(targetPort, '127.0.0.1', done));
      alertmanager = await startAlertmanager({
        webhookUrl: `${realTimeApi.baseUrl}/webhooks/alertmanager`,
        bearerToken: realTimeApi.config.API_ADMIN_TOKEN as string,
      });
      prometheus = await startPrometheus({
        evaluationInterval: '1s',
        ruleFiles: {
          'checkout.yml': [
            'groups:',
            '  - name: checkout',
            '    rules:',
            '      - alert: CheckoutBroken',
            '        expr: ballast_test_broken == 1',
            '        labels: { team: payments, severity: critical }',
            '        annotations: { summary: "Checkout is failing" }',
            '',
          ].join('\n'),
        },
        extraConfig: {
          global: { scrape_interval: '1s', evaluation_interval: '1s' },
          scrape_configs: [{ job_name: 'target', static_configs: [{ targets: [`127.0.0.1:${targetPort}`] }] }],
          alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanager.address] }] }] },
        },
      });
    });
    afterAll(async () => {
      await prometheus?.stop();
      await alertmanager?.stop();
      await new Promise((done) => target?.close(done));
      await realTimeApi?.close();
    });

    it('turns a firing Prometheus alert into an incident and its resolution into a timeline event', async () => {
      broken = 1;
      const incident = await eventually(
        async () => {
          const list = (await api.http.get('/api/v1/incidents?source=alertmanager&limit=200').set(api.admin)).body.items;
          return list.find((item: { title: string }) => item.title.startsWith('CheckoutBroken'));
        },
        'the incident opened by Alertmanager',
        45_000,
      );
      expect(incident).toMatchObject({
        team: 'payments',
        severity: 'SEV2',
        services: ['checkout'],
        status: 'investigating',
        title: 'CheckoutBroken: Checkout is failing',
      });

      broken = 0;
      const timeline = await eventually(
        async () => {
          const items = (await api.http.get(`/api/v1/incidents/${incident.id}/timeline`).set(api.admin)).body.items;
          return items.some((event: { kind: string }) => event.kind === 'alert_resolved') ? items : undefined;
        },
        'the alert_resolved event',
        45_000,
      );
      expect(timeline.map((event: { kind: string }) => event.kind).sort()).toEqual(['alert_fired', 'alert_resolved', 'declared']);
      expect(timeline.at(-1).kind).toBe('alert_resolved');
      const total = (await api.http.get('/api/v1/incidents?source=alertmanager&limit=200').set(api.admin)).body.items.filter((item: { title: string }) =>
        item.title.startsWith('CheckoutBroken'),
      );
      expect(total).toHaveLength(1);
    }, 120_000);
  });
});
