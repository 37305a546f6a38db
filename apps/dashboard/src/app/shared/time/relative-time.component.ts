import { ChangeDetectionStrategy, Component, inject, input } from '@angular/core';
import { AbsoluteTimePipe } from '../pipes/absolute-time.pipe';
import { TimeAgoPipe } from '../pipes/time-ago.pipe';
import { Clock } from './clock.service';

/** A `<time>` showing "3m ago", with the absolute time as its tooltip. */
@Component({
  selector: 'at-time',
  imports: [TimeAgoPipe, AbsoluteTimePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<time [attr.datetime]="at()" [title]="at() | absoluteTime">{{ at() | timeAgo: clock.now() }}</time>`,
})
export class RelativeTimeComponent {
  /** ISO-8601 instant. */
  readonly at = input.required<string | null | undefined>();
  protected readonly clock = inject(Clock);
}
