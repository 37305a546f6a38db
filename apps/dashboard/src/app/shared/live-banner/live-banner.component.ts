import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

/** The "N new entries — show" bar above a list; a polite live region, so screen readers hear it. */
@Component({
  selector: 'at-live-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div aria-live="polite">
      @if (text(); as t) {
        <button type="button" class="live-banner" data-testid="live-banner" (click)="show.emit()">
          <span class="live-dot" aria-hidden="true"></span>{{ t }} — <span class="live-show">show</span>
        </button>
      }
    </div>
  `,
  styles: `
    :host { display: block; }
    .live-banner { display: flex; align-items: center; justify-content: center; gap: 8px; width: 100%; margin: 0 0 10px;
      padding: 7px 12px; border: 1px solid var(--accent); border-radius: 6px; background: var(--accent-soft);
      color: var(--accent-strong); font-weight: 500; cursor: pointer; }
    .live-banner:hover { border-color: var(--accent-strong); }
    .live-show { text-decoration: underline; }
    .live-dot { width: 8px; height: 8px; border-radius: 50%; background: var(--accent); }
  `,
})
export class LiveBannerComponent {
  /** The banner's text; nothing is shown when null. */
  readonly text = input<string | null>(null);
  readonly show = output<void>();
}
