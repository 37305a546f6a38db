import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { QueryFamilyRow } from '@active-tracker/nestjs/contracts';
import { pagedResource } from '../../core/api/paged.resource';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { DurationPipe } from '../../shared/pipes/duration.pipe';
import { RelativeTimeComponent } from '../../shared/time/relative-time.component';
import { parseQueryFamilies } from './queries.parsers';
import { QUERY_SORTS, querySortOf } from './query-view.model';
import { SqlCodeComponent } from './sql-code.component';

/**
 * SQL query families (one row per statement shape): count, total, average, max and p95, sortable
 * by each (`?sort=`), slow families (p95 above the plugin's `slowMs`) in red, as in the gem.
 */
@Component({
  selector: 'at-query-family-list-page',
  imports: [RouterLink, LoadStateComponent, PageHeaderComponent, DurationPipe, RelativeTimeComponent, SqlCodeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="Queries" subtitle="SQL statements grouped by shape, with their timings. Slow ones in red." />
    <at-load-state [loading]="families.loading()" [error]="families.error()" />
    @if (families.loaded()) {
      <div class="card flush">
        <table class="families" data-testid="query-families">
          <thead>
            <tr>
              <th class="sql">SQL</th>
              @for (s of sorts; track s.key) {
                <th class="num">
                  <a routerLink="." [queryParams]="{ sort: s.key }" [class.on]="order() === s.key" [attr.data-testid]="'sort-' + s.key"
                    >{{ s.label }}@if (order() === s.key) {<span aria-hidden="true"> ↓</span>}</a
                  >
                </th>
              }
              <th class="num">Last seen</th>
            </tr>
          </thead>
          <tbody>
            @for (f of families.rows(); track f.familyHash) {
              <tr [class.slow]="f.slow" data-testid="query-family-row" [attr.data-slow]="f.slow">
                <td class="sql">
                  <a [routerLink]="['/queries', 'families', f.familyHash]"><at-sql-code [sql]="f.normalized" /></a>
                  <div class="sub">{{ f.location ?? '' }}@if (f.orm) { · {{ f.orm }}}</div>
                </td>
                <td class="num">{{ f.approximate ? '≈' : '' }}{{ f.count.toLocaleString('en-US') }}</td>
                <td class="num">{{ f.totalMs | duration }}</td>
                <td class="num">{{ f.avgMs | duration }}</td>
                <td class="num">{{ f.maxMs | duration }}</td>
                <td class="num p95">{{ f.p95Ms | duration }}</td>
                <td class="num"><at-time [at]="f.lastSeen" /></td>
              </tr>
            } @empty {
              <tr><td colspan="7" class="empty">No queries recorded yet.</td></tr>
            }
          </tbody>
        </table>
        @if (families.hasOlder()) {
          <div class="footer">
            <button type="button" class="btn btn-sm" data-testid="load-older" [disabled]="families.loadingOlder()" (click)="families.loadOlder()">
              {{ families.loadingOlder() ? 'Loading…' : 'Load more' }}
            </button>
          </div>
        }
      </div>
    }
  `,
  styles: `
    table { width: 100%; border-collapse: collapse; font-size: 13px; }
    th, td { padding: 8px 12px; border-bottom: 1px solid var(--border-soft); text-align: left; vertical-align: top; }
    th { font-size: 11.5px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
    th a { color: inherit; text-decoration: none; }
    th a.on { color: var(--accent-strong); }
    .num { text-align: right; white-space: nowrap; width: 84px; }
    td.sql a { text-decoration: none; color: inherit; }
    .sub { margin-top: 3px; font-size: 11.5px; color: var(--muted); font-family: var(--mono); }
    tr.slow td.num { color: var(--danger); }
    tr.slow td.p95 { font-weight: 600; }
    tr:hover td { background: var(--row-hover); }
    .empty { text-align: center; color: var(--muted); padding: 24px; }
    .footer { display: flex; justify-content: center; padding: 12px; }
  `,
})
export class QueryFamilyListPage {
  /** `sort` query parameter: count, total (default), avg, max or p95. */
  readonly sort = input<string>();

  protected readonly sorts = QUERY_SORTS;
  protected readonly order = computed(() => querySortOf(this.sort()));
  protected readonly families = pagedResource<QueryFamilyRow>('queries/families', () => ({ sort: this.order() }), parseQueryFamilies);
}
