/** The real times a PATCH may correct (DESIGN "Incidents: real times"); startedAt has its own `started_at_changed` entry. */
export const EDITABLE_REAL_TIMES = ['detectedAt', 'acknowledgedAt', 'resolvedAt'] as const;
export type EditableRealTime = (typeof EDITABLE_REAL_TIMES)[number];

/** One corrected time, as ISO-8601 strings (null: unset). */
export interface RealTimeEdit {
  readonly field: EditableRealTime;
  readonly from: string | null;
  readonly to: string | null;
}

type Times = { readonly [field in EditableRealTime]: Date | null };

/**
 * What a PATCH of real times changed: the fields it gave whose stored value
 * differs from the new one, in the order detected, acknowledged, resolved.
 * Fields it did not give are left out even when another change moved them
 * (a status change resolving the incident has its own timeline entry).
 */
export function realTimeEdits(before: Times, after: Times, given: { readonly [field in EditableRealTime]?: Date | null }): RealTimeEdit[] {
  const iso = (value: Date | null) => (value === null ? null : value.toISOString());
  return EDITABLE_REAL_TIMES.filter((field) => given[field] !== undefined && iso(before[field]) !== iso(after[field])).map((field) => ({
    field,
    from: iso(before[field]),
    to: iso(after[field]),
  }));
}

const LABELS: Readonly<Record<EditableRealTime, string>> = { detectedAt: 'detected', acknowledgedAt: 'acknowledged', resolvedAt: 'resolved' };

/** The timeline text of real-time edits: "Times corrected: detected 2026-11-20T10:05:00.000Z → 2026-11-20T10:01:00.000Z; acknowledged unset → …". */
export function describeRealTimeEdits(edits: readonly RealTimeEdit[]): string {
  return `Times corrected: ${edits.map((edit) => `${LABELS[edit.field]} ${edit.from ?? 'unset'} → ${edit.to ?? 'unset'}`).join('; ')}`;
}
