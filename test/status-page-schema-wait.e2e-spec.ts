// The status page never migrates: it waits for the API's migrations, says so, and starts once the tables it reads exist.
// Real PostgreSQL: an empty database, then the migrations run while the status page waits.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrateDatabase } from '@app/database';
import { MIGRATIONS } from '../migrations';
import { probeSchema, STATUS_PAGE_TABLES, waitForSchema } from '../apps/status-page/src/database/wait-for-schema';
import { databaseUrl } from './support/database';
import { eventually } from './support/poll';
import { freePort } from './support/ports';

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.BALLAST_TEST_PG_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('the status page waiting for its schema', () => {
  const name = `ballast_t_empty_${randomBytes(6).toString('hex')}`;

  beforeAll(() => admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE template0`)));
  afterAll(() => admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));

  it('waits on an unmigrated database, naming the missing tables, and goes on once the API has migrated it', async () => {
    const url = databaseUrl(name);
    expect(await probeSchema(url)).toEqual({ kind: 'missing', tables: [...STATUS_PAGE_TABLES] });
    const logs: string[] = [];
    let probes = 0;
    const waiting = waitForSchema({
      probe: () => {
        probes++;
        return probeSchema(url);
      },
      log: (message) => logs.push(message),
      sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
      retryMs: 50,
    });
    // Still waiting after several attempts: nothing was created by the waiting side.
    await eventually(async () => (probes >= 3 ? true : undefined), 'three schema probes');
    expect(logs[0]).toMatch(/^waiting for the API to migrate the database \(missing tables: status_component_groups, .*incident_timeline_events\)/);
    expect((await probeSchema(url)).kind).toBe('missing');

    await migrateDatabase({ url, migrations: MIGRATIONS });
    await expect(waiting).resolves.toBe('ready');
    expect(logs[logs.length - 1]).toBe('the database schema is ready');
  });

  it('does not wait when PostgreSQL cannot be reached (the persisted snapshot is served meanwhile)', async () => {
    const url = `postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`;
    const logs: string[] = [];
    expect(await waitForSchema({ probe: () => probeSchema(url), log: (message) => logs.push(message), sleep: async () => undefined, retryMs: 1 })).toBe(
      'unreachable',
    );
    expect(logs[0]).toMatch(/^cannot reach the database .*starting from the persisted snapshot$/);
  });
});
