import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { AppConfig } from '@app/config';
import { assertCanActOnTeam, Principal, ReferenceOwnership, ServiceEntity, TeamsService } from '@app/catalog';
import { Clock, ConflictError, isUniqueViolation, NotFoundError, Page, PageRequest, ValidationFailedError } from '@app/platform';
import { describeValue, OpenSloImportError, OpenSloImportIssue, SloNotFoundError, SloValidationError } from '../domain/errors';
import { ImportedSloDefinition, importOpenSlo } from '../domain/openslo-import';
import { renderPrometheusRules } from '../domain/prometheus-rules';
import { SloIndicator, validateIndicator } from '../domain/slo-indicator';
import { historyStepSeconds, worstSloState } from '../domain/slo-health';
import { historyBucketStartsNeeded, historyFromBuckets, RunningTotalRow } from '../domain/slo-history';
import { validateObjective } from '../domain/slo-math';
import { DEFAULT_SLO_POLICY, type SloComponentStatusTier, SloPolicy, validatePolicy } from '../domain/slo-policy';
import type { SloState, SloStatus } from '../domain/slo-status';
import { EVALUATION_WINDOWS, parseWindow } from '../domain/slo-window';
import { SloEntity } from '../persistence/slo.entity';
import { SloEvaluator } from './slo-evaluator';
import { SloMetricLabels } from './slo-metric-labels';
import { SloSelectorCheck, SloWarning } from './slo-selector-check';

export interface SloDefinitionInput {
  /** Service slug. */
  readonly service: string;
  readonly name: string;
  readonly description?: string | null;
  readonly objective: unknown;
  readonly window: unknown;
  readonly indicator: unknown;
  readonly policy?: unknown;
}

export interface SloChangesInput {
  readonly name?: string;
  readonly description?: string | null;
  readonly objective?: unknown;
  readonly window?: unknown;
  readonly indicator?: unknown;
  readonly policy?: unknown;
}

export interface ListSlosFilter {
  /** Team slug. */
  readonly team?: string;
  /** Service slug. */
  readonly service?: string;
  readonly state?: SloState;
}

/** A saved SLO with what the user should know about it (unchecked or unknown selectors). */
export interface SavedSlo {
  readonly slo: SloEntity;
  readonly warnings: readonly SloWarning[];
}

export interface ImportedSlo extends SavedSlo {
  readonly action: 'created' | 'updated';
}

/** Latest state of an SLO, for other modules (status page components). */
export interface SloLatestState {
  readonly sloId: string;
  /** null until the first evaluation. */
  readonly state: SloState | null;
  readonly evaluatedAt: Date | null;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number | null;
  /** The policy's componentStatusOn, when the SLO's policy was read (latestStates reads it). */
  readonly componentStatusOn?: SloComponentStatusTier;
}

/** An SLO with its key figures, for rollups and insights. */
export interface SloBudgetSummary extends SloLatestState {
  readonly name: string;
  readonly service: string;
  readonly team: string;
  readonly objective: number;
  readonly window: string;
}

export interface TeamSloRollup {
  readonly team: string;
  /** Worst state of the team's SLOs (critical, warning, error, stale, no_data, ok); null without evaluated SLOs. */
  readonly state: SloState | null;
  readonly stateCounts: Readonly<Record<string, number>>;
  /** Ascending by error budget remaining; SLOs without figures last. */
  readonly slos: readonly SloBudgetSummary[];
}

export interface SloHistoryPoint {
  /** Start of the step. */
  readonly time: Date;
  readonly evaluations: number;
  /** The last evaluation's state, SLI and budget in the step (levels). */
  readonly state: SloState;
  readonly sli: number | null;
  readonly errorBudgetRemaining: number | null;
  /** The highest burn rate per window in the step, so short spikes stay visible. */
  readonly burnRates: Readonly<Record<string, number | null>>;
  /** `evaluation`: stored evaluations of the step; `buckets`: derived from the backfilled buckets (no evaluation in the step). */
  readonly source?: 'evaluation' | 'buckets';
}

export interface SloHistory {
  readonly sloId: string;
  readonly window: string;
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
  readonly points: readonly SloHistoryPoint[];
}

