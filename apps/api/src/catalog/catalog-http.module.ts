import { Module } from '@nestjs/common';
import { CatalogModule } from '@app/catalog';
import { ServicesController } from './services.controller';
import { TeamsController } from './teams.controller';

@Module({ imports: [CatalogModule], controllers: [TeamsController, ServicesController] })
export class CatalogHttpModule {}
