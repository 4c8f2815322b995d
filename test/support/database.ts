import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.BALLAST_TEST_PG_URL;
  if (!url) throw new Error('e2e tests need the global setup (test/support/global-setup.ts) to have started PostgreSQL');
  return url;
}

export function databaseUrl(name: string): string {
  const parsed = new URL(serverUrl());
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** A fresh database with every migration applied, cloned from the template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `ballast_t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${process.env.BALLAST_TEST_TEMPLATE ?? 'ballast_test_template'}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: databaseUrl(name),
    drop: async () => {
      const client = new Client({ connectionString: serverUrl() });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
