import { DataSource } from 'typeorm';
import { buildIncidentInsights, INCIDENT_SOURCES, InsightIncident, SEVERITIES } from '@app/incidents';
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

describe('incident insights', () => {
  let api: RunningApi;
  const generated: InsightIncident[] = [];

  beforeAll(async () => {
    api = await startApi();
    const teamIds = new Map<string, string>();
    for (const slug of TEAMS) teamIds.set(slug, (await api.http.post('/api/v1/teams').set(api.admin).send({ slug, name: slug })).body && (await api.app.get(DataSource).query('SELECT id FROM teams WHERE slug = $1', [slug]))[0].id);
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
      const acknowledgedAt = next() < 0.8 ? new Date(detectedAt.getTime() + Math.floor(next() * 1800) * 1000) : null;
      const resolvedAt = next() < 0.9 ? new Date(detectedAt.getTime() + Math.floor(next() * 20 * DAY)) : null;
      generated.push({ team, type, severity, source, clock: { startedAt, detectedAt, acknowledgedAt, resolvedAt } });
      rows.push([`Incident ${index}`, severity, resolvedAt ? 'resolved' : 'investigating', type, teamIds.get(team), source, startedAt, detectedAt, acknowledgedAt, resolvedAt]);
    }
    const dataSource = api.app.get(DataSource);
    for (const row of rows) {
      await dataSource.query(
        `INSERT INTO incidents (title, severity, status, type, team_id, visibility, declared_by, source, started_at, detected_at, acknowledged_at, resolved_at, last_update_at)
         VALUES ($1, $2, $3, $4, $5, 'internal', 'test', $6, $7, $8, $9, $10, $8)`,
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
    expect(response.body).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(response.body.byTeamAndType.length).toBeGreaterThan(0);
    expect(response.body.byTeam[0].mttrSeconds.median).toEqual(expect.any(Number));
  });

  it('counts an incident in the period it started even when it was resolved in the next one', async () => {
    const response = await api.http.get('/api/v1/insights/incidents?from=2026-11-01&to=2026-11-08').set(api.admin);
    const startedInside = generated.filter((incident) => incident.clock.startedAt >= new Date('2026-11-01T00:00:00Z') && incident.clock.startedAt < new Date('2026-11-08T00:00:00Z'));
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
});
