import { OpenSloImportError, OpenSloImportIssue } from '../errors';
import { RatioIndicator, SloIndicator } from '../slo-indicator';
import { SloPolicySeverity } from '../slo-policy';

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
  /** IANA time zone of a calendar window (`week`, `month`, `quarter`). */
  readonly timeZone?: string;
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

/** An SLO read from an OpenSLO file, before it is bound to a Ballast service. */
export interface ImportedSloDefinition {
  /** 0-based index of its YAML document in the file (for issues found later, e.g. an unknown service). */
  readonly document: number;
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  /** `spec.service` of the OpenSLO document: the Ballast service slug to attach to. */
  readonly service: string;
  readonly objective: number;
  readonly window: string;
  readonly indicator: RatioIndicator;
}
