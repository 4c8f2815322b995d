import { describeValue, OpenSloImportIssue, SloValidationError } from '../errors';
import { parseSeriesSelector } from '../promql-selector';
import { RatioIndicator, validateIndicator } from '../slo-indicator';
import { validateObjective } from '../slo-math';
import { MAX_WINDOW_DAYS, parseWindow } from '../slo-window';
import { isObject, Json, JsonObject } from './json';
import { ImportedSloDefinition } from './spec-types';

interface SliDocument {
  readonly document: number;
  readonly spec: Json | undefined;
}

/** The OpenSLO-v1-only importer behind importOpenSlo: every unsupported field is reported with its reason. */
export class OpenSloImporter {
  readonly issues: OpenSloImportIssue[] = [];
  private document = 0;

  importDocuments(contents: ReadonlyArray<Json | undefined>): ImportedSloDefinition[] {
    const slis = this.collectSliDocuments(contents);
    const slos: ImportedSloDefinition[] = [];
    const namesSeen = new Map<string, number>();
    contents.forEach((content, index) => {
      this.document = index;
      if (!isObject(content) || content.kind !== 'SLO') {
        return;
      }
      const slo = this.importSlo(content, slis);
      if (slo === undefined) {
        return;
      }
      const firstDocument = namesSeen.get(slo.name);
      if (firstDocument !== undefined) {
        this.report('metadata.name', `SLO name ${describeValue(slo.name)} is already used by document ${firstDocument}`);
      } else {
        namesSeen.set(slo.name, index);
        slos.push(slo);
      }
    });
    return slos;
  }

  /** First pass: every document's kind, and the SLI documents by name for `indicatorRef`. */
  private collectSliDocuments(contents: ReadonlyArray<Json | undefined>): Map<string, SliDocument> {
    const slis = new Map<string, SliDocument>();
    contents.forEach((content, index) => {
      this.document = index;
      if (content === undefined || content === null) {
        return; // an empty document, e.g. after a trailing `---`
      }
      if (!isObject(content)) {
        this.report('', 'a document must be a mapping with apiVersion, kind, metadata and spec');
        return;
      }
      if (content.apiVersion !== 'openslo/v1') {
        this.report('apiVersion', `only "openslo/v1" is supported, got ${describeValue(content.apiVersion)}`);
      }
      if (content.kind === 'SLI') {
        this.checkFields(content, '', ['apiVersion', 'kind', 'metadata', 'spec']);
        const name = this.metadataName(content);
        if (name !== undefined) {
          if (slis.has(name)) {
            this.report('metadata.name', `SLI name ${describeValue(name)} is already used by document ${slis.get(name)?.document}`);
          }
          slis.set(name, { document: index, spec: content.spec });
        }
      } else if (content.kind !== 'SLO') {
        this.report('kind', `only SLO documents (and SLI documents they reference) are imported, got ${describeValue(content.kind)}`);
      }
    });
    return slis;
  }

  private importSlo(content: JsonObject, slis: ReadonlyMap<string, SliDocument>): ImportedSloDefinition | undefined {
    const issuesBefore = this.issues.length;
    this.checkFields(content, '', ['apiVersion', 'kind', 'metadata', 'spec']);
    const name = this.metadataName(content);
    const displayName = this.optionalString(isObject(content.metadata) ? content.metadata.displayName : undefined, 'metadata.displayName');
    const spec = this.object(content.spec, 'spec');
    if (spec === undefined) {
      return undefined;
    }
    this.checkFields(spec, 'spec', ['description', 'service', 'indicator', 'indicatorRef', 'timeWindow', 'budgetingMethod', 'objectives'], {
      alertPolicies: 'alert policies are not imported; Ballast derives multi-window burn-rate alerts from the objective',
    });
    const description = this.optionalString(spec.description, 'spec.description');
    const service = this.requiredString(spec.service, 'spec.service');
    const indicator = this.indicator(spec, slis);
    const window = this.rollingWindow(spec.timeWindow);
    this.budgetingMethod(spec.budgetingMethod);
    const objective = this.objective(spec.objectives);

    if (
      this.issues.length > issuesBefore ||
      name === undefined ||
      service === undefined ||
      indicator === undefined ||
      window === undefined ||
      objective === undefined
    ) {
      return undefined;
    }
    return {
      document: this.document,
      name,
      ...(displayName !== undefined ? { displayName } : {}),
      ...(description !== undefined ? { description } : {}),
      service,
      objective,
      window,
      indicator,
    };
  }

  private metadataName(content: JsonObject): string | undefined {
    const metadata = this.object(content.metadata, 'metadata');
    if (metadata === undefined) {
      return undefined;
    }
    this.checkFields(metadata, 'metadata', ['name', 'displayName', 'labels', 'annotations']);
    return this.requiredString(metadata.name, 'metadata.name');
  }

