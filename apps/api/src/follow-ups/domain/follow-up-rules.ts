import { ValidationFailedError } from '@app/platform';

export const FOLLOW_UP_PRIORITIES = ['P0', 'P1', 'P2', 'P3'] as const;
export type FollowUpPriority = (typeof FOLLOW_UP_PRIORITIES)[number];
export const FOLLOW_UP_STATUSES = ['open', 'done'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
export const FOLLOW_UP_TITLE_MAX_LENGTH = 200;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;
/** A person's name: letters (any script), spaces, dots, apostrophes and hyphens; no mentions, links or control text. */
const PERSON_NAME = /^[\p{L}][\p{L}\p{M} .'’-]{0,98}[\p{L}\p{M}.]?$/u;

export interface FollowUpInput {
  readonly title?: unknown;
  readonly owner?: unknown;
  readonly dueDate?: unknown;
  readonly priority?: unknown;
  readonly url?: unknown;
  readonly status?: unknown;
}

export interface FollowUpFields {
  title?: string;
  owner?: string | null;
  dueDate?: string | null;
  priority?: FollowUpPriority;
  url?: string | null;
  status?: FollowUpStatus;
}

function fail(field: string, message: string): never {
  throw new ValidationFailedError(message, { field, code: 'invalid_follow_up' });
}

/** A calendar day YYYY-MM-DD (or a full ISO timestamp, whose UTC day is taken) that exists. */
export function parseDueDate(value: unknown): string {
  if (typeof value !== 'string') fail('dueDate', 'dueDate must be a date such as 2026-12-31');
  const match = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/.exec(value);
  if (!match) fail('dueDate', `dueDate must be a date such as 2026-12-31, got ${JSON.stringify(value).slice(0, 60)}`);
  const parsed = new Date(match[4] ? value : `${value}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime())) fail('dueDate', `dueDate ${JSON.stringify(value)} is not a date`);
  const day = parsed.toISOString().slice(0, 10);
  if (!match[4] && day !== value) fail('dueDate', `dueDate ${JSON.stringify(value)} is not a date`);
  return day;
}

export function isValidOwner(value: string): boolean {
  return SLACK_USER_ID.test(value) || PERSON_NAME.test(value);
}

/**
 * Checks a create (`partial: false`: title required) or a change. Unknown
 * fields are the DTO's business; this checks the values, naming the field.
 */
export function validateFollowUpFields(input: FollowUpInput, options: { readonly partial: boolean }): FollowUpFields {
  const fields: FollowUpFields = {};
  if (input.title !== undefined || !options.partial) {
    if (typeof input.title !== 'string' || input.title.trim() === '') fail('title', 'title is required: what should be done');
    const title = input.title.trim();
    if (title.length > FOLLOW_UP_TITLE_MAX_LENGTH) fail('title', `title must be at most ${FOLLOW_UP_TITLE_MAX_LENGTH} characters`);
    fields.title = title;
  }
  if (input.owner !== undefined) {
    if (input.owner === null) fields.owner = null;
    else {
      const owner = typeof input.owner === 'string' ? input.owner.trim().replace(/^<@([UW][A-Z0-9]+)(\|[^>]*)?>$/, '$1') : '';
      if (!isValidOwner(owner)) fail('owner', "owner must be a Slack user id (U...) or a person's name");
      fields.owner = owner;
    }
  }
  if (input.dueDate !== undefined) fields.dueDate = input.dueDate === null ? null : parseDueDate(input.dueDate);
  if (input.priority !== undefined || !options.partial) {
    const priority = input.priority ?? 'P2';
    if (typeof priority !== 'string' || !(FOLLOW_UP_PRIORITIES as readonly string[]).includes(priority)) {
      fail('priority', `priority must be one of ${FOLLOW_UP_PRIORITIES.join(', ')}`);
    }
    fields.priority = priority as FollowUpPriority;
  }
  if (input.url !== undefined) {
    if (input.url === null) fields.url = null;
    else {
      let url: URL | null;
      try {
        url = typeof input.url === 'string' && input.url.length <= 2000 ? new URL(input.url) : null;
      } catch {
        url = null;
      }
      if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) fail('url', 'url must be an http(s) link, e.g. to the issue tracker');
      fields.url = url.toString();
    }
  }
  if (input.status !== undefined) {
    if (typeof input.status !== 'string' || !(FOLLOW_UP_STATUSES as readonly string[]).includes(input.status)) {
      fail('status', `status must be one of ${FOLLOW_UP_STATUSES.join(', ')}`);
    }
    fields.status = input.status as FollowUpStatus;
  }
  return fields;
}

/** Overdue: still open and its due day is over (the due day itself is not overdue). */
export function isOverdue(followUp: { readonly status: FollowUpStatus; readonly dueDate: string | null }, now: Date): boolean {
  return followUp.status === 'open' && followUp.dueDate !== null && followUp.dueDate < now.toISOString().slice(0, 10);
}
