import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { Clock } from '@app/platform';
import { CONFIRMATION_MAIL_INTERVAL_MS } from './delivery-policy';
import { SubscribeRateLimit } from './subscribe-rate-limit';
import { SubscriptionsUnavailableError } from './subscription-errors';
import { normalizeEmail, parseComponentChoice } from './subscription-input';
import { hashLinkToken, isWellFormedLinkToken } from './subscription-tokens';
import { SubscriptionsRepository } from './subscriptions.repository';

export type SubscribeOutcome = { readonly accepted: true } | { readonly accepted: false; readonly retryAfterSeconds: number };
export type LinkOutcome = 'done' | 'expired' | 'invalid';

/**
 * The public side of e-mail subscriptions (the status page): subscribe with
 * double opt-in, confirm, unsubscribe. Mails are not sent here: a
 * confirmation is queued in the outbox and the API's sender delivers it.
 */
@Injectable()
export class SubscriptionsService {
  private readonly rateLimit: SubscribeRateLimit;

  constructor(
    private readonly repository: SubscriptionsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.rateLimit = new SubscribeRateLimit(config.SUBSCRIBE_RATE_LIMIT);
  }

  get emailOffered(): boolean {
    return Boolean(this.config.SMTP_URL);
  }

  assertOffered(): void {
    if (!this.emailOffered) throw new SubscriptionsUnavailableError();
  }

  listComponents(): Promise<Array<{ id: string; name: string }>> {
    return this.repository.listComponents();
  }

  /**
   * Counts every request against the client's rate limit (valid or not: a
   * flood costs no database work once limited), then validates (400 naming
   * `email` / `components`), then records the choice. The answer never says
   * whether the address was known.
   */
  async subscribe(client: string, input: { email?: unknown; components?: unknown }): Promise<SubscribeOutcome> {
    this.assertOffered();
    const now = this.clock.now();
    const retryAfterSeconds = this.rateLimit.take(client, now);
    if (retryAfterSeconds > 0) return { accepted: false, retryAfterSeconds };
    const email = normalizeEmail(input.email);
    const componentIds = parseComponentChoice(input.components, await this.repository.existingComponentIds());
    const subscriber = await this.repository.upsertEmailSubscriber(email, componentIds, now);
    if (subscriber.needsConfirmation) await this.repository.queueConfirmationMail(subscriber.id, now, CONFIRMATION_MAIL_INTERVAL_MS);
    return { accepted: true };
  }

  async confirm(token: unknown): Promise<LinkOutcome> {
    if (!isWellFormedLinkToken(token)) return 'invalid';
    const outcome = await this.repository.confirm(hashLinkToken(token), this.clock.now());
    return outcome.result === 'confirmed' ? 'done' : outcome.result;
  }

  /** Whether an unsubscribe link is live (the GET page shows the button only then). */
  async checkUnsubscribe(token: unknown): Promise<LinkOutcome> {
    if (!isWellFormedLinkToken(token)) return 'invalid';
    return (await this.repository.findByUnsubscribeToken(hashLinkToken(token))) ? 'done' : 'invalid';
  }

  async unsubscribe(token: unknown): Promise<LinkOutcome> {
    if (!isWellFormedLinkToken(token)) return 'invalid';
    return (await this.repository.unsubscribe(hashLinkToken(token))) ? 'done' : 'invalid';
  }
}
