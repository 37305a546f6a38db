import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { EntryListComponent } from '../../shared/entry-list/entry-list.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';

/** Captured HTTP requests, newest first, filterable by text and tag. */
@Component({
  selector: 'at-request-list-page',
  imports: [EntryListComponent, PageHeaderComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="Requests" subtitle="Incoming HTTP requests handled by the app, newest first." />
    <at-entry-list type="request" rowTestId="request-row" [q]="q()" [tag]="tag()"
                   searchPlaceholder="Search path, URL, status…" />
  `,
})
export class RequestListPage {
  /** `q` query parameter. */
  readonly q = input<string>();
  /** `tag` query parameter (`key:value`, repeated for several). */
  readonly tag = input<string | string[]>();
}
