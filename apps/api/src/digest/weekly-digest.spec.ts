import { latestDigestSlot, renderWeeklyDigest, trendArrow } from './weekly-digest';

describe('latestDigestSlot', () => {
  it.each([
    ['2026-11-24T10:00:00Z', 'monday', 9, '2026-11-23T09:00:00.000Z'],
    ['2026-11-23T09:00:00Z', 'monday', 9, '2026-11-23T09:00:00.000Z'],
    ['2026-11-23T08:59:59Z', 'monday', 9, '2026-11-16T09:00:00.000Z'],
    ['2026-11-29T23:00:00Z', 'sunday', 22, '2026-11-29T22:00:00.000Z'],
    ['2026-12-31T12:00:00Z', 'friday', 0, '2026-12-25T00:00:00.000Z'],
  ] as const)('at %s with %s %i:00 UTC the latest slot is %s', (now, day, hour, expected) => {
    const slot = latestDigestSlot(new Date(now), day, hour);
    expect(slot.scheduledAt.toISOString()).toBe(expected);
    expect(slot.period.to.toISOString()).toBe(expected);
    expect(slot.scheduledAt.getTime() - slot.period.from.getTime()).toBe(7 * 86_400_000);
  });
});

describe('renderWeeklyDigest', () => {
  it('lists incidents by type with trend arrows, MTTR and SLOs at risk', () => {
    const text = renderWeeklyDigest(
      'payments',
      {
        from: '2026-11-16T09:00:00.000Z',
        to: '2026-11-23T09:00:00.000Z',
        byTeamAndType: [
          { team: 'payments', type: 'deploy', count: 3, previousCount: 1 },
          { team: 'payments', type: 'config', count: 0, previousCount: 2 },
          { team: 'search', type: 'deploy', count: 9, previousCount: 9 },
        ],
        byTeam: [
          { team: 'payments', count: 3, previousCount: 3, mttaSeconds: { median: 120, p90: 600 }, mttrSeconds: { median: 5400, p90: 90_000 }, selfDeclared: 2 },
        ],
        byType: [],
        bySeverity: [],
        bySource: [],
      },
      [{ name: 'checkout-availability', service: 'checkout', state: 'warning', errorBudgetRemaining: 0.125 }],
    );
    expect(text).toContain('Incidents: 3 → (previous week 3)');
    expect(text).toContain('deploy: 3 ↑ (was 1)');
    expect(text).toContain('config: 0 ↓ (was 2)');
    expect(text).not.toContain('search');
    expect(text).toContain('MTTR: median 1.5 h, p90 1.0 d');
    expect(text).toContain('MTTA: median 2 min (2 self-declared)');
    expect(text).toContain('checkout-availability (checkout): 12.5% budget left, warning');
  });

  it.each([
    [2, 1, '↑'],
    [1, 2, '↓'],
    [0, 0, '→'],
  ])('trend %i vs %i is %s', (count, previous, arrow) => {
    expect(trendArrow(count, previous)).toBe(arrow);
  });
});
