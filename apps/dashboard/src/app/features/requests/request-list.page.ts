import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { Entry } from '@active-tracker/nestjs/contracts';
import { EntryListComponent } from '../../shared/entry-list/entry-list.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { RequestFilterControlsComponent } from './request-filter-controls.component';
import { readRequestFilters, requestFilterChips, requestFilterParams, requestMatches } from './request-filters.state';

/**
 * Captured HTTP requests, newest first, filterable in the URL (shareable): method, path, status
 * (`500`, `5xx`), minimum duration (`>500ms`), tags and text, all searched on the server.
 */
@Component({
  selector: 'at-request-list-page',
  imports: [EntryListComponent, PageHeaderComponent, RequestFilterControlsComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="Requests" subtitle="Incoming HTTP requests handled by the app, newest first." />
    <at-entry-list type="request" rowTestId="request-row" [q]="q()" [tag]="tag()" [params]="params()"
                   [extraChips]="chips()" [problems]="filters().problems" [liveMatch]="liveMatch()"
                   searchPlaceholder="Search path, URL, status…">
      <at-request-filter-controls [filters]="filters()" />
    </at-entry-list>
  `,
})
export class RequestListPage {
  /** `q` query parameter. */
  readonly q = input<string>();
  /** `tag` query parameter (`key:value`, repeated for several). */
  readonly tag = input<string | string[]>();
  /** `method` query parameter, e.g. `POST`. */
  readonly method = input<string>();
  /** `path` query parameter: a substring of the path. */
  readonly path = input<string>();
  /** `status` query parameter: `500`, `5xx`, `4xx`... */
  readonly status = input<string>();
  /** `duration` query parameter: a minimum such as `>500ms`. */
  readonly duration = input<string>();
  /** `family` query parameter: one route's requests (from the overview). */
  readonly family = input<string>();

  protected readonly filters = computed(() =>
    readRequestFilters({ method: this.method(), path: this.path(), status: this.status(), duration: this.duration(), family: this.family() }),
  );
  protected readonly params = computed(() => requestFilterParams(this.filters()));
  protected readonly chips = computed(() => requestFilterChips(this.filters()));
  protected readonly liveMatch = computed(() => {
    const filters = this.filters();
    return (entry: Entry) => requestMatches(entry, filters);
  });
}
