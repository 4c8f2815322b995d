import { BadRequestException, Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Principal } from '@app/catalog';
import { ImportedIncident, IncidentImportService, TimelineAuthor } from '@app/incidents';
import { createValidationPipe, ValidationFailedError } from '@app/platform';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { ImportIncidentLineDto } from './dto/import-incident.dto';
import { ApiErrorResponses } from '../common/api-error-responses';

/** Largest import accepted in one request (JSON lines are read here, not by the JSON body parser). */
const IMPORT_MAX_BYTES = 20 * 1024 * 1024;
const IMPORT_MAX_LINES = 10_000;

function authorOf(principal: Principal): TimelineAuthor {
  return principal.kind === 'team'
    ? { kind: 'api_token', tokenId: principal.tokenId, team: principal.teamSlug }
    : { kind: 'api_token', tokenId: principal.tokenId ?? 'admin', team: null };
}

@ApiTags('incidents')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/incidents/import')
export class IncidentImportController {
  private readonly validation = createValidationPipe();

  constructor(private readonly imports: IncidentImportService) {}

  /**
   * Imports incident history: a JSON array (application/json) or JSON lines
   * (application/x-ndjson), one incident each. All or nothing: a failing line
   * is reported by number and nothing is stored. Re-sent external ids change nothing.
   */
  @ApiOperation({ summary: 'Import incidents (JSON array or JSON lines)' })
  @Post()
  @HttpCode(200)
  @ApiConsumes('application/json', 'application/x-ndjson')
  async importIncidents(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Body() body: unknown) {
    const raw = Array.isArray(body) ? body.map((value, index) => ({ line: index + 1, value: value as unknown })) : await this.readJsonLines(request);
    if (raw.length === 0) throw new ValidationFailedError('the import has no incidents', { field: 'body' });
    if (raw.length > IMPORT_MAX_LINES) throw new ValidationFailedError(`at most ${IMPORT_MAX_LINES} incidents per request`, { field: 'body' });
    const lines: ImportedIncident[] = [];
    for (const { line, value } of raw) lines.push(await this.validateLine(value, line));
    return this.imports.importIncidents(
      principal,
      lines,
      authorOf(principal),
      raw.map((entry) => entry.line),
    );
  }

  private async validateLine(value: unknown, line: number): Promise<ImportedIncident> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ValidationFailedError(`line ${line}: each incident must be a JSON object`, { field: 'body', details: { line } });
    }
    try {
      return (await this.validation.transform(value, { type: 'body', metatype: ImportIncidentLineDto })) as ImportedIncident;
    } catch (error) {
      if (error instanceof BadRequestException) {
        const response = error.getResponse() as { message?: string; field?: string; details?: unknown };
        throw new ValidationFailedError(`line ${line}: ${response.message ?? 'invalid incident'}`, {
          field: response.field,
          details: { line, problems: response.details },
        });
      }
      throw error;
    }
  }

  /** JSON lines from the request stream (blank lines skipped); a line that is not JSON is reported by number. */
  private async readJsonLines(request: Request): Promise<Array<{ line: number; value: unknown }>> {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!['application/x-ndjson', 'application/jsonl', 'application/json-lines', 'text/plain'].includes(type)) {
      throw new ValidationFailedError('send a JSON array (application/json) or JSON lines (application/x-ndjson)', { field: 'body' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buffer.length;
      if (size > IMPORT_MAX_BYTES) throw new ValidationFailedError(`the import is larger than ${IMPORT_MAX_BYTES} bytes`, { field: 'body' });
      chunks.push(buffer);
    }
    const values: Array<{ line: number; value: unknown }> = [];
    const text = Buffer.concat(chunks).toString('utf8');
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim() === '') continue;
      try {
        values.push({ line: index + 1, value: JSON.parse(line) as unknown });
      } catch {
        throw new ValidationFailedError(`line ${index + 1}: not valid JSON`, { field: 'body', details: { line: index + 1 } });
      }
    }
    return values;
  }
}
