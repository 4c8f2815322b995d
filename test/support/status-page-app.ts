import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppConfig, loadConfig } from '@app/config';
import type { Clock } from '@app/platform';
import { createStatusPageApp } from '../../apps/status-page/src/bootstrap';
import { SnapshotService } from '../../apps/status-page/src/snapshot/snapshot.service';

export interface RunningStatusPage {
  app: NestExpressApplication;
  config: AppConfig;
  baseUrl: string;
  http: ReturnType<typeof request>;
  snapshots: SnapshotService;
  dataDir: string;
  close(): Promise<void>;
}

export interface StartStatusPageOptions {
  databaseUrl: string;
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** Where the snapshot is persisted; a fresh temporary directory (removed on close) by default. */
  dataDir?: string;
}

/** Boots the real status page app against the given database, listening on 127.0.0.1. */
export async function startStatusPage(options: StartStatusPageOptions): Promise<RunningStatusPage> {
  const ownDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ballast-status-page-'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    PUBLIC_STATUS_URL: 'https://status.example.com',
    STATUS_PAGE_NAME: 'Acme',
    ...options.env,
  });
  const app = await createStatusPageApp({ config, databaseUrl: options.databaseUrl, clock: options.clock });
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    config,
    baseUrl,
    http: request(app.getHttpServer()),
    snapshots: app.get(SnapshotService),
    dataDir,
    close: async () => {
      await app.close();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
