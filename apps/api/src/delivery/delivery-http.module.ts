import { Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { IncidentsModule } from '@app/incidents';
import { DeliveryInsightsController } from './delivery-insights.controller';
import { DeploymentsController } from './deployments.controller';
import { IncidentImportController } from './incident-import.controller';

/** Deployments, delivery insights (DORA) and incident history import (issue 24). */
@Module({ imports: [CatalogModule, IncidentsModule], controllers: [IncidentImportController, DeploymentsController, DeliveryInsightsController] })
export class DeliveryHttpModule {}
