import { Injectable } from '@nestjs/common';
import { assertCanActOnTeam, Principal, TeamEntity, TeamsService } from '@app/catalog';
import { Clock } from '@app/platform';
import { describeValue, OpenSloImportIssue, SloNotFoundError, SloValidationError } from '../domain/errors';
import { SloAlertingSpec, SloSpecImportError, SpecSloDefinition } from '../domain/slo-spec-import';
import { DEFAULT_SLO_POLICY, SloPolicy } from '../domain/slo-policy';
import { parseSloWindow, SloWindowColumns, sloWindowText } from '../domain/slo-window-columns';
import { SloEntity } from '../persistence/slo.entity';
import { SloRepository } from '../persistence/slo.repository';
import { SloEvaluator } from './slo-evaluator';
import { SloSelectorCheck, SloWarning } from './slo-selector-check';
import { SloMetricLabels } from './slo-metric-labels';
import { SloSpecParser } from './slo-spec-parser';

export interface ApplySloSpecsOptions {
  /** Team slug: services named in the specs and missing in Ballast are created under it; prune acts on its SLOs. */
  readonly team?: string;
  /** Answer what would change, change nothing. */
  readonly dryRun?: boolean;
  /** Delete the team's SLOs absent from the input (needs `team`). */
  readonly prune?: boolean;
  /** Service for specs that name none (Pyrra). */
  readonly service?: string;
}

export type SpecAction = 'created' | 'updated' | 'unchanged' | 'deleted';

export interface AppliedSlo {
  readonly action: SpecAction;
  readonly service: string;
  readonly name: string;
  /** 0-based document of the input; absent for pruned SLOs. */
  readonly document?: number;
  /** The SLO as stored after the import (absent in a dry run for new SLOs, and for deleted ones). */
  readonly slo?: SloEntity;
  /** What the SLO would become (dry run) or became. */
  readonly definition?: { objective: number; window: string; indicator: unknown; description: string | null };
  readonly warnings: readonly SloWarning[];
  /** Existing SLO id (updates, deletes, unchanged). */
  readonly id?: string;
}

export interface SloSpecApplyResult {
  readonly dryRun: boolean;
  readonly services: ReadonlyArray<{ readonly slug: string; readonly team: string; readonly action: 'created' | 'existing' }>;
  readonly slos: readonly AppliedSlo[];
  /** What the specs hold that Ballast did not import as is (alert policies, notification targets, grouping). */
  readonly notes: readonly OpenSloImportIssue[];
}

const SERVICE_SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_NAME_LENGTH = 200;
/** Prometheus checks of an import run this many at a time. */
const CHECK_CONCURRENCY = 8;
/** Backfills after an import run this many at a time (each is one range query per 10,000 buckets). */
const EVALUATION_CONCURRENCY = 4;

/**
 * Applies SLO specs (OpenSLO, Sloth, Pyrra) as a whole, like `kubectl apply`:
 * every SLO is created, or updated when its service already has an SLO of that
 * name; with `prune`, the team's SLOs absent from the input are deleted; with
 * `team`, services the specs name and Ballast lacks are created under it. Any
 * problem rejects the whole input with every problem listed and nothing
 * stored. `dryRun` answers the same plan without writing.
 */
@Injectable()
export class SloSpecApplyService {
  constructor(
    private readonly slos: SloRepository,
    private readonly teams: TeamsService,
    private readonly selectorCheck: SloSelectorCheck,
    private readonly evaluator: SloEvaluator,
    private readonly clock: Clock,
    private readonly parser: SloSpecParser,
    private readonly metricLabels: SloMetricLabels,
  ) {}

