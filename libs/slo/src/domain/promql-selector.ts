import { describeValue, SloValidationError } from './errors';

export type LabelMatchOperator = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly operator: LabelMatchOperator;
  /** The unquoted value (or regular expression source for `=~`/`!~`). */
  readonly value: string;
}

/** An instant vector selector: `metric{label="value", ...}` and nothing else. */
export interface SeriesSelector {
  readonly metricName?: string;
  readonly matchers: readonly LabelMatcher[];
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MAX_SELECTOR_LENGTH = 4096;

/**
 * Words the PromQL lexer reads as keywords or numbers, so they can't be a bare
 * metric name (Prometheus would reject or misread `sum{job="x"}`).
 */
const PROMQL_KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'atan2',
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'start',
  'end',
  'inf',
  'nan',
]);

/**
 * Parses a PromQL instant vector selector and rejects anything else: functions,
 * operators, range selectors, `offset`, `@`. SLO indicators are counters that
 * Ballast wraps in `increase()`/`rate()` itself, so an arbitrary expression would
 * produce a query that is wrong or does not parse.
 *
 * Regular expressions are not compiled here (Prometheus uses RE2); the create/
 * update flow runs a test query against Prometheus for that.
 */
export function parseSeriesSelector(text: unknown, field = 'selector'): SeriesSelector {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new SloValidationError(field, `${field} must be a PromQL series selector, got ${describeValue(text)}`);
  }
  if (text.length > MAX_SELECTOR_LENGTH) {
    throw new SloValidationError(field, `${field} is longer than ${MAX_SELECTOR_LENGTH} characters`);
  }
  const selector = new SelectorParser(text, field).parse();
  checkSelectorIsUsable(selector, field);
  return selector;
}

/** Canonical text of a selector: `name{a="x",b=~"y"}`, values quoted safely. */
export function formatSeriesSelector(selector: SeriesSelector): string {
  const matchers = selector.matchers.map((matcher) => `${matcher.name}${matcher.operator}${quotePromqlString(matcher.value)}`);
  const metricName = selector.metricName ?? '';
  return matchers.length === 0 ? metricName : `${metricName}{${matchers.join(',')}}`;
}

/**
 * Adds matchers to a selector without string concatenation, so a value can't
 * close the brace or the quote (`"} or vector(1) #` stays a label value).
 * An added matcher replaces an existing matcher on the same label and operator.
 */
export function withLabelMatchers(selector: string | SeriesSelector, added: readonly LabelMatcher[]): string {
  const parsed = typeof selector === 'string' ? parseSeriesSelector(selector) : selector;
  for (const matcher of added) {
    if (!LABEL_NAME.test(matcher.name)) {
      throw new SloValidationError('selector', `Invalid label name ${describeValue(matcher.name)}`);
    }
    checkLabelValue(matcher.value, 'selector');
  }
  const kept = parsed.matchers.filter((existing) => !added.some((matcher) => matcher.name === existing.name && matcher.operator === existing.operator));
  return formatSeriesSelector({ metricName: parsed.metricName, matchers: [...kept, ...added] });
}

/**
 * A PromQL double-quoted string literal. JSON escaping is a subset of the Go
 * escapes PromQL understands (`\"`, `\\`, `\n`, `\uXXXX`), and lone surrogates,
 * the one thing JSON can emit that Go rejects, are refused by `checkLabelValue`.
 */
export function quotePromqlString(value: string): string {
  checkLabelValue(value, 'selector');
  return JSON.stringify(value);
}

/** The metric name a selector selects, from its bare name or a `__name__="..."` matcher. */
export function selectorMetricName(selector: SeriesSelector): string | undefined {
  return selector.metricName ?? selector.matchers.find((m) => m.name === '__name__' && m.operator === '=')?.value;
}

function checkSelectorIsUsable(selector: SeriesSelector, field: string): void {
  const nameMatchers = selector.matchers.filter((matcher) => matcher.name === '__name__');
  if (selector.metricName !== undefined && nameMatchers.length > 0) {
    throw new SloValidationError(field, `${field} sets the metric name twice (bare name and __name__ matcher)`);
  }
  // Prometheus refuses selectors that would match every series.
  const hasNonEmptyMatcher = selector.metricName !== undefined || selector.matchers.some((matcher) => !matchesEmptyString(matcher));
  if (!hasNonEmptyMatcher) {
    throw new SloValidationError(field, `${field} must contain a metric name or at least one matcher that does not match the empty string`);
  }
}

function matchesEmptyString(matcher: LabelMatcher): boolean {
  switch (matcher.operator) {
    case '=':
      return matcher.value === '';
    case '!=':
      return matcher.value !== '';
    case '=~':
    case '!~': {
      let matchesEmpty: boolean;
      try {
        matchesEmpty = new RegExp(`^(?:${matcher.value})$`, 'u').test('');
      } catch {
        // Not a JavaScript regular expression (RE2 differs); let Prometheus decide.
        return false;
      }
      return matcher.operator === '=~' ? matchesEmpty : !matchesEmpty;
    }
  }
}

