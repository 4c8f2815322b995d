import { type DynamicModule, type ModuleMetadata, Module, type Type } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@app/catalog';
import { ComponentGroupsService } from './components/component-groups.service';
import { StatusComponentDirectory } from './components/status-component-directory';
import { SloComponentStates } from './components/slo-component-states';
import { StatusComponentsService } from './components/status-components.service';
import { StatusJobs } from './jobs/status-jobs';
import { StatusRecorder } from './jobs/status-recorder';
import { MaintenancesService } from './maintenances/maintenances.service';
import { STATUS_ENTITIES } from './persistence/entities';
import { NoSloStateSource, SloStateSource } from './slo-state-source';
import { StatusEvaluator } from './status-evaluator';

export interface StatusModuleOptions {
  /** Binds the SLO engine; default: no SLO states (SLOs never move a component). */
  readonly sloStateSource?: Type<SloStateSource>;
  /** Modules the SloStateSource implementation depends on. */
  readonly imports?: ModuleMetadata['imports'];
}

/** Status components, groups, maintenances and history for the API app (admin side and jobs). */
@Module({})
export class StatusModule {
  static forRoot(options: StatusModuleOptions = {}): DynamicModule {
    return {
      module: StatusModule,
      imports: [TypeOrmModule.forFeature(STATUS_ENTITIES), CatalogModule, ...(options.imports ?? [])],
      providers: [
        { provide: SloStateSource, useClass: options.sloStateSource ?? NoSloStateSource },
        StatusEvaluator,
        StatusRecorder,
        StatusJobs,
        StatusComponentsService,
        ComponentGroupsService,
        MaintenancesService,
        StatusComponentDirectory,
        SloComponentStates,
      ],
      exports: [
        StatusEvaluator,
        StatusRecorder,
        StatusComponentsService,
        ComponentGroupsService,
        MaintenancesService,
        StatusComponentDirectory,
        SloComponentStates,
        SloStateSource,
      ],
    };
  }
}
