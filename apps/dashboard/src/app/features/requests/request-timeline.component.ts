import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { Entry, TimelineItem } from '@active-tracker/nestjs/contracts';
import { MetaStore } from '../../core/api/meta.store';
import { formatDuration } from '../../shared/format/duration.format';
import { NotePlacement, TimelineInput, TimelineRow, notePlacement, timelineLayout } from './timeline.model';
import { timelineLabel } from './timeline-label.util';

/** Colour token of each type's bars; other plugins' entries share one. */
const TYPE_TONES: Record<string, string> = {
  request: 'accent',
  query: 'query',
  log: 'muted',
  exception: 'danger',
  'http-client': 'ok',
  llm: 'llm',
  event: 'info',
};

/**
 * The request's waterfall: every entry of its batch on one row, placed by its offset from the
 * request start (the API's `timeline`) and as wide as it took; instants (log lines, exceptions)
 * are markers. Each row links to the entry. Positions are style bindings, not markup.
 */
@Component({
  selector: 'at-request-timeline',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'timeline' },
  template: `
    @let l = layout();
    <div class="axis" aria-hidden="true">
      <span class="axis-label"></span>
      <span class="axis-track">
        @for (t of l.ticks; track t.atMs) {
          <span class="tick" [style.left.%]="t.leftPct">{{ ms(t.atMs) }}</span>
        }
      </span>
    </div>
    <ol class="rows">
      @for (row of l.rows; track row.id) {
        <li class="row" data-testid="timeline-row" [attr.data-type]="row.type" [attr.data-id]="row.id">
          <a class="row-label" [routerLink]="link(row.id, row.type)" [title]="row.label">
            <span class="type tone-{{ tone(row.type) }}">{{ row.type }}</span>
            <span class="text">{{ row.label || '—' }}</span>
          </a>
          <span class="track">
            @for (t of l.ticks; track t.atMs) { <span class="grid" [style.left.%]="t.leftPct"></span> }
            @if (row.point) {
              <span class="marker bar-{{ tone(row.type) }}" [style.left.%]="row.leftPct"
                    [attr.aria-label]="row.type + ' at +' + ms(row.startMs)"></span>
            } @else {
              <span class="bar bar-{{ tone(row.type) }}" [style.left.%]="row.leftPct" [style.width.%]="row.widthPct"
                    [attr.aria-label]="row.type + ' from +' + ms(row.startMs) + ' for ' + ms(row.durationMs ?? 0)"></span>
            }
            @let place = note(row);
            <span class="when when-{{ place }}" [style.left.%]="place === 'after' ? row.leftPct + row.widthPct : row.leftPct"
                  >+{{ ms(row.startMs) }}@if (!row.point) { · {{ ms(row.durationMs ?? 0) }} }</span>
          </span>
        </li>
      } @empty {
        <li class="muted empty">Nothing else was recorded during this request.</li>
      }
    </ol>
  `,
  styles: `
    :host { display: block; font-size: 12px; --label-w: minmax(140px, 32%); }
    .axis, .row { display: grid; grid-template-columns: var(--label-w) minmax(0, 1fr); gap: 10px; align-items: center; }
    .axis { color: var(--muted); font-size: 10.5px; height: 16px; }
    .axis-track, .track { position: relative; height: 100%; }
    .tick { position: absolute; transform: translateX(-50%); white-space: nowrap; }
    .tick:first-child { transform: none; }
    .tick:last-child { transform: translateX(-100%); }
    .rows { list-style: none; margin: 0; padding: 0; }
    .row { min-height: 24px; border-top: 1px solid var(--border-soft); }
    .row:hover { background: var(--hover); }
    .row-label { display: flex; gap: 6px; align-items: center; min-width: 0; color: inherit; text-decoration: none; padding: 3px 0; }
    .row-label:hover .text { color: var(--accent); text-decoration: underline; }
    .type { flex: none; font: 600 10px/16px var(--mono); padding: 0 5px; border-radius: 3px; background: var(--hover); color: var(--muted); }
    .text { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; font-family: var(--mono); font-size: 11.5px; }
    .track { height: 24px; }
    .grid { position: absolute; top: 0; bottom: 0; width: 1px; background: var(--border-soft); }
    .bar { position: absolute; top: 6px; height: 12px; border-radius: 2px; min-width: 2px; }
    .marker { position: absolute; top: 6px; width: 3px; height: 12px; border-radius: 1px; transform: translateX(-1px); }
    .when { position: absolute; top: 5px; padding: 0 6px; color: var(--muted); font-size: 10.5px; line-height: 14px;
      white-space: nowrap; font-variant-numeric: tabular-nums; }
    .when-before { transform: translateX(-100%); }
    .when-inside { color: #fff; top: 6px; line-height: 12px; font-weight: 600; }
    .bar-accent { background: var(--accent); } .tone-accent { color: var(--accent-strong); background: var(--accent-soft); }
    .bar-query { background: var(--j-key); } .tone-query { color: var(--j-key); }
    .bar-muted { background: var(--muted); }
    .bar-danger { background: var(--danger); } .tone-danger { color: var(--danger); background: var(--danger-soft); }
    .bar-ok { background: var(--ok); } .tone-ok { color: var(--ok); background: var(--ok-soft); }
    .bar-llm { background: var(--j-number); } .tone-llm { color: var(--j-number); }
    .bar-info { background: var(--info); } .tone-info { color: var(--info); background: var(--info-soft); }
    .bar-other { background: var(--warn); } .tone-other { color: var(--warn); background: var(--warn-soft); }
    .empty { padding: 10px 0; }
    @media (max-width: 760px) { :host { --label-w: minmax(90px, 38%); } .when { display: none; } }
  `,
})
export class RequestTimelineComponent {
  private readonly meta = inject(MetaStore);

  /** The API's waterfall (`timeline` of `GET entries/:id`). */
  readonly items = input.required<readonly TimelineItem[]>();
  /** Every entry of the batch (the request included), to label the rows. */
  readonly entries = input.required<readonly Entry[]>();
  /** The request's duration: the span drawn (longer when something ran past it). */
  readonly durationMs = input<number | null>(null);
  /** The request's own entry: its row comes first (its id, made when it ended, may sort after its batch). */
  readonly rootId = input<string | null>(null);

  protected readonly layout = computed(() => {
    const byId = new Map(this.entries().map((e) => [e.id, e]));
    const root = this.rootId();
    const items = [...this.items()].sort((a, b) => Number(b.id === root) - Number(a.id === root));
    const inputs: TimelineInput[] = items.map((item) => {
      const entry = byId.get(item.id);
      return { ...item, label: entry ? timelineLabel(entry) : item.type };
    });
    return timelineLayout(inputs, this.durationMs());
  });

  protected tone(type: string): string {
    return TYPE_TONES[type] ?? 'other';
  }

  protected link(id: string, type: string): string[] {
    return this.meta.linkTo({ id, type });
  }

  protected ms(value: number): string {
    return value === 0 ? '0' : formatDuration(value);
  }

  protected note(row: TimelineRow): NotePlacement {
    return notePlacement(row);
  }
}
