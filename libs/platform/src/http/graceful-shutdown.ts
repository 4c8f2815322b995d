import { INestApplication, Logger } from '@nestjs/common';
import { startDraining } from './draining';

export interface DrainOptions {
  /** How long in-flight work may take; then every connection still open is closed. */
  graceMs: number;
  /** Runs after Nest closed (e.g. stopping the embedded PostgreSQL). */
  afterClose?: () => Promise<void>;
  logger?: Logger;
}

/**
 * Stops accepting connections, lets in-flight requests finish, runs Nest's
 * shutdown hooks, then `afterClose`. Keep-alive connections between requests
 * are closed at once and as they go idle. Whatever is still open after
 * `graceMs` — a client that stopped reading its responses, a request head
 * that never completes — is closed then, so shutdown ends within the grace
 * and still runs every hook (not a forced exit that skips them).
 */
export async function drainAndClose(app: INestApplication, options: DrainOptions): Promise<void> {
  const logger = options.logger ?? new Logger('Shutdown');
  startDraining();
  const server = app.getHttpServer() as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
  // Keep-alive sockets between requests hold no work: close them now and again as they go idle.
  server.closeIdleConnections?.();
  const idleSweep = setInterval(() => server.closeIdleConnections?.(), 250);
  const cutOff = setTimeout(() => {
    logger.warn(`connections still busy ${options.graceMs} ms after shutdown began: closing them`);
    server.closeAllConnections?.();
  }, options.graceMs);
  try {
    await app.close();
  } finally {
    clearInterval(idleSweep);
    clearTimeout(cutOff);
  }
  await options.afterClose?.();
}

/**
 * SIGTERM/SIGINT: {@link drainAndClose}, then exit 0 (1 when closing failed).
 * Should closing itself hang past the grace (a shutdown hook that never
 * returns), the process exits 1 five seconds later.
 */
export function handleShutdownSignals(app: INestApplication, options: DrainOptions): void {
  const logger = options.logger ?? new Logger('Shutdown');
  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.log(`${signal} received: draining in-flight requests`);
    const force = setTimeout(() => {
      logger.error(`shutdown took longer than ${options.graceMs + 5000} ms, exiting`);
      process.exit(1);
    }, options.graceMs + 5000);
    force.unref();
    drainAndClose(app, { ...options, logger }).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
