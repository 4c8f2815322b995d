import { Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { IncidentsModule } from '@app/incidents';
import { AlertmanagerIntakeService } from './alertmanager-intake.service';
import { AlertmanagerController } from './alertmanager.controller';

@Module({ imports: [CatalogModule, IncidentsModule], providers: [AlertmanagerIntakeService], controllers: [AlertmanagerController] })
export class AlertmanagerModule {}
