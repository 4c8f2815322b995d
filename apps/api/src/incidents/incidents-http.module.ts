import { Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { IncidentsModule } from '@app/incidents';
import { IncidentsController } from './incidents.controller';

@Module({ imports: [CatalogModule, IncidentsModule], controllers: [IncidentsController] })
export class IncidentsHttpModule {}
