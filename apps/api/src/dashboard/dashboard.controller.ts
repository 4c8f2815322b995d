import { ArgumentsHost, Body, Catch, Controller, ExceptionFilter, Get, Header, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Principal, TokensService } from '@app/catalog';
import { AllExceptionsFilter, Public, UnauthorizedError, ValidationFailedError } from '@app/platform';
import { DASHBOARD_COOKIE } from '../auth/bearer-auth.guard';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { uuidParam } from '../common/uuid-param.pipe';
import { DashboardViews } from './dashboard-views';
import { csrfMatches, csrfTokenFor, dashboardCookieOptions } from './dashboard-security';
import { DashboardService } from './dashboard.service';
import { IncidentPageService } from '../postmortems/incident-page.service';
import { DASHBOARD_PERIODS, DashboardPeriod } from './slo-verdict';

/** A browser without a valid token is sent to the sign-in form instead of a JSON 401. */
@Catch()
class DashboardExceptionFilter implements ExceptionFilter {
  private readonly fallback = new AllExceptionsFilter();
  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof UnauthorizedError) {
      response.redirect(303, '/dashboard/login');
      return;
    }
    const { status, body } = this.fallback.toResponse(exception);
    response.status(status).type('text/plain; charset=utf-8').send(`${status} ${body.message}`);
  }
}

@ApiExcludeController()
@UseFilters(DashboardExceptionFilter)
@Controller('dashboard')
export class DashboardController {
  constructor(
    private readonly dashboards: DashboardService,
    private readonly views: DashboardViews,
    private readonly tokens: TokensService,
    private readonly incidentPages: IncidentPageService,
  ) {}

  @Public()
  @Get('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  loginForm(@Req() request: Request, @Res({ passthrough: true }) response: Response): string {
    return this.views.render('login', 'Sign in', { csrf: csrfTokenFor(request, response) });
  }

  @Public()
  @Post('login')
  @HttpCode(303)
  async login(@Req() request: Request, @Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const csrf = csrfTokenFor(request, response);
    response.setHeader('Cache-Control', 'no-store');
    if (!csrfMatches(request, body.csrf)) {
      response
        .status(403)
        .type('text/html; charset=utf-8')
        .send(this.views.render('login', 'Sign in', { csrf, error: 'The sign-in form expired; please try again.' }));
      return;
    }
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (!token || token.length > 512 || !(await this.tokens.authenticate(token))) {
      response
        .status(401)
        .type('text/html; charset=utf-8')
        .send(this.views.render('login', 'Sign in', { csrf, error: 'That token is not valid.' }));
      return;
    }
    response.cookie(DASHBOARD_COOKIE, token, dashboardCookieOptions(request, 12 * 3600 * 1000));
    response.redirect(303, '/dashboard');
  }

  /** Sign-out: forgets the token cookie (the CSRF token keeps other sites from signing a user out). */
  @Public()
  @Post('logout')
  @HttpCode(303)
  logout(@Req() request: Request, @Body() body: Record<string, unknown>, @Res() response: Response): void {
    if (!csrfMatches(request, body?.csrf)) {
      response.status(403).type('text/plain; charset=utf-8').send('403 The sign-out form expired; reload the page and try again.');
      return;
    }
    response.clearCookie(DASHBOARD_COOKIE, { path: '/dashboard', httpOnly: true, sameSite: 'strict', secure: request.secure });
    response.redirect(303, '/dashboard/login');
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async overview(@CurrentPrincipal() principal: Principal, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    return this.views.render('overview', 'All teams', await this.dashboards.overview(principal), { csrf: csrfTokenFor(request, response) });
  }

  @Get('teams/:slug')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async team(
    @CurrentPrincipal() principal: Principal,
    @Param('slug') slug: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const data = await this.dashboards.team(principal, slug);
    // Postmortems and follow-ups are the team's own business: shown to its tokens and the admin only.
    const afterIncident = await this.incidentPages.teamSection(slug, principal);
    return this.views.render('team', data.team.name, { ...data, afterIncident }, { csrf: csrfTokenFor(request, response) });
  }

  @Get('slos/:id')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async slo(
    @CurrentPrincipal() principal: Principal,
    @Param('id', uuidParam('id')) id: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query('period') period?: string,
  ): Promise<string> {
    if (period !== undefined && !(DASHBOARD_PERIODS as readonly string[]).includes(period)) {
      throw new ValidationFailedError(`period must be one of ${DASHBOARD_PERIODS.join(', ')}`, { field: 'period' });
    }
    const data = await this.dashboards.slo(principal, id, period as DashboardPeriod | undefined);
    return this.views.render('slo', data.slo.name, data, { csrf: csrfTokenFor(request, response) });
  }

  @Get('incidents/:id')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async incident(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<string> {
    const data = await this.incidentPages.incidentPage(principal, id);
    return this.views.render('incident', `${data.incident.reference} ${data.incident.title}`, data);
  }
}