interface ValidDefinition {
  readonly name: string;
  readonly description: string | null;
  readonly objective: number;
  readonly windowDays: number;
  readonly indicator: SloIndicator;
  readonly policy: SloPolicy;
}

const MAX_NAME_LENGTH = 200;

/**
 * SLO definitions and every read of SLO results. Reads come from PostgreSQL
 * only (the latest status is stored on the SLO row); Prometheus is asked only
 * to check selectors and, through the evaluator, right after a definition
 * changes.
 */
@Injectable()
export class SloService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(SloEntity) private readonly slos: Repository<SloEntity>,
    @InjectRepository(ServiceEntity) private readonly services: Repository<ServiceEntity>,
    private readonly teams: TeamsService,
    private readonly selectorCheck: SloSelectorCheck,
    private readonly evaluator: SloEvaluator,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metricLabels: SloMetricLabels,
    @Optional() private readonly ownership?: ReferenceOwnership,
  ) {}

  /** Creates an SLO, backfills its buckets and evaluates it once before answering. */
  async createSlo(principal: Principal, input: SloDefinitionInput): Promise<SavedSlo> {
    const service = await this.resolveService(input.service, 'service');
    assertCanActOnTeam(principal, service.teamId);
    const definition = validateDefinition(input);
    this.metricLabels.assertConforms(service.team, definition.indicator);
    await this.assertOwnsPolicyComponent(principal, definition.policy, undefined);
    const warnings = await this.selectorCheck.check(definition.indicator, this.clock.now());
    let id: string;
    try {
      id = (await this.slos.save(this.slos.create({ ...definition, serviceId: service.id, nextEvaluationAt: this.clock.now() }))).id;
    } catch (error) {
      throw this.conflictOrRethrow(error, service.slug, definition.name);
    }
    return { slo: await this.evaluatedSlo(id), warnings };
  }

  async listSlos(filter: ListSlosFilter, page: PageRequest): Promise<Page<SloEntity>> {
    const query = this.slos
      .createQueryBuilder('slo')
      .innerJoinAndSelect('slo.service', 'service')
      .innerJoinAndSelect('service.team', 'team')
      .orderBy('service.slug', 'ASC')
      .addOrderBy('slo.name', 'ASC')
      .addOrderBy('slo.id', 'ASC');
    if (filter.team !== undefined) query.andWhere('team.slug = :team', { team: filter.team });
    if (filter.service !== undefined) query.andWhere('service.slug = :service', { service: filter.service });
    if (filter.state !== undefined) query.andWhere('slo.state = :state', { state: filter.state });
    const [items, total] = await query.take(page.limit).skip(page.offset).getManyAndCount();
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async getSlo(id: string): Promise<SloEntity> {
    const slo = await this.slos.findOne({ where: { id } });
    if (!slo) throw new SloNotFoundError(id);
    return slo;
  }

  /**
   * Changes a definition. A new indicator drops the stored buckets and last
   * figures (they counted other events) and is backfilled anew; a new
   * objective, window or indicator is evaluated before answering.
   */
  async updateSlo(principal: Principal, id: string, changes: SloChangesInput): Promise<SavedSlo> {
    const current = await this.getSlo(id);
    assertCanActOnTeam(principal, current.service.teamId);
    const definition = validateDefinition({
      service: current.service.slug,
      name: changes.name ?? current.name,
      description: changes.description !== undefined ? changes.description : current.description,
      objective: changes.objective ?? current.objective,
      window: changes.window ?? `${current.windowDays}d`,
      indicator: changes.indicator ?? current.indicator,
      policy: changes.policy ?? current.policy,
    });
    this.metricLabels.assertConforms(current.service.team, definition.indicator);
    await this.assertOwnsPolicyComponent(principal, definition.policy, current.policy);
    const indicatorChanged = JSON.stringify(definition.indicator) !== JSON.stringify(current.indicator);
    const figuresChanged = indicatorChanged || definition.objective !== current.objective || definition.windowDays !== current.windowDays;
    const warnings = indicatorChanged ? await this.selectorCheck.check(definition.indicator, this.clock.now()) : [];
    try {
      await this.dataSource.transaction(async (manager) => {
        const reset = indicatorChanged ? { bucketsFrom: null, bucketsUntil: null, lastGoodCounts: null } : {};
        // Clearing the claim token supersedes an evaluation in flight with the old definition.
        await manager.update(SloEntity, { id }, { ...definition, ...reset, ...(figuresChanged ? { claimToken: null } : {}) });
        if (indicatorChanged) {
          await manager.query(`DELETE FROM slo_event_buckets WHERE slo_id = $1`, [id]);
        }
      });
    } catch (error) {
      throw this.conflictOrRethrow(error, current.service.slug, definition.name);
    }
    return { slo: figuresChanged ? await this.evaluatedSlo(id) : await this.getSlo(id), warnings };
  }

  /** The ownership rule for `policy.statusComponentId`, when it names a component it did not name before. */
  private async assertOwnsPolicyComponent(principal: Principal, policy: SloPolicy, previous: SloPolicy | undefined): Promise<void> {
    const componentId = policy.statusComponentId;
    if (!componentId || componentId === previous?.statusComponentId || principal.kind === 'admin') return;
    if (!this.ownership) throw new Error('ReferenceOwnership is not provided: import CatalogModule where SloModule is used');
    await this.ownership.assertOwnsComponents(principal, [componentId], 'policy.statusComponentId');
  }

  async deleteSlo(principal: Principal, id: string): Promise<void> {
    const slo = await this.getSlo(id);
    assertCanActOnTeam(principal, slo.service.teamId);
    await this.slos.delete({ id });
  }

  /** The latest stored status: one primary-key read, never a Prometheus query (the hot read path). */
  async getStatus(id: string): Promise<SloStatus> {
    const [row] = (await this.dataSource.query(`SELECT status FROM slos WHERE id = $1`, [id])) as Array<{ status: SloStatus | null }>;
    if (!row) throw new SloNotFoundError(id);
    if (!row.status) throw new NotFoundError('SLO status', id);
    return row.status;
  }

  /** Evaluates now (POST /evaluate) and returns the stored status. */
  async evaluateSlo(principal: Principal, id: string): Promise<{ readonly slo: SloEntity; readonly status: SloStatus }> {
    const slo = await this.getSlo(id);
    assertCanActOnTeam(principal, slo.service.teamId);
    const evaluated = await this.evaluatedSlo(id);
    if (!evaluated.status) throw new NotFoundError('SLO status', id);
    return { slo: evaluated, status: evaluated.status };
  }

  /**
   * Evaluation history between `from` and `to` (default: the SLO window up to
   * now), downsampled to at most 500 points.
   */
  async getHistory(id: string, range: { readonly from?: Date; readonly to?: Date }): Promise<SloHistory> {
    const slo = await this.getSlo(id);
    const window = `${slo.windowDays}d`;
    const to = range.to ?? this.clock.now();
    const from = range.from ?? new Date(to.getTime() - parseWindow(window).seconds * 1000);
    const stepSeconds = historyStepSeconds({ from, to }, Math.min(this.config.SLO_EVAL_INTERVAL_S, 3600));
    const burnRateColumns: Array<[string, string]> = [
      ...EVALUATION_WINDOWS.map((key): [string, string] => [key, `burn_rate_${key}`]),
      [window, 'burn_rate_window'],
    ];
    const rows = (await this.dataSource.query(
      `SELECT date_bin(make_interval(secs => $4), evaluated_at, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS time,
              count(*)::int AS evaluations,
              (array_agg(state ORDER BY evaluated_at DESC, id DESC))[1] AS state,
              (array_agg(sli ORDER BY evaluated_at DESC, id DESC))[1] AS sli,
              (array_agg(error_budget_remaining ORDER BY evaluated_at DESC, id DESC))[1] AS "errorBudgetRemaining",
              ${burnRateColumns.map(([, column], index) => `max(${column}) AS "burn${index}"`).join(', ')}
       FROM slo_evaluations
       WHERE slo_id = $1 AND evaluated_at >= $2 AND evaluated_at <= $3
       GROUP BY 1 ORDER BY 1`,
      [id, from.toISOString(), to.toISOString(), stepSeconds],
    )) as Array<Record<string, unknown>>;
    const evaluated: SloHistoryPoint[] = rows.map((row) => ({
      time: row.time as Date,
      evaluations: row.evaluations as number,
      state: row.state as SloState,
      sli: row.sli as number | null,
      errorBudgetRemaining: row.errorBudgetRemaining as number | null,
      burnRates: Object.fromEntries(burnRateColumns.map(([key], index) => [key, row[`burn${index}`] as number | null])),
      source: 'evaluation',
    }));
    // Steps without an evaluation (before the SLO existed, or thinned) are derived from its backfilled buckets.
    const bucketRows = await this.historyBucketRows(id, { window, from, to, stepSeconds });
    const evaluatedTimes = new Set(evaluated.map((point) => point.time.getTime()));
    const derived: SloHistoryPoint[] = historyFromBuckets({ sloId: id, objective: slo.objective, window, from, to, stepSeconds, rows: bucketRows })
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
      window,
      from,
      to,
      stepSeconds,
      points: [...evaluated, ...derived].sort((a, b) => a.time.getTime() - b.time.getTime()),
    };
  }

  /**
   * The buckets a history needs: the first one and those at the steps' instants
   * (a few hundred index lookups instead of a window of rows); all of them
   * when one of those is missing (a gap), so the points are the same either way.
   */
  private async historyBucketRows(
    id: string,
    range: { readonly window: string; readonly from: Date; readonly to: Date; readonly stepSeconds: number },
  ): Promise<RunningTotalRow[]> {
    const columns = `bucket_start AS start, bad, total, cum_bad AS "cumBad", cum_total AS "cumTotal"`;
    const [first] = (await this.dataSource.query(`SELECT ${columns} FROM slo_event_buckets WHERE slo_id = $1 ORDER BY bucket_start LIMIT 1`, [
      id,
    ])) as RunningTotalRow[];
    if (!first) return [];
    const needed = historyBucketStartsNeeded({ ...range, firstStart: first.start });
    const found = (await this.dataSource.query(
      `SELECT ${columns} FROM slo_event_buckets WHERE slo_id = $1 AND bucket_start = ANY($2::timestamptz[]) ORDER BY bucket_start`,
      [id, needed.map((start) => start.toISOString())],
    )) as RunningTotalRow[];
    if (found.length === needed.length) {
      return found.length > 0 && found[0].start.getTime() === first.start.getTime() ? found : [first, ...found];
    }
    return (await this.dataSource.query(`SELECT ${columns} FROM slo_event_buckets WHERE slo_id = $1 AND bucket_start < $2 ORDER BY bucket_start`, [
      id,
      range.to.toISOString(),
    ])) as RunningTotalRow[];
  }

  /**
   * Imports an OpenSLO file as a whole: every SLO is created, or updated when
   * its service already has an SLO of that name, in one transaction; any
   * problem (unsupported field, unknown service, rejected selector) rejects the
   * file with every problem listed and nothing stored. The imported SLOs are
   * then evaluated (backfilled) before answering.
   */
  async importOpenSlo(principal: Principal, text: string): Promise<ImportedSlo[]> {
    const definitions = importOpenSlo(text);
    const services = new Map((await this.servicesBySlug(definitions.map((definition) => definition.service))).map((service) => [service.slug, service]));
    const issues: OpenSloImportIssue[] = [];
    for (const definition of definitions) {
      if (!services.has(definition.service)) {
        issues.push({ document: definition.document, path: 'spec.service', message: `service ${describeValue(definition.service)} does not exist in Ballast` });
      }
    }
    if (issues.length > 0) throw new OpenSloImportError(issues);
    for (const definition of definitions) {
      assertCanActOnTeam(principal, (services.get(definition.service) as ServiceEntity).teamId);
    }
    this.metricLabels.assertNoIssues(
      definitions.flatMap((definition) =>
        this.metricLabels.documentIssues(definition.document, (services.get(definition.service) as ServiceEntity).team, definition.indicator, indicatorPath),
      ),
    );
    const checked = await Promise.all(
      definitions.map(async (definition) => {
        try {
          return { definition, warnings: await this.selectorCheck.check(definition.indicator, this.clock.now()) };
        } catch (error) {
          if (error instanceof SloValidationError) {
            issues.push({ document: definition.document, path: indicatorPath(error.field), message: error.message });
            return { definition, warnings: [] };
          }
          throw error;
        }
      }),
    );
    if (issues.length > 0) throw new OpenSloImportError(issues);

    const saved = await this.dataSource.transaction(async (manager) => {
      const results: Array<{ id: string; action: 'created' | 'updated'; warnings: readonly SloWarning[] }> = [];
      for (const { definition, warnings } of checked) {
        const service = services.get(definition.service) as ServiceEntity;
        const existing = await manager.findOne(SloEntity, { where: { serviceId: service.id, name: definition.name } });
        const valid = importedDefinition(definition, existing?.policy ?? DEFAULT_SLO_POLICY);
        if (!existing) {
          const created = await manager.save(SloEntity, manager.create(SloEntity, { ...valid, serviceId: service.id, nextEvaluationAt: this.clock.now() }));
          results.push({ id: created.id, action: 'created', warnings });
          continue;
        }
        const indicatorChanged = JSON.stringify(valid.indicator) !== JSON.stringify(existing.indicator);
        await manager.update(
          SloEntity,
          { id: existing.id },
          {
            ...valid,
            claimToken: null,
            ...(indicatorChanged ? { bucketsFrom: null, bucketsUntil: null, lastGoodCounts: null } : {}),
          },
        );
        if (indicatorChanged) {
          await manager.query(`DELETE FROM slo_event_buckets WHERE slo_id = $1`, [existing.id]);
        }
        results.push({ id: existing.id, action: 'updated', warnings });
      }
      return results;
    });
    const imported: ImportedSlo[] = [];
    for (const result of saved) {
      imported.push({ slo: await this.evaluatedSlo(result.id), action: result.action, warnings: result.warnings });
    }
    return imported;
  }

  /** The Prometheus rule file (recording + multi-window burn-rate alerts) of the selected SLOs. */
  async renderRules(filter: { readonly team?: string; readonly service?: string } = {}): Promise<string> {
    const slos = await this.allSlos(filter);
    return renderPrometheusRules(
      slos.map((slo) => ({
        id: slo.id,
        name: slo.name,
        service: slo.service.slug,
        team: slo.service.team.slug,
        objective: slo.objective,
        window: `${slo.windowDays}d`,
        indicator: slo.indicator,
      })),
    );
  }

  /** A team's SLOs: worst state and budgets, smallest first. */
  async teamRollup(teamSlug: string): Promise<TeamSloRollup> {
    const team = await this.teams.getTeam(teamSlug);
    return rollupOf(team.slug, await this.allSlos({ team: team.slug }));
  }

  /** teamRollup of many teams with one query: one rollup per given slug, in the same order (empty for a team without SLOs). */
  async teamRollups(teamSlugs: readonly string[]): Promise<TeamSloRollup[]> {
    const slos = teamSlugs.length === 0 ? [] : await this.allSlos({ teams: [...new Set(teamSlugs)] });
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
    const rows = await this.slos.find({
      where: { id: In(ids) },
      select: { id: true, state: true, evaluatedAt: true, sli: true, errorBudgetRemaining: true, policy: true },
      relations: { service: false },
      loadEagerRelations: false,
    });
    return new Map(rows.map((row) => [row.id, { ...latestState(row), componentStatusOn: row.policy?.componentStatusOn ?? 'page' }]));
  }

  /** The SLOs with the least error budget left (evaluated ones only), optionally of one team. */
  async leastBudget(options: { readonly team?: string; readonly limit: number }): Promise<SloBudgetSummary[]> {
    const limit = Math.max(1, Math.min(Math.trunc(options.limit), 1000));
    const query = this.slos
      .createQueryBuilder('slo')
      .innerJoinAndSelect('slo.service', 'service')
      .innerJoinAndSelect('service.team', 'team')
      .where('slo.error_budget_remaining IS NOT NULL')
      .orderBy('slo.error_budget_remaining', 'ASC')
      .addOrderBy('slo.id', 'ASC')
      .take(limit);
    if (options.team !== undefined) query.andWhere('team.slug = :team', { team: options.team });
    return (await query.getMany()).map(budgetSummary);
  }

  private async evaluatedSlo(id: string): Promise<SloEntity> {
    if ((await this.evaluator.evaluateNow(id)) === 'not_found') throw new SloNotFoundError(id);
    return this.getSlo(id);
  }

  private async allSlos(filter: { readonly team?: string; readonly teams?: readonly string[]; readonly service?: string }): Promise<SloEntity[]> {
    const query = this.slos
      .createQueryBuilder('slo')
      .innerJoinAndSelect('slo.service', 'service')
      .innerJoinAndSelect('service.team', 'team')
      .orderBy('service.slug', 'ASC')
      .addOrderBy('slo.name', 'ASC');
    if (filter.team !== undefined) query.andWhere('team.slug = :team', { team: filter.team });
    if (filter.teams !== undefined) query.andWhere('team.slug IN (:...teams)', { teams: filter.teams });
    if (filter.service !== undefined) query.andWhere('service.slug = :service', { service: filter.service });
    return query.getMany();
  }

  private async resolveService(slug: string, field: string): Promise<ServiceEntity> {
    const [service] = await this.servicesBySlug([slug]);
    if (!service) throw new ValidationFailedError(`service '${slug}' does not exist`, { field, code: 'unknown_service' });
    return service;
  }

  private async servicesBySlug(slugs: readonly string[]): Promise<ServiceEntity[]> {
    const unique = [...new Set(slugs)];
    return unique.length === 0 ? [] : this.services.find({ where: { slug: In(unique) } });
  }

  private conflictOrRethrow(error: unknown, service: string, name: string): unknown {
    return isUniqueViolation(error) ? new ConflictError('slo_exists', `Service '${service}' already has an SLO named '${name}'`, { field: 'name' }) : error;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validateDefinition(input: SloDefinitionInput): ValidDefinition {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > MAX_NAME_LENGTH) {
    throw new SloValidationError('name', `name must be 1 to ${MAX_NAME_LENGTH} characters, got ${describeValue(input.name)}`);
  }
  return {
    name,
    description: input.description ?? null,
    objective: validateObjective(input.objective),
    windowDays: parseWindow(input.window).days,
    indicator: validateIndicator(input.indicator),
    policy: input.policy === undefined ? DEFAULT_SLO_POLICY : validatePolicy(input.policy),
  };
}

