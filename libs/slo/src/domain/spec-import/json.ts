import { OpenSloImportIssue } from '../errors';

/** A YAML document's content as plain JSON values. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Located {
  readonly text: string;
  /** Where the text is in its document. */
  readonly path: string;
}

/** 99.9 → 0.999 without the binary noise of a plain division (0.9990000000000001). */
export function percentToRatio(percent: number): number {
  return Number((percent / 100).toPrecision(12));
}

/** An issue found twice (e.g. in an SLI document referenced by several SLOs) is reported once. */
export function withoutDuplicates(issues: readonly OpenSloImportIssue[]): OpenSloImportIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = JSON.stringify([issue.document, issue.path, issue.message]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
