// One link between an SLO and a status component, one writer of the state on
// it (issue 19 item 7): a component linked through the SLO policy's
// `statusComponentId` and one linked through the component's `sloIds` show the
// same SLO state, change at the same evaluation, and neither a replayed (older)
// evaluation nor the status job's catch-up can make them disagree. Real
// PostgreSQL, real Prometheus on a promtool-built history; the API's clock is
// moved across the history.
import { FixedClock } from '@app/platform';
import { StatusRecorder } from '@app/status';
import { SloComponentStateListener } from '../apps/api/src/status/slo-component-state.listener';
import { RunningApi, startApi } from './support/api-app';
import { CounterSeries, renderOpenMetrics } from './support/openmetrics';
import { eventually } from './support/poll';
import { RunningPrometheus, startPrometheus } from './support/prometheus';

const NOW = Date.parse('2025-03-03T12:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const REQUESTS_PER_MINUTE = 2000;

/** 0.05% errors (burn 0.5 on a 0.999 objective), then 5% for the last 50 minutes: the 1h/5m page tier fires at NOW. */
const errorRatioAt = (time: number) => (time > NOW - 50 * MINUTE ? 0.05 : 0.0005);

function buildHistory(): string {
  const good: Array<[number, number]> = [];
  const bad: Array<[number, number]> = [];
  let goodTotal = 0;
  let badTotal = 0;
  for (let time = NOW - 3 * DAY; time <= NOW; time += MINUTE) {
    const errors = Math.round(REQUESTS_PER_MINUTE * errorRatioAt(time));
    goodTotal += REQUESTS_PER_MINUTE - errors;
    badTotal += errors;
    good.push([time / 1000, goodTotal]);
    bad.push([time / 1000, badTotal]);
  }
  const series: CounterSeries[] = [
    { labels: { code: '200' }, points: good },
    { labels: { code: '500' }, points: bad },
  ];
  return renderOpenMetrics([{ type: 'counter', name: 'link_requests', help: 'Requests served, by status code.', series }]);
}

describe('SLO to status component: one link, one writer', () => {
  let prometheus: RunningPrometheus;
  let api: RunningApi;
  const clock = new FixedClock(new Date(NOW - 2 * HOUR));

  beforeAll(async () => {
    prometheus = await startPrometheus({ openMetrics: buildHistory() });
    api = await startApi({ clock, env: { PROMETHEUS_URL: prometheus.url, SCHEDULER_ENABLED: 'false' } });
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    await prometheus?.stop();
  });

  it('a component linked by policy.statusComponentId and one linked by sloIds show the same state, and replays cannot make them disagree', async () => {
    const handled = jest.spyOn(api.app.get(SloComponentStateListener), 'onSloEvaluated');
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'links', name: 'Links' }).expect(201);
    await api.http.post('/api/v1/services').set(api.admin).send({ slug: 'link-api', name: 'Link API', team: 'links' }).expect(201);
    const byPolicy = (await api.http.post('/api/v1/status/components').set(api.admin).send({ name: 'By policy' }).expect(201)).body.id as string;
    const slo = await api.http
      .post('/api/v1/slos')
      .set(api.admin)
      .send({
        service: 'link-api',
        name: 'link-availability',
        objective: 0.999,
        window: '28d',
        indicator: { kind: 'ratio', total: 'link_requests_total', bad: 'link_requests_total{code="500"}' },
        policy: { openIncident: false, statusComponentId: byPolicy },
      });
    expect(slo.status).toBe(201);
    const sloId = slo.body.id as string;
    const bySloIds = (
      await api.http
        .post('/api/v1/status/components')
        .set(api.admin)
        .send({ name: 'By sloIds', sloIds: [sloId] })
        .expect(201)
    ).body.id as string;
    const component = async (id: string) => (await api.http.get(`/api/v1/status/components/${id}`).set(api.admin).expect(200)).body;
    const both = async () => {
      const [policyLinked, idLinked] = [await component(byPolicy), await component(bySloIds)];
      return { policyLinked, idLinked };
    };

    // Before any burn: the policy's alias already wrote the link, with the state of the evaluation made at creation.
    const quiet = await eventually(async () => {
      const found = await both();
      return found.policyLinked.slos[0]?.state === 'ok' ? found : undefined;
    }, 'the policy link to carry the first evaluation');
    expect(quiet.policyLinked.sloIds).toEqual([sloId]);
    expect(quiet.policyLinked.slos).toEqual(quiet.idLinked.slos);
    expect(quiet.policyLinked.slos).toEqual([{ sloId, state: 'ok', stateChangedAt: new Date(NOW - 2 * HOUR).toISOString(), componentStatusOn: 'page' }]);
    expect([quiet.policyLinked.status, quiet.idLinked.status]).toEqual(['operational', 'operational']);

    // The page tier fires at NOW: both components move at that evaluation, to the same status for the same reason.
    clock.set(new Date(NOW));
    const evaluated = await api.http.post(`/api/v1/slos/${sloId}/evaluate`).set(api.admin).expect(200);
    expect(evaluated.body.state).toBe('critical');
    const burning = await eventually(async () => {
      const found = await both();
      return found.policyLinked.status !== 'operational' && found.idLinked.status !== 'operational' ? found : undefined;
    }, 'both components to move');
    expect(burning.policyLinked.status).toMatch(/partial_outage|major_outage/);
    expect(burning.idLinked.status).toBe(burning.policyLinked.status);
    expect(burning.policyLinked.slos).toEqual([{ sloId, state: 'critical', stateChangedAt: new Date(NOW).toISOString(), componentStatusOn: 'page' }]);
    expect(burning.idLinked.slos).toEqual(burning.policyLinked.slos);
    expect(burning.idLinked.statusReasons).toEqual(burning.policyLinked.statusReasons);

    // The first (older, quiet) evaluation delivered again, and the status job's catch-up: nothing changes.
    await eventually(async () => (handled.mock.calls.length >= 2 ? true : undefined), 'the listener to receive both evaluations');
    await Promise.all(handled.mock.results.map((result) => result.value));
    const first = handled.mock.calls.map(([event]) => event).find((event) => event.status.state === 'ok');
    expect(first).toBeDefined();
    await api.app.get(SloComponentStateListener).follow(first!);
    expect(await api.app.get(StatusRecorder).syncSloStates(clock.now())).toBe(0);
    const after = await both();
    expect(after.policyLinked.slos).toEqual(burning.policyLinked.slos);
    expect(after.idLinked.slos).toEqual(burning.policyLinked.slos);
    expect([after.policyLinked.status, after.idLinked.status]).toEqual([burning.policyLinked.status, burning.policyLinked.status]);
  });
});
