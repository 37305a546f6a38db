import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import type { PluginView } from '@active-tracker/nestjs/contracts';
import { PluginInfo } from '../../core/api/meta.parsers';
import { entryColumns } from '../../core/view/view-columns.model';
import { listControls } from '../../core/view/view-filters.model';
import { EntryListComponent } from '../../shared/entry-list/entry-list.component';
import { readListFilters, withTag, withoutTag } from '../../shared/filter-bar/list-filters.state';
import { TagFilterComponent } from './tag-filter.component';

/** A plugin's entries with the columns and filters of its view metadata. */
@Component({
  selector: 'at-view-list',
  imports: [EntryListComponent, TagFilterComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let c = controls();
    <at-entry-list [type]="plugin().entryType" [columns]="columns()" [q]="q()" [tag]="tag()" rowTestId="plugin-row"
                   [searchable]="c.search !== null" [searchPlaceholder]="c.search ?? ''">
      @for (control of c.tags; track control.key) {
        <at-tag-filter [control]="control" (changed)="setTag(control.key, $event)" />
      }
    </at-entry-list>
  `,
})
export class ViewListComponent {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  readonly plugin = input.required<PluginInfo>();
  readonly view = input.required<PluginView>();
  readonly q = input<string>();
  readonly tag = input<string | string[]>();

  protected readonly columns = computed(() => entryColumns(this.view().list.columns));
  private readonly state = computed(() => readListFilters(this.q(), this.tag()));
  protected readonly controls = computed(() => listControls(this.view().list.filters, this.state()));

  protected setTag(key: string, value: string | null): void {
    const state = this.state();
    const tag = value === null ? withoutTag(state, key) : withTag(state, `${key}:${value}`);
    void this.router.navigate([], { relativeTo: this.route, queryParams: { tag }, queryParamsHandling: 'merge' });
  }
}
