/**
 * Incident channel names: `inc-<number>-<slug of the title>`.
 *
 * Slack's rules (conversations.create): only lowercase letters, digits, `-`
 * and `_`, at most 80 characters. Titles are folded to ASCII where a Latin
 * letter exists (é → e, ß → ss); everything else (spaces, punctuation, emoji,
 * scripts without a Latin equivalent) becomes a single `-`. A title with
 * nothing left (emoji-only, CJK) yields just `inc-<number>`. Truncation to fit
 * 80 characters cuts at a word boundary when the title has one.
 */
export const SLACK_CHANNEL_NAME_MAX_LENGTH = 80;

const FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
};

/** The ASCII slug of a free text, or '' when nothing usable remains. */
export function slugifyForChannel(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[ßæœøđðþłı]/g, (letter) => FOLDS[letter] ?? '-')
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
}

export function incidentChannelName(incidentNumber: number, title: string): string {
  if (!Number.isSafeInteger(incidentNumber) || incidentNumber < 1) {
    throw new RangeError(`incident number must be a positive integer, got ${incidentNumber}`);
  }
  const prefix = `inc-${incidentNumber}`;
  const room = SLACK_CHANNEL_NAME_MAX_LENGTH - prefix.length - 1;
  const slug = fitSlug(slugifyForChannel(title), room);
  return slug === '' ? prefix : `${prefix}-${slug}`;
}

/**
 * The name to try on the n-th attempt after `name_taken`: attempt 1 is the name
 * itself, attempt 2 `<name>-2`, attempt 3 `<name>-3`, ... shortening the name so
 * the result stays within 80 characters.
 */
export function channelNameWithSuffix(name: string, attempt: number): string {
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new RangeError(`attempt must be a positive integer, got ${attempt}`);
  }
  if (attempt === 1) return name.slice(0, SLACK_CHANNEL_NAME_MAX_LENGTH);
  const suffix = `-${attempt}`;
  const base = name.slice(0, SLACK_CHANNEL_NAME_MAX_LENGTH - suffix.length).replace(/[-_]+$/, '');
  return `${base}${suffix}`;
}

function fitSlug(slug: string, room: number): string {
  if (slug.length <= room) return slug;
  let cut = slug.slice(0, room);
  const cutsThroughAWord = !/[-_]/.test(slug.charAt(room));
  const lastBoundary = cut.lastIndexOf('-');
  if (cutsThroughAWord && lastBoundary > 0) cut = cut.slice(0, lastBoundary);
  return cut.replace(/[-_]+$/, '');
}
