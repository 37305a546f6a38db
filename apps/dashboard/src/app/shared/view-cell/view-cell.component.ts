import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { ViewCell } from '../../core/view/view-cell.model';
import { RelativeTimeComponent } from '../time/relative-time.component';

/**
 * A formatted value of a metadata-driven page (see formatCell): text, monospace code, numbers,
 * coloured badges, times (relative in lists, absolute with the relative age in details).
 */
@Component({
  selector: 'at-view-cell',
  imports: [RelativeTimeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class.detail]': 'detail()' },
  template: `
    @if (cell(); as c) {
      @switch (c.kind) {
        @case ('badge') { <span class="badge {{ c.tone }}">{{ c.text }}</span> }
        @case ('time') {
          @if (detail()) {
            <span>{{ c.text }}</span> <span class="muted">(<at-time [at]="c.iso" />)</span>
          } @else {
            <at-time class="muted nowrap" [at]="c.iso" />
          }
        }
        @case ('code') { <span class="cell-text mono code">{{ c.text }}</span> }
        @case ('number') { <span class="num">{{ c.text }}</span> }
        @default { <span class="cell-text">{{ c.text }}</span> }
      }
    } @else {
      <span class="muted">—</span>
    }
  `,
  styles: `
    :host { display: contents; }
    /* Lists: one line, cut with an ellipsis (the cell's tooltip has it all). */
    :host(:not(.detail)) .cell-text { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    :host(.detail) .cell-text { white-space: pre-wrap; word-break: break-word; }
    .num { font-variant-numeric: tabular-nums; white-space: nowrap; }
    .nowrap { white-space: nowrap; }
  `,
})
export class ViewCellComponent {
  /** The formatted value; null draws a dash. */
  readonly cell = input<ViewCell | null | undefined>(null);
  /** Detail pages: times absolute (with their age), text not cut to one line. */
  readonly detail = input(false);
}
