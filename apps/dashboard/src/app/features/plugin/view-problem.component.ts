import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** Why a plugin's view metadata was not used (its pages fall back to the generic ones). */
@Component({
  selector: 'at-view-problem',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (problem(); as p) {
      <div class="alert" role="alert" data-testid="view-problem">
        <strong>This plugin's view metadata could not be used</strong> ({{ p }}); showing the generic pages.
      </div>
    }
  `,
})
export class ViewProblemComponent {
  readonly problem = input<string | null | undefined>(null);
}
