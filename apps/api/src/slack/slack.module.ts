import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@app/catalog';
import { IncidentEntity, IncidentsModule } from '@app/incidents';
import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { SlackBackgroundWork } from './slack-background-work';
import { SlackBoltApp } from './slack-bolt-app';
import { SlackCommandFlow } from './slack-commands.service';
import { SlackDeclareFlow } from './slack-declare.service';
import { SlackEventsListener } from './http/slack-events.listener';
import { SlackGateway } from './slack-gateway';
import { SlackReplayGuard } from './http/slack-replay-guard';
import { SlackHttpReceiver } from './http/slack-http.receiver';
import { SlackIncidentSync } from './slack-incident-sync.service';
import { SlackJobLock } from './slack-job-lock';
import { SlackReminders } from './slack-reminders.service';
import { SlackScheduler } from './slack-scheduler';
import { SlackTimelineCapture } from './slack-timeline.service';
import { OncallModule } from '../oncall/oncall.module';
import { SlackPager } from './slack-pager.service';
import { SlackPagingScheduler } from './slack-paging-scheduler';
import { SlackResolution } from './slack-resolution.service';
import { SlackFollowUpModal } from './ui/slack-follow-up-modal';
import { SlackHeadlineActions } from './slack-headline-actions.service';
import { SlackIncidentRepository } from './state/slack-incident.repository';

/**
 * The Slack bot. Loaded always; with Slack disabled (no SLACK_BOT_TOKEN) its
 * one entry, POST /slack/events (SlackEventsListener, ahead of Express),
 * answers 404 with the reason and its listeners and jobs do nothing.
 */
@Module({
  imports: [TypeOrmModule.forFeature([IncidentEntity]), CatalogModule, IncidentsModule, OncallModule, FollowUpsModule],
  providers: [
    SlackGateway,
    SlackFollowUpModal,
    SlackBackgroundWork,
    SlackJobLock,
    SlackHttpReceiver,
    SlackReplayGuard,
    SlackEventsListener,
    SlackBoltApp,
    SlackIncidentSync,
    SlackDeclareFlow,
    SlackCommandFlow,
    SlackTimelineCapture,
    SlackReminders,
    SlackScheduler,
    SlackPager,
    SlackResolution,
    SlackPagingScheduler,
    SlackHeadlineActions,
    SlackIncidentRepository,
  ],
  exports: [SlackGateway, SlackIncidentSync, SlackReminders, SlackBackgroundWork, SlackEventsListener, SlackPager, SlackResolution],
})
export class SlackModule {}
