import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import { METHODS, RequestFilters, formatDurationFilter } from './request-filters.state';

/**
 * The request list's filter controls: method, status (`500`, `5xx`, `4xx`), minimum duration
 * (`>500ms`) and path. Each change goes into the URL; the list reads it from there.
 */
@Component({
  selector: 'at-request-filter-controls',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label class="field">
      <span class="sr-only">Method</span>
      <select class="select" data-testid="filter-method" aria-label="Method" (change)="set('method', $any($event.target).value)">
        <option value="" [selected]="!filters().method">Any method</option>
        @for (m of methods; track m) { <option [value]="m" [selected]="filters().method === m">{{ m }}</option> }
      </select>
    </label>
    <label class="field">
      <span class="sr-only">Status</span>
      <select class="select" data-testid="filter-status" aria-label="Status" (change)="set('status', $any($event.target).value)">
        <option value="" [selected]="!filters().status">Any status</option>
        @for (s of statuses(); track s) { <option [value]="s" [selected]="filters().status === s">{{ s }}</option> }
      </select>
    </label>
    <input class="input short" data-testid="filter-duration" aria-label="Minimum duration, e.g. >500ms" placeholder=">500ms"
           [value]="duration()" (keydown.enter)="set('duration', $any($event.target).value)"
           (change)="set('duration', $any($event.target).value)" />
    <input class="input" data-testid="filter-path" aria-label="Path contains" placeholder="Path contains…"
           [value]="filters().path ?? ''" (keydown.enter)="set('path', $any($event.target).value)"
           (change)="set('path', $any($event.target).value)" />
  `,
  styles: `
    :host { display: contents; }
    .short { width: 84px; }
    .input:not(.short) { width: 150px; }
  `,
})
export class RequestFilterControlsComponent {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  readonly filters = input.required<RequestFilters>();
  protected readonly methods = METHODS;
  /** The status classes, plus an exact status when the URL has one (`?status=503`). */
  protected readonly statuses = computed(() => {
    const classes = ['2xx', '3xx', '4xx', '5xx'];
    const status = this.filters().status;
    return status && !classes.includes(status) ? [...classes, status] : classes;
  });

  protected duration(): string {
    const ms = this.filters().minDurationMs;
    return ms === null ? '' : formatDurationFilter(ms);
  }

  protected set(param: 'method' | 'status' | 'duration' | 'path', value: string): void {
    const text = value.trim();
    void this.router.navigate([], { relativeTo: this.route, queryParams: { [param]: text || null }, queryParamsHandling: 'merge' });
  }
}
