import { Module } from '@nestjs/common';
import { IncidentsModule } from '@app/incidents';
import { InsightsController } from './insights.controller';

@Module({ imports: [IncidentsModule], controllers: [InsightsController] })
export class InsightsHttpModule {}
