import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '@app/platform';
import { type DerivedStatuses, deriveStatuses } from './domain/derive-statuses';
import type { StatusSource } from './domain/status-source';
import { readStatusSource } from './read-model/status-source.reader';
import type { SqlRunner } from './read-model/sql-runner';

/** Derives every component's and group's current status (with reasons) from the database. */
@Injectable()
export class StatusEvaluator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async evaluate(options: { now?: Date; db?: SqlRunner } = {}): Promise<{ now: Date; source: StatusSource; derived: DerivedStatuses }> {
    const now = options.now ?? this.clock.now();
    const source = await readStatusSource(options.db ?? this.dataSource, { now, historyDays: 0, resolvedIncidentLimit: 0, completedMaintenanceLimit: 0 });
    return { now, source, derived: deriveStatuses(source, now) };
  }
}
