import { Module } from '@nestjs/common';
import { IncidentsModule } from '@app/incidents';
import { SloModule } from '@app/slo';
import { IncidentInsightsReport } from './incident-insights-report';
import { InsightsController } from './insights.controller';

@Module({ imports: [IncidentsModule, SloModule], controllers: [InsightsController], providers: [IncidentInsightsReport] })
export class InsightsHttpModule {}
