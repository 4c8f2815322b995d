import { Controller, Get, Header } from '@nestjs/common';
import { AppConfig } from '@app/config';

/** Placeholder front page until the real status page lands. */
@Controller()
export class PagesController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=15')
  index(): string {
    const name = this.config.STATUS_PAGE_NAME.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${name} status</title></head><body><main><h1>${name} status</h1><p>The status page is being set up.</p></main></body></html>`;
  }
}
