import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { json, urlencoded } from 'express';
import { StatusSubscriptionsModule, SubscriptionsSql } from '@app/status';
import { StatusPageSubscriptionsSql, SubscriptionsDatabaseUrl } from './subscriptions-database';
import { SubscriptionsController } from './subscriptions.controller';

/** Small bodies only: an address and a few component ids. */
const BODY_LIMIT = '16kb';

/**
 * E-mail subscriptions on the public status page (the app runs without a
 * body parser: only these routes read a body). Mails are queued in the
 * outbox; the API's sender delivers them.
 */
@Module({})
export class StatusPageSubscriptionsModule implements NestModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: StatusPageSubscriptionsModule,
      imports: [
        StatusSubscriptionsModule.forRoot({
          sql: { provide: SubscriptionsSql, useFactory: () => new StatusPageSubscriptionsSql(new SubscriptionsDatabaseUrl(databaseUrl)) },
          sender: false,
        }),
      ],
      controllers: [SubscriptionsController],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(json({ limit: BODY_LIMIT }), urlencoded({ extended: false, limit: BODY_LIMIT }))
      .forRoutes({ path: 'subscribe', method: RequestMethod.POST }, { path: 'subscriptions/unsubscribe', method: RequestMethod.POST });
  }
}
