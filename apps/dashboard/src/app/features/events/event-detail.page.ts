import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { EventContent } from '../../core/api/api.models';
import { entryDetailResource } from '../../core/api/entry-detail.resource';
import { contentOf } from '../../core/api/entry-content.util';
import { BacktraceComponent } from '../../shared/backtrace/backtrace.component';
import { EntryMetaComponent } from '../../shared/entry-meta/entry-meta.component';
import { formatLocation } from '../../shared/entry-table/entry.columns';
import { JsonViewerComponent } from '../../shared/json-viewer/json-viewer.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { TruncatedBadgeComponent } from '../../shared/status-badge/truncated-badge.component';

/** One custom event: name, description, data, event tags and context, source and backtrace. */
@Component({
  selector: 'at-event-detail-page',
  imports: [
    BacktraceComponent,
    EntryMetaComponent,
    JsonViewerComponent,
    LoadStateComponent,
    PageHeaderComponent,
    TruncatedBadgeComponent,
  ],
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
            <dd class="mono">{{ source() || '—' }}</dd>
          </at-entry-meta>
        </section>
        @if (hasValue(c.tags) || hasValue(c.context)) {
          <div class="two-col">
            <section class="card">
              <h2 class="card-title">Event tags</h2>
              <at-json-viewer [value]="c.tags" emptyText="No tags" />
            </section>
            <section class="card">
              <h2 class="card-title">Context</h2>
              <at-json-viewer [value]="c.context" emptyText="No context" />
            </section>
          </div>
        }
        <section class="card trace">
          <h2 class="card-title">Backtrace <span class="count">{{ c.backtrace?.length ?? 0 }}</span></h2>
          <at-backtrace [frames]="c.backtrace" />
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
  protected readonly detail = entryDetailResource(() => this.id(), 'event');
  protected readonly content = computed(() => contentOf<EventContent>(this.detail.entry() ?? { content: {} }));
  protected readonly source = computed(() => {
    const source = this.content().source;
    if (!source) return null;
    return `${formatLocation(source, 100)}${source.function ? ` in ${source.function}` : ''}`;
  });

  protected hasValue(value: unknown): boolean {
    return !!value && typeof value === 'object' && Object.keys(value).length > 0;
  }
}
