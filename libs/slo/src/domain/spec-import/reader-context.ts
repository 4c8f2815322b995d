import { describeValue, OpenSloImportIssue, SloValidationError } from '../errors';
import { validateObjective } from '../slo-math';
import { MAX_WINDOW_DAYS } from '../slo-window';
import { isObject, Json, JsonObject, percentToRatio } from './json';
import { SpecImportOptions, SpecServiceDefinition } from './spec-types';

export interface Named<T> {
  readonly document: number;
  readonly path: string;
  readonly value: T;
}

/**
 * What every format reader of one import shares: the issues and notes found so
 * far, the document being read, the named OpenSLO documents SLOs refer to, and
 * the checks that report into them.
 */
export class SpecReadContext {
  readonly issues: OpenSloImportIssue[] = [];
  readonly notes: OpenSloImportIssue[] = [];
  document = 0;
  readonly slis = new Map<string, Named<Json | undefined>>();
  readonly dataSources = new Map<string, Named<JsonObject>>();
  readonly alertPolicies = new Map<string, Named<JsonObject>>();
  readonly alertConditions = new Map<string, Named<JsonObject>>();
  readonly services: SpecServiceDefinition[] = [];
  /** Source paths of the indicator fields read last (set by ratioIndicator/pyrraLatency). */
  lastPaths: Record<string, string> = {};

  constructor(readonly options: SpecImportOptions) {}

  target(objective: JsonObject, path: string): number | undefined {
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

  budgetingMethod(value: Json | undefined, path: string): void {
    if (value === undefined) {
      this.report(path, 'is required (Occurrences)');
    } else if (value === 'Timeslices' || value === 'RatioTimeslices') {
      this.report(path, `${value} budgeting is not supported yet; use Occurrences`);
    } else if (value !== 'Occurrences') {
      this.report(path, `must be Occurrences, Timeslices or RatioTimeslices, got ${describeValue(value)}`);
    }
  }

  /** A rolling duration (`28d`, `4w`, `720h`, `2w`) as Ballast's `Nd`. */
  rollingDays(duration: string, path: string): string | undefined {
    const match = /^([1-9][0-9]*)([dwh])$/.exec(duration.trim());
    const amount = match ? Number(match[1]) : Number.NaN;
    const days = !match ? undefined : match[2] === 'd' ? amount : match[2] === 'w' ? amount * 7 : amount % 24 === 0 ? amount / 24 : undefined;
    if (days === undefined || days < 1 || days > MAX_WINDOW_DAYS) {
      this.report(path, `must be a rolling window of whole days between 1 and ${MAX_WINDOW_DAYS} (e.g. 28d, 4w), got ${describeValue(duration)}`);
      return undefined;
    }
    return `${days}d`;
  }

  labels(value: Json | undefined, path: string): Record<string, string> {
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

  metadataName(metadata: JsonObject): string | undefined {
    this.checkFields(metadata, 'metadata', ['name', 'displayName', 'labels', 'annotations', 'namespace']);
    return this.requiredString(metadata.name, 'metadata.name');
  }

  validated<T>(action: () => T, path: string, fieldPath: (field: string) => string = () => path): T | undefined {
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

  inDocument<T>(document: number, action: () => T): T {
    const current = this.document;
    this.document = document;
    try {
      return action();
    } finally {
      this.document = current;
    }
  }

  checkFields(value: JsonObject, path: string, supported: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!supported.includes(key)) this.report(path === '' ? key : `${path}.${key}`, 'is not a field of this document');
    }
  }

  object(value: Json | undefined, path: string): JsonObject | undefined {
    if (isObject(value)) return value;
    this.report(path, value === undefined || value === null ? 'is required' : `must be a mapping, got ${describeValue(value)}`);
    return undefined;
  }

  list(value: Json | undefined, path: string): Json[] | undefined {
    if (Array.isArray(value)) return value;
    this.report(path, value === undefined || value === null ? 'is required' : `must be a list, got ${describeValue(value)}`);
    return undefined;
  }

  /** `spec.objectives`: a list with at least one entry; [] after reporting otherwise. */
  objectives(value: Json | undefined): Json[] {
    const objectives = this.list(value, 'spec.objectives');
    if (objectives === undefined) return [];
    if (objectives.length === 0) this.report('spec.objectives', 'needs at least one objective');
    return objectives;
  }

  requiredString(value: Json | undefined, path: string): string | undefined {
    if (typeof value === 'string' && value.trim() !== '') return value;
    this.report(path, value === undefined || value === null ? 'is required' : `must be a non-empty string, got ${describeValue(value)}`);
    return undefined;
  }

  optionalString(value: Json | undefined, path: string): string | undefined {
    if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
    this.report(path, `must be a string, got ${describeValue(value)}`);
    return undefined;
  }

  report(path: string, message: string): void {
    this.issues.push({ document: this.document, path, message });
  }

  note(path: string, message: string): void {
    this.notes.push({ document: this.document, path, message });
  }
}
