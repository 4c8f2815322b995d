import { ValidationFailedError } from '@app/platform';

/**
 * Postmortem rules as plain functions (`now` passed in): the status machine,
 * when a postmortem is required (SRE Workbook error budget policy), and when
 * its reminder is due.
 */
export const POSTMORTEM_STATUSES = ['draft', 'in_review', 'published'] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export interface PostmortemBudgetImpact {
  readonly sloId: string;
  readonly name: string;
  readonly service: string;
  readonly objective: number;
  readonly window: string;
  readonly badEvents: number;
  readonly allowedBadEvents: number;
  /** null when the SLO saw no traffic in its window. */
  readonly budgetConsumed: number | null;
}

const TRANSITIONS: Readonly<Record<PostmortemStatus, readonly PostmortemStatus[]>> = {
  draft: ['in_review'],
  in_review: ['published', 'draft'],
  published: [],
};

export function isPostmortemStatus(value: unknown): value is PostmortemStatus {
  return typeof value === 'string' && (POSTMORTEM_STATUSES as readonly string[]).includes(value);
}

/** draft → in_review → published (in_review may go back to draft); the same status is no change. */
export function assertPostmortemTransition(from: PostmortemStatus, to: unknown): PostmortemStatus {
  if (!isPostmortemStatus(to)) {
    throw new ValidationFailedError(`status must be one of ${POSTMORTEM_STATUSES.join(', ')}`, { field: 'status', code: 'invalid_postmortem_status' });
  }
  if (to !== from && !TRANSITIONS[from].includes(to)) {
    const allowed = TRANSITIONS[from];
    throw new ValidationFailedError(
      `a ${from} postmortem cannot become ${to}${allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : ' (published is final)'}`,
      { field: 'status', code: 'invalid_postmortem_transition' },
    );
  }
  return to;
}

export interface PostmortemRequirement {
  readonly required: boolean;
  readonly requiredBecause: string | null;
}

/** Required for SEV1/SEV2, or when any SLO lost at least `budgetShare` of its budget during the incident. */
export function postmortemRequirement(severity: string, impacts: readonly PostmortemBudgetImpact[], budgetShare: number): PostmortemRequirement {
  const reasons: string[] = [];
  if (severity === 'SEV1' || severity === 'SEV2') reasons.push(`the incident is ${severity}`);
  for (const impact of impacts) {
    if (impact.budgetConsumed !== null && impact.budgetConsumed >= budgetShare) {
      reasons.push(`it consumed ${formatShare(impact.budgetConsumed)} of the error budget of ${impact.name} (policy: ${formatShare(budgetShare)})`);
    }
  }
  return reasons.length === 0 ? { required: false, requiredBecause: null } : { required: true, requiredBecause: `Required because ${reasons.join('; ')}.` };
}

/** A required postmortem is done once it is published and has at least one P0 follow-up. */
export function postmortemSatisfied(status: PostmortemStatus | null, p0FollowUps: number): boolean {
  return status === 'published' && p0FollowUps > 0;
}

/** Due once per lapse: `cadenceHours` after resolution, then after each reminder. */
export function postmortemReminderDue(input: {
  readonly resolvedAt: Date;
  readonly lastReminderAt: Date | null;
  readonly cadenceHours: number;
  readonly now: Date;
}): boolean {
  const since = input.lastReminderAt ?? input.resolvedAt;
  return input.now.getTime() - since.getTime() >= input.cadenceHours * 3_600_000;
}

export function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
