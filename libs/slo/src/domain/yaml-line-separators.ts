import { Document, isScalar, visit } from 'yaml';

/** NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: line breaks to YAML 1.1 readers (Go's yaml, hence promtool), plain text to yaml's writer. */
const UNICODE_LINE_BREAKS = /[\u0085\u2028\u2029]/g;

/**
 * Renders a document so that user text with Unicode line separators (an SLO
 * named with U+2028, say) stays one valid scalar for every reader: such
 * strings are double-quoted and the separators written as `\uXXXX` escapes.
 */
export function renderYamlWithEscapedLineBreaks(document: Document, options: Parameters<Document['toString']>[0] = {}): string {
  let found = false;
  visit(document, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string' && /[\u0085\u2028\u2029]/.test(node.value)) {
        node.type = 'QUOTE_DOUBLE';
        found = true;
      }
    },
  });
  const text = document.toString(options);
  // Only the scalars quoted above hold these characters, and in double quotes an escape means the same character.
  return found ? text.replace(UNICODE_LINE_BREAKS, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}
