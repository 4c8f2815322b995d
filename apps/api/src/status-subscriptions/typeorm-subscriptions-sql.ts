import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SubscriptionsSql } from '@app/status';

/**
 * The API's binding of SubscriptionsSql: TypeORM's connection pool, always
 * returning the rows (DataSource.query answers UPDATE/DELETE with
 * `[rows, count]`; the structured result's `records` are the rows for every command).
 */
@Injectable()
export class TypeOrmSubscriptionsSql extends SubscriptionsSql {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async query(sql: string, parameters?: unknown[]): Promise<unknown[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return (await runner.query(sql, parameters, true)).records as unknown[];
    } finally {
      await runner.release();
    }
  }
}
