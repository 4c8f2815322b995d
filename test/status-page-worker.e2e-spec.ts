// The status page's snapshot worker: rebuilds (database read, derivation,
// rendering, compression) run on their own thread, so serving never waits for
// one; and when the worker crashes the page keeps serving while a new worker
// takes over.
import { readFileSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { SnapshotWorkerClient } from '../apps/status-page/src/snapshot/snapshot-worker-client';
import { RunningApi, startApi } from './support/api-app';
import { IncidentFixtures, SeededScenario, seedStatusScenario } from './support/status-fixtures';
import { eventually, RunningStatusPage, startStatusPage } from './support/status-page-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Sum and count of the worker's refresh phases, from the page's own /metrics. */
async function refreshPhases(page: RunningStatusPage): Promise<{ cpuSeconds: number; renders: number }> {
  const text = (await page.http.get('/metrics').expect(200)).text;
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
  return {
    cpuSeconds: value(/status_page_snapshot_refresh_seconds_sum\{phase="build"\} (\S+)/) + value(/status_page_snapshot_refresh_seconds_sum\{phase="render"\} (\S+)/),
    renders: value(/status_page_snapshot_refresh_seconds_count\{phase="render"\} (\S+)/),
  };
}

function timedGet(url: string, agent: Agent): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    httpGet(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
    }).on('error', reject);
  });
}

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
    // A big page, so that one rebuild is real work: 40 components with their uptime strips, 400 past incidents.
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

  it('rebuilds on its own thread: while snapshots are rebuilt, no request and no tick of the serving loop waits as long as one rebuild', async () => {
    const before = await refreshPhases(page);
    const delays = monitorEventLoopDelay({ resolution: 5 });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const latencies: number[] = [];
    let stop = false;
    delays.enable();
    const visitors = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const { status, ms } = await timedGet(`${page.baseUrl}/`, agent);
        expect(status).toBe(200);
        latencies.push(ms);
      }
    });
    try {
      for (let round = 0; round < 6; round++) await publishAndWait(`Rebuild round ${round} at ${Date.now()}`);
    } finally {
      stop = true;
      await Promise.all(visitors);
      delays.disable();
      agent.destroy();
    }
    const after = await refreshPhases(page);
    const rebuilds = after.renders - before.renders;
    const msPerRebuild = ((after.cpuSeconds - before.cpuSeconds) / rebuilds) * 1000;
    const slowestRequest = Math.max(...latencies);
    const longestStall = delays.max / 1e6;
    // The rebuilds were real work (derivation and rendering alone), and served requests went on meanwhile...
    expect(rebuilds).toBeGreaterThanOrEqual(6);
    expect(msPerRebuild).toBeGreaterThan(40);
    expect(latencies.length).toBeGreaterThan(rebuilds * 10);
    // ...none of them, nor the serving thread's event loop, held up for as long as one rebuild takes.
    expect({ slowestRequest, longestStall, msPerRebuild }).toEqual({ slowestRequest: expect.any(Number), longestStall: expect.any(Number), msPerRebuild: expect.any(Number) });
    expect(slowestRequest).toBeLessThan(msPerRebuild);
    expect(longestStall).toBeLessThan(msPerRebuild);
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
});
