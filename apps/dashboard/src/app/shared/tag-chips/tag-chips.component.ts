import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

/** Tags shown elsewhere (the request's user), left out of chip lists by default. */
export const USER_TAGS: ReadonlySet<string> = new Set(['user_name', 'user_email', 'user_avatar_url']);

/**
 * Tags as `key:value` chips. Clicking one emits `key:value` (lists use it as the `tag` filter);
 * chips are plain text when nobody listens (`clickable` false).
 */
@Component({
  selector: 'at-tag-chips',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (tag of chips(); track tag.filter) {
      @if (clickable()) {
        <button type="button" class="chip" data-testid="tag-chip" [attr.data-tag]="tag.filter"
                [title]="'Filter by ' + tag.filter" (click)="onPick($event, tag.filter)">
          <span class="chip-key">{{ tag.key }}</span><span class="chip-value">{{ tag.value }}</span>
        </button>
      } @else {
        <span class="chip" data-testid="tag-chip" [attr.data-tag]="tag.filter">
          <span class="chip-key">{{ tag.key }}</span><span class="chip-value">{{ tag.value }}</span>
        </span>
      }
    }
  `,
  styles: `:host { display: inline-flex; flex-wrap: wrap; gap: 4px; vertical-align: middle; }`,
})
export class TagChipsComponent {
  /** Tags of an entry. */
  readonly tags = input<Record<string, string> | null | undefined>({});
  /** Hide the `user_*` tags (shown as the user instead). */
  readonly hideUser = input(true);
  /** Render chips as buttons that emit `pick`. */
  readonly clickable = input(true);
  /** Emits `key:value` when a chip is clicked. */
  readonly pick = output<string>();

  protected readonly chips = computed(() =>
    Object.entries(this.tags() ?? {})
      .filter(([key]) => !(this.hideUser() && USER_TAGS.has(key)))
      .map(([key, value]) => ({ key, value: String(value), filter: `${key}:${value}` })),
  );

  protected onPick(event: Event, filter: string): void {
    // Chips sit inside clickable rows: the chip filters, it does not open the row.
    event.stopPropagation();
    this.pick.emit(filter);
  }
}
