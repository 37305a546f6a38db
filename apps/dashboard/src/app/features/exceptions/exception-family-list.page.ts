import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { ExceptionFamilyRow } from '@active-tracker/nestjs/contracts';
import { parseExceptionFamilies } from '../../core/api/api.parsers';
import { pagedResource } from '../../core/api/paged.resource';
import { EntryListComponent } from '../../shared/entry-list/entry-list.component';
import { EntryTableComponent } from '../../shared/entry-table/entry-table.component';
import { liveBanner } from '../../core/live/live-banner';
import { LiveBannerComponent } from '../../shared/live-banner/live-banner.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { FAMILY_COLUMNS } from './exception-family.columns';

/**
 * Exceptions grouped by family (class + location) with counts and first/last seen; `?view=all`
 * switches to every occurrence, searchable.
 */
@Component({
  selector: 'at-exception-family-list-page',
  imports: [RouterLink, EntryListComponent, EntryTableComponent, LiveBannerComponent, LoadStateComponent, PageHeaderComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="Exceptions" subtitle="Unhandled errors, grouped by class and location.">
      <nav class="segmented" aria-label="View">
        <a routerLink="." [queryParams]="{ view: null }" [class.on]="!showAll()">Families</a>
        <a routerLink="." [queryParams]="{ view: 'all' }" [class.on]="showAll()">All occurrences</a>
      </nav>
    </at-page-header>

    @if (showAll()) {
      <at-entry-list type="exception" [q]="q()" [tag]="tag()" searchPlaceholder="Search class, message…" />
    } @else {
      <at-live-banner [text]="live.text()" (show)="live.show()" />
      <at-load-state [loading]="families.loading()" [error]="families.error()" />
      @if (families.loaded()) {
        <div class="card flush">
          <at-entry-table [rows]="families.rows()" [columns]="columns" [rowId]="rowId" [link]="link"
                          rowTestId="exception-family-row" emptyText="No exceptions recorded. Nice." />
          @if (families.hasOlder()) {
            <div class="footer">
              <button type="button" class="btn btn-sm" data-testid="load-older" [disabled]="families.loadingOlder()"
                      (click)="families.loadOlder()">{{ families.loadingOlder() ? 'Loading…' : 'Load older' }}</button>
            </div>
          }
        </div>
      }
    }
  `,
  styles: `
    .footer { display: flex; justify-content: center; padding: 12px; }
    .segmented { display: inline-flex; border: 1px solid var(--border); border-radius: 6px; overflow: hidden; background: var(--surface); }
    .segmented a { padding: 5px 12px; font-size: 12.5px; color: var(--text-soft); text-decoration: none; }
    .segmented a + a { border-left: 1px solid var(--border); }
    .segmented a.on { background: var(--accent-soft); color: var(--accent-strong); font-weight: 600; }
  `,
})
export class ExceptionFamilyListPage {
  /** `view` query parameter: `all` lists every occurrence instead of families. */
  readonly view = input<string>();
  /** `q` query parameter (occurrences view). */
  readonly q = input<string>();
  /** `tag` query parameter (occurrences view), repeated for several tags. */
  readonly tag = input<string | string[]>();

  protected readonly showAll = computed(() => this.view() === 'all');
  protected readonly families = pagedResource('exceptions/families', () => (this.showAll() ? undefined : {}), parseExceptionFamilies);
  /** New exceptions since the families were loaded: "N new entries — show". */
  protected readonly live = liveBanner({
    page: this.families.firstPage,
    matches: (entry) => entry.type === 'exception',
    reload: () => this.families.reload(),
  });
  protected readonly columns = FAMILY_COLUMNS;
  protected readonly rowId = (family: ExceptionFamilyRow): string => family.familyHash;
  protected readonly link = (family: ExceptionFamilyRow): string[] => ['/exceptions', family.lastEntryId];
}