  private indicator(spec: JsonObject, slis: ReadonlyMap<string, SliDocument>): RatioIndicator | undefined {
    if (spec.indicator !== undefined && spec.indicatorRef !== undefined) {
      this.report('spec.indicatorRef', 'set either spec.indicator or spec.indicatorRef, not both');
      return undefined;
    }
    if (spec.indicatorRef !== undefined) {
      const reference = this.requiredString(spec.indicatorRef, 'spec.indicatorRef');
      const sli = reference === undefined ? undefined : slis.get(reference);
      if (reference !== undefined && sli === undefined) {
        this.report('spec.indicatorRef', `no SLI document named ${describeValue(reference)} in this file`);
      }
      if (sli === undefined) {
        return undefined;
      }
      const sloDocument = this.document;
      this.document = sli.document;
      try {
        return this.sliSpec(sli.spec, 'spec');
      } finally {
        this.document = sloDocument;
      }
    }
    const inline = this.object(spec.indicator, 'spec.indicator');
    if (inline === undefined) {
      return undefined;
    }
    this.checkFields(inline, 'spec.indicator', ['metadata', 'spec']);
    return this.sliSpec(inline.spec, 'spec.indicator.spec');
  }

  private sliSpec(value: Json | undefined, path: string): RatioIndicator | undefined {
    const spec = this.object(value, path);
    if (spec === undefined) {
      return undefined;
    }
    this.checkFields(spec, path, ['description', 'ratioMetric'], {
      thresholdMetric: 'threshold metrics are not supported; use a ratioMetric of counters',
    });
    if (spec.thresholdMetric !== undefined) {
      return undefined;
    }
    const ratioPath = `${path}.ratioMetric`;
    const ratio = this.object(spec.ratioMetric, ratioPath);
    if (ratio === undefined) {
      return undefined;
    }
    this.checkFields(ratio, ratioPath, ['counter', 'good', 'bad', 'total'], {
      raw: 'raw ratio metrics are not supported; use good or bad with total',
      rawType: 'raw ratio metrics are not supported; use good or bad with total',
    });
    if (ratio.counter !== true) {
      this.report(`${ratioPath}.counter`, `only counter metrics are supported (counter: true), got ${describeValue(ratio.counter)}`);
    }
    const total = this.prometheusQuery(ratio.total, `${ratioPath}.total`);
    if ((ratio.good === undefined) === (ratio.bad === undefined)) {
      this.report(ratioPath, 'set exactly one of good or bad besides total');
      return undefined;
    }
    const goodOrBad = ratio.good !== undefined ? 'good' : 'bad';
    const query = this.prometheusQuery(ratio[goodOrBad], `${ratioPath}.${goodOrBad}`);
    if (total === undefined || query === undefined) {
      return undefined;
    }
    try {
      const indicator = validateIndicator({ kind: 'ratio', total: total.query, [goodOrBad]: query.query });
      return indicator.kind === 'ratio' ? indicator : undefined;
    } catch (error) {
      this.report(ratioPath, validationMessage(error));
      return undefined;
    }
  }

  private prometheusQuery(value: Json | undefined, path: string): { query: string } | undefined {
    const metric = this.object(value, path);
    if (metric === undefined) {
      return undefined;
    }
    this.checkFields(metric, path, ['metricSource']);
    const sourcePath = `${path}.metricSource`;
    const source = this.object(metric.metricSource, sourcePath);
    if (source === undefined) {
      return undefined;
    }
    this.checkFields(source, sourcePath, ['type', 'spec'], {
      metricSourceRef: 'DataSource references are not supported; put type: Prometheus and the query inline',
    });
    const type = this.requiredString(source.type, `${sourcePath}.type`);
    if (type !== undefined && type.toLowerCase() !== 'prometheus') {
      this.report(`${sourcePath}.type`, `only Prometheus metric sources are supported, got ${describeValue(type)}`);
    }
    const sourceSpec = this.object(source.spec, `${sourcePath}.spec`);
    if (sourceSpec === undefined) {
      return undefined;
    }
    this.checkFields(sourceSpec, `${sourcePath}.spec`, ['query']);
    const query = this.requiredString(sourceSpec.query, `${sourcePath}.spec.query`);
    if (query === undefined) {
      return undefined;
    }
    try {
      parseSeriesSelector(query, `${sourcePath}.spec.query`);
    } catch (error) {
      this.report(`${sourcePath}.spec.query`, `must be a counter series selector; Ballast applies increase() and rate() itself (${validationMessage(error)})`);
      return undefined;
    }
    return { query: query.trim() };
  }

