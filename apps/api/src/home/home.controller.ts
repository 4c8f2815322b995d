import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { Public } from '@app/platform';

class HomeLinks {
  @ApiProperty({ example: '/docs', description: 'Interactive API documentation (Swagger UI)' })
  docs: string;
  @ApiProperty({ example: '/docs/openapi.json' })
  openapi: string;
  @ApiProperty({ example: '/dashboard', description: 'Team dashboards (SLOs, error budgets, incidents, insights); sign in with a token' })
  dashboard: string;
  @ApiProperty({ example: 'https://status.example.com/', description: 'The public status page' })
  statusPage: string;
  @ApiProperty({ example: '/health/ready', description: 'Readiness (database reachable)' })
  health: string;
  @ApiProperty({ example: '/health/live' })
  liveness: string;
  @ApiProperty({ example: '/metrics', description: 'Prometheus metrics' })
  metrics: string;
}

export class HomeDocument {
  @ApiProperty({ example: 'Ballast API' })
  name: string;
  @ApiProperty({ type: HomeLinks })
  links: HomeLinks;
}

/** `GET /`: where to go from here, for a newcomer who opens the API's address. */
@ApiTags('meta')
@Public()
@Controller()
export class HomeController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Links to the docs, dashboards, status page and health endpoints' })
  @ApiOkResponse({ type: HomeDocument })
  home(): HomeDocument {
    return {
      name: 'Ballast API',
      links: {
        docs: '/docs',
        openapi: '/docs/openapi.json',
        dashboard: '/dashboard',
        statusPage: this.config.PUBLIC_STATUS_URL ?? `http://localhost:${this.config.STATUS_PAGE_PORT}/`,
        health: '/health/ready',
        liveness: '/health/live',
        metrics: '/metrics',
      },
    };
  }
}
