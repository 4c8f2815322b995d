import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@app/config';
import { configureHttpApp } from '@app/platform';
import { StatusPageAppModule } from './app.module';

export interface CreateStatusPageAppOptions {
  config: AppConfig;
  databaseUrl: string;
}

/** Builds the public status page application (not yet listening). */
export async function createStatusPageApp(options: CreateStatusPageAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(StatusPageAppModule.forRoot(options), { bufferLogs: true, bodyParser: false });
  configureHttpApp(app, options.config);
  await app.init();
  return app;
}
