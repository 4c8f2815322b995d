import { Module } from '@nestjs/common';
import { IncidentsModule } from '@app/incidents';
import { BreachIncidentListener } from './breach-incident.listener';

@Module({ imports: [IncidentsModule], providers: [BreachIncidentListener], exports: [BreachIncidentListener] })
export class BreachIncidentsModule {}
