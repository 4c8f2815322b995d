import { parser } from '@prometheus-io/lezer-promql';
import { describeValue, SloValidationError } from './errors';
import { formatPromqlDuration } from './slo-window';

/*
 * PromQL templates (Sloth's convention)
 * -------------------------------------
 * A template is a PromQL expression returning a per-second rate of events, in
 * which every range selector that should follow the evaluated window is written
 * `[{{.window}}]`, e.g. `sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))`.
 *
 * Ballast counts the events of a window of r seconds ending `o` seconds before
 * the evaluation time as `sum(<template with [{{.window}}] → [r] offset o>) * r`.
 * For `rate()` this is exactly `increase()` (Prometheus computes rate as the
 * extrapolated increase divided by the range), so a template and the selector
 * form give the same numbers on the same data.
 */

const WINDOW_PLACEHOLDER = /\[\s*\{\{\s*\.window\s*\}\}\s*\]/g;
const ANY_TEMPLATE_ACTION = /\{\{[^]*?\}\}/g;
/** A template's text is bounded: real ones are a few hundred characters. */
export const MAX_TEMPLATE_LENGTH = 4000;

/** True for the text of a template (as opposed to a series selector). */
export function isPromqlTemplate(text: string): boolean {
  WINDOW_PLACEHOLDER.lastIndex = 0;
  return WINDOW_PLACEHOLDER.test(text);
}

/** The template with every `[{{.window}}]` replaced by `[<range>]`, plus ` offset <o>` when o > 0. */
export function expandTemplate(template: string, rangeSeconds: number, offsetSeconds = 0): string {
  const offset = offsetSeconds > 0 ? ` offset ${formatPromqlDuration(offsetSeconds)}` : '';
  return template.replace(WINDOW_PLACEHOLDER, `[${formatPromqlDuration(rangeSeconds)}]${offset}`);
}

/** Events of a window from a template: the summed per-second rate times the window's seconds. */
export function templateIncreaseQuery(template: string, rangeSeconds: number, offsetSeconds = 0): string {
  return `(sum(${expandTemplate(template, rangeSeconds, offsetSeconds)}) * ${rangeSeconds})`;
}

/**
 * Checks a template: a non-empty string with `{{.window}}` (only as a whole
 * range, `[{{.window}}]`, and no other template action), which parses as
 * PromQL (the official grammar, @prometheus-io/lezer-promql) once the window is
 * filled in, returns an instant vector (not a range, a string or a bare
 * number) and sets no `offset`/`@` of its own (Ballast sets the evaluation
 * time). Returns the trimmed template.
 */
export function validatePromqlTemplate(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SloValidationError(field, value === undefined ? `${field} is required` : `${field} must be a PromQL expression, got ${describeValue(value)}`);
  }
  const template = value.trim();
  if (template.length > MAX_TEMPLATE_LENGTH) {
    throw new SloValidationError(field, `${field} is longer than ${MAX_TEMPLATE_LENGTH} characters`);
  }
  if (!isPromqlTemplate(template)) {
    throw new SloValidationError(
      field,
      `${field} must use {{.window}} as the range of its range selectors, e.g. rate(http_requests_total[{{.window}}]); got ${describeValue(template)}`,
    );
  }
  const others = template.replace(WINDOW_PLACEHOLDER, '[]').match(ANY_TEMPLATE_ACTION);
  if (others) {
    throw new SloValidationError(field, `${field} may only contain {{.window}}, written as a range [{{.window}}]; found ${describeValue(others[0])}`);
  }
  const expanded = expandWithPositions(template);
  const tree = parser.parse(expanded.text);
  let syntaxError: number | undefined;
  const problems: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError && syntaxError === undefined) {
        syntaxError = node.from;
      }
      if (node.name === 'OffsetExpr' || node.name === 'At') {
        problems.push(`${field} must not use "offset" or "@"; Ballast chooses the evaluation time of each window`);
      }
      return syntaxError === undefined;
    },
  });
  if (syntaxError !== undefined) {
    const position = lineAndColumn(template, expanded.originalOffset(syntaxError));
    throw new SloValidationError(
      field,
      `${field} is not valid PromQL: syntax error at line ${position.line}, column ${position.column} (near ${describeValue(template.slice(expanded.originalOffset(syntaxError), expanded.originalOffset(syntaxError) + 20))})`,
    );
  }
  if (problems.length > 0) {
    throw new SloValidationError(field, problems[0]);
  }
  const resultType = expressionResultType(tree.topNode.firstChild);
  if (resultType !== 'vector') {
    throw new SloValidationError(
      field,
      `${field} must return an instant vector (a per-second rate, e.g. sum(rate(x[{{.window}}]))), but it returns ${resultType === 'matrix' ? 'a range vector' : resultType === 'string' ? 'a string' : 'a number'}`,
    );
  }
  return template;
}

type ResultType = 'vector' | 'matrix' | 'string' | 'scalar';

interface SyntaxNodeLike {
  readonly name: string;
  readonly firstChild: SyntaxNodeLike | null;
  readonly nextSibling: SyntaxNodeLike | null;
}

/** The value type of an expression node, from the grammar's node names. */
function expressionResultType(node: SyntaxNodeLike | null): ResultType {
  if (node === null) {
    return 'scalar';
  }
  switch (node.name) {
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'StringLiteral':
      return 'string';
    case 'NumberDurationLiteral':
    case 'NumberLiteral':
      return 'scalar';
    case 'ParenExpr':
    case 'OffsetExpr':
    case 'StepInvariantExpr':
      return expressionResultType(node.firstChild);
    case 'UnaryExpr':
      return expressionResultType(lastChild(node));
    case 'BinaryExpr': {
      const left = expressionResultType(node.firstChild);
      const right = expressionResultType(lastChild(node));
      return left === 'vector' || right === 'vector' ? 'vector' : left === 'scalar' && right === 'scalar' ? 'scalar' : left;
    }
    case 'FunctionCall': {
      const name = node.firstChild?.firstChild?.name;
      // Functions that return scalars; everything else a template would use returns a vector.
      return name === 'Scalar' || name === 'Time' || name === 'Pi' ? 'scalar' : 'vector';
    }
    default:
      return 'vector';
  }
}

function lastChild(node: SyntaxNodeLike): SyntaxNodeLike | null {
  let child = node.firstChild;
  while (child?.nextSibling) {
    child = child.nextSibling;
  }
  return child;
}

/** The template with a sample window, and a map from positions in it back to the template. */
function expandWithPositions(template: string): { text: string; originalOffset: (position: number) => number } {
  const replacement = '[5m]';
  const shifts: Array<{ at: number; originalAt: number; length: number; originalLength: number }> = [];
  let text = '';
  let last = 0;
  for (const match of template.matchAll(WINDOW_PLACEHOLDER)) {
    const index = match.index ?? 0;
    text += template.slice(last, index);
    shifts.push({ at: text.length, originalAt: index, length: replacement.length, originalLength: match[0].length });
    text += replacement;
    last = index + match[0].length;
  }
  text += template.slice(last);
  return {
    text,
    originalOffset: (position) => {
      let delta = 0;
      for (const shift of shifts) {
        if (position >= shift.at + shift.length) {
          delta = shift.originalAt + shift.originalLength - (shift.at + shift.length);
        } else if (position >= shift.at) {
          return shift.originalAt;
        }
      }
      return Math.min(position + delta, template.length);
    },
  };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
