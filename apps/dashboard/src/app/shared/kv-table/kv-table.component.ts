import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { isRecord } from '../../core/api/json.guard';

/** Headers, query parameters and similar flat maps as a two-column key/value table. */
@Component({
  selector: 'at-kv-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (text(); as t) {
      <p class="mono text">{{ t }}</p>
    } @else if (rows().length === 0) {
      <p class="muted empty">{{ emptyText() }}</p>
    } @else {
      <table class="kv">
        @for (row of rows(); track row.key) {
          <tr>
            <th>{{ row.key }}</th>
            <td [class.redacted]="row.value === '[REDACTED]'">{{ row.value }}</td>
          </tr>
        }
      </table>
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .kv { width: 100%; border-collapse: collapse; font-family: var(--mono); font-size: 12px; table-layout: fixed; }
    th, td { text-align: left; vertical-align: top; padding: 3px 8px 3px 0; border-bottom: 1px solid var(--border-soft); }
    th { width: 34%; color: var(--muted); font-weight: 500; word-break: break-all; }
    td { word-break: break-all; white-space: pre-wrap; }
    tr:last-child th, tr:last-child td { border-bottom: 0; }
    .redacted { color: var(--warn); }
    .empty, .text { margin: 0; font-size: 13px; }
    .text { font-size: 12px; color: var(--warn); }
  `,
})
export class KvTableComponent {
  /** The map to show; non-string values are shown as JSON, a string (e.g. `[encrypted]`) as it is. */
  readonly data = input<unknown>({});
  /** Shown when the map is empty. */
  readonly emptyText = input('None');

  protected readonly text = computed(() => {
    const data = this.data();
    return typeof data === 'string' && data ? data : null;
  });
  protected readonly rows = computed(() => {
    const data = this.data();
    return Object.entries(isRecord(data) ? data : {}).map(([key, value]) => ({
      key,
      value: Array.isArray(value)
        ? value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join('\n')
        : typeof value === 'string'
          ? value
          : JSON.stringify(value),
    }));
  });
}
