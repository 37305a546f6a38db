/** An active filter shown as a removable chip, e.g. `{ key: 'tag:tenant', label: 'tenant', value: 'acme' }`. */
export interface ActiveFilter {
  /** What `remove` emits (see removeChip). */
  key: string;
  label: string;
  value: string;
}
