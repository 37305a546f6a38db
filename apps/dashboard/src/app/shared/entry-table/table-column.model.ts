/** How a table cell renders its value. */
export type CellKind =
  | 'text'
  | 'strong'
  | 'mono'
  | 'method'
  | 'status'
  | 'level'
  | 'duration'
  | 'time'
  | 'tags'
  | 'user'
  | 'number'
  | 'bytes'
  /** A ViewCell (metadata-driven columns, see view-cell.model.ts). */
  | 'cell';

/** One column of an entry table. */
export interface TableColumn<T> {
  /** Header text. */
  label: string;
  /** Rendering; `text` by default. */
  kind?: CellKind;
  /** The cell's value (shape depends on `kind`: ISO string for `time`, ms for `duration`, ...). */
  value: (row: T) => unknown;
  /** A muted second line under the value. */
  sub?: (row: T) => string | null | undefined;
  /** For `status` cells: error text when there is no status. */
  error?: (row: T) => string | null | undefined;
  /** Tooltip of the cell. */
  title?: (row: T) => string | null | undefined;
  /** The cell holding the row's link (keyboard and middle-click friendly). */
  primary?: boolean;
  /** Fixed CSS width, e.g. `90px`. */
  width?: string;
  /** Let the column take the remaining width (its text is ellipsized). */
  grow?: boolean;
  /** Right-align (numbers, durations). */
  end?: boolean;
  /** Hide the column when no row has a value for it (user, tags). */
  optional?: boolean;
}
