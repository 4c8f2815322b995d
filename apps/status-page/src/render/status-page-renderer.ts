import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { HtmlRenderer } from './html-renderer';
import { type PageInfo, pageInfoFrom } from './page-info';
import { loadViewFiles, type StaticAsset, type ViewFiles } from './views';

/** Templates, assets and page identity, loaded once per process. */
@Injectable()
export class StatusPageRenderer {
  readonly page: PageInfo;
  readonly views: ViewFiles;
  readonly html: HtmlRenderer;
  readonly assets: ReadonlyMap<string, StaticAsset>;

  constructor(config: AppConfig) {
    this.page = pageInfoFrom(config);
    this.views = loadViewFiles();
    this.html = new HtmlRenderer(this.views, this.page);
    this.assets = new Map(Object.values(this.views.assets).map((asset) => [asset.path, asset]));
  }
}
