import { Injectable } from '@nestjs/common';
import { TeamsService } from '@app/catalog';
import { AppConfig } from '@app/config';
import { Clock, NotFoundError, Page, PageRequest } from '@app/platform';
import { SloNotFoundError } from '../domain/errors';
import { parseHistoryStep } from '../domain/history-step';
import { historyStepSeconds } from '../domain/slo-health';
import { historyFromBuckets } from '../domain/slo-history';
import type { SloStatus } from '../domain/slo-status';
import { EVALUATION_WINDOWS, parseWindow } from '../domain/slo-window';
import { currentCalendarPeriod, sloWindowText } from '../domain/slo-window-columns';
import { SloHistoryRepository } from '../persistence/slo-history.repository';
import { SloEntity } from '../persistence/slo.entity';
import { SloRepository } from '../persistence/slo.repository';
import {
  budgetSummary,
  latestState,
  ListSlosFilter,
  rollupOf,
  SloBudgetSummary,
  SloHistory,
  SloHistoryPoint,
  SloLatestState,
  TeamSloRollup,
} from './slo-read-model.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every read of SLO results: lists, the latest status, history, team rollups
 * and budgets. Reads come from PostgreSQL only (the latest status is stored on
 * the SLO row); nothing here queries Prometheus.
 */
@Injectable()
export class SloReadModel {
  constructor(
    private readonly slos: SloRepository,
    private readonly history: SloHistoryRepository,
    private readonly teams: TeamsService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  listSlos(filter: ListSlosFilter, page: PageRequest): Promise<Page<SloEntity>> {
    return this.slos.page(filter, page);
  }

  /** The latest stored status: one primary-key read, never a Prometheus query (the hot read path). */
  async getStatus(id: string): Promise<SloStatus> {
    const status = await this.slos.status(id);
    if (status === undefined) throw new SloNotFoundError(id);
    if (!status) throw new NotFoundError('SLO status', id);
    return status;
  }

  /**
   * Evaluation history between `from` and `to` (default: the SLO window up to
   * now), downsampled to at most 500 points.
   */
  async getHistory(id: string, range: { readonly from?: Date; readonly to?: Date; readonly step?: string }): Promise<SloHistory> {
    const slo = await this.history.historySlo(id);
    if (!slo) throw new SloNotFoundError(id);
    const window = `${slo.windowDays}d`;
    const to = range.to ?? this.clock.now();
    // A calendar SLO: its current period by default, and derived points measure each step's period so far.
    const calendar = slo.windowCalendar ? { window: slo.windowCalendar, timeZone: slo.windowTimeZone ?? 'UTC' } : undefined;
    const from = range.from ?? currentCalendarPeriod(slo, to)?.start ?? new Date(to.getTime() - parseWindow(window).seconds * 1000);
    const defaultStep = historyStepSeconds({ from, to }, Math.min(this.config.SLO_EVAL_INTERVAL_S, 3600));
    const stepSeconds = range.step === undefined ? defaultStep : parseHistoryStep(range.step, { from, to });
    const burnRateColumns: Array<[string, string]> = [
      ...EVALUATION_WINDOWS.map((key): [string, string] => [key, `burn_rate_${key}`]),
      [sloWindowText(slo), 'burn_rate_window'],
    ];
    const rows = await this.history.evaluationSteps(
      id,
      { from, to, stepSeconds },
      burnRateColumns.map(([, column]) => column),
    );
    const evaluated: SloHistoryPoint[] = rows.map((row) => ({
      time: row.time,
      evaluations: row.evaluations,
      state: row.state,
      sli: row.sli,
      errorBudgetRemaining: row.errorBudgetRemaining,
      burnRates: Object.fromEntries(burnRateColumns.map(([key], index) => [key, row.burnRates[index]])),
      source: 'evaluation',
    }));
    // Steps without an evaluation (before the SLO existed, or thinned) are derived from its backfilled buckets.
    const bucketRows = await this.history.bucketRows(id, { window, from, to, stepSeconds, calendar });
    const evaluatedTimes = new Set(evaluated.map((point) => point.time.getTime()));
    const derived: SloHistoryPoint[] = historyFromBuckets({ sloId: id, objective: slo.objective, window, from, to, stepSeconds, rows: bucketRows, calendar })
      .filter((point) => !evaluatedTimes.has(point.time.getTime()))
      .map((point) => ({
        time: point.time,
        evaluations: 0,
        state: point.status.state,
        sli: point.status.sli,
        errorBudgetRemaining: point.status.errorBudgetRemaining,
        burnRates: Object.fromEntries(Object.entries(point.status.windows).map(([key, value]) => [key, value.burnRate])),
        source: 'buckets',
      }));
    return {
      sloId: id,
      window: sloWindowText(slo),
      from,
      to,
      stepSeconds,
      points: [...evaluated, ...derived].sort((a, b) => a.time.getTime() - b.time.getTime()),
    };
  }

  /** A team's SLOs: worst state and budgets, smallest first. */
  async teamRollup(teamSlug: string): Promise<TeamSloRollup> {
    const team = await this.teams.getTeam(teamSlug);
    return rollupOf(team.slug, await this.slos.all({ team: team.slug }));
  }

  /** teamRollup of many teams with one query: one rollup per given slug, in the same order (empty for a team without SLOs). */
  async teamRollups(teamSlugs: readonly string[]): Promise<TeamSloRollup[]> {
    const slos = teamSlugs.length === 0 ? [] : await this.slos.all({ teams: [...new Set(teamSlugs)] });
    return teamSlugs.map((slug) =>
      rollupOf(
        slug,
        slos.filter((slo) => slo.service.team.slug === slug),
      ),
    );
  }

  /** Latest state per SLO id (unknown ids are absent), for status page components. */
  async latestStates(sloIds: readonly string[]): Promise<Map<string, SloLatestState>> {
    const ids = [...new Set(sloIds)].filter((id) => UUID.test(id));
    if (ids.length === 0) return new Map();
    const rows = await this.slos.latestRows(ids);
    return new Map(rows.map((row) => [row.id, { ...latestState(row), componentStatusOn: row.policy?.componentStatusOn ?? 'page' }]));
  }

  /** The SLOs with the least error budget left (evaluated ones only), optionally of one team. */
  async leastBudget(options: { readonly team?: string; readonly limit: number }): Promise<SloBudgetSummary[]> {
    const limit = Math.max(1, Math.min(Math.trunc(options.limit), 1000));
    return (await this.slos.leastBudget(options.team, limit)).map(budgetSummary);
  }
}
