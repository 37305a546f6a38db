import { ChangeDetectionStrategy, Component, DestroyRef, inject, input, linkedSignal, output } from '@angular/core';

import { ActiveFilter } from './filter-bar.model';

export type { ActiveFilter };

/**
 * The toolbar of a list: a search box (applied on Enter or after a short pause), the active filter
 * chips (each removable), and room for extra controls projected at the end.
 */
@Component({
  selector: 'at-filter-bar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (searchable()) {
      <label class="search">
        <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M10.5 3a7.5 7.5 0 0 1 5.9 12.13l4.23 4.24-1.41 1.41-4.24-4.23A7.5 7.5 0 1 1 10.5 3Zm0 2a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11Z"/></svg>
        <input type="search" data-testid="search-input" [placeholder]="placeholder()" [value]="text()"
               [attr.aria-label]="placeholder()"
               (input)="onInput($any($event.target).value)" (keydown.enter)="submit()" (search)="submit()" />
      </label>
    }
    @for (filter of filters(); track filter.key) {
      <span class="chip chip-filter" data-testid="filter-chip" [attr.data-filter]="filter.key">
        <span class="chip-key">{{ filter.label }}</span><span class="chip-value">{{ filter.value }}</span>
        <button type="button" class="chip-remove" [attr.aria-label]="'Remove filter ' + filter.label"
                (click)="remove.emit(filter.key)">×</button>
      </span>
    }
    <span class="spacer"></span>
    <ng-content />
  `,
  styles: `
    :host { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; margin-bottom: 12px; }
    .search { position: relative; display: flex; align-items: center; }
    .search svg { position: absolute; left: 9px; width: 15px; height: 15px; fill: var(--muted); pointer-events: none; }
    .search input { width: 280px; padding: 6px 10px 6px 30px; border: 1px solid var(--border); border-radius: 6px;
      background: var(--surface); font: inherit; color: inherit; }
    .search input:focus { outline: 2px solid var(--accent-soft); border-color: var(--accent); }
    .chip-remove { border: 0; background: transparent; color: inherit; cursor: pointer; padding: 0 2px 0 6px;
      font-size: 14px; line-height: 1; }
    .spacer { flex: 1; }
    @media (max-width: 760px) { .search, .search input { width: 100%; } }
  `,
})
export class FilterBarComponent {
  /** Current search text (from the URL). */
  readonly query = input<string | null | undefined>('');
  /** Placeholder of the search box. */
  readonly placeholder = input('Search…');
  /** Show the search box (a plugin list without a text filter has none). */
  readonly searchable = input(true);
  /** Active filters, shown as removable chips. */
  readonly filters = input<ActiveFilter[]>([]);
  /**
   * Emits the new search text. Not named `search`: the inner `<input type="search">` fires a
   * native `search` event that bubbles, and a parent's `(search)` binding would receive both.
   */
  readonly queryChange = output<string>();
  /** Emits the key of the filter to remove. */
  readonly remove = output<string>();

  /** What is typed; follows the URL when it changes (back/forward, chip removal). */
  protected readonly text = linkedSignal(() => this.query() ?? '');
  /** Last search sent (Enter and the native `search` event can both fire for one submit). */
  private readonly sent = linkedSignal(() => this.query() ?? '');
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  protected onInput(value: string): void {
    this.text.set(value);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.submit(), 400);
  }

  protected submit(): void {
    clearTimeout(this.timer);
    const value = this.text().trim();
    if (value === this.sent()) return;
    this.sent.set(value);
    this.queryChange.emit(value);
  }
}
