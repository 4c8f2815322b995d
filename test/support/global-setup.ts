// Starts one real PostgreSQL for the whole e2e run (embedded unless
// DATABASE_URL is set), applies the migrations to a template database, and
// lets every test file clone its own isolated database from it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
// Global setup runs outside Jest's module registry (no path aliases): import files directly.
import { migrateDatabase } from '../../libs/database/src/migrate';
import { MIGRATIONS } from '../../migrations';
import { PostgresProcess, startPostgresProcess } from './pg-process';
import { freePort } from './ports';

export const TEMPLATE_DATABASE = 'ballast_test_template';

declare global {
  var __BALLAST_TEST_PG__: { database: PostgresProcess; dataDir?: string } | undefined;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export default async function globalSetup(): Promise<void> {
  process.env.TZ = 'UTC';
  let database: PostgresProcess;
  let dataDir: string | undefined;
  if (process.env.DATABASE_URL) {
    database = { url: process.env.DATABASE_URL, stop: async () => undefined };
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'ballast-test-pg-'));
    database = await startPostgresProcess(dataDir, await freePort());
  }
  const admin = new Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  await migrateDatabase({ url: withDatabase(database.url, TEMPLATE_DATABASE), migrations: MIGRATIONS });
  process.env.BALLAST_TEST_PG_URL = database.url;
  process.env.BALLAST_TEST_TEMPLATE = TEMPLATE_DATABASE;
  globalThis.__BALLAST_TEST_PG__ = { database, dataDir };
}
