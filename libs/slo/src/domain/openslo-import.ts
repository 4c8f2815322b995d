import { OpenSloImportError } from './errors';
import { assertYamlKeyBound } from './yaml-bounds';
import { withoutDuplicates } from './spec-import/json';
import { OpenSloImporter } from './spec-import/openslo-importer';
import { ImportedSloDefinition } from './spec-import/spec-types';
import { estimatedNestingDepth, OPENSLO_MAX_CHARACTERS, OPENSLO_MAX_NESTING, parseYamlDocuments } from './spec-import/yaml-documents';

export { type ImportedSloDefinition } from './spec-import/spec-types';
export {
  OPENSLO_MAX_ALIAS_COUNT,
  OPENSLO_MAX_CHARACTERS,
  OPENSLO_MAX_DOCUMENTS,
  OPENSLO_MAX_NESTING,
  readYamlDocuments,
  SPEC_MAX_CHARACTERS,
  SPEC_MAX_DOCUMENTS,
} from './spec-import/yaml-documents';

/**
 * Imports OpenSLO v1 `SLO` documents (and `SLI` documents they reference with
 * `indicatorRef`) from one YAML file of one or more documents.
 *
 * Supported: ratioMetric good/bad + total with `counter: true` and inline
 * Prometheus sources whose query is a counter selector, one rolling `timeWindow`
 * of whole days (`Nd`, `Nw`, `Nh` that makes whole days) up to 90 days,
 * `budgetingMethod: Occurrences`, one objective with `target` or `targetPercent`.
 *
 * Everything else (calendar windows, Timeslices/RatioTimeslices budgeting,
 * thresholdMetric, raw ratios, other data sources, DataSource references, alert
 * policies, several objectives, other kinds) is reported: the error lists every
 * unsupported or invalid field with its path, and nothing is returned unless the
 * whole file imports.
 */
export function importOpenSlo(text: string): ImportedSloDefinition[] {
  if (text.length > OPENSLO_MAX_CHARACTERS) {
    throw new OpenSloImportError([{ document: 0, path: '', message: `the file is larger than ${OPENSLO_MAX_CHARACTERS} characters` }]);
  }
  // Cheapest check first: the key bound is one indexOf pass, the depth estimate a regex per line.
  assertYamlKeyBound(text);
  const depth = estimatedNestingDepth(text);
  if (depth.depth > OPENSLO_MAX_NESTING) {
    throw new OpenSloImportError([{ document: 0, path: '', message: `the YAML is nested deeper than ${OPENSLO_MAX_NESTING} levels (line ${depth.line})` }]);
  }
  const contents = parseYamlDocuments(text);
  const importer = new OpenSloImporter();
  const slos = importer.importDocuments(contents);
  if (importer.issues.length > 0) {
    throw new OpenSloImportError(withoutDuplicates(importer.issues));
  }
  if (slos.length === 0) {
    throw new OpenSloImportError([{ document: 0, path: '', message: 'the file contains no SLO document' }]);
  }
  return slos;
}
