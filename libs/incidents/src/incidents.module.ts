import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IncidentsService } from './application/incidents.service';
import { InsightsService } from './application/insights.service';
import { INCIDENT_ENTITIES } from './persistence/entities';

@Module({
  imports: [TypeOrmModule.forFeature(INCIDENT_ENTITIES)],
  providers: [IncidentsService, InsightsService],
  exports: [IncidentsService, InsightsService],
})
export class IncidentsModule {}
