// The error budget policy's quieter promises, end to end: a ticket-tier burn
// warns the team's Slack channel once per lapse and opens nothing; an
// exhausted budget sends the "freeze" message once (and one timeline event
// when the SLO has an incident open); an SLO that links a status component
// moves the component even when its incidents stay internal; the weekly
// digest reaches the team's channel. Real PostgreSQL, real Prometheus on a
// promtool-built history, the real Slack notifier talking to the fake Slack
// Web API; the API's clock is moved across the history.
import { FixedClock } from '@app/platform';
import { SloReadModel } from '@app/slo';
import { BudgetPolicyListener } from '../apps/api/src/budget-policy/budget-policy.listener';
import { DIGEST_MAX_ATTEMPTS, DIGEST_RETRY_AFTER_MS, WeeklyDigestService } from '../apps/api/src/digest/weekly-digest.service';
import { RunningApi, startApi } from './support/api-app';
import { FakeSlack } from './support/fake-slack';
import { CounterSeries, renderOpenMetrics } from './support/openmetrics';
import { eventually } from './support/poll';
import { RunningPrometheus, startPrometheus } from './support/prometheus';
import { slackEnv } from './support/slack-harness';
import { sql } from './support/sql';

const NOW = Date.parse('2025-03-03T12:00:00Z'); // a Monday
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const HISTORY_DAYS = 33;
const REQUESTS_PER_MINUTE = 2000;

/**
 * Error ratios per scenario as a function of time (ms). With 2000 requests a
 * minute every ratio used here is a whole number of errors, so the windows'
 * burn rates are exact. Objective 0.999 over 28d: the page tiers need burn
 * rates above 13.44 (1h/5m) or 5.6 (6h/30m), the ticket tiers 2.8 (1d/2h) or
 * 0.933 (3d/6h).
 */
const SCENARIOS: Record<string, (time: number) => number> = {
  // 0.05% (burn 0.5), and 0.5% (burn 5: ticket, not page) for 30 hours ending 30 hours ago and again for the last 10 hours.
  'slow-burn': (time) => ((time > NOW - 60 * HOUR && time <= NOW - 30 * HOUR) || time > NOW - 10 * HOUR ? 0.005 : 0.0005),
  // 0.2% all along: burn 2, so the 28d budget is spent twice over, but no page tier fires.
  'spent-slowly': () => 0.002,
  // 2% all along: the 1h/5m page tier fires and the budget is long gone.
  'spent-burning': () => 0.02,
  // The SLO behind a status component: quiet, then 5% errors for the last 50 minutes (the 1h/5m page tier fires at NOW).
  'component-burn': (time) => (time > NOW - 50 * MINUTE ? 0.05 : 0.0005),
};

function buildHistory(): string {
  const series: CounterSeries[] = [];
  const start = NOW - HISTORY_DAYS * DAY;
  for (const [scenario, errorRatioAt] of Object.entries(SCENARIOS)) {
    const good: Array<[number, number]> = [];
    const bad: Array<[number, number]> = [];
    let goodTotal = 0;
    let badTotal = 0;
    for (let time = start; time <= NOW; time += MINUTE) {
      const errors = Math.round(REQUESTS_PER_MINUTE * errorRatioAt(time));
      goodTotal += REQUESTS_PER_MINUTE - errors;
      badTotal += errors;
      good.push([time / 1000, goodTotal]);
      bad.push([time / 1000, badTotal]);
    }
    series.push({ labels: { scenario, code: '200' }, points: good }, { labels: { scenario, code: '500' }, points: bad });
  }
  return renderOpenMetrics([{ type: 'counter', name: 'http_requests', help: 'Requests served, by status code.', series }]);
}

const indicator = (scenario: string) => ({
  kind: 'ratio',
  total: `http_requests_total{scenario="${scenario}"}`,
  bad: `http_requests_total{scenario="${scenario}",code="500"}`,
});

