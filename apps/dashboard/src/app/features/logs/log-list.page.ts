import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Entry, LogEntryContent } from '@active-tracker/nestjs/contracts';
import { contentOf } from '../../core/api/entry-content.util';
import { EntryListComponent } from '../../shared/entry-list/entry-list.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { LEVEL_CHOICES, levelAtLeast, readLevel } from './log-level.filter';

/**
 * Nest `Logger` output, newest first: text search, level (that level and above) and tag filters,
 * all on the server and in the URL.
 */
@Component({
  selector: 'at-log-list-page',
  imports: [RouterLink, EntryListComponent, PageHeaderComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="Logs" subtitle="Logger calls made by the app, linked to the request they happened in." />
    <at-entry-list type="log" [q]="q()" [tag]="tag()" [params]="params()" [liveMatch]="liveMatch()"
                   [problems]="problems()" searchPlaceholder="Search messages…">
      <nav class="segmented" aria-label="Level (and above)" data-testid="level-filter">
        <a routerLink="." queryParamsHandling="merge" [queryParams]="{ level: null }" [class.on]="!minLevel()"
           [attr.aria-current]="!minLevel() || null">all</a>
        @for (l of levels; track l) {
          <a routerLink="." queryParamsHandling="merge" [queryParams]="{ level: l }" [class.on]="minLevel() === l"
             [attr.aria-current]="minLevel() === l || null" [title]="l + ' and above'">{{ l }}</a>
        }
      </nav>
    </at-entry-list>
  `,
})
export class LogListPage {
  /** `q` query parameter. */
  readonly q = input<string>();
  /** `tag` query parameter (`key:value`, repeated for several). */
  readonly tag = input<string | string[]>();
  /** `level` query parameter: that level and above. */
  readonly level = input<string>();

  protected readonly levels = LEVEL_CHOICES;
  protected readonly minLevel = computed(() => readLevel(this.level()));
  protected readonly params = computed(() => ({ level: this.minLevel() ?? undefined }));
  protected readonly problems = computed(() => (this.level() && !this.minLevel() ? [`level "${this.level()}" is not a log level`] : []));
  protected readonly liveMatch = computed(() => {
    const min = this.minLevel();
    return min ? (entry: Entry) => levelAtLeast(contentOf<LogEntryContent>(entry).level, min) : null;
  });
}
