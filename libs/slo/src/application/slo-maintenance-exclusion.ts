import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EvaluationPlan } from '../domain/evaluation-plan';
import type { EventBucket } from '../domain/event-buckets';
import {
  isTailInMaintenance,
  MaintenanceInterval,
  maintenanceBucketRanges,
  maintenanceInterval,
  sumBucketsInRanges,
  withoutExcluded,
} from '../domain/maintenance-exclusion';
import type { EventCounts } from '../domain/slo-math';
import type { SloPolicy } from '../domain/slo-policy';
import type { StatusWindowKey } from '../domain/slo-window';

interface MaintenanceRow {
  status: string;
  autoStart: boolean;
  autoComplete: boolean;
  scheduledFor: Date;
  scheduledUntil: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

/**
 * The events policy.excludeMaintenance leaves out of an SLO window (see
 * domain/maintenance-exclusion.ts). Maintenances are read by SQL from the
 * status page's tables (`status_maintenances` of the SLO's components: its
 * policy.statusComponentId and the components listing the SLO), as the status
 * lib reads SLO states from this lib's tables: neither lib imports the other.
 */
@Injectable()
export class SloMaintenanceExclusion {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Events of the SLO window's buckets (and live tail) overlapping a
   * maintenance; undefined when the policy does not ask for it.
   */
  async excludedEvents(
    slo: { readonly id: string; readonly policy: SloPolicy },
    plan: EvaluationPlan,
    fresh: readonly EventBucket[],
    tail: EventCounts,
  ): Promise<EventCounts | undefined> {
    if (!slo.policy.excludeMaintenance) return undefined;
    const windowKey = plan.windowKeys[plan.windowKeys.length - 1];
    const windowStart = plan.bucketWindows.find((window) => window.key === windowKey)?.headStart ?? plan.bucketEnd;
    const intervals = await this.maintenances(slo.id, slo.policy.statusComponentId ?? null, windowStart, plan.now);
    const ranges = maintenanceBucketRanges(intervals, windowStart, plan.bucketEnd);
    let excluded: EventCounts = { bad: 0, total: 0 };
    if (ranges.length > 0) {
      const stored = (await this.dataSource.query(
        `SELECT b.bucket_start AS start, b.bad, b.total FROM slo_event_buckets b
           JOIN unnest($2::timestamptz[], $3::timestamptz[]) AS r(from_start, to_start) ON b.bucket_start >= r.from_start AND b.bucket_start < r.to_start
          WHERE b.slo_id = $1`,
        [slo.id, ranges.map((range) => range.from.toISOString()), ranges.map((range) => range.to.toISOString())],
      )) as EventBucket[];
      excluded = sumBucketsInRanges(ranges, stored, fresh);
    }
    if (isTailInMaintenance(intervals, plan.bucketEnd, plan.now)) {
      excluded = { bad: excluded.bad + tail.bad, total: excluded.total + tail.total };
    }
    return excluded;
  }

  private async maintenances(sloId: string, componentId: string | null, from: Date, now: Date): Promise<MaintenanceInterval[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT m.id, m.status, m.auto_start AS "autoStart", m.auto_complete AS "autoComplete", m.scheduled_for AS "scheduledFor",
              m.scheduled_until AS "scheduledUntil", m.started_at AS "startedAt", m.completed_at AS "completedAt"
         FROM status_maintenances m
         JOIN status_maintenance_components mc ON mc.maintenance_id = m.id
        WHERE (mc.component_id = $2 OR mc.component_id IN (SELECT component_id FROM status_component_slos WHERE slo_id = $1))
          AND coalesce(m.started_at, m.scheduled_for) < $4
          AND coalesce(m.completed_at, $4::timestamptz) > $3`,
      [sloId, componentId, from.toISOString(), now.toISOString()],
    )) as MaintenanceRow[];
    return rows.map((row) => maintenanceInterval(row, now)).filter((interval): interval is MaintenanceInterval => interval !== null);
  }
}

/** The window counts with the SLO window's excluded events taken out (the short windows keep them). */
export function withMaintenanceExcluded(
  counts: Partial<Record<StatusWindowKey, EventCounts>>,
  plan: Pick<EvaluationPlan, 'windowKeys'>,
  excluded: EventCounts | undefined,
): Partial<Record<StatusWindowKey, EventCounts>> {
  if (!excluded) return counts;
  const windowKey = plan.windowKeys[plan.windowKeys.length - 1];
  return { ...counts, [windowKey]: withoutExcluded(counts[windowKey], excluded) };
}
