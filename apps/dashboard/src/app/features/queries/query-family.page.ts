import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { QueryEntryContent } from '@active-tracker/nestjs/contracts';
import { ApiClient, errorMessage } from '../../core/api/api.client';
import { valueOf } from '../../core/api/resource.util';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { DurationPipe } from '../../shared/pipes/duration.pipe';
import { MethodBadgeComponent } from '../../shared/status-badge/method-badge.component';
import { StatusBadgeComponent } from '../../shared/status-badge/status-badge.component';
import { RelativeTimeComponent } from '../../shared/time/relative-time.component';
import { parseQueryFamilyDetail } from './queries.parsers';
import { durationBars, sparklinePoints } from './query-view.model';
import { SqlCodeComponent } from './sql-code.component';

/** How many recent executions the page reads. */
const RECENT = 50;

/**
 * One query family: its statistics, a sparkline of its recent durations, the recent executions
 * (duration bars, rows, location) and the requests they came from.
 */
@Component({
  selector: 'at-query-family-page',
  imports: [
    RouterLink,
    LoadStateComponent,
    PageHeaderComponent,
    DurationPipe,
    MethodBadgeComponent,
    StatusBadgeComponent,
    RelativeTimeComponent,
    SqlCodeComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="Query family" [back]="['/queries']" backLabel="Queries" [subtitle]="family()?.location ?? null" />
    <at-load-state [loading]="loading()" [error]="error()" />
    @if (family(); as f) {
      <div class="card">
        <at-sql-code [sql]="f.sql" [block]="true" />
        <dl class="stats" data-testid="query-family-stats">
          <div><dt>Count</dt><dd>{{ f.approximate ? '≈' : '' }}{{ f.count.toLocaleString('en-US') }}</dd></div>
          <div><dt>Total</dt><dd>{{ f.totalMs | duration }}</dd></div>
          <div><dt>Avg</dt><dd>{{ f.avgMs | duration }}</dd></div>
          <div><dt>p50</dt><dd>{{ f.p50Ms | duration }}</dd></div>
          <div [class.slow]="f.slow"><dt>p95</dt><dd data-testid="query-family-p95">{{ f.p95Ms | duration }}</dd></div>
          <div><dt>p99</dt><dd>{{ f.p99Ms | duration }}</dd></div>
          <div><dt>Max</dt><dd>{{ f.maxMs | duration }}</dd></div>
          <div><dt>First seen</dt><dd><at-time [at]="f.firstSeen" /></dd></div>
          <div><dt>Last seen</dt><dd><at-time [at]="f.lastSeen" /></dd></div>
        </dl>
        @if (sparkline()) {
          <svg class="spark" viewBox="0 0 300 40" preserveAspectRatio="none" role="img" aria-label="Recent durations, oldest first">
            <polyline [attr.points]="sparkline()" fill="none" stroke="currentColor" stroke-width="1.5" vector-effect="non-scaling-stroke" />
          </svg>
        }
      </div>

      <h2>Recent executions</h2>
      <div class="card flush">
        <table data-testid="query-executions">
          <tbody>
            @for (e of executions(); track e.id) {
              <tr>
                <td class="when"><a [routerLink]="['/entries', e.id]"><at-time [at]="e.occurredAt" /></a></td>
                <td class="bar"><span [style.width.%]="e.bar" [class.slow]="e.slow"></span></td>
                <td class="num" [class.slow]="e.slow">{{ e.durationMs | duration }}</td>
                <td class="num">{{ e.rows ?? '—' }} rows</td>
                <td class="loc">{{ e.location ?? '' }}</td>
              </tr>
            }
          </tbody>
        </table>
      </div>

      <h2>Requests</h2>
      <div class="card flush">
        <table data-testid="query-family-requests">
          <tbody>
            @for (r of requests(); track r.id) {
              <tr>
                <td class="method">@if (r.method) {<at-method-badge [method]="r.method" />}</td>
                <td><a [routerLink]="['/requests', r.id]">{{ r.path ?? r.routePattern ?? r.id }}</a></td>
                <td class="num"><at-status-badge [status]="r.status" /></td>
                <td class="num">{{ r.queries?.count ?? 0 }} queries</td>
                <td class="num">{{ r.durationMs | duration }}</td>
                <td class="num"><at-time [at]="r.occurredAt" /></td>
              </tr>
            } @empty {
              <tr><td class="empty">No request (jobs or work outside requests).</td></tr>
            }
          </tbody>
        </table>
      </div>
    }
  `,
  styles: `
    .stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(110px, 1fr)); gap: 10px; margin: 14px 0 4px; }
    .stats dt { font-size: 11.5px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
    .stats dd { margin: 2px 0 0; font-size: 15px; font-weight: 600; }
    .stats .slow dd { color: var(--danger); }
    .spark { width: 100%; height: 40px; color: var(--accent); margin-top: 8px; }
    h2 { font-size: 14px; margin: 20px 0 8px; }
    table { width: 100%; border-collapse: collapse; font-size: 13px; }
    td { padding: 7px 12px; border-bottom: 1px solid var(--border-soft); vertical-align: middle; }
    .num { text-align: right; white-space: nowrap; }
    .num.slow { color: var(--danger); font-weight: 600; }
    .when { width: 110px; white-space: nowrap; }
    .bar { width: 40%; }
    .bar span { display: block; height: 8px; border-radius: 4px; background: var(--accent); opacity: .7; }
    .bar span.slow { background: var(--danger); }
    .loc { font-family: var(--mono); font-size: 11.5px; color: var(--muted); }
    .method { width: 60px; }
    .empty { color: var(--muted); text-align: center; padding: 16px; }
  `,
})
export class QueryFamilyPage {
  /** Route parameter: the family hash. */
  readonly hash = input.required<string>();

  private readonly api = inject(ApiClient);
  private readonly resource = httpResource(() => this.api.request(`queries/families/${encodeURIComponent(this.hash())}`, { limit: RECENT }), {
    parse: parseQueryFamilyDetail,
  });
  protected readonly family = computed(() => valueOf(this.resource)?.data);
  protected readonly requests = computed(() => valueOf(this.resource)?.requests ?? []);
  protected readonly loading = computed(() => this.resource.isLoading() && !this.resource.hasValue());
  protected readonly error = computed(() => (this.resource.error() ? errorMessage(this.resource.error()) : null));
  protected readonly executions = computed(() => {
    const list = valueOf(this.resource)?.executions ?? [];
    const bars = durationBars(list.map((e) => e.durationMs));
    return list.map((e, i) => {
      const c = e.content as Partial<QueryEntryContent>;
      return {
        id: e.id,
        occurredAt: e.occurredAt,
        durationMs: e.durationMs,
        bar: bars[i],
        slow: c.slow === true,
        rows: c.rows ?? null,
        location: c.location ?? null,
      };
    });
  });
  /** Oldest first, left to right. */
  protected readonly sparkline = computed(() => {
    const durations = (valueOf(this.resource)?.executions ?? []).map((e) => e.durationMs ?? 0).reverse();
    return durations.length > 1 ? sparklinePoints(durations, 300, 40) : '';
  });
}
