import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { TagControl } from '../../core/view/view-filters.model';

/** A tag filter of a plugin's list: a select of the declared values, else a free value box. */
@Component({
  selector: 'at-tag-filter',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label class="tag-filter" [attr.data-testid]="'tag-filter-' + control().key">
      <span class="tag-label">{{ control().label }}</span>
      @if (control().options.length) {
        <select (change)="pick($any($event.target).value)">
          <option value="" [selected]="control().value === null">All</option>
          @for (option of control().options; track option) {
            <option [value]="option" [selected]="option === control().value">{{ option }}</option>
          }
        </select>
      } @else {
        <input type="text" placeholder="any" [value]="control().value ?? ''" (change)="pick($any($event.target).value)" />
      }
    </label>
  `,
  styles: `
    .tag-filter { display: inline-flex; align-items: center; gap: 6px; font-size: 12.5px; color: var(--muted); }
    select, input { font: inherit; color: var(--text); padding: 4px 8px; border: 1px solid var(--border); border-radius: 6px;
      background: var(--surface); }
    input { width: 120px; }
  `,
})
export class TagFilterComponent {
  readonly control = input.required<TagControl>();
  /** The chosen value; null for "any". */
  readonly changed = output<string | null>();

  protected pick(value: string): void {
    this.changed.emit(value.trim() || null);
  }
}
