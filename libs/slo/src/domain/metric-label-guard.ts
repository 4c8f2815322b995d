import { parser } from '@prometheus-io/lezer-promql';
import { isTemplateIndicator, type SloIndicator } from './slo-indicator';
import { expandTemplate } from './promql-template';

/**
 * Required metric labels (like prom-label-proxy): a team may be bound to
 * label matchers, e.g. `{ team: "payments" }`. Every vector or matrix
 * selector of every query of its SLOs must then carry each of them as an
 * equality matcher with exactly that value, so the SLO reads only that team's
 * series. A regex or negative matcher on the label does not count.
 */
export type RequiredMetricLabels = Readonly<Record<string, string>>;

/** One selector of one field lacking one required label. */
export interface MissingMetricLabel {
  /** `indicator.total`, `indicator.badQuery`, … */
  readonly field: string;
  readonly label: string;
  readonly value: string;
  /** The selector as written (trimmed to 200 characters). */
  readonly selector: string;
}

/**
 * The team's required labels: its own `metricLabels` when set (an empty
 * object requires nothing), else `{ <defaultLabel>: <team slug> }` when a
 * default label is configured (SLO_REQUIRED_TEAM_LABEL), else none.
 */
export function requiredMetricLabels(
  team: { readonly slug: string; readonly metricLabels: RequiredMetricLabels | null },
  defaultLabel?: string,
): RequiredMetricLabels {
  if (team.metricLabels !== null) return team.metricLabels;
  return defaultLabel ? { [defaultLabel]: team.slug } : {};
}

/** The queries of an indicator by field, as the API names them. */
export function indicatorQueries(indicator: SloIndicator, fieldPrefix = 'indicator'): Array<{ readonly field: string; readonly query: string }> {
  if (isTemplateIndicator(indicator)) {
    return [
      { field: `${fieldPrefix}.totalQuery`, query: indicator.totalQuery },
      indicator.badQuery !== undefined
        ? { field: `${fieldPrefix}.badQuery`, query: indicator.badQuery }
        : { field: `${fieldPrefix}.goodQuery`, query: indicator.goodQuery },
    ];
  }
  if (indicator.kind === 'ratio') {
    return [
      { field: `${fieldPrefix}.total`, query: indicator.total },
      indicator.bad !== undefined ? { field: `${fieldPrefix}.bad`, query: indicator.bad } : { field: `${fieldPrefix}.good`, query: indicator.good as string },
    ];
  }
  if (indicator.kind === 'threshold') return [{ field: `${fieldPrefix}.query`, query: indicator.query }];
  return [{ field: `${fieldPrefix}.histogram`, query: indicator.histogram }];
}

/** Every required label missing from any selector of the indicator, in field order; empty when it conforms. */
export function missingMetricLabels(indicator: SloIndicator, required: RequiredMetricLabels, fieldPrefix = 'indicator'): MissingMetricLabel[] {
  const labels = Object.entries(required);
  if (labels.length === 0) return [];
  const missing: MissingMetricLabel[] = [];
  for (const { field, query } of indicatorQueries(indicator, fieldPrefix)) {
    for (const selector of vectorSelectors(expandTemplate(query, 300))) {
      for (const [label, value] of labels) {
        if (!selector.equalities.some((matcher) => matcher.name === label && matcher.value === value)) {
          missing.push({ field, label, value, selector: selector.text.slice(0, 200) });
        }
      }
    }
  }
  return missing;
}

/** One sentence for a missing label, naming the field, the label and the selector. */
export function describeMissingMetricLabel(missing: MissingMetricLabel): string {
  return `${missing.field} must carry the label matcher ${missing.label}=${JSON.stringify(missing.value)} required for this team's metrics (in ${missing.selector})`;
}

interface ParsedSelector {
  readonly text: string;
  /** The `name="value"` matchers (equality only); a value that cannot be read is left out. */
  readonly equalities: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

interface SyntaxNodeLike {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly firstChild: SyntaxNodeLike | null;
  readonly nextSibling: SyntaxNodeLike | null;
}

/** Every VectorSelector of a PromQL expression (inside matrix selectors and subqueries too). */
function vectorSelectors(expression: string): ParsedSelector[] {
  const selectors: ParsedSelector[] = [];
  const tree = parser.parse(expression);
  tree.iterate({
    enter: (node) => {
      if (node.name !== 'VectorSelector') return true;
      selectors.push({ text: expression.slice(node.from, node.to), equalities: equalityMatchers(node.node as SyntaxNodeLike, expression) });
      return false;
    },
  });
  return selectors;
}

function equalityMatchers(selector: SyntaxNodeLike, text: string): Array<{ name: string; value: string }> {
  const found: Array<{ name: string; value: string }> = [];
  for (const matchers of children(selector).filter((child) => child.name === 'LabelMatchers')) {
    for (const matcher of children(matchers)) {
      if (matcher.name !== 'UnquotedLabelMatcher' && matcher.name !== 'QuotedLabelMatcher') continue;
      const parts = children(matcher);
      const nameNode = parts.find((part) => part.name === 'LabelName' || part.name === 'QuotedLabelName');
      const operator = parts.find((part) => part.name === 'MatchOp');
      const valueNode = parts.find((part) => part.name === 'StringLiteral');
      if (!nameNode || !operator || !valueNode || operator.firstChild?.name !== 'EqlSingle') continue;
      const name = nameNode.name === 'LabelName' ? text.slice(nameNode.from, nameNode.to) : unquote(text.slice(nameNode.from, nameNode.to));
      const value = unquote(text.slice(valueNode.from, valueNode.to));
      if (name !== undefined && value !== undefined) found.push({ name, value });
    }
  }
  return found;
}

function children(node: SyntaxNodeLike): SyntaxNodeLike[] {
  const list: SyntaxNodeLike[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
  return list;
}

/**
 * A PromQL string literal's value: `raw` strings as they are, "…" and '…'
 * with their escapes. An escape JSON does not know (\a, \x41, \101) makes the
 * value unreadable here: undefined, so the matcher does not count (safe side).
 */
function unquote(literal: string): string | undefined {
  if (literal.length < 2) return undefined;
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  if (quote !== '"' && quote !== "'") return undefined;
  const asJson = quote === '"' ? body : body.replace(/\\'/g, "'").replace(/"/g, '\\"');
  try {
    return JSON.parse(`"${asJson}"`) as string;
  } catch {
    return undefined;
  }
}
