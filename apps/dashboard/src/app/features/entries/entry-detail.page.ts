import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { entryDetailResource } from '../../core/api/entry-detail.resource';
import { MetaStore, routeForType } from '../../core/api/meta.store';
import { EntryMetaComponent } from '../../shared/entry-meta/entry-meta.component';
import { summaryOf } from '../../shared/entry-table/entry.columns';
import { JsonViewerComponent } from '../../shared/json-viewer/json-viewer.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { TruncatedBadgeComponent } from '../../shared/status-badge/truncated-badge.component';

/** Any entry, for types without a page of their own: summary, common facts, the full content. */
@Component({
  selector: 'at-entry-detail-page',
  imports: [EntryMetaComponent, JsonViewerComponent, LoadStateComponent, PageHeaderComponent, TruncatedBadgeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-load-state [loading]="detail.loading()" [error]="detail.error()" />
    @if (detail.entry(); as e) {
      <div data-testid="entry-detail">
        <at-page-header [title]="summary()" [back]="listRoute()" [backLabel]="title()">
          <span prefix class="badge tone-info">{{ e.type }}</span>
          <at-truncated-badge badges [entry]="e" />
        </at-page-header>
        <section class="card">
          <h2 class="card-title">Details</h2>
          <at-entry-meta [entry]="e" [listRoute]="listRoute()" />
        </section>
        <section class="card">
          <h2 class="card-title">Recorded content</h2>
          <at-json-viewer [value]="e.content" [openDepth]="3" />
        </section>
      </div>
    }
  `,
})
export class EntryDetailPage {
  private readonly meta = inject(MetaStore);
  /** Entry id (route parameter). */
  readonly id = input.required<string>();

  protected readonly detail = entryDetailResource(() => this.id());
  protected readonly summary = computed(() => {
    const entry = this.detail.entry();
    return entry ? summaryOf(entry) : '';
  });
  private readonly plugin = computed(() => this.meta.pluginForType(this.detail.entry()?.type ?? ''));
  protected readonly title = computed(() => this.plugin()?.title ?? 'All entries');
  protected readonly listRoute = computed(() => {
    const entry = this.detail.entry();
    return ['/', entry ? routeForType(entry.type, this.plugin()?.path) : 'entries'];
  });
}
