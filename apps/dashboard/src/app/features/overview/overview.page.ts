import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { OverviewRange, OverviewRoute } from '@active-tracker/nestjs/contracts';
import { ApiClient, errorMessage } from '../../core/api/api.client';
import { parseOverview } from '../../core/api/live.parsers';
import { valueOf } from '../../core/api/resource.util';
import { LiveStream } from '../../core/live/live-stream.service';
import { TimeChartComponent } from '../../shared/chart/time-chart.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { DurationPipe } from '../../shared/pipes/duration.pipe';
import { errorRateChart, headlineTiles, latencyChart, rateChart, routeLabel, routeLink, sparklinePoints, tileValue } from './overview.model';

/** The overview refreshes on new requests at most this often, in ms. */
const REFRESH_THROTTLE_MS = 5_000;

/**
 * The home page: the app's health over the last hour or day (`?range=day`) from the core's
 * counters: request rate, p95 latency, error rate, the slowest routes, and the tiles plugins
 * contribute (exceptions; slow queries, N+1 and LLM cost when their plugins are on). Refreshes
 * when new requests arrive on the live stream.
 */
@Component({
  selector: 'at-overview-page',
  imports: [RouterLink, DurationPipe, LoadStateComponent, PageHeaderComponent, TimeChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="Overview" [subtitle]="subtitle()">
      <nav class="segmented" aria-label="Range" data-testid="overview-range">
        <a routerLink="." [queryParams]="{ range: null }" [class.on]="range() === 'hour'" [attr.aria-current]="range() === 'hour' || null">Last hour</a>
        <a routerLink="." [queryParams]="{ range: 'day' }" [class.on]="range() === 'day'" [attr.aria-current]="range() === 'day' || null">Last day</a>
      </nav>
    </at-page-header>
    <at-load-state [loading]="loading()" [error]="error()" />

    @if (overview(); as o) {
      <section class="tiles" aria-label="Figures" data-testid="overview-tiles">
        @for (t of headline(); track t.key) {
          <div class="tile card" [class.bad]="t.error" [attr.data-tile]="t.key">
            <span class="tile-label">{{ t.label }}</span>
            <span class="tile-value">{{ t.value }}</span>
          </div>
        }
        @for (t of o.tiles; track t.plugin + ':' + t.key) {
          <a class="tile card plugin-tile" [class.bad]="t.error" [attr.data-tile]="t.plugin + ':' + t.key"
             [routerLink]="t.link ? ['/', t.link] : null" data-testid="plugin-tile">
            <span class="tile-label">{{ t.label }}</span>
            <span class="tile-value">{{ tileText(t.value, t.unit) }}</span>
            @if (t.hint) { <span class="tile-hint">{{ t.hint }}</span> }
            @if (t.series?.length) {
              <svg class="spark" viewBox="0 0 100 20" preserveAspectRatio="none" aria-hidden="true">
                <polyline [attr.points]="spark(t.series!)" />
              </svg>
            }
          </a>
        }
      </section>

      <section class="charts">
        <div class="card"><at-time-chart label="Requests per minute" [data]="rate()" format="rate" /></div>
        <div class="card"><at-time-chart label="p95 latency" [data]="latency()" format="ms" /></div>
        <div class="card"><at-time-chart label="Error rate (5xx)" [data]="errorRate()" format="percent" /></div>
      </section>

      <section class="card flush">
        <h2 class="card-title padded">Slowest routes <span class="count">{{ o.slowestRoutes.length }}</span></h2>
        <div class="table-wrap">
          <table class="table" data-testid="slowest-routes">
            <thead>
              <tr><th>Route</th><th class="end">Requests</th><th class="end">5xx</th><th class="end">Avg</th><th class="end">p95</th></tr>
            </thead>
            <tbody>
              @for (r of o.slowestRoutes; track r.familyHash) {
                <tr data-testid="slow-route">
                  <td class="mono"><a [routerLink]="['/requests']" [queryParams]="link(r)">{{ label(r) }}</a></td>
                  <td class="end num">{{ r.count.toLocaleString('en-US') }}</td>
                  <td class="end num" [class.bad]="r.errors > 0">{{ r.errors }}</td>
                  <td class="end num">{{ r.avgMs | duration }}</td>
                  <td class="end num">{{ r.p95Ms | duration }}</td>
                </tr>
              } @empty {
                <tr><td colspan="5" class="muted empty">No requests in this range.</td></tr>
              }
            </tbody>
          </table>
        </div>
      </section>
    }
  `,
  styles: `
    .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin-bottom: 16px; }
    .tile { display: flex; flex-direction: column; gap: 2px; margin: 0; color: inherit; text-decoration: none; min-width: 0; }
    a.tile[href]:hover { border-color: var(--accent); }
    .tile-label { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
    .tile-value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .tile-hint { font-size: 12px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .tile.bad .tile-value { color: var(--danger); }
    .spark { width: 100%; height: 20px; margin-top: 4px; }
    .spark polyline { fill: none; stroke: var(--accent); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
    .tile.bad .spark polyline { stroke: var(--danger); }
    .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; margin-bottom: 16px; }
    .charts > .card { margin: 0; min-width: 0; }
    .padded { padding: 0 16px; }
    .table-wrap { overflow-x: auto; }
    .num { font-variant-numeric: tabular-nums; white-space: nowrap; }
    .bad { color: var(--danger); }
    .empty { text-align: center; padding: 20px; }
  `,
})
export class OverviewPage {
  private readonly api = inject(ApiClient);

  /** `range` query parameter: `day`, else the last hour. */
  readonly rangeParam = input<string>(undefined, { alias: 'range' });

  protected readonly range = computed<OverviewRange>(() => (this.rangeParam() === 'day' ? 'day' : 'hour'));
  private readonly resource = httpResource(() => this.api.request('overview', { range: this.range() }), { parse: parseOverview });
  protected readonly overview = computed(() => valueOf(this.resource)?.data);
  protected readonly loading = computed(() => this.resource.isLoading() && !this.resource.hasValue());
  protected readonly error = computed(() => (this.resource.error() ? errorMessage(this.resource.error()) : null));
  protected readonly headline = computed(() => {
    const o = this.overview();
    return o ? headlineTiles(o) : [];
  });
  protected readonly rate = computed(() => rateChart(this.overview()!));
  protected readonly latency = computed(() => latencyChart(this.overview()!));
  protected readonly errorRate = computed(() => errorRateChart(this.overview()!));
  protected readonly subtitle = computed(
    () => `Requests, latency and errors over the last ${this.range()}${this.overview()?.approximate ? ' (estimates: sampling is on)' : ''}.`,
  );

  private lastRefresh = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    const unsubscribe = inject(LiveStream).subscribe((event) => {
      if (event.kind === 'reset' || event.entry.type === 'request' || event.entry.type === 'exception') this.refreshSoon();
    });
    inject(DestroyRef).onDestroy(() => {
      unsubscribe();
      clearTimeout(this.timer);
    });
  }

  private refreshSoon(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastRefresh + REFRESH_THROTTLE_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRefresh = Date.now();
      this.resource.reload();
    }, wait);
  }

  protected tileText(value: number | string, unit?: string): string {
    return tileValue(value, unit);
  }

  protected spark(values: number[]): string {
    return sparklinePoints(values, 100, 20);
  }

  protected label(route: OverviewRoute): string {
    return routeLabel(route);
  }

  protected link(route: OverviewRoute): Record<string, string> {
    return routeLink(route);
  }
}
