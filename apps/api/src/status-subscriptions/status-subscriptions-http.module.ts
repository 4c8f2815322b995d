import { Module } from '@nestjs/common';
import { StatusSubscriptionsModule, SubscriptionsSql } from '@app/status';
import { StatusSubscribersController } from './status-subscribers.controller';
import { TypeOrmSubscriptionsSql } from './typeorm-subscriptions-sql';

/**
 * Status page subscriptions on the API side: admin management of subscribers
 * (`/api/v1/status/subscribers`) and the notification sender, which runs on
 * the scheduler of replicas with SCHEDULER_ENABLED.
 */
@Module({
  imports: [StatusSubscriptionsModule.forRoot({ sql: { provide: SubscriptionsSql, useClass: TypeOrmSubscriptionsSql }, sender: true })],
  controllers: [StatusSubscribersController],
})
export class StatusSubscriptionsHttpModule {}
