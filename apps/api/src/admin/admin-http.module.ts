import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CatalogModule } from '@app/catalog';
import { AdminTokensController } from './admin-tokens.controller';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';

/** Admin tokens, the audit trail's read route, and the interceptor that records every write. */
@Module({
  imports: [CatalogModule],
  controllers: [AdminTokensController, AuditController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
})
export class AdminHttpModule {}
