import type { ComponentStatus } from '@app/incidents/core';
import { BoundedMemo } from './bounded-memo';
import { componentStatusLabel, type IncidentImpact, type MaintenanceStatus, maintenanceStatusLabel, type StatusIndicator } from '@app/status/core';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface TimeView {
  readonly iso: string;
  readonly text: string;
}

/**
 * Times already formatted: every rebuild formats the same few thousand
 * incident and update times again (pages, feeds), and parsing a date is most
 * of the cost.
 */
const formattedTimes = new BoundedMemo<TimeView>(20_000);

/** `2026-11-24 10:05 UTC`: unambiguous, with the zone named (a script may localise it). */
export function utcTime(iso: string): TimeView {
  return formattedTimes.get(iso, () => {
    const normalised = new Date(iso).toISOString();
    return Object.freeze({ iso: normalised, text: `${normalised.slice(0, 10)} ${normalised.slice(11, 16)} UTC` });
  });
}

export function utcTimeOrNull(iso: string | null): TimeView | null {
  return iso ? utcTime(iso) : null;
}

/** `24 Nov 2026` for a `YYYY-MM-DD` day. */
export function dayLabel(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()].slice(0, 3)} ${date.getUTCFullYear()}`;
}

/** `November 2026` and its sortable key `2026-11`. */
export function monthOf(iso: string): { key: string; label: string } {
  const date = new Date(iso);
  return { key: iso.slice(0, 7), label: `${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}` };
}

/** `1 h 5 min`, `12 min`, `less than a minute`. */
export function durationText(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 1) return 'less than a minute';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

export function statusLabel(status: ComponentStatus): string {
  return componentStatusLabel(status);
}

export function incidentStatusLabel(status: string): string {
  return status.charAt(0).toUpperCase() + status.slice(1);
}

export function maintenanceLabel(status: MaintenanceStatus): string {
  return maintenanceStatusLabel(status);
}

const IMPACT_LABELS: Readonly<Record<IncidentImpact, string>> = {
  none: 'No impact',
  minor: 'Minor impact',
  major: 'Major impact',
  critical: 'Critical impact',
};

export function impactLabel(impact: IncidentImpact): string {
  return IMPACT_LABELS[impact];
}

/** The component status whose icon and colour stand for an impact or indicator. */
export function statusForIndicator(indicator: StatusIndicator | IncidentImpact): ComponentStatus {
  switch (indicator) {
    case 'minor':
      return 'degraded_performance';
    case 'major':
      return 'partial_outage';
    case 'critical':
      return 'major_outage';
    case 'maintenance':
      return 'under_maintenance';
    default:
      return 'operational';
  }
}
