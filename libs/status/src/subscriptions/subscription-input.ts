import { SubscriptionInputError } from './subscription-errors';

/** RFC 5321 limits: 64 octets local part, 254 the whole path. */
const MAX_EMAIL_LENGTH = 254;
const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** A deliverable-looking address, trimmed and with its domain lower-cased; throws naming `email`. */
export function normalizeEmail(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new SubscriptionInputError('invalid_email', 'email', 'email is required');
  const email = value.trim();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL_PATTERN.test(email) || email.includes('..') || email.startsWith('.') || email.split('@')[0].endsWith('.')) {
    throw new SubscriptionInputError('invalid_email', 'email', `'${email.slice(0, 80)}' is not a valid e-mail address`);
  }
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}@${email.slice(at + 1).toLowerCase()}`;
}

/**
 * The component ids a subscriber chose: undefined/empty = every component. A
 * form sends one string per checkbox (one value arrives as a plain string).
 * Throws naming `components` for anything else or for ids not in `known`.
 */
export function parseComponentChoice(value: unknown, known: ReadonlySet<string>): string[] {
  if (value === undefined || value === null || value === '') return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string')) {
    throw new SubscriptionInputError('unknown_components', 'components', 'components must be a list of component ids');
  }
  const ids = [...new Set((list as string[]).map((item) => item.trim()).filter((item) => item !== ''))].sort();
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new SubscriptionInputError('unknown_components', 'components', `Unknown component id(s): ${unknown.slice(0, 10).join(', ')}`, { unknown });
  }
  return ids;
}
