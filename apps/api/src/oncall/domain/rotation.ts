/**
 * On-call rotations: who is on call at an instant, when the next handoff is,
 * and who each escalation step reaches. Pure functions of the configuration
 * and the time (UTC milliseconds only: no calendar or DST arithmetic at all).
 */

import { ValidationFailedError } from '@app/platform/core';

export const ESCALATION_NOTIFY = ['oncall', 'next', 'channel'] as const;
export type EscalationNotify = (typeof ESCALATION_NOTIFY)[number];

export const PAGING_SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type PagingSeverity = (typeof PAGING_SEVERITIES)[number];

export interface OncallOverride {
  readonly from: Date;
  readonly to: Date;
  readonly member: string;
}

export interface EscalationStep {
  /** minutes after the page started; may be fractional */
  readonly afterMinutes: number;
  readonly notify: EscalationNotify;
}

export interface OncallConfig {
  readonly members: readonly string[];
  readonly rotationStart: Date;
  readonly shiftHours: number;
  readonly overrides: readonly OncallOverride[];
  readonly escalation: readonly EscalationStep[];
  readonly pageSeverities: readonly PagingSeverity[];
}

export interface OncallAt {
  /** who is on call (an override wins over the rotation); null for an empty rotation */
  readonly current: string | null;
  /** who takes over at shiftEndsAt */
  readonly next: string | null;
  /** the next handoff (the next instant another person is on call) */
  readonly shiftEndsAt: Date | null;
  /** the rotation's own member for this instant, ignoring overrides */
  readonly scheduled: string | null;
  /** the override in force, if any */
  readonly override: OncallOverride | null;
}

export interface Handoff {
  readonly at: Date;
  readonly from: string | null;
  readonly to: string | null;
}

/** A configuration problem: the request field it is about and why. */
export interface OncallConfigProblem {
  readonly field: string;
  readonly message: string;
}

export type ParsedOncallConfig = { readonly ok: true; readonly config: OncallConfig } | { readonly ok: false; readonly problem: OncallConfigProblem };

/** Slack user ids: U… or W… (Enterprise Grid), upper-case letters and digits. */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const TOP_LEVEL_FIELDS = new Set(['members', 'rotationStart', 'shiftHours', 'overrides', 'escalation', 'pageSeverities']);
const OVERRIDE_FIELDS = new Set(['from', 'to', 'member']);
const STEP_FIELDS = new Set(['afterMinutes', 'notify']);
const HOUR_MS = 3_600_000;
const MAX_SHIFT_HOURS = 24 * 366;
/** Looking for the next handoff never walks further than this many boundaries (a rotation of one person has none). */
const MAX_BOUNDARIES = 64;

/** A rule of the on-call configuration broken; parseOncallConfig returns it as a problem. */
class Problem extends ValidationFailedError {
  declare readonly field: string;
  constructor(field: string, message: string) {
    super(message, { field, namespace: 'oncall' });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isoDate(value: unknown, field: string): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new Problem(field, `${field} must be an ISO-8601 time with a time zone, such as 2026-12-07T09:00:00Z`);
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Problem(field, `${field} is not a valid time`);
  return date;
}

function slackUser(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SLACK_USER_ID.test(value)) throw new Problem(field, `${field} must be a Slack user id such as U0123ABCD`);
  return value;
}

function onlyKnown(value: Record<string, unknown>, known: ReadonlySet<string>, prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new Problem(`${prefix}${key}`, `${prefix}${key} is not a known field`);
  }
}

/** Validates a PUT …/oncall body; the first problem names its field (`overrides[1].to`, `escalation[0].afterMinutes`). */
export function parseOncallConfig(raw: unknown): ParsedOncallConfig {
  try {
    return { ok: true, config: parseOrThrow(raw) };
  } catch (error) {
    if (error instanceof Problem) return { ok: false, problem: { field: error.field, message: error.message } };
    throw error;
  }
}

