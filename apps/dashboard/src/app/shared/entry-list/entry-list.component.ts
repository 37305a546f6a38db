import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import type { Entry } from '@active-tracker/nestjs/contracts';
import { parseEntries } from '../../core/api/api.parsers';
import { MetaStore } from '../../core/api/meta.store';
import { QueryParams } from '../../core/api/query-params';
import { pagedResource } from '../../core/api/paged.resource';
import { EntryTableComponent } from '../entry-table/entry-table.component';
import { columnsFor } from '../entry-table/entry.columns';
import { TableColumn } from '../entry-table/table-column.model';
import { FilterBarComponent } from '../filter-bar/filter-bar.component';
import { filterChips, filterParams, readListFilters, removeChip, withTag } from '../filter-bar/list-filters.state';
import { LoadStateComponent } from '../load-state/load-state.component';

/**
 * A filterable, newest-first list of entries over `api/entries`: search box (`q`), tag filters
 * (`tag=key:value`, repeatable, set by clicking a chip, shown as removable chips), "load older" paging.
 * Filters live in the URL's query parameters so that lists can be linked and go back/forward.
 */
@Component({
  selector: 'at-entry-list',
  imports: [EntryTableComponent, FilterBarComponent, LoadStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './entry-list.component.html',
  styles: `
    :host { display: block; }
    .footer { display: flex; justify-content: center; align-items: center; gap: 12px; padding: 12px; font-size: 12px; }
    .end-note { color: var(--muted); font-size: 12px; }
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
  protected readonly filters = computed(() => filterChips(this.state()));
  protected readonly empty = computed(() => {
    if (this.emptyText()) return this.emptyText() as string;
    const { q, tags } = this.state();
    return q || tags.length || this.rowFilter() ? 'Nothing matches these filters.' : 'Nothing recorded yet.';
  });
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
