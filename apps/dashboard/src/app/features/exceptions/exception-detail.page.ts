import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ExceptionEntryContent } from '@active-tracker/nestjs/contracts';
import { entryDetailResource } from '../../core/api/entry-detail.resource';
import { contentOf, listOf } from '../../core/api/entry-content.util';
import { BacktraceComponent } from '../../shared/backtrace/backtrace.component';
import { formatLocation } from '../../shared/entry-table/entry-summary.util';
import { EntryMetaComponent } from '../../shared/entry-meta/entry-meta.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { StatusBadgeComponent } from '../../shared/status-badge/status-badge.component';
import { TruncatedBadgeComponent } from '../../shared/status-badge/truncated-badge.component';
import { ExceptionFamilyComponent } from './exception-family.component';

const ORIGINS: Record<ExceptionEntryContent['origin'], string> = {
  http: 'HTTP request',
  unhandledRejection: 'Unhandled rejection',
  uncaughtException: 'Uncaught exception',
  manual: 'Recorded by the app',
};

/**
 * One exception: class, message, status, origin, location, backtrace (app frames highlighted,
 * vendor frames folded), the request it happened in, and its family: count, first and last seen,
 * occurrences over time and the newest occurrences with their requests.
 */
@Component({
  selector: 'at-exception-detail-page',
  imports: [
    BacktraceComponent,
    EntryMetaComponent,
    ExceptionFamilyComponent,
    LoadStateComponent,
    PageHeaderComponent,
    StatusBadgeComponent,
    TruncatedBadgeComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './exception-detail.page.html',
  styles: `
    .badges { display: inline-flex; gap: 6px; align-items: center; }
    .message { margin: 0; white-space: pre-wrap; word-break: break-word; font-size: 14px; }
    .raw { margin-top: 10px; }
    .raw summary { cursor: pointer; color: var(--muted); font-size: 12px; }
    .raw pre { margin: 8px 0 0; font-size: 12px; white-space: pre-wrap; word-break: break-word; background: var(--code-bg);
      border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; max-height: 360px; overflow: auto; }
    .legend { display: inline-flex; align-items: center; gap: 5px; margin-left: auto; font-size: 11.5px; font-weight: 400; }
    .legend-app { width: 10px; height: 10px; border-left: 3px solid var(--accent); background: var(--accent-soft); }
    .padded { padding: 0 16px; }
    .card.trace { padding: 0 0 12px; overflow: hidden; }
    .card.trace .card-title { padding: 12px 16px 0; }
  `,
})
export class ExceptionDetailPage {
  /** Entry id (route parameter). */
  readonly id = input.required<string>();

  protected readonly detail = entryDetailResource(
    () => this.id(),
    () => 'exception',
  );
  protected readonly entry = this.detail.entry;
  protected readonly content = computed(() => contentOf<ExceptionEntryContent>(this.entry() ?? { content: {} }));
  /** Parsed frames (none when the field is encrypted). */
  protected readonly frames = computed(() => listOf(this.content().frames));
  protected readonly origin = computed(() => {
    const origin = this.content().origin;
    return origin ? (ORIGINS[origin] ?? String(origin)) : '—';
  });
  protected readonly location = computed(() => {
    const location = this.content().location;
    const where = formatLocation(location, 100);
    if (!where || !location) return null;
    return `${where}${location.function ? ` in ${location.function}` : ''}`;
  });
}
