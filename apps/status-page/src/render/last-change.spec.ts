import type { PublicStatus } from '@app/status/core';
import { uptimeCaption } from './uptime-strip';
import { incidentDurationSeconds, lastPublicChangeAt, maintenanceDurationSeconds } from './last-change';

const empty: PublicStatus = {
  formatVersion: 1,
  generatedAt: '2026-12-06T10:07:00.000Z',
  overall: { indicator: 'none', description: 'All Systems Operational' },
  groups: [],
  components: [],
  incidents: [],
  maintenances: [],
};
const day = (date: string, uptime: number | null) => ({ date, uptime, worstStatus: uptime === null ? null : ('operational' as const), downtime: {} });

describe('lastPublicChangeAt', () => {
  it('is the latest update of anything public, not the snapshot time', () => {
    const model = {
      ...empty,
      components: [{ updatedAt: '2026-12-01T08:00:00.000Z' }, { updatedAt: '2026-12-05T08:00:00.000Z' }],
      groups: [{ updatedAt: '2026-11-01T00:00:00.000Z' }],
      incidents: [{ updatedAt: '2026-12-04T00:00:00.000Z' }],
      maintenances: [{ updatedAt: '2026-12-05T09:30:00.000Z' }],
    } as unknown as PublicStatus;
    expect(lastPublicChangeAt(model)).toBe('2026-12-05T09:30:00.000Z');
    expect(lastPublicChangeAt({ ...model, generatedAt: '2026-12-06T11:00:00.000Z' })).toBe('2026-12-05T09:30:00.000Z');
  });

  it('falls back to the snapshot time for an empty page', () => {
    expect(lastPublicChangeAt(empty)).toBe(empty.generatedAt);
  });
});

describe('durations', () => {
  it('measures a resolved incident from start to resolution, and nothing while open', () => {
    expect(incidentDurationSeconds({ startedAt: '2026-12-01T10:00:00Z', resolvedAt: '2026-12-01T11:05:00Z' })).toBe(3900);
    expect(incidentDurationSeconds({ startedAt: '2026-12-01T10:00:00Z', resolvedAt: null })).toBeNull();
  });

  it('measures a completed maintenance from its start (or scheduled start) to completion', () => {
    expect(maintenanceDurationSeconds({ startedAt: '2026-12-01T01:10:00Z', scheduledFor: '2026-12-01T01:00:00Z', completedAt: '2026-12-01T01:40:00Z' })).toBe(
      1800,
    );
    expect(maintenanceDurationSeconds({ startedAt: null, scheduledFor: '2026-12-01T01:00:00Z', completedAt: '2026-12-01T01:40:00Z' })).toBe(2400);
    expect(maintenanceDurationSeconds({ startedAt: null, scheduledFor: '2026-12-01T01:00:00Z', completedAt: null })).toBeNull();
  });
});

describe('uptimeCaption', () => {
  const days = [day('2026-12-04', null), day('2026-12-05', null), day('2026-12-06', 1)];

  it('says since when for a component younger than the window, never "over the last 3 days"', () => {
    expect(uptimeCaption({ uptime: 0.7106, uptimeDays: days, createdAt: '2026-12-06T09:30:00.000Z' })).toBe(
      '71.06% uptime since 6 Dec 2026, when it was listed',
    );
    expect(uptimeCaption({ uptime: null, uptimeDays: days, createdAt: '2026-12-06T09:30:00.000Z' })).toBe('no uptime data yet (listed since 6 Dec 2026)');
  });

  it('says over the last N days for one that existed all along', () => {
    expect(uptimeCaption({ uptime: 0.9995, uptimeDays: days, createdAt: '2026-11-01T00:00:00.000Z' })).toBe('99.95% uptime over the last 3 days');
    expect(uptimeCaption({ uptime: 1, uptimeDays: days, createdAt: '2026-12-04T00:00:00.000Z' })).toBe('100% uptime over the last 3 days');
  });
});
