import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SlackModule } from '../slack/slack.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule.forRoot({ logger: false }), SlackModule], controllers: [HealthController] })
export class HealthModule {}
