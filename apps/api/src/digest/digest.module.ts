import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule, TeamEntity } from '@app/catalog';
import { IncidentsModule } from '@app/incidents';
import { SloModule } from '@app/slo';
import { TeamDigestEntity } from './team-digest.entity';
import { WeeklyDigestService } from './weekly-digest.service';
import { DigestFollowUpsProvider, NoDigestFollowUps } from './digest-follow-ups.provider';

@Module({
  imports: [TypeOrmModule.forFeature([TeamDigestEntity, TeamEntity]), CatalogModule, IncidentsModule, SloModule],
  providers: [WeeklyDigestService, { provide: DigestFollowUpsProvider, useClass: NoDigestFollowUps }],
  exports: [WeeklyDigestService],
})
export class DigestModule {}
