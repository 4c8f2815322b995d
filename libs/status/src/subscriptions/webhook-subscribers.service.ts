import { Injectable } from '@nestjs/common';
import type { Principal } from '@app/catalog';
import { Clock, type Page, type PageRequest } from '@app/platform';
import { assertAdminForStatusPage } from '../status-access';
import { SubscriberNotFoundError, SubscriptionInputError } from './subscription-errors';
import { parseComponentChoice } from './subscription-input';
import { generateWebhookSecret } from './subscription-tokens';
import { type SubscriberRecord, type SubscriberType, SubscriptionsRepository } from './subscriptions.repository';
import { WebhookTransport } from './webhook-transport';

export interface CreateSubscriberInput {
  readonly type?: unknown;
  readonly url?: unknown;
  readonly components?: unknown;
  readonly secret?: unknown;
}

const MIN_SECRET_LENGTH = 16;

/** Admin management of subscribers (`/api/v1/status/subscribers`): webhooks are created here, e-mail subscribers only listed and removed. */
@Injectable()
export class WebhookSubscribersService {
  constructor(
    private readonly repository: SubscriptionsRepository,
    private readonly webhooks: WebhookTransport,
    private readonly clock: Clock,
  ) {}

  /** Returns the subscriber and its signing secret (shown this once). */
  async createSubscriber(principal: Principal, input: CreateSubscriberInput): Promise<{ subscriber: SubscriberRecord; secret: string }> {
    assertAdminForStatusPage(principal, 'Managing status page subscribers');
    if (input.type !== 'webhook') {
      throw new SubscriptionInputError(
        'invalid_subscriber_type',
        'type',
        "type must be 'webhook' (e-mail subscribers sign up on the status page, POST /subscribe, with double opt-in)",
      );
    }
    if (input.secret !== undefined && (typeof input.secret !== 'string' || input.secret.length < MIN_SECRET_LENGTH || input.secret.length > 200)) {
      throw new SubscriptionInputError('invalid_webhook_secret', 'secret', `secret must be a string of ${MIN_SECRET_LENGTH} to 200 characters`);
    }
    const componentIds = parseComponentChoice(input.components, await this.repository.existingComponentIds());
    const url = await this.webhooks.checkTarget(input.url);
    const secret = typeof input.secret === 'string' ? input.secret : generateWebhookSecret();
    return { subscriber: await this.repository.createWebhookSubscriber(url, secret, componentIds, this.clock.now()), secret };
  }

  async listSubscribers(principal: Principal, type: SubscriberType | undefined, page: PageRequest): Promise<Page<SubscriberRecord>> {
    assertAdminForStatusPage(principal, 'Managing status page subscribers');
    const { items, total } = await this.repository.listSubscribers(type, page.limit, page.offset);
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async getSubscriber(principal: Principal, id: string): Promise<SubscriberRecord> {
    assertAdminForStatusPage(principal, 'Managing status page subscribers');
    const subscriber = await this.repository.getSubscriber(id);
    if (!subscriber) throw new SubscriberNotFoundError(id);
    return subscriber;
  }

  async deleteSubscriber(principal: Principal, id: string): Promise<SubscriberRecord> {
    assertAdminForStatusPage(principal, 'Managing status page subscribers');
    const subscriber = await this.repository.deleteSubscriber(id);
    if (!subscriber) throw new SubscriberNotFoundError(id);
    return subscriber;
  }
}
