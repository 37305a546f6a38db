import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { EventEntryContent } from '@active-tracker/nestjs/contracts';
import { entryDetailResource } from '../../core/api/entry-detail.resource';
import { contentOf, listOf } from '../../core/api/entry-content.util';
import { BacktraceComponent } from '../../shared/backtrace/backtrace.component';
import { EntryMetaComponent } from '../../shared/entry-meta/entry-meta.component';
import { JsonViewerComponent } from '../../shared/json-viewer/json-viewer.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { TruncatedBadgeComponent } from '../../shared/status-badge/truncated-badge.component';
import { eventDetailModel } from './event-detail.model';

/** One custom event: name, description, data, event tags and context, source and backtrace. */
@Component({
  selector: 'at-event-detail-page',
  imports: [BacktraceComponent, EntryMetaComponent, JsonViewerComponent, LoadStateComponent, PageHeaderComponent, TruncatedBadgeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-load-state [loading]="detail.loading()" [error]="detail.error()" />
    @if (detail.entry(); as e) {
      @let c = content();
      <div data-testid="entry-detail">
        <at-page-header [title]="c.name || 'Event'" [monoTitle]="true" [subtitle]="c.description" [back]="['/events']" backLabel="Events">
          <at-truncated-badge badges [entry]="e" />
        </at-page-header>
        <section class="card">
          <h2 class="card-title">Data</h2>
          <at-json-viewer [value]="c.data" emptyText="No data" />
        </section>
        <section class="card">
          <h2 class="card-title">Details</h2>
          <at-entry-meta [entry]="e" [listRoute]="['/events']">
            <dt>Source</dt>
            <dd class="mono">{{ model().source || '—' }}</dd>
          </at-entry-meta>
        </section>
        @let m = model();
        @if (m.eventTags || m.context) {
          <div class="two-col">
            <section class="card" data-testid="event-tags">
              <h2 class="card-title">Event tags</h2>
              <at-json-viewer [value]="m.eventTags" emptyText="No tags" />
            </section>
            <section class="card" data-testid="event-context">
              <h2 class="card-title">Context</h2>
              <at-json-viewer [value]="m.context" emptyText="No context" />
            </section>
          </div>
        }
        <section class="card trace">
          <h2 class="card-title">Backtrace <span class="count">{{ backtrace().length }}</span></h2>
          <at-backtrace [frames]="backtrace()" />
        </section>
      </div>
    }
  `,
  styles: `
    .two-col { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; margin-bottom: 16px; }
    .two-col > .card { margin-bottom: 0; min-width: 0; }
    .card.trace { padding: 0 0 12px; overflow: hidden; }
    .card.trace .card-title { padding: 12px 16px 0; }
    .card.trace at-backtrace p { padding: 0 16px; }
  `,
})
export class EventDetailPage {
  /** Entry id (route parameter). */
  readonly id = input.required<string>();
  protected readonly detail = entryDetailResource(
    () => this.id(),
    () => 'event',
  );
  protected readonly content = computed(() => contentOf<EventEntryContent>(this.detail.entry() ?? { content: {} }));
  protected readonly model = computed(() => eventDetailModel(this.content()));
  protected readonly backtrace = computed(() => listOf(this.content().backtrace));
}
