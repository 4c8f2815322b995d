import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule, TeamEntity } from '@app/catalog';
import { IncidentsModule } from '@app/incidents';
import { SloModule } from '@app/slo';
import { TeamDigestEntity } from './team-digest.entity';
import { WeeklyDigestService } from './weekly-digest.service';
import { DigestFollowUpsProvider } from './digest-follow-ups.provider';
import { PostmortemsModule } from '../postmortems/postmortems.module';
import { AfterIncidentDigestProvider } from './after-incident-digest.provider';

@Module({
  imports: [TypeOrmModule.forFeature([TeamDigestEntity, TeamEntity]), CatalogModule, IncidentsModule, SloModule, PostmortemsModule],
  providers: [WeeklyDigestService, { provide: DigestFollowUpsProvider, useClass: AfterIncidentDigestProvider }],
  exports: [WeeklyDigestService],
})
export class DigestModule {}
