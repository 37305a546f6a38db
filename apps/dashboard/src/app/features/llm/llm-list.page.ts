import { DOCUMENT } from '@angular/common';
import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, linkedSignal, signal } from '@angular/core';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { LlmInteraction, LlmReviewState } from '@active-tracker/nestjs/contracts';
import { ApiClient, errorMessage } from '../../core/api/api.client';
import { pagedResource } from '../../core/api/paged.resource';
import { valueOf } from '../../core/api/resource.util';
import { KeyboardService } from '../../core/keyboard/keyboard.service';
import { liveBanner } from '../../core/live/live-banner';
import { streamEntryMatches } from '../../core/live/live-list.state';
import { LiveBannerComponent } from '../../shared/live-banner/live-banner.component';
import { TimeChartComponent } from '../../shared/chart/time-chart.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { DurationPipe } from '../../shared/pipes/duration.pipe';
import { RelativeTimeComponent } from '../../shared/time/relative-time.component';
import { LlmReviewStateComponent } from './llm-review-state.component';
import { LlmReviewService } from './llm-review.service';
import {
  LLM_FILTER_KEYS,
  LlmFilterKey,
  REVIEW_KEYS,
  costPerDay,
  formatCost,
  formatCostTotals,
  formatRate,
  formatTokens,
  labelOf,
  llmExportQuery,
  llmFilters,
  llmQuery,
  llmStreamTags,
  reviewTargets,
  toggled,
  toggledAll,
} from './llm-view.model';
import { LLM_REVIEW_STATES, LLM_STATUSES, parseLlmInteractions, parseLlmKpis, parseLlmRollups } from './llm.parsers';

const CHART_DAYS = 30;

/**
 * LLM interactions: KPI tiles and cost per day for the filters in the URL, the interaction table
 * with bulk selection, and review (buttons, or a/f/r on the checked rows or the focused one).
 * Everything captured is shown by interpolation, never as HTML.
 */
