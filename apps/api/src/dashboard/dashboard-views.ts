import { Injectable, OnModuleInit } from '@nestjs/common';
import Handlebars from 'handlebars';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Finds apps/api/views from source (tests) and from dist (production) alike. */
function viewsDirectory(): string {
  for (let directory = __dirname; ; directory = dirname(directory)) {
    const candidate = join(directory, 'apps/api/views/dashboard');
    if (existsSync(candidate)) return candidate;
    if (directory === dirname(directory)) throw new Error(`apps/api/views/dashboard not found above ${__dirname}`);
  }
}

/** Handlebars templates compiled once; `{{x}}` escapes, `{{{x}}}` is only used for our own SVG. */
@Injectable()
export class DashboardViews implements OnModuleInit {
  private readonly handlebars = Handlebars.create();
  private layout!: HandlebarsTemplateDelegate;
  private readonly pages = new Map<string, HandlebarsTemplateDelegate>();

  onModuleInit(): void {
    const directory = resolve(viewsDirectory());
    const compile = (name: string) => this.handlebars.compile(readFileSync(join(directory, `${name}.hbs`), 'utf8'), { strict: false });
    this.layout = compile('layout');
    for (const page of ['overview', 'team', 'slo', 'login']) this.pages.set(page, compile(page));
    this.pages.set('incident', compile('incident'));
  }

  /** `session.csrf`: shows the sign-out form (signed-in pages). */
  render(page: string, title: string, data: object, session: { csrf?: string } = {}): string {
    const template = this.pages.get(page);
    if (!template) throw new Error(`unknown dashboard page ${page}`);
    return this.layout({ title, body: template(data), signOutCsrf: session.csrf });
  }
}
