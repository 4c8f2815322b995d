import { DataSource } from 'typeorm';
import { buildIncidentInsights, INCIDENT_SOURCES, InsightIncident, SEVERITIES } from '@app/incidents';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';

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

const TEAMS = ['payments', 'search', 'identity'];
const TYPES = ['deploy', 'dependency', 'capacity', 'config'];
const DAY = 86_400_000;

const RECOMPUTED_FACTS = `SELECT id, team_id, type, severity, source, started_at, resolved_at,
       CASE WHEN acknowledged_at IS NULL OR acknowledged_via = 'self_declared' THEN NULL ELSE greatest(0, extract(epoch FROM acknowledged_at - detected_at))::float8 END,
       CASE WHEN resolved_at IS NULL THEN NULL ELSE greatest(0, extract(epoch FROM resolved_at - started_at))::float8 END,
       acknowledged_at IS NOT NULL AND acknowledged_via IS NOT DISTINCT FROM 'self_declared'
  FROM incidents WHERE duplicate_of_id IS NULL`;
const STORED_FACTS = `SELECT incident_id, team_id, type, severity, source, started_at, resolved_at, ack_seconds, resolve_seconds, self_declared FROM incident_insight_facts`;

/** What the rollup must always equal: the incidents as they are now (duplicates flagged), aggregated in TypeScript. */
async function incidentsInDatabase(dataSource: DataSource): Promise<InsightIncident[]> {
  const rows: Array<{
    team: string;
    type: string;
    severity: InsightIncident['severity'];
    source: InsightIncident['source'];
    started_at: Date;
    detected_at: Date;
    acknowledged_at: Date | null;
    resolved_at: Date | null;
    duplicate: boolean;
    acknowledged_via: InsightIncident['acknowledgedVia'];
  }> = await dataSource.query(
    `SELECT t.slug AS team, i.type, i.severity, i.source, i.started_at, i.detected_at, i.acknowledged_at, i.resolved_at, i.duplicate_of_id IS NOT NULL AS duplicate, i.acknowledged_via FROM incidents i JOIN teams t ON t.id = i.team_id`,
  );
  return rows.map((row) => ({
    duplicate: row.duplicate,
    acknowledgedVia: row.acknowledged_via,
    team: row.team,
    type: row.type,
    severity: row.severity,
    source: row.source,
    clock: { startedAt: row.started_at, detectedAt: row.detected_at, acknowledgedAt: row.acknowledged_at, resolvedAt: row.resolved_at },
  }));
}

