import { OpenSloImportError } from './errors';
import { readYamlDocuments } from './openslo-import';
import { Json, withoutDuplicates } from './spec-import/json';
import { SpecReader } from './spec-import/spec-reader';
import { MAX_IMPORTED_SLOS, SloSpecImportError, SpecImport, SpecImportOptions } from './spec-import/spec-types';

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

export {
  MAX_IMPORTED_SLOS,
  type SloAlertingSpec,
  SLOTH_DEFAULT_WINDOW,
  SloSpecImportError,
  type SpecFormat,
  type SpecImport,
  type SpecImportOptions,
  type SpecServiceDefinition,
  type SpecSloDefinition,
} from './spec-import/spec-types';

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
  if (reader.ctx.issues.length > 0) {
    throw new SloSpecImportError(withoutDuplicates(reader.ctx.issues));
  }
  if (result.slos.length === 0) {
    throw new SloSpecImportError([{ document: 0, path: '', message: 'the file contains no SLO (OpenSLO SLO, Sloth or Pyrra spec)' }]);
  }
  if (result.slos.length > MAX_IMPORTED_SLOS) {
    throw new SloSpecImportError([{ document: 0, path: '', message: `the file defines ${result.slos.length} SLOs; at most ${MAX_IMPORTED_SLOS} per import` }]);
  }
  return result;
}
