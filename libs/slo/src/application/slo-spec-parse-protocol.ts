import type { OpenSloImportIssue } from '../domain/errors';
import type { SpecImport, SpecImportOptions } from '../domain/slo-spec-import';

/** Serving thread → spec parse worker. */
export interface SpecParseRequest {
  readonly id: number;
  readonly text: string;
  readonly options: SpecImportOptions;
}

/** A typed domain error, as plain data. */
export type SpecParseFailure =
  | { readonly type: 'import'; readonly issues: readonly OpenSloImportIssue[] }
  | { readonly type: 'validation'; readonly field: string; readonly message: string }
  | { readonly type: 'other'; readonly message: string };

/** Spec parse worker → serving thread. */
export type SpecParseReply =
  { readonly id: number; readonly ok: true; readonly value: SpecImport } | { readonly id: number; readonly ok: false; readonly error: SpecParseFailure };
