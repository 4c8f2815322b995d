import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { AppConfig } from '@app/config';
import { Clock, MetricsRegistry } from '@app/platform';
import { CONFIRMATION_TOKEN_TTL_MS, isGivenUp, nextAttemptAt } from './delivery-policy';
import { MailTransport } from './mail-transport';
import { type PageIdentity, renderConfirmationEmail, renderNotificationEmail, renderWebhookBody } from './notification-message';
import { generateLinkToken, hashLinkToken, webhookSignature } from './subscription-tokens';
import { type ClaimedDelivery, type DeliveryFailure, type SubscriberType, SubscriptionsRepository } from './subscriptions.repository';
import { WebhookTransport } from './webhook-transport';

/** Deliveries claimed per round trip to the database. */
const CLAIM_BATCH = 500;
/** Sends in flight at once (the SMTP pool multiplexes them over its connections). */
const SEND_CONCURRENCY = 32;
/** A claimed delivery belongs to its sender this long; longer than any send can take (SMTP and webhook timeouts are far shorter). */
const CLAIM_LEASE_MS = 5 * 60_000;

export interface SendRoundResult {
  readonly fannedOut: number;
  readonly sent: number;
  readonly failed: number;
}

/**
 * Works through the outbox: fans each new public event out to its
 * subscribers (one row per subscriber and event, unique), claims due rows
 * with FOR UPDATE SKIP LOCKED, sends them, marks them sent; a failure is
 * retried with exponential backoff up to SUBSCRIBER_MAX_ATTEMPTS, and a
 * webhook failing SUBSCRIBER_WEBHOOK_MAX_FAILURES times in a row is
 * disabled. Any number of senders (replicas, restarts) can run at once.
 */
@Injectable()
export class NotificationSender {
  private readonly logger = new Logger(NotificationSender.name);
  private readonly sent: Counter<'channel' | 'kind'>;
  private readonly failed: Counter<'channel' | 'kind'>;
  private readonly gaveUp: Counter<'channel'>;
  private readonly page: PageIdentity;

  constructor(
    private readonly repository: SubscriptionsRepository,
    private readonly mail: MailTransport,
    private readonly webhooks: WebhookTransport,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    metrics: MetricsRegistry,
  ) {
    const registers = [metrics.registry];
    this.sent = new Counter({
      name: 'ballast_status_notifications_sent_total',
      help: 'Status notifications and confirmation mails delivered, by channel and kind',
      labelNames: ['channel', 'kind'],
      registers,
    });
    this.failed = new Counter({
      name: 'ballast_status_notifications_failed_total',
      help: 'Delivery attempts that failed (each is retried with backoff until given up), by channel and kind',
      labelNames: ['channel', 'kind'],
      registers,
    });
    this.gaveUp = new Counter({
      name: 'ballast_status_notifications_given_up_total',
      help: 'Deliveries given up after SUBSCRIBER_MAX_ATTEMPTS failed attempts',
      labelNames: ['channel'],
      registers,
    });
    const outbox = this.repository;
    new Gauge({
      name: 'ballast_status_notifications_pending',
      help: 'Deliveries waiting in the outbox (due or backing off), by channel',
      labelNames: ['channel'],
      registers,
      async collect() {
        try {
          const counts = await outbox.pendingCounts();
          for (const channel of ['email', 'webhook'] as const) this.set({ channel }, counts[channel]);
        } catch {
          // The database is down: the gauge keeps its last value, the scrape still succeeds.
        }
      },
    });
    this.page = { name: config.STATUS_PAGE_NAME, url: (config.PUBLIC_STATUS_URL ?? `http://localhost:${config.STATUS_PAGE_PORT}`).replace(/\/+$/, '') };
  }

  /** Fans out every waiting event, then sends until nothing is due. */
  async runOnce(): Promise<SendRoundResult> {
    let fannedOut = 0;
    for (;;) {
      const result = await this.repository.fanOutNextEvent(this.clock.now());
      if (!result) break;
      fannedOut += result.deliveries;
    }
    let sent = 0;
    let failed = 0;
    for (;;) {
      const now = this.clock.now();
      const batch = await this.repository.claimDue(now, new Date(now.getTime() + CLAIM_LEASE_MS), CLAIM_BATCH);
      if (batch.length === 0) break;
      const outcome = await this.deliverBatch(batch);
      sent += outcome.sent;
      failed += outcome.failed;
      if (batch.length < CLAIM_BATCH) break;
    }
    return { fannedOut, sent, failed };
  }

  private async deliverBatch(batch: readonly ClaimedDelivery[]): Promise<{ sent: number; failed: number }> {
    const cancelled = batch.filter(
      (delivery) => delivery.subscriberDisabled || (delivery.kind === 'notification' && (!delivery.event || !delivery.stillPublic)),
    );
    await this.repository.cancel(
      cancelled.map((delivery) => delivery.id),
      'no longer deliverable (subscriber disabled or the incident is no longer public)',
    );
    const live = batch.filter((delivery) => !cancelled.includes(delivery));
    if (live.some((delivery) => delivery.channel === 'email') && !this.mail.configured) {
      // Without SMTP_URL e-mail waits (never lost): it goes out once the operator configures SMTP.
      const waiting = live.filter((delivery) => delivery.channel === 'email');
      await this.repository.markFailed(waiting.map((delivery) => this.failure(delivery, 'SMTP_URL is not configured')));
      return this.deliverLive(live.filter((delivery) => delivery.channel !== 'email'));
    }
    return this.deliverLive(live);
  }

