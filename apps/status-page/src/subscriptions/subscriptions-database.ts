import { type OnModuleDestroy } from '@nestjs/common';
import { Pool } from 'pg';
import { SubscriptionsSql } from '@app/status';

/** The database URL the status page's subscription routes use (a class as the injection token). */
export class SubscriptionsDatabaseUrl {
  constructor(readonly url: string) {}
}

/**
 * The status page's connection for subscriptions: a small lazy `pg` pool on
 * the serving thread (the snapshot worker keeps its own). Connecting lazily
 * keeps the page starting and serving while PostgreSQL is down; a subscribe
 * request then fails with 503 instead.
 */
export class StatusPageSubscriptionsSql extends SubscriptionsSql implements OnModuleDestroy {
  private readonly pool: Pool;

  constructor(database: SubscriptionsDatabaseUrl) {
    super();
    this.pool = new Pool({
      connectionString: database.url,
      application_name: 'ballast-status-page-subscriptions',
      max: 2,
      connectionTimeoutMillis: 2000,
      idleTimeoutMillis: 10_000,
      statement_timeout: 10_000,
      query_timeout: 15_000,
    });
    // An idle client dying with the server must not crash the process; the next query reports the outage.
    this.pool.on('error', () => undefined);
  }

  async query(sql: string, parameters?: unknown[]): Promise<unknown[]> {
    return (await this.pool.query(sql, parameters)).rows as unknown[];
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}
