import { Global, Module } from '@nestjs/common';
import { ComponentDirectory } from '@app/incidents';
import { SloModule } from '@app/slo';
import { StatusComponentDirectory, StatusModule } from '@app/status';
import { EngineSloStateSource } from './engine-slo-state-source';
import { SloComponentStateListener } from './slo-component-state.listener';
import { ComponentGroupsController } from './component-groups.controller';
import { MaintenancesController } from './maintenances.controller';
import { StatusComponentsController } from './status-components.controller';

/**
 * Status page admin API (`/api/v1/status/...`) and the status job (which runs
 * where the app module loads the scheduler). The SLO engine's latest states
 * feed components linked to SLOs (EngineSloStateSource).
 *
 * Also answers the incidents lib's ComponentDirectory port with the status
 * components, so incidents can only name components that exist. Global because
 * the incidents module resolves that optional port from its own scope; one
 * module (not two importing StatusModule) so the status job is registered once;
 * it re-exports StatusModule for the same reason (the error budget policy moves
 * the component its policy names through StatusComponentsService).
 */
@Global()
@Module({
  imports: [StatusModule.forRoot({ sloStateSource: EngineSloStateSource, imports: [SloModule] })],
  controllers: [StatusComponentsController, ComponentGroupsController, MaintenancesController],
  providers: [{ provide: ComponentDirectory, useExisting: StatusComponentDirectory }, SloComponentStateListener],
  exports: [ComponentDirectory, StatusModule],
})
export class StatusHttpModule {}
