import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '@app/database';
import { MIGRATIONS } from '../migrations';
import { RunningApi, startApi } from './support/api-app';
import { PostgresProcess, startPostgresProcess } from './support/pg-process';
import { eventually } from './support/poll';
import { freePort } from './support/ports';

/** Polls `path` (test/support/poll.ts) until it answers `expected`; fails with the last status after `timeoutMs`. */
async function waitForStatus(api: RunningApi, path: string, expected: number, timeoutMs: number): Promise<number> {
  return eventually(async () => expect((await api.http.get(path)).status).toBe(expected), timeoutMs, 200);
}

describe('readiness through a database outage', () => {
  let dataDir: string;
  let port: number;
  let postgres: PostgresProcess;
  let api: RunningApi;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ballast-outage-'));
    port = await freePort();
    postgres = await startPostgresProcess(dataDir, port);
    await migrateDatabase({ url: postgres.url, migrations: MIGRATIONS });
    api = await startApi({ database: { url: postgres.url, name: 'postgres', drop: async () => undefined } });
  });

  afterAll(async () => {
    await api?.close();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is ready, then 503 while PostgreSQL is down, then ready again without a restart', async () => {
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'before', name: 'Before outage' }).expect(201);
    expect((await api.http.get('/health/ready')).status).toBe(200);

    await postgres.stop();
    await waitForStatus(api, '/health/ready', 503, 10_000);
    const ready = await api.http.get('/health/ready');
    expect(ready.body.status).toBe('error');
    expect(ready.body.error.database.status).toBe('down');
    expect((await api.http.get('/health/live')).status).toBe(200);
    const duringOutage = await api.http.get('/api/v1/teams').set(api.admin);
    expect(duringOutage.status).toBe(503);
    expect(duringOutage.body.error).toBe('database_unavailable');

    postgres = await startPostgresProcess(dataDir, port);
    await waitForStatus(api, '/health/ready', 200, 20_000);
    const teams = await api.http.get('/api/v1/teams').set(api.admin);
    expect(teams.status).toBe(200);
    expect(teams.body.items.map((team: { slug: string }) => team.slug)).toEqual(['before']);
  });
});
