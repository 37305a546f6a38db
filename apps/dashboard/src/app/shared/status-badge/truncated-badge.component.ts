import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { Entry } from '@active-tracker/nestjs/contracts';
import { isTruncated, truncationDetail } from './truncation.util';

/** A "truncated" badge, shown only when the recorder cut something out of the entry. */
@Component({
  selector: 'at-truncated-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (truncated()) {
    <span class="badge tone-warn" data-testid="truncated-badge" [title]="detail()">truncated</span>
  }`,
})
export class TruncatedBadgeComponent {
  /** The entry to inspect. */
  readonly entry = input.required<Pick<Entry, 'content'>>();
  protected readonly truncated = computed(() => isTruncated(this.entry()));
  protected readonly detail = computed(() => truncationDetail(this.entry()));
}
