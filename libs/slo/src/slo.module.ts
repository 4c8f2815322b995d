import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule, ServiceEntity } from '@app/catalog';
import { SloEvaluationScheduler } from './application/slo-evaluation.scheduler';
import { SloEvaluationStore } from './application/slo-evaluation.store';
import { SloEvaluator } from './application/slo-evaluator';
import { SloMetrics } from './application/slo-metrics';
import { SloMetricLabels } from './application/slo-metric-labels';
import { SloSelectorCheck } from './application/slo-selector-check';
import { SloDefinitionsService } from './application/slo-definitions.service';
import { SloReadModel } from './application/slo-read-model.service';
import { SloSpecApplyService } from './application/slo-spec-apply.service';
import { SloSpecExportService } from './application/slo-spec-export.service';
import { SloSpecParser } from './application/slo-spec-parser';
import { SloMaintenanceExclusion } from './application/slo-maintenance-exclusion';
import { SLO_ENTITIES } from './persistence/entities';
import { SloHistoryRepository } from './persistence/slo-history.repository';
import { SloRepository } from './persistence/slo.repository';
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
    SloRepository,
    SloHistoryRepository,
    SloDefinitionsService,
    SloReadModel,
    SloMetrics,
    SloMetricLabels,
    SloSpecApplyService,
    SloSpecExportService,
    SloSpecParser,
    SloMaintenanceExclusion,
  ],
  exports: [SloDefinitionsService, SloReadModel, SloEvaluator, PrometheusClient, SloSpecApplyService, SloSpecExportService],
})
export class SloModule {}
