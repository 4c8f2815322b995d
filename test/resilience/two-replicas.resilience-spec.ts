// Two API processes on one database, both with the scheduler on, as a
// two-replica deployment runs: each SLO is evaluated once per cycle (claims
// shared between the replicas), a burning SLO opens one incident and one team
// notification, each reminder lapse is sent once, the weekly digest is sent
// once per team, and Alertmanager delivering the same group to both replicas
// at the same moment opens exactly one incident.
//
// The digest is checked by the API's own cron ("every 10 minutes", on the wall
// clock's :00, :10, ...); its day and hour are configured to the current UTC
// slot, so it falls due at the first check after the teams exist. The scenario
// therefore runs until that check (at most ~10 minutes) or at least long
// enough for one reminder lapse.
import { FAKE_SLACK_USERS, FakeSlack } from '../support/fake-slack';
import { RunningPrometheus, startPrometheus } from '../support/prometheus';
import { errorRate, millisUntil, query, sendJson, sleep, tally } from './probes';
import { recordScenario } from './report';
import { slackEnv } from './slack-client';
import { BURNING, createTrafficSlo, HEALTHY, TrafficSlo, trafficHistory } from './slo-traffic';
import { BallastSystem } from './system';

const EVAL_INTERVAL_S = 2;
const DIGEST_CHECK_INTERVAL_S = 5;
const DIGEST_CHECK_EVERY_MS = DIGEST_CHECK_INTERVAL_S * 1000;
const REMINDER_MIN = 1;
const TEAMS = [
  { slug: 'payments', channel: 'C0PAYMENTS' },
  { slug: 'search', channel: 'C0SEARCH' },
] as const;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const SLOS: TrafficSlo[] = [...Array.from({ length: 5 }, (_, index) => ({ ...HEALTHY, name: `healthy-${index + 1}` })), BURNING];
const ALERT_GROUPS = 4;
const DELIVERIES_PER_REPLICA = 3;

function alertGroup(groupKey: string) {
  const labels = { alertname: 'CheckoutErrors', team: 'payments', service: 'checkout', severity: 'critical', group: groupKey };
  const alert = {
    status: 'firing',
    labels,
    annotations: { summary: `Checkout 5xx above 5% (${groupKey})` },
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://127.0.0.1:9090/graph',
    fingerprint: `f${groupKey.replace(/\W/g, '')}`,
  };
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'ballast',
    groupLabels: { alertname: 'CheckoutErrors', group: groupKey },
    commonLabels: labels,
    commonAnnotations: alert.annotations,
    externalURL: 'http://127.0.0.1:9093',
    alerts: [alert],
  };
}

