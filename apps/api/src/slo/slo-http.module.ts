import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { text } from 'express';
import { AppConfig } from '@app/config';
import { SloModule } from '@app/slo';
import { EvaluateRateLimit } from './evaluate-rate-limit';
import { SlosController } from './slos.controller';
import { TeamSlosController } from './team-slos.controller';

/** YAML content types accepted by the OpenSLO import. */
const YAML_CONTENT_TYPES = ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/x-yaml', 'text/plain'];
/** An import carries whole SLO repositories (1,000 SLOs are about 1 MB of YAML); the importer bounds the text itself. */
const IMPORT_BODY_LIMIT = '4mb';

@Module({ imports: [SloModule], controllers: [SlosController, TeamSlosController], providers: [EvaluateRateLimit] })
export class SloHttpModule implements NestModule {
  constructor(private readonly config: AppConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(text({ type: YAML_CONTENT_TYPES, limit: IMPORT_BODY_LIMIT })).forRoutes({ path: 'api/v1/slos/import', method: RequestMethod.POST });
  }
}
