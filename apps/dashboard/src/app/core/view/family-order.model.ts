import type { FamilyOrder } from '@active-tracker/nestjs/contracts';
import { members } from '../api/json.guard';
import { QueryParams } from '../api/query-params';

/** The orders of a families list, as offered (descending). */
export const FAMILY_ORDERS = members<FamilyOrder>()(['count', 'total', 'avg', 'max', 'p95', 'lastSeen']);

export const FAMILY_ORDER_LABELS: Readonly<Record<FamilyOrder, string>> = {
  count: 'Count',
  total: 'Total time',
  avg: 'Average',
  max: 'Slowest',
  p95: 'p95',
  lastSeen: 'Last seen',
};

/** The server's default order, left out of URLs. */
export const DEFAULT_FAMILY_ORDER: FamilyOrder = 'lastSeen';

/** The order an `orderBy` query parameter asks for (the default for anything else). */
export function readFamilyOrder(raw: unknown): FamilyOrder {
  return FAMILY_ORDERS.find((order) => order === raw) ?? DEFAULT_FAMILY_ORDER;
}

/** The `orderBy` query parameter of the dashboard URL (null: the default). */
export function orderParam(order: FamilyOrder): FamilyOrder | null {
  return order === DEFAULT_FAMILY_ORDER ? null : order;
}

/** The `GET families` query of a plugin's families list. */
export function familyQuery(entryType: string, order: FamilyOrder): QueryParams {
  return { type: entryType, orderBy: order };
}
