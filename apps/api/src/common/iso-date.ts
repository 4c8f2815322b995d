const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * class-transformer `@Transform` for ISO-8601 query/body values: only full
 * timestamps (and, when allowed, bare dates meaning midnight UTC) become a
 * Date; anything else ("tomorrow", "2026") is left as is for `@IsDate` to reject.
 */
export function isoDate(options: { allowDateOnly?: boolean } = {}) {
  return ({ value }: { value: unknown }): unknown => {
    if (typeof value !== 'string') return value;
    const dateOnly = options.allowDateOnly === true && DATE_ONLY.test(value);
    if (!dateOnly && !TIMESTAMP.test(value)) return value;
    const parsed = new Date(dateOnly ? `${value}T00:00:00Z` : value);
    return Number.isNaN(parsed.getTime()) ? value : parsed;
  };
}
