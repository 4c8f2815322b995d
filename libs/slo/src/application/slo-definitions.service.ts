import { sliceWithinWindow } from '../domain/timeslices';
import { Injectable, Optional } from '@nestjs/common';
import { assertCanActOnTeam, Principal, ReferenceOwnership, ServiceEntity } from '@app/catalog';
import { Clock, ConflictError, isUniqueViolation, NotFoundError, ValidationFailedError } from '@app/platform';
import { describeValue, SloNotFoundError, SloValidationError } from '../domain/errors';
import { validateIndicator } from '../domain/slo-indicator';
import { validateObjective } from '../domain/slo-math';
import { DEFAULT_SLO_POLICY, SloPolicy, validatePolicy } from '../domain/slo-policy';
import type { SloStatus } from '../domain/slo-status';
import { parseSloWindow, patchedTimeZone, sloWindowText } from '../domain/slo-window-columns';
import { SloEntity } from '../persistence/slo.entity';
import { SloDefinitionValues, SloRepository } from '../persistence/slo.repository';
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
  /** IANA time zone of a calendar window (default UTC). */
  readonly timeZone?: unknown;
}

export interface SloChangesInput {
  readonly name?: string;
  readonly description?: string | null;
  readonly objective?: unknown;
  readonly window?: unknown;
  readonly indicator?: unknown;
  readonly policy?: unknown;
  readonly timeZone?: unknown;
}

/** A saved SLO with what the user should know about it (unchecked or unknown selectors). */
export interface SavedSlo {
  readonly slo: SloEntity;
  readonly warnings: readonly SloWarning[];
}

const MAX_NAME_LENGTH = 200;

/**
 * SLO definitions: create, read, change, delete and evaluate-now, each checked
 * against the principal's team. Prometheus is asked only to check selectors
 * and, through the evaluator, right after a definition changes.
 */
@Injectable()
export class SloDefinitionsService {
  constructor(
    private readonly slos: SloRepository,
    private readonly selectorCheck: SloSelectorCheck,
    private readonly evaluator: SloEvaluator,
    private readonly clock: Clock,
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
      id = await this.slos.insert({ ...definition, serviceId: service.id, nextEvaluationAt: this.clock.now() });
    } catch (error) {
      throw conflictOrRethrow(error, service.slug, definition.name);
    }
    return { slo: await this.evaluatedSlo(id), warnings };
  }

  async getSlo(id: string): Promise<SloEntity> {
    const slo = await this.slos.findById(id);
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
      window: changes.window ?? sloWindowText(current),
      indicator: changes.indicator ?? current.indicator,
      policy: changes.policy ?? current.policy,
      timeZone: patchedTimeZone(current, changes),
    });
    this.metricLabels.assertConforms(current.service.team, definition.indicator);
    await this.assertOwnsPolicyComponent(principal, definition.policy, current.policy);
    const indicatorChanged = JSON.stringify(definition.indicator) !== JSON.stringify(current.indicator);
    const figuresChanged =
      indicatorChanged ||
      definition.objective !== current.objective ||
      definition.windowDays !== current.windowDays ||
      sloWindowText(definition) !== sloWindowText(current) ||
      definition.windowTimeZone !== current.windowTimeZone;
    const warnings = indicatorChanged ? await this.selectorCheck.check(definition.indicator, this.clock.now()) : [];
    try {
      await this.slos.updateDefinition(id, definition, { indicatorChanged, supersede: figuresChanged });
    } catch (error) {
      throw conflictOrRethrow(error, current.service.slug, definition.name);
    }
    return { slo: figuresChanged ? await this.evaluatedSlo(id) : await this.getSlo(id), warnings };
  }

  async deleteSlo(principal: Principal, id: string): Promise<void> {
    const slo = await this.getSlo(id);
    assertCanActOnTeam(principal, slo.service.teamId);
    await this.slos.delete(id);
  }

  /** Evaluates now (POST /evaluate) and returns the stored status. */
  async evaluateSlo(principal: Principal, id: string): Promise<{ readonly slo: SloEntity; readonly status: SloStatus }> {
    const slo = await this.getSlo(id);
    assertCanActOnTeam(principal, slo.service.teamId);
    const evaluated = await this.evaluatedSlo(id);
    if (!evaluated.status) throw new NotFoundError('SLO status', id);
    return { slo: evaluated, status: evaluated.status };
  }

  /** The ownership rule for `policy.statusComponentId`, when it names a component it did not name before. */
  private async assertOwnsPolicyComponent(principal: Principal, policy: SloPolicy, previous: SloPolicy | undefined): Promise<void> {
    const componentId = policy.statusComponentId;
    if (!componentId || componentId === previous?.statusComponentId || principal.kind === 'admin') return;
    if (!this.ownership) throw new Error('ReferenceOwnership is not provided: import CatalogModule where SloModule is used');
    await this.ownership.assertOwnsComponents(principal, [componentId], 'policy.statusComponentId');
  }

  private async evaluatedSlo(id: string): Promise<SloEntity> {
    if ((await this.evaluator.evaluateNow(id)) === 'not_found') throw new SloNotFoundError(id);
    return this.getSlo(id);
  }

  private async resolveService(slug: string, field: string): Promise<ServiceEntity> {
    const [service] = await this.slos.servicesBySlug([slug]);
    if (!service) throw new ValidationFailedError(`service '${slug}' does not exist`, { field, code: 'unknown_service' });
    return service;
  }
}

function validateDefinition(input: SloDefinitionInput): SloDefinitionValues {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name === '' || name.length > MAX_NAME_LENGTH) {
    throw new SloValidationError('name', `name must be 1 to ${MAX_NAME_LENGTH} characters, got ${describeValue(input.name)}`);
  }
  const window = parseSloWindow(input.window, input.timeZone);
  return {
    name,
    description: input.description ?? null,
    objective: validateObjective(input.objective),
    ...window,
    indicator: sliceWithinWindow(validateIndicator(input.indicator), `${window.windowDays}d`),
    policy: input.policy === undefined ? DEFAULT_SLO_POLICY : validatePolicy(input.policy),
  };
}

function conflictOrRethrow(error: unknown, service: string, name: string): unknown {
  return isUniqueViolation(error) ? new ConflictError('slo_exists', `Service '${service}' already has an SLO named '${name}'`, { field: 'name' }) : error;
}
