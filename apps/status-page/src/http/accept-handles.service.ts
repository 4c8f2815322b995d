import { Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { Server } from 'node:http';
import { AppConfig } from '@app/config';
import { addAcceptHandles, type AcceptHandles, MetricsRegistry } from '@app/platform';

/**
 * The status page gets its traffic spike all at once (an incident is
 * announced, everybody opens the page): once the server listens, it accepts
 * on STATUS_PAGE_ACCEPT_HANDLES more handles of its listening socket, so a
 * burst of new connections is taken in a few event-loop turns instead of one
 * turn per connection (see {@link addAcceptHandles}). They stop accepting with
 * the server, and shutdown waits for the connections they took.
 */
@Injectable()
export class AcceptHandlesService implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('StatusPage');
  private handles: AcceptHandles | null = null;
  private pending: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsRegistry,
  ) {
    metrics.sampledGauge(
      'status_page_accept_handles',
      'Handles accepting connections on the status page listening socket (the server own one plus the duplicates)',
      () => (this.handles ? this.handles.count + 1 : 1),
    );
    metrics.sampledGauge('status_page_accepted_by_duplicate_handles', 'Connections accepted through the duplicate handles since start', () => this.handles?.accepted ?? 0);
  }

  /** Adds the handles as soon as `server` listens. */
  attach(server: Server): void {
    const wanted = this.config.STATUS_PAGE_ACCEPT_HANDLES;
    if (wanted === 0) return;
    server.once('listening', () => {
      if (this.stopping) return;
      this.pending = addAcceptHandles(server, wanted, { onError: (error) => this.logger.warn(`accept handles: ${error.message}`) }).then((handles) => {
        this.handles = handles;
        if (this.stopping) handles.stopAccepting();
        else if (handles.count < wanted) this.logger.warn(`accepting on ${handles.count + 1} handles instead of ${wanted + 1}`);
        else this.logger.debug(`accepting on ${handles.count + 1} handles`);
      });
    });
  }

  /** Resolves once the handles asked for are in place (or could not be made). */
  async ready(): Promise<AcceptHandles | null> {
    await this.pending;
    return this.handles;
  }

  /** Nest calls this before it closes the HTTP server: stop taking connections on every handle. */
  onModuleDestroy(): void {
    this.stopping = true;
    this.handles?.stopAccepting();
  }

  /** After the server closed: the connections the duplicates accepted have ended too. */
  async onApplicationShutdown(): Promise<void> {
    await this.pending;
    this.handles?.stopAccepting();
    await this.handles?.closed();
  }
}
