import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** An HTTP method in a fixed-width, colour-coded label (GET, POST, PUT, PATCH, DELETE, ...). */
@Component({
  selector: 'at-method-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class]': 'classes()' },
  template: `{{ method() }}`,
})
export class MethodBadgeComponent {
  /** The HTTP method, any case. */
  readonly method = input.required<string>();
  protected readonly classes = computed(() => `method method-${(this.method() || '').toLowerCase()}`);
}
