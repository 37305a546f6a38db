import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { wordTone } from '../format/tone.util';

/** A log level (`error`, `warn`, `log`, `debug`, `verbose`, `fatal`) as a coloured badge. */
@Component({
  selector: 'at-level-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class]': 'tone()' },
  template: `{{ level() }}`,
})
export class LevelBadgeComponent {
  /** The level name, case-insensitive. */
  readonly level = input.required<string>();
  protected readonly tone = computed(() => `badge badge-level ${wordTone(this.level())}`);
}
