import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { MailTransport } from './mail-transport';
import { NotificationJobs } from './notification-jobs';
import { NotificationSender } from './notification-sender';
import { SubscriptionsRepository } from './subscriptions.repository';
import { SubscriptionsService } from './subscriptions.service';
import { WebhookSubscribersService } from './webhook-subscribers.service';
import { WebhookTransport } from './webhook-transport';

export interface StatusSubscriptionsModuleOptions {
  /** Binds {@link SubscriptionsSql}: TypeORM's DataSource in the API, a `pg` pool on the status page. */
  readonly sql: Provider;
  /** The API's side: admin webhook management, and the sender with its job. */
  readonly sender: boolean;
}

/** Subscriptions to the status page: e-mail (public side) and webhooks (admin side), the outbox and its sender. */
@Module({})
export class StatusSubscriptionsModule {
  static forRoot(options: StatusSubscriptionsModuleOptions): DynamicModule {
    const senderProviders = options.sender ? [MailTransport, WebhookTransport, NotificationSender, NotificationJobs, WebhookSubscribersService] : [];
    return {
      module: StatusSubscriptionsModule,
      providers: [options.sql, SubscriptionsRepository, SubscriptionsService, ...senderProviders],
      exports: [SubscriptionsService, SubscriptionsRepository, ...(options.sender ? [NotificationSender, WebhookSubscribersService] : [])],
    };
  }
}
