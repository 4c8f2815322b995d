// Subscriptions in a real browser (Debian's headless Chromium): the form on
// the home page and on /subscribe submits under the page's Content Security
// Policy without JavaScript, the confirmation link confirms, and the
// notification e-mail's HTML part renders. Screenshots go to bench/screens/.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { DataSource } from 'typeorm';
import { NotificationSender } from '@app/status';
import { RunningApi, startApi } from './support/api-app';
import { eventually } from './support/poll';
import { SmtpSink } from './support/smtp-sink';
import { RunningStatusPage, startStatusPage } from './support/status-page-app';

const SCREENS = resolve(__dirname, '../bench/screens');

describe('status page subscriptions in a browser', () => {
  let smtp: SmtpSink;
  let api: RunningApi;
  let page: RunningStatusPage;
  let browser: Browser;
  let sender: NotificationSender;

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    smtp = await SmtpSink.start();
    api = await startApi({ env: { SMTP_URL: smtp.url, PUBLIC_STATUS_URL: 'https://status.acme.test', STATUS_PAGE_NAME: 'Acme' } });
    sender = api.app.get(NotificationSender);
    await api.http.post('/api/v1/teams').set(api.admin).send({ slug: 'payments', name: 'Payments' }).expect(201);
    for (const name of ['Checkout', 'Search', 'Public API']) await api.http.post('/api/v1/status/components').set(api.admin).send({ name }).expect(201);
    page = await startStatusPage({ databaseUrl: api.database.url, env: { SMTP_URL: smtp.url, STATUS_PAGE_NAME: 'Acme' } });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await page?.close();
    await api?.close();
    await smtp?.stop();
  });

  it('subscribes through the form without JavaScript, confirms from the mail, and renders the notification e-mail', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 900, height: 900 } });
    try {
      const tab = await context.newPage();
      await eventually(
        async () => ((await tab.goto(`${page.baseUrl}/`))?.status() === 200 && (await tab.locator('#subscribe-heading').count()) === 1 ? true : undefined),
        'the home page with the form',
        20_000,
        200,
      );
      await tab.screenshot({ path: join(SCREENS, 'subscribe-home-form.png'), fullPage: true });

      await tab.goto(`${page.baseUrl}/subscribe`);
      await tab.fill('#subscribe-email', 'ada@example.com');
      await tab.getByLabel('Checkout').check();
      await tab.screenshot({ path: join(SCREENS, 'subscribe-form.png'), fullPage: true });
      const [response] = await Promise.all([tab.waitForNavigation(), tab.click('button[type=submit]')]);
      expect(response?.status()).toBe(202);
      expect(await tab.textContent('h1')).toBe('Check your inbox');

      const confirmation = await eventually(
        async () => {
          await sender.runOnce();
          return smtp.mailsTo('ada@example.com')[0];
        },
        'the confirmation mail',
        20_000,
        150,
      );
      const link = /https:\/\/status\.acme\.test(\/subscriptions\/confirm\?token=[A-Za-z0-9_-]+)/.exec(confirmation.text)![1];
      const confirmed = await tab.goto(`${page.baseUrl}${link}`);
      expect(confirmed?.status()).toBe(200);
      expect(await tab.textContent('h1')).toBe('Subscription confirmed');

      const [checkout] = (await api.app.get(DataSource).query(`SELECT id FROM status_components WHERE name = 'Checkout'`)) as Array<{ id: string }>;
      const incident = await api.http
        .post('/api/v1/incidents')
        .set(api.admin)
        .send({
          title: 'Elevated error rates on Checkout',
          severity: 'SEV2',
          team: 'payments',
          visibility: 'public',
          affectedComponents: [{ componentId: checkout.id, status: 'partial_outage' }],
        })
        .expect(201);
      await api.http
        .post(`/api/v1/incidents/${incident.body.id}/updates`)
        .set(api.admin)
        .send({
          body: 'Some card payments fail. We have identified a faulty deploy and are rolling it back.\n\nNext update in 30 minutes.',
          public: true,
          status: 'identified',
        })
        .expect(201);
      const notification = await eventually(
        async () => {
          await sender.runOnce();
          return smtp.mailsTo('ada@example.com').find((mail) => mail.subject.startsWith('[Acme status] Identified'));
        },
        'the notification',
        20_000,
        150,
      );
      const mailTab = await context.newPage();
      await mailTab.setViewportSize({ width: 700, height: 700 });
      await mailTab.setContent(notification.html);
      expect(await mailTab.textContent('h1')).toBe('Elevated error rates on Checkout');
      await mailTab.screenshot({ path: join(SCREENS, 'notification-email.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });
});
