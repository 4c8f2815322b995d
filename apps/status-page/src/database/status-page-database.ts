import { Client, Pool, type PoolClient } from 'pg';
import { readStatusSource, STATUS_CHANGED_CHANNEL, type StatusSource } from '@app/status/core';
import type { WorkerLog } from '../snapshot/worker-log';

/** Days of status history read for the uptime bars. */
export const UPTIME_DAYS = 90;
/** Resolved public incidents kept in the snapshot (history pages, feeds, incidents.json). */
export const RESOLVED_INCIDENT_LIMIT = 1000;
/** Completed maintenances kept in the snapshot. */
export const COMPLETED_MAINTENANCE_LIMIT = 50;

export interface ListenHandlers {
  onChange(): void;
  onListening(): void;
  onLost(): void;
}

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;

/**
 * The status page's only IO edge to PostgreSQL: a small `pg` pool for the
 * snapshot reads, and one dedicated connection LISTENing for change
 * notifications, reconnected with backoff. Deliberately not TypeORM: the
 * status page must start and keep serving while the database is down, and a
 * pool connects lazily, failing fast per attempt. Lives in the snapshot worker,
 * so parsing rows never runs on the thread that serves visitors.
 */
export class StatusPageDatabase {
  private readonly pool: Pool;
  private listener: Client | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelay = RECONNECT_MIN_MS;
  private closed = false;
  private handlers: ListenHandlers | null = null;

  constructor(
    private readonly url: string,
    private readonly logger: WorkerLog,
  ) {
    this.pool = new Pool({
      connectionString: url,
      application_name: 'ballast-status-page',
      max: 2,
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 10_000,
      statement_timeout: 10_000,
      query_timeout: 15_000,
      keepAlive: true,
    });
    // An idle client dying with the server must not crash the process; the next read reports the outage.
    this.pool.on('error', (error) => this.logger.warn('idle database connection lost', error));
  }

  get listening(): boolean {
    return this.listener !== null;
  }

  /** Everything the public page is built from, in one REPEATABLE READ, read-only transaction. */
  async readStatusSource(now: Date): Promise<StatusSource> {
    const client: PoolClient = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const source = await readStatusSource(
        { query: async (sql, parameters) => (await client.query(sql, parameters as unknown[] | undefined)).rows },
        { now, historyDays: UPTIME_DAYS, resolvedIncidentLimit: RESOLVED_INCIDENT_LIMIT, completedMaintenanceLimit: COMPLETED_MAINTENANCE_LIMIT },
      );
      await client.query('COMMIT');
      return source;
    } catch (error) {
      broken = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** Starts LISTENing; `onListening` runs after every (re)connect, since notifications may have been missed. */
  listen(handlers: ListenHandlers): void {
    this.handlers = handlers;
    void this.connectListener();
  }

  private async connectListener(): Promise<void> {
    if (this.closed || this.listener) return;
    const client = new Client({ connectionString: this.url, application_name: 'ballast-status-page-listen', connectionTimeoutMillis: 2000, keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === STATUS_CHANGED_CHANNEL) this.handlers?.onChange();
    });
    client.on('error', (error) => this.listenerLost(client, error));
    client.on('end', () => this.listenerLost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${STATUS_CHANGED_CHANNEL}`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.listener = client;
      this.reconnectDelay = RECONNECT_MIN_MS;
      this.logger.log('listening for status changes');
      this.handlers?.onListening();
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.logger.debug(`LISTEN connection failed: ${(error as Error).message}`);
      this.scheduleReconnect();
    }
  }

  private listenerLost(client: Client, error?: Error): void {
    if (this.listener !== client) return;
    this.listener = null;
    this.handlers?.onLost();
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (!this.closed) {
      this.logger.warn('lost the LISTEN connection; reconnecting', error);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(RECONNECT_MAX_MS, this.reconnectDelay * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connectListener();
    }, delay);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = null;
    if (listener) {
      listener.removeAllListeners('end');
      await listener.end().catch(() => undefined);
    }
    await this.pool.end().catch(() => undefined);
  }
}
