import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@app/catalog';
import { IncidentsService } from './application/incidents.service';
import { IncidentQueriesService } from './application/incident-queries.service';
import { IncidentTypesService } from './application/incident-types.service';
import { IncidentsRepository } from './application/incidents.repository';
import { IncidentReferences } from './application/incident-references';
import { InsightsService } from './application/insights.service';
import { DeliveryInsightsService } from './application/delivery-insights.service';
import { DeploymentsService } from './application/deployments.service';
import { IncidentImportService } from './application/incident-import.service';
import { INCIDENT_ENTITIES } from './persistence/entities';

@Module({
  imports: [TypeOrmModule.forFeature(INCIDENT_ENTITIES), CatalogModule],
  providers: [
    IncidentsRepository,
    IncidentReferences,
    IncidentsService,
    IncidentQueriesService,
    IncidentTypesService,
    InsightsService,
    DeploymentsService,
    DeliveryInsightsService,
    IncidentImportService,
  ],
  exports: [
    IncidentsService,
    IncidentQueriesService,
    IncidentTypesService,
    InsightsService,
    DeploymentsService,
    DeliveryInsightsService,
    IncidentImportService,
  ],
})
export class IncidentsModule {}