  private async deliverLive(live: readonly ClaimedDelivery[]): Promise<{ sent: number; failed: number }> {
    const unsubscribeTokens = new Map<string, string>();
    for (const delivery of live) if (delivery.kind === 'notification' && delivery.channel === 'email') unsubscribeTokens.set(delivery.id, generateLinkToken());
    await this.repository.setUnsubscribeTokens([...unsubscribeTokens.keys()], [...unsubscribeTokens.values()].map(hashLinkToken));

    const sentIds: string[] = [];
    const failures: DeliveryFailure[] = [];
    const webhookSuccesses = new Set<string>();
    const webhookFailures: Array<{ subscriberId: string; error: string }> = [];
    let next = 0;
    const worker = async () => {
      while (next < live.length) {
        const delivery = live[next++];
        try {
          await this.deliver(delivery, unsubscribeTokens.get(delivery.id));
          sentIds.push(delivery.id);
          this.sent.inc({ channel: delivery.channel, kind: delivery.kind });
          if (delivery.channel === 'webhook') webhookSuccesses.add(delivery.subscriberId);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const failure = this.failure(delivery, message);
          failures.push(failure);
          this.failed.inc({ channel: delivery.channel, kind: delivery.kind });
          if (failure.giveUp) this.gaveUp.inc({ channel: delivery.channel });
          if (delivery.channel === 'webhook') webhookFailures.push({ subscriberId: delivery.subscriberId, error: message });
          this.logger.warn(`delivery ${delivery.id} (${delivery.channel} ${delivery.kind}, attempt ${delivery.attempts}) failed: ${message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, live.length) }, worker));

    const now = this.clock.now();
    await this.repository.markSent(sentIds, now);
    await this.repository.markFailed(failures);
    await this.repository.recordWebhookSuccess([...webhookSuccesses], now);
    for (const { subscriberId, error } of webhookFailures) {
      if (await this.repository.recordWebhookFailure(subscriberId, this.config.SUBSCRIBER_WEBHOOK_MAX_FAILURES, error, now)) {
        this.logger.warn(`webhook subscriber ${subscriberId} disabled after ${this.config.SUBSCRIBER_WEBHOOK_MAX_FAILURES} failed deliveries in a row`);
      }
    }
    return { sent: sentIds.length, failed: failures.length };
  }

  private failure(delivery: ClaimedDelivery, error: string): DeliveryFailure {
    return {
      id: delivery.id,
      error,
      nextAttemptAt: nextAttemptAt(delivery.attempts, this.config.SUBSCRIBER_RETRY_BASE_MS, this.clock.now()),
      giveUp: isGivenUp(delivery.attempts, this.config.SUBSCRIBER_MAX_ATTEMPTS),
    };
  }

  private async deliver(delivery: ClaimedDelivery, unsubscribeToken: string | undefined): Promise<void> {
    if (delivery.kind === 'confirmation') return this.sendConfirmation(delivery);
    const event = delivery.event;
    if (!event) throw new Error('the event of this delivery is gone');
    if (delivery.channel === 'webhook') {
      if (!delivery.url || !delivery.secret) throw new Error('webhook subscriber without url or secret');
      const body = renderWebhookBody(event, this.page);
      await this.webhooks.post(delivery.url, body, {
        'X-Ballast-Signature': webhookSignature(delivery.secret, body),
        'X-Ballast-Event': event.kind,
        'X-Ballast-Delivery': delivery.id,
      });
      return;
    }
    if (!delivery.email || !unsubscribeToken) throw new Error('e-mail subscriber without address');
    const unsubscribeUrl = `${this.page.url}/subscriptions/unsubscribe?token=${unsubscribeToken}`;
    const content = renderNotificationEmail(event, this.page, unsubscribeUrl);
    await this.mail.send({
      to: delivery.email,
      ...content,
      headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'X-Ballast-Event': event.kind },
    });
  }

  private async sendConfirmation(delivery: ClaimedDelivery): Promise<void> {
    if (!delivery.email) throw new Error('confirmation for a subscriber without address');
    const token = generateLinkToken();
    await this.repository.setConfirmToken(delivery.subscriberId, hashLinkToken(token), new Date(this.clock.now().getTime() + CONFIRMATION_TOKEN_TTL_MS));
    const names = new Map((await this.repository.listComponents()).map((component) => [component.id, component.name]));
    const componentNames = delivery.confirmationComponentIds.map((id) => names.get(id) ?? id);
    await this.mail.send({
      to: delivery.email,
      ...renderConfirmationEmail(this.page, `${this.page.url}/subscriptions/confirm?token=${token}`, componentNames),
    });
  }

  /** For the metrics of a bench or a health view: what is waiting, by channel. */
  pendingCounts(): Promise<Record<SubscriberType, number>> {
    return this.repository.pendingCounts();
  }
}
