import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Entry, LogEntryContent } from '@active-tracker/nestjs/contracts';
import { contentOf } from '../../core/api/entry-content.util';
import { EntryListComponent } from '../../shared/entry-list/entry-list.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';

/** Level filter choices (Nest's levels). */
const LEVELS = ['error', 'warn', 'log', 'debug', 'verbose', 'fatal'];

/**
 * Nest `Logger` output, newest first: text search on the server, level filter on the loaded rows
 * (`?level=`), tag filter.
 */
@Component({
  selector: 'at-log-list-page',
  imports: [RouterLink, EntryListComponent, PageHeaderComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="Logs" subtitle="Logger calls made by the app, linked to the request they happened in." />
    <at-entry-list type="log" [q]="q()" [tag]="tag()" [rowFilter]="levelFilter()" searchPlaceholder="Search messages…">
      <nav class="segmented" aria-label="Level" data-testid="level-filter">
        <a routerLink="." queryParamsHandling="merge" [queryParams]="{ level: null }" [class.on]="!level()">all</a>
        @for (l of levels; track l) {
          <a routerLink="." queryParamsHandling="merge" [queryParams]="{ level: l }" [class.on]="level() === l">{{ l }}</a>
        }
      </nav>
    </at-entry-list>
  `,
  styles: `
    .segmented { display: inline-flex; border: 1px solid var(--border); border-radius: 6px; overflow: hidden; background: var(--surface); }
    .segmented a { padding: 4px 10px; font-size: 12.5px; color: var(--text-soft); text-decoration: none; }
    .segmented a + a { border-left: 1px solid var(--border); }
    .segmented a.on { background: var(--accent-soft); color: var(--accent-strong); font-weight: 600; }
  `,
})
export class LogListPage {
  /** `q` query parameter. */
  readonly q = input<string>();
  /** `tag` query parameter (`key:value`, repeated for several). */
  readonly tag = input<string | string[]>();
  /** `level` query parameter (client-side filter). */
  readonly level = input<string>();

  protected readonly levels = LEVELS;
  protected readonly levelFilter = computed(() => {
    const level = this.level();
    return level ? (entry: Entry) => contentOf<LogEntryContent>(entry).level?.toLowerCase() === level : null;
  });
}
