import { countsInMtta, nextAcknowledgement, openingAcknowledgedVia } from './acknowledgement';

const t = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));
const none = { acknowledgedAt: null, acknowledgedVia: null, acknowledgedBy: null } as const;

describe('nextAcknowledgement', () => {
  it('records the way and author of the first acknowledgement', () => {
    expect(nextAcknowledgement(none, t(5), { via: 'person', by: 'slack:U1' })).toEqual({
      acknowledgedAt: t(5),
      acknowledgedVia: 'person',
      acknowledgedBy: 'slack:U1',
    });
  });

  it('stays unacknowledged while the clock has no acknowledgedAt', () => {
    expect(nextAcknowledgement(none, null, { via: 'person', by: 'slack:U1' })).toEqual(none);
  });

  it('keeps a self-declaration when a person acts later', () => {
    const declared = { acknowledgedAt: t(0), acknowledgedVia: 'self_declared', acknowledgedBy: 'slack:U1' } as const;
    expect(nextAcknowledgement(declared, t(0), { via: 'person', by: 'slack:U2' })).toEqual(declared);
  });

  it('lets an explicit acknowledgedAt given by a person replace the way', () => {
    const declared = { acknowledgedAt: t(0), acknowledgedVia: 'self_declared', acknowledgedBy: 'slack:U1' } as const;
    expect(nextAcknowledgement(declared, t(7), { via: 'person', by: 'token:x', explicit: true })).toEqual({
      acknowledgedAt: t(7),
      acknowledgedVia: 'person',
      acknowledgedBy: 'token:x',
    });
    expect(nextAcknowledgement(declared, t(0), { via: 'person', by: 'token:x', explicit: true })).toEqual(declared);
  });

  it('clears the way when acknowledgedAt is cleared', () => {
    const acked = { acknowledgedAt: t(3), acknowledgedVia: 'person', acknowledgedBy: 'slack:U1' } as const;
    expect(nextAcknowledgement(acked, null, { via: 'person', by: null, explicit: true })).toEqual(none);
  });
});

describe('openingAcknowledgedVia', () => {
  it('is self_declared for a declaration, person for a given real time, import for history', () => {
    expect(openingAcknowledgedVia({ announce: true, acknowledgedAtGiven: false })).toBe('self_declared');
    expect(openingAcknowledgedVia({ announce: true, acknowledgedAtGiven: true })).toBe('person');
    expect(openingAcknowledgedVia({ announce: false, acknowledgedAtGiven: true })).toBe('import');
  });
});

describe('countsInMtta', () => {
  it('leaves only self-declared acknowledgements out', () => {
    expect(countsInMtta('self_declared')).toBe(false);
    expect(countsInMtta('person')).toBe(true);
    expect(countsInMtta('import')).toBe(true);
    expect(countsInMtta(null)).toBe(true);
  });
});