  private rollingWindow(value: Json | undefined): string | undefined {
    const windows = this.list(value, 'spec.timeWindow');
    if (windows === undefined) {
      return undefined;
    }
    if (windows.length !== 1) {
      this.report('spec.timeWindow', `exactly one time window is supported, got ${windows.length}`);
      return undefined;
    }
    const path = 'spec.timeWindow[0]';
    const window = this.object(windows[0], path);
    if (window === undefined) {
      return undefined;
    }
    this.checkFields(window, path, ['duration', 'isRolling'], {
      calendar: 'calendar-aligned windows are not supported; use a rolling window',
    });
    if (window.isRolling !== true) {
      this.report(`${path}.isRolling`, `only rolling windows are supported (isRolling: true), got ${describeValue(window.isRolling)}`);
    }
    const duration = this.requiredString(window.duration, `${path}.duration`);
    if (duration === undefined) {
      return undefined;
    }
    const days = durationInDays(duration);
    try {
      return parseWindow(days === undefined ? duration : `${days}d`, `${path}.duration`).label;
    } catch (error) {
      validationMessage(error);
      this.report(`${path}.duration`, `must be a whole number of days between 1 and ${MAX_WINDOW_DAYS} (e.g. 28d, 4w), got ${describeValue(duration)}`);
      return undefined;
    }
  }

  private budgetingMethod(value: Json | undefined): void {
    if (value !== 'Occurrences') {
      this.report('spec.budgetingMethod', `only Occurrences budgeting is supported, got ${describeValue(value)}`);
    }
  }

  private objective(value: Json | undefined): number | undefined {
    const objectives = this.list(value, 'spec.objectives');
    if (objectives === undefined) {
      return undefined;
    }
    if (objectives.length === 0) {
      this.report('spec.objectives', 'one objective is required');
      return undefined;
    }
    objectives
      .slice(1)
      .forEach((_, index) => this.report(`spec.objectives[${index + 1}]`, 'only one objective per SLO is supported; split it into several SLOs'));
    const path = 'spec.objectives[0]';
    const objective = this.object(objectives[0], path);
    if (objective === undefined) {
      return undefined;
    }
    const timeslices = 'timeslice objectives are not supported; use Occurrences budgeting';
    this.checkFields(objective, path, ['displayName', 'target', 'targetPercent'], {
      op: 'threshold objectives (op/value) are not supported',
      value: 'threshold objectives (op/value) are not supported',
      timeSliceTarget: timeslices,
      timeSliceWindow: timeslices,
      indicator: 'per-objective indicators are not supported; set spec.indicator',
      indicatorRef: 'per-objective indicators are not supported; set spec.indicator',
      compositeWeight: 'composite SLOs are not supported',
    });
    if ((objective.target === undefined) === (objective.targetPercent === undefined)) {
      this.report(path, 'set exactly one of target (0..1) or targetPercent (0..100)');
      return undefined;
    }
    const [field, target] =
      objective.target !== undefined
        ? (['target', objective.target] as const)
        : (['targetPercent', typeof objective.targetPercent === 'number' ? objective.targetPercent / 100 : objective.targetPercent] as const);
    try {
      return validateObjective(target, `${path}.${field}`);
    } catch (error) {
      this.report(`${path}.${field}`, validationMessage(error));
      return undefined;
    }
  }

  /** Reports every key that is neither supported nor known-unsupported (with its reason). */
  private checkFields(value: JsonObject, path: string, supported: readonly string[], unsupportedReasons: Readonly<Record<string, string>> = {}): void {
    for (const key of Object.keys(value)) {
      if (supported.includes(key)) {
        continue;
      }
      this.report(join(path, key), unsupportedReasons[key] ?? 'is not supported by Ballast');
    }
  }

  private object(value: Json | undefined, path: string): JsonObject | undefined {
    if (isObject(value)) {
      return value;
    }
    this.report(path, value === undefined ? 'is required' : `must be a mapping, got ${describeValue(value)}`);
    return undefined;
  }

  private list(value: Json | undefined, path: string): Json[] | undefined {
    if (Array.isArray(value)) {
      return value;
    }
    this.report(path, value === undefined ? 'is required' : `must be a list, got ${describeValue(value)}`);
    return undefined;
  }

  private requiredString(value: Json | undefined, path: string): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') {
      return value;
    }
    this.report(path, value === undefined ? 'is required' : `must be a non-empty string, got ${describeValue(value)}`);
    return undefined;
  }

  private optionalString(value: Json | undefined, path: string): string | undefined {
    if (value === undefined || typeof value === 'string') {
      return value;
    }
    this.report(path, `must be a string, got ${describeValue(value)}`);
    return undefined;
  }

  private report(path: string, message: string): void {
    this.issues.push({ document: this.document, path, message });
  }
}

/** OpenSLO durations that are whole days: `28d`, `4w`, `720h`. Months, quarters, years are calendar-dependent. */
function durationInDays(duration: string): number | undefined {
  const match = /^([1-9][0-9]*)([dwh])$/.exec(duration.trim());
  if (!match) {
    return undefined;
  }
  const amount = Number(match[1]);
  switch (match[2]) {
    case 'd':
      return amount;
    case 'w':
      return amount * 7;
    default:
      return amount % 24 === 0 ? amount / 24 : undefined;
  }
}

/** The message of a validation error; anything else is a bug and propagates. */
function validationMessage(error: unknown): string {
  if (error instanceof SloValidationError) {
    return error.message;
  }
  throw error;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
