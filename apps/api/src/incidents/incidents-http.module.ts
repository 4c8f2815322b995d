import { Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { IncidentsModule } from '@app/incidents';
import { IncidentTypesController } from './incident-types.controller';
import { IncidentsController } from './incidents.controller';

@Module({ imports: [CatalogModule, IncidentsModule], controllers: [IncidentsController, IncidentTypesController] })
export class IncidentsHttpModule {}
