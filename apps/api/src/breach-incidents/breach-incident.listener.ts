import { Injectable, Logger } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IncidentEntity, IncidentsService, TimelineAuthor } from '@app/incidents';
import { BREACH_WINDOWS, EventBucket, findSustainedBreach, formatMissedDuration, SLO_EVALUATED, SloEvaluatedEvent, SustainedBreach } from '@app/slo';

const AUTHOR: TimelineAuthor = { kind: 'system', component: 'slo' };

/** One incident per SLO and breach, ever: a breach that ends and starts again has a new start, hence a new key. */
export function breachDedupKey(sloId: string, since: Date): string {
  return `slo-breach:${sloId}:${since.toISOString()}`;
}

/**
 * `policy.breachIncident`: after each good evaluation, the SLO's stored
 * buckets (no new Prometheus query) are cut into window-long stretches; when
 * every stretch of the last `afterHours` missed the objective, one incident is
 * opened for that breach, naming how long the objective has been missed.
 * Replicas and repeated evaluations meet at the incident's idempotency key.
 */
@Injectable()
export class BreachIncidentListener {
  private readonly logger = new Logger(BreachIncidentListener.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly incidents: IncidentsService,
  ) {}

  @OnEvent(SLO_EVALUATED, { async: true, promisify: true })
  async onSloEvaluated(event: SloEvaluatedEvent): Promise<void> {
    try {
      await this.apply(event);
    } catch (error) {
      this.logger.error({ err: error, slo: event.slo.id }, 'sustained-breach check failed; it runs again at the next evaluation');
    }
  }

  async apply(event: SloEvaluatedEvent): Promise<{ incident: IncidentEntity; created: boolean } | null> {
    const policy = event.slo.policy.breachIncident;
    if (!policy) return null;
    if (event.status.state === 'error' || event.status.state === 'stale') return null;
    const now = new Date(event.status.evaluatedAt);
    const breach = findSustainedBreach(await this.stretches(event.slo.id, BREACH_WINDOWS[policy.window], now), {
      objective: event.slo.objective,
      window: policy.window,
      afterHours: policy.afterHours,
      now,
    });
    if (!breach) return null;
    return this.openIncident(event, breach);
  }

  /** The SLO's stored buckets summed per window-long stretch (epoch aligned), complete buckets before `now` only. */
  private async stretches(sloId: string, stretchSeconds: number, now: Date): Promise<EventBucket[]> {
    const rows = (await this.dataSource.query(
      `SELECT to_timestamp(floor(extract(epoch FROM bucket_start) / $2) * $2) AS start, sum(bad) AS bad, sum(total) AS total
       FROM slo_event_buckets
       WHERE slo_id = $1 AND bucket_start + interval '5 minutes' <= $3
       GROUP BY 1`,
      [sloId, stretchSeconds, now.toISOString()],
    )) as Array<{ start: Date; bad: number; total: number }>;
    return rows.map((row) => ({ start: new Date(row.start), bad: Number(row.bad), total: Number(row.total) }));
  }

  private async openIncident(event: SloEvaluatedEvent, breach: SustainedBreach): Promise<{ incident: IncidentEntity; created: boolean }> {
    const { slo } = event;
    const policy = slo.policy.breachIncident!;
    const hours = Math.floor(breach.missedSeconds / 3600);
    const key = breachDedupKey(slo.id, breach.since);
    const objective = `${(slo.objective * 100).toFixed(3).replace(/\.?0+$/, '')}%`;
    const result = await this.incidents.declareIncident(
      {
        title: `SLO ${slo.name} has missed its objective for ${hours} hours`.slice(0, 120),
        summary:
          `${slo.name} (${slo.service.name}) has missed its objective of ${objective} in every ${policy.window} stretch since ${breach.since.toISOString()}: ` +
          `${formatMissedDuration(breach.missedSeconds)} so far. The error budget policy opens an incident after ${policy.afterHours} hours of sustained misses.`,
        severity: slo.policy.severity,
        team: slo.team.slug,
        type: 'other',
        services: [slo.service.slug],
        visibility: slo.policy.publicIncident ? 'public' : 'internal',
        source: 'slo',
        startedAt: breach.since,
        dedupKey: key,
        idempotencyKey: key,
      },
      AUTHOR,
    );
    if (result.created) this.logger.warn({ slo: slo.id, since: breach.since, hours }, 'sustained SLO breach: incident opened');
    return result;
  }
}