describe('incident insights', () => {
  let api: RunningApi;
  const generated: InsightIncident[] = [];
  // Mid-afternoon, so the default period (the last 90 days) starts and ends inside a day.
  const clock = new FixedClock(new Date('2026-11-22T15:47:13.250Z'));

  beforeAll(async () => {
    api = await startApi({ clock });
    const teamIds = new Map<string, string>();
    for (const slug of TEAMS)
      teamIds.set(
        slug,
        (await api.http.post('/api/v1/teams').set(api.admin).send({ slug, name: slug })).body &&
          (await api.app.get(DataSource).query('SELECT id FROM teams WHERE slug = $1', [slug]))[0].id,
      );
    // 600 incidents over ~200 days ending 2026-11-23, some spanning period boundaries,
    // some unacknowledged (automation), some still open.
    const next = random(42);
    const end = Date.parse('2026-11-23T00:00:00Z');
    const rows: unknown[][] = [];
    for (let index = 0; index < 600; index++) {
      const team = TEAMS[Math.floor(next() * TEAMS.length)];
      const type = TYPES[Math.floor(next() * TYPES.length)];
      const severity = SEVERITIES[Math.floor(next() * SEVERITIES.length)];
      const source = INCIDENT_SOURCES[Math.floor(next() * INCIDENT_SOURCES.length)];
      const startedAt = new Date(end - next() * 200 * DAY);
      const detectedAt = new Date(startedAt.getTime() + Math.floor(next() * 3600) * 1000);
      const drawnAcknowledgedAt = next() < 0.8 ? new Date(detectedAt.getTime() + Math.floor(next() * 1800) * 1000) : null;
      // A quarter were declared by a person (acknowledged by declaring: self-declared, not in MTTA).
      const acknowledgedVia = drawnAcknowledgedAt === null ? null : index % 4 === 0 ? 'self_declared' : 'person';
      const acknowledgedAt = acknowledgedVia === 'self_declared' ? detectedAt : drawnAcknowledgedAt;
      const resolvedAt = next() < 0.9 ? new Date(detectedAt.getTime() + Math.floor(next() * 20 * DAY)) : null;
      generated.push({ team, type, severity, source, acknowledgedVia, clock: { startedAt, detectedAt, acknowledgedAt, resolvedAt } });
      rows.push([
        `Incident ${index}`,
        severity,
        resolvedAt ? 'resolved' : 'investigating',
        type,
        teamIds.get(team),
        source,
        startedAt,
        detectedAt,
        acknowledgedAt,
        resolvedAt,
        acknowledgedVia,
      ]);
    }
    const dataSource = api.app.get(DataSource);
    for (const row of rows) {
      await dataSource.query(
        `INSERT INTO incidents (title, severity, status, type, team_id, visibility, declared_by, source, started_at, detected_at, acknowledged_at, resolved_at, last_update_at, acknowledged_via)
         VALUES ($1, $2, $3, $4, $5, 'internal', 'test', $6, $7, $8, $9, $10, $8, $11)`,
        row,
      );
    }
  });
  afterAll(async () => {
    await api.close();
  });

  it.each([
    ['last 90 days', '2026-08-25T00:00:00Z', '2026-11-23T00:00:00Z', undefined],
    ['one odd week', '2026-10-03T05:30:00Z', '2026-10-10T17:00:00Z', undefined],
    ['one team, 30 days', '2026-10-24T00:00:00Z', '2026-11-23T00:00:00Z', 'search'],
  ])('matches the pure aggregation exactly for %s', async (_label, from, to, team) => {
    const query = `/api/v1/insights/incidents?from=${from}&to=${to}${team ? `&team=${team}` : ''}`;
    const response = await api.http.get(query).set(api.admin);
    expect(response.status).toBe(200);
    const expected = buildIncidentInsights(
      generated.filter((incident) => !team || incident.team === team),
      { from: new Date(from), to: new Date(to) },
    );
    const { slosWithLeastBudget, ...incidents } = response.body;
    expect(incidents).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(slosWithLeastBudget).toEqual([]); // no SLOs here; test/budget-policy.e2e-spec.ts lists some
    expect(response.body.byTeamAndType.length).toBeGreaterThan(0);
    expect(response.body.byTeam[0].mttrSeconds.median).toEqual(expect.any(Number));
  });

  it('counts an incident in the period it started even when it was resolved in the next one', async () => {
    const response = await api.http.get('/api/v1/insights/incidents?from=2026-11-01&to=2026-11-08').set(api.admin);
    const startedInside = generated.filter(
      (incident) => incident.clock.startedAt >= new Date('2026-11-01T00:00:00Z') && incident.clock.startedAt < new Date('2026-11-08T00:00:00Z'),
    );
    const total = response.body.byTeamAndType.reduce((sum: number, row: { count: number }) => sum + row.count, 0);
    expect(total).toBe(startedInside.length);
    expect(startedInside.some((incident) => (incident.clock.resolvedAt?.getTime() ?? Infinity) >= Date.parse('2026-11-08T00:00:00Z'))).toBe(true);
  });

  it.each([
    ['from=2026-11-10&to=2026-11-01', 'to'],
    ['from=last-week', 'from'],
    ['to=2026-13-45', 'to'],
    ['team=Not A Slug', 'team'],
  ])('rejects %s with 400 naming %s', async (query, field) => {
    const response = await api.http.get(`/api/v1/insights/incidents?${query}`).set(api.admin);
    expect(response.status).toBe(400);
    expect(response.body.field).toBe(field);
  });

  describe('after updates, deletes, team changes and startedAt edits', () => {
    const periods: Array<[string, string | undefined, string | undefined, string | undefined]> = [
      ['last 90 days', '2026-08-25T00:00:00Z', '2026-11-23T00:00:00Z', undefined],
      ['the default period (90 days up to the clock, ragged ends)', undefined, undefined, undefined],
      ['one odd week', '2026-10-03T05:30:00Z', '2026-10-10T17:00:00Z', undefined],
      ['a few hours', '2026-10-20T09:00:00Z', '2026-10-20T13:30:00Z', undefined],
      ['200 days of one team', '2026-05-07T12:00:00Z', '2026-11-23T00:00:00Z', 'payments'],
    ];

    const expectExact = async () => {
      const dataSource = api.app.get(DataSource);
      const incidents = await incidentsInDatabase(dataSource);
      for (const [label, from, to, team] of periods) {
        const parameters = new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}), ...(team ? { team } : {}) });
        const response = await api.http.get(`/api/v1/insights/incidents?${parameters}`).set(api.admin);
        expect([label, response.status]).toEqual([label, 200]);
        const period = { from: new Date(from ?? clock.now().getTime() - 90 * DAY), to: new Date(to ?? clock.now()) };
        const expected = buildIncidentInsights(
          incidents.filter((incident) => !team || incident.team === team),
          period,
        );
        const { slosWithLeastBudget: _slos, ...incidentFigures } = response.body;
        expect([label, incidentFigures]).toEqual([label, JSON.parse(JSON.stringify(expected))]);
      }
      // And the rollup tables hold exactly what a recount from scratch gives.
      const [drift] = await dataSource.query(`
        SELECT (SELECT count(*) FROM (
                  (SELECT bucket_days, team_id, bucket_start, type, severity, source, incidents FROM incident_counts WHERE incidents <> 0
                   EXCEPT
                   SELECT b.bucket_days, team_id, b.bucket_start, type, severity, source, count(*)::int FROM incidents
                    CROSS JOIN LATERAL (VALUES (1::smallint, (started_at AT TIME ZONE 'UTC')::date), (7::smallint, date_trunc('week', started_at AT TIME ZONE 'UTC')::date)) b(bucket_days, bucket_start)
                    WHERE duplicate_of_id IS NULL
                    GROUP BY 1, 2, 3, 4, 5, 6)
                  UNION ALL
                  (SELECT b.bucket_days, team_id, b.bucket_start, type, severity, source, count(*)::int FROM incidents
                    CROSS JOIN LATERAL (VALUES (1::smallint, (started_at AT TIME ZONE 'UTC')::date), (7::smallint, date_trunc('week', started_at AT TIME ZONE 'UTC')::date)) b(bucket_days, bucket_start)
                    WHERE duplicate_of_id IS NULL
                    GROUP BY 1, 2, 3, 4, 5, 6
                   EXCEPT
                   SELECT bucket_days, team_id, bucket_start, type, severity, source, incidents FROM incident_counts WHERE incidents <> 0)) AS differences)::int AS counts,
               (SELECT count(*) FROM incident_counts WHERE incidents < 0)::int AS negative,
               (SELECT count(*) FROM ((${STORED_FACTS} EXCEPT ${RECOMPUTED_FACTS}) UNION ALL (${RECOMPUTED_FACTS} EXCEPT ${STORED_FACTS})) AS differences)::int AS facts`);
      expect(drift).toEqual({ counts: 0, negative: 0, facts: 0 });
    };

    it('matches the pure aggregation before any change', expectExact);

    it('stays exact through API edits of type, severity, startedAt and status', async () => {
      const list = (await api.http.get('/api/v1/incidents?limit=100').set(api.admin)).body.items as Array<{
        id: string;
        startedAt: string;
        detectedAt: string;
        status: string;
      }>;
      expect(list.length).toBeGreaterThan(40);
      const next = random(7);
      for (const [index, incident] of list.slice(0, 40).entries()) {
        const started = Date.parse(incident.startedAt);
        const change =
          index % 4 === 0
            ? { type: TYPES[Math.floor(next() * TYPES.length)] }
            : index % 4 === 1
              ? { severity: SEVERITIES[Math.floor(next() * SEVERITIES.length)] }
              : index % 4 === 2
                ? // Across day, week and period boundaries: back by up to 40 days, or forward to detection (startedAt <= detectedAt).
                  { startedAt: next() < 0.7 ? new Date(started - Math.floor(next() * 40 * DAY)).toISOString() : incident.detectedAt }
                : incident.status === 'resolved'
                  ? { startedAt: new Date(started - 3 * 3_600_000).toISOString() }
                  : { status: 'resolved' };
        const response = await api.http.patch(`/api/v1/incidents/${incident.id}`).set(api.admin).send(change);
        expect([change, response.status]).toEqual([change, 200]);
      }
      await expectExact();
    });

    it('stays exact through history imports with real times and duplicates marked, unmarked and orphaned', async () => {
      const dataSource = api.app.get(DataSource);
      const next = random(2424);
      // 60 incidents of history, as JSON lines, with real times across day, week and period boundaries.
      const lines = Array.from({ length: 60 }, (_, index) => {
        const started = Date.parse('2026-11-22T00:00:00Z') - Math.floor(next() * 120 * DAY);
        const detected = started + Math.floor(next() * 1800) * 1000;
        const resolved = next() < 0.8 ? Math.min(detected + Math.floor(next() * 5 * DAY), clock.now().getTime()) : null;
        return {
          externalId: `hist-${index}`,
          title: `Imported ${index}`,
          severity: SEVERITIES[Math.floor(next() * SEVERITIES.length)],
          team: TEAMS[Math.floor(next() * TEAMS.length)],
          type: TYPES[Math.floor(next() * TYPES.length)],
          startedAt: new Date(started).toISOString(),
          detectedAt: new Date(detected).toISOString(),
          ...(next() < 0.7 ? { acknowledgedAt: new Date(detected + Math.floor(next() * 900) * 1000).toISOString() } : {}),
          ...(resolved !== null ? { status: 'resolved', resolvedAt: new Date(resolved).toISOString() } : {}),
        };
      });
      const imported = await api.http
        .post('/api/v1/incidents/import')
        .set(api.admin)
        .set('Content-Type', 'application/x-ndjson')
        .send(lines.map((line) => JSON.stringify(line)).join('\n'));
      expect([imported.status, imported.body.imported]).toEqual([200, 60]);
      await expectExact();

      // Duplicates through the API (each resolves the duplicate), then in bulk SQL, then undone and orphaned.
      const ids = imported.body.items as Array<{ id: string; reference: string }>;
      for (let index = 1; index < 16; index += 3) {
        const response = await api.http.patch(`/api/v1/incidents/${ids[index].id}`).set(api.admin).send({ duplicateOf: ids[0].reference });
        expect(response.status).toBe(200);
      }
      await expectExact();
      await dataSource.query(
        `UPDATE incidents SET duplicate_of_id = (SELECT id FROM incidents WHERE external_id = 'hist-20'), started_at = started_at - interval '3 days', detected_at = detected_at - interval '3 days' WHERE external_id IN ('hist-21', 'hist-22', 'hist-23') OR number % 23 = 4`,
      );
      await expectExact();
      await api.http.patch(`/api/v1/incidents/${ids[4].id}`).set(api.admin).send({ duplicateOf: null }).expect(200);
      // Deleting an original frees its duplicates (ON DELETE SET NULL): they count again.
      await dataSource.query(`DELETE FROM incidents WHERE external_id = 'hist-20'`);
      await expectExact();
      const [{ duplicates }] = await dataSource.query(`SELECT count(*)::int AS duplicates FROM incidents WHERE duplicate_of_id IS NOT NULL`);
      expect(duplicates).toBeGreaterThan(2);
    });

    it('stays exact through team changes, reopenings, acknowledgement edits, deletes, bulk and concurrent writes in SQL', async () => {
      const dataSource = api.app.get(DataSource);
      // Move a tenth of one team's incidents to another team.
      await dataSource.query(
        `UPDATE incidents SET team_id = (SELECT id FROM teams WHERE slug = 'identity') WHERE team_id = (SELECT id FROM teams WHERE slug = 'search') AND number % 10 = 3`,
      );
      // Reopen some resolved incidents, acknowledge or un-acknowledge others.
      await dataSource.query(`UPDATE incidents SET resolved_at = NULL, status = 'investigating' WHERE resolved_at IS NOT NULL AND number % 17 = 5`);
      await dataSource.query(
        `UPDATE incidents SET acknowledged_at = CASE WHEN acknowledged_at IS NULL THEN detected_at + interval '7 minutes' ELSE NULL END WHERE number % 13 = 2`,
      );
      // Change how some were acknowledged (self-declared ↔ person): they move out of or into MTTA.
      await dataSource.query(
        `UPDATE incidents SET acknowledged_via = CASE WHEN acknowledged_via = 'self_declared' THEN 'person' ELSE 'self_declared' END WHERE acknowledged_at IS NOT NULL AND number % 23 = 6`,
      );
      // One statement moving many incidents at once: every rollup key they leave and join changes together.
      await dataSource.query(
        `UPDATE incidents SET started_at = started_at - interval '2 days 5 hours', detected_at = detected_at - interval '2 days 5 hours' WHERE number % 7 = 1`,
      );
      // Swap the teams of two incidents in one statement (same keys out and in).
      await dataSource.query(
        `UPDATE incidents i SET team_id = o.team_id FROM (SELECT id, lead(team_id) OVER (ORDER BY number) AS team_id FROM incidents) o WHERE o.id = i.id AND o.team_id IS NOT NULL AND i.number % 11 = 4`,
      );
      await dataSource.query(`DELETE FROM incidents WHERE number % 19 = 8`);
      // A bulk insert of copies, some spanning the period boundary.
      await dataSource.query(
        `INSERT INTO incidents (title, severity, status, type, team_id, visibility, declared_by, source, started_at, detected_at, acknowledged_at, resolved_at, last_update_at, acknowledged_via)
         SELECT 'Copy of ' || title, severity, status, type, team_id, visibility, declared_by, source, started_at + interval '89 days', detected_at + interval '89 days', acknowledged_at + interval '89 days', resolved_at + interval '89 days', last_update_at, acknowledged_via
           FROM incidents WHERE number % 5 = 0`,
      );
      // An update that moves nothing insights count (title only) must leave the rollup alone.
      await dataSource.query(`UPDATE incidents SET title = title || ' (edited)' WHERE number % 3 = 0`);
      await expectExact();

      // Concurrent writers on the same rollup keys: 40 transactions at once (the pool runs 10 side by side),
      // inserting into, moving between and deleting from the same team, type and day.
      const started = '2026-11-20T10:00:00Z';
      await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          dataSource.transaction(async (manager) => {
            const [row] = await manager.query(
              `INSERT INTO incidents (title, severity, status, type, team_id, visibility, declared_by, source, started_at, detected_at, resolved_at, last_update_at)
               VALUES ($1, 'SEV2', 'resolved', 'deploy', (SELECT id FROM teams WHERE slug = 'payments'), 'internal', 'test', 'api', $2, $2, $3, $2) RETURNING id`,
              [`Concurrent ${index}`, started, new Date(Date.parse(started) + (index + 1) * 60_000)],
            );
            if (index % 3 === 1)
              await manager.query(`UPDATE incidents SET team_id = (SELECT id FROM teams WHERE slug = 'search'), type = 'config' WHERE id = $1`, [row.id]);
            if (index % 5 === 2) await manager.query(`DELETE FROM incidents WHERE id = $1`, [row.id]);
          }),
        ),
      );
      await expectExact();

      await dataSource.query(`TRUNCATE incidents CASCADE`);
      await expectExact();
      const [left] = await dataSource.query(
        `SELECT (SELECT count(*) FROM incident_counts)::int AS counts, (SELECT count(*) FROM incident_insight_facts)::int AS facts`,
      );
      expect(left).toEqual({ counts: 0, facts: 0 });
    });
  });
});
