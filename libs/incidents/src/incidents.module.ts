import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@app/catalog';
import { IncidentsService } from './application/incidents.service';
import { InsightsService } from './application/insights.service';
import { DeliveryInsightsService } from './application/delivery-insights.service';
import { DeploymentsService } from './application/deployments.service';
import { IncidentImportService } from './application/incident-import.service';
import { INCIDENT_ENTITIES } from './persistence/entities';

@Module({
  imports: [TypeOrmModule.forFeature(INCIDENT_ENTITIES), CatalogModule],
  providers: [IncidentsService, InsightsService, DeploymentsService, DeliveryInsightsService, IncidentImportService],
  exports: [IncidentsService, InsightsService, DeploymentsService, DeliveryInsightsService, IncidentImportService],
})
export class IncidentsModule {}
