import { ArgumentsHost, Body, Catch, Controller, ExceptionFilter, Get, Header, HttpCode, Param, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Principal, TokensService } from '@app/catalog';
import { AllExceptionsFilter, Public, UnauthorizedError } from '@app/platform';
import { DASHBOARD_COOKIE } from '../auth/bearer-auth.guard';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { DashboardViews } from './dashboard-views';
import { DashboardService } from './dashboard.service';

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
  ) {}

  @Public()
  @Get('login')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  loginForm(): string {
    return this.views.render('login', 'Sign in', {});
  }

  @Public()
  @Post('login')
  @HttpCode(303)
  async login(@Body() body: Record<string, unknown>, @Res() response: Response): Promise<void> {
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (!token || !(await this.tokens.authenticate(token))) {
      response
        .status(401)
        .type('text/html; charset=utf-8')
        .send(this.views.render('login', 'Sign in', { error: 'That token is not valid.' }));
      return;
    }
    response.cookie(DASHBOARD_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/dashboard', maxAge: 12 * 3600 * 1000, secure: false });
    response.redirect(303, '/dashboard');
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async overview(@CurrentPrincipal() principal: Principal): Promise<string> {
    return this.views.render('overview', 'All teams', await this.dashboards.overview(principal));
  }

  @Get('teams/:slug')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async team(@Param('slug') slug: string): Promise<string> {
    const data = await this.dashboards.team(slug);
    return this.views.render('team', data.team.name, data);
  }

  @Get('slos/:id')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async slo(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<string> {
    const data = await this.dashboards.slo(principal, id);
    return this.views.render('slo', data.slo.name, data);
  }
}
