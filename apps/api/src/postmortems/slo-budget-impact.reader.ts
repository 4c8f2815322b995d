import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { budgetImpact, budgetImpactBucketRange, EventBucket } from '@app/slo';
import type { PostmortemBudgetImpact } from './domain/postmortem-rules';

/** The SLO an incident was opened for, from its dedup key (`slo:<id>` or `slo-breach:<id>:<since>`). */
export function sloIdOfDedupKey(dedupKey: string | null): string | null {
  const match = dedupKey ? /^slo(?:-breach)?:([0-9a-f-]{36})(?::|$)/.exec(dedupKey) : null;
  return match ? match[1] : null;
}

/**
 * Reads what budgetImpact needs from the stored SLO event buckets (never a
 * Prometheus query): the SLOs of the incident's services plus the SLO that
 * opened it, each with its buckets over the incident and its window.
 */
@Injectable()
export class SloBudgetImpactReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async impacts(input: {
    readonly serviceIds: readonly string[];
    readonly sloIds: readonly string[];
    readonly startedAt: Date;
    readonly endedAt: Date;
  }): Promise<PostmortemBudgetImpact[]> {
    if (input.serviceIds.length === 0 && input.sloIds.length === 0) return [];
    const slos = (await this.dataSource.query(
      `SELECT s.id, s.name, s.objective, s.window_days AS "windowDays", sv.slug AS service
       FROM slos s JOIN services sv ON sv.id = s.service_id
       WHERE s.service_id = ANY($1::uuid[]) OR s.id = ANY($2::uuid[])
       ORDER BY sv.slug, s.name`,
      [input.serviceIds, input.sloIds],
    )) as Array<{ id: string; name: string; objective: number; windowDays: number; service: string }>;
    const impacts: PostmortemBudgetImpact[] = [];
    for (const slo of slos) {
      const impactInput = { objective: slo.objective, windowSeconds: slo.windowDays * 86_400, startedAt: input.startedAt, endedAt: input.endedAt };
      const range = budgetImpactBucketRange(impactInput);
      const rows = (await this.dataSource.query(
        `SELECT bucket_start AS start, bad, total FROM slo_event_buckets WHERE slo_id = $1 AND bucket_start >= $2 AND bucket_start < $3`,
        [slo.id, range.from.toISOString(), range.to.toISOString()],
      )) as EventBucket[];
      const impact = budgetImpact(rows, impactInput);
      impacts.push({ sloId: slo.id, name: slo.name, service: slo.service, objective: slo.objective, window: `${slo.windowDays}d`, ...impact });
    }
    return impacts;
  }
}
