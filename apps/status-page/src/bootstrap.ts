import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { AppConfig } from '@app/config';
import { Clock, configureHttpApp, installConnectionFastPath, installRequestFastPath } from '@app/platform';
import { StatusPageAppModule } from './app.module';
import { AcceptHandlesService } from './http/accept-handles.service';
import { SnapshotRequestHandler } from './http/snapshot-request-handler';

export interface CreateStatusPageAppOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Replaces the wall clock (tests). */
  clock?: Clock;
}

/**
 * Builds the public status page application (not yet listening). `init`
 * loads the persisted snapshot and tries a first refresh, so the app serves
 * from its first request.
 */
export async function createStatusPageApp(options: CreateStatusPageAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(StatusPageAppModule.forRoot(options), { bufferLogs: true, bodyParser: false });
  configureHttpApp(app, options.config);
  installSnapshotFastPath(app, options.config);
  await app.init();
  return app;
}

/**
 * Puts the snapshot handler in front of Express on the HTTP server: public
 * routes are answered from memory, everything else continues to Nest. Two
 * layers: simple keep-alive GET/HEAD requests for prepared responses are
 * answered from the connection's bytes (installConnectionFastPath, no Node
 * HTTP objects); a connection with any other request goes to Node's HTTP
 * server, where the same handler answers public routes ahead of Express.
 */
function installSnapshotFastPath(app: NestExpressApplication, config: AppConfig): void {
  const server = app.getHttpServer() as Server;
  const handler = app.get(SnapshotRequestHandler);
  const logger = new Logger('StatusPage');
  installRequestFastPath(server, (request, response) => {
    try {
      return handler.handle(request, response);
    } catch (error) {
      // A rendering bug must cost one response, not the process.
      const errorId = randomUUID();
      logger.error({ errorId, err: error }, `Unhandled error ${errorId} serving ${request.url ?? ''}`);
      if (response.headersSent) response.destroy();
      else {
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        response.end(`Internal error; quote error id ${errorId} when reporting it\n`);
      }
      return true;
    }
  });
  if (config.STATUS_PAGE_FAST_PATH) handler.observe(installConnectionFastPath(server, (request) => handler.answer(request), { draining: () => handler.isDraining }));
  app.get(AcceptHandlesService).attach(server);
}
