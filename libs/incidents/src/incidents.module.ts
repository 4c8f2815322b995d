import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IncidentsService } from './application/incidents.service';
import { INCIDENT_ENTITIES } from './persistence/entities';

@Module({
  imports: [TypeOrmModule.forFeature(INCIDENT_ENTITIES)],
  providers: [IncidentsService],
  exports: [IncidentsService],
})
export class IncidentsModule {}
