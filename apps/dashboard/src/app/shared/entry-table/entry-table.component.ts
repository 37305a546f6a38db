import { ChangeDetectionStrategy, Component, computed, inject, input, output } from '@angular/core';
import { NgTemplateOutlet } from '@angular/common';
import { Router, RouterLink } from '@angular/router';
import { BytesPipe } from '../pipes/bytes.pipe';
import { DurationPipe } from '../pipes/duration.pipe';
import { LevelBadgeComponent } from '../status-badge/level-badge.component';
import { MethodBadgeComponent } from '../status-badge/method-badge.component';
import { StatusBadgeComponent } from '../status-badge/status-badge.component';
import { TagChipsComponent } from '../tag-chips/tag-chips.component';
import { RelativeTimeComponent } from '../time/relative-time.component';
import { UserBadgeComponent } from '../user-badge/user-badge.component';
import { ViewCellComponent } from '../view-cell/view-cell.component';
import { TableColumn } from './table-column.model';

/**
 * The list table used by every page: typed columns, whole-row navigation (the primary cell is a
 * real link), tag chips that emit filters, an active row, and an empty state.
 */
@Component({
  selector: 'at-entry-table',
  imports: [
    NgTemplateOutlet,
    RouterLink,
    BytesPipe,
    DurationPipe,
    LevelBadgeComponent,
    MethodBadgeComponent,
    StatusBadgeComponent,
    TagChipsComponent,
    RelativeTimeComponent,
    UserBadgeComponent,
    ViewCellComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './entry-table.component.html',
  styleUrl: './entry-table.component.css',
})
export class EntryTableComponent<T> {
  private readonly router = inject(Router);

  /** Rows, in display order. */
  readonly rows = input.required<readonly T[]>();
  /** Columns, left to right. */
  readonly columns = input.required<readonly TableColumn<T>[]>();
  /** Stable id of a row (used for tracking and `data-id`). */
  readonly rowId = input.required<(row: T) => string>();
  /** Router link of a row's detail page; rows are not clickable without it. */
  readonly link = input<((row: T) => string[] | null) | null>(null);
  /** `data-testid` of each row. */
  readonly rowTestId = input('entry-row');
  /** Id of the row to highlight (e.g. the entry shown above the list). */
  readonly activeId = input<string | null>(null);
  /** Text shown when there are no rows. */
  readonly emptyText = input('Nothing recorded yet.');
  /** Emits `key:value` when a tag chip is clicked. */
  readonly tagPick = output<string>();

  /** The columns to draw: optional ones only when some row has something to show in them. */
  protected readonly visibleColumns = computed(() => {
    const rows = this.rows();
    return this.columns().filter((column) => !column.optional || rows.some((row) => hasContent(column.value(row))));
  });
  protected readonly colspan = computed(() => this.visibleColumns().length);

  protected linkOf(row: T): string[] | null {
    return this.link()?.(row) ?? null;
  }

  /** Whole-row click opens the row, unless the click was on a control or a selection is made. */
  protected open(row: T, event: MouseEvent): void {
    const target = event.target as HTMLElement | null;
    if (target?.closest('a, button, input, summary')) return;
    if (window.getSelection()?.toString()) return;
    const link = this.linkOf(row);
    if (!link) return;
    if (event.metaKey || event.ctrlKey) {
      window.open(this.router.serializeUrl(this.router.createUrlTree(link)), '_blank');
      return;
    }
    void this.router.navigate(link);
  }

  protected text(value: unknown): string {
    if (value === null || value === undefined || value === '') return '—';
    return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** True for values worth a column: not empty, not an empty object. */
function hasContent(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  return typeof value !== 'object' || Object.keys(value).length > 0;
}
