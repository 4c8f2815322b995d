import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Clock, MetricsRegistry } from '@app/platform';
import { StatusPageRenderer } from '../render/status-page-renderer';
import { PreparedResponse } from './prepared-response';
import { routeKey, type SnapshotRoute } from './routes';
import { ServedSnapshot, type SnapshotSource } from './served-snapshot';
import type { RefreshFailure, WireSnapshot } from './snapshot-protocol';
import { SnapshotWorkerClient } from './snapshot-worker-client';

/** Coalesces bursts of notifications (a transaction touching several tables) into one rebuild. */
const NOTIFY_DEBOUNCE_MS = 100;
/** How long startup waits for the first refresh before serving the persisted snapshot (or a 503). */
const STARTUP_REFRESH_TIMEOUT_MS = 5000;

/** The database the status page reads (provided by the app module). */
export const STATUS_PAGE_DATABASE_URL = Symbol('STATUS_PAGE_DATABASE_URL');

export interface SnapshotHealth {
  readonly snapshot: { readonly generatedAt: string; readonly ageSeconds: number; readonly source: SnapshotSource; readonly stale: boolean } | null;
  readonly database: { readonly status: 'up' | 'down' | 'unknown'; readonly lastRefreshAt: string | null; readonly listening: boolean };
}

/**
 * Owns the current {@link ServedSnapshot} on the serving thread. All the work
 * of a rebuild — reading PostgreSQL, deriving, rendering, compressing,
 * persisting — happens in the snapshot worker; this service decides when
 * (a NOTIFY, debounced; every LISTEN (re)connect; every STATUS_PAGE_REFRESH_S
 * as a safety net), passes the clock's time, and swaps in the finished
 * responses. When refreshing fails it keeps serving the last
 * snapshot — marked stale once it is older than {@link staleAfterMs} —
 * instead of an error; when the worker crashes it keeps serving while a new
 * one starts (only a long-tail page not made yet needs the new worker).
 */
