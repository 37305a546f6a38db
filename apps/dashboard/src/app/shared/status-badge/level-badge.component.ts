import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const TONES: Record<string, string> = {
  fatal: 'tone-danger',
  error: 'tone-danger',
  warn: 'tone-warn',
  warning: 'tone-warn',
  log: 'tone-info',
  info: 'tone-info',
  debug: 'tone-muted',
  verbose: 'tone-muted',
};

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
  protected readonly tone = computed(() => `badge badge-level ${TONES[this.level().toLowerCase()] ?? 'tone-muted'}`);
}