function checkLabelValue(value: string, field: string): void {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
    throw new SloValidationError(field, `${field} contains a label value that is not valid UTF-8`);
  }
}

class SelectorParser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly field: string,
  ) {}

  parse(): SeriesSelector {
    this.skipWhitespace();
    const metricName = this.readIdentifier(/[a-zA-Z0-9_:]/, /[a-zA-Z_:]/);
    if (metricName !== undefined && PROMQL_KEYWORDS.has(metricName.toLowerCase())) {
      this.fail(`"${metricName}" is a PromQL keyword, not a metric name; use {__name__="${metricName}"}`);
    }
    this.skipWhitespace();
    const matchers: LabelMatcher[] = [];
    if (this.peek() === '{') {
      this.position += 1;
      this.readMatchers(matchers);
    } else if (metricName === undefined) {
      this.fail('expected a metric name or "{"');
    }
    this.skipWhitespace();
    if (this.position < this.text.length) {
      this.fail(
        `unexpected ${JSON.stringify(this.text.slice(this.position, this.position + 20))}; ` +
          'only a series selector is allowed here (no functions, operators, ranges or offsets)',
      );
    }
    return metricName === undefined ? { matchers } : { metricName, matchers };
  }

  private readMatchers(matchers: LabelMatcher[]): void {
    for (;;) {
      this.skipWhitespace();
      if (this.peek() === '}') {
        this.position += 1;
        return;
      }
      const name = this.readIdentifier(/[a-zA-Z0-9_]/, /[a-zA-Z_]/);
      if (name === undefined) {
        this.fail('expected a label name');
      }
      this.skipWhitespace();
      const operator = this.readOperator();
      this.skipWhitespace();
      const value = this.readString();
      checkLabelValue(value, this.field);
      matchers.push({ name, operator, value });
      this.skipWhitespace();
      const separator = this.peek();
      if (separator === ',') {
        this.position += 1;
      } else if (separator !== '}') {
        this.fail('expected "," or "}" after a label matcher');
      }
    }
  }

  private readIdentifier(rest: RegExp, first: RegExp): string | undefined {
    const start = this.position;
    if (this.position < this.text.length && first.test(this.text[this.position])) {
      this.position += 1;
      while (this.position < this.text.length && rest.test(this.text[this.position])) {
        this.position += 1;
      }
    }
    return this.position > start ? this.text.slice(start, this.position) : undefined;
  }

  private readOperator(): LabelMatchOperator {
    for (const operator of ['=~', '!~', '!=', '='] as const) {
      if (this.text.startsWith(operator, this.position)) {
        this.position += operator.length;
        return operator;
      }
    }
    this.fail('expected one of =, !=, =~, !~');
  }

  /** Reads a PromQL string literal: "..." or '...' with Go escapes, or `raw`. */
  private readString(): string {
    const quote = this.peek();
    if (quote !== '"' && quote !== "'" && quote !== '`') {
      this.fail('expected a quoted label value');
    }
    this.position += 1;
    let value = '';
    for (;;) {
      if (this.position >= this.text.length) {
        this.fail('unterminated quoted string');
      }
      const char = this.text[this.position];
      this.position += 1;
      if (char === quote) {
        return value;
      }
      if (quote !== '`' && char === '\n') {
        this.fail('newline in quoted string');
      }
      value += quote !== '`' && char === '\\' ? this.readEscape(quote) : char;
    }
  }

  private readEscape(quote: string): string {
    const char = this.text[this.position];
    this.position += 1;
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (char === quote) {
      return quote;
    }
    if (char !== undefined && char in simple) {
      return simple[char];
    }
    const hexDigits: Record<string, number> = { x: 2, u: 4, U: 8 };
    if (char !== undefined && char in hexDigits) {
      return this.readCodePoint(hexDigits[char], 16, char === 'x');
    }
    if (char !== undefined && /[0-7]/.test(char)) {
      this.position -= 1;
      return this.readCodePoint(3, 8, true);
    }
    this.fail(`unknown escape sequence \\${char ?? ''}`);
  }

  /** `\x` and octal escapes are bytes in Go; only the ASCII ones are unambiguous characters. */
  private readCodePoint(length: number, radix: 16 | 8, isByte: boolean): string {
    const digits = this.text.slice(this.position, this.position + length);
    const pattern = radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/;
    if (digits.length !== length || !pattern.test(digits)) {
      this.fail('malformed escape sequence');
    }
    this.position += length;
    const codePoint = Number.parseInt(digits, radix);
    if ((isByte && codePoint > 0x7f) || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      this.fail('escape sequence is not a valid character (use \\u for non-ASCII characters)');
    }
    return String.fromCodePoint(codePoint);
  }

  private peek(): string | undefined {
    return this.text[this.position];
  }

  private skipWhitespace(): void {
    while (this.position < this.text.length && /[ \t\n\r]/.test(this.text[this.position])) {
      this.position += 1;
    }
  }

  private fail(reason: string): never {
    throw new SloValidationError(this.field, `${this.field} is not a valid PromQL series selector: ${reason} at position ${this.position}`);
  }
}
