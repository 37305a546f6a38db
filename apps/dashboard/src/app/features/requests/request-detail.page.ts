import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import type { Entry, ExceptionEntryContent, RequestEntryContent, RequestLogLine } from '@active-tracker/nestjs/contracts';
import { entryDetailResource } from '../../core/api/entry-detail.resource';
import { contentOf, listOf } from '../../core/api/entry-content.util';
import { MetaStore } from '../../core/api/meta.store';
import { BodyViewComponent } from '../../shared/body-view/body-view.component';
import { EntryMetaComponent } from '../../shared/entry-meta/entry-meta.component';
import { EntryTableComponent } from '../../shared/entry-table/entry-table.component';
import { columnsFor, formatLocation } from '../../shared/entry-table/entry.columns';
import { TableColumn } from '../../shared/entry-table/table-column.model';
import { KvTableComponent } from '../../shared/kv-table/kv-table.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { BytesPipe } from '../../shared/pipes/bytes.pipe';
import { DurationPipe } from '../../shared/pipes/duration.pipe';
import { LevelBadgeComponent } from '../../shared/status-badge/level-badge.component';
import { MethodBadgeComponent } from '../../shared/status-badge/method-badge.component';
import { StatusBadgeComponent } from '../../shared/status-badge/status-badge.component';
import { TruncatedBadgeComponent } from '../../shared/status-badge/truncated-badge.component';
import { TagChipsComponent, USER_TAGS } from '../../shared/tag-chips/tag-chips.component';
import { RelativeTimeComponent } from '../../shared/time/relative-time.component';
import { UserBadgeComponent, userOf } from '../../shared/user-badge/user-badge.component';
import { RequestQueriesComponent } from '../queries/request-queries.component';
import { RequestTimelineComponent } from './request-timeline.component';

type TabId = 'request' | 'response' | 'log';

const TABS: ReadonlyArray<{ id: TabId; label: string }> = [
  { id: 'request', label: 'Request' },
  { id: 'response', label: 'Response' },
  { id: 'log', label: 'Log' },
];

/** Entries of one type from the request's batch. */
interface BatchGroup {
  type: string;
  title: string;
  entries: Entry[];
  columns: readonly TableColumn<Entry>[];
}

/** Batch types listed first, in this order; others follow alphabetically. */
const GROUP_ORDER = ['query', 'log', 'event', 'http-client', 'llm'];

/**
 * Everything captured about one request: a summary (method, route, status, duration, user, tags),
 * the exceptions it raised, a timeline of its batch, tabs for the request (headers, query, body),
 * the response (headers, body as JSON or text, never as markup) and its log lines, then the rest
 * of its batch grouped by type.
 */
@Component({
  selector: 'at-request-detail-page',
  imports: [
    RouterLink,
    BodyViewComponent,
    BytesPipe,
    DurationPipe,
    EntryMetaComponent,
    EntryTableComponent,
    KvTableComponent,
    LoadStateComponent,
    PageHeaderComponent,
    LevelBadgeComponent,
    MethodBadgeComponent,
    StatusBadgeComponent,
    TruncatedBadgeComponent,
    RelativeTimeComponent,
    RequestQueriesComponent,
    RequestTimelineComponent,
    TagChipsComponent,
    UserBadgeComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './request-detail.page.html',
  styleUrl: './request-detail.page.css',
})
export class RequestDetailPage {
  private readonly meta = inject(MetaStore);
  private readonly router = inject(Router);

  /** Entry id (route parameter). */
  readonly id = input.required<string>();

  protected readonly detail = entryDetailResource(
    () => this.id(),
    () => 'request',
  );
  protected readonly tabs = TABS;
  /** The open tab; back to Request when another request is shown. */
  protected readonly tab = linkedSignal<string, TabId>({ source: () => this.id(), computation: () => 'request' });
  protected readonly hasTags = computed(() => Object.keys(this.entry()?.tags ?? {}).some((key) => !USER_TAGS.has(key)));
  protected readonly entry = this.detail.entry;
  protected readonly content = computed(() => contentOf<RequestEntryContent>(this.entry() ?? { content: {} }));
  protected readonly user = computed(() => {
    const entry = this.entry();
    return entry ? userOf(entry) : null;
  });
  protected readonly handler = computed(() => {
    const c = this.content();
    return [c.controller, c.handler].filter(Boolean).join('#');
  });
  /** Colour class of the status figure, by status class. */
  protected readonly statusTone = computed(() => {
    const status = this.content().status ?? 0;
    const tone = status >= 500 ? 's-danger' : status >= 400 ? 's-warn' : status >= 300 ? 's-info' : status >= 200 ? 's-ok' : '';
    return `metric-value ${tone}`;
  });
  protected readonly logLines = computed<RequestLogLine[]>(() => listOf(this.content().log));
  private readonly others = this.detail.batch;
  /** The batch's entries, for the queries section (it picks the queries, in order). */
  protected readonly batchEntries = this.others;
  protected readonly exceptions = computed(() =>
    this.others()
      .filter((e) => e.type === 'exception')
      .map((e) => ({ entry: e, content: contentOf<ExceptionEntryContent>(e) })),
  );
  protected readonly groups = computed<BatchGroup[]>(() => {
    const byType = new Map<string, Entry[]>();
    for (const entry of this.others()) {
      if (entry.type === 'exception' || entry.type === 'request') continue;
      byType.set(entry.type, [...(byType.get(entry.type) ?? []), entry]);
    }
    const rank = (type: string): number => {
      const index = GROUP_ORDER.indexOf(type);
      return index === -1 ? GROUP_ORDER.length : index;
    };
    return [...byType.entries()]
      .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
      .map(([type, entries]) => ({
        type,
        title: this.meta.pluginForType(type)?.title ?? type,
        entries,
        columns: columnsFor(type),
      }));
  });
  protected readonly batchCount = computed(() => this.others().length);
  protected readonly link = (entry: Entry): string[] => this.meta.linkTo(entry);
  protected readonly rowId = (entry: Entry): string => entry.id;

  /** A tag chip lists the requests with that tag. */
  protected filterByTag(tag: string): void {
    void this.router.navigate(['/requests'], { queryParams: { tag } });
  }

  /** Arrow keys, Home and End move between tabs (the WAI-ARIA tabs pattern). */
  protected onTabKey(event: KeyboardEvent): void {
    const index = TABS.findIndex((t) => t.id === this.tab());
    const next =
      event.key === 'ArrowRight'
        ? (index + 1) % TABS.length
        : event.key === 'ArrowLeft'
          ? (index + TABS.length - 1) % TABS.length
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? TABS.length - 1
              : -1;
    if (next < 0) return;
    event.preventDefault();
    this.tab.set(TABS[next].id);
    document.getElementById(`tab-${TABS[next].id}`)?.focus();
  }

  /** Offset of a log line from the start of the request, e.g. `+12 ms`. */
  protected offset(line: RequestLogLine): string | null {
    const start = Date.parse(this.entry()?.occurredAt ?? '');
    const at = Date.parse(line.at ?? '');
    if (Number.isNaN(start) || Number.isNaN(at)) return null;
    return `+${Math.max(0, at - start)} ms`;
  }

  protected location(content: ExceptionEntryContent): string {
    return formatLocation(content.location);
  }
}
