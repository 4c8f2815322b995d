import { describeValue, OpenSloImportError, OpenSloImportIssue, SloValidationError } from './errors';
import { readYamlDocuments } from './openslo-import';
import { parseSeriesSelector, selectorMetricName, formatSeriesSelector } from './promql-selector';
import { isPromqlTemplate } from './promql-template';
import { SloIndicator, validateIndicator } from './slo-indicator';
import { validateObjective } from './slo-math';
import { SLO_POLICY_SEVERITIES, SloPolicySeverity } from './slo-policy';
import { MAX_WINDOW_DAYS } from './slo-window';

/*
 * Importing the SLO specs teams already have
 * ------------------------------------------
 * One YAML text may hold several documents (`---`), and a document may be a
 * YAML list of objects (what oslo and the OpenSLO Go SDK accept); every object
 * is numbered in reading order: "document N" in every message.
 *
 * Formats, recognised per object:
 * - OpenSLO `openslo/v1`: SLO, SLI, Service, DataSource, AlertPolicy,
 *   AlertCondition, AlertNotificationTarget;
 * - OpenSLO `openslo/v1alpha`: SLO (ratioMetrics per objective), Service;
 * - Sloth `prometheus/v1` (top-level `version:`) and `sloth.slok.dev/v1`
 *   PrometheusServiceLevel;
 * - Pyrra `pyrra.dev/v1alpha1` ServiceLevelObjective (ratio, latency, bool_gauge).
 *
 * Only what Ballast measures from Prometheus is imported: other data sources
 * are refused naming the document, the field and the data source. Alert
 * policies are mapped onto the SLO's policy where they fit and reported
 * otherwise; nothing is silently dropped.
 */

/** An SLO read from a spec, before it is bound to a Ballast service. */
export interface SpecSloDefinition {
  readonly document: number;
  /** Path of the SLO inside its document (`spec.slos[1]` for Sloth; empty otherwise). */
  readonly path: string;
  readonly format: SpecFormat;
  readonly name: string;
  readonly description?: string;
  readonly service: string;
  readonly objective: number;
  readonly window: string;
  readonly indicator: SloIndicator;
  /** Policy fields taken from the spec's alerting (AlertPolicy, Sloth page alerts). */
  readonly policy?: { readonly openIncident: boolean; readonly severity?: SloPolicySeverity };
  /** Sloth alert name and extra labels, kept for the Sloth rule export. */
  readonly alerting?: SloAlertingSpec;
  /** Where each indicator field (`total`, `badQuery`, `histogram`…) and the service came from in the document. */
  readonly sourcePaths: Readonly<Record<string, string>>;
}

/** Per-SLO alert naming for exported rules (Sloth's `alerting` block). */
export interface SloAlertingSpec {
  readonly name?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly pageLabels?: Readonly<Record<string, string>>;
  readonly ticketLabels?: Readonly<Record<string, string>>;
}

export interface SpecServiceDefinition {
  readonly document: number;
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
}

export type SpecFormat = 'openslo/v1' | 'openslo/v1alpha' | 'sloth/prometheus/v1' | 'sloth/sloth.slok.dev/v1' | 'pyrra/v1alpha1';

export interface SpecImport {
  readonly slos: readonly SpecSloDefinition[];
  /** Service documents (OpenSLO) and services named by SLOs. */
  readonly services: readonly SpecServiceDefinition[];
  /** What was read but not imported, or imported approximately (alert policies, notification targets). */
  readonly notes: readonly OpenSloImportIssue[];
}

export interface SpecImportOptions {
  /** Service for specs that have none (Pyrra). */
  readonly defaultService?: string;
}

/** Sloth's default SLO period (`--default-slo-period`). */
export const SLOTH_DEFAULT_WINDOW = '30d';
/** Most SLOs one import creates or updates (several objectives count once each). */
export const MAX_IMPORTED_SLOS = 2000;

/** An import issue whose `field` names the first problem, for the one error shape `{error, message, field}`. */
export class SloSpecImportError extends OpenSloImportError {
  override readonly field: string;

