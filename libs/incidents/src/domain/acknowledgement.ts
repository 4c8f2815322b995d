/**
 * How an incident's first acknowledgement (acknowledgedAt) came about, so that
 * MTTA measures something (issue 21 item 8):
 * - 'person': a person acknowledged it after it was detected (a page's button,
 *   `/incident ack`, a status/severity/role change, an update, or a real
 *   acknowledgedAt given through the API). Only these count in MTTA.
 * - 'self_declared': the person who declared it (Slack, API) acknowledged it by
 *   declaring it. Reported separately ("self-declared"), never in MTTA, which
 *   would otherwise be 0 for every declared incident.
 * - 'import': an acknowledgedAt carried by imported history (announce: false).
 *   Counted in MTTA like a person's acknowledgement.
 */
export const ACKNOWLEDGED_VIA = ['person', 'self_declared', 'import'] as const;
export type AcknowledgedVia = (typeof ACKNOWLEDGED_VIA)[number];

export interface Acknowledgement {
  readonly acknowledgedAt: Date | null;
  readonly acknowledgedVia: AcknowledgedVia | null;
  /** who acknowledged (author label, e.g. `slack:U123`), null when unknown or unacknowledged */
  readonly acknowledgedBy: string | null;
}

/**
 * The acknowledgement after a change that leaves the incident's clock with
 * `nextAcknowledgedAt`. The first acknowledgement keeps its way and author
 * (acknowledgedAt is never moved by later acknowledgements) unless `explicit`:
 * a real acknowledgedAt given by a person (PATCH) replaces it.
 */
export function nextAcknowledgement(
  current: Acknowledgement,
  nextAcknowledgedAt: Date | null,
  how: { readonly via: AcknowledgedVia; readonly by: string | null; readonly explicit?: boolean },
): Acknowledgement {
  if (nextAcknowledgedAt === null) return { acknowledgedAt: null, acknowledgedVia: null, acknowledgedBy: null };
  const unchanged = current.acknowledgedAt !== null && current.acknowledgedAt.getTime() === nextAcknowledgedAt.getTime();
  if (current.acknowledgedVia !== null && (unchanged || !how.explicit)) {
    return { acknowledgedAt: nextAcknowledgedAt, acknowledgedVia: current.acknowledgedVia, acknowledgedBy: current.acknowledgedBy };
  }
  return { acknowledgedAt: nextAcknowledgedAt, acknowledgedVia: how.via, acknowledgedBy: how.by };
}

/** The way a new incident's acknowledgedAt (if any) came about. */
export function openingAcknowledgedVia(input: { readonly announce: boolean; readonly acknowledgedAtGiven: boolean }): AcknowledgedVia {
  if (!input.announce) return 'import';
  return input.acknowledgedAtGiven ? 'person' : 'self_declared';
}

/** Whether an acknowledgement counts in MTTA (self-declared ones are reported separately). */
export function countsInMtta(via: AcknowledgedVia | null | undefined): boolean {
  return via !== 'self_declared';
}
