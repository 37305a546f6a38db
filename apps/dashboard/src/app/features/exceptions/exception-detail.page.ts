import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { Entry, ExceptionEntryContent } from '@active-tracker/nestjs/contracts';
import { parseEntries } from '../../core/api/api.parsers';
import { entryDetailResource } from '../../core/api/entry-detail.resource';
import { contentOf, listOf } from '../../core/api/entry-content.util';
import { pagedResource } from '../../core/api/paged.resource';
import { BacktraceComponent } from '../../shared/backtrace/backtrace.component';
import { formatLocation } from '../../shared/entry-table/entry-summary.util';
import { EntryMetaComponent } from '../../shared/entry-meta/entry-meta.component';
import { EntryTableComponent } from '../../shared/entry-table/entry-table.component';
import { TableColumn } from '../../shared/entry-table/table-column.model';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { StatusBadgeComponent } from '../../shared/status-badge/status-badge.component';
import { TruncatedBadgeComponent } from '../../shared/status-badge/truncated-badge.component';

const ORIGINS: Record<ExceptionEntryContent['origin'], string> = {
  http: 'HTTP request',
  unhandledRejection: 'Unhandled rejection',
  uncaughtException: 'Uncaught exception',
  manual: 'Recorded by the app',
};

/** Columns of the occurrences table. */
const OCCURRENCE_COLUMNS: readonly TableColumn<Entry>[] = [
  { label: 'When', kind: 'time', primary: true, value: (e) => e.occurredAt, width: '110px' },
  { label: 'Message', grow: true, value: (e) => contentOf<ExceptionEntryContent>(e).message },
  {
    label: 'Request',
    kind: 'mono',
    value: (e) => {
      const request = contentOf<ExceptionEntryContent>(e).request;
      return request ? `${request.method} ${request.path}` : null;
    },
    width: '240px',
  },
  { label: 'Status', kind: 'status', value: (e) => contentOf<ExceptionEntryContent>(e).status ?? null, width: '70px' },
];

/**
 * One exception: class, message, status, origin, location, backtrace (app frames highlighted,
 * vendor frames folded), the request it happened in, and every occurrence of its family.
 */
@Component({
  selector: 'at-exception-detail-page',
  imports: [
    BacktraceComponent,
    EntryMetaComponent,
    EntryTableComponent,
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
    .footer { display: flex; justify-content: center; padding: 12px; }
    .padded { padding: 0 16px; }
    .card.trace { padding: 0 0 12px; overflow: hidden; }
    .card.trace .card-title { padding: 12px 16px 0; }
  `,
})
export class ExceptionDetailPage {
  /** Entry id (route parameter). */
  readonly id = input.required<string>();

  protected readonly detail = entryDetailResource(() => this.id(), () => 'exception');
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
  protected readonly occurrences = pagedResource(
    'entries',
    () => {
      const family = this.entry()?.familyHash;
      return family ? { type: 'exception', family } : undefined;
    },
    parseEntries,
  );
  protected readonly occurrenceColumns = OCCURRENCE_COLUMNS;
  protected readonly rowId = (entry: Entry): string => entry.id;
  protected readonly link = (entry: Entry): string[] => ['/exceptions', entry.id];
}
