import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { EntryFamily, PluginView } from '@active-tracker/nestjs/contracts';
import { parseFamilies } from '../../core/api/api.parsers';
import { PluginInfo } from '../../core/api/meta.parsers';
import { pagedResource } from '../../core/api/paged.resource';
import { FAMILY_ORDERS, FAMILY_ORDER_LABELS, familyQuery, orderParam, readFamilyOrder } from '../../core/view/family-order.model';
import { familyColumns } from '../../core/view/view-columns.model';
import { EntryTableComponent } from '../../shared/entry-table/entry-table.component';
import { liveBanner } from '../../core/live/live-banner';
import { LiveBannerComponent } from '../../shared/live-banner/live-banner.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';

/**
 * A plugin's families (`GET families?type=`): what its view's `content.<key>` columns show from
 * each family's summary, then count and duration statistics, ordered as `?orderBy=` says.
 * A row opens the family's newest entry.
 */
@Component({
  selector: 'at-family-list',
  imports: [RouterLink, EntryTableComponent, LiveBannerComponent, LoadStateComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="toolbar">
      <span class="muted">Order by</span>
      <nav class="segmented" aria-label="Order" data-testid="family-order">
        @for (o of orders; track o) {
          <a routerLink="." queryParamsHandling="merge" [queryParams]="{ orderBy: param(o) }" [class.on]="order() === o"
             [attr.data-order]="o">{{ labels[o] }}</a>
        }
      </nav>
    </div>
    <at-live-banner [text]="live.text()" (show)="live.show()" />
    <at-load-state [loading]="families.loading()" [error]="families.error()" />
    @if (families.loaded()) {
      <div class="card flush">
        <at-entry-table [rows]="families.rows()" [columns]="columns()" [rowId]="rowId" [link]="link"
                        rowTestId="family-row" emptyText="Nothing recorded yet." />
        @if (families.hasOlder()) {
          <div class="footer">
            <button type="button" class="btn btn-sm" data-testid="load-older" [disabled]="families.loadingOlder()"
                    (click)="families.loadOlder()">{{ families.loadingOlder() ? 'Loading…' : 'Load older' }}</button>
          </div>
        }
      </div>
    }
  `,
  styles: `
    .toolbar { display: flex; align-items: center; gap: 8px; margin-bottom: 12px; font-size: 12.5px; }
    .segmented { display: inline-flex; border: 1px solid var(--border); border-radius: 6px; overflow: hidden; background: var(--surface); }
    .segmented a { padding: 4px 10px; color: var(--text-soft); text-decoration: none; }
    .segmented a + a { border-left: 1px solid var(--border); }
    .segmented a.on { background: var(--accent-soft); color: var(--accent-strong); font-weight: 600; }
    .footer { display: flex; justify-content: center; padding: 12px; }
  `,
})
export class FamilyListComponent {
  readonly plugin = input.required<PluginInfo>();
  readonly view = input.required<PluginView>();
  /** `orderBy` query parameter (anything else than an order: the default). */
  readonly orderBy = input<string>();

  protected readonly orders = FAMILY_ORDERS;
  protected readonly labels = FAMILY_ORDER_LABELS;
  protected readonly param = orderParam;
  protected readonly order = computed(() => readFamilyOrder(this.orderBy()));
  protected readonly columns = computed(() => familyColumns(this.view().list.columns));
  protected readonly families = pagedResource('families', () => familyQuery(this.plugin().entryType, this.order()), parseFamilies);
  /** New entries of the plugin's type since the families were loaded. */
  protected readonly live = liveBanner({
    page: this.families.firstPage,
    matches: (entry) => entry.type === this.plugin().entryType,
    reload: () => this.families.reload(),
  });
  protected readonly rowId = (family: EntryFamily): string => family.familyHash;
  protected readonly link = (family: EntryFamily): string[] => ['/', this.plugin().path, family.lastEntryId];
}