  async apply(principal: Principal, text: string, options: ApplySloSpecsOptions = {}): Promise<SloSpecApplyResult> {
    if (options.prune === true && options.team === undefined) {
      throw new SloValidationError('prune', 'prune=true needs team=<slug>: pruning deletes the SLOs of that team that the input does not define');
    }
    let team: TeamEntity | undefined;
    if (options.team !== undefined) {
      team = await this.teams.getTeam(options.team).catch((error: unknown) => {
        throw new SloValidationError('team', `team ${describeValue(options.team)} does not exist`, { cause: error });
      });
      assertCanActOnTeam(principal, team.id);
    }
    // Off the event loop, within a time limit (a worker thread): see SloSpecParser.
    const specs = await this.parser.parse(text, { defaultService: options.service });
    const issues: OpenSloImportIssue[] = [];
    const issue = (slo: SpecSloDefinition, key: string, message: string): void => {
      const path = slo.sourcePaths[key] ?? (slo.path === '' ? 'spec' : slo.path);
      issues.push({ document: slo.document, path, message });
    };

    // Services: existing ones, and those to create under ?team=.
    const slugs = [...new Set(specs.slos.map((slo) => slo.service))];
    const existing = new Map((slugs.length === 0 ? [] : await this.slos.servicesBySlug(slugs)).map((service) => [service.slug, service]));
    const toCreate = new Map<string, { slug: string; name: string }>();
    for (const slo of specs.slos) {
      const service = existing.get(slo.service);
      if (service === undefined) {
        if (team === undefined) {
          issue(slo, 'service', `service ${describeValue(slo.service)} does not exist in Ballast (import with ?team=<slug> to create it)`);
        } else if (!SERVICE_SLUG.test(slo.service)) {
          issue(slo, 'service', `service ${describeValue(slo.service)} cannot be created: a service slug is 1-63 lowercase letters, digits or dashes`);
        } else if (!toCreate.has(slo.service)) {
          const declared = specs.services.find((candidate) => candidate.name === slo.service);
          toCreate.set(slo.service, { slug: slo.service, name: (declared?.displayName ?? slo.service).slice(0, 200) });
        }
      } else if (team !== undefined && service.teamId !== team.id) {
        issue(slo, 'service', `service ${describeValue(slo.service)} belongs to team ${describeValue(service.team.slug)}, not ${describeValue(team.slug)}`);
      }
      if (slo.name.trim() === '' || slo.name.length > MAX_NAME_LENGTH) {
        issues.push({
          document: slo.document,
          path: slo.path === '' ? 'metadata.name' : `${slo.path}.name`,
          message: `must be 1 to ${MAX_NAME_LENGTH} characters`,
        });
      }
    }
    if (issues.length > 0) throw new SloSpecImportError(issues);
    // Isolation: a team token acts on its own team's services only (403 before anything is checked or written).
    for (const slo of specs.slos) {
      const service = existing.get(slo.service);
      if (service !== undefined) assertCanActOnTeam(principal, service.teamId);
    }
    // Required metric labels of each SLO's team (403 listing every document, before Prometheus is asked).
    this.metricLabels.assertNoIssues(
      specs.slos.flatMap((slo) => {
        const owner = existing.get(slo.service)?.team ?? team;
        if (owner === undefined) return [];
        return this.metricLabels.documentIssues(slo.document, owner, slo.indicator, (field) => {
          const key = field.replace(/^indicator\./, '');
          return slo.sourcePaths[key] ?? (slo.path === '' ? 'spec' : slo.path);
        });
      }),
    );

    // Ask Prometheus about every query (bounded concurrency); rejected queries reject the import.
    const warnings = new Map<SpecSloDefinition, SloWarning[]>();
    const now = this.clock.now();
    await forEachLimited(specs.slos, CHECK_CONCURRENCY, async (slo) => {
      try {
        warnings.set(slo, await this.selectorCheck.check(slo.indicator, now));
      } catch (error) {
        if (!(error instanceof SloValidationError)) throw error;
        const key = error.field.replace(/^indicator\./, '');
        issue(slo, key, error.message.replace(/^indicator\./, ''));
        warnings.set(slo, []);
      }
    });
    if (issues.length > 0) throw new SloSpecImportError(issues.sort((a, b) => a.document - b.document));

    // The plan: per SLO created / updated / unchanged; pruned ones deleted.
    const serviceIds = [...existing.values()].map((service) => service.id);
    const current = await this.slos.ofServices(serviceIds);
    const currentByKey = new Map(current.map((slo) => [`${slo.service.slug}/${slo.name}`, slo]));
    const planned = specs.slos.map((slo) => {
      const stored = currentByKey.get(`${slo.service}/${slo.name}`);
      const values = storedValues(slo, stored?.policy ?? DEFAULT_SLO_POLICY);
      const action: SpecAction = stored === undefined ? 'created' : sameDefinition(stored, values) ? 'unchanged' : 'updated';
      return { slo, stored, values, action };
    });
    const pruned: SloEntity[] = [];
    if (options.prune === true && team !== undefined) {
      const kept = new Set(specs.slos.map((slo) => `${slo.service}/${slo.name}`));
      const teamSlos = await this.slos.ofTeam(team.id);
      pruned.push(...teamSlos.filter((slo) => !kept.has(`${slo.service.slug}/${slo.name}`)));
    }
    const servicesOut = [
      ...[...toCreate.values()].map((service) => ({ slug: service.slug, team: team?.slug ?? '', action: 'created' as const })),
      ...slugs.filter((slug) => existing.has(slug)).map((slug) => ({ slug, team: existing.get(slug)?.team.slug ?? '', action: 'existing' as const })),
    ];

    if (options.dryRun === true) {
      return {
        dryRun: true,
        services: servicesOut,
        slos: [
          ...planned.map(({ slo, stored, values, action }) => ({
            action,
            service: slo.service,
            name: slo.name,
            document: slo.document,
            ...(stored !== undefined ? { id: stored.id } : {}),
            definition: { objective: values.objective, window: sloWindowText(values), indicator: values.indicator, description: values.description },
            warnings: warnings.get(slo) ?? [],
          })),
          ...pruned.map((slo) => ({ action: 'deleted' as const, service: slo.service.slug, name: slo.name, id: slo.id, warnings: [] })),
        ],
        notes: specs.notes,
      };
    }

    const written = await this.slos.writeSpecs({
      teamId: team?.id,
      newServices: [...toCreate.values()],
      serviceIds: new Map([...existing.values()].map((service) => [service.slug, service.id])),
      slos: planned.map(({ slo, stored, values, action }) => ({
        service: slo.service,
        ...(stored !== undefined ? { storedId: stored.id } : {}),
        values,
        changed: action !== 'unchanged',
        indicatorChanged: stored !== undefined && canonicalJson(values.indicator) !== canonicalJson(stored.indicator),
      })),
      deleteIds: pruned.map((slo) => slo.id),
      nextEvaluationAt: this.clock.now(),
    });

    // Backfill and evaluate what changed before answering, a few SLOs at a time.
    const applied: AppliedSlo[] = new Array(planned.length);
    await forEachLimited([...planned.entries()], EVALUATION_CONCURRENCY, async ([index, { slo, action }]) => {
      const id = written[index];
      if (action !== 'unchanged' && (await this.evaluator.evaluateNow(id)) === 'not_found') throw new SloNotFoundError(id);
      const stored = await this.slos.findById(id);
      if (!stored) throw new SloNotFoundError(id);
      applied[index] = { action, service: slo.service, name: slo.name, document: slo.document, id, slo: stored, warnings: warnings.get(slo) ?? [] };
    });
    for (const slo of pruned) {
      applied.push({ action: 'deleted', service: slo.service.slug, name: slo.name, id: slo.id, warnings: [] });
    }
    return { dryRun: false, services: servicesOut, slos: applied, notes: specs.notes };
  }
}