@Component({
  selector: 'at-llm-list-page',
  imports: [
    RouterLink,
    LiveBannerComponent,
    LoadStateComponent,
    PageHeaderComponent,
    DurationPipe,
    RelativeTimeComponent,
    LlmReviewStateComponent,
    TimeChartComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-page-header title="LLM" subtitle="Calls to language models: cost, tokens, latency, and their review." />

    <form class="filters card" data-testid="llm-filters" (submit)="$event.preventDefault()">
      @for (f of textFilters; track f.key) {
        <label class="field"
          ><span>{{ f.label }}</span>
          <input class="input" [attr.data-testid]="'filter-' + f.key" [value]="filters()[f.key] ?? ''" (change)="setFilter(f.key, $any($event.target).value)"
        /></label>
      }
      <label class="field"
        ><span>Status</span>
        <select class="input" data-testid="filter-status" (change)="setFilter('status', $any($event.target).value)">
          <option value="" [selected]="!filters().status">any</option>
          @for (s of statuses; track s) {
            <option [value]="s" [selected]="filters().status === s">{{ s }}</option>
          }
        </select></label
      >
      <label class="field"
        ><span>Review</span>
        <select class="input" data-testid="filter-review" (change)="setFilter('review', $any($event.target).value)">
          <option value="" [selected]="!filters().review">any</option>
          @for (s of reviewStates; track s) {
            <option [value]="s" [selected]="filters().review === s">{{ s }}</option>
          }
        </select></label
      >
    </form>

    @if (kpis(); as k) {
      <div class="tiles" data-testid="llm-kpis">
        <div class="card tile"><span class="tile-label">Calls</span><span class="tile-value" data-testid="kpi-calls">{{ k.data.calls.toLocaleString('en-US') }}</span></div>
        <div class="card tile"><span class="tile-label">Tokens</span><span class="tile-value" data-testid="kpi-tokens">{{ tokens(k.data.totalTokens) }}</span>
          <span class="tile-hint">{{ tokens(k.data.inputTokens) }} in · {{ tokens(k.data.outputTokens) }} out</span></div>
        <div class="card tile"><span class="tile-label">Cost</span><span class="tile-value" data-testid="kpi-cost">{{ costTotals(k.data.cost, k.data.unpriced) }}</span></div>
        <div class="card tile"><span class="tile-label">Error rate</span><span class="tile-value" data-testid="kpi-errors">{{ rate(k.data.errorRate) }}</span></div>
        <div class="card tile"><span class="tile-label">Avg latency</span><span class="tile-value" data-testid="kpi-latency">{{ k.data.avgLatencyMs | duration }}</span>
          <span class="tile-hint">p95 {{ k.data.p95LatencyMs | duration }}</span></div>
      </div>
      @if (k.truncated) {
        <p class="muted note">KPIs of the newest interactions only (the filter is computed by a bounded scan).</p>
      }
    }

    <div class="card chart-card">
      <!-- No @defer: its runtime would join Angular core in the initial bundle (every page pays for it); the chart is in this lazy route already. -->
      <at-time-chart label="Cost per day (last 30 days)" [data]="chart()" [bars]="true" />
    </div>

    <at-live-banner [text]="live.text()" (show)="live.show()" />
    @if (notice(); as n) {
      <p class="alert" role="status" data-testid="llm-notice">{{ n }}</p>
    }
    <at-load-state [loading]="list.loading()" [error]="list.error()" />
    @if (list.loaded()) {
      <div class="card flush">
        <div class="bulk" data-testid="llm-bulk">
          <span class="muted" data-testid="selected-count">{{ selection().size }} selected</span>
          <input class="input comment" data-testid="review-comment" placeholder="Review comment (optional)" aria-label="Review comment"
            [value]="comment()" (input)="comment.set($any($event.target).value)" />
          <button type="button" class="btn btn-sm" data-testid="bulk-approve" [disabled]="busy() || !selection().size" (click)="review(selectedIds(), 'approved')">Approve</button>
          <button type="button" class="btn btn-sm" data-testid="bulk-flag" [disabled]="busy() || !selection().size" (click)="review(selectedIds(), 'flagged')">Flag</button>
          <button type="button" class="btn btn-sm" data-testid="bulk-reject" [disabled]="busy() || !selection().size" (click)="review(selectedIds(), 'rejected')">Reject</button>
          <span class="muted keys">Keys: j/k move, a approve, f flag, r reject, ? help</span>
          <a class="btn btn-sm" data-testid="export-csv" [href]="exportHref('csv')" download>Export CSV</a>
          <a class="btn btn-sm" data-testid="export-ndjson" [href]="exportHref('ndjson')" download>NDJSON</a>
          <button type="button" class="btn btn-sm btn-danger-outline" data-testid="llm-clear" [disabled]="busy()" (click)="clearAll()">Clear LLM</button>
        </div>
        <div class="scroll">
          <table class="table" data-testid="llm-interactions">
            <thead>
              <tr>
                <th class="check"><input type="checkbox" aria-label="Select all" data-testid="select-all" [checked]="allSelected()" (change)="selectAll()" /></th>
                <th>Time</th>
                <th>Request</th>
                <th>User</th>
                <th>Provider / model</th>
                <th class="num">Tokens in</th>
                <th class="num">Tokens out</th>
                <th class="num">Cost</th>
                <th class="num">Duration</th>
                <th>Review</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              @for (i of list.rows(); track i.id) {
                <tr [attr.data-id]="i.id" data-testid="llm-row" [class.error]="i.status !== 'success'" [class.checked]="selection().has(i.id ?? '')">
                  <td class="check">
                    <input type="checkbox" [attr.aria-label]="'Select ' + label(i)" data-testid="row-select" [checked]="selection().has(i.id ?? '')" (change)="toggle(i)" />
                  </td>
                  <td class="nowrap"><at-time [at]="i.occurredAt" /></td>
                  <td class="label"><a class="row-link" [routerLink]="['/llm', i.id]">{{ label(i) }}</a>
                    @if (i.status !== 'success') { <span class="badge tone-danger">{{ i.status }}</span> }</td>
                  <td>{{ i.user ?? '—' }}</td>
                  <td class="mono">{{ i.provider }} / {{ i.model }}</td>
                  <td class="num">{{ tokens(i.inputTokens) }}</td>
                  <td class="num">{{ tokens(i.outputTokens) }}</td>
                  <td class="num" [class.muted]="!i.cost">{{ cost(i) }}</td>
                  <td class="num">{{ i.latencyMs | duration }}</td>
                  <td><at-llm-review-state [state]="i.reviewState" /></td>
                  <td class="actions">
                    <button type="button" class="btn btn-xs" data-testid="row-approve" [disabled]="busy()" [attr.aria-label]="'Approve ' + label(i)" (click)="review([i.id!], 'approved')">✓</button>
                    <button type="button" class="btn btn-xs" data-testid="row-flag" [disabled]="busy()" [attr.aria-label]="'Flag ' + label(i)" (click)="review([i.id!], 'flagged')">⚑</button>
                    <button type="button" class="btn btn-xs" data-testid="row-reject" [disabled]="busy()" [attr.aria-label]="'Reject ' + label(i)" (click)="review([i.id!], 'rejected')">✕</button>
                  </td>
                </tr>
              } @empty {
                <tr><td colspan="11" class="empty">No LLM interactions recorded yet.</td></tr>
              }
            </tbody>
          </table>
        </div>
        @if (list.hasOlder()) {
          <div class="footer">
            <button type="button" class="btn btn-sm" data-testid="load-older" [disabled]="list.loadingOlder()" (click)="list.loadOlder()">
              {{ list.loadingOlder() ? 'Loading…' : 'Load more' }}
            </button>
          </div>
        }
      </div>
    }
  `,
  styles: `
    .filters { display: flex; flex-wrap: wrap; gap: 10px; padding: 10px 12px; margin-bottom: 12px; }
    .field { display: flex; flex-direction: column; gap: 3px; font-size: 11.5px; color: var(--muted); }
    .field .input { width: 140px; }
    .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-bottom: 12px; }
    .tile { display: flex; flex-direction: column; gap: 4px; padding: 12px 14px; }
    .tile-label { font-size: 11.5px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
    .tile-value { font-size: 20px; font-weight: 600; }
    .tile-hint { font-size: 11.5px; color: var(--muted); }
    .note { font-size: 12px; margin: 0 0 12px; }
    .chart-card { margin-bottom: 12px; padding: 12px 14px; }
    .bulk { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 10px 12px; border-bottom: 1px solid var(--border-soft); }
    .bulk .comment { flex: 1; min-width: 160px; max-width: 320px; }
    .keys { margin-left: auto; font-size: 11.5px; }
    .scroll { overflow-x: auto; }
    table { width: 100%; border-collapse: collapse; font-size: 13px; }
    th, td { padding: 7px 10px; border-bottom: 1px solid var(--border-soft); text-align: left; vertical-align: top; }
    th { font-size: 11.5px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; white-space: nowrap; }
    .num { text-align: right; white-space: nowrap; }
    .nowrap { white-space: nowrap; }
    .check { width: 28px; }
    .label { max-width: 380px; overflow-wrap: anywhere; }
    .label a { color: inherit; text-decoration: none; }
    .label a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    .actions { white-space: nowrap; }
    tr.checked td { background: var(--row-hover); }
    tr:hover td { background: var(--row-hover); }
    .empty { text-align: center; color: var(--muted); padding: 24px; }
    .footer { display: flex; justify-content: center; padding: 12px; }
  `,
})
export class LlmListPage {
  private readonly api = inject(ApiClient);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly document = inject(DOCUMENT);
  private readonly reviews = inject(LlmReviewService);

  readonly provider = input<string>();
  readonly model = input<string>();
  readonly project = input<string>();
  readonly status = input<string>();
  readonly review_ = input<string>(undefined, { alias: 'review' });
  readonly user = input<string>();
  readonly session = input<string>();
  readonly tag = input<string>();

  protected readonly statuses = LLM_STATUSES;
  protected readonly reviewStates = LLM_REVIEW_STATES;
  protected readonly textFilters: ReadonlyArray<{ key: LlmFilterKey; label: string }> = [
    { key: 'provider', label: 'Provider' },
    { key: 'model', label: 'Model' },
    { key: 'project', label: 'Project' },
    { key: 'user', label: 'User' },
    { key: 'session', label: 'Session' },
    { key: 'tag', label: 'Tag' },
  ];

  protected readonly filters = computed(() =>
    llmFilters({
      provider: this.provider(),
      model: this.model(),
      project: this.project(),
      status: this.status(),
      review: this.review_(),
      user: this.user(),
      session: this.session(),
      tag: this.tag(),
    }),
  );

  protected readonly list = pagedResource<LlmInteraction>('llm/interactions', () => llmQuery(this.filters()), parseLlmInteractions);
  private readonly kpisResource = httpResource(() => this.api.request('llm/kpis', llmQuery(this.filters())), { parse: parseLlmKpis });
  protected readonly kpis = computed(() => valueOf(this.kpisResource));
  private readonly rollups = httpResource(
    () => {
      const f = this.filters();
      return this.api.request('llm/rollups', { from: String(Date.now() - CHART_DAYS * 86_400_000), provider: f.provider, model: f.model, project: f.project });
    },
    { parse: parseLlmRollups },
  );
  protected readonly chart = computed(() => costPerDay(valueOf(this.rollups)?.data ?? [], CHART_DAYS, Date.now()));

  /** Interactions recorded since the list was loaded: "N new entries — show" (or auto-load). */
  protected readonly live = liveBanner({
    page: this.list.firstPage,
    matches: (entry) => streamEntryMatches(entry, 'llm', llmStreamTags(this.filters())),
    reload: () => this.reloadAll(),
  });

  /** Checked rows; cleared when the filters change. */
  protected readonly selection = linkedSignal<Set<string>>(() => {
    this.filters();
    return new Set();
  });
  protected readonly selectedIds = computed(() => [...this.selection()]);
  protected readonly allSelected = computed(() => {
    const ids = this.pageIds();
    return ids.length > 0 && ids.every((id) => this.selection().has(id));
  });
  private readonly pageIds = computed(() => this.list.rows().flatMap((i) => (i.id ? [i.id] : [])));

  protected readonly comment = signal('');
  protected readonly busy = signal(false);
  protected readonly notice = signal<string | null>(null);

  constructor() {
    inject(KeyboardService).usePageShortcuts(REVIEW_KEYS.map((k) => ({ key: k.key, does: k.does, run: () => this.reviewByKey(k.state) })));
  }

  protected label = labelOf;
  protected tokens = formatTokens;
  protected rate = formatRate;
  protected costTotals = formatCostTotals;
  protected cost(i: LlmInteraction): string {
    return formatCost(i.cost);
  }

  /** The export of what the filters select (streamed by the server as an attachment). */
  protected exportHref(format: 'csv' | 'ndjson'): string {
    return `${this.api.url('llm/export')}?${llmExportQuery(format, this.filters())}`;
  }

  protected setFilter(key: LlmFilterKey, value: string): void {
    const queryParams = Object.fromEntries(LLM_FILTER_KEYS.map((k) => [k, this.filters()[k] ?? null]));
    queryParams[key] = value.trim() || null;
    void this.router.navigate([], { relativeTo: this.route, queryParams });
  }

  protected toggle(i: LlmInteraction): void {
    if (i.id) this.selection.update((s) => toggled(s, i.id!));
  }

  protected selectAll(): void {
    this.selection.update((s) => toggledAll(s, this.pageIds()));
  }

  /** a/f/r: the checked rows, else the row whose link has the focus (j/k). */
  private reviewByKey(state: LlmReviewState): void {
    const focused = (this.document.activeElement as HTMLElement | null)?.closest<HTMLElement>('tr[data-id]')?.dataset['id'] ?? null;
    const ids = reviewTargets(this.selection(), focused);
    if (ids.length) void this.review(ids, state);
  }

  protected async review(ids: readonly string[], state: LlmReviewState): Promise<void> {
    if (this.busy() || ids.length === 0) return;
    this.busy.set(true);
    const comment = this.comment().trim() || null;
    try {
      if (ids.length === 1) {
        await this.reviews.reviewOne(ids[0], state, comment);
        this.notice.set(`1 interaction ${state}.`);
      } else {
        const result = await this.reviews.reviewMany(ids, state, comment);
        const failed = result.data.filter((r) => !r.ok);
        this.notice.set(`${result.reviewed} interactions ${state}.${failed.length ? ` ${failed.length} failed: ${failed[0].message ?? ''}` : ''}`);
      }
      this.selection.set(new Set());
      this.comment.set('');
    } catch (error) {
      this.notice.set(`Review failed: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
      this.reloadAll();
    }
  }

  /** Deletes every interaction after confirmation (other entries stay). */
  protected async clearAll(): Promise<void> {
    if (this.busy() || !window.confirm('Delete every LLM interaction, its review trail and the LLM rollups? This cannot be undone.')) return;
    this.busy.set(true);
    try {
      const result = await this.reviews.clearAll();
      this.notice.set(`${result.data.deleted.toLocaleString('en-US')} interactions deleted.`);
      this.selection.set(new Set());
    } catch (error) {
      this.notice.set(`Clear failed: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
      this.reloadAll();
    }
  }

  private reloadAll(): void {
    this.list.reload();
    this.kpisResource.reload();
    this.rollups.reload();
  }
}
