import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainStartupError, migrateDatabase, startEmbeddedPostgres } from '@app/database';
import { MIGRATIONS } from '../migrations';
import { createTestDatabase } from './support/database';

/** Start-up failures an operator must fix: one line naming the cause and the variable to change, never "undefined". */
describe('start-up errors say what to change', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'ballast-startup-'));
  });
  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  async function failure(start: () => Promise<unknown>): Promise<string> {
    try {
      await start();
    } catch (error) {
      return explainStartupError(error);
    }
    throw new Error('expected start-up to fail');
  }

  it('names EMBEDDED_PG_PORT when another program holds the embedded PostgreSQL port', async () => {
    const squatter: Server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as { port: number }).port;
    try {
      const line = await failure(() => startEmbeddedPostgres({ dataDir: join(workDir, 'taken'), port }));
      expect(line).toContain(`port ${port}`);
      expect(line).toContain('EMBEDDED_PG_PORT');
      expect(line).not.toContain('undefined');
      expect(line).not.toContain('\n');
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });

  it('names DATA_DIR when the data directory cannot be written', async () => {
    const file = join(workDir, 'a-file');
    writeFileSync(file, 'not a directory');
    const squatterFree = 1; // port 1 is never listening for us: the directory check decides
    const line = await failure(() => startEmbeddedPostgres({ dataDir: join(file, 'data'), port: squatterFree }));
    expect(line).toContain('DATA_DIR');
    expect(line).toContain(join(file, 'data'));
    expect(line).not.toContain('undefined');
  });

  it('names DATABASE_URL when PostgreSQL refuses the credentials', async () => {
    const database = await createTestDatabase();
    try {
      const url = new URL(database.url);
      url.password = 'certainly-not-the-password';
      url.username = 'ballast_nobody';
      const line = await failure(() => migrateDatabase({ url: url.toString(), migrations: MIGRATIONS }));
      expect(line).toMatch(/refused the credentials/);
      expect(line).toContain('DATABASE_URL');
    } finally {
      await database.drop();
    }
  });

  it('never prints "undefined" for an error thrown without a value', () => {
    expect(explainStartupError(undefined)).not.toContain('undefined');
  });
});
