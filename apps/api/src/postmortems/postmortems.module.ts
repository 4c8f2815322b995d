import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@app/catalog';
import { IncidentsModule } from '@app/incidents';
import { FollowUpsModule } from '../follow-ups/follow-ups.module';
import { SlackModule } from '../slack/slack.module';
import { AfterIncidentFiguresService } from './after-incident-figures.service';
import { PostmortemEntity, PostmortemReminderEntity, PostmortemVersionEntity } from './postmortem.entity';
import { PostmortemReminders } from './postmortem-reminders.service';
import { PostmortemsController } from './postmortems.controller';
import { PostmortemsService } from './postmortems.service';
import { SloBudgetImpactReader } from './slo-budget-impact.reader';
import { IncidentPageService } from './incident-page.service';
import { PostmortemResolutionLinkListener } from './postmortem-resolution-link.listener';

/** Postmortems (draft, versions, Markdown export), their reminders, and the per-team figures for dashboards and the digest. */
@Module({
  imports: [
    TypeOrmModule.forFeature([PostmortemEntity, PostmortemVersionEntity, PostmortemReminderEntity]),
    CatalogModule,
    IncidentsModule,
    FollowUpsModule,
    SlackModule,
  ],
  controllers: [PostmortemsController],
  providers: [
    PostmortemsService,
    PostmortemReminders,
    SloBudgetImpactReader,
    AfterIncidentFiguresService,
    IncidentPageService,
    PostmortemResolutionLinkListener,
  ],
  exports: [IncidentPageService, PostmortemsService, PostmortemReminders, AfterIncidentFiguresService, SloBudgetImpactReader, FollowUpsModule],
})
export class PostmortemsModule {}
