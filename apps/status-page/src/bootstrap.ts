import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@app/config';
import { Clock, configureHttpApp, installAheadOfExpress, reportInternalError } from '@app/platform';
import { StatusPageAppModule } from './app.module';
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
  installSnapshotHandler(app);
  await app.init();
  return app;
}

/**
 * Puts the snapshot handler in front of Express on the HTTP server: public
 * routes are answered from memory by a plain Node request handler, everything
 * else (/health, /metrics, the subscription routes, unknown paths) continues
 * to Express and Nest. Nest's Express adapter creates the server with the
 * Express app as its one `request` listener; installAheadOfExpress replaces
 * it by a listener that asks the snapshot handler first.
 */
function installSnapshotHandler(app: NestExpressApplication): void {
  const handler = app.get(SnapshotRequestHandler);
  const logger = new Logger('StatusPage');
  installAheadOfExpress(app, (request, response) => {
    try {
      return handler.handle(request, response);
    } catch (error) {
      // A rendering bug must cost one response, not the process.
      const requestId = request.headers['x-request-id'];
      const report = reportInternalError(logger, error, { requestId: typeof requestId === 'string' ? requestId : undefined, url: request.url });
      if (response.headersSent) response.destroy();
      else {
        response.writeHead(report.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        response.end(`${report.body.message}\n`);
      }
      return true;
    }
  });
}
