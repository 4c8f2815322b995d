import { loadConfig } from '@app/config';
import { FixedClock, MetricsRegistry } from '@app/platform';
import type { MailTransport, OutgoingMail } from './mail-transport';
import { NotificationSender } from './notification-sender';
import type { ClaimedDelivery, DeliveryFailure, SubscriptionsRepository } from './subscriptions.repository';
import type { WebhookTransport } from './webhook-transport';

const NOW = new Date('2026-12-06T12:00:00.000Z');

function delivery(overrides: Partial<ClaimedDelivery>): ClaimedDelivery {
  return {
    id: '1',
    kind: 'notification',
    channel: 'email',
    attempts: 1,
    subscriberId: 's1',
    email: 'ada@example.com',
    url: null,
    secret: null,
    confirmationComponentIds: [],
    event: {
      id: '9',
      kind: 'incident.update',
      occurredAt: NOW,
      payload: {
        incident: { id: 'i1', title: 'Checkout errors', status: 'identified' },
        update: { id: 'u1', body: 'Rolling back.', status: 'identified', occurredAt: NOW.toISOString() },
        components: [],
      },
    },
    stillPublic: true,
    subscriberDisabled: false,
    ...overrides,
  };
}

/** A fake outbox that hands out one batch and records what the sender reports. */
function fakeRepository(batch: ClaimedDelivery[]) {
  const recorded = {
    sent: [] as string[],
    failed: [] as DeliveryFailure[],
    cancelled: [] as string[],
    tokens: [] as string[],
    webhookFailures: [] as string[],
  };
  let handedOut = false;
  const repository = {
    fanOutNextEvent: async () => null,
    claimDue: async () => (handedOut ? [] : ((handedOut = true), batch)),
    setUnsubscribeTokens: async (ids: readonly string[]) => void recorded.tokens.push(...ids),
    setConfirmToken: async () => undefined,
    listComponents: async () => [],
    markSent: async (ids: readonly string[]) => void recorded.sent.push(...ids),
    markFailed: async (failures: readonly DeliveryFailure[]) => void recorded.failed.push(...failures),
    cancel: async (ids: readonly string[]) => void recorded.cancelled.push(...ids),
    recordWebhookSuccess: async () => undefined,
    recordWebhookFailure: async (subscriberId: string) => (recorded.webhookFailures.push(subscriberId), false),
    pendingCounts: async () => ({ email: 0, webhook: 0 }),
  };
  return { repository: repository as unknown as SubscriptionsRepository, recorded };
}

function sender(batch: ClaimedDelivery[], options: { mailFails?: string; hookFails?: string } = {}) {
  const { repository, recorded } = fakeRepository(batch);
  const mails: OutgoingMail[] = [];
  const mail = {
    configured: true,
    send: async (message: OutgoingMail) => (options.mailFails ? Promise.reject(new Error(options.mailFails)) : void mails.push(message)),
  } as unknown as MailTransport;
  const posts: Array<{ url: string; body: string; headers: Record<string, string> }> = [];
  const webhooks = {
    post: async (url: string, body: string, headers: Record<string, string>) =>
      options.hookFails ? Promise.reject(new Error(options.hookFails)) : void posts.push({ url, body, headers }),
  } as unknown as WebhookTransport;
  const config = loadConfig({
    SMTP_URL: 'smtp://127.0.0.1:2525',
    PUBLIC_STATUS_URL: 'https://status.acme.test',
    STATUS_PAGE_NAME: 'Acme',
    SUBSCRIBER_RETRY_BASE_MS: '1000',
    SUBSCRIBER_MAX_ATTEMPTS: '3',
  });
  return { sender: new NotificationSender(repository, mail, webhooks, config, new FixedClock(NOW), new MetricsRegistry()), recorded, mails, posts };
}

describe('NotificationSender', () => {
  it('sends a notification with its own unsubscribe link and headers, and marks it sent', async () => {
    const { sender: subject, recorded, mails } = sender([delivery({})]);
    expect(await subject.runOnce()).toEqual({ fannedOut: 0, sent: 1, failed: 0 });
    expect(recorded.sent).toEqual(['1']);
    expect(recorded.tokens).toEqual(['1']);
    const [mail] = mails;
    expect(mail.subject).toBe('[Acme status] Identified: Checkout errors');
    expect(mail.headers?.['List-Unsubscribe']).toMatch(/^<https:\/\/status\.acme\.test\/subscriptions\/unsubscribe\?token=[A-Za-z0-9_-]{43}>$/);
    expect(mail.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });

  it('retries a failed mail with exponential backoff and gives it up at SUBSCRIBER_MAX_ATTEMPTS', async () => {
    const { sender: subject, recorded } = sender(
      [
        delivery({ id: '1', attempts: 1 }),
        delivery({ id: '2', attempts: 2, subscriberId: 's2', email: 'b@example.com' }),
        delivery({ id: '3', attempts: 3, subscriberId: 's3', email: 'c@example.com' }),
      ],
      { mailFails: 'connect ECONNREFUSED' },
    );
    expect(await subject.runOnce()).toEqual({ fannedOut: 0, sent: 0, failed: 3 });
    const byId = new Map(recorded.failed.map((failure) => [failure.id, failure]));
    expect(byId.get('1')).toEqual({ id: '1', error: 'connect ECONNREFUSED', nextAttemptAt: new Date(NOW.getTime() + 1000), giveUp: false });
    expect(byId.get('2')).toMatchObject({ nextAttemptAt: new Date(NOW.getTime() + 2000), giveUp: false });
    expect(byId.get('3')).toMatchObject({ giveUp: true });
    expect(recorded.sent).toEqual([]);
  });

  it('cancels, never sends, a notification of an incident no longer public or of a disabled subscriber', async () => {
    const { sender: subject, recorded, mails } = sender([delivery({ id: '1', stillPublic: false }), delivery({ id: '2', subscriberDisabled: true })]);
    await subject.runOnce();
    expect(recorded.cancelled.sort()).toEqual(['1', '2']);
    expect(mails).toEqual([]);
  });

  it('signs webhook bodies and counts a failed delivery against the webhook', async () => {
    const hook = delivery({
      id: '5',
      channel: 'webhook',
      email: null,
      url: 'https://hooks.example.com/x',
      secret: 'whsec_0123456789abcdef',
      subscriberId: 'w1',
    });
    const ok = sender([hook]);
    await ok.sender.runOnce();
    expect(ok.posts[0].headers['X-Ballast-Signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(ok.posts[0].headers['X-Ballast-Event']).toBe('incident.update');
    const failing = sender([hook], { hookFails: 'the receiver answered HTTP 503' });
    await failing.sender.runOnce();
    expect(failing.recorded.webhookFailures).toEqual(['w1']);
    expect(failing.recorded.failed[0]).toMatchObject({ id: '5', error: 'the receiver answered HTTP 503', giveUp: false });
  });
});
