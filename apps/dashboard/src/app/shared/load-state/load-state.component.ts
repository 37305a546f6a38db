import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** Loading and error states of a page or section (renders nothing when neither applies). */
@Component({
  selector: 'at-load-state',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (error()) {
      <div class="alert" role="alert" data-testid="load-error">
        <strong>Could not load.</strong> {{ error() }}
      </div>
    } @else if (loading()) {
      <div class="loading" aria-live="polite"><span class="spinner"></span>Loading…</div>
    }
  `,
  styles: `
    .loading { display: flex; align-items: center; gap: 8px; color: var(--muted); padding: 16px 0; font-size: 13px; }
    .spinner { width: 14px; height: 14px; border: 2px solid var(--border); border-top-color: var(--accent);
      border-radius: 50%; animation: spin .7s linear infinite; }
    @keyframes spin { to { transform: rotate(360deg); } }
  `,
})
export class LoadStateComponent {
  /** Show the spinner. */
  readonly loading = input(false);
  /** Error message; wins over `loading`. */
  readonly error = input<string | null | undefined>(null);
}
