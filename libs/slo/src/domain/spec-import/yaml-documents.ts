import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { OpenSloImportError, OpenSloImportIssue } from '../errors';
import { assertYamlKeyBound, duplicateKeyPositions } from '../yaml-bounds';
import { Json } from './json';

export const OPENSLO_MAX_CHARACTERS = 512 * 1024;
export const OPENSLO_MAX_DOCUMENTS = 200;
/** Aliases a document may resolve; low because OpenSLO files need few, and alias bombs need many. */
export const OPENSLO_MAX_ALIAS_COUNT = 50;
/**
 * Bound on an estimate of nesting depth (indentation columns + leading `- `/`? `/`: `
 * indicators + open flow brackets). The YAML composer recurses per level, and a
 * deep enough document (100 KB of `- - - ...`) can abort the whole Node process
 * from inside V8 instead of throwing, so depth is checked before parsing.
 */
export const OPENSLO_MAX_NESTING = 100;

/** The documents of an OpenSLO file (the caller checks importOpenSlo's size and nesting bounds first). */
export function parseYamlDocuments(text: string): Array<Json | undefined> {
  // Duplicate keys are found in linear time below (yaml's uniqueKeys check is quadratic).
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: true, lineCounter });
  const issues: OpenSloImportIssue[] = [];
  if (documents.length > OPENSLO_MAX_DOCUMENTS) {
    throw new OpenSloImportError([{ document: 0, path: '', message: `the file has more than ${OPENSLO_MAX_DOCUMENTS} YAML documents` }]);
  }
  const contents = documents.map((document, index) => {
    for (const error of document.errors) {
      // With prettyErrors the first line reads "<problem> at line L, column C:", followed by context.
      issues.push({ document: index, path: '', message: `invalid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}` });
    }
    for (const position of duplicateKeyPositions(document, lineCounter)) {
      issues.push({ document: index, path: '', message: `invalid YAML: Map keys must be unique at ${position}` });
    }
    if (issues.some((issue) => issue.document === index)) {
      return undefined;
    }
    return documentContents(document, index, issues) as Json | undefined;
  });
  if (issues.length > 0) {
    throw new OpenSloImportError(issues);
  }
  return contents;
}

/**
 * Over-estimates how deep the YAML nests without parsing it: brackets inside
 * strings or comments count too, which only makes the check stricter.
 */
export function estimatedNestingDepth(text: string): { depth: number; line: number } {
  let flowDepth = 0;
  let deepest = { depth: 0, line: 0 };
  text.split('\n').forEach((line, index) => {
    const indentation = /^ */.exec(line)?.[0].length ?? 0;
    const indicators = /^(?:[-?:](?: +|$))*/.exec(line.slice(indentation))?.[0].replace(/ /g, '').length ?? 0;
    let lineDepth = indentation + indicators + flowDepth;
    // charCodeAt, not for-of: the string iterator made this scan cost ~100 ms of event loop on a 250 KB document.
    for (let position = 0; position < line.length; position++) {
      const char = line[position];
      if (char === '[' || char === '{') {
        flowDepth += 1;
        lineDepth = Math.max(lineDepth, indentation + indicators + flowDepth);
      } else if ((char === ']' || char === '}') && flowDepth > 0) {
        flowDepth -= 1;
      }
    }
    if (lineDepth > deepest.depth) {
      deepest = { depth: lineDepth, line: index + 1 };
    }
  });
  return deepest;
}

/** Bounds of the multi-format importer: a file of 1,000 SLOs is about 1 MB of YAML. */
export const SPEC_MAX_CHARACTERS = 4 * 1024 * 1024;
export const SPEC_MAX_DOCUMENTS = 5000;

/**
 * The documents of a YAML text, bounded like importOpenSlo (size, nesting,
 * document count, aliases) with the multi-format importer's limits.
 */
export function readYamlDocuments(text: string): unknown[] {
  const reject = (message: string): never => {
    throw new OpenSloImportError([{ document: 0, path: '', message }]);
  };
  if (text.length > SPEC_MAX_CHARACTERS) reject(`the file is larger than ${SPEC_MAX_CHARACTERS} characters`);
  const depth = estimatedNestingDepth(text);
  if (depth.depth > OPENSLO_MAX_NESTING) reject(`the YAML is nested deeper than ${OPENSLO_MAX_NESTING} levels (line ${depth.line})`);
  // O(n) before parsing: more keys than any real spec file needs are refused before they cost anything.
  assertYamlKeyBound(text);
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  if (documents.length > SPEC_MAX_DOCUMENTS) reject(`the file has more than ${SPEC_MAX_DOCUMENTS} YAML documents`);
  const issues: OpenSloImportIssue[] = [];
  const contents = documents.map((document, index) => {
    for (const error of document.errors) {
      issues.push({ document: index, path: '', message: `invalid YAML: ${error.message.split('\n')[0].replace(/:$/, '')}` });
    }
    if (document.errors.length > 0) return undefined;
    return documentContents(document, index, issues);
  });
  if (issues.length > 0) throw new OpenSloImportError(issues);
  return contents;
}

/** A parsed document's contents with aliases bounded; undefined after reporting aliases that expand too much. */
function documentContents(document: Document, index: number, issues: OpenSloImportIssue[]): unknown {
  try {
    return document.toJS({ maxAliasCount: OPENSLO_MAX_ALIAS_COUNT }) as unknown;
  } catch (error) {
    issues.push({
      document: index,
      path: '',
      message: `YAML aliases expand too much or cannot be resolved (${error instanceof Error ? error.message : String(error)})`,
    });
    return undefined;
  }
}
