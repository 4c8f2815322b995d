import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@app/catalog';
import { DeployGateAuditListener } from './deploy-gate-audit.listener';
import { DeployGateOverrideEntity } from './deploy-gate-override.entity';
import { DeployGateController } from './deploy-gate.controller';
import { DeployGateService } from './deploy-gate.service';

@Module({
  imports: [TypeOrmModule.forFeature([DeployGateOverrideEntity]), CatalogModule],
  controllers: [DeployGateController],
  providers: [DeployGateService, DeployGateAuditListener],
  exports: [DeployGateService],
})
export class DeployGateModule {}
