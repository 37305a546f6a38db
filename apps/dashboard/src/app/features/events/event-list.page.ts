import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { EntryListComponent } from '../../shared/entry-list/entry-list.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';

/** Custom events (`tracker.event(...)`, recorded `notify` calls), newest first. */
@Component({
  selector: 'at-event-list-page',
  imports: [EntryListComponent, PageHeaderComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="Events" subtitle="Custom events raised by the app." />
    <at-entry-list type="event" [q]="q()" [tag]="tag()" searchPlaceholder="Search event names, descriptions…" />
  `,
})
export class EventListPage {
  /** `q` query parameter. */
  readonly q = input<string>();
  /** `tag` query parameter (`key:value`, repeated for several). */
  readonly tag = input<string | string[]>();
}
