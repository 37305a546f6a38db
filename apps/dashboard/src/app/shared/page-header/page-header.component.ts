import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';

/**
 * The title row of a page: optional back link, title, subtitle, and projected badges (`[badges]`)
 * and actions (default slot, right-aligned).
 */
@Component({
  selector: 'at-page-header',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (back(); as link) {
      <a class="back" [routerLink]="link">← {{ backLabel() }}</a>
    }
    <div class="row">
      <div class="titles">
        <h1>
          <ng-content select="[prefix]" />
          <span class="title-text" [class.mono]="monoTitle()">{{ title() }}</span>
          <ng-content select="[badges]" />
        </h1>
        @if (subtitle()) {
          <p class="subtitle">{{ subtitle() }}</p>
        }
      </div>
      <div class="actions"><ng-content /></div>
    </div>
  `,
  styles: `
    :host { display: block; margin-bottom: 16px; }
    .back { display: inline-block; font-size: 12px; color: var(--muted); text-decoration: none; margin-bottom: 6px; }
    .back:hover { color: var(--accent); }
    .row { display: flex; align-items: flex-start; gap: 16px; }
    .titles { flex: 1; min-width: 0; }
    h1 { display: flex; align-items: center; flex-wrap: wrap; gap: 8px; margin: 0; font-size: 19px; font-weight: 600;
      line-height: 1.3; }
    .title-text { word-break: break-word; min-width: 0; }
    .title-text.mono { font-family: var(--mono); font-size: 16px; }
    .subtitle { margin: 4px 0 0; color: var(--muted); word-break: break-word; }
    .actions { display: flex; gap: 8px; flex: none; align-items: center; }
    @media (max-width: 760px) { .row { flex-wrap: wrap; } }
  `,
})
export class PageHeaderComponent {
  /** Heading text. */
  readonly title = input.required<string>();
  /** Muted line under the title. */
  readonly subtitle = input<string | null | undefined>(null);
  /** Render the title in the monospace font (paths, class names). */
  readonly monoTitle = input(false);
  /** Router link of the back link; none when null. */
  readonly back = input<string[] | string | null>(null);
  /** Text of the back link. */
  readonly backLabel = input('Back');
}
