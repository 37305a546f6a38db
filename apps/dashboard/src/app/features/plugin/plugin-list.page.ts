import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { MetaStore } from '../../core/api/meta.store';
import { EntryListPage } from '../entries/entry-list.page';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { FamilyListComponent } from './family-list.component';
import { ViewListComponent } from './view-list.component';
import { ViewProblemComponent } from './view-problem.component';

/**
 * The list page of a plugin (`/<plugin path>`): its entries with the columns and filters of its
 * view metadata, or its families (`families: true`, `?view=all` for every entry). Plugins
 * without view metadata get the generic list.
 */
@Component({
  selector: 'at-plugin-list-page',
  imports: [RouterLink, EntryListPage, FamilyListComponent, PageHeaderComponent, ViewListComponent, ViewProblemComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (plugin(); as p) {
      @if (p.view; as v) {
        <at-page-header [title]="p.title">
          @if (v.list.families) {
            <nav class="segmented" aria-label="View">
              <a routerLink="." [queryParams]="{ view: null }" [class.on]="!showAll()" data-testid="show-families">Families</a>
              <a routerLink="." [queryParams]="{ view: 'all' }" [class.on]="showAll()" data-testid="show-all">All entries</a>
            </nav>
          }
        </at-page-header>
        @if (v.list.families && !showAll()) {
          <at-family-list [plugin]="p" [view]="v" [orderBy]="orderBy()" />
        } @else {
          <at-view-list [plugin]="p" [view]="v" [q]="q()" [tag]="tag()" />
        }
      } @else {
        <at-view-problem [problem]="p.viewProblem" />
        <at-entry-list-page [section]="section()" [q]="q()" [tag]="tag()" />
      }
    } @else {
      <at-entry-list-page [section]="section()" [q]="q()" [tag]="tag()" />
    }
  `,
  styles: `
    .segmented { display: inline-flex; border: 1px solid var(--border); border-radius: 6px; overflow: hidden; background: var(--surface); }
    .segmented a { padding: 5px 12px; font-size: 12.5px; color: var(--text-soft); text-decoration: none; }
    .segmented a + a { border-left: 1px solid var(--border); }
    .segmented a.on { background: var(--accent-soft); color: var(--accent-strong); font-weight: 600; }
  `,
})
export class PluginListPage {
  private readonly meta = inject(MetaStore);
  /** First URL segment: the plugin's path. */
  readonly section = input<string>();
  /** `q` query parameter. */
  readonly q = input<string>();
  /** `tag` query parameter (`key:value`, repeated for several). */
  readonly tag = input<string | string[]>();
  /** `view` query parameter: `all` lists every entry of a families plugin. */
  readonly view = input<string>();
  /** `orderBy` query parameter of a families list. */
  readonly orderBy = input<string>();

  protected readonly plugin = computed(() => {
    const section = this.section();
    return section ? this.meta.pluginForPath(section) : undefined;
  });
  protected readonly showAll = computed(() => this.view() === 'all');
}