  constructor(issues: readonly OpenSloImportIssue[]) {
    super(issues);
    this.name = 'SloSpecImportError';
    const first = issues[0];
    this.field = first === undefined ? 'yaml' : first.path === '' ? `document ${first.document}` : `document ${first.document} ${first.path}`;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Named<T> {
  readonly document: number;
  readonly path: string;
  readonly value: T;
}

/** Reads every SLO of a YAML text in any supported format; all or nothing. */
export function importSloSpecs(text: string, options: SpecImportOptions = {}): SpecImport {
  let contents: Array<Json | undefined>;
  try {
    contents = readYamlDocuments(text) as Array<Json | undefined>;
  } catch (error) {
    if (error instanceof OpenSloImportError) throw new SloSpecImportError(error.issues);
    throw error;
  }
  const objects: Json[] = [];
  for (const content of contents) {
    if (content === undefined || content === null) continue;
    if (Array.isArray(content)) objects.push(...content);
    else objects.push(content);
  }
  const reader = new SpecReader(objects, options);
  const result = reader.read();
  if (reader.issues.length > 0) {
    throw new SloSpecImportError(withoutDuplicates(reader.issues));
  }
  if (result.slos.length === 0) {
    throw new SloSpecImportError([{ document: 0, path: '', message: 'the file contains no SLO (OpenSLO SLO, Sloth or Pyrra spec)' }]);
  }
  if (result.slos.length > MAX_IMPORTED_SLOS) {
    throw new SloSpecImportError([{ document: 0, path: '', message: `the file defines ${result.slos.length} SLOs; at most ${MAX_IMPORTED_SLOS} per import` }]);
  }
  return result;
}

const OPENSLO_KINDS = ['SLO', 'SLI', 'Service', 'DataSource', 'AlertPolicy', 'AlertCondition', 'AlertNotificationTarget'];

class SpecReader {
  readonly issues: OpenSloImportIssue[] = [];
  private readonly notes: OpenSloImportIssue[] = [];
  private document = 0;
  private readonly slis = new Map<string, Named<Json | undefined>>();
  private readonly dataSources = new Map<string, Named<JsonObject>>();
  private readonly alertPolicies = new Map<string, Named<JsonObject>>();
  private readonly alertConditions = new Map<string, Named<JsonObject>>();
  private readonly services: SpecServiceDefinition[] = [];
  /** Source paths of the indicator fields read last (set by ratioIndicator/pyrraLatency). */
  private lastPaths: Record<string, string> = {};

  constructor(
    private readonly objects: readonly Json[],
    private readonly options: SpecImportOptions,
  ) {}

  read(): SpecImport {
    // First pass: the named documents SLOs may refer to.
    this.objects.forEach((object, index) => {
      this.document = index;
      if (!isObject(object)) {
        this.report('', "a document must be a mapping (apiVersion, kind, metadata, spec), or Sloth's version/service/slos");
        return;
      }
      const apiVersion = object.apiVersion;
      if (apiVersion !== 'openslo/v1' && apiVersion !== 'openslo/v1alpha') return;
      const name = isObject(object.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : undefined;
      const named = <T>(map: Map<string, Named<T>>, value: T, kind: string): void => {
        if (name === undefined) {
          this.report('metadata.name', 'is required');
          return;
        }
        const first = map.get(name);
        if (first !== undefined) {
          this.report('metadata.name', `${kind} name ${describeValue(name)} is already used by document ${first.document}`);
          return;
        }
        map.set(name, { document: index, path: '', value });
      };
      switch (object.kind) {
        case 'SLI':
          named(this.slis, object.spec, 'SLI');
          break;
        case 'DataSource':
          if (isObject(object.spec)) named(this.dataSources, object.spec, 'DataSource');
          else this.report('spec', object.spec === undefined ? 'is required' : 'must be a mapping');
          break;
        case 'AlertPolicy':
          if (isObject(object.spec)) named(this.alertPolicies, object.spec, 'AlertPolicy');
          break;
        case 'AlertCondition':
          if (isObject(object.spec)) named(this.alertConditions, object.spec, 'AlertCondition');
          break;
        default:
          break;
      }
    });

    const slos: SpecSloDefinition[] = [];
    this.objects.forEach((object, index) => {
      this.document = index;
      if (!isObject(object)) return;
      slos.push(...this.readObject(object));
    });
    const seen = new Map<string, SpecSloDefinition>();
    for (const slo of slos) {
      const key = `${slo.service}/${slo.name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        this.issues.push({
          document: slo.document,
          path: slo.path === '' ? 'metadata.name' : `${slo.path}.name`,
          message: `SLO ${describeValue(slo.name)} of service ${describeValue(slo.service)} is already defined by document ${first.document}`,
        });
      } else {
        seen.set(key, slo);
      }
    }
    return { slos, services: this.services, notes: this.notes };
  }

  private readObject(object: JsonObject): SpecSloDefinition[] {
    if (object.version !== undefined && object.apiVersion === undefined) {
      return this.slothPrometheusV1(object);
    }
    switch (object.apiVersion) {
      case 'openslo/v1':
        return this.openSloV1(object);
      case 'openslo/v1alpha':
        return this.openSloV1alpha(object);
      case 'sloth.slok.dev/v1':
        return this.slothKubernetes(object);
      case 'pyrra.dev/v1alpha1':
        return this.pyrra(object);
      default:
        this.report(
          'apiVersion',
          `must be openslo/v1, openslo/v1alpha, sloth.slok.dev/v1 or pyrra.dev/v1alpha1 (or a Sloth prometheus/v1 file with "version"), got ${describeValue(object.apiVersion)}`,
        );
        return [];
    }
  }

  // ---- OpenSLO v1 -------------------------------------------------------

  private openSloV1(object: JsonObject): SpecSloDefinition[] {
    this.checkFields(object, '', ['apiVersion', 'kind', 'metadata', 'spec']);
    if (!OPENSLO_KINDS.includes(String(object.kind))) {
      this.report('kind', `must be one of ${OPENSLO_KINDS.join(', ')}, got ${describeValue(object.kind)}`);
      return [];
    }
    const metadata = this.object(object.metadata, 'metadata');
    const name = metadata === undefined ? undefined : this.metadataName(metadata);
    switch (object.kind) {
      case 'Service': {
        const spec = object.spec === undefined ? {} : this.object(object.spec, 'spec');
        if (name !== undefined && spec !== undefined) {
          this.checkFields(spec, 'spec', ['description']);
          this.services.push({
            document: this.document,
            name,
            ...(typeof metadata?.displayName === 'string' ? { displayName: metadata.displayName } : {}),
            ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
          });
        }
        return [];
      }
      case 'DataSource': {
        const spec = this.object(object.spec, 'spec');
        if (spec !== undefined) {
          this.checkFields(spec, 'spec', ['description', 'type', 'connectionDetails']);
          this.requiredString(spec.type, 'spec.type');
        }
        return [];
      }
      case 'AlertNotificationTarget':
        this.note('', `notification target ${describeValue(name)} is not imported: Ballast notifies through the team's Slack channel and on-call`);
        return [];
      case 'AlertCondition':
      case 'AlertPolicy':
      case 'SLI':
        return []; // read when an SLO refers to them
      default:
        break;
    }
    const spec = this.object(object.spec, 'spec');
    if (spec === undefined || name === undefined) return [];
    this.checkFields(spec, 'spec', ['description', 'service', 'indicator', 'indicatorRef', 'timeWindow', 'budgetingMethod', 'objectives', 'alertPolicies']);
    const service = this.requiredString(spec.service, 'spec.service');
    const description =
      this.optionalString(spec.description, 'spec.description') ?? (typeof metadata?.displayName === 'string' ? metadata.displayName : undefined);
    const window = this.openSloV1Window(spec.timeWindow);
    this.budgetingMethod(spec.budgetingMethod, 'spec.budgetingMethod');
    const sloIndicator = spec.indicator !== undefined || spec.indicatorRef !== undefined ? this.v1Indicator(spec, 'spec') : undefined;
    const sloPaths = this.lastPaths;
    const policy = this.v1AlertPolicies(spec.alertPolicies);
    const objectives = this.list(spec.objectives, 'spec.objectives');
    if (objectives === undefined) return [];
    if (objectives.length === 0) {
      this.report('spec.objectives', 'needs at least one objective');
      return [];
    }
    const slos: SpecSloDefinition[] = [];
    objectives.forEach((value, index) => {
      const path = `spec.objectives[${index}]`;
      const objective = this.object(value, path);
      if (objective === undefined) return;
      this.checkFields(objective, path, [
        'displayName',
        'target',
        'targetPercent',
        'indicator',
        'indicatorRef',
        'op',
        'value',
        'timeSliceTarget',
        'timeSliceWindow',
        'compositeWeight',
      ]);
      if (objective.op !== undefined || objective.value !== undefined) {
        this.report(`${path}.op`, 'threshold objectives (op/value on a thresholdMetric) are not supported yet; use a ratioMetric');
      }
      if (objective.timeSliceTarget !== undefined || objective.timeSliceWindow !== undefined) {
        this.report(`${path}.timeSliceTarget`, 'Timeslices budgeting is not supported yet; use Occurrences');
      }
      if (objective.compositeWeight !== undefined) {
        this.report(`${path}.compositeWeight`, 'composite SLOs are not supported');
      }
      const ownIndicator = objective.indicator !== undefined || objective.indicatorRef !== undefined;
      this.lastPaths = sloPaths;
      const indicator = ownIndicator ? this.v1Indicator(objective, path) : sloIndicator;
      const sourcePaths = { ...this.lastPaths, service: 'spec.service' };
      if (
        indicator === undefined &&
        spec.indicator === undefined &&
        spec.indicatorRef === undefined &&
        objective.indicator === undefined &&
        objective.indicatorRef === undefined
      ) {
        this.report('spec.indicator', 'is required (or spec.indicatorRef, or an indicator per objective)');
      }
      const target = this.target(objective, path);
      const objectiveName = objectives.length === 1 ? name : `${name}-${this.objectiveKey(objective, index)}`;
      if (service === undefined || window === undefined || indicator === undefined || target === undefined) return;
      slos.push({
        document: this.document,
        path: '',
        format: 'openslo/v1',
        name: objectiveName,
        ...(description !== undefined ? { description } : {}),
        service,
        objective: target,
        window,
        indicator,
        ...(policy !== undefined ? { policy } : {}),
        sourcePaths,
      });
    });
    return slos;
  }

  /** `<name>-<objective>`: the objective's displayName as a slug, else its index. */
  private objectiveKey(objective: JsonObject, index: number): string {
    if (typeof objective.displayName === 'string') {
      const slug = objective.displayName
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '');
      if (slug !== '') return slug;
    }
    return String(index);
  }

  private v1Indicator(owner: JsonObject, path: string): SloIndicator | undefined {
    if (owner.indicator !== undefined && owner.indicatorRef !== undefined) {
      this.report(`${path}.indicatorRef`, `set either ${path}.indicator or ${path}.indicatorRef, not both`);
      return undefined;
    }
    if (owner.indicatorRef !== undefined) {
      const reference = this.requiredString(owner.indicatorRef, `${path}.indicatorRef`);
      if (reference === undefined) return undefined;
      const sli = this.slis.get(reference);
      if (sli === undefined) {
        this.report(`${path}.indicatorRef`, `no SLI document named ${describeValue(reference)} in this file`);
        return undefined;
      }
      return this.inDocument(sli.document, () => this.v1SliSpec(sli.value, 'spec'));
    }
    const inline = this.object(owner.indicator, `${path}.indicator`);
    if (inline === undefined) return undefined;
    this.checkFields(inline, `${path}.indicator`, ['metadata', 'spec']);
    return this.v1SliSpec(inline.spec, `${path}.indicator.spec`);
  }

  private v1SliSpec(value: Json | undefined, path: string): SloIndicator | undefined {
    const spec = this.object(value, path);
    if (spec === undefined) return undefined;
    this.checkFields(spec, path, ['description', 'ratioMetric', 'thresholdMetric']);
    if (spec.thresholdMetric !== undefined) {
      const query = this.v1MetricSource(spec.thresholdMetric, `${path}.thresholdMetric`);
      if (query !== undefined) {
        this.report(
          `${path}.thresholdMetric`,
          'threshold metrics (with op/value and Timeslices) are not supported yet; use a ratioMetric of good or bad and total events',
        );
      }
      return undefined;
    }
    const ratioPath = `${path}.ratioMetric`;
    const ratio = this.object(spec.ratioMetric, ratioPath);
    if (ratio === undefined) return undefined;
    this.checkFields(ratio, ratioPath, ['counter', 'good', 'bad', 'total', 'raw', 'rawType']);
    if (ratio.raw !== undefined || ratio.rawType !== undefined) {
      this.report(`${ratioPath}.raw`, 'raw ratio metrics are not supported; use good or bad with total');
      return undefined;
    }
    if (ratio.counter !== undefined && typeof ratio.counter !== 'boolean') {
      this.report(`${ratioPath}.counter`, `must be true or false, got ${describeValue(ratio.counter)}`);
    }
    if ((ratio.good === undefined) === (ratio.bad === undefined)) {
      this.report(ratio.good === undefined ? `${ratioPath}.good` : `${ratioPath}.bad`, 'set exactly one of good or bad besides total');
      return undefined;
    }
    const goodOrBad = ratio.good !== undefined ? 'good' : 'bad';
    const total = this.v1MetricSource(ratio.total, `${ratioPath}.total`);
    const part = this.v1MetricSource(ratio[goodOrBad], `${ratioPath}.${goodOrBad}`);
    if (total === undefined || part === undefined) return undefined;
    return this.ratioIndicator(total, part, goodOrBad, ratio.counter !== false, ratioPath);
  }

  /** The Prometheus query of a v1 metric source (inline, or through metricSourceRef to a DataSource). */
  private v1MetricSource(value: Json | undefined, path: string): Located | undefined {
    const metric = this.object(value, path);
    if (metric === undefined) return undefined;
    this.checkFields(metric, path, ['metricSource']);
    const sourcePath = `${path}.metricSource`;
    const source = this.object(metric.metricSource, sourcePath);
    if (source === undefined) return undefined;
    this.checkFields(source, sourcePath, ['metricSourceRef', 'type', 'spec']);
    let type: string | undefined;
    let typeField = `${sourcePath}.type`;
    if (source.metricSourceRef !== undefined) {
      const reference = this.requiredString(source.metricSourceRef, `${sourcePath}.metricSourceRef`);
      if (reference === undefined) return undefined;
      const dataSource = this.dataSources.get(reference);
      if (dataSource === undefined) {
        this.report(`${sourcePath}.metricSourceRef`, `no DataSource document named ${describeValue(reference)} in this file`);
        return undefined;
      }
      type = typeof dataSource.value.type === 'string' ? dataSource.value.type : undefined;
      typeField = `${sourcePath}.metricSourceRef`;
      if (source.type !== undefined && typeof source.type === 'string' && type !== undefined && source.type.toLowerCase() !== type.toLowerCase()) {
        this.report(`${sourcePath}.type`, `is ${describeValue(source.type)} but DataSource ${describeValue(reference)} is ${describeValue(type)}`);
        return undefined;
      }
      if (type === undefined) return undefined; // reported on the DataSource document
    } else {
      type = this.requiredString(source.type, `${sourcePath}.type`);
      if (type === undefined) return undefined;
    }
    if (type.toLowerCase() !== 'prometheus') {
      this.report(typeField, `data source ${describeValue(type)} cannot be measured by Ballast, which reads Prometheus (or a PromQL-compatible API) only`);
      return undefined;
    }
    const specPath = `${sourcePath}.spec`;
    const sourceSpec = this.object(source.spec, specPath);
    if (sourceSpec === undefined) return undefined;
    this.checkFields(sourceSpec, specPath, ['query', 'promql']);
    const field = sourceSpec.query !== undefined ? 'query' : 'promql';
    const query = this.requiredString(sourceSpec[field], `${specPath}.query`);
    return query === undefined ? undefined : { text: query.trim(), path: `${specPath}.${field}` };
  }

  private openSloV1Window(value: Json | undefined): string | undefined {
    const windows = this.list(value, 'spec.timeWindow');
    if (windows === undefined) return undefined;
    if (windows.length !== 1) {
      this.report('spec.timeWindow', `needs exactly one time window, got ${windows.length}`);
      return undefined;
    }
    const path = 'spec.timeWindow[0]';
    const window = this.object(windows[0], path);
    if (window === undefined) return undefined;
    this.checkFields(window, path, ['duration', 'isRolling', 'calendar']);
    const duration = this.requiredString(window.duration, `${path}.duration`);
    if (window.isRolling === false || window.calendar !== undefined) {
      this.report(
        window.calendar !== undefined ? `${path}.calendar` : `${path}.isRolling`,
        'calendar-aligned windows are not supported yet; use a rolling window (isRolling: true)',
      );
      return undefined;
    }
    if (window.isRolling !== undefined && window.isRolling !== true) {
      this.report(`${path}.isRolling`, `must be true or false, got ${describeValue(window.isRolling)}`);
    }
    return duration === undefined ? undefined : this.rollingDays(duration, `${path}.duration`);
  }

  private v1AlertPolicies(value: Json | undefined): SpecSloDefinition['policy'] | undefined {
    if (value === undefined) return undefined;
    const policies = this.list(value, 'spec.alertPolicies');
    if (policies === undefined || policies.length === 0) return undefined;
    let policy: { openIncident: boolean; severity?: SloPolicySeverity } | undefined;
    policies.forEach((entry, index) => {
      const path = `spec.alertPolicies[${index}]`;
      let spec: JsonObject | undefined;
      let policyName: string | undefined;
      if (typeof entry === 'string' || (isObject(entry) && entry.alertPolicyRef !== undefined)) {
        policyName = typeof entry === 'string' ? entry : this.requiredString(entry.alertPolicyRef, `${path}.alertPolicyRef`);
        const found = policyName === undefined ? undefined : this.alertPolicies.get(policyName);
        if (policyName !== undefined && found === undefined) {
          this.report(typeof entry === 'string' ? path : `${path}.alertPolicyRef`, `no AlertPolicy document named ${describeValue(policyName)} in this file`);
          return;
        }
        spec = found?.value;
      } else if (isObject(entry)) {
        this.checkFields(entry, path, ['kind', 'metadata', 'spec']);
        policyName = isObject(entry.metadata) && typeof entry.metadata.name === 'string' ? entry.metadata.name : `#${index}`;
        spec = this.object(entry.spec, `${path}.spec`);
      } else {
        this.report(path, `must be an AlertPolicy name, {alertPolicyRef} or an inline AlertPolicy, got ${describeValue(entry)}`);
        return;
      }
      if (spec === undefined) return;
      const mapped = this.alertPolicy(spec, path, policyName ?? `#${index}`);
      if (mapped !== undefined && (policy === undefined || severityRank(mapped.severity) < severityRank(policy.severity))) {
        policy = mapped;
      }
    });
    return policy;
  }

  /**
   * An alert policy maps to "open an incident" with the condition's severity
   * when it alerts on the burn rate; its thresholds are reported, because
   * Ballast alerts with the SRE Workbook's multi-window tiers.
   */
  private alertPolicy(spec: JsonObject, path: string, name: string): { openIncident: boolean; severity?: SloPolicySeverity } | undefined {
    const conditions = Array.isArray(spec.conditions) ? spec.conditions : [];
    let severity: SloPolicySeverity | undefined;
    let burnRate = false;
    conditions.forEach((entry, index) => {
      let condition: JsonObject | undefined;
      if (isObject(entry) && entry.conditionRef !== undefined) {
        const reference = String(entry.conditionRef);
        condition = this.alertConditions.get(reference)?.value;
        if (condition === undefined) {
          this.report(`${path}.conditions[${index}].conditionRef`, `no AlertCondition document named ${describeValue(reference)} in this file`);
          return;
        }
      } else if (isObject(entry)) {
        condition = isObject(entry.spec) ? entry.spec : undefined;
      }
      if (condition === undefined) return;
      const kind = isObject(condition.condition) ? condition.condition.kind : undefined;
      if (kind === 'burnrate' || kind === 'burnRate') {
        burnRate = true;
        const threshold = isObject(condition.condition) ? condition.condition.threshold : undefined;
        const lookback = isObject(condition.condition) ? condition.condition.lookbackWindow : undefined;
        this.note(
          path,
          `alert policy ${describeValue(name)}: burn rate ${describeValue(threshold)} over ${describeValue(lookback)} is covered by Ballast's multi-window burn-rate tiers (page 14.4×/6×, ticket 3×/1× for 30 days)`,
        );
      } else {
        this.note(path, `alert policy ${describeValue(name)}: condition kind ${describeValue(kind)} is not mapped; Ballast alerts on burn rate`);
      }
      severity ??= mapSeverity(condition.severity);
    });
    if (!burnRate) {
      this.note(path, `alert policy ${describeValue(name)} has no burn-rate condition; it is not mapped`);
      return undefined;
    }
    return { openIncident: true, ...(severity !== undefined ? { severity } : {}) };
  }

  // ---- OpenSLO v1alpha ---------------------------------------------------

  private openSloV1alpha(object: JsonObject): SpecSloDefinition[] {
    this.checkFields(object, '', ['apiVersion', 'kind', 'metadata', 'spec']);
    const metadata = this.object(object.metadata, 'metadata');
    const name = metadata === undefined ? undefined : this.metadataName(metadata);
    if (object.kind === 'Service') {
      if (name !== undefined) {
        const spec = isObject(object.spec) ? object.spec : {};
        this.services.push({
          document: this.document,
          name,
          ...(typeof metadata?.displayName === 'string' ? { displayName: metadata.displayName } : {}),
          ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
        });
      }
      return [];
    }
    if (object.kind !== 'SLO') {
      this.report('kind', `openslo/v1alpha documents must be SLO or Service, got ${describeValue(object.kind)}`);
      return [];
    }
    const spec = this.object(object.spec, 'spec');
    if (spec === undefined || name === undefined) return [];
    this.checkFields(spec, 'spec', ['description', 'service', 'indicator', 'timeWindows', 'budgetingMethod', 'objectives']);
    const service = this.requiredString(spec.service, 'spec.service');
    const description =
      this.optionalString(spec.description, 'spec.description') ?? (typeof metadata?.displayName === 'string' ? metadata.displayName : undefined);
    this.budgetingMethod(spec.budgetingMethod, 'spec.budgetingMethod');
    const window = this.v1alphaWindow(spec.timeWindows);
    if (spec.indicator !== undefined) {
      this.report('spec.indicator', 'threshold metrics (with op/value and Timeslices) are not supported yet; use ratioMetrics in the objectives');
    }
    const objectives = this.list(spec.objectives, 'spec.objectives');
    if (objectives === undefined) return [];
    if (objectives.length === 0) {
      this.report('spec.objectives', 'needs at least one objective');
      return [];
    }
    const slos: SpecSloDefinition[] = [];
    objectives.forEach((value, index) => {
      const path = `spec.objectives[${index}]`;
      const objective = this.object(value, path);
      if (objective === undefined) return;
      this.checkFields(objective, path, ['displayName', 'target', 'ratioMetrics', 'op', 'value', 'timeSliceTarget']);
      if (objective.op !== undefined || objective.value !== undefined) {
        this.report(`${path}.op`, 'threshold objectives (op/value) are not supported yet; use ratioMetrics');
      }
      if (objective.timeSliceTarget !== undefined) {
        this.report(`${path}.timeSliceTarget`, 'Timeslices budgeting is not supported yet; use Occurrences');
      }
      const target = this.target(objective, path);
      const ratioPath = `${path}.ratioMetrics`;
      const ratio = this.object(objective.ratioMetrics, ratioPath);
      let indicator: SloIndicator | undefined;
      let sourcePaths: Record<string, string> = {};
      if (ratio !== undefined) {
        this.checkFields(ratio, ratioPath, ['good', 'bad', 'total', 'incremental', 'counter']);
        if ((ratio.good === undefined) === (ratio.bad === undefined)) {
          this.report(ratio.good === undefined ? `${ratioPath}.good` : `${ratioPath}.bad`, 'set exactly one of good or bad besides total');
        } else {
          const goodOrBad = ratio.good !== undefined ? 'good' : 'bad';
          const total = this.v1alphaSource(ratio.total, `${ratioPath}.total`);
          const part = this.v1alphaSource(ratio[goodOrBad], `${ratioPath}.${goodOrBad}`);
          if (total !== undefined && part !== undefined) {
            indicator = this.ratioIndicator(total, part, goodOrBad, ratio.incremental !== false && ratio.counter !== false, ratioPath);
            sourcePaths = { ...this.lastPaths, service: 'spec.service' };
          }
        }
      }
      if (service === undefined || window === undefined || indicator === undefined || target === undefined) return;
      slos.push({
        document: this.document,
        path: '',
        format: 'openslo/v1alpha',
        name: objectives.length === 1 ? name : `${name}-${this.objectiveKey(objective, index)}`,
        ...(description !== undefined ? { description } : {}),
        service,
        objective: target,
        window,
        indicator,
        sourcePaths,
      });
    });
    return slos;
  }

  private v1alphaSource(value: Json | undefined, path: string): Located | undefined {
    const source = this.object(value, path);
    if (source === undefined) return undefined;
    this.checkFields(source, path, ['source', 'queryType', 'query', 'metadata']);
    const kind = this.requiredString(source.source, `${path}.source`);
    if (kind !== undefined && kind.toLowerCase() !== 'prometheus') {
      this.report(
        `${path}.source`,
        `data source ${describeValue(kind)} cannot be measured by Ballast, which reads Prometheus (or a PromQL-compatible API) only`,
      );
      return undefined;
    }
    if (source.queryType !== undefined && String(source.queryType).toLowerCase() !== 'promql') {
      this.report(`${path}.queryType`, `must be promql, got ${describeValue(source.queryType)}`);
      return undefined;
    }
    const query = this.requiredString(source.query, `${path}.query`);
    return kind === undefined || query === undefined ? undefined : { text: query.trim(), path: `${path}.query` };
  }

  private v1alphaWindow(value: Json | undefined): string | undefined {
    const windows = this.list(value, 'spec.timeWindows');
    if (windows === undefined) return undefined;
    if (windows.length !== 1) {
      this.report('spec.timeWindows', `needs exactly one time window, got ${windows.length}`);
      return undefined;
    }
    const path = 'spec.timeWindows[0]';
    const window = this.object(windows[0], path);
    if (window === undefined) return undefined;
    this.checkFields(window, path, ['unit', 'count', 'isRolling', 'calendar']);
    if (window.isRolling === false || window.calendar !== undefined) {
      this.report(
        window.calendar !== undefined ? `${path}.calendar` : `${path}.isRolling`,
        'calendar-aligned windows are not supported yet; use a rolling window (isRolling: true)',
      );
      return undefined;
    }
    const unit = this.requiredString(window.unit, `${path}.unit`);
    const count = window.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      this.report(`${path}.count`, count === undefined ? 'is required' : `must be a positive whole number, got ${describeValue(count)}`);
      return undefined;
    }
    const days: Record<string, number> = { day: 1, week: 7 };
    const perUnit = unit === undefined ? undefined : days[unit.toLowerCase()];
    if (unit === undefined) return undefined;
    if (perUnit === undefined) {
      this.report(`${path}.unit`, `rolling windows are counted in Day or Week, got ${describeValue(unit)}`);
      return undefined;
    }
    return this.rollingDays(`${count * perUnit}d`, `${path}.count`);
  }

  // ---- Sloth -------------------------------------------------------------

  private slothPrometheusV1(object: JsonObject): SpecSloDefinition[] {
    if (object.version !== 'prometheus/v1') {
      this.report('version', `Sloth specs must be version "prometheus/v1", got ${describeValue(object.version)}`);
      return [];
    }
    this.checkFields(object, '', ['version', 'service', 'labels', 'slos']);
    return this.slothSlos(object, '', 'sloth/prometheus/v1');
  }

  private slothKubernetes(object: JsonObject): SpecSloDefinition[] {
    this.checkFields(object, '', ['apiVersion', 'kind', 'metadata', 'spec']);
    if (object.kind !== 'PrometheusServiceLevel') {
      this.report('kind', `sloth.slok.dev/v1 documents must be PrometheusServiceLevel, got ${describeValue(object.kind)}`);
      return [];
    }
    const spec = this.object(object.spec, 'spec');
    if (spec === undefined) return [];
    this.checkFields(spec, 'spec', ['service', 'labels', 'slos']);
    return this.slothSlos(spec, 'spec', 'sloth/sloth.slok.dev/v1');
  }

  private slothSlos(spec: JsonObject, base: string, format: SpecFormat): SpecSloDefinition[] {
    const at = (key: string): string => (base === '' ? key : `${base}.${key}`);
    const service = this.requiredString(spec.service, at('service'));
    const sharedLabels = this.labels(spec.labels, at('labels'));
    const entries = this.list(spec.slos, at('slos'));
    if (entries === undefined) return [];
    const slos: SpecSloDefinition[] = [];
    entries.forEach((entry, index) => {
      const path = at(`slos[${index}]`);
      const slo = this.object(entry, path);
      if (slo === undefined) return;
      this.checkFields(slo, path, ['name', 'objective', 'description', 'labels', 'sli', 'alerting']);
      const name = this.requiredString(slo.name, `${path}.name`);
      const description = this.optionalString(slo.description, `${path}.description`);
      let objective: number | undefined;
      if (slo.objective === undefined) {
        this.report(`${path}.objective`, 'is required');
      } else {
        objective = this.validated(
          () => validateObjective(typeof slo.objective === 'number' ? percentToRatio(slo.objective) : slo.objective, `${path}.objective`),
          `${path}.objective`,
        );
      }
      const labels = { ...sharedLabels, ...this.labels(slo.labels, `${path}.labels`) };
      const indicator = this.slothSli(slo.sli, `${path}.sli`);
      const sourcePaths = { ...this.lastPaths, service: at('service') };
      const alerting = this.slothAlerting(slo.alerting, `${path}.alerting`, labels);
      if (name === undefined || service === undefined || objective === undefined || indicator === undefined) return;
      slos.push({
        document: this.document,
        path,
        format,
        name,
        ...(description !== undefined ? { description } : {}),
        service,
        objective,
        window: SLOTH_DEFAULT_WINDOW,
        indicator,
        ...(alerting.policy !== undefined ? { policy: alerting.policy } : {}),
        alerting: alerting.spec,
        sourcePaths,
      });
    });
    return slos;
  }

  private slothSli(value: Json | undefined, path: string): SloIndicator | undefined {
    const sli = this.object(value, path);
    if (sli === undefined) return undefined;
    this.checkFields(sli, path, ['events', 'raw', 'plugin']);
    if (sli.raw !== undefined) {
      this.report(`${path}.raw`, 'raw error ratio queries are not supported: Ballast needs event counts (use sli.events with error_query and total_query)');
      return undefined;
    }
    if (sli.plugin !== undefined) {
      this.report(`${path}.plugin`, "Sloth SLI plugins are not supported; write the plugin's queries as sli.events error_query and total_query");
      return undefined;
    }
    const events = this.object(sli.events, `${path}.events`);
    if (events === undefined) return undefined;
    this.checkFields(events, `${path}.events`, ['error_query', 'total_query']);
    const error = this.requiredString(events.error_query, `${path}.events.error_query`);
    const total = this.requiredString(events.total_query, `${path}.events.total_query`);
    if (error === undefined || total === undefined) return undefined;
    return this.ratioIndicator(
      { text: total.trim(), path: `${path}.events.total_query` },
      { text: error.trim(), path: `${path}.events.error_query` },
      'bad',
      true,
      `${path}.events`,
    );
  }

  private slothAlerting(
    value: Json | undefined,
    path: string,
    sloLabels: Readonly<Record<string, string>>,
  ): { spec: SloAlertingSpec; policy?: { openIncident: boolean; severity?: SloPolicySeverity } } {
    const base: SloAlertingSpec = Object.keys(sloLabels).length > 0 ? { labels: sloLabels } : {};
    if (value === undefined) return { spec: base };
    const alerting = this.object(value, path);
    if (alerting === undefined) return { spec: base };
    this.checkFields(alerting, path, ['name', 'labels', 'annotations', 'page_alert', 'ticket_alert', 'disable']);
    const name = this.optionalString(alerting.name, `${path}.name`);
    const labels = { ...sloLabels, ...this.labels(alerting.labels, `${path}.labels`) };
    const alertLabels = (key: 'page_alert' | 'ticket_alert'): Record<string, string> | undefined => {
      const entry = alerting[key];
      if (entry === undefined) return undefined;
      const object = this.object(entry, `${path}.${key}`);
      if (object === undefined) return undefined;
      this.checkFields(object, `${path}.${key}`, ['labels', 'annotations', 'disable']);
      return this.labels(object.labels, `${path}.${key}.labels`);
    };
    const pageLabels = alertLabels('page_alert');
    const ticketLabels = alertLabels('ticket_alert');
    if (alerting.annotations !== undefined)
      this.note(`${path}.annotations`, 'alert annotations are not imported; Ballast writes its own summary and description');
    const pageDisabled = isObject(alerting.page_alert) && alerting.page_alert.disable === true;
    const disabled = alerting.disable === true;
    return {
      spec: {
        ...(name !== undefined ? { name } : {}),
        ...(Object.keys(labels).length > 0 ? { labels } : {}),
        ...(pageLabels !== undefined ? { pageLabels } : {}),
        ...(ticketLabels !== undefined ? { ticketLabels } : {}),
      },
      ...(disabled || pageDisabled ? { policy: { openIncident: false } } : {}),
    };
  }

  // ---- Pyrra -------------------------------------------------------------

  private pyrra(object: JsonObject): SpecSloDefinition[] {
    this.checkFields(object, '', ['apiVersion', 'kind', 'metadata', 'spec']);
    if (object.kind !== 'ServiceLevelObjective') {
      this.report('kind', `pyrra.dev/v1alpha1 documents must be ServiceLevelObjective, got ${describeValue(object.kind)}`);
      return [];
    }
    const metadata = this.object(object.metadata, 'metadata');
    const name = metadata === undefined ? undefined : this.requiredString(metadata.name, 'metadata.name');
    const metadataLabels = metadata !== undefined && isObject(metadata.labels) ? metadata.labels : {};
    const labelService = metadataLabels['pyrra.dev/service'] ?? metadataLabels['service'];
    const service = typeof labelService === 'string' ? labelService : this.options.defaultService;
    if (service === undefined) {
      this.report('metadata.labels', 'a Pyrra SLO names no service: add the label pyrra.dev/service: <service slug>, or import with ?service=<slug>');
    }
    const spec = this.object(object.spec, 'spec');
    if (spec === undefined) return [];
    this.checkFields(spec, 'spec', ['target', 'window', 'description', 'indicator', 'alerting', 'serviceLevelObjectiveLabels']);
    const description = this.optionalString(spec.description, 'spec.description');
    let objective: number | undefined;
    if (spec.target === undefined) {
      this.report('spec.target', 'is required');
    } else {
      const percent = typeof spec.target === 'string' && spec.target.trim() !== '' ? Number(spec.target) : spec.target;
      objective = this.validated(() => validateObjective(typeof percent === 'number' ? percentToRatio(percent) : percent, 'spec.target'), 'spec.target');
    }
    const windowText = this.requiredString(spec.window, 'spec.window');
    const window = windowText === undefined ? undefined : this.rollingDays(windowText, 'spec.window');
    const indicator = this.pyrraIndicator(spec.indicator, 'spec.indicator');
    const sourcePaths = { ...this.lastPaths, service: 'metadata.labels' };
    let policy: SpecSloDefinition['policy'];
    if (isObject(spec.alerting)) {
      if (spec.alerting.disabled === true) policy = { openIncident: false };
      if (spec.alerting.burnrates === false) policy = { openIncident: false };
    }
    const alertName = isObject(spec.alerting) && typeof spec.alerting.name === 'string' ? spec.alerting.name : undefined;
    if (name === undefined || service === undefined || objective === undefined || window === undefined || indicator === undefined) return [];
    return [
      {
        document: this.document,
        path: '',
        format: 'pyrra/v1alpha1',
        name,
        ...(description !== undefined ? { description } : {}),
        service,
        objective,
        window,
        indicator,
        ...(policy !== undefined ? { policy } : {}),
        ...(alertName !== undefined ? { alerting: { name: alertName } } : {}),
        sourcePaths,
      },
    ];
  }

  private pyrraIndicator(value: Json | undefined, path: string): SloIndicator | undefined {
    const indicator = this.object(value, path);
    if (indicator === undefined) return undefined;
    this.checkFields(indicator, path, ['ratio', 'latency', 'bool_gauge', 'latencyNative']);
    const kinds = ['ratio', 'latency', 'bool_gauge', 'latencyNative'].filter((key) => indicator[key] !== undefined);
    if (kinds.length !== 1) {
      this.report(path, kinds.length === 0 ? 'needs one of ratio, latency or bool_gauge' : `set only one of ${kinds.join(', ')}`);
      return undefined;
    }
    const metric = (owner: JsonObject, key: string, ownerPath: string): Located | undefined => {
      const entry = this.object(owner[key], `${ownerPath}.${key}`);
      if (entry === undefined) return undefined;
      this.checkFields(entry, `${ownerPath}.${key}`, ['metric']);
      const text = this.requiredString(entry.metric, `${ownerPath}.${key}.metric`);
      return text === undefined ? undefined : { text: text.trim(), path: `${ownerPath}.${key}.metric` };
    };
    if (indicator.latencyNative !== undefined) {
      this.report(`${path}.latencyNative`, 'native histogram latency SLOs are not supported yet; use a classic histogram (latency)');
      return undefined;
    }
    if (indicator.ratio !== undefined) {
      const ratioPath = `${path}.ratio`;
      const ratio = this.object(indicator.ratio, ratioPath);
      if (ratio === undefined) return undefined;
      this.checkFields(ratio, ratioPath, ['errors', 'total', 'grouping']);
      this.grouping(ratio.grouping, `${ratioPath}.grouping`);
      const errors = metric(ratio, 'errors', ratioPath);
      const total = metric(ratio, 'total', ratioPath);
      return errors === undefined || total === undefined ? undefined : this.ratioIndicator(total, errors, 'bad', true, ratioPath);
    }
    if (indicator.latency !== undefined) {
      const latencyPath = `${path}.latency`;
      const latency = this.object(indicator.latency, latencyPath);
      if (latency === undefined) return undefined;
      this.checkFields(latency, latencyPath, ['success', 'total', 'grouping']);
      this.grouping(latency.grouping, `${latencyPath}.grouping`);
      const success = metric(latency, 'success', latencyPath);
      const total = metric(latency, 'total', latencyPath);
      if (success === undefined || total === undefined) return undefined;
      return this.pyrraLatency(success, total);
    }
    const gaugePath = `${path}.bool_gauge`;
    const gauge = this.object(indicator.bool_gauge, gaugePath);
    if (gauge === undefined) return undefined;
    this.checkFields(gauge, gaugePath, ['metric', 'grouping']);
    this.grouping(gauge.grouping, `${gaugePath}.grouping`);
    const text = this.requiredString(gauge.metric, `${gaugePath}.metric`);
    if (text === undefined) return undefined;
    this.lastPaths = { totalQuery: `${gaugePath}.metric`, goodQuery: `${gaugePath}.metric` };
    const selector = this.selector({ text: text.trim(), path: `${gaugePath}.metric` });
    if (selector === undefined) return undefined;
    // A 0/1 gauge: each series counts one event per second, good while it reads 1
    // (what Pyrra's bool_gauge rules compute from the samples' average).
    return this.validated(
      () =>
        validateIndicator({
          kind: 'ratio',
          totalQuery: `count(max_over_time(${selector}[{{.window}}]))`,
          goodQuery: `sum(avg_over_time(${selector}[{{.window}}]))`,
        }),
      `${gaugePath}.metric`,
    );
  }

  private pyrraLatency(success: Located, total: Located): SloIndicator | undefined {
    const parsed = this.parsedSelector(success);
    if (parsed === undefined) return undefined;
    const le = parsed.matchers.find((matcher) => matcher.name === 'le');
    const metricName = selectorMetricName(parsed);
    if (le === undefined || le.operator !== '=' || metricName === undefined || !metricName.endsWith('_bucket')) {
      this.report(success.path, `must select a histogram's _bucket metric with le="<seconds>", got ${describeValue(success.text)}`);
      return undefined;
    }
    const histogram = formatSeriesSelector({ ...parsed, matchers: parsed.matchers.filter((matcher) => matcher !== le) });
    const totalParsed = this.parsedSelector(total);
    if (totalParsed === undefined) return undefined;
    const totalName = selectorMetricName(totalParsed);
    const base = metricName.slice(0, -'_bucket'.length);
    if (totalName !== `${base}_count` && totalName !== metricName) {
      this.report(total.path, `must be ${base}_count (or ${metricName} with le="+Inf") of the same histogram, got ${describeValue(total.text)}`);
      return undefined;
    }
    this.lastPaths = { histogram: success.path, threshold: success.path };
    return this.validated(() => validateIndicator({ kind: 'latency', histogram, threshold: le.value }), success.path);
  }

  private grouping(value: Json | undefined, path: string): void {
    if (value !== undefined) {
      this.note(path, 'grouping is not imported: Ballast measures one SLO over all matching series (create one SLO per group to split it)');
    }
  }

  // ---- shared ------------------------------------------------------------

  /**
   * A ratio indicator from two queries: bare counter selectors become the
   * selector form, PromQL expressions with `{{.window}}` the template form.
   * An expression without `{{.window}}` is refused with what to write instead.
   */
  private ratioIndicator(total: Located, part: Located, goodOrBad: 'good' | 'bad', counter: boolean, path: string): SloIndicator | undefined {
    const templates = [total, part].map((query) => isPromqlTemplate(query.text));
    if (templates[0] !== templates[1]) {
      const selectorOne = templates[0] ? part : total;
      this.report(
        selectorOne.path,
        `write both queries the same way: both counter selectors, or both PromQL templates with [{{.window}}] (got ${describeValue(selectorOne.text)})`,
      );
      return undefined;
    }
    this.lastPaths = templates[0] ? { totalQuery: total.path, [`${goodOrBad}Query`]: part.path } : { total: total.path, [goodOrBad]: part.path };
    if (templates[0]) {
      return this.validated(
        () => validateIndicator({ kind: 'ratio', totalQuery: total.text, [`${goodOrBad}Query`]: part.text }, 'indicator'),
        path,
        (field) => (field.endsWith('totalQuery') ? total.path : part.path),
      );
    }
    if (!counter) {
      this.report(
        `${path}.counter`,
        'non-counter (gauge) ratio metrics are not supported; use counters (counter: true) or PromQL templates with [{{.window}}]',
      );
      return undefined;
    }
    for (const query of [total, part]) {
      if (this.selector(query) === undefined) return undefined;
    }
    const latency = goodOrBad === 'good' ? this.histogramBuckets(total, part) : undefined;
    if (latency !== undefined) {
      this.lastPaths = { histogram: part.path, threshold: part.path };
      return this.validated(() => validateIndicator(latency), part.path);
    }
    return this.validated(
      () => validateIndicator({ kind: 'ratio', total: total.text, [goodOrBad]: part.text }, 'indicator'),
      path,
      (field) => (field.endsWith('.total') ? total.path : part.path),
    );
  }

  /**
   * good = `h_bucket{…,le="X"}` and total = `h_bucket{…,le="+Inf"}` of the same
   * series is a latency indicator (what Ballast exports latency SLOs as).
   */
  private histogramBuckets(total: Located, good: Located): { kind: 'latency'; histogram: string; threshold: string } | undefined {
    const totalSelector = parseSeriesSelector(total.text, total.path);
    const goodSelector = parseSeriesSelector(good.text, good.path);
    const name = selectorMetricName(goodSelector);
    const leOf = (selector: typeof totalSelector) => selector.matchers.filter((matcher) => matcher.name === 'le');
    const [totalLe] = leOf(totalSelector);
    const [goodLe] = leOf(goodSelector);
    if (name === undefined || !name.endsWith('_bucket') || selectorMetricName(totalSelector) !== name) return undefined;
    if (leOf(totalSelector).length !== 1 || leOf(goodSelector).length !== 1 || totalLe.operator !== '=' || goodLe.operator !== '=' || totalLe.value !== '+Inf')
      return undefined;
    const withoutLe = (selector: typeof totalSelector) =>
      formatSeriesSelector({ ...selector, matchers: selector.matchers.filter((matcher) => matcher.name !== 'le') });
    const histogram = withoutLe(goodSelector);
    return histogram === withoutLe(totalSelector) ? { kind: 'latency', histogram, threshold: goodLe.value } : undefined;
  }

  private selector(query: Located): string | undefined {
    const parsed = this.parsedSelector(query);
    return parsed === undefined ? undefined : formatSeriesSelector(parsed);
  }

  private parsedSelector(query: Located): ReturnType<typeof parseSeriesSelector> | undefined {
    try {
      return parseSeriesSelector(query.text, query.path);
    } catch (error) {
      if (!(error instanceof SloValidationError)) throw error;
      this.report(
        query.path,
        `must be a counter series selector (Ballast applies increase() itself) or a PromQL expression with [{{.window}}] as its range, e.g. sum(rate(http_requests_total{code=~"5.."}[{{.window}}])); got ${describeValue(query.text)}`,
      );
      return undefined;
    }
  }

  private target(objective: JsonObject, path: string): number | undefined {
    if (objective.target === undefined && objective.targetPercent === undefined) {
      this.report(`${path}.target`, 'is required (target 0..1 or targetPercent 0..100)');
      return undefined;
    }
    if (objective.target !== undefined && objective.targetPercent !== undefined) {
      this.report(`${path}.targetPercent`, 'set either target (0..1) or targetPercent (0..100), not both');
      return undefined;
    }
    const field = objective.target !== undefined ? 'target' : 'targetPercent';
    const raw = objective[field];
    const value = field === 'target' ? raw : typeof raw === 'number' ? percentToRatio(raw) : raw;
    return this.validated(() => validateObjective(value, `${path}.${field}`), `${path}.${field}`);
  }

  private budgetingMethod(value: Json | undefined, path: string): void {
    if (value === undefined) {
      this.report(path, 'is required (Occurrences)');
    } else if (value === 'Timeslices' || value === 'RatioTimeslices') {
      this.report(path, `${value} budgeting is not supported yet; use Occurrences`);
    } else if (value !== 'Occurrences') {
      this.report(path, `must be Occurrences, Timeslices or RatioTimeslices, got ${describeValue(value)}`);
    }
  }

  /** A rolling duration (`28d`, `4w`, `720h`, `2w`) as Ballast's `Nd`. */
  private rollingDays(duration: string, path: string): string | undefined {
    const match = /^([1-9][0-9]*)([dwh])$/.exec(duration.trim());
    const amount = match ? Number(match[1]) : Number.NaN;
    const days = !match ? undefined : match[2] === 'd' ? amount : match[2] === 'w' ? amount * 7 : amount % 24 === 0 ? amount / 24 : undefined;
    if (days === undefined || days < 1 || days > MAX_WINDOW_DAYS) {
      this.report(path, `must be a rolling window of whole days between 1 and ${MAX_WINDOW_DAYS} (e.g. 28d, 4w), got ${describeValue(duration)}`);
      return undefined;
    }
    return `${days}d`;
  }

  private labels(value: Json | undefined, path: string): Record<string, string> {
    if (value === undefined) return {};
    const labels = this.object(value, path);
    if (labels === undefined) return {};
    const result: Record<string, string> = {};
    for (const [key, label] of Object.entries(labels)) {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(key)) {
        this.report(`${path}.${key}`, 'is not a valid Prometheus label name');
      } else if (typeof label === 'string' || typeof label === 'number' || typeof label === 'boolean') {
        result[key] = String(label);
      } else {
        this.report(`${path}.${key}`, `must be a string, got ${describeValue(label)}`);
      }
    }
    return result;
  }