describe('two API replicas on one database', () => {
  let prometheus: RunningPrometheus;
  let fake: FakeSlack;
  let system: BallastSystem;
  const startedAt = new Date();

  beforeAll(async () => {
    prometheus = await startPrometheus({ openMetrics: trafficHistory(SLOS, Date.now() / 1000, { hoursBack: 26, minutesAhead: 25 }) });
    fake = await FakeSlack.start();
    for (const team of TEAMS) fake.addChannel({ id: team.channel, name: `team-${team.slug}`, members: FAKE_SLACK_USERS.map((user) => user.id) });
    system = await BallastSystem.start({
      statusPage: false,
      apiReplicas: 2,
      env: {
        ...slackEnv(fake),
        PROMETHEUS_URL: prometheus.url,
        SLO_EVAL_INTERVAL_S: String(EVAL_INTERVAL_S),
        REMINDER_SEV1_MIN: String(REMINDER_MIN),
        REMINDER_CHECK_INTERVAL_S: '5',
        DIGEST_CHECK_INTERVAL_S: String(DIGEST_CHECK_INTERVAL_S),
        // This week's digest slot is the current UTC hour of today: due at the next digest check.
        DIGEST_DAY: WEEKDAYS[startedAt.getUTCDay()],
        DIGEST_HOUR_UTC: String(startedAt.getUTCHours()),
      },
    });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    await fake?.close();
    await prometheus?.stop();
  });

  it(
    'evaluates each SLO once per cycle, sends each reminder and digest once, and opens one incident per alert group',
    async () => {
      const [first, second] = system.apis;
      const headers = system.adminHeaders();
      const db = system.postgres.url;
      const replicaFor = (index: number) => system.apis[index % 2].url;

      for (const [index, team] of TEAMS.entries()) {
        expect(
          (await sendJson(`${replicaFor(index)}/api/v1/teams`, 'POST', headers, { slug: team.slug, name: team.slug, slackChannelId: team.channel })).status,
        ).toBe(201);
      }
      const teamsCreatedAt = Date.now();
      expect((await sendJson(`${first.url}/api/v1/services`, 'POST', headers, { slug: 'checkout', name: 'Checkout', team: 'payments' })).status).toBe(201);
      const token = await sendJson<{ token: string }>(`${second.url}/api/v1/teams/payments/tokens`, 'POST', headers, { name: 'alertmanager' });
      expect(token.status).toBe(201);
      for (const [index, slo] of SLOS.entries()) expect((await createTrafficSlo(replicaFor(index), headers, 'checkout', slo)).status).toBe(201);
      const sloIds = (await query<{ id: string }>(db, `SELECT id FROM slos`)).map((row) => row.id);

      // Three SEV1 incidents nobody updates: a reminder is owed every REMINDER_SEV1_MIN minutes of silence.
      for (let index = 0; index < 3; index += 1) {
        const declared = await sendJson(`${replicaFor(index)}/api/v1/incidents`, 'POST', headers, {
          title: `Silent SEV1 ${index}`,
          severity: 'SEV1',
          team: 'payments',
          type: 'other',
        });
        expect(declared.status).toBe(201);
      }

      // Alertmanager (one per replica, say, or retrying) delivers each group to both replicas at the same moment.
      const bearer = { Authorization: `Bearer ${token.body.token}` };
      const deliveries = await Promise.all(
        Array.from({ length: ALERT_GROUPS }, (_, group) => `{}:{alertname="CheckoutErrors", group="g${group}"}`).flatMap((groupKey) =>
          Array.from({ length: 2 * DELIVERIES_PER_REPLICA }, (_, delivery) =>
            sendJson<{ action: string; incident: string }>(`${replicaFor(delivery)}/webhooks/alertmanager`, 'POST', bearer, alertGroup(groupKey)).then(
              (answer) => ({ groupKey, ...answer }),
            ),
          ),
        ),
      );

      // Run until the digest check after the teams were created, and at least one reminder lapse plus a check interval.
      // The replicas' digest timers are not aligned to the teams' creation: the first check after it comes within one interval.
      const firstDigestCheck = teamsCreatedAt + DIGEST_CHECK_EVERY_MS + 1000;
      const runUntil = Math.max(firstDigestCheck + 15_000, Date.now() + REMINDER_MIN * 60_000 + 12_000);
      const evaluationsFrom = new Date(Date.now() + 2 * EVAL_INTERVAL_S * 1000);
      await sleep(runUntil - Date.now());
      const evaluationsTo = new Date(Date.now() - 2 * EVAL_INTERVAL_S * 1000);
      await millisUntil(async () => (await query(db, `SELECT 1 FROM team_digests`)).length >= TEAMS.length, 'the weekly digests', 30_000, 500);

      // SLO evaluations: each SLO's good evaluations, in time order, over the observed span.
      const evaluations = await query<{ slo_id: string; evaluated_at: Date }>(
        db,
        `SELECT slo_id, evaluated_at FROM slo_evaluations WHERE evaluated_at BETWEEN $1 AND $2 ORDER BY slo_id, evaluated_at`,
        [evaluationsFrom, evaluationsTo],
      );
      const spanS = (evaluationsTo.getTime() - evaluationsFrom.getTime()) / 1000;
      const perSlo = sloIds.map((id) => evaluations.filter((row) => row.slo_id === id).map((row) => row.evaluated_at.getTime()));
      const gaps = perSlo.flatMap((times) => times.slice(1).map((time, index) => time - times[index]));
      const minGapMs = Math.min(...gaps);
      const counts = perSlo.map((times) => times.length);
      // Evaluations of one SLO within half a cycle: only a double claim (both replicas taking the same due
      // SLO) puts two there. Claims of one SLO are at least 0.95 of the interval apart (a cycle may run up to
      // 5% ahead of the due time, libs/slo evaluation-schedule), but `evaluated_at` is stamped after the
      // claim, once the batch's Prometheus query has answered, so under load two legitimate evaluations can
      // land a few hundred milliseconds closer than their claims (a clean CI run of e323c3d failed the earlier bound of 0.9 of the interval).
      const cycleMs = EVAL_INTERVAL_S * 1000 * 0.5;
      const maxPerCycle = Math.max(
        ...perSlo.flatMap((times) => times.map((time, index) => times.slice(index).filter((other) => other - time < cycleMs).length)),
      );
      // Claims 0.95 of an interval apart, plus one for the stamping delay at the window's edges.
      const cyclesPossible = Math.floor(spanS / (EVAL_INTERVAL_S * 0.95)) + 2;
      const prometheusQueries = await Promise.all(
        system.apis.map(async (api) => counterTotal(await (await fetch(`${api.url}/metrics`)).text(), 'ballast_slo_prometheus_queries_total')),
      );

      // The burning SLO: one incident, one burn event, one team notification.
      const sloIncidents = await query<{ id: string }>(db, `SELECT id FROM incidents WHERE source = 'slo'`);
      const burnEvents = await query<{ n: number }>(db, `SELECT count(*)::int AS n FROM incident_timeline_events WHERE kind = 'slo_burn_started'`);
      // The notice, not the incident's own announcement (whose title says the same).
      const burnNotices = fake
        .messagesIn('C0PAYMENTS')
        .filter((message) => message.text.startsWith(':rotating_light:') && message.text.includes('is burning its error budget')).length;

      // Reminders: every reminder_sent event is one lapse of its incident, and one Slack message.
      const reminded = await query<{ id: string; number: number; channel: string; detected_at: Date; at: Date[] }>(
        db,
        `SELECT i.id, i.number, i.slack_channel_id AS channel, i.detected_at,
              coalesce(array_agg(e.occurred_at ORDER BY e.occurred_at) FILTER (WHERE e.id IS NOT NULL), '{}') AS at
         FROM incidents i LEFT JOIN incident_timeline_events e ON e.incident_id = i.id AND e.kind = 'reminder_sent'
        WHERE i.severity = 'SEV1' AND i.source = 'api' GROUP BY i.id ORDER BY i.number`,
      );
      const lapseMs = REMINDER_MIN * 60_000;
      const reminderFacts = reminded.map((incident) => {
        const lapses = incident.at.map((at) => Math.floor((at.getTime() - incident.detected_at.getTime()) / lapseMs));
        const messages = fake.messagesIn(incident.channel ?? '').filter((message) => message.text.includes('has had no update')).length;
        return {
          events: incident.at.length,
          distinctLapses: new Set(lapses).size,
          messages,
          owed: Math.floor((Date.now() - incident.detected_at.getTime()) / lapseMs),
        };
      });

      // Digests: one row and one message per team for this week's slot.
      const digestRows = await query<{ team_id: string; scheduled_at: Date; delivered: boolean }>(
        db,
        `SELECT team_id, scheduled_at, delivered FROM team_digests`,
      );
      const digestMessages = TEAMS.map((team) => fake.messagesIn(team.channel).filter((message) => message.text.includes('Weekly reliability digest')).length);

      // Alertmanager: one incident per group, exactly one delivery answered "opened".
      const alertIncidents = await query<{ dedup_key: string; n: number; channels: number }>(
        db,
        `SELECT dedup_key, count(*)::int AS n, count(slack_channel_id)::int AS channels FROM incidents WHERE source = 'alertmanager' GROUP BY dedup_key`,
      );
      const openedPerGroup = [...new Set(deliveries.map((delivery) => delivery.groupKey))].map(
        (groupKey) => deliveries.filter((delivery) => delivery.groupKey === groupKey && delivery.body?.action === 'opened').length,
      );
      const deliveryStatuses = tally(deliveries.map((delivery) => String(delivery.status)));
      const errorLogs = system.apis.flatMap((api) => api.logLines().filter((line) => Number(line.level) >= 50));

      const checks = {
        'each SLO evaluated at most once per cycle': maxPerCycle === 1 && minGapMs >= cycleMs && counts.every((count) => count <= cyclesPossible),
        'every SLO kept being evaluated': counts.every((count) => count >= spanS / (2 * EVAL_INTERVAL_S)),
        'both replicas took evaluations': prometheusQueries.every((total) => total > 0),
        'burning SLO: one incident, one notice': sloIncidents.length === 1 && burnEvents[0].n === 1 && burnNotices === 1,
        'each reminder lapse sent once': reminderFacts.every(
          (facts) => facts.events >= 1 && facts.events === facts.distinctLapses && facts.messages === facts.events && facts.events <= facts.owed,
        ),
        'each digest sent once': digestRows.length === TEAMS.length && digestRows.every((row) => row.delivered) && digestMessages.every((count) => count === 1),
        'one incident per alert group':
          alertIncidents.length === ALERT_GROUPS &&
          alertIncidents.every((row) => row.n === 1 && row.channels === 1) &&
          openedPerGroup.every((count) => count === 1),
        'every delivery answered 200': deliveries.every((delivery) => delivery.status === 200),
      };
      const passed = Object.values(checks).every(Boolean) && errorLogs.length === 0;
      recordScenario({
        scenario: 'Two API replicas on one database',
        injected: `2 API processes with the scheduler on (SLO cycle ${EVAL_INTERVAL_S} s, reminder checks every 5 s, SEV1 reminders after ${REMINDER_MIN} min, digest due this hour) for ${Math.round((Date.now() - teamsCreatedAt) / 1000)} s; ${SLOS.length} SLOs (one burning), 3 silent SEV1 incidents, 2 teams; ${deliveries.length} Alertmanager deliveries (${ALERT_GROUPS} groups × ${2 * DELIVERIES_PER_REPLICA}, half to each replica, at once, team bearer token)`,
        usersSaw: `webhook answers ${JSON.stringify(deliveryStatuses)}, "opened" once per group (${openedPerGroup.join(', ')}); reminders in each incident channel ${reminderFacts.map((facts) => facts.messages).join(', ')}; digest messages per team channel ${digestMessages.join(', ')}; burn notices ${burnNotices}`,
        stored: `${evaluations.length} SLO evaluations over ${Math.round(spanS)} s (${Math.min(...counts)}–${Math.max(...counts)} per SLO, at most ${cyclesPossible} cycles possible, closest two of one SLO ${minGapMs} ms apart); ${sloIncidents.length} SLO incident, ${burnEvents[0].n} burn event; reminder_sent events per incident ${reminderFacts.map((facts) => `${facts.events} for ${facts.owed} lapses`).join(', ')}; ${digestRows.length} digest rows for ${TEAMS.length} teams; ${alertIncidents.length} Alertmanager incidents for ${ALERT_GROUPS} groups, each with one Slack channel`,
        figures: {
          'Prometheus queries by replica': prometheusQueries.join(' / '),
          'evaluations per SLO (min–max)': `${Math.min(...counts)}–${Math.max(...counts)}`,
          'most evaluations of one SLO within one cycle': maxPerCycle,
          'min gap between evaluations of one SLO (ms)': minGapMs,
          'webhook error rate': errorRate(deliveryStatuses),
          'reminders sent / lapses owed': reminderFacts.map((facts) => `${facts.events}/${facts.owed}`).join(', '),
          'digests sent': digestMessages.reduce((sum, count) => sum + count, 0),
          'error-level log lines': errorLogs.length,
        },
        passed,
      });

      if (!checks['each SLO evaluated at most once per cycle'])
        process.stderr.write(
          `evaluations: at most ${maxPerCycle} of one SLO within ${cycleMs} ms, closest two ${minGapMs} ms apart, per SLO ${counts.join(', ')} (at most ${cyclesPossible} possible)\n`,
        );
      if (errorLogs.length > 0) process.stderr.write(`error-level log lines:\n${errorLogs.map((line) => JSON.stringify(line)).join('\n')}\n`);
      expect(checks).toEqual(Object.fromEntries(Object.keys(checks).map((key) => [key, true])));
      expect(errorLogs).toEqual([]);
    },
    16 * 60_000,
  );
});

/** Sum of a counter's samples in Prometheus text exposition. */
function counterTotal(exposition: string, name: string): number {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
