import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@app/catalog';
import { IncidentsService } from './application/incidents.service';
import { InsightsService } from './application/insights.service';
import { INCIDENT_ENTITIES } from './persistence/entities';

@Module({
  imports: [TypeOrmModule.forFeature(INCIDENT_ENTITIES), CatalogModule],
  providers: [IncidentsService, InsightsService],
  exports: [IncidentsService, InsightsService],
})
export class IncidentsModule {}
