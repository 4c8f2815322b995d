import { alertTiersForSlo, BURN_RATE_ALERT_TIERS, burnRateFactor, isAlertTierFiring } from './burn-rate-alerts';
import { parseWindow } from './slo-window';

const tierNames = (tiers: ReadonlyArray<{ longWindow: string; shortWindow: string }>): string[] =>
  tiers.map((tier) => `${tier.longWindow}/${tier.shortWindow}`);

describe('alertTiersForSlo', () => {
  it('gives the SRE Workbook factors for a 30d window', () => {
    const tiers = alertTiersForSlo(0.999, parseWindow('30d'));
    expect(tiers.map(({ severity, longWindow, shortWindow, factor }) => [severity, longWindow, shortWindow, factor])).toEqual([
      ['page', '1h', '5m', 14.4],
      ['page', '6h', '30m', 6],
      ['ticket', '1d', '2h', 3],
      ['ticket', '3d', '6h', 1],
    ]);
    expect(tiers.map((tier) => tier.errorRatioThreshold)).toEqual([0.0144, 0.006, 0.003, 0.001]);
  });

  it.each([
    // Factor = budget share × W / long window, so the same share of budget triggers each tier.
    ['28d', [13.44, 5.6, 2.8, 0.933333333333]],
    ['7d', [3.36, 1.4, 0.7, 0.233333333333]],
    ['90d', [43.2, 18, 9, 3]],
    ['3d', [1.44, 0.6, 0.3, 0.1]],
  ])('scales the factors for a %s window', (window, factors) => {
    expect(alertTiersForSlo(0.999, parseWindow(window)).map((tier) => tier.factor)).toEqual(factors);
  });

  it.each([
    ['1d', ['1h/5m', '6h/30m', '1d/2h']],
    ['2d', ['1h/5m', '6h/30m', '1d/2h']],
    ['3d', ['1h/5m', '6h/30m', '1d/2h', '3d/6h']],
  ])('drops tiers whose long window exceeds a %s SLO window', (window, expected) => {
    expect(tierNames(alertTiersForSlo(0.99, parseWindow(window)))).toEqual(expected);
  });

  it('keeps thresholds exact for five nines', () => {
    const [fastPage] = alertTiersForSlo(0.99999, parseWindow('30d'));
    expect(fastPage.errorRatioThreshold).toBe(0.000144);
  });

  it('spends the same share of the budget per tier whatever the window', () => {
    for (const window of ['7d', '28d', '30d', '90d']) {
      const sloWindow = parseWindow(window);
      for (const tier of alertTiersForSlo(0.999, sloWindow)) {
        const base = BURN_RATE_ALERT_TIERS.find((candidate) => candidate.longWindow === tier.longWindow);
        const longSeconds = { '1h': 3600, '6h': 21_600, '1d': 86_400, '3d': 259_200 }[tier.longWindow as '1h'];
        // burning at `factor` for `longWindow` spends factor × long / W of the budget.
        expect((tier.factor * longSeconds) / sloWindow.seconds).toBeCloseTo(base?.budgetShare ?? Number.NaN, 9);
      }
    }
  });
});

describe('burnRateFactor', () => {
  it('rounds away binary noise', () => {
    expect(burnRateFactor(0.02, 30 * 86_400, 3600)).toBe(14.4);
    expect(burnRateFactor(0.1, 28 * 86_400, 86_400)).toBe(2.8);
  });
});

describe('isAlertTierFiring', () => {
  const tier = { errorRatioThreshold: 0.0144 };
  it.each([
    ['both windows above', 0.02, 0.5, true],
    ['long above, short recovered', 0.02, 0.001, false],
    ['short spike, long below', 0.001, 0.5, false],
    ['exactly at the threshold does not fire', 0.0144, 0.0144, false],
    ['long window without data', null, 0.5, false],
    ['short window without data', 0.02, null, false],
    ['neither window has data', null, null, false],
  ])('%s', (_case, longRatio, shortRatio, firing) => {
    expect(isAlertTierFiring(tier, longRatio, shortRatio)).toBe(firing);
  });
});
