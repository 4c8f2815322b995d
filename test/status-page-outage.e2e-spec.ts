// The status page through the outage it reports: PostgreSQL stops, the page
// keeps answering 200 from its snapshot with an honest "last updated"; a
// restart during the outage serves the snapshot persisted to disk (or a clear
// 503 when there has never been one); and it recovers by itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { migrateDatabase } from '@app/database';
import { FixedClock } from '@app/platform';
import { MIGRATIONS } from '../migrations';
import { startApi } from './support/api-app';
import { PostgresProcess, startPostgresProcess } from './support/pg-process';
import { freePort } from './support/ports';
import { IncidentFixtures } from './support/status-fixtures';
import { RunningStatusPage, startStatusPage } from './support/status-page-app';
import { eventually } from './support/poll';

describe('status page during a database outage', () => {
  let pgDir: string;
  let snapshotDir: string;
  let port: number;
  let postgres: PostgresProcess;
  const pages: RunningStatusPage[] = [];
  const now = new Date();
  const lastUpdated = `${now.toISOString().slice(0, 10)} ${now.toISOString().slice(11, 16)} UTC`;

  beforeAll(async () => {
    pgDir = mkdtempSync(join(tmpdir(), 'ballast-status-outage-pg-'));
    snapshotDir = mkdtempSync(join(tmpdir(), 'ballast-status-outage-data-'));
    port = await freePort();
    postgres = await startPostgresProcess(pgDir, port);
    await migrateDatabase({ url: postgres.url, migrations: MIGRATIONS });
    const api = await startApi({ database: { url: postgres.url, name: 'postgres', drop: async () => undefined } });
    try {
      await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
      const component = (await api.http.post('/api/v1/status/components').set(api.admin).send({ name: 'Checkout' }).expect(201)).body;
      const fixtures = new IncidentFixtures(api.app.get(DataSource));
      await fixtures.declare({
        teamId: await fixtures.teamId('payments'),
        title: 'Database failover',
        visibility: 'public',
        startedAt: new Date(now.getTime() - 60_000),
        affected: [{ componentId: component.id, status: 'major_outage' }],
      });
    } finally {
      await api.close();
    }
  });

  afterAll(async () => {
    for (const page of pages) await page.close().catch(() => undefined);
    await postgres?.stop();
    rmSync(pgDir, { recursive: true, force: true });
    rmSync(snapshotDir, { recursive: true, force: true });
  });

  async function start(dataDir: string, clock: FixedClock): Promise<RunningStatusPage> {
    const page = await startStatusPage({ databaseUrl: postgres.url, dataDir, clock, env: { STATUS_PAGE_REFRESH_S: '1' } });
    pages.push(page);
    return page;
  }

  it('keeps serving the last snapshot with 200 and says how old it is', async () => {
    const clock = new FixedClock(now);
    const page = await start(snapshotDir, clock);
    const before = await page.http.get('/').expect(200);
    expect(before.text).toContain('Major Service Outage');
    expect(before.text).toContain(
      `Last updated <time datetime="${new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString()}" data-localize>${lastUpdated}</time>`,
    );
    const summaryBefore = (await page.http.get('/api/v2/summary.json').expect(200)).body;

    await postgres.stop();
    await page.snapshots.refreshNow();
    const during = await page.http.get('/').expect(200);
    expect(during.headers.etag).toBe(before.headers.etag);
    expect((await page.http.get('/api/v2/summary.json').expect(200)).body).toEqual(summaryBefore);
    const health = await page.http.get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'degraded', snapshot: { source: 'database', stale: false }, database: { status: 'down' } });
    await eventually(async () => expect((await page.http.get('/health')).body.database.listening).toBe(false), 5000);

    // Ten minutes later the page says it could not be refreshed, keeping the time it is really from.
    clock.advance(10 * 60_000);
    await page.snapshots.refreshNow();
    const stale = await page.http.get('/').expect(200);
    expect(stale.text).toContain('This page cannot be refreshed right now.');
    expect(stale.text).toContain(
      `Last updated <time datetime="${new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString()}" data-localize>${lastUpdated}</time>`,
    );
    expect(stale.text).toContain('Database failover');
    const staleHealth = (await page.http.get('/health').expect(200)).body;
    expect(staleHealth).toMatchObject({ status: 'degraded', snapshot: { stale: true } });
    expect(staleHealth.snapshot.ageSeconds).toBeGreaterThanOrEqual(600);
    await page.close();
  });

  it('restarted while the database is down, serves the snapshot persisted to disk', async () => {
    const page = await start(snapshotDir, new FixedClock(new Date(now.getTime() + 11 * 60_000)));
    const home = await page.http.get('/').expect(200);
    expect(home.text).toContain('Database failover');
    expect(home.text).toContain('This page cannot be refreshed right now.');
    expect(home.text).toContain(lastUpdated);
    expect(home.headers['cache-control']).toBe('public, max-age=15, stale-while-revalidate=30, stale-if-error=86400');
    const summary = (await page.http.get('/api/v2/summary.json').expect(200)).body;
    expect(summary.status).toEqual({ indicator: 'critical', description: 'Major Service Outage' });
    expect(summary.incidents.map((incident: { name: string }) => incident.name)).toEqual(['Database failover']);
    expect((await page.http.get('/health').expect(200)).body).toMatchObject({
      status: 'degraded',
      snapshot: { source: 'disk', stale: true },
      database: { status: 'down' },
    });
  });

  it('with no snapshot at all, answers a clear 503 instead', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'ballast-status-outage-empty-'));
    try {
      const page = await start(emptyDir, new FixedClock(now));
      const home = await page.http.get('/').expect(503);
      expect(home.headers['cache-control']).toBe('no-store');
      expect(home.headers['retry-after']).toBe('5');
      expect(home.text).toContain('Status temporarily unavailable');
      expect((await page.http.get('/api/v2/status.json').expect(503)).body).toEqual({
        error: 'unavailable',
        message: 'The status is temporarily unavailable; retry shortly',
      });
      expect((await page.http.get('/health').expect(503)).body).toMatchObject({ status: 'unavailable', snapshot: null });
      // Static assets do not need the database.
      const stylesheet = /href="(\/assets\/status\.[0-9a-f]+\.css)"/.exec(home.text)?.[1];
      expect(stylesheet).toBeDefined();
      await page.http.get(stylesheet as string).expect(200);
      await page.close();
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  });

  it('recovers by itself when the database is back', async () => {
    const page = pages[1];
    postgres = await startPostgresProcess(pgDir, port);
    await eventually(
      async () => {
        const health = (await page.http.get('/health').expect(200)).body;
        expect(health).toMatchObject({ status: 'ok', snapshot: { source: 'database', stale: false }, database: { status: 'up', listening: true } });
      },
      20_000,
      200,
    );
    expect((await page.http.get('/').expect(200)).text).not.toContain('This page cannot be refreshed right now.');
  });
});
