import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule, ServiceEntity } from '@app/catalog';
import { SloEvaluationScheduler } from './application/slo-evaluation.scheduler';
import { SloEvaluationStore } from './application/slo-evaluation.store';
import { SloEvaluator } from './application/slo-evaluator';
import { SloMetrics } from './application/slo-metrics';
import { SloMetricLabels } from './application/slo-metric-labels';
import { SloSelectorCheck } from './application/slo-selector-check';
import { SloService } from './application/slo.service';
import { SloSpecApplyService } from './application/slo-spec-apply.service';
import { SloSpecExportService } from './application/slo-spec-export.service';
import { SloSpecParser } from './application/slo-spec-parser';
import { SLO_ENTITIES } from './persistence/entities';
import { PrometheusClient } from './prometheus/prometheus-client';

/**
 * The SLO engine. Needs the app's ConfigModule, PlatformModule (Clock),
 * MetricsModule (MetricsRegistry) and EventEmitterModule; schedules its
 * evaluation cycle only where ScheduleModule is imported and SCHEDULER_ENABLED.
 */
@Module({
  imports: [TypeOrmModule.forFeature([...SLO_ENTITIES, ServiceEntity]), CatalogModule],
  providers: [
    PrometheusClient,
    SloEvaluationStore,
    SloEvaluator,
    SloEvaluationScheduler,
    SloSelectorCheck,
    SloService,
    SloMetrics,
    SloMetricLabels,
    SloSpecApplyService,
    SloSpecExportService,
    SloSpecParser,
  ],
  exports: [SloService, SloEvaluator, PrometheusClient, SloSpecApplyService, SloSpecExportService],
})
export class SloModule {}
