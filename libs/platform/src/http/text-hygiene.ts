/**
 * Text PostgreSQL cannot store (NUL) or that is not Unicode (a lone UTF-16
 * surrogate, which JSON's \ud800 escapes can produce) is refused where it
 * enters, with a 400 naming the field, instead of a 500 from the database
 * or a corrupt export later.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isUnsafeText(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** The path (`title`, `affectedComponents[0].componentId`, a key itself) of the first unsafe string in a parsed body, or undefined. */
export function findUnsafeText(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return isUnsafeText(value) ? path || 'body' : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findUnsafeText(value[index], `${path}[${index}]`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const keyPath = path ? `${path}.${key}` : key;
    if (isUnsafeText(key)) return keyPath;
    const found = findUnsafeText(item, keyPath, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The first unsafe part of a raw URL path (after %-decoding), or undefined; a malformed escape counts as unsafe. */
export function unsafePathSegment(rawPath: string): string | undefined {
  for (const segment of rawPath.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return segment;
    }
    if (isUnsafeText(decoded)) return segment;
  }
  return undefined;
}
