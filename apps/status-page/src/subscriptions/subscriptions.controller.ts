import { Body, Controller, Get, HttpException, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '@app/config';
import { DomainError, httpStatusOf } from '@app/platform';
import { type LinkOutcome, SubscriptionsService } from '@app/status';
import { messagePage, type PageFrame, subscribeFormPage, unsubscribeConfirmPage } from './subscription-pages';

const ACCEPTED_MESSAGE = 'If the address can receive mail, a confirmation link is on its way. Nothing is sent before you confirm.';

/**
 * The public subscription routes of the status page: `POST /subscribe`
 * (form or JSON) → 202, `GET /subscribe` (the form), the confirmation link
 * and the one-click unsubscribe (GET shows a button, POST — the button, or a
 * mail client's RFC 8058 one-click request — unsubscribes).
 */
@Controller()
export class SubscriptionsController {
  private readonly frame: PageFrame;

  constructor(
    private readonly subscriptions: SubscriptionsService,
    config: AppConfig,
  ) {
    this.frame = { pageName: config.STATUS_PAGE_NAME };
  }

  @Get('subscribe')
  async subscribeForm(@Res() response: Response): Promise<void> {
    if (!this.subscriptions.emailOffered) {
      return this.html(
        response,
        503,
        messagePage(
          this.frame,
          'Subscriptions are not available',
          'E-mail subscriptions are not offered here: the operator has not configured an SMTP server.',
        ),
      );
    }
    this.html(response, 200, subscribeFormPage(this.frame, await this.subscriptions.listComponents()));
  }

  @Post('subscribe')
  async subscribe(@Req() request: Request, @Res() response: Response, @Body() body: unknown): Promise<void> {
    const input = typeof body === 'object' && body !== null ? (body as { email?: unknown; components?: unknown }) : {};
    const fromForm = !request.is('application/json');
    try {
      const outcome = await this.subscriptions.subscribe(request.ip ?? 'unknown', input);
      if (!outcome.accepted) {
        response.setHeader('Retry-After', String(outcome.retryAfterSeconds));
        const message = `Too many subscription requests from this address; try again in ${outcome.retryAfterSeconds} s`;
        if (fromForm) return this.html(response, 429, messagePage(this.frame, 'Please wait', message));
        throw new HttpException({ error: 'rate_limited', message }, 429);
      }
      if (fromForm) return this.html(response, 202, messagePage(this.frame, 'Check your inbox', ACCEPTED_MESSAGE));
      response.status(202).json({ status: 'pending_confirmation', message: ACCEPTED_MESSAGE });
    } catch (error) {
      if (!fromForm || !(error instanceof DomainError)) throw error;
      const domain = error;
      const status = httpStatusOf(domain.kind);
      if (status === 400) {
        const components = await this.subscriptions.listComponents().catch(() => []);
        return this.html(response, 400, subscribeFormPage(this.frame, components, { field: domain.field, message: domain.message }));
      }
      this.html(response, status, messagePage(this.frame, 'Subscriptions are not available', domain.message));
    }
  }

  @Get('subscriptions/confirm')
  async confirm(@Query('token') token: unknown, @Res() response: Response): Promise<void> {
    const outcome = await this.subscriptions.confirm(token);
    this.linkPage(response, outcome, {
      done: ['Subscription confirmed', 'You will get an e-mail when something changes on this status page. Every mail has an unsubscribe link.'],
      expired: ['This confirmation link has expired', 'Nothing was changed. Subscribe again on the status page to get a new link.'],
      invalid: ['This confirmation link is not valid', 'It may have been used already, or copied incompletely. Nothing was changed.'],
    });
  }

  @Get('subscriptions/unsubscribe')
  async unsubscribeLanding(@Query('token') token: unknown, @Res() response: Response): Promise<void> {
    const outcome = await this.subscriptions.checkUnsubscribe(token);
    if (outcome === 'done' && typeof token === 'string') return this.html(response, 200, unsubscribeConfirmPage(this.frame, token));
    this.linkPage(response, outcome, {
      done: ['', ''],
      expired: ['', ''],
      invalid: ['This unsubscribe link is not valid', 'You may be unsubscribed already, or the link was copied incompletely. Nothing was changed.'],
    });
  }

  @Post('subscriptions/unsubscribe')
  async unsubscribe(@Query('token') token: unknown, @Res() response: Response): Promise<void> {
    const outcome = await this.subscriptions.unsubscribe(token);
    this.linkPage(response, outcome, {
      done: ['You are unsubscribed', 'You will not get any more status e-mails from this page.'],
      expired: ['', ''],
      invalid: ['This unsubscribe link is not valid', 'You may be unsubscribed already, or the link was copied incompletely. Nothing was changed.'],
    });
  }

  private linkPage(response: Response, outcome: LinkOutcome, texts: Record<LinkOutcome, [string, string]>): void {
    const status = outcome === 'done' ? 200 : outcome === 'expired' ? 410 : 404;
    const [title, text] = texts[outcome];
    this.html(response, status, messagePage(this.frame, title, text));
  }

  private html(response: Response, status: number, body: string): void {
    response
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        'X-Frame-Options': 'DENY',
        'Referrer-Policy': 'no-referrer',
        'X-Content-Type-Options': 'nosniff',
      })
      .send(body);
  }
}
