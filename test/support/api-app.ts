import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AppConfig, loadConfig } from '@app/config';
import type { Clock } from '@app/platform';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createTestDatabase, TestDatabase } from './database';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface RunningApi {
  app: NestExpressApplication;
  config: AppConfig;
  database: TestDatabase;
  baseUrl: string;
  http: ReturnType<typeof request>;
  admin: { Authorization: string };
  printed: string[];
  close(): Promise<void>;
}

export interface StartApiOptions {
  env?: Record<string, string | undefined>;
  database?: TestDatabase;
  /** Keep the database when closing (e.g. to start a second instance on it). */
  keepDatabase?: boolean;
  /** Replaces the wall clock, e.g. a FixedClock from @app/platform. */
  clock?: Clock;
}

/** Boots the real API app on a fresh migrated database, listening on 127.0.0.1. */
export async function startApi(options: StartApiOptions = {}): Promise<RunningApi> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    API_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    SCHEDULER_ENABLED: 'false',
    PROMETHEUS_URL: 'http://127.0.0.1:9',
    ...options.env,
  });
  const printed: string[] = [];
  const app = await createApiApp({ config, databaseUrl: database.url, clock: options.clock, printAdminToken: (message) => printed.push(message) });
  await app.listen(0, '127.0.0.1');
  const baseUrl = await app.getUrl();
  return {
    app,
    config,
    database,
    baseUrl: baseUrl.replace('[::1]', '127.0.0.1'),
    http: request(app.getHttpServer()),
    admin: { Authorization: `Bearer ${config.API_ADMIN_TOKEN ?? ''}` },
    printed,
    close: async () => {
      await app.close();
      if (!options.keepDatabase && !options.database) await database.drop();
    },
  };
}