@Injectable()
export class SnapshotService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SnapshotService.name);
  private snapshot: ServedSnapshot | null = null;
  private lastSuccessAt: Date | null = null;
  private databaseStatus: 'up' | 'down' | 'unknown' = 'unknown';
  private listening = false;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private debounceTimer: NodeJS.Timeout | null = null;
  private periodicTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private failuresLogged = 0;
  /** On-demand renders in flight, shared by concurrent visitors of the same route. */
  private readonly rendering = new Map<string, Promise<PreparedResponse>>();
  readonly staleAfterMs: number;
  private readonly builds: Counter<'result'>;
  private readonly buildSeconds: Histogram<'phase'>;
  private readonly onDemandRenders: Counter;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly worker: SnapshotWorkerClient,
    private readonly renderer: StatusPageRenderer,
    @Inject(STATUS_PAGE_DATABASE_URL) private readonly databaseUrl: string,
    metrics: MetricsRegistry,
  ) {
    this.staleAfterMs = Math.max(60_000, 3 * config.STATUS_PAGE_REFRESH_S * 1000);
    this.builds = new Counter({
      name: 'status_page_snapshot_refreshes_total',
      help: 'Snapshot refreshes by result: changed (new snapshot served), unchanged, failed (database unreachable or error)',
      labelNames: ['result'],
      registers: [metrics.registry],
    });
    this.buildSeconds = new Histogram({
      name: 'status_page_snapshot_refresh_seconds',
      help: 'Time the snapshot worker spent per successful refresh, by phase: read (database), build (model), render (the likely routes in every encoding)',
      labelNames: ['phase'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    });
    this.onDemandRenders = new Counter({
      name: 'status_page_on_demand_renders_total',
      help: 'Long-tail routes (older incident, completed maintenance and history pages) the snapshot worker made when first asked for',
      registers: [metrics.registry],
    });
    const service = this;
    new Gauge({
      name: 'status_page_snapshot_routes',
      help: 'Routes of the served snapshot: made (with the snapshot or since asked for), on_demand (made when first asked for)',
      labelNames: ['state'],
      registers: [metrics.registry],
      collect() {
        const counts = service.snapshot?.counts ?? { made: 0, onDemand: 0 };
        this.set({ state: 'made' }, counts.made);
        this.set({ state: 'on_demand' }, counts.onDemand);
      },
    });
    metrics.sampledGauge(
      'status_page_snapshot_age_seconds',
      'Seconds since the served snapshot was last confirmed current (-1 without a snapshot)',
      () => this.health().snapshot?.ageSeconds ?? -1,
    );
  }

  /** The snapshot to serve, or null before there has ever been one. */
  current(): ServedSnapshot | null {
    return this.snapshot;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.worker.start(
      { databaseUrl: this.databaseUrl, snapshotFile: this.config.statusPageSnapshotFile, page: this.renderer.page },
      {
        onChanged: () => this.requestRefresh(),
        onListening: (listening) => {
          this.listening = listening;
          if (listening) this.requestRefresh();
        },
        onRestarted: () => void this.adoptAfterRestart(),
      },
    );
    const persisted = await this.worker
      .request({ type: 'load-persisted', now: this.clock.now().toISOString(), staleAfterMs: this.staleAfterMs })
      .catch((error: Error) => {
        this.logger.warn(`cannot load the persisted snapshot: ${error.message}`);
        return { kind: 'none' as const };
      });
    if (persisted.kind === 'loaded') {
      this.install(persisted.snapshot, 'disk');
      this.logger.log(`loaded the persisted snapshot of ${persisted.snapshot.generatedAt}`);
    }
    await Promise.race([this.refreshNow(), new Promise((resolve) => setTimeout(resolve, STARTUP_REFRESH_TIMEOUT_MS).unref())]);
    this.periodicTimer = setInterval(() => this.requestRefresh(), this.config.STATUS_PAGE_REFRESH_S * 1000);
    this.periodicTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    if (this.periodicTimer) clearInterval(this.periodicTimer);
    await this.refreshing?.catch(() => undefined);
    await this.worker.close();
  }

  /** Schedules a rebuild soon (debounced); safe to call at any rate. */
  requestRefresh(): void {
    if (this.closed || this.debounceTimer) return;
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = null;
      void this.refreshNow();
    }, NOTIFY_DEBOUNCE_MS);
    this.debounceTimer.unref();
  }

  /** Rebuilds now; concurrent calls share the running build and trigger one more after it. */
  refreshNow(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          await this.refreshOnce();
        } while (this.refreshAgain && !this.closed);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /**
   * A route of the served snapshot made on first request (the long tail):
   * made by the worker, in every encoding, then kept in the snapshot, if that
   * is still the one served. Rejects while no worker runs (a tail page then
   * gets a 503 with Retry-After; every likely route is in every snapshot).
   */
  renderOnDemand(asked: SnapshotRoute): Promise<PreparedResponse> {
    const snapshot = this.snapshot;
    if (!snapshot) return Promise.reject(new Error('no snapshot yet'));
    const route = snapshot.answering(asked);
    const key = `${snapshot.hash} ${snapshot.stale} ${routeKey(route)}`;
    const running = this.rendering.get(key);
    if (running) return running;
    const render = this.worker
      .request({ type: 'render-route', route })
      .then((reply) => {
        this.onDemandRenders.inc();
        const response = PreparedResponse.fromWire(reply.response, reply.arena);
        const current = this.snapshot;
        if (current && reply.hash === current.hash && reply.stale === current.stale) current.remember(route, response);
        return response;
      })
      .finally(() => this.rendering.delete(key));
    this.rendering.set(key, render);
    return render;
  }

  health(): SnapshotHealth {
    const now = this.clock.now().getTime();
    const snapshot = this.snapshot;
    const freshAt = snapshot ? this.freshAt(snapshot) : null;
    return {
      snapshot:
        snapshot && freshAt
          ? {
              generatedAt: snapshot.generatedAt,
              ageSeconds: Math.max(0, Math.round((now - freshAt.getTime()) / 1000)),
              source: snapshot.source,
              stale: snapshot.stale,
            }
          : null,
      database: { status: this.databaseStatus, lastRefreshAt: this.lastSuccessAt?.toISOString() ?? null, listening: this.listening },
    };
  }

  private async refreshOnce(): Promise<void> {
    const now = this.clock.now();
    const current = this.snapshot;
    let reply;
    try {
      reply = await this.worker.request({ type: 'refresh', now: now.toISOString(), force: !current || current.source !== 'database' || current.stale });
    } catch (error) {
      // The worker crashed or is being replaced: says nothing about the database; keep serving what we have.
      this.builds.inc({ result: 'failed' });
      this.logger.warn(`snapshot refresh skipped: ${(error as Error).message}`);
      return;
    }
    if (reply.kind === 'failed') {
      this.builds.inc({ result: 'failed' });
      await this.onRefreshFailed(reply.failure);
      return;
    }
    if (this.databaseStatus !== 'up' && this.failuresLogged > 0) this.logger.log('database reachable again; status page is current');
    this.databaseStatus = 'up';
    this.failuresLogged = 0;
    this.lastSuccessAt = now;
    this.buildSeconds.observe({ phase: 'read' }, reply.timings.readMs / 1000);
    this.buildSeconds.observe({ phase: 'build' }, reply.timings.buildMs / 1000);
    if (reply.kind === 'unchanged') {
      this.builds.inc({ result: 'unchanged' });
      return;
    }
    this.buildSeconds.observe({ phase: 'render' }, reply.timings.renderMs / 1000);
    this.install(reply.snapshot, 'database');
    this.builds.inc({ result: 'changed' });
  }

  private async onRefreshFailed(failure: RefreshFailure): Promise<void> {
    this.databaseStatus = 'down';
    // One line per outage (plus a reminder every 20 attempts), not one per attempt.
    if (this.failuresLogged % 20 === 0) {
      const kind = failure.unreachable ? 'database unreachable' : 'snapshot refresh failed';
      this.logger.warn({ err: Object.assign(new Error(failure.message), { code: failure.code }) }, `${kind}; serving the last snapshot`);
    }
    this.failuresLogged++;
    const current = this.snapshot;
    if (current && !current.stale && this.isStale(this.freshAt(current))) {
      const rendered = await this.worker.request({ type: 'render', stale: true }).catch(() => null);
      // Only if nothing newer arrived meanwhile.
      if (rendered?.kind === 'rendered' && this.snapshot === current) this.install(rendered.snapshot, current.source);
    }
  }

  /** A new worker starts without a model: give it the one being served, then refresh. */
  private async adoptAfterRestart(): Promise<void> {
    const current = this.snapshot;
    if (current) {
      const copy = current.modelJson.slice();
      await this.worker
        .request({ type: 'adopt', modelJson: copy, stale: current.stale }, [copy.buffer as ArrayBuffer])
        .catch((error: Error) => this.logger.warn(`the new snapshot worker did not take the current snapshot: ${error.message}`));
    }
    this.logger.log('snapshot worker restarted');
    this.requestRefresh();
  }

  private freshAt(snapshot: ServedSnapshot): Date {
    return snapshot.source === 'database' && this.lastSuccessAt ? this.lastSuccessAt : new Date(snapshot.generatedAt);
  }

  private isStale(freshAt: Date): boolean {
    return this.clock.now().getTime() - freshAt.getTime() > this.staleAfterMs;
  }

  private install(wire: WireSnapshot, source: SnapshotSource): void {
    this.snapshot = new ServedSnapshot(wire, source);
  }
}
