import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SnapshotService } from '../snapshot/snapshot.service';

/**
 * `GET /health`: 200 while there is a snapshot to serve (even with the
 * database down: the page keeps working, and says how old it is), 503 when
 * there has never been one. Reports the snapshot's age so monitoring can
 * alert on a page that stopped refreshing. No error details: this is public.
 */
@Controller('health')
export class StatusPageHealthController {
  constructor(private readonly snapshots: SnapshotService) {}

  @Get()
  check(@Res({ passthrough: true }) response: Response) {
    response.setHeader('Cache-Control', 'no-store');
    const health = this.snapshots.health();
    const status = !health.snapshot ? 'unavailable' : health.database.status === 'up' && !health.snapshot.stale ? 'ok' : 'degraded';
    if (!health.snapshot) response.status(503);
    return { status, ...health };
  }
}
