import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, input, linkedSignal } from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import type { Entry } from '@active-tracker/nestjs/contracts';
import { parseEntries } from '../../core/api/api.parsers';
import { AutoLoadStore } from '../../core/live/auto-load.store';
import { LiveListState, bannerText, entriesMissed, entryArrived, liveListState, streamEntryMatches } from '../../core/live/live-list.state';
import { LiveEvent, LiveStream } from '../../core/live/live-stream.service';
import { MetaStore } from '../../core/api/meta.store';
import { QueryParams } from '../../core/api/query-params';
import { pagedResource } from '../../core/api/paged.resource';
import type { Page } from '../../core/api/paged.state';
import { EntryTableComponent } from '../entry-table/entry-table.component';
import { columnsFor } from '../entry-table/entry.columns';
import { TableColumn } from '../entry-table/table-column.model';
import { ActiveFilter, FilterBarComponent } from '../filter-bar/filter-bar.component';
import { filterChips, filterParams, readListFilters, removeChip, withTag } from '../filter-bar/list-filters.state';
import { LiveBannerComponent } from '../live-banner/live-banner.component';
import { LoadStateComponent } from '../load-state/load-state.component';

/** Auto-load reloads the list at most this often, in ms (a burst of requests is one reload). */
const AUTO_LOAD_THROTTLE_MS = 1_500;

/**
 * A filterable, newest-first list of entries over `api/entries`: search box (`q`), tag filters
 * (`tag=key:value`, repeatable, set by clicking a chip, shown as removable chips), the page's own
 * filters (`params`, shown as `extraChips`), "load older" paging. Filters live in the URL's query
 * parameters so that lists can be linked and go back/forward. Live: entries arriving on the stream
 * that match the filters show as an "N new entries — show" banner, or reload the list at once
 * when auto-load is on; the list never jumps under the reader otherwise.
 */