function parseOrThrow(raw: unknown): OncallConfig {
  if (!isRecord(raw)) throw new Problem('body', 'the body must be a JSON object');
  onlyKnown(raw, TOP_LEVEL_FIELDS, '');

  if (!Array.isArray(raw.members) || raw.members.length === 0) throw new Problem('members', 'members must list at least one Slack user id');
  if (raw.members.length > 100) throw new Problem('members', 'members may list at most 100 people');
  const members = raw.members.map((member, index) => slackUser(member, `members[${index}]`));
  if (new Set(members).size !== members.length) throw new Problem('members', 'members lists someone twice');

  const rotationStart = isoDate(raw.rotationStart, 'rotationStart');

  if (typeof raw.shiftHours !== 'number' || !Number.isFinite(raw.shiftHours) || raw.shiftHours <= 0 || raw.shiftHours > MAX_SHIFT_HOURS) {
    throw new Problem('shiftHours', `shiftHours must be a number of hours greater than 0 and at most ${MAX_SHIFT_HOURS}`);
  }
  const shiftHours = raw.shiftHours;

  const rawOverrides = raw.overrides ?? [];
  if (!Array.isArray(rawOverrides)) throw new Problem('overrides', 'overrides must be a list');
  const overrides = rawOverrides.map((entry, index): OncallOverride => {
    const prefix = `overrides[${index}]`;
    if (!isRecord(entry)) throw new Problem(prefix, `${prefix} must be an object with from, to and member`);
    onlyKnown(entry, OVERRIDE_FIELDS, `${prefix}.`);
    const from = isoDate(entry.from, `${prefix}.from`);
    const to = isoDate(entry.to, `${prefix}.to`);
    if (to.getTime() <= from.getTime()) throw new Problem(`${prefix}.to`, `${prefix}.to must be after ${prefix}.from`);
    return { from, to, member: slackUser(entry.member, `${prefix}.member`) };
  });
  const sorted = overrides.map((override, index) => ({ override, index })).sort((a, b) => a.override.from.getTime() - b.override.from.getTime());
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i].override.from.getTime() < sorted[i - 1].override.to.getTime()) {
      throw new Problem(`overrides[${sorted[i].index}]`, `overrides[${sorted[i].index}] overlaps overrides[${sorted[i - 1].index}]`);
    }
  }

  const rawSteps = raw.escalation ?? [{ afterMinutes: 0, notify: 'oncall' }];
  if (!Array.isArray(rawSteps) || rawSteps.length === 0) throw new Problem('escalation', 'escalation must list at least one step');
  if (rawSteps.length > 10) throw new Problem('escalation', 'escalation may have at most 10 steps');
  const escalation = rawSteps.map((entry, index): EscalationStep => {
    const prefix = `escalation[${index}]`;
    if (!isRecord(entry)) throw new Problem(prefix, `${prefix} must be an object with afterMinutes and notify`);
    onlyKnown(entry, STEP_FIELDS, `${prefix}.`);
    const after = entry.afterMinutes;
    if (typeof after !== 'number' || !Number.isFinite(after) || after < 0 || after > 10_080) {
      throw new Problem(`${prefix}.afterMinutes`, `${prefix}.afterMinutes must be a number of minutes from 0 to 10080`);
    }
    if (typeof entry.notify !== 'string' || !(ESCALATION_NOTIFY as readonly string[]).includes(entry.notify)) {
      throw new Problem(`${prefix}.notify`, `${prefix}.notify must be one of ${ESCALATION_NOTIFY.join(', ')}`);
    }
    return { afterMinutes: after, notify: entry.notify as EscalationNotify };
  });
  for (let i = 1; i < escalation.length; i += 1) {
    if (escalation[i].afterMinutes < escalation[i - 1].afterMinutes) {
      throw new Problem(`escalation[${i}].afterMinutes`, `escalation[${i}].afterMinutes must not be earlier than the step before it`);
    }
  }

  const rawSeverities = raw.pageSeverities ?? ['SEV1', 'SEV2'];
  if (!Array.isArray(rawSeverities)) throw new Problem('pageSeverities', 'pageSeverities must be a list such as ["SEV1","SEV2"]');
  const pageSeverities = rawSeverities.map((severity, index) => {
    if (typeof severity !== 'string' || !(PAGING_SEVERITIES as readonly string[]).includes(severity)) {
      throw new Problem(`pageSeverities[${index}]`, `pageSeverities[${index}] must be one of ${PAGING_SEVERITIES.join(', ')}`);
    }
    return severity as PagingSeverity;
  });

  return { members, rotationStart, shiftHours, overrides, escalation, pageSeverities: [...new Set(pageSeverities)] };
}

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function shiftOf(config: OncallConfig, atMs: number): { index: number; startMs: number; endMs: number } {
  const shiftMs = config.shiftHours * HOUR_MS;
  const index = floorDiv(atMs - config.rotationStart.getTime(), shiftMs);
  const startMs = config.rotationStart.getTime() + index * shiftMs;
  return { index, startMs, endMs: startMs + shiftMs };
}