function importedDefinition(definition: ImportedSloDefinition, policy: SloPolicy): ValidDefinition {
  return {
    name: definition.name,
    description: definition.description ?? definition.displayName ?? null,
    objective: definition.objective,
    windowDays: parseWindow(definition.window).days,
    indicator: definition.indicator,
    policy,
  };
}

/** Where an indicator field lives in an OpenSLO SLO document (for import issues). */
function indicatorPath(field: string): string {
  const counter = /^indicator\.(total|bad|good)$/.exec(field)?.[1];
  return counter ? `spec.indicator.spec.ratioMetric.${counter}.metricSource.spec.query` : `spec.${field}`;
}

function latestState(slo: SloEntity): SloLatestState {
  return {
    sloId: slo.id,
    state: slo.state,
    evaluatedAt: slo.evaluatedAt,
    sli: slo.sli,
    errorBudgetRemaining: slo.errorBudgetRemaining,
  };
}

function budgetSummary(slo: SloEntity): SloBudgetSummary {
  return {
    ...latestState(slo),
    name: slo.name,
    service: slo.service.slug,
    team: slo.service.team.slug,
    objective: slo.objective,
    window: `${slo.windowDays}d`,
  };
}

function rollupOf(team: string, entities: readonly SloEntity[]): TeamSloRollup {
  const slos = entities.map(budgetSummary).sort(byBudgetAscending);
  const stateCounts: Record<string, number> = {};
  for (const slo of slos) {
    const key = slo.state ?? 'not_evaluated';
    stateCounts[key] = (stateCounts[key] ?? 0) + 1;
  }
  return { team, state: worstSloState(slos.map((slo) => slo.state)), stateCounts, slos };
}

function byBudgetAscending(a: SloBudgetSummary, b: SloBudgetSummary): number {
  if (a.errorBudgetRemaining === null || b.errorBudgetRemaining === null) {
    return a.errorBudgetRemaining === b.errorBudgetRemaining ? a.name.localeCompare(b.name) : a.errorBudgetRemaining === null ? 1 : -1;
  }
  return a.errorBudgetRemaining - b.errorBudgetRemaining || a.name.localeCompare(b.name);
}
