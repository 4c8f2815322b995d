// The status page's snapshot worker: rebuilds (database read, derivation,
// rendering, compression) run on their own thread, so serving never waits for
// one (proved by holding a rebuild in a PostgreSQL lock, not by timing); and
// when the worker crashes the page keeps serving while a new worker takes over.
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { FixedClock } from '@app/platform';
import { brotliDecompressSync } from 'node:zlib';
import { SnapshotWorkerClient } from '../apps/status-page/src/snapshot/snapshot-worker-client';
import { RunningApi, startApi } from './support/api-app';
import { sql } from './support/sql';
import { IncidentFixtures, SeededScenario, seedStatusScenario } from './support/status-fixtures';
import { RunningStatusPage, startStatusPage } from './support/status-page-app';
import { eventually } from './support/poll';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('status page snapshot worker', () => {
  let api: RunningApi;
  let page: RunningStatusPage;
  let fixtures: IncidentFixtures;
  let seeded: SeededScenario;
  let history: string[];

  beforeAll(async () => {
    api = await startApi();
    fixtures = new IncidentFixtures(api.app.get(DataSource));
    seeded = await seedStatusScenario(api, fixtures, new Date());
    // A big page: 40 components with their uptime strips, 400 past incidents (history pages, the long tail rendered on demand).
    for (let index = 0; index < 36; index++)
      await api.http
        .post('/api/v1/status/components')
        .set(api.admin)
        .send({ name: `Region ${index} edge`, groupId: seeded.groupId })
        .expect(201);
    history = await fixtures.declareResolvedHistory({ teamId: seeded.teamId, count: 400, updatesEach: 4, endingAt: new Date(Date.now() - 86_400_000) });
    page = await startStatusPage({ databaseUrl: api.database.url, env: { STATUS_PAGE_REFRESH_S: '3600' } });
    await eventually(async () => expect((await page.http.get('/api/v2/incidents.json').expect(200)).body.incidents).toHaveLength(50), 10_000);
  });

  afterAll(async () => {
    await page?.close();
    await api?.close();
  });

  async function publishAndWait(text: string): Promise<void> {
    await fixtures.addEvent({
      incidentId: seeded.publicIncidentId,
      kind: 'public_update',
      body: text,
      public: true,
      status: 'monitoring',
      occurredAt: new Date(),
    });
    await eventually(
      async () => expect((await page.http.get('/api/v2/summary.json').expect(200)).body.incidents[0].incident_updates[0].body).toBe(text),
      5000,
      20,
    );
  }

  it('serves the previous snapshot while a rebuild waits on the database, and the change as soon as the rebuild can read', async () => {
    const servedBefore = { home: await page.http.get('/').expect(200), summary: await page.http.get('/api/v2/summary.json').expect(200) };
    const text = `Published while the rebuild is blocked ${Date.now()}`;
    const locker = new Client({ connectionString: api.database.url, application_name: 'ballast-test-lock-holder' });
    await locker.connect();
    try {
      const [{ pid: lockerPid }] = (await locker.query('SELECT pg_backend_pid() AS pid')).rows as Array<{ pid: number }>;
      await locker.query('BEGIN');
      // Every snapshot read starts with the component groups: the rebuild's read waits on this lock until the transaction ends.
      await locker.query('LOCK TABLE status_component_groups IN ACCESS EXCLUSIVE MODE');
      await fixtures.addEvent({
        incidentId: seeded.publicIncidentId,
        kind: 'public_update',
        body: text,
        public: true,
        status: 'monitoring',
        occurredAt: new Date(),
      });

      // The NOTIFY started a rebuild, and the worker's read is now waiting on the lock (seen from a third connection).
      const rebuildsWaitingOnTheLock = () =>
        sql<{ pid: number }>(
          api.database.url,
          `SELECT pid FROM pg_stat_activity
            WHERE application_name = 'ballast-status-page' AND wait_event_type = 'Lock' AND $1 = ANY(pg_blocking_pids(pid)) AND query LIKE '%status_component_groups%'`,
          [lockerPid],
        );
      await eventually(async () => expect(await rebuildsWaitingOnTheLock()).toHaveLength(1), 10_000);

      // Serving goes on meanwhile, from the previous snapshot (a request waiting for the rebuild would wait for the
      // lock, released only below: it would fail on its timeout instead)...
      for (let attempt = 0; attempt < 5; attempt++) {
        const home = await page.http.get('/').timeout(5000).expect(200);
        expect(home.headers.etag).toBe(servedBefore.home.headers.etag);
        const summary = await page.http.get('/api/v2/summary.json').timeout(5000).expect(200);
        expect(summary.headers.etag).toBe(servedBefore.summary.headers.etag);
        expect(summary.body.incidents[0].incident_updates[0].body).not.toBe(text);
      }
      // ...and those answers came while the rebuild was still blocked, not after it.
      expect(await rebuildsWaitingOnTheLock()).toHaveLength(1);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }

    // The lock is gone: the blocked rebuild reads the change and the page shows it within 5 s.
    await eventually(
      async () => {
        const summary = await page.http.get('/api/v2/summary.json').expect(200);
        expect(summary.body.incidents[0].incident_updates[0].body).toBe(text);
        expect(summary.headers.etag).not.toBe(servedBefore.summary.headers.etag);
        expect((await page.http.get('/').expect(200)).headers.etag).not.toBe(servedBefore.home.headers.etag);
      },
      5000,
      20,
    );
  });

  it('keeps serving the same snapshot while the worker crashes, and a new worker carries on', async () => {
    const client = page.app.get(SnapshotWorkerClient);
    const startsBefore = client.starts;
    const home = await page.http.get('/').expect(200);
    const thread = client.thread;
    expect(thread).not.toBeNull();
    await thread?.terminate();

    // No worker now: every snapshot route still answers from memory, byte for byte.
    for (let attempt = 0; attempt < 20; attempt++) {
      const again = await page.http.get('/').expect(200);
      expect(again.headers.etag).toBe(home.headers.etag);
    }
    await page.http.get('/api/v2/summary.json').expect(200);
    await page.snapshots.refreshNow();
    expect((await page.http.get('/').expect(200)).headers.etag).toBe(home.headers.etag);

    // A new worker: listening again, rendering the long tail on demand, and seeing changes within 5 s.
    await eventually(
      async () => {
        expect(client.starts).toBe(startsBefore + 1);
        expect((await page.http.get('/health').expect(200)).body).toMatchObject({ status: 'ok', database: { status: 'up', listening: true } });
      },
      10_000,
      50,
    );
    const older = await page.http.get(`/incidents/${history[300]}`).expect(200);
    expect(older.text).toContain('(#301)');
    expect((await page.http.get('/history?page=15').expect(200)).text).toContain('Page 15 of');
    await publishAndWait(`After the restart at ${Date.now()}`);
    const summary = (await page.http.get('/api/v2/summary.json').expect(200)).body as Json;
    expect(summary.incidents[0].incident_updates[0].body).toMatch(/^After the restart/);
  });

  it('a new worker writes the disk copy that the crashed one still owed (the snapshot served is the one persisted)', async () => {
    const client = page.app.get(SnapshotWorkerClient);
    const persisted = () => readFileSync(page.app.get(AppConfig).statusPageSnapshotFile, 'utf8');
    // Two changes in a row: the second one's write waits out the save interval (one write per 5 s)...
    await publishAndWait(`Saved at once ${Date.now()}`);
    const owed = `Owed to the disk ${Date.now()}`;
    await publishAndWait(owed);
    expect(persisted().includes(owed)).toBe(false);
    // ...and the worker dies before it comes.
    const startsBefore = client.starts;
    await client.thread?.terminate();
    await eventually(
      async () => {
        expect(client.starts).toBe(startsBefore + 1);
        expect((await page.http.get('/health').expect(200)).body).toMatchObject({ database: { status: 'up', listening: true } });
      },
      10_000,
      50,
    );
    await eventually(async () => expect(persisted().includes(owed)).toBe(true), 5000, 50);
  });

  it('answers every likely route in every encoding while no worker runs, and a long-tail page with a clear 503 until a new worker renders it', async () => {
    const clock = new FixedClock(new Date());
    const own = await startStatusPage({ databaseUrl: api.database.url, env: { STATUS_PAGE_REFRESH_S: '3600' }, clock });
    try {
      await eventually(async () => expect((await own.http.get('/health').expect(200)).body.database.listening).toBe(true), 5000);
      const text = `While no worker runs ${Date.now()}`;
      await fixtures.addEvent({
        incidentId: seeded.publicIncidentId,
        kind: 'public_update',
        body: text,
        public: true,
        status: 'monitoring',
        occurredAt: new Date(),
      });
      await eventually(async () => expect((await own.http.get('/').set('Accept-Encoding', 'identity').expect(200)).text).toContain(text), 5000, 20);

      const client = own.app.get(SnapshotWorkerClient);
      await client.thread?.terminate();
      expect(client.thread).toBeNull();
      // Made with the snapshot: br and gzip are there without the worker.
      const brotli = await own.http.get('/').set('Accept-Encoding', 'br').expect(200);
      expect([brotli.headers['content-encoding'], brotli.headers.vary]).toEqual(['br', 'Accept-Encoding']);
      expect(brotli.text).toContain(text);
      await own.http
        .get('/')
        .set('Accept-Encoding', 'br')
        .set('If-None-Match', brotli.headers.etag as string)
        .expect(304);
      const summary = await own.http.get('/api/v2/summary.json').set('Accept-Encoding', 'gzip').expect(200);
      expect(summary.headers['content-encoding']).toBe('gzip');
      expect(summary.body.incidents[0].incident_updates[0].body).toBe(text);
      // A long-tail page not made yet needs the worker: a clear 503 that says when to retry, not a hang.
      const older = await own.http.get('/history?page=15').expect(503);
      expect(older.headers['retry-after']).toBe('5');
      expect(older.headers['cache-control']).toBe('no-store');

      // With a new worker the long tail renders again, in the encoding asked for.
      await eventually(async () => expect(client.thread).not.toBeNull(), 10_000, 50);
      let page15: Buffer = Buffer.alloc(0);
      await eventually(
        async () => {
          const response = await new Promise<{ status: number | undefined; encoding: string | undefined; body: Buffer }>((resolve, reject) =>
            httpGet(`${own.baseUrl}/history?page=15`, { headers: { 'Accept-Encoding': 'br' } }, (response) => {
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.on('end', () => resolve({ status: response.statusCode, encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
            }).once('error', reject),
          );
          expect([response.status, response.encoding]).toEqual([200, 'br']);
          page15 = response.body;
        },
        10_000,
        50,
      );
      expect(brotliDecompressSync(page15).toString('utf8')).toContain('Page 15 of');
    } finally {
      await own.close();
    }
  });
});
