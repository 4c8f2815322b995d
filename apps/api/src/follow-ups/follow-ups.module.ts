import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@app/catalog';
import { IncidentsModule } from '@app/incidents';
import { FollowUpEntity } from './follow-up.entity';
import { FollowUpsController } from './follow-ups.controller';
import { FollowUpsService } from './follow-ups.service';

/** Follow-ups: no Slack dependency, so the Slack module can use it for `/incident followup`. */
@Module({
  imports: [TypeOrmModule.forFeature([FollowUpEntity]), CatalogModule, IncidentsModule],
  controllers: [FollowUpsController],
  providers: [FollowUpsService],
  exports: [FollowUpsService],
})
export class FollowUpsModule {}
