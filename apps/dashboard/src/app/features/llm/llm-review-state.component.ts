import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const TONES: Record<string, string> = { approved: 'tone-ok', flagged: 'tone-warn', rejected: 'tone-danger', unreviewed: 'tone-muted' };

/** A review state as a badge (approved green, flagged amber, rejected red). */
@Component({
  selector: 'at-llm-review-state',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<span class="badge" [class]="tone()" data-testid="review-state">{{ state() }}</span>`,
})
export class LlmReviewStateComponent {
  readonly state = input.required<string>();
  protected readonly tone = computed(() => `badge ${TONES[this.state()] ?? 'tone-muted'}`);
}