interface StoredValues extends SloWindowColumns {
  readonly name: string;
  readonly description: string | null;
  readonly objective: number;
  readonly indicator: SpecSloDefinition['indicator'];
  readonly policy: SloPolicy;
  readonly alerting: SloAlertingSpec | null;
}

function storedValues(slo: SpecSloDefinition, policy: SloPolicy): StoredValues {
  return {
    name: slo.name,
    description: slo.description ?? null,
    objective: slo.objective,
    ...parseSloWindow(slo.window, slo.timeZone),
    indicator: slo.indicator,
    policy: slo.policy === undefined ? policy : { ...policy, ...slo.policy },
    alerting: slo.alerting !== undefined && Object.keys(slo.alerting).length > 0 ? slo.alerting : null,
  };
}

function sameDefinition(stored: SloEntity, values: StoredValues): boolean {
  return (
    stored.description === values.description &&
    stored.objective === values.objective &&
    stored.windowDays === values.windowDays &&
    stored.windowCalendar === values.windowCalendar &&
    stored.windowTimeZone === values.windowTimeZone &&
    canonicalJson(stored.indicator) === canonicalJson(values.indicator) &&
    canonicalJson(stored.policy) === canonicalJson(values.policy) &&
    canonicalJson(stored.alerting ?? null) === canonicalJson(values.alerting)
  );
}

/** JSON with sorted keys: jsonb does not keep the order keys were written in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

async function forEachLimited<T>(items: readonly T[], limit: number, action: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await action(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