function overrideAt(config: OncallConfig, atMs: number): OncallOverride | null {
  return config.overrides.find((override) => override.from.getTime() <= atMs && atMs < override.to.getTime()) ?? null;
}

/** The rotation's member for an instant (before rotationStart the rotation runs backwards, so every instant has someone). */
function scheduledAt(config: OncallConfig, atMs: number): string | null {
  if (config.members.length === 0) return null;
  return config.members[mod(shiftOf(config, atMs).index, config.members.length)];
}

function personAt(config: OncallConfig, atMs: number): string | null {
  return overrideAt(config, atMs)?.member ?? scheduledAt(config, atMs);
}

/** The instants after `atMs` at which who is on call may change, in order. */
function boundariesAfter(config: OncallConfig, atMs: number): number[] {
  const candidates = new Set<number>();
  let shift = shiftOf(config, atMs);
  for (let i = 0; i < MAX_BOUNDARIES; i += 1) {
    candidates.add(shift.endMs);
    shift = shiftOf(config, shift.endMs);
  }
  for (const override of config.overrides) {
    if (override.from.getTime() > atMs) candidates.add(override.from.getTime());
    if (override.to.getTime() > atMs) candidates.add(override.to.getTime());
  }
  return [...candidates].sort((a, b) => a - b);
}

/** Who is on call at `at`, who is next, and when they hand over. */
export function oncallAt(config: OncallConfig, at: Date): OncallAt {
  const atMs = at.getTime();
  const current = personAt(config, atMs);
  const override = overrideAt(config, atMs);
  const scheduled = scheduledAt(config, atMs);
  if (current === null) return { current: null, next: null, shiftEndsAt: null, scheduled: null, override: null };
  for (const boundary of boundariesAfter(config, atMs)) {
    const person = personAt(config, boundary);
    if (person !== current) return { current, next: person, shiftEndsAt: new Date(boundary), scheduled, override };
  }
  return { current, next: null, shiftEndsAt: null, scheduled, override };
}

/** Every handoff in (from, to], oldest first. */
export function handoffsBetween(config: OncallConfig, from: Date, to: Date): Handoff[] {
  const handoffs: Handoff[] = [];
  let cursor = from.getTime();
  while (handoffs.length < 1000) {
    const state = oncallAt(config, new Date(cursor));
    if (!state.shiftEndsAt || state.shiftEndsAt.getTime() > to.getTime()) break;
    handoffs.push({ at: state.shiftEndsAt, from: state.current, to: state.next });
    cursor = state.shiftEndsAt.getTime();
  }
  return handoffs;
}

export interface PlannedStep {
  readonly stepIndex: number;
  readonly notify: EscalationNotify;
  readonly afterMinutes: number;
  readonly dueAt: Date;
  /** the person a step pages; null for `channel` steps (and for an empty rotation) */
  readonly userId: string | null;
}

/**
 * The escalation of a page that starts at `startedAt`: `oncall` is whoever is
 * on call then, `next` the following member of the rotation (or the scheduled
 * member when an override put someone else on call).
 */
export function planEscalation(config: OncallConfig, startedAt: Date): PlannedStep[] {
  const now = oncallAt(config, startedAt);
  const current = now.current;
  let next: string | null = null;
  if (current !== null && config.members.length > 0) {
    const position = config.members.indexOf(current);
    if (position === -1) next = now.scheduled;
    else if (config.members.length > 1) next = config.members[(position + 1) % config.members.length];
  }
  return config.escalation.map((step, stepIndex) => ({
    stepIndex,
    notify: step.notify,
    afterMinutes: step.afterMinutes,
    dueAt: new Date(startedAt.getTime() + Math.round(step.afterMinutes * 60_000)),
    userId: step.notify === 'oncall' ? current : step.notify === 'next' ? next : null,
  }));
}

/** The configuration as the API shows it (ISO times). */
export function presentOncallConfig(config: OncallConfig): Record<string, unknown> {
  return {
    members: [...config.members],
    rotationStart: config.rotationStart.toISOString(),
    shiftHours: config.shiftHours,
    overrides: config.overrides.map((override) => ({ from: override.from.toISOString(), to: override.to.toISOString(), member: override.member })),
    escalation: config.escalation.map((step) => ({ afterMinutes: step.afterMinutes, notify: step.notify })),
    pageSeverities: [...config.pageSeverities],
  };
}
