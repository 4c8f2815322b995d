import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

/**
 * A PostgreSQL advisory lock per job name, so a periodic job runs in one
 * replica at a time. Non-blocking: a replica that does not get the lock skips
 * this run. The lock lives on one pooled connection for the job's duration and
 * is released even when the job fails (or by PostgreSQL if the process dies).
 */
@Injectable()
export class SlackJobLock {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async runExclusive<T>(jobName: string, job: () => Promise<T>): Promise<{ ran: true; result: T } | { ran: false }> {
    const key = advisoryKey(jobName);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const rows = (await runner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key])) as Array<{ locked: boolean }>;
      if (!rows[0]?.locked) return { ran: false };
      try {
        return { ran: true, result: await job() };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
      }
    } finally {
      await runner.release();
    }
  }
}

/** A stable signed 64-bit key from the job name. */
function advisoryKey(jobName: string): string {
  return createHash('sha256').update(`ballast:${jobName}`).digest().readBigInt64BE(0).toString();
}
