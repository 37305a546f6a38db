import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { OverviewRange } from '@active-tracker/nestjs/contracts';
import { ApiClient, errorMessage } from '../../core/api/api.client';
import { parseExceptionFamilyDetail } from '../../core/api/api.parsers';
import { valueOf } from '../../core/api/resource.util';
import { TimeChartComponent } from '../../shared/chart/time-chart.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { AbsoluteTimePipe } from '../../shared/pipes/absolute-time.pipe';
import { MethodBadgeComponent } from '../../shared/status-badge/method-badge.component';
import { StatusBadgeComponent } from '../../shared/status-badge/status-badge.component';
import { RelativeTimeComponent } from '../../shared/time/relative-time.component';
import { familyCount, occurrencesChart, rangeTotal } from './exception-family.model';

/**
 * The family of an exception (`GET exceptions/families/:hash`): how often it happened, first and
 * last seen, occurrences over the last hour or day, and its newest occurrences with links to the
 * requests they broke.
 */
@Component({
  selector: 'at-exception-family',
  imports: [RouterLink, AbsoluteTimePipe, LoadStateComponent, MethodBadgeComponent, RelativeTimeComponent, StatusBadgeComponent, TimeChartComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'exception-family' },
  template: `
    <at-load-state [loading]="loading()" [error]="error()" />
    @if (detail(); as d) {
      <section class="card">
        <div class="head">
          <h2 class="card-title">This exception over time</h2>
          <nav class="segmented" aria-label="Range">
            <button type="button" [class.on]="range() === 'hour'" [attr.aria-pressed]="range() === 'hour'" (click)="range.set('hour')">Last hour</button>
            <button type="button" [class.on]="range() === 'day'" [attr.aria-pressed]="range() === 'day'" (click)="range.set('day')">Last day</button>
          </nav>
        </div>
        <dl class="figures">
          <div><dt>Occurrences</dt><dd data-testid="family-count">{{ count() }}</dd></div>
          <div><dt>First seen</dt><dd><at-time [at]="d.family.firstSeen" /><span class="abs muted">{{ d.family.firstSeen | absoluteTime }}</span></dd></div>
          <div><dt>Last seen</dt><dd><at-time [at]="d.family.lastSeen" /><span class="abs muted">{{ d.family.lastSeen | absoluteTime }}</span></dd></div>
          <div><dt>In range</dt><dd>{{ total() }}</dd></div>
        </dl>
        <at-time-chart label="Occurrences" [data]="chart()" [bars]="true" />
      </section>

      <section class="card flush">
        <h2 class="card-title padded">Recent occurrences <span class="count">{{ d.recent.length }}</span></h2>
        <div class="table-wrap">
          <table class="table">
            <thead><tr><th>When</th><th>Message</th><th>Request</th></tr></thead>
            <tbody>
              @for (o of d.recent; track o.id) {
                <tr data-testid="occurrence-row" [class.active]="o.id === activeId()">
                  <td class="nowrap"><a [routerLink]="['/exceptions', o.id]"><at-time [at]="o.occurredAt" /></a></td>
                  <td class="message">{{ o.message }}</td>
                  <td class="nowrap">
                    @if (o.request; as r) {
                      <a class="req" data-testid="occurrence-request" [routerLink]="['/requests', r.id]">
                        <at-method-badge [method]="r.method" /> <span class="mono">{{ r.path }}</span> <at-status-badge [status]="r.status" />
                      </a>
                    } @else {
                      <span class="muted">—</span>
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      </section>
    }
  `,
  styles: `
    :host { display: block; }
    .head { display: flex; align-items: center; justify-content: space-between; gap: 12px; flex-wrap: wrap; margin-bottom: 8px; }
    .head .card-title { margin: 0; }
    .figures { display: flex; flex-wrap: wrap; gap: 8px 32px; margin: 0 0 12px; }
    .figures dt { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
    .figures dd { margin: 0; font-size: 15px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .abs { display: block; font-size: 11px; font-weight: 400; }
    .padded { padding: 0 16px; }
    .table-wrap { overflow-x: auto; }
    .message { max-width: 0; width: 100%; min-width: 160px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .nowrap { white-space: nowrap; }
    .req { display: inline-flex; align-items: center; gap: 6px; color: inherit; text-decoration: none; }
    .req:hover .mono { color: var(--accent); text-decoration: underline; }
    tr.active td { background: var(--accent-soft); }
  `,
})
export class ExceptionFamilyComponent {
  private readonly api = inject(ApiClient);

  /** The family hash. */
  readonly hash = input.required<string>();
  /** The occurrence shown above (highlighted). */
  readonly activeId = input<string | null>(null);

  protected readonly range = signal<OverviewRange>('day');
  private readonly resource = httpResource(() => this.api.request(`exceptions/families/${encodeURIComponent(this.hash())}`, { range: this.range() }), {
    parse: parseExceptionFamilyDetail,
  });
  protected readonly detail = computed(() => valueOf(this.resource)?.data);
  protected readonly loading = computed(() => this.resource.isLoading() && !this.resource.hasValue());
  protected readonly error = computed(() => (this.resource.error() ? errorMessage(this.resource.error()) : null));
  protected readonly chart = computed(() => occurrencesChart(this.detail()!));
  protected readonly count = computed(() => familyCount(this.detail()!));
  protected readonly total = computed(() => rangeTotal(this.detail()!));
}
