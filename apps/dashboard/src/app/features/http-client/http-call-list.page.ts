import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { EntryListComponent } from '../../shared/entry-list/entry-list.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';

/** Outbound HTTP calls made by the app (fetch/undici, http/https), newest first. */
@Component({
  selector: 'at-http-call-list-page',
  imports: [EntryListComponent, PageHeaderComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="Outbound HTTP" subtitle="HTTP calls the app made to other services." />
    <at-entry-list type="http-client" [q]="q()" [tag]="tag()" searchPlaceholder="Search URLs, hosts…" />
  `,
})
export class HttpCallListPage {
  /** `q` query parameter. */
  readonly q = input<string>();
  /** `tag` query parameter (`key:value`, repeated for several). */
  readonly tag = input<string | string[]>();
}
