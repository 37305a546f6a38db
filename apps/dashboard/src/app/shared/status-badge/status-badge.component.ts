import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { statusTone } from '../format/tone.util';

/**
 * An HTTP status as a badge coloured by class (2xx green, 3xx blue, 4xx amber, 5xx red). A
 * missing status with an error (failed outbound call) reads "ERR".
 */
@Component({
  selector: 'at-status-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class]': 'tone()', '[attr.title]': 'title()' },
  template: `{{ text() }}`,
})
export class StatusBadgeComponent {
  /** The HTTP status, or null when there was none. */
  readonly status = input<number | null | undefined>(null);
  /** Error text shown as tooltip when there is no status. */
  readonly error = input<string | null | undefined>(null);

  protected readonly text = computed(() => this.status() ?? (this.error() ? 'ERR' : '—'));
  protected readonly title = computed(() => this.error() ?? null);
  protected readonly tone = computed(() => {
    const status = this.status();
    if (status === null || status === undefined) return this.error() ? 'badge tone-danger' : 'badge tone-muted';
    return `badge ${statusTone(status)}`;
  });
}
