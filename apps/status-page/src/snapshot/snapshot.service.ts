import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '@app/config';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Clock, isDatabaseUnavailable, MetricsRegistry } from '@app/platform';
import { buildPublicStatus, type PublicStatus } from '@app/status';
import { StatusPageDatabase, UPTIME_DAYS } from '../database/status-page-database';
import { StatusPageRenderer } from '../render/status-page-renderer';
import { SnapshotStore } from './snapshot-store';
import { type SnapshotSource, StatusSnapshot } from './status-snapshot';

/** Coalesces bursts of notifications (a transaction touching several tables) into one rebuild. */
const NOTIFY_DEBOUNCE_MS = 100;
/** How long startup waits for the first refresh before serving the persisted snapshot (or a 503). */
const STARTUP_REFRESH_TIMEOUT_MS = 5000;

export interface SnapshotHealth {
  readonly snapshot: { readonly generatedAt: string; readonly ageSeconds: number; readonly source: SnapshotSource; readonly stale: boolean } | null;
  readonly database: { readonly status: 'up' | 'down' | 'unknown'; readonly lastRefreshAt: string | null; readonly listening: boolean };
}

/**
 * Owns the current {@link StatusSnapshot}: builds it from the database when a
 * NOTIFY arrives (debounced), after every LISTEN (re)connect, and every
 * STATUS_PAGE_REFRESH_S as a safety net; persists each new model to disk;
 * and, when refreshing fails, keeps serving the last snapshot — marked stale
 * once it is older than {@link staleAfterMs} — instead of an error.
 */
@Injectable()
export class SnapshotService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SnapshotService.name);
  private snapshot: StatusSnapshot | null = null;
  private modelHash: string | null = null;
  private lastSuccessAt: Date | null = null;
  private databaseStatus: 'up' | 'down' | 'unknown' = 'unknown';
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private debounceTimer: NodeJS.Timeout | null = null;
  private periodicTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private failuresLogged = 0;
  readonly staleAfterMs: number;
  private readonly builds: Counter<'result'>;
  private readonly buildSeconds: Histogram<'phase'>;

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly database: StatusPageDatabase,
    private readonly store: SnapshotStore,
    private readonly renderer: StatusPageRenderer,
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
      help: 'Time spent per successful snapshot refresh, by phase: read (database), build (model), render (hot responses)',
      labelNames: ['phase'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [metrics.registry],
    });
    const service = this;
    new Gauge({
      name: 'status_page_snapshot_age_seconds',
      help: 'Seconds since the served snapshot was last confirmed current (-1 without a snapshot)',
      registers: [metrics.registry],
      collect() {
        this.set(service.health().snapshot?.ageSeconds ?? -1);
      },
    });
  }

  /** The snapshot to serve, or null before there has ever been one. */
  current(): StatusSnapshot | null {
    return this.snapshot;
  }

  async onApplicationBootstrap(): Promise<void> {
    const persisted = await this.store.load();
    if (persisted) {
      this.install(persisted, 'disk', this.isStale(new Date(persisted.generatedAt)));
      this.logger.log(`loaded the persisted snapshot of ${persisted.generatedAt}`);
    }
    await Promise.race([this.refreshNow(), new Promise((resolve) => setTimeout(resolve, STARTUP_REFRESH_TIMEOUT_MS).unref())]);
    this.database.listen({ onChange: () => this.requestRefresh(), onListening: () => this.requestRefresh() });
    this.periodicTimer = setInterval(() => this.requestRefresh(), this.config.STATUS_PAGE_REFRESH_S * 1000);
    this.periodicTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    if (this.periodicTimer) clearInterval(this.periodicTimer);
    await this.refreshing?.catch(() => undefined);
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

  health(): SnapshotHealth {
    const now = this.clock.now().getTime();
    const snapshot = this.snapshot;
    const freshAt = snapshot ? (snapshot.context.source === 'database' && this.lastSuccessAt ? this.lastSuccessAt : new Date(snapshot.model.generatedAt)) : null;
    return {
      snapshot:
        snapshot && freshAt
          ? { generatedAt: snapshot.model.generatedAt, ageSeconds: Math.max(0, Math.round((now - freshAt.getTime()) / 1000)), source: snapshot.context.source, stale: snapshot.context.stale }
          : null,
      database: { status: this.databaseStatus, lastRefreshAt: this.lastSuccessAt?.toISOString() ?? null, listening: this.database.listening },
    };
  }

  private async refreshOnce(): Promise<void> {
    const now = this.clock.now();
    let model: PublicStatus;
    const started = performance.now();
    let built: number;
    try {
      const source = await this.database.readStatusSource(now);
      const read = performance.now();
      this.buildSeconds.observe({ phase: 'read' }, (read - started) / 1000);
      model = buildPublicStatus(source, { now, uptimeDays: UPTIME_DAYS });
      built = performance.now();
      this.buildSeconds.observe({ phase: 'build' }, (built - read) / 1000);
    } catch (error) {
      this.builds.inc({ result: 'failed' });
      this.onRefreshFailed(error);
      return;
    }
    if (this.databaseStatus !== 'up' && this.failuresLogged > 0) this.logger.log('database reachable again; status page is current');
    this.databaseStatus = 'up';
    this.failuresLogged = 0;
    this.lastSuccessAt = now;
    const hash = createHash('sha256').update(JSON.stringify(model)).digest('base64url');
    const current = this.snapshot;
    const changed = hash !== this.modelHash;
    if (!changed && current && current.context.source === 'database' && !current.context.stale) {
      this.builds.inc({ result: 'unchanged' });
      return;
    }
    this.install(model, 'database', false, hash);
    this.buildSeconds.observe({ phase: 'render' }, (performance.now() - built) / 1000);
    this.builds.inc({ result: 'changed' });
    if (changed || current?.context.source !== 'database') this.store.saveSoon(model);
  }

  private onRefreshFailed(error: unknown): void {
    this.databaseStatus = 'down';
    // One line per outage (plus a reminder every 20 attempts), not one per attempt.
    if (this.failuresLogged % 20 === 0) {
      const kind = isDatabaseUnavailable(error) ? 'database unreachable' : 'snapshot refresh failed';
      this.logger.warn({ err: error }, `${kind}; serving the last snapshot`);
    }
    this.failuresLogged++;
    const current = this.snapshot;
    if (current && !current.context.stale) {
      const freshAt = current.context.source === 'database' && this.lastSuccessAt ? this.lastSuccessAt : new Date(current.model.generatedAt);
      if (this.isStale(freshAt)) this.snapshot = current.withContext({ ...current.context, stale: true });
    }
  }

  private isStale(freshAt: Date): boolean {
    return this.clock.now().getTime() - freshAt.getTime() > this.staleAfterMs;
  }

  private install(model: PublicStatus, source: SnapshotSource, stale: boolean, hash?: string): void {
    this.snapshot = new StatusSnapshot(model, { source, stale }, this.renderer);
    if (hash) this.modelHash = hash;
  }
}
