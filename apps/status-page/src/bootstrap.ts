import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@app/config';
import type { Clock } from '@app/platform';
import { configureHttpApp } from '@app/platform';
import { StatusPageAppModule } from './app.module';

export interface CreateStatusPageAppOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Replaces the wall clock (tests). */
  clock?: Clock;
}

/** Builds the public status page application (not yet listening). */
export async function createStatusPageApp(options: CreateStatusPageAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(StatusPageAppModule.forRoot(options), { bufferLogs: true, bodyParser: false });
  configureHttpApp(app, options.config);
  await app.init();
  return app;
}
