import type { ExceptionFamilyRow } from '@active-tracker/nestjs/contracts';
import { formatLocation } from '../../shared/entry-table/entry-summary.util';
import { TableColumn } from '../../shared/entry-table/table-column.model';

/** Columns of the exception families table. */
export const FAMILY_COLUMNS: readonly TableColumn<ExceptionFamilyRow>[] = [
  { label: 'Exception', kind: 'strong', primary: true, grow: true, value: (f) => f.class, sub: (f) => f.message },
  {
    label: 'Location',
    kind: 'mono',
    value: (f) => formatLocation(f.location),
    title: (f) => formatLocation(f.location, 100),
    width: '240px',
  },
  {
    label: 'Count',
    kind: 'number',
    // Sampled occurrences make the count an estimate.
    value: (f) => `${f.approximate ? '≈' : ''}${f.count.toLocaleString('en-US')}`,
    width: '70px',
    end: true,
  },
  { label: 'First seen', kind: 'time', value: (f) => f.firstSeen, width: '96px' },
  { label: 'Last seen', kind: 'time', value: (f) => f.lastSeen, width: '96px' },
];
