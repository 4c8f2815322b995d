import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ServiceEntity } from './services/service.entity';
import { ServicesService } from './services/services.service';
import { TeamEntity } from './teams/team.entity';
import { TeamsService } from './teams/teams.service';
import { ApiTokenEntity } from './tokens/api-token.entity';
import { TokensService } from './tokens/tokens.service';
import { ReferenceOwnership } from './ownership/reference-ownership';
import { AuditLog } from './audit/audit-log';
import { AuditRecordEntity } from './audit/audit-record.entity';

export const CATALOG_ENTITIES = [TeamEntity, ServiceEntity, ApiTokenEntity, AuditRecordEntity];

@Module({
  imports: [TypeOrmModule.forFeature(CATALOG_ENTITIES)],
  providers: [TeamsService, ServicesService, TokensService, ReferenceOwnership, AuditLog],
  exports: [TeamsService, ServicesService, TokensService, ReferenceOwnership, AuditLog],
})
export class CatalogModule {}
