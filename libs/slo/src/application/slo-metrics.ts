import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '@app/platform';
import type { SloWindowStatus } from '../domain/slo-status';
import { PrometheusClient } from '../prometheus/prometheus-client';

interface SloFiguresRow {
  slo: string;
  service: string;
  team: string;
  sli: number | null;
  errorBudgetRemaining: number | null;
  windows: Record<string, SloWindowStatus> | null;
}

const SNAPSHOT_MAX_AGE_MS = 1000;

/**
 * SLO figures on the app's /metrics, for existing Grafana boards:
 * `ballast_slo_error_budget_remaining`, `ballast_slo_sli`,
 * `ballast_slo_burn_rate{window}`, labelled slo (name), service and team.
 * Values are read from the latest stored status of every SLO at scrape time,
 * so every replica exposes all SLOs whichever replica evaluated them; an SLO
 * without figures (no data yet) has no series. A failing Prometheus keeps the
 * last good figures (the stored status keeps them).
 * Also the Prometheus work of this replica (`ballast_slo_prometheus_*`).
 */
@Injectable()
export class SloMetrics {
  private readonly logger = new Logger(SloMetrics.name);
  private snapshot: { at: number; rows: Promise<SloFiguresRow[]> } | null = null;

  constructor(
    metrics: MetricsRegistry,
    @InjectDataSource() private readonly dataSource: DataSource,
    prometheus: PrometheusClient,
  ) {
    const registers = [metrics.registry];
    const labelNames = ['slo', 'service', 'team'] as const;
    const load = (): Promise<SloFiguresRow[]> => this.figures();
    new Gauge({
      name: 'ballast_slo_error_budget_remaining',
      help: 'Share of the SLO window error budget left (1 untouched, 0 spent, negative overspent)',
      labelNames,
      registers,
      async collect() {
        const rows = await load();
        this.reset();
        for (const row of rows) {
          if (row.errorBudgetRemaining !== null) this.set({ slo: row.slo, service: row.service, team: row.team }, row.errorBudgetRemaining);
        }
      },
    });
    new Gauge({
      name: 'ballast_slo_sli',
      help: 'Share of good events over the SLO window',
      labelNames,
      registers,
      async collect() {
        const rows = await load();
        this.reset();
        for (const row of rows) {
          if (row.sli !== null) this.set({ slo: row.slo, service: row.service, team: row.team }, row.sli);
        }
      },
    });
    new Gauge({
      name: 'ballast_slo_burn_rate',
      help: 'Error budget burn rate per window (1 = spending exactly the budget over the SLO window)',
      labelNames: [...labelNames, 'window'],
      registers,
      async collect() {
        const rows = await load();
        this.reset();
        for (const row of rows) {
          for (const [window, figures] of Object.entries(row.windows ?? {})) {
            if (typeof figures?.burnRate === 'number') this.set({ slo: row.slo, service: row.service, team: row.team, window }, figures.burnRate);
          }
        }
      },
    });
    const work = (): ReturnType<PrometheusClient['stats']> => prometheus.stats();
    new Counter({
      name: 'ballast_slo_prometheus_queries_total',
      help: 'Prometheus queries sent by the SLO engine of this replica, by kind',
      labelNames: ['kind'],
      registers,
      collect() {
        const stats = work();
        this.reset();
        this.inc({ kind: 'instant' }, stats.instantQueries);
        this.inc({ kind: 'range' }, stats.rangeQueries);
      },
    });
    new Counter({
      name: 'ballast_slo_prometheus_failures_total',
      help: 'Prometheus queries of the SLO engine of this replica that failed',
      registers,
      collect() {
        this.reset();
        this.inc(work().failedQueries);
      },
    });
    new Counter({
      name: 'ballast_slo_prometheus_samples_total',
      help: 'Samples Prometheus loaded for the SLO engine of this replica (query stats)',
      registers,
      collect() {
        this.reset();
        this.inc(work().queriedSamples);
      },
    });
  }

  /** One database read per scrape, shared by the gauges; failures keep the previous figures. */
  private figures(): Promise<SloFiguresRow[]> {
    const now = Date.now();
    if (this.snapshot && now - this.snapshot.at < SNAPSHOT_MAX_AGE_MS) {
      return this.snapshot.rows;
    }
    const previous = this.snapshot?.rows ?? Promise.resolve([]);
    const rows = this.dataSource
      .query(
        `SELECT s.name AS slo, sv.slug AS service, t.slug AS team, s.sli, s.error_budget_remaining AS "errorBudgetRemaining",
                s.status -> 'windows' AS windows
         FROM slos s JOIN services sv ON sv.id = s.service_id JOIN teams t ON t.id = sv.team_id
         WHERE s.status IS NOT NULL`,
      )
      .then((result: unknown) => result as SloFiguresRow[])
      .catch(async (error: unknown) => {
        this.logger.warn(`SLO metrics: could not read the SLO figures: ${error instanceof Error ? error.message : String(error)}`);
        return previous;
      });
    this.snapshot = { at: now, rows };
    return rows;
  }
}
