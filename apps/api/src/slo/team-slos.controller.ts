import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SloReadModel } from '@app/slo';
import { presentRollup } from './slo.presenter';
import { ApiErrorResponses } from '../common/api-error-responses';

@ApiTags('slos')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/teams')
export class TeamSlosController {
  constructor(private readonly slos: SloReadModel) {}

  /** A team's SLO rollup: worst state, and every SLO's error budget, smallest first. */
  @ApiOperation({ summary: "Roll-up of a team's SLOs" })
  @Get(':slug/slos')
  async getTeamRollup(@Param('slug') slug: string) {
    return presentRollup(await this.slos.teamRollup(slug));
  }
}
