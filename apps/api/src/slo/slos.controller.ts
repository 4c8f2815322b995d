import { Body, Controller, Delete, Get, Header, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '@app/catalog';
import { ValidationFailedError, isUnsafeText } from '@app/platform';
import { EvaluateRateLimit } from './evaluate-rate-limit';
import { SloDefinitionsService, SloReadModel, SloSpecApplyService, SloSpecExportService } from '@app/slo';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { toPageRequest } from '../common/pagination.dto';
import { uuidParam } from '../common/uuid-param.pipe';
import { CreateSloDto, ListSlosQueryDto, SloHistoryQueryDto, SloRulesQueryDto, UpdateSloDto } from './dto/slo.dto';
import { presentHistory, presentSlo, presentStatus } from './slo.presenter';
import { ImportSlosQueryDto, SloExportQueryDto } from './dto/slo-import.dto';
import { presentSpecApply } from './slo-spec.presenter';
import { ApiErrorResponses } from '../common/api-error-responses';

/** The required-metric-labels rule, as the OpenAPI document states it. */
const METRIC_LABELS_RULE =
  'When the SLO\'s team has metric labels (teams.metricLabels, set by the admin, or SLO_REQUIRED_TEAM_LABEL=<label> meaning <label>="<team slug>"), ' +
  'every vector and matrix selector of every indicator query and template must carry each of them as an equality matcher; ' +
  'otherwise 403 metric_labels_required naming the field (indicator.total, indicator.badQuery, …) and the label (for an import: details lists each document).';

@ApiTags('slos')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/slos')
export class SlosController {
  constructor(
    private readonly slos: SloDefinitionsService,
    private readonly reads: SloReadModel,
    private readonly evaluateRateLimit: EvaluateRateLimit,
    private readonly specs: SloSpecApplyService,
    private readonly exports: SloSpecExportService,
  ) {}

  @ApiOperation({ summary: 'Create an SLO', description: METRIC_LABELS_RULE })
  @Post()
  async createSlo(@CurrentPrincipal() principal: Principal, @Body() body: CreateSloDto) {
    const { slo, warnings } = await this.slos.createSlo(principal, body);
    return presentSlo(slo, warnings);
  }

  @ApiOperation({ summary: 'List SLOs' })
  @Get()
  async listSlos(@Query() query: ListSlosQueryDto) {
    const page = await this.reads.listSlos({ team: query.team, service: query.service, state: query.state }, toPageRequest(query));
    return { ...page, items: page.items.map((slo) => presentSlo(slo)) };
  }

  /** Prometheus rule file: recording rules and multi-window multi-burn-rate alerts. */
  @ApiOperation({ summary: 'Export Prometheus recording and alerting rules for the SLOs' })
  @Get('rules')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  async getRules(@Query() query: SloRulesQueryDto): Promise<string> {
    if (query.format === 'sloth') return this.exports.slothRules({ team: query.team, service: query.service });
    return this.exports.prometheusRules({ team: query.team, service: query.service });
  }

  @ApiOperation({ summary: 'Export SLOs as OpenSLO v1 YAML' })
  /** OpenSLO v1 (a YAML list: Service and SLO documents) that re-imports to the same SLOs. */
  @Get('openslo')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  async getOpenSlo(@Query() query: SloExportQueryDto): Promise<string> {
    return this.exports.openSlo({ team: query.team, service: query.service });
  }

  /**
   * OpenSLO v1/v1alpha, Sloth or Pyrra YAML (apply semantics: create, update,
   * ?prune=true deletes; ?dryRun=true answers the plan), sent as text/yaml (or application/yaml, text/plain), or as JSON `{ "yaml": "..." }`. */
  @ApiOperation({ summary: 'Import SLOs from OpenSLO, Sloth or Pyrra YAML', description: METRIC_LABELS_RULE })
  @Post('import')
  @ApiConsumes('text/yaml', 'application/json')
  @ApiBody({ schema: { oneOf: [{ type: 'string' }, { type: 'object', properties: { yaml: { type: 'string' } }, required: ['yaml'] }] } })
  async importOpenSlo(@CurrentPrincipal() principal: Principal, @Body() body: unknown, @Query() query: ImportSlosQueryDto) {
    const result = await this.specs.apply(principal, openSloText(body), {
      team: query.team,
      service: query.service,
      dryRun: query.dryRun === 'true',
      prune: query.prune === 'true',
    });
    return presentSpecApply(result);
  }

  @ApiOperation({ summary: 'Get an SLO' })
  @Get(':id')
  async getSlo(@Param('id', uuidParam('id')) id: string) {
    return presentSlo(await this.slos.getSlo(id));
  }

  @ApiOperation({ summary: 'Update an SLO', description: METRIC_LABELS_RULE })
  @Patch(':id')
  async updateSlo(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string, @Body() body: UpdateSloDto) {
    const { slo, warnings } = await this.slos.updateSlo(principal, id, body);
    return presentSlo(slo, warnings);
  }

  @ApiOperation({ summary: 'Delete an SLO' })
  @Delete(':id')
  @HttpCode(204)
  async deleteSlo(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string): Promise<void> {
    await this.slos.deleteSlo(principal, id);
  }

  /** The latest stored status; never queries Prometheus. */
  @ApiOperation({ summary: "Get an SLO's current status and error budget" })
  @Get(':id/status')
  async getStatus(@Param('id', uuidParam('id')) id: string) {
    return presentStatus(await this.reads.getStatus(id));
  }

  @ApiOperation({ summary: "Get an SLO's history" })
  @Get(':id/history')
  async getHistory(@Param('id', uuidParam('id')) id: string, @Query() query: SloHistoryQueryDto) {
    return presentHistory(
      await this.reads.getHistory(id, {
        from: query.from !== undefined ? new Date(query.from) : undefined,
        to: query.to !== undefined ? new Date(query.to) : undefined,
        step: query.step,
      }),
    );
  }

  @ApiOperation({
    summary: 'Evaluate an SLO now',
    description: 'At most SLO_EVALUATE_PER_MINUTE per token and sliding minute across all replicas; beyond, 429 with Retry-After.',
  })
  @Post(':id/evaluate')
  @HttpCode(200)
  async evaluateSlo(@CurrentPrincipal() principal: Principal, @Param('id', uuidParam('id')) id: string) {
    await this.evaluateRateLimit.take(principal);
    return presentStatus((await this.slos.evaluateSlo(principal, id)).status);
  }
}

function openSloText(body: unknown): string {
  if (typeof body === 'string' && isUnsafeText(body)) {
    throw new ValidationFailedError('the YAML contains a NUL character or a lone UTF-16 surrogate', { field: 'yaml', code: 'invalid_text' });
  }
  if (typeof body === 'string' && body.trim() !== '') {
    return body;
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const fields = body as Record<string, unknown>;
    const extra = Object.keys(fields).find((key) => key !== 'yaml');
    if (extra !== undefined) {
      throw new ValidationFailedError(`property ${extra} should not exist`, { field: extra });
    }
    if (typeof fields.yaml === 'string' && fields.yaml.trim() !== '') {
      return fields.yaml;
    }
  }
  throw new ValidationFailedError('Send the OpenSLO YAML as a text/yaml body, or as JSON {"yaml": "..."}', { field: 'yaml' });
}
