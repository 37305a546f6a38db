import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { MetaStore } from '../../core/api/meta.store';
import { EntryListComponent } from '../../shared/entry-list/entry-list.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';

/** The list of a plugin without its own page (`/<plugin path>`), or of every entry (`/entries`). */
@Component({
  selector: 'at-entry-list-page',
  imports: [RouterLink, EntryListComponent, LoadStateComponent, PageHeaderComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (!section()) {
      <at-page-header title="All entries" subtitle="Everything recorded, newest first." />
      <at-entry-list [q]="q()" [tag]="tag()" />
    } @else if (plugin(); as p) {
      <at-page-header [title]="p.title" />
      <at-entry-list [type]="p.entryType" [q]="q()" [tag]="tag()" />
    } @else if (meta.meta()) {
      <div class="card empty-page">
        <h1>Nothing here</h1>
        <p class="muted">No enabled plugin shows “{{ section() }}”.</p>
        <a class="btn" routerLink="/requests">Go to requests</a>
      </div>
    } @else {
      <at-load-state [loading]="!meta.error()" [error]="meta.error()" />
    }
  `,
  styles: `.empty-page { text-align: center; padding: 48px 24px; } h1 { font-size: 18px; margin: 0 0 8px; }`,
})
export class EntryListPage {
  protected readonly meta = inject(MetaStore);
  /** First URL segment (route parameter of the parent), absent under `/entries`. */
  readonly section = input<string>();
  /** `q` query parameter. */
  readonly q = input<string>();
  /** `tag` query parameter (`key:value`, repeated for several). */
  readonly tag = input<string | string[]>();

  protected readonly plugin = computed(() => {
    const section = this.section();
    return section ? this.meta.pluginForPath(section) : undefined;
  });
}
