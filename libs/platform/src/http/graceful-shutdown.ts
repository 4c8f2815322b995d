import { INestApplication, Logger } from '@nestjs/common';
import { startDraining } from './draining';

/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish
 * (bounded by `graceMs`), run Nest shutdown hooks, then the extra cleanup
 * (e.g. stopping the embedded PostgreSQL) and exit.
 */
export function handleShutdownSignals(app: INestApplication, options: { graceMs: number; afterClose?: () => Promise<void>; logger?: Logger }): void {
  const logger = options.logger ?? new Logger('Shutdown');
  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.log(`${signal} received: draining in-flight requests`);
    startDraining();
    const server = app.getHttpServer() as { closeIdleConnections?: () => void };
    // Keep-alive sockets between requests hold no work: close them now and again as they go idle.
    const idleSweep = setInterval(() => server.closeIdleConnections?.(), 250);
    idleSweep.unref();
    const force = setTimeout(() => {
      logger.error(`shutdown took longer than ${options.graceMs} ms, exiting`);
      process.exit(1);
    }, options.graceMs + 5000);
    force.unref();
    void (async () => {
      try {
        await app.close();
        await options.afterClose?.();
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      }
    })();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
