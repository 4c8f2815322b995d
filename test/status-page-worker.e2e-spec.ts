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
import { eventually, RunningStatusPage, startStatusPage } from './support/status-page-app';

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
    for (let index = 0; index < 36; index++) await api.http.post('/api/v1/status/components').set(api.admin).send({ name: `Region ${index} edge`, groupId: seeded.groupId }).expect(201);
    history = await fixtures.declareResolvedHistory({ teamId: seeded.teamId, count: 400, updatesEach: 4, endingAt: new Date(Date.now() - 86_400_000) });
    page = await startStatusPage({ databaseUrl: api.database.url, env: { STATUS_PAGE_REFRESH_S: '3600' } });
    await eventually(async () => expect((await page.http.get('/api/v2/incidents.json').expect(200)).body.incidents).toHaveLength(50), 10_000);
  });

  afterAll(async () => {
    await page?.close();
    await api?.close();
  });

  async function publishAndWait(text: string): Promise<void> {
    await fixtures.addEvent({ incidentId: seeded.publicIncidentId, kind: 'public_update', body: text, public: true, status: 'monitoring', occurredAt: new Date() });
    await eventually(async () => expect((await page.http.get('/api/v2/summary.json').expect(200)).body.incidents[0].incident_updates[0].body).toBe(text), 5000, 20);
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
      await fixtures.addEvent({ incidentId: seeded.publicIncidentId, kind: 'public_update', body: text, public: true, status: 'monitoring', occurredAt: new Date() });

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
    await eventually(async () => {
      const summary = await page.http.get('/api/v2/summary.json').expect(200);
      expect(summary.body.incidents[0].incident_updates[0].body).toBe(text);
      expect(summary.headers.etag).not.toBe(servedBefore.summary.headers.etag);
      expect((await page.http.get('/').expect(200)).headers.etag).not.toBe(servedBefore.home.headers.etag);
    }, 5000, 20);
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
    await eventually(async () => {
      expect(client.starts).toBe(startsBefore + 1);
      expect((await page.http.get('/health').expect(200)).body).toMatchObject({ status: 'ok', database: { status: 'up', listening: true } });
    }, 10_000, 50);
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
    await eventually(async () => {
      expect(client.starts).toBe(startsBefore + 1);
      expect((await page.http.get('/health').expect(200)).body).toMatchObject({ database: { status: 'up', listening: true } });
    }, 10_000, 50);
    await eventually(async () => expect(persisted().includes(owed)).toBe(true), 5000, 50);
  });

  // Both ways a request is answered: the connection fast path, and the request listener ahead of Nest (STATUS_PAGE_FAST_PATH=false).
  it.each(['true', 'false'])('with demand known (STATUS_PAGE_FAST_PATH=%s), answers every likely route while no worker runs: an encoding not made yet in identity, a long-tail page with a clear 503', async (fastPath) => {
    // Its own clock: past the first minute (everything made), demand decides which variants are made.
    const clock = new FixedClock(new Date());
    const lean = await startStatusPage({ databaseUrl: api.database.url, env: { STATUS_PAGE_REFRESH_S: '3600', STATUS_PAGE_DEMAND_WINDOW_S: '60', STATUS_PAGE_FAST_PATH: fastPath }, clock });
    try {
      await eventually(async () => expect((await lean.http.get('/health').expect(200)).body.database.listening).toBe(true), 5000);
      clock.advance(61_000);
      const text = `Only identity asked for ${Date.now()}`;
      await fixtures.addEvent({ incidentId: seeded.publicIncidentId, kind: 'public_update', body: text, public: true, status: 'monitoring', occurredAt: new Date() });
      await eventually(async () => expect((await lean.http.get('/').set('Accept-Encoding', 'identity').expect(200)).text).toContain(text), 5000, 20);

      const client = lean.app.get(SnapshotWorkerClient);
      await client.thread?.terminate();
      expect(client.thread).toBeNull();
      // br for `/` was never asked for since the first minute: answered in identity, the same page, while no worker can make it.
      const brotli = await lean.http.get('/').set('Accept-Encoding', 'br').expect(200);
      expect(brotli.headers['content-encoding']).toBeUndefined();
      expect(brotli.headers.vary).toBe('Accept-Encoding');
      expect(brotli.text).toContain(text);
      // A client holding its br copy of this page revalidates: br is not made (and cannot be now), but a variant's ETag is the identity
      // body's plus its encoding, so it gets its 304 rather than the whole page again; a copy of another body gets the page.
      const brTag = `${(brotli.headers.etag as string).slice(0, -1)}-br"`;
      const revalidated = await lean.http.get('/').set('Accept-Encoding', 'br').set('If-None-Match', brTag).expect(304);
      expect([revalidated.headers.etag, revalidated.headers.vary, revalidated.headers['cache-control']]).toEqual([brTag, 'Accept-Encoding', brotli.headers['cache-control']]);
      expect((await lean.http.get('/').set('Accept-Encoding', 'br').set('If-None-Match', '"another-body-br"').expect(200)).text).toBe(brotli.text);
      const summary = await lean.http.get('/api/v2/summary.json').set('Accept-Encoding', 'gzip').expect(200);
      expect(summary.body.incidents[0].incident_updates[0].body).toBe(text);
      // A long-tail page nobody asked for lately needs the worker: a clear 503 that says when to retry, not a hang.
      const older = await lean.http.get('/history?page=15').expect(503);
      expect(older.headers['retry-after']).toBe('5');
      expect(older.headers['cache-control']).toBe('no-store');

      // With a new worker the variant is made for the next visitors, and the long tail renders again.
      await eventually(async () => expect(client.thread).not.toBeNull(), 10_000, 50);
      await eventually(async () => {
        // Raw bytes (the test client would decode them).
        const again = await new Promise<{ encoding: string | undefined; etag: string | undefined; body: Buffer }>((resolve, reject) =>
          httpGet(`${lean.baseUrl}/`, { headers: { 'Accept-Encoding': 'br' } }, (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ encoding: response.headers['content-encoding'], etag: response.headers.etag, body: Buffer.concat(chunks) }));
          }).once('error', reject),
        );
        expect(again.encoding).toBe('br');
        // The ETag the 304 above promised.
        expect(again.etag).toBe(brTag);
        expect(brotliDecompressSync(again.body).toString('utf8')).toBe(brotli.text);
      }, 10_000, 50);
      expect((await lean.http.get('/history?page=15').expect(200)).text).toContain('Page 15 of');
      // Which way these were answered.
      const answeredByFastPath = Number(/^status_page_fast_path_requests_total (\d+)$/m.exec((await lean.http.get('/metrics').expect(200)).text)?.[1]);
      expect(answeredByFastPath > 0).toBe(fastPath === 'true');
    } finally {
      await lean.close();
    }
  });
});