  private metadataName(metadata: JsonObject): string | undefined {
    this.checkFields(metadata, 'metadata', ['name', 'displayName', 'labels', 'annotations', 'namespace']);
    return this.requiredString(metadata.name, 'metadata.name');
  }

  private validated<T>(action: () => T, path: string, fieldPath: (field: string) => string = () => path): T | undefined {
    try {
      return action();
    } catch (error) {
      if (!(error instanceof SloValidationError)) throw error;
      const location = fieldPath(error.field);
      // The domain message starts with its own field name (`indicator.totalQuery …`); say it in the file's terms.
      this.report(location, error.message.startsWith(`${error.field} `) ? error.message.slice(error.field.length + 1) : error.message);
      return undefined;
    }
  }

  private inDocument<T>(document: number, action: () => T): T {
    const current = this.document;
    this.document = document;
    try {
      return action();
    } finally {
      this.document = current;
    }
  }

  private checkFields(value: JsonObject, path: string, supported: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!supported.includes(key)) this.report(path === '' ? key : `${path}.${key}`, 'is not a field of this document');
    }
  }

  private object(value: Json | undefined, path: string): JsonObject | undefined {
    if (isObject(value)) return value;
    this.report(path, value === undefined || value === null ? 'is required' : `must be a mapping, got ${describeValue(value)}`);
    return undefined;
  }

  private list(value: Json | undefined, path: string): Json[] | undefined {
    if (Array.isArray(value)) return value;
    this.report(path, value === undefined || value === null ? 'is required' : `must be a list, got ${describeValue(value)}`);
    return undefined;
  }

  private requiredString(value: Json | undefined, path: string): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.report(path, value === undefined || value === null ? 'is required' : `must be a non-empty string, got ${describeValue(value)}`);
    return undefined;
  }

  private optionalString(value: Json | undefined, path: string): string | undefined {
    if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
    this.report(path, `must be a string, got ${describeValue(value)}`);
    return undefined;
  }

  private report(path: string, message: string): void {
    this.issues.push({ document: this.document, path, message });
  }

  private note(path: string, message: string): void {
    this.notes.push({ document: this.document, path, message });
  }
}

interface Located {
  readonly text: string;
  /** Where the text is in its document. */
  readonly path: string;
}

function mapSeverity(value: Json | undefined): SloPolicySeverity | undefined {
  if (typeof value !== 'string') return undefined;
  const upper = value.trim().toUpperCase();
  if ((SLO_POLICY_SEVERITIES as readonly string[]).includes(upper)) return upper as SloPolicySeverity;
  if (['PAGE', 'CRITICAL', 'HIGH'].includes(upper)) return 'SEV2';
  if (['TICKET', 'WARNING', 'MEDIUM'].includes(upper)) return 'SEV3';
  if (['LOW', 'INFO'].includes(upper)) return 'SEV4';
  return undefined;
}

/** 99.9 → 0.999 without the binary noise of a plain division (0.9990000000000001). */
function percentToRatio(percent: number): number {
  return Number((percent / 100).toPrecision(12));
}

function severityRank(severity: SloPolicySeverity | undefined): number {
  return severity === undefined ? 99 : SLO_POLICY_SEVERITIES.indexOf(severity);
}

function withoutDuplicates(issues: readonly OpenSloImportIssue[]): OpenSloImportIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify([issue.document, issue.path, issue.message]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
