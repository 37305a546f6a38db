import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Entry, QueryEntryContent, RequestQueries } from '@active-tracker/nestjs/contracts';
import { DurationPipe } from '../../shared/pipes/duration.pipe';
import { durationBars } from './query-view.model';
import { SqlCodeComponent } from './sql-code.component';

/**
 * The SQL queries of a request, in the order they ran: a duration bar each (red when slow), the
 * SQL highlighted, where it was issued, and warnings for N+1 families and duplicated statements.
 */
@Component({
  selector: 'at-request-queries',
  imports: [RouterLink, DurationPipe, SqlCodeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (rows().length || summary()) {
      <section class="card flush" data-testid="request-queries">
        <h2 class="card-title padded">
          Queries <span class="count">{{ summary()?.count ?? rows().length }}</span>
          @if (summary(); as s) {
            <span class="totals">{{ s.totalMs | duration }} in the database@if (s.slowCount) { · <span class="slow">{{ s.slowCount }} slow</span>}</span>
          }
        </h2>
        @for (n of summary()?.nPlusOne ?? []; track n.familyHash) {
          <div class="warning" data-testid="n-plus-one-warning">
            <strong>N+1:</strong> {{ n.count }} runs of one statement shape —
            <a [routerLink]="['/queries', 'families', n.familyHash]"><at-sql-code [sql]="n.sql" /></a>
          </div>
        }
        @for (d of summary()?.duplicates ?? []; track $index) {
          <div class="warning dup" data-testid="duplicate-warning"><strong>Duplicate:</strong> {{ d.count }} identical runs of <at-sql-code [sql]="d.sql" /></div>
        }
        <ol class="queries">
          @for (q of rows(); track q.id) {
            <li [class.slow]="q.slow" [class.nplusone]="q.nPlusOne" data-testid="request-query">
              <div class="bar"><span [style.width.%]="q.bar"></span></div>
              <div class="main">
                <a [routerLink]="['/entries', q.id]"><at-sql-code [sql]="q.sql" /></a>
                <div class="meta">{{ q.durationMs | duration }}@if (q.rows !== null) { · {{ q.rows }} rows}@if (q.location) { · {{ q.location }}}@if (q.error) { · <span class="slow">{{ q.error }}</span>}</div>
              </div>
            </li>
          }
        </ol>
      </section>
    }
  `,
  styles: `
    .totals { margin-left: 8px; font-size: 12px; font-weight: 400; color: var(--muted); }
    .slow { color: var(--danger); }
    .warning { margin: 0 16px 8px; padding: 8px 10px; border-radius: 6px; background: var(--warn-soft); color: var(--warn); font-size: 12.5px; }
    .warning a { text-decoration: none; }
    .queries { list-style: none; margin: 0; padding: 0; }
    .queries li { display: flex; gap: 12px; padding: 8px 16px; border-top: 1px solid var(--border-soft); }
    .bar { flex: 0 0 120px; padding-top: 5px; }
    .bar span { display: block; height: 8px; border-radius: 4px; background: var(--accent); opacity: .7; }
    li.slow .bar span { background: var(--danger); opacity: 1; }
    li.nplusone { background: var(--warn-soft); }
    .main { min-width: 0; flex: 1; }
    .main a { text-decoration: none; color: inherit; }
    .meta { margin-top: 2px; font-size: 11.5px; color: var(--muted); font-family: var(--mono); }
  `,
})
export class RequestQueriesComponent {
  /** The request's `content.queries` (totals, N+1, duplicates), when it ran queries. */
  readonly summary = input<RequestQueries | null | undefined>(null);
  /** Entries of the request's batch (any type: the query entries are picked, in order). */
  readonly batch = input<readonly Entry[]>([]);

  protected readonly rows = computed(() => {
    const queries = this.batch().filter((e) => e.type === 'query');
    const bars = durationBars(queries.map((e) => e.durationMs));
    return queries.map((e, i) => {
      const c = e.content as Partial<QueryEntryContent>;
      return {
        id: e.id,
        sql: typeof c.sql === 'string' ? c.sql : '',
        durationMs: e.durationMs,
        bar: bars[i],
        slow: c.slow === true,
        nPlusOne: e.tags['n_plus_one'] === 'true',
        rows: typeof c.rows === 'number' ? c.rows : null,
        location: c.location ?? null,
        error: c.error?.message ?? null,
      };
    });
  });
}
