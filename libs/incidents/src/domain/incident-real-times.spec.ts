import { IncidentClock } from './incident-clock';
import { InvalidClockError } from './incident-errors';
import { applyRealTimes } from './incident-real-times';

const now = new Date('2026-12-01T12:00:00Z');
const at = (iso: string) => new Date(iso);
const open: IncidentClock = {
  startedAt: at('2026-12-01T10:00:00Z'),
  detectedAt: at('2026-12-01T10:00:00Z'),
  acknowledgedAt: at('2026-12-01T10:00:00Z'),
  mitigatedAt: null,
  resolvedAt: null,
};

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidClockError) return error.field;
    throw error;
  }
  return undefined;
}

describe('applyRealTimes', () => {
  it('sets imported times on a resolved incident, moving the mitigation to the resolution', () => {
    const clock = applyRealTimes(
      { ...open, mitigatedAt: now, resolvedAt: now },
      'resolved',
      {
        startedAt: at('2026-11-14T08:00:00Z'),
        detectedAt: at('2026-11-14T08:05:00Z'),
        acknowledgedAt: at('2026-11-14T08:09:00Z'),
        resolvedAt: at('2026-11-14T10:00:00Z'),
      },
      now,
    );
    expect(clock).toEqual({
      startedAt: at('2026-11-14T08:00:00Z'),
      detectedAt: at('2026-11-14T08:05:00Z'),
      acknowledgedAt: at('2026-11-14T08:09:00Z'),
      mitigatedAt: at('2026-11-14T10:00:00Z'),
      resolvedAt: at('2026-11-14T10:00:00Z'),
    });
  });

  it('may clear the acknowledgement (history without one)', () => {
    expect(applyRealTimes(open, 'investigating', { acknowledgedAt: null }, now).acknowledgedAt).toBeNull();
  });

  it.each([
    ['a future detectedAt', { detectedAt: at('2026-12-01T12:00:01Z') }, 'investigating', 'detectedAt'],
    ['a future resolvedAt', { resolvedAt: at('2026-12-02T00:00:00Z') }, 'resolved', 'resolvedAt'],
    ['resolvedAt on an open incident', { resolvedAt: at('2026-12-01T11:00:00Z') }, 'monitoring', 'resolvedAt'],
    ['acknowledgedAt before detectedAt', { acknowledgedAt: at('2026-12-01T09:00:00Z') }, 'investigating', 'acknowledgedAt'],
    ['detectedAt after acknowledgedAt', { detectedAt: at('2026-12-01T11:00:00Z') }, 'investigating', 'detectedAt'],
    ['detectedAt before startedAt', { detectedAt: at('2026-12-01T09:00:00Z') }, 'investigating', 'detectedAt'],
    ['resolvedAt before startedAt', { resolvedAt: at('2026-12-01T09:00:00Z') }, 'resolved', 'resolvedAt'],
    [
      'startedAt after the given detectedAt',
      { startedAt: at('2026-12-01T10:30:00Z'), detectedAt: at('2026-12-01T10:20:00Z'), acknowledgedAt: at('2026-12-01T10:40:00Z') },
      'investigating',
      'startedAt',
    ],
  ] as const)('rejects %s naming the field', (_label, times, status, field) => {
    expect(fieldOf(() => applyRealTimes(open, status, times, now))).toBe(field);
  });
});
