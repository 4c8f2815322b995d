import { Body, Controller, Get, Header, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal } from '@app/catalog';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { principalLabel } from '../follow-ups/follow-ups.controller';
import { CreatePostmortemQueryDto, UpdatePostmortemDto } from './dto/postmortem.dto';
import { presentPostmortem, presentPostmortemVersion } from './postmortem.presenter';
import { PostmortemsService } from './postmortems.service';
import { ApiErrorResponses } from '../common/api-error-responses';

@ApiTags('postmortems')
@ApiBearerAuth()
@ApiErrorResponses()
@Controller('api/v1/incidents/:id')
export class PostmortemsController {
  constructor(private readonly postmortems: PostmortemsService) {}

  /** 201 with the new draft, 200 with the existing postmortem; 409 while the incident is open unless ?draft=early. */
  @ApiOperation({ summary: 'Create the postmortem of an incident' })
  @Post('postmortem')
  @HttpCode(201)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: CreatePostmortemQueryDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { postmortem, created } = await this.postmortems.createDraft(principal, id, { early: query.draft === 'early' });
    if (!created) response.status(200);
    const { incident } = await this.postmortems.get(principal, id);
    return presentPostmortem(postmortem, incident);
  }

  @ApiOperation({ summary: 'Get the postmortem of an incident' })
  @Get('postmortem')
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const { incident, postmortem } = await this.postmortems.get(principal, id);
    return presentPostmortem(postmortem, incident);
  }

  @ApiOperation({ summary: 'Update the postmortem of an incident' })
  @Patch('postmortem')
  async update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: UpdatePostmortemDto) {
    const postmortem = await this.postmortems.update(principal, id, body, principalLabel(principal));
    const { incident } = await this.postmortems.get(principal, id);
    return presentPostmortem(postmortem, incident);
  }

  @ApiOperation({ summary: 'List the versions of a postmortem' })
  @Get('postmortem/versions')
  async versions(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return { items: (await this.postmortems.listVersions(principal, id)).map(presentPostmortemVersion) };
  }

  @ApiOperation({ summary: 'Export a postmortem as Markdown' })
  @ApiProduces('text/markdown')
  @ApiOkResponse({ description: 'The postmortem as a Markdown document' })
  @Get('postmortem.md')
  @Header('Content-Type', 'text/markdown; charset=utf-8')
  async markdown(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<string> {
    const { postmortem } = await this.postmortems.get(principal, id);
    return postmortem.markdown;
  }
}
