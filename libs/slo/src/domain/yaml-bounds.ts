import { Document, isMap, isScalar, LineCounter, visit } from 'yaml';
import { OpenSloImportError } from './errors';

/**
 * Bounds on YAML that enters through the API (OpenSLO / Sloth / Pyrra import),
 * kept apart from the importer so any importer can use them:
 *
 * - `assertYamlKeyBound`: an O(n) scan before parsing. Parsing is linear in the
 *   number of mapping keys but not cheap (tens of µs per key on a busy host),
 *   so a document with more keys than any real SLO file needs is refused
 *   before it costs the event loop anything.
 * - `duplicateKeyPositions`: the duplicate-key check in linear time (a Set per
 *   mapping). yaml's own `uniqueKeys: true` compares each key with every
 *   earlier one: 28,000 keys in 255 KB blocked the event loop ~10 s.
 */

/** More `key:` than 200 SLO documents of ~40 keys each ever need. */
export const YAML_MAX_KEYS = 10_000;

/** Upper bound on the mapping keys of a YAML text: every `:` followed by white space or the end (strings count too). */
export function estimatedYamlKeys(text: string): number {
  let keys = 0;
  for (let index = text.indexOf(':'); index !== -1; index = text.indexOf(':', index + 1)) {
    const next = text.charCodeAt(index + 1);
    if (Number.isNaN(next) || next === 32 || next === 10 || next === 13 || next === 9) keys++;
  }
  return keys;
}

export function assertYamlKeyBound(text: string, maxKeys = YAML_MAX_KEYS): void {
  const keys = estimatedYamlKeys(text);
  if (keys > maxKeys) {
    throw new OpenSloImportError([{ document: 0, path: '', message: `the YAML has about ${keys} mapping keys; at most ${maxKeys} are accepted` }]);
  }
}

/** "line L, column C" of every key that repeats an earlier key of the same mapping, in one pass. */
export function duplicateKeyPositions(document: Document, lineCounter: LineCounter): string[] {
  const positions: string[] = [];
  visit(document, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = pair.key;
        const name = isScalar(key) ? `s:${String(key.value)}` : `n:${String(key)}`;
        if (seen.has(name)) {
          const offset = (key as { range?: [number, number, number] } | null)?.range?.[0];
          const position = offset === undefined ? undefined : lineCounter.linePos(offset);
          positions.push(position ? `line ${position.line}, column ${position.col}` : 'an unknown position');
        }
        seen.add(name);
      }
    },
  });
  return positions;
}
