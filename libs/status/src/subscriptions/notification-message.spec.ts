import { createHmac } from 'node:crypto';
import { type NotificationEvent, renderConfirmationEmail, renderNotificationEmail, renderWebhookBody } from './notification-message';
import { generateLinkToken, hashLinkToken, isWellFormedLinkToken, webhookSignature } from './subscription-tokens';

const page = { name: 'Acme', url: 'https://status.acme.test' };
const update: NotificationEvent = {
  id: '7',
  kind: 'incident.update',
  occurredAt: new Date('2026-12-06T12:00:00.000Z'),
  payload: {
    incident: { id: 'inc-1', title: 'Checkout <errors> & timeouts', status: 'identified' },
    update: { id: 'u-1', body: 'Rolling back.\n\nNext update in 30 min.', status: 'identified', occurredAt: '2026-12-06T12:00:00.000Z' },
    components: [{ id: 'c1', name: 'Checkout', status: 'partial_outage' }],
  },
};

describe('notification messages', () => {
  it('renders the e-mail with status first, the public text, components, link and unsubscribe link, HTML-escaped once', () => {
    const mail = renderNotificationEmail(update, page, 'https://status.acme.test/subscriptions/unsubscribe?token=T');
    expect(mail.subject).toBe('[Acme status] Identified: Checkout <errors> & timeouts');
    expect(mail.text).toContain('Rolling back.');
    expect(mail.text).toContain('- Checkout: Partial outage');
    expect(mail.text).toContain('Details: https://status.acme.test/incidents/inc-1');
    expect(mail.text).toContain('Unsubscribe: https://status.acme.test/subscriptions/unsubscribe?token=T');
    expect(mail.html).toContain('Checkout &lt;errors&gt; &amp; timeouts');
    expect(mail.html).not.toContain('<errors>');
    expect(mail.html).toContain('href="https://status.acme.test/subscriptions/unsubscribe?token=T"');
  });

  it('says what happened when an event carries no text', () => {
    const resolved = renderNotificationEmail({ ...update, kind: 'incident.resolved', payload: { ...update.payload, update: null } }, page, 'u');
    expect(resolved.subject).toBe('[Acme status] Resolved: Checkout <errors> & timeouts');
    expect(resolved.text).toContain('This incident has been resolved.');
    const maintenance = renderNotificationEmail(
      {
        id: '8',
        kind: 'maintenance.started',
        occurredAt: update.occurredAt,
        payload: {
          maintenance: {
            id: 'm1',
            name: 'DB upgrade',
            body: 'Brief blips.',
            status: 'in_progress',
            scheduledFor: '2026-12-06T12:00:00Z',
            scheduledUntil: '2026-12-06T13:00:00Z',
          },
          components: [],
        },
      },
      page,
      'u',
    );
    expect(maintenance.subject).toBe('[Acme status] In progress: DB upgrade');
    expect(maintenance.text).toContain('https://status.acme.test/maintenances/m1');
  });

  it('renders the confirmation mail with the chosen components', () => {
    expect(renderConfirmationEmail(page, 'https://x/confirm?token=T', ['Checkout']).text).toContain('these components: Checkout');
    expect(renderConfirmationEmail(page, 'https://x/confirm?token=T', []).text).toContain('every component');
  });

  it('signs the exact webhook body with HMAC-SHA256', () => {
    const body = renderWebhookBody(update, page);
    expect(JSON.parse(body)).toMatchObject({
      id: '7',
      event: 'incident.update',
      incident: { id: 'inc-1', url: 'https://status.acme.test/incidents/inc-1' },
      update: { body: 'Rolling back.\n\nNext update in 30 min.' },
    });
    expect(webhookSignature('s3cret', body)).toBe(`sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`);
  });

  it('makes link tokens that only the holder knows', () => {
    const token = generateLinkToken();
    expect(isWellFormedLinkToken(token)).toBe(true);
    expect(isWellFormedLinkToken('short')).toBe(false);
    expect(isWellFormedLinkToken(['a'])).toBe(false);
    expect(hashLinkToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashLinkToken(token)).not.toContain(token);
  });
});
