// The public page in a real browser (Debian's headless Chromium): it renders
// with and without JavaScript, in light and dark mode, the uptime strip is
// reachable by keyboard and readable as text, and axe-core finds no serious
// or critical accessibility violation. Screenshots go to test-artifacts/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { FixedClock } from '@app/platform';
import { RunningApi, startApi } from './support/api-app';
import { sql } from './support/sql';
import { IncidentFixtures, seedStatusScenario } from './support/status-fixtures';
import { RunningStatusPage, startStatusPage } from './support/status-page-app';

const ARTIFACTS = resolve(__dirname, '../test-artifacts');
const AXE = require.resolve('axe-core/axe.min.js');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown; failureSummary?: string }>;
}

async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
  });
  return results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

describe('status page in a browser', () => {
  let api: RunningApi;
  let statusPage: RunningStatusPage;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startApi();
    const fixtures = new IncidentFixtures(api.app.get(DataSource));
    const seeded = await seedStatusScenario(api, fixtures, new Date());
    await sql(api.database.url, `UPDATE status_components SET created_at = date_trunc('day', now()) - interval '40 days'`);
    await sql(api.database.url, `DELETE FROM status_component_history`);
    await sql(
      api.database.url,
      `INSERT INTO status_component_history (component_id, status, started_at, ended_at) VALUES
         ($1, 'operational', date_trunc('day', now()) - interval '40 days', date_trunc('day', now()) - interval '12 days'),
         ($1, 'degraded_performance', date_trunc('day', now()) - interval '12 days', date_trunc('day', now()) - interval '12 days' + interval '3 hours'),
         ($1, 'operational', date_trunc('day', now()) - interval '12 days' + interval '3 hours', date_trunc('day', now()) - interval '5 days'),
         ($1, 'major_outage', date_trunc('day', now()) - interval '5 days', date_trunc('day', now()) - interval '5 days' + interval '2 hours'),
         ($1, 'operational', date_trunc('day', now()) - interval '5 days' + interval '2 hours', now() - interval '30 minutes'),
         ($1, 'partial_outage', now() - interval '30 minutes', NULL),
         ($2, 'operational', date_trunc('day', now()) - interval '40 days', NULL)`,
      [seeded.checkoutId, seeded.apiComponentId],
    );
    statusPage = await startStatusPage({ databaseUrl: api.database.url, clock: new FixedClock(new Date()) });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await statusPage?.close();
    await api?.close();
  });

  it('loads /, makes a screenshot and has no serious or critical axe violation (light and dark)', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      // bypassCSP only so that axe can be injected; the page itself runs under its strict policy.
      const context = await browser.newContext({ colorScheme, viewport: { width: 1100, height: 900 }, bypassCSP: true });
      const page = await context.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      const response = await page.goto(`${statusPage.baseUrl}/`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      await expect(page.locator('h1').textContent()).resolves.toBe('Partial System Outage');
      await page.screenshot({ path: join(ARTIFACTS, `status-page-${colorScheme}.png`), fullPage: true });
      expect(await seriousViolations(page)).toEqual([]);
      // No third-party asset, no cookie.
      expect(requests.every((url) => url.startsWith(statusPage.baseUrl))).toBe(true);
      expect(await context.cookies()).toEqual([]);
      await context.close();
    }
  });

  it('works without JavaScript, showing times in UTC with the zone named', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${statusPage.baseUrl}/`);
    await expect(page.locator('footer time').textContent()).resolves.toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    await expect(page.locator('.component-status').first().textContent()).resolves.toContain('Partial outage');
    // Without the script every bar of the strip is a tab stop; together the bars span the 90 days.
    const bars = page.locator('.uptime-strip').first().locator('li');
    await expect(bars.count()).resolves.toBeLessThan(90);
    await expect(page.locator('.uptime-strip').first().locator('li[tabindex="0"]').count()).resolves.toBe(await bars.count());
    const spans = await bars.evaluateAll((items) => items.map((item) => Number(/(?:^| )n(\d+)(?: |$)/.exec(item.getAttribute('class') ?? '')?.[1] ?? 1)));
    expect(spans.reduce((sum, days) => sum + days, 0)).toBe(90);
    // ...and each bar is as wide as its days (a 27-day stretch about 27 times a single day).
    const widths = await bars.evaluateAll((items) => items.map((item) => item.getBoundingClientRect().width));
    const single = widths[spans.indexOf(1)];
    const longest = spans.indexOf(Math.max(...spans));
    expect(Math.abs(widths[longest] - (spans[longest] * (single + 2) - 2))).toBeLessThan(spans[longest]);
    // The status icons are drawn from shapes defined once in the page (<use> of a <symbol>): each one draws, at its size, and the definitions take no room.
    const icons = await page.locator('svg.status-icon').evaluateAll((svgs) =>
      svgs.map((svg) => {
        const use = svg.querySelector('use') as unknown as { getBBox(): { width: number; height: number } } | null;
        const box = use?.getBBox();
        const rect = svg.getBoundingClientRect();
        return { drawn: Boolean(box && box.width > 10 && box.height > 10), sized: rect.width > 10 && rect.height > 10 };
      }),
    );
    expect(icons.length).toBeGreaterThan(5);
    expect(icons.filter((icon) => !icon.drawn || !icon.sized)).toEqual([]);
    const sprite = await page.locator('svg.icon-sprite').evaluate((svg) => svg.getBoundingClientRect());
    expect([sprite.width, sprite.height]).toEqual([0, 0]);
    await page.screenshot({ path: join(ARTIFACTS, 'status-page-no-javascript.png'), fullPage: true });
    await context.close();
    // The other pages pass axe too.
    const checked = await browser.newContext({ bypassCSP: true });
    const other = await checked.newPage();
    for (const path of [
      '/history',
      (await other.goto(`${statusPage.baseUrl}/`), await other.locator('.incident h3 a').first().getAttribute('href')) as string,
    ]) {
      await other.goto(`${statusPage.baseUrl}${path}`);
      expect({ path, violations: await seriousViolations(other) }).toEqual({ path, violations: [] });
    }
    await checked.close();
  });

  it('lets a keyboard user reach the uptime strip and read each day', async () => {
    const context = await browser.newContext({ timezoneId: 'Europe/Paris', locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto(`${statusPage.baseUrl}/`);
    // The script localised the times and keeps the UTC text as a title.
    await expect(page.locator('footer time').getAttribute('title')).resolves.toMatch(/UTC$/);
    await expect(page.locator('footer time').textContent()).resolves.not.toMatch(/UTC$/);
    // With the script each strip is one tab stop (today), and arrow keys move bar by bar.
    const strip = page.locator('.uptime-strip').first();
    await expect(strip.locator('li[tabindex="0"]').count()).resolves.toBe(1);
    await strip.locator('li').last().focus();
    await page.keyboard.press('Home');
    const focusedText = () =>
      page.evaluate(
        () => (globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '',
      );
    const heard = [await focusedText()];
    const bars = await strip.locator('li').count();
    for (let bar = 1; bar < bars; bar++) {
      await page.keyboard.press('ArrowRight');
      heard.push(await focusedText());
      if (/major outage/.test(heard[heard.length - 1])) await expect(page.locator('.uptime-strip li:focus > span').isVisible()).resolves.toBe(true);
    }
    // Oldest first: the days before the component existed, quiet stretches, the degraded day, the outage five days ago, today.
    expect(heard[0]).toMatch(/^\d{1,2} \w{3} \d{4} to \d{1,2} \w{3} \d{4}: no data \(\d+ days\)$/);
    expect(heard.filter((text) => /: 100% uptime \(\d+ days\)$/.test(text)).length).toBeGreaterThanOrEqual(2);
    expect(heard.filter((text) => /^\d{1,2} \w{3} \d{4}: \d+\.\d{2}% uptime, major outage for 2 h$/.test(text))).toHaveLength(1);
    expect(heard.filter((text) => /degraded performance for 3 h$/.test(text))).toHaveLength(1);
    expect(heard[heard.length - 1]).toMatch(/partial outage for \d+ min$/);
    await expect(page.locator('[data-time-zone-note]').textContent()).resolves.toContain('Europe/Paris');
    const labelledBy = await strip.getAttribute('aria-labelledby');
    const label = await page.locator(`#${labelledBy}`).textContent();
    // Listed 40 days ago: the figure is over those days, and the caption says since when.
    expect(label).toMatch(/^Checkout .*: \d+\.\d{2}% uptime since \d{1,2} \w{3} \d{4}, when it was listed$/);
    await page.screenshot({ path: join(ARTIFACTS, 'status-page-keyboard.png') });
    await context.close();
  });
});
