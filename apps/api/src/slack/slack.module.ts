import { Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { IncidentsModule } from '@app/incidents';
import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { SlackBackgroundWork } from './slack-background-work';
import { SlackBoltApp } from './slack-bolt-app';
import { SlackCommandFlow } from './slack-commands.service';
import { SlackDeclareFlow } from './slack-declare.service';
import { SlackEventsController } from './slack-events.controller';
import { SlackEventsListener } from './slack-events.listener';
import { SlackGateway } from './slack-gateway';
import { SlackHttpReceiver } from './slack-http.receiver';
import { SlackIncidentSync } from './slack-incident-sync.service';
import { SlackJobLock } from './slack-job-lock';
import { SlackReminders } from './slack-reminders.service';
import { SlackScheduler } from './slack-scheduler';
import { SlackTimelineCapture } from './slack-timeline.service';

/**
 * The Slack bot. Loaded always; with Slack disabled (no SLACK_BOT_TOKEN) its
 * route answers 404 with the reason and its listeners and jobs do nothing.
 */
@Module({
  imports: [CatalogModule, IncidentsModule, FollowUpsModule],
  controllers: [SlackEventsController],
  providers: [
    SlackGateway,
    SlackBackgroundWork,
    SlackJobLock,
    SlackHttpReceiver,
    SlackEventsListener,
    SlackBoltApp,
    SlackIncidentSync,
    SlackDeclareFlow,
    SlackCommandFlow,
    SlackTimelineCapture,
    SlackReminders,
    SlackScheduler,
  ],
  exports: [SlackGateway, SlackIncidentSync, SlackReminders, SlackBackgroundWork, SlackEventsListener],
})
export class SlackModule {}