describe('error budget policy end to end (ticket warnings, freeze, status component, digest through Slack)', () => {
  let prometheus: RunningPrometheus;
  let fake: FakeSlack;
  let api: RunningApi;
  const clock = new FixedClock(new Date(NOW - 62 * HOUR));
  const channels: Record<string, string> = {};
  const sloIds: Record<string, string> = {};
  let componentId: string;
  /** Observes (calls through to) the budget policy's handling of every `slo.evaluated`, to know when it is done. */
  let policyHandling: jest.SpiedFunction<BudgetPolicyListener['onSloEvaluated']>;
  /** Evaluations stored per scenario: the one at creation plus every POST /evaluate. */
  const evaluationsOf: Record<string, number> = {};

  const messagesTo = (team: string) => fake.messagesIn(channels[team]).map((message) => message.text);
  const evaluate = async (slo: string) => {
    const response = await api.http.post(`/api/v1/slos/${sloIds[slo]}/evaluate`).set(api.admin);
    expect([slo, response.status]).toEqual([slo, 200]);
    evaluationsOf[slo] += 1;
    return response.body;
  };
  /** Re-evaluates an SLO first evaluated when it was created (62 hours before NOW) at NOW - 1h, NOW - 30m and NOW. */
  const evaluateThroughLastHour = async (slo: string) => {
    const statuses = [];
    for (const at of [NOW - HOUR, NOW - 30 * MINUTE, NOW]) {
      clock.set(new Date(at));
      statuses.push(await evaluate(slo));
    }
    return statuses;
  };
  /**
   * The listener acts on `slo.evaluated` after POST /evaluate has answered: waits until it has received every
   * evaluation of the SLO so far and finished acting on each (its Slack posts are awaited), so what the channel
   * holds afterwards is everything the policy sent for them.
   */
  const policyDone = async (slo: string) => {
    const handlingsOf = () =>
      policyHandling.mock.calls.flatMap(([event], index) => (event.slo.id === sloIds[slo] ? [policyHandling.mock.results[index].value] : []));
    await eventually(
      async () => (handlingsOf().length >= evaluationsOf[slo] ? true : undefined),
      `the budget policy to receive ${evaluationsOf[slo]} evaluation(s) of ${slo}`,
    );
    expect(handlingsOf()).toHaveLength(evaluationsOf[slo]);
    await Promise.all(handlingsOf());
  };
  const incidentsOf = async (team: string) =>
    (await api.http.get(`/api/v1/incidents?team=${team}&limit=50`).set(api.admin)).body.items as Array<Record<string, unknown>>;

  beforeAll(async () => {
    prometheus = await startPrometheus({ openMetrics: buildHistory() });
    fake = await FakeSlack.start();
    api = await startApi({
      clock,
      env: { ...slackEnv(fake), PROMETHEUS_URL: prometheus.url, SCHEDULER_ENABLED: 'false', DIGEST_DAY: 'monday', DIGEST_HOUR_UTC: '9' },
    });
    // The event emitter looks the handler up on the instance at each event, so the spy sees every evaluation.
    policyHandling = jest.spyOn(api.app.get(BudgetPolicyListener), 'onSloEvaluated');
    const teams: Array<[string, string, string]> = [
      ['orders', 'cart', 'slow-burn'],
      ['ledger', 'billing', 'spent-slowly'],
      ['payments', 'checkout', 'spent-burning'],
      ['search', 'query', 'component-burn'],
    ];
    for (const [team, service, scenario] of teams) {
      channels[team] = fake.addChannel({ name: `team-${team}` }).id;
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug: team, name: team, slackChannelId: channels[team] }).expect(201);
      await api.http.post('/api/v1/services').set(api.admin).send({ slug: service, name: service, team }).expect(201);
      if (scenario === 'component-burn') {
        const component = await api.http
          .post('/api/v1/status/components')
          .set(api.admin)
          .send({ name: 'Search', services: [service] });
        expect(component.status).toBe(201);
        componentId = component.body.id;
      }
      const created = await api.http
        .post('/api/v1/slos')
        .set(api.admin)
        .send({
          service,
          name: `${service}-availability`,
          objective: 0.999,
          window: '28d',
          indicator: indicator(scenario),
          // Every policy asks for incidents, so "no incident" below is the policy's doing, not the settings'.
          policy:
            scenario === 'component-burn'
              ? { openIncident: true, severity: 'SEV2', statusComponentId: componentId, publicIncident: false }
              : { openIncident: true, severity: 'SEV3' },
        });
      expect([scenario, created.status]).toEqual([scenario, 201]);
      sloIds[scenario] = created.body.id;
      evaluationsOf[scenario] = 1;
    }
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    await fake?.close();
    await prometheus?.stop();
  });

  it('warns the team channel once per lapse of a ticket-tier burn and opens no incident', async () => {
    const warnings = () => messagesTo('orders').filter((text) => text.includes('slowly burning its error budget'));

    expect((await evaluate('slow-burn')).state).toBe('ok');
    await policyDone('slow-burn');
    expect(messagesTo('orders')).toEqual([]);

    // 28 hours into the first slow burn: the 1d/2h ticket tier fires, no page tier does.
    clock.set(new Date(NOW - 32 * HOUR));
    const burning = await evaluate('slow-burn');
    expect(burning.state).toBe('warning');
    expect(
      burning.alerts.filter((alert: { firing: boolean }) => alert.firing).map((alert: { tier: string; long: string }) => `${alert.tier} ${alert.long}`),
    ).toEqual(expect.arrayContaining(['ticket 1d']));
    expect(burning.alerts.some((alert: { tier: string; firing: boolean }) => alert.tier === 'page' && alert.firing)).toBe(false);
    await policyDone('slow-burn');
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(
      /^:warning: cart-availability \(cart\) is slowly burning its error budget: 5\.0x over 1d\. No incident opened \(ticket tier\)\./,
    );

    // Still the same lapse five minutes later: nothing new.
    clock.set(new Date(NOW - 32 * HOUR + 5 * MINUTE));
    expect((await evaluate('slow-burn')).state).toBe('warning');
    // Ten hours after the burn ended every tier is quiet again: the lapse is over.
    clock.set(new Date(NOW - 20 * HOUR));
    expect((await evaluate('slow-burn')).alerts.some((alert: { firing: boolean }) => alert.firing)).toBe(false);
    await policyDone('slow-burn');
    expect(warnings()).toHaveLength(1);

    // A second lapse: ten hours into the second burn the 3d/6h tier fires, and the team hears once more.
    clock.set(new Date(NOW));
    const again = await evaluate('slow-burn');
    expect(
      again.alerts.filter((alert: { firing: boolean }) => alert.firing).map((alert: { tier: string; long: string }) => `${alert.tier} ${alert.long}`),
    ).toEqual(['ticket 3d']);
    await policyDone('slow-burn');
    expect(warnings()).toHaveLength(2);
    expect(messagesTo('orders')).toHaveLength(2);
    expect(await incidentsOf('orders')).toEqual([]);
  });

  it('sends the freeze message once when the budget is exhausted, without an incident when no page tier fires', async () => {
    // Already past its budget when it was created and first evaluated (62 hours before NOW).
    const freeze = () => messagesTo('ledger').filter((text) => text.startsWith(':octagonal_sign: billing-availability has exhausted its error budget'));
    await eventually(async () => (freeze().length > 0 ? true : undefined), 'the freeze message');
    for (const status of await evaluateThroughLastHour('spent-slowly')) {
      expect(status.errorBudgetRemaining).toBeLessThanOrEqual(0);
      expect(status.alerts.some((alert: { tier: string; firing: boolean }) => alert.tier === 'page' && alert.firing)).toBe(false);
    }
    await policyDone('spent-slowly');
    expect(freeze()).toHaveLength(1);
    expect(freeze()[0]).toContain('freeze risky changes until it recovers');
    expect(await incidentsOf('ledger')).toEqual([]);
  });

  it('records the exhaustion once on the open SLO incident and sends one freeze message', async () => {
    const freeze = () => messagesTo('payments').filter((text) => text.includes('has exhausted its error budget'));
    await eventually(async () => (freeze().length > 0 ? true : undefined), 'the freeze message');
    for (const status of await evaluateThroughLastHour('spent-burning')) {
      expect(status.state).toBe('critical');
      expect(status.errorBudgetRemaining).toBeLessThanOrEqual(0);
    }
    await policyDone('spent-burning');
    expect(freeze()).toHaveLength(1);
    const incidents = await incidentsOf('payments');
    expect(incidents).toHaveLength(1);
    const timeline = (await api.http.get(`/api/v1/incidents/${incidents[0].id}/timeline`).set(api.admin)).body.items as Array<{ kind: string }>;
    expect(timeline.filter((event) => event.kind === 'budget_exhausted')).toHaveLength(1);
    expect(timeline.filter((event) => event.kind === 'slo_burn_started')).toHaveLength(1);
  });

  it('moves the linked status component while the SLO incident stays internal', async () => {
    const component = async () => (await api.http.get(`/api/v1/status/components/${componentId}`).set(api.admin)).body;
    expect((await component()).status).toBe('operational');

    clock.set(new Date(NOW));
    expect((await evaluate('component-burn')).state).toBe('critical');
    const moved = await eventually(async () => {
      const body = await component();
      return body.status !== 'operational' ? body : undefined;
    }, 'the component status to move');
    expect(moved.status).toMatch(/partial_outage|major_outage/);
    expect(moved.statusReasons).toEqual([expect.objectContaining({ source: 'slo', sloId: sloIds['component-burn'], sloState: 'critical' })]);

    // The SLO incident is opened by its own listener of the same evaluation: the component may move first.
    const [incident, ...others] = await eventually(async () => {
      const found = await incidentsOf('search');
      return found.length > 0 ? found : undefined;
    }, 'the SLO incident for search');
    expect(others).toEqual([]);
    expect(incident).toMatchObject({ source: 'slo', visibility: 'internal', affectedComponents: [] });
    const everyIncident = (await api.http.get('/api/v1/incidents?limit=100').set(api.admin)).body.items as Array<{ visibility: string }>;
    expect(everyIncident.filter((candidate) => candidate.visibility === 'public')).toEqual([]);
  });

  it('delivers the weekly digest to each team channel through the Slack Web API, once, and tries a failed one again', async () => {
    clock.set(new Date(NOW + 2 * HOUR));
    const digestsIn = (team: string) =>
      fake
        .calls('chat.postMessage')
        .filter((call) => call.args.channel === channels[team] && String(call.args.text).startsWith('Weekly reliability digest'))
        .map((call) => String(call.args.text));
    /** What the team's channel holds (the fake records failed calls too). */
    const deliveredTo = (team: string) => messagesTo(team).filter((text) => String(text).startsWith('Weekly reliability digest'));
    const row = async (team: string) =>
      (
        await sql<{ delivered: boolean; attempts: number; failure: string | null }>(
          api.database.url,
          `SELECT delivered, attempts, failure FROM team_digests d JOIN teams t ON t.id = d.team_id WHERE t.slug = $1`,
          [team],
        )
      )[0];
    const digests = api.app.get(WeeklyDigestService);
    // Slack answers ledger's digest with an error.
    fake.failNextIn(channels.ledger, 'chat.postMessage', 'internal_error');
    const first = await digests.sendDueDigests();
    expect(first).toMatchObject({ sent: ['orders', 'payments', 'search'], failed: ['ledger'], undeliverable: [], alreadySent: [] });
    expect([digestsIn('ledger').length, deliveredTo('ledger')]).toEqual([1, []]);
    expect(await row('ledger')).toEqual({ delivered: false, attempts: 1, failure: 'failed' });
    for (const team of ['orders', 'payments', 'search'])
      expect([team, deliveredTo(team).length, await row(team)]).toEqual([team, 1, { delivered: true, attempts: 1, failure: null }]);
    const [digest] = digestsIn('payments');
    expect(digest).toContain('Weekly reliability digest for payments — 2025-02-24 to 2025-03-03');
    expect(digest).toContain('SLOs at risk');
    expect(digest).toContain('checkout-availability');
    // What Slack stored is what the team sees in its channel.
    expect(messagesTo('payments')).toContain(digest);

    // The next check, before the retry delay: nothing is sent (a replica may still be sending it).
    clock.set(new Date(NOW + 2 * HOUR + DIGEST_RETRY_AFTER_MS - MINUTE));
    expect(await digests.sendDueDigests()).toMatchObject({ sent: [], failed: [], alreadySent: ['ledger', 'orders', 'payments', 'search'] });
    expect([digestsIn('ledger').length, deliveredTo('ledger')]).toEqual([1, []]);

    // After it, the stored digest is sent again, and only the one that failed.
    clock.set(new Date(NOW + 2 * HOUR + DIGEST_RETRY_AFTER_MS));
    expect(await digests.sendDueDigests()).toMatchObject({ sent: ['ledger'], failed: [] });
    // The same text as the failed try: the body stored with the claim.
    const [failedTry, retry] = digestsIn('ledger');
    expect(retry).toBe(failedTry);
    expect(deliveredTo('ledger')).toEqual([retry]);
    expect(retry).toContain('Weekly reliability digest for ledger — 2025-02-24 to 2025-03-03');
    expect(await row('ledger')).toEqual({ delivered: true, attempts: 2, failure: null });

    // Sent once: later checks in the same week post nothing.
    clock.set(new Date(NOW + 2 * HOUR + 3 * DIGEST_RETRY_AFTER_MS));
    expect((await digests.sendDueDigests()).sent).toEqual([]);
    for (const team of Object.keys(channels)) expect([team, deliveredTo(team).length, digestsIn(team).length]).toEqual([team, 1, team === 'ledger' ? 2 : 1]);
  });

  it('does not try an undeliverable digest again, and gives up on a failing one after DIGEST_MAX_ATTEMPTS sends', async () => {
    const flaky = fake.addChannel({ name: 'team-flaky' }).id;
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'aaa-flaky', name: 'Flaky', slackChannelId: flaky }).expect(201);
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'aab-no-channel', name: 'No channel' }).expect(201);
    const digests = api.app.get(WeeklyDigestService);
    const triedIn = () => fake.calls('chat.postMessage').filter((call) => call.args.channel === flaky).length;
    fake.failNextIn(flaky, 'chat.postMessage', 'internal_error', DIGEST_MAX_ATTEMPTS);
    let at = NOW + 4 * HOUR;
    for (let attempt = 1; attempt <= DIGEST_MAX_ATTEMPTS; attempt++, at += DIGEST_RETRY_AFTER_MS) {
      clock.set(new Date(at));
      const result = await digests.sendDueDigests();
      expect([attempt, result.failed, result.undeliverable, result.sent]).toEqual([attempt, ['aaa-flaky'], attempt === 1 ? ['aab-no-channel'] : [], []]);
      expect([attempt, triedIn()]).toEqual([attempt, attempt]);
    }
    clock.set(new Date(at));
    const after = await digests.sendDueDigests();
    expect(after).toMatchObject({ sent: [], failed: [], undeliverable: [] });
    expect(after.alreadySent).toEqual(expect.arrayContaining(['aaa-flaky', 'aab-no-channel']));
    expect(triedIn()).toBe(DIGEST_MAX_ATTEMPTS);
    expect(fake.messagesIn(flaky)).toEqual([]);
    const rows = await sql<{ slug: string; delivered: boolean; attempts: number; failure: string | null }>(
      api.database.url,
      `SELECT t.slug, d.delivered, d.attempts, d.failure FROM team_digests d JOIN teams t ON t.id = d.team_id WHERE t.slug IN ('aaa-flaky', 'aab-no-channel') ORDER BY t.slug`,
    );
    expect(rows).toEqual([
      { slug: 'aaa-flaky', delivered: false, attempts: DIGEST_MAX_ATTEMPTS, failure: 'failed' },
      { slug: 'aab-no-channel', delivered: false, attempts: 1, failure: 'undeliverable' },
    ]);
  });

  it('rolls up every team’s SLOs with one query, the same as team by team, for the dashboard overview', async () => {
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'no-slos', name: 'No SLOs yet' }).expect(201);
    const slugs = ['search', 'ledger', 'no-slos', 'orders', 'payments'];
    const slos = api.app.get(SloReadModel);
    const oneByOne = await Promise.all(slugs.map((slug) => slos.teamRollup(slug)));
    expect(await slos.teamRollups(slugs)).toEqual(oneByOne);
    expect(oneByOne.map((rollup) => [rollup.team, rollup.slos.length])).toEqual([
      ['search', 1],
      ['ledger', 1],
      ['no-slos', 0],
      ['orders', 1],
      ['payments', 1],
    ]);
    expect(await slos.teamRollups([])).toEqual([]);

    // The insights answer lists the SLOs with the least budget left, of one team or of all.
    const insights = (query: string) => api.http.get(`/api/v1/insights/incidents?${query}`).set(api.admin);
    const everyTeam = (await insights('')).body.slosWithLeastBudget as Array<{ name: string; team: string; errorBudgetRemaining: number }>;
    expect(
      everyTeam
        .map((slo) => slo.name)
        .slice(0, 2)
        .sort(),
    ).toEqual(['billing-availability', 'checkout-availability']);
    expect(everyTeam.map((slo) => slo.errorBudgetRemaining)).toEqual([...everyTeam.map((slo) => slo.errorBudgetRemaining)].sort((a, b) => a - b));
    expect(everyTeam).toHaveLength(4);
    const ledger = (await insights('team=ledger')).body;
    expect(ledger.slosWithLeastBudget).toEqual([
      expect.objectContaining({ name: 'billing-availability', team: 'ledger', service: 'billing', state: expect.any(String) }),
    ]);
    expect(ledger.slosWithLeastBudget[0].errorBudgetRemaining).toBeLessThanOrEqual(0);

    const form = await api.http.get('/dashboard/login');
    const csrfCookie = ([] as string[]).concat(form.headers['set-cookie'] ?? []).map((value) => value.split(';')[0]);
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)?.[1];
    const login = await api.http.post('/dashboard/login').set('Cookie', csrfCookie).type('form').send({ token: api.config.API_ADMIN_TOKEN, csrf });
    const cookie = [...csrfCookie, ...([] as string[]).concat(login.headers['set-cookie'] ?? []).map((value) => value.split(';')[0])];
    const overview = await api.http.get('/dashboard').set('Cookie', cookie);
    expect(overview.status).toBe(200);
    for (const rollup of oneByOne.filter((candidate) => candidate.slos.length > 0)) {
      const lowest = rollup.slos[0];
      expect(overview.text).toContain(`${((lowest.errorBudgetRemaining as number) * 100).toFixed(1)}% (${lowest.name})`);
    }
  });
});
