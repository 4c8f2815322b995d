import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import type { Clock } from '@app/platform';
import { TokensService } from '@app/catalog';
import { configureHttpApp, installAheadOfExpress } from '@app/platform';
import { ApiAppModule } from './app.module';
import { SlackEventsListener } from './slack/http/slack-events.listener';

export interface CreateApiAppOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Replaces the wall clock (tests). */
  clock?: Clock;
  /** Where the generated admin token is printed (stdout by default). */
  printAdminToken?: (message: string) => void;
}

/** Builds the API application (not yet listening). Used by main.ts and the tests. */
export async function createApiApp(options: CreateApiAppOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiAppModule.forRoot(options), {
    bufferLogs: true,
    rawBody: true,
    bodyParser: false,
  });
  configureHttpApp(app, options.config);
  installSlackFastPath(app);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Ballast API')
      .setDescription('SLOs and error budgets, incidents, team insights and the status page admin.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  await app.init();
  await app.get(TokensService).ensureAdminToken(options.printAdminToken ?? ((message) => process.stdout.write(message + '\n')));
  return app;
}

/**
 * Puts SlackEventsListener in front of Express on the HTTP server: Slack's
 * requests are answered without the routing stack (its 3-second clock, bursts
 * of /incident), everything else continues to Nest.
 */
function installSlackFastPath(app: NestExpressApplication): void {
  const slack = app.get(SlackEventsListener);
  installAheadOfExpress(app, (request, response) => slack.handle(request, response));
}
