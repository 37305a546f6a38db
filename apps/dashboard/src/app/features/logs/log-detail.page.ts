import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { LogEntryContent } from '@active-tracker/nestjs/contracts';
import { entryDetailResource } from '../../core/api/entry-detail.resource';
import { contentOf } from '../../core/api/entry-content.util';
import { EntryMetaComponent } from '../../shared/entry-meta/entry-meta.component';
import { JsonViewerComponent } from '../../shared/json-viewer/json-viewer.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { LevelBadgeComponent } from '../../shared/status-badge/level-badge.component';
import { TruncatedBadgeComponent } from '../../shared/status-badge/truncated-badge.component';

/** One log entry: level, context, full message, the request it was logged in. */
@Component({
  selector: 'at-log-detail-page',
  imports: [EntryMetaComponent, JsonViewerComponent, LoadStateComponent, PageHeaderComponent, LevelBadgeComponent, TruncatedBadgeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-load-state [loading]="detail.loading()" [error]="detail.error()" />
    @if (detail.entry(); as e) {
      @let c = content();
      <div data-testid="entry-detail">
        <at-page-header [title]="c.context ? '[' + c.context + ']' : 'Log entry'" [back]="['/logs']" backLabel="Logs">
          <at-level-badge prefix [level]="c.level || 'log'" />
          <at-truncated-badge badges [entry]="e" />
        </at-page-header>
        <section class="card">
          <pre class="message" data-testid="log-message">{{ c.message }}</pre>
        </section>
        <section class="card">
          <h2 class="card-title">Details</h2>
          <at-entry-meta [entry]="e" [listRoute]="['/logs']">
            <dt>Level</dt>
            <dd>{{ c.level }}</dd>
            <dt>Context</dt>
            <dd class="mono">{{ c.context || '—' }}</dd>
          </at-entry-meta>
        </section>
        <section class="card">
          <h2 class="card-title">Recorded content</h2>
          <at-json-viewer [value]="e.content" />
        </section>
      </div>
    }
  `,
  styles: `.message { margin: 0; font-size: 13px; white-space: pre-wrap; word-break: break-word; }`,
})
export class LogDetailPage {
  /** Entry id (route parameter). */
  readonly id = input.required<string>();
  protected readonly detail = entryDetailResource(
    () => this.id(),
    () => 'log',
  );
  protected readonly content = computed(() => contentOf<LogEntryContent>(this.detail.entry() ?? { content: {} }));
}
