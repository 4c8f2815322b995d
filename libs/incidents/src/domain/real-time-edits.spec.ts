import { describeRealTimeEdits, realTimeEdits } from './real-time-edits';

const t = (iso: string) => new Date(`2026-11-20T${iso}Z`);
const stored = { detectedAt: t('10:05:00'), acknowledgedAt: null, resolvedAt: t('12:00:00') };

describe('realTimeEdits', () => {
  it('lists each given time that changed, old → new, in clock order', () => {
    const after = { detectedAt: t('10:01:00'), acknowledgedAt: t('10:10:00'), resolvedAt: t('11:30:00') };
    expect(realTimeEdits(stored, after, { resolvedAt: t('11:30:00'), detectedAt: t('10:01:00'), acknowledgedAt: t('10:10:00') })).toEqual([
      { field: 'detectedAt', from: '2026-11-20T10:05:00.000Z', to: '2026-11-20T10:01:00.000Z' },
      { field: 'acknowledgedAt', from: null, to: '2026-11-20T10:10:00.000Z' },
      { field: 'resolvedAt', from: '2026-11-20T12:00:00.000Z', to: '2026-11-20T11:30:00.000Z' },
    ]);
  });

  it('records an acknowledgement cleared (null) as a change to unset', () => {
    const before = { ...stored, acknowledgedAt: t('10:10:00') };
    expect(realTimeEdits(before, { ...before, acknowledgedAt: null }, { acknowledgedAt: null })).toEqual([
      { field: 'acknowledgedAt', from: '2026-11-20T10:10:00.000Z', to: null },
    ]);
  });

  it('leaves out a time given equal to the stored one, and a time moved without being given', () => {
    const after = { ...stored, resolvedAt: t('12:30:00') };
    expect(realTimeEdits(stored, after, { detectedAt: t('10:05:00') })).toEqual([]);
  });
});

describe('describeRealTimeEdits', () => {
  it('says what changed, old → new', () => {
    expect(
      describeRealTimeEdits([
        { field: 'detectedAt', from: '2026-11-20T10:05:00.000Z', to: '2026-11-20T10:01:00.000Z' },
        { field: 'acknowledgedAt', from: null, to: '2026-11-20T10:10:00.000Z' },
      ]),
    ).toBe('Times corrected: detected 2026-11-20T10:05:00.000Z → 2026-11-20T10:01:00.000Z; acknowledged unset → 2026-11-20T10:10:00.000Z');
  });
});