@Component({
  selector: 'at-entry-list',
  imports: [EntryTableComponent, FilterBarComponent, LiveBannerComponent, LoadStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './entry-list.component.html',
  styles: `
    :host { display: block; }
    .footer { display: flex; justify-content: center; align-items: center; gap: 12px; padding: 12px; font-size: 12px; }
    .end-note { color: var(--muted); font-size: 12px; }
    .auto-load { display: inline-flex; align-items: center; gap: 5px; font-size: 12.5px; color: var(--text-soft); cursor: pointer; }
  `,
})
export class EntryListComponent {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly meta = inject(MetaStore);

  /** Entry type to list (`null` lists every type). */
  readonly type = input<string | null>(null);
  /** Columns; by default the ones of `type`. */
  readonly columns = input<readonly TableColumn<Entry>[] | null>(null);
  /** Search text (the `q` query parameter). */
  readonly q = input<string | null | undefined>(null);
  /** Tag filters `key:value` (the `tag` query parameter, repeated for several). */
  readonly tag = input<string | readonly string[] | null | undefined>(null);
  /** Extra API filters (family, batch, ...). */
  readonly params = input<QueryParams>({});
  /** Client-side filter applied to the loaded rows (e.g. log level). */
  readonly rowFilter = input<((entry: Entry) => boolean) | null>(null);
  /** `data-testid` of each row. */
  readonly rowTestId = input('entry-row');
  /** Placeholder of the search box. */
  readonly searchPlaceholder = input('Search…');
  /** Show the search box. */
  readonly searchable = input(true);
  /** Text shown when nothing matches. */
  readonly emptyText = input<string | null>(null);
  /** Row to highlight. */
  readonly activeId = input<string | null>(null);
  /** Chips of the page's own filters; removing one drops the query parameter named by its key. */
  readonly extraChips = input<ActiveFilter[]>([]);
  /** Query parameters the page could not read (shown instead of being sent). */
  readonly problems = input<string[]>([]);
  /** Whether a live entry passes the page's own filters (type, tags and text are checked here). */
  readonly liveMatch = input<((entry: Entry) => boolean) | null>(null);

  /** The URL's filters. */
  protected readonly state = computed(() => readListFilters(this.q(), this.tag()));
  protected readonly pager = pagedResource(
    'entries',
    () => ({ ...this.params(), type: this.type() ?? undefined, ...filterParams(this.state()) }),
    parseEntries,
  );
  protected readonly shownColumns = computed(() => this.columns() ?? columnsFor(this.type()));
  protected readonly rows = computed(() => {
    const filter = this.rowFilter();
    const rows = this.pager.rows();
    return filter ? rows.filter(filter) : rows;
  });
  protected readonly filters = computed(() => [...filterChips(this.state()), ...this.extraChips()]);
  protected readonly empty = computed(() => {
    if (this.emptyText()) return this.emptyText() as string;
    const { q, tags } = this.state();
    return q || tags.length || this.rowFilter() || this.extraChips().length ? 'Nothing matches these filters.' : 'Nothing recorded yet.';
  });

  protected readonly autoLoad = inject(AutoLoadStore);
  /** New entries since the first page was fetched; starts over with each fetch. */
  private readonly live = linkedSignal<Page<Entry> | undefined, LiveListState>({
    source: this.pager.firstPage,
    computation: (page, previous) => liveListState(page?.data[0]?.id ?? null, page ? previous?.value : undefined),
  });
  protected readonly banner = computed(() => bannerText(this.live()));
  private lastAutoLoad = 0;
  private autoLoadTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    const unsubscribe = inject(LiveStream).subscribe((event) => this.onLive(event));
    inject(DestroyRef).onDestroy(() => {
      unsubscribe();
      clearTimeout(this.autoLoadTimer);
    });
  }

  private onLive(event: LiveEvent): void {
    if (event.kind === 'reset') {
      this.live.update(entriesMissed);
    } else {
      if (!this.liveMatches(event.entry)) return;
      this.live.update((state) => entryArrived(state, event.entry.id));
    }
    if (this.autoLoad.on()) this.autoLoadSoon();
  }

  /** The list's filters applied to a live entry, as far as the browser can tell. */
  private liveMatches(entry: Entry): boolean {
    const { q, tags } = this.state();
    if (!streamEntryMatches(entry, this.type(), tags)) return false;
    const params = this.params();
    if (typeof params['family'] === 'string' && entry.familyHash !== params['family']) return false;
    if (typeof params['batch'] === 'string' && entry.batchId !== params['batch']) return false;
    if (q && !JSON.stringify(entry.content).toLowerCase().includes(q.toLowerCase())) return false;
    return this.liveMatch()?.(entry) ?? true;
  }

  /** Reloads now, or at the end of the throttle window. */
  private autoLoadSoon(): void {
    if (this.autoLoadTimer !== undefined) return;
    const wait = Math.max(0, this.lastAutoLoad + AUTO_LOAD_THROTTLE_MS - Date.now());
    this.autoLoadTimer = setTimeout(() => {
      this.autoLoadTimer = undefined;
      this.showNew();
    }, wait);
  }

  /** "show": fetches the first page again, with the new entries on top. */
  protected showNew(): void {
    this.lastAutoLoad = Date.now();
    this.pager.reload();
  }

  protected toggleAutoLoad(on: boolean): void {
    this.autoLoad.set(on);
    if (on && this.banner()) this.showNew();
  }
  protected readonly link = (entry: Entry): string[] => this.meta.linkTo(entry);
  protected readonly rowId = (entry: Entry): string => entry.id;

  /** Merges query parameters into the current URL (null removes one). */
  protected setQuery(params: Record<string, string | string[] | null>): void {
    void this.router.navigate([], { relativeTo: this.route, queryParams: params, queryParamsHandling: 'merge' });
  }

  protected onSearch(q: string): void {
    this.setQuery({ q: q || null });
  }

  protected onTag(tag: string): void {
    this.setQuery({ tag: withTag(this.state(), tag) });
  }

  protected onRemove(key: string): void {
    this.setQuery(removeChip(this.state(), key));
  }
}
