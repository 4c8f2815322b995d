import { Global, Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { SlackModule } from '../slack/slack.module';
import { SlackTeamNotifier } from './slack-team-notifier';
import { TeamNotifier } from './team-notifier';

/** Global so the budget policy and the digest can notify teams; logs instead when Slack is off. */
@Global()
@Module({ imports: [SlackModule, CatalogModule], providers: [{ provide: TeamNotifier, useClass: SlackTeamNotifier }], exports: [TeamNotifier] })
export class NotificationsModule {}
